"""Stance evaluation on the development set, for several embedding models in one run.

``tests/nlp/data/stances_dev.toml`` holds news-style passages, each written in
English, French and Chinese, labelled with a seeded stance or "none". For
each model this reports:

- accuracy and macro-F1 of the seeded assignment against the labels
  (an unassigned passage counts as "none");
- the adjusted Rand index of the full clustering (seeded + emergent, the
  waiting passages as one group) against the labels;
- cross-lingual consistency: the share of translation triples whose three
  passages end in the same cluster (or all three wait);
- stability: the items are split 10:1 in a seeded random order; after the
  larger part is clustered, every passage is placed again against those
  clusters together with the 10% more, and the share of earlier assigned
  passages that keep their cluster is reported.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.stances_eval --model use-multilingual --model e5-small
"""

from __future__ import annotations

import argparse
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

LANGUAGES = ("en", "fr", "zh")
"""The languages each item of the evaluation sets is written in."""

DEV_SET = Path(__file__).resolve().parents[1] / "tests" / "nlp" / "data" / "stances_dev.toml"
NONE = "none"


@dataclass(frozen=True)
class Figures:
    model_id: str
    passages: int
    accuracy: float
    macro_f1: float
    adjusted_rand: float
    cross_lingual: float
    stability: float

    def row(self) -> str:
        return (f"| {self.model_id} | {self.passages} | {self.accuracy:.3f} | {self.macro_f1:.3f} | "
                f"{self.adjusted_rand:.3f} | {self.cross_lingual:.3f} | {self.stability:.3f} |")


def load_items(path: Path = DEV_SET) -> list[dict[str, str]]:
    with path.open("rb") as handle:
        return tomllib.load(handle)["item"]


def evaluate(model: str, cache_dir: Path | None = None, path: Path = DEV_SET) -> Figures:
    from sklearn.metrics import adjusted_rand_score, f1_score

    from nlp.embeddings import load_encoder
    from nlp.stances.clustering import ClusteringConfig, PassageInput, update_clusters
    from nlp.stances.seeded import SeededStances, Thresholds
    from nlp.stances.taxonomy import Taxonomy
    from nlp.topic import Topic

    encoder = load_encoder(model, cache_dir)
    thresholds = Thresholds.load(encoder.model_id)
    config = ClusteringConfig.load(thresholds)
    seeded = SeededStances.from_taxonomy(Taxonomy.load(), encoder)
    topic = Topic.load()
    items = load_items(path)
    passages = [
        PassageInput(f"{n:03d}-{language}", item[language], language, story_id=f"{n:03d}")
        for n, item in enumerate(items) for language in LANGUAGES
    ]
    truth = [item["label"] for item in items for _ in LANGUAGES]
    vectors = encoder.encode([p.text for p in passages])

    matches = seeded.match(vectors, thresholds, [p.text for p in passages], [p.language for p in passages])
    seeded_only = [m[0] if isinstance(m, tuple) else NONE for m in matches]
    accuracy = float(np.mean([p == t for p, t in zip(seeded_only, truth)]))
    macro_f1 = float(f1_score(truth, seeded_only, average="macro", labels=sorted(set(truth))))

    full = update_clusters(passages, vectors, seeded, [], topic, config)
    cluster_of = {a.passage_id: a.cluster_id or NONE for a in full.assignments}
    predicted = [cluster_of[p.passage_id] for p in passages]
    adjusted_rand = float(adjusted_rand_score(truth, predicted))
    triples = [predicted[i : i + len(LANGUAGES)] for i in range(0, len(predicted), len(LANGUAGES))]
    cross_lingual = float(np.mean([len(set(t)) == 1 for t in triples]))

    order = list(range(len(items)))
    random.Random(7).shuffle(order)
    earlier_items = set(order[: round(len(items) / 1.1)])
    rows = [i for i, p in enumerate(passages) if int(p.story_id) in earlier_items]
    first = update_clusters([passages[i] for i in rows], vectors[rows], seeded, [], topic, config)
    earlier = {a.passage_id: a.cluster_id for a in first.assignments if a.cluster_id is not None}
    replay = update_clusters(passages, vectors, seeded, first.clusters, topic, config)
    kept = [a.cluster_id == earlier[a.passage_id] for a in replay.assignments if a.passage_id in earlier]
    stability = float(np.mean(kept)) if kept else 1.0
    return Figures(encoder.model_id, len(passages), accuracy, macro_f1, adjusted_rand, cross_lingual, stability)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", action="append", help="embedding model (repeatable); default: both bundled ones")
    parser.add_argument("--cache-dir", type=Path, default=Path("~/.cache/veille").expanduser())
    args = parser.parse_args()
    print("| model | passages | accuracy | macro-F1 | adjusted Rand | cross-lingual | stability |")
    print("|---|---|---|---|---|---|---|")
    for model in args.model or ["use-multilingual", "e5-small"]:
        print(evaluate(model, args.cache_dir).row(), flush=True)


if __name__ == "__main__":
    main()

"""Fitting topic relevance, and its figures on the sets it is fitted on.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.relevance_eval [--write]

With ``--write`` it fits the logistic regression of ``nlp.relevance`` on the
dev split of the real texts (``bench/realtext``, when the local cache holds
them) together with the calibration half of the team's own set
(``tests/nlp/data/relevance_dev.toml``, split in halves by a hash of each id)
and writes ``nlp/relevance.toml``. The figures printed here are on texts it
was fitted on, or on the team's own sentences: the honest estimate is the
test split of the real texts, measured by ``bench.realtext_eval``. The
evidence is computed by the real parts of the process stage (topic terms,
the knowledge-base matcher, the document embedding).
"""

from __future__ import annotations

import argparse
import hashlib
import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from nlp.relevance import DEFAULT_PATH, FEATURES, Evidence, RelevanceModel, RelevanceScorer
from core.config import load_config
from pipeline.analyse import Analyser, AnalyserSettings, document_text

DEV_SET = Path(__file__).resolve().parents[1] / "tests" / "nlp" / "data" / "relevance_dev.toml"
LANGUAGES = ("en", "fr", "zh")


@dataclass(frozen=True)
class Labelled:
    id: str
    language: str
    relevant: bool
    kind: str
    title: str
    text: str

    @property
    def held_out(self) -> bool:
        return _half(self.id)


def _half(article_id: str) -> bool:
    return hashlib.sha1(article_id.encode("utf-8")).digest()[0] % 2 == 1


def load_dev_set(path: Path = DEV_SET) -> list[Labelled]:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    return [Labelled(**entry) for entry in data["article"]]


def split(items: Sequence[Labelled]) -> tuple[list[Labelled], list[Labelled]]:
    """(calibration, held-out): alternate within each (language, label) in hash order."""
    groups: dict[tuple[str, bool], list[Labelled]] = defaultdict(list)
    for item in items:
        groups[(item.language, item.relevant)].append(item)
    calibration, held_out = [], []
    for members in groups.values():
        ordered = sorted(members, key=lambda m: hashlib.sha1(m.id.encode("utf-8")).hexdigest())
        calibration += ordered[0::2]
        held_out += ordered[1::2]
    return calibration, held_out


def evidence_for(items: Sequence[Labelled], analyser: Analyser) -> list[Evidence]:
    """The evidence the process stage would gather for each article."""
    scorer: RelevanceScorer = analyser.relevance
    vectors = analyser.encoder.encode([document_text(item.title, item.text) for item in items])
    found = []
    for item, vector in zip(items, vectors):
        mentions = ((m.entity_id, m.start_char) for m in analyser.matcher.find(item.text, item.language))
        entities = scorer.entities(mentions, analyser.knowledge_base)
        found.append(scorer.evidence(scorer.hits(f"{item.title}\n{item.text}", item.language), entities, vector))
    return found


def real_dev_set() -> list[Labelled]:
    """The dev split of the real texts, when the local cache holds them (else none)."""
    from bench.realtext import CacheMissing, load

    try:
        texts = load("dev")
    except CacheMissing as error:
        print(f"note: {error}")
        return []
    return [Labelled(id=t.entry.id, language=t.entry.language, relevant=t.entry.relevant,
                     kind="real", title="", text=t.text) for t in texts]


def fit(evidence: Sequence[Evidence], labels: Sequence[bool], base: RelevanceModel) -> RelevanceModel:
    from sklearn.linear_model import LogisticRegression

    regression = LogisticRegression(C=1.0, class_weight="balanced", max_iter=1000)
    regression.fit([e.vector() for e in evidence], list(labels))
    return RelevanceModel(
        intercept=float(regression.intercept_[0]),
        coefficients={name: float(c) for name, c in zip(FEATURES, regression.coef_[0])},
        saturation=base.saturation, embedding=base.embedding,
    )


def scores(items: Sequence[Labelled], evidence: Sequence[Evidence], scorer: RelevanceScorer
           ) -> dict[str, dict[str, float]]:
    """Precision, recall and F1 per language, and over all languages ("all")."""
    result = {}
    for language in (*LANGUAGES, "all"):
        pairs = [(item.relevant, scorer.judge(ev).relevant) for item, ev in zip(items, evidence)
                 if language in ("all", item.language)]
        tp = sum(gold and found for gold, found in pairs)
        fp = sum(found and not gold for gold, found in pairs)
        fn = sum(gold and not found for gold, found in pairs)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        result[language] = {"articles": len(pairs), "precision": precision, "recall": recall, "f1": f1}
    return result


def write_model(model: RelevanceModel, path: Path = DEFAULT_PATH) -> None:
    document = tomlkit.document()
    for line in ("Topic relevance: a logistic regression over the evidence (see nlp/relevance.py).",
                 "Written by `python -m bench.relevance_eval --write`, fitted on the dev split of the real texts",
                 "(bench/realtext) and the calibration half of tests/nlp/data/relevance_dev.toml;",
                 "edit by refitting, not by hand."):
        document.add(tomlkit.comment(line))
    document.add(tomlkit.nl())
    saturation = tomlkit.table()
    saturation.comment("counts at which each kind of evidence counts fully")
    saturation.update(model.saturation)
    document["saturation"] = saturation
    embedding = tomlkit.table()
    embedding.add("model", model.embedding)
    embedding["model"].comment("similarity was calibrated with this model")
    document["embedding"] = embedding
    document["model"] = {"intercept": round(model.intercept, 4),
                         "coefficients": {name: round(model.coefficients[name], 4) for name in FEATURES}}
    path.write_text(tomlkit.dumps(document), encoding="utf-8")

def _table(title: str, result: dict[str, dict[str, float]]) -> str:
    lines = [title, "| language | articles | precision | recall | F1 |", "|---|---|---|---|---|"]
    for language, s in result.items():
        lines.append(f"| {language} | {s['articles']} | {s['precision']:.2f} | {s['recall']:.2f} | {s['f1']:.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true",
                        help="refit on the real dev split and the calibration half, and write nlp/relevance.toml")
    args = parser.parse_args()
    analyser = Analyser(AnalyserSettings.from_config(load_config()))
    calibration, held_out = split(load_dev_set())
    real = real_dev_set()
    calibration_evidence = evidence_for(calibration, analyser)
    held_out_evidence = evidence_for(held_out, analyser)
    real_evidence = evidence_for(real, analyser)
    scorer: RelevanceScorer = analyser.relevance
    if args.write:
        scorer.model = fit([*calibration_evidence, *real_evidence], [i.relevant for i in [*calibration, *real]],
                           scorer.model)
        write_model(scorer.model)
        print(f"wrote {DEFAULT_PATH}")
    if real:
        print(_table("real texts, dev split (fitted on it when --write: optimistic; the test split is in "
                     "bench.realtext_eval)", scores(real, real_evidence, scorer)))
        print()
    print(_table(f"team's held-out half (threshold {scorer.threshold})", scores(held_out, held_out_evidence, scorer)))
    print()
    print(_table("team's calibration half", scores(calibration, calibration_evidence, scorer)))


if __name__ == "__main__":
    main()

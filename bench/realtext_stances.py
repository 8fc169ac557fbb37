"""Fitting how passages and articles take stances, on the dev split of the real texts.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.realtext_stances [--write]

For each in-scope dev text (labelled relevant) it cuts the stance passages as
the process stage does, embeds them, and scores them against the seeded
stances (prototype classifier plus stance cues) for each combination of the
cue weight, the bias toward "no stance" and the least probability. An
article's strongest stance is the one with the most passage confidence, as
``article_stances`` computes it; without an accepted passage it takes none.
The combination with the best mean agreement over the three languages (the
strictest for stances without cues within ``TOLERANCE`` of it) is kept.
Then, with those passage settings, it scores each text's document (what the
process stage embeds: title and lead) as a whole for each document cue weight
and bias toward "no stance": the article takes none when "no stance" is its
document's most probable class, else its strongest stance among the passages'
shares plus ``document_weight`` times its document's most probable stance.
The best combinations are printed (and with ``--write``, stored in
``nlp/stances/thresholds.toml``). These are figures on the texts they are
fitted on: the honest estimate is the test split, measured by
``bench.realtext_eval``.
"""

from __future__ import annotations

import argparse
import itertools
from collections import defaultdict
from dataclasses import replace

import numpy as np
import tomlkit

from bench.realtext import NONE, load
from nlp.stances.seeded import THRESHOLDS_PATH

LANGUAGES = ("en", "fr", "zh")
CUE_WEIGHTS = (0.0, 0.5, 0.75, 1.0, 1.5)
NONE_BIASES = (-1.0, 0.0, 1.0, 2.0)
PROBABILITIES = (0.2, 0.3, 0.4)
WITHOUT_CUES = (0.3, 0.4, 0.5, 0.6)
DOCUMENT_CUE_WEIGHTS = (0.25, 0.5, 0.75, 1.0)
DOCUMENT_NONE_BIASES = (-0.5, 0.0, 0.4, 0.8)
DOCUMENT_WEIGHTS = (0.5, 1.0, 2.0, 4.0)
TOLERANCE = 0.01
"""Agreement given up for a stricter least probability of stances without cues."""


def strongest(passage_stances: list[tuple[str, float]]) -> str:
    weights: dict[str, float] = defaultdict(float)
    for stance, confidence in passage_stances:
        weights[stance] += confidence
    return max(sorted(weights), key=lambda s: weights[s]) if weights else NONE


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the best combination in thresholds.toml")
    args = parser.parse_args()
    from nlp.embeddings import load_encoder
    from pipeline.analyse import document_text
    from nlp.stances.passages import extract_passages
    from nlp.stances.seeded import SeededStances, Thresholds
    from nlp.stances.taxonomy import Taxonomy
    from nlp.topic import Topic
    from core.config import load_config

    config = load_config()
    encoder = load_encoder(config.models.embedding, config.models.cache_dir)
    topic = Topic.load()
    seeded = SeededStances.from_taxonomy(Taxonomy.load(), encoder)
    base = Thresholds.load(encoder.model_id)
    texts = [t for t in load("dev") if t.entry.relevant]
    owners, passages, languages = [], [], []
    for number, item in enumerate(texts):
        cues = seeded.taxonomy.cue_terms(item.entry.language)
        for passage in extract_passages(item.text, item.entry.language, topic, cues, lead=True):
            owners.append(number)
            passages.append(passage.text)
            languages.append(item.entry.language)
    vectors = encoder.encode(passages)
    print(f"{len(texts)} in-scope dev texts, {len(passages)} passages "
          f"({sum(1 for n in range(len(texts)) if n not in set(owners))} texts without a passage)")
    results = []
    for cue_weight, none_bias, probability, without_cues in itertools.product(
            CUE_WEIGHTS, NONE_BIASES, PROBABILITIES, WITHOUT_CUES):
        if without_cues < probability:
            continue
        thresholds = replace(base, cue_weight=cue_weight, none_bias=none_bias, probability=probability,
                             probability_without_cues=without_cues)
        matches = seeded.match(vectors, thresholds, passages, languages)
        per_text: dict[int, list[tuple[str, float]]] = defaultdict(list)
        for owner, match in zip(owners, matches):
            if isinstance(match, tuple):
                per_text[owner].append(match)
        agreement = {}
        for language in LANGUAGES:
            chosen = [n for n, t in enumerate(texts) if t.entry.language == language]
            agreement[language] = np.mean([strongest(per_text[n]) == texts[n].entry.stance for n in chosen])
        results.append((float(np.mean(list(agreement.values()))), cue_weight, none_bias, probability,
                        without_cues, agreement, per_text))
    # within TOLERANCE of the best, the strictest setting for stances without cues wins: a debate
    # the taxonomy does not name (no texts of the set argue one) should wait, not join the nearest stance
    best = max(r[0] for r in results)
    results.sort(key=lambda r: (r[0] < best - TOLERANCE, -r[4], -r[0], r[1], r[2], r[3]))
    print("| cue weight | none bias | probability | without cues | en | fr | zh | mean |\n"
          "|---|---|---|---|---|---|---|---|")
    for mean, cue_weight, none_bias, probability, without_cues, agreement, _ in results[:8]:
        print(f"| {cue_weight} | {none_bias} | {probability} | {without_cues} | "
              + " | ".join(f"{agreement[lang]:.3f}" for lang in LANGUAGES) + f" | {mean:.3f} |")
    _, cue_weight, none_bias, probability, without_cues, _, per_text = results[0]

    documents = [document_text(None, t.text) for t in texts]
    document_vectors = encoder.encode(documents)
    by_document = []
    for document_cue_weight, document_none_bias in itertools.product(DOCUMENT_CUE_WEIGHTS, DOCUMENT_NONE_BIASES):
        thresholds = replace(base, document_cue_weight=document_cue_weight, document_none_bias=document_none_bias)
        probabilities = seeded.documents(document_vectors, documents, [t.entry.language for t in texts], thresholds)
        for document_weight in DOCUMENT_WEIGHTS:
            found = [with_document(per_text[n], probabilities[n], seeded.ids, document_weight)
                     for n in range(len(texts))]
            agreement = {language: float(np.mean([found[n] == t.entry.stance for n, t in enumerate(texts)
                                                  if t.entry.language == language]))
                         for language in LANGUAGES}
            by_document.append((float(np.mean(list(agreement.values()))), document_cue_weight, document_none_bias,
                                document_weight, agreement))
    # equally good: the middle document weight, then the smallest cue weight and bias
    by_document.sort(key=lambda r: (-round(r[0], 6), abs(r[3] - 2.0), r[1], r[2]))
    print("\n| document cue weight | document none bias | document weight | en | fr | zh | mean |\n"
          "|---|---|---|---|---|---|---|")
    for mean, document_cue_weight, document_none_bias, document_weight, agreement in by_document[:8]:
        print(f"| {document_cue_weight} | {document_none_bias} | {document_weight} | "
              + " | ".join(f"{agreement[lang]:.3f}" for lang in LANGUAGES) + f" | {mean:.3f} |")
    if args.write:
        _, document_cue_weight, document_none_bias, document_weight, _ = by_document[0]
        write(encoder.model_id, cue_weight=cue_weight, none_bias=none_bias, probability=probability,
              probability_without_cues=without_cues, document_cue_weight=document_cue_weight,
              document_none_bias=document_none_bias, document_weight=document_weight)
        print(f"wrote {THRESHOLDS_PATH}")


def with_document(passage_stances: list[tuple[str, float]], document: np.ndarray, ids: tuple[str, ...],
                  document_weight: float) -> str:
    """The strongest stance as ``article_stances`` weighs it: none when the document's most probable
    class is "no stance" (its last column), else the passages' shares plus the document's stance."""
    best = int(np.argmax(document))
    if best == len(ids):
        return NONE
    weights: dict[str, float] = defaultdict(float)
    for stance, confidence in passage_stances:
        weights[stance] += confidence
    total = sum(weights.values())
    shares = {stance: weight / total for stance, weight in weights.items()} if total else {}
    shares[ids[best]] = shares.get(ids[best], 0.0) + document_weight * float(document[best])
    return max(sorted(shares), key=lambda s: shares[s])


def write(model_id: str, **values: float) -> None:
    """Set ``values`` in the model's table of thresholds.toml, keeping the rest of the file and its comments."""
    document = tomlkit.parse(THRESHOLDS_PATH.read_text(encoding="utf-8"))
    document["model"][model_id].update(values)
    THRESHOLDS_PATH.write_text(tomlkit.dumps(document), encoding="utf-8")

if __name__ == "__main__":
    main()

"""Fitting how passages take stances, on the dev split of the real texts.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.realtext_stances [--folds 5] [--write]

For each in-scope dev text (labelled relevant) it cuts the stance passages as
the process stage does, embeds them, and scores them against the seeded
stances (prototype classifier plus stance cues) for each combination of the
classifier's regularisation, the least similarity to a prototype, the cue
weight, the bias toward "no stance" and the least probabilities. An
article's strongest stance is the one with the most passage confidence, as
``article_stances`` computes it; without an accepted passage it takes none.
The combination with the best mean agreement over the three languages (the
strictest for stances without cues within ``TOLERANCE`` of it) is printed
first (and with ``--write``, stored in ``nlp/stances/thresholds.toml``).
These are figures on the texts it is fitted on. ``--folds K`` also chooses the
combination K times on all but one group of sites and measures it on that
group (translation pairs stay in one group): an estimate of what the choice
is worth on sites it did not see. The honest figure is still the test split,
measured by ``bench.realtext_eval``.
"""

from __future__ import annotations

import argparse
import itertools
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import tomlkit

from bench.realtext import NONE, RealText, load
from nlp.stances.seeded import THRESHOLDS_PATH

LANGUAGES = ("en", "fr", "zh")
REGULARISATIONS = (4.0, 16.0, 64.0)
SIMILARITIES = (0.232, 0.3)
CUE_WEIGHTS = (0.0, 0.5, 1.0, 1.5, 2.0, 3.0)
NONE_BIASES = (-1.0, 0.0, 1.0, 2.0)
PROBABILITIES = (0.2, 0.3, 0.4)
WITHOUT_CUES = (0.3, 0.4, 0.5, 0.6)
TOLERANCE = 0.01
"""Agreement given up for a stricter least probability of stances without cues."""

Combination = tuple[float, float, float, float, float, float]
"""Regularisation, similarity, cue weight, none bias, probability, probability without cues."""


def strongest(passage_stances: list[tuple[str, float]]) -> str:
    weights: dict[str, float] = defaultdict(float)
    for stance, confidence in passage_stances:
        weights[stance] += confidence
    return max(sorted(weights), key=lambda s: weights[s]) if weights else NONE


def agreement(found: Sequence[str], texts: Sequence[RealText], chosen: Sequence[int]) -> dict[str, float]:
    """Share of the ``chosen`` texts whose strongest stance is their label, per language."""
    return {
        language: float(np.mean([found[n] == texts[n].entry.stance for n in in_language]))
        for language in LANGUAGES
        if (in_language := [n for n in chosen if texts[n].entry.language == language])
    }


def choose(table: dict[Combination, list[str]], texts: Sequence[RealText], chosen: Sequence[int]
           ) -> list[tuple[float, Combination, dict[str, float]]]:
    """Every combination with its agreement on the ``chosen`` texts, the one to keep first.

    Within ``TOLERANCE`` of the best mean, the strictest setting for stances without cues wins:
    a debate the taxonomy does not name should wait, not join the nearest stance.
    """
    results = []
    for combination, found in table.items():
        figures = agreement(found, texts, chosen)
        results.append((float(np.mean(list(figures.values()))), combination, figures))
    best = max(r[0] for r in results)
    results.sort(key=lambda r: (r[0] < best - TOLERANCE, -r[1][5], -r[0], *r[1]))
    return results


def site_folds(texts: Sequence[RealText], folds: int) -> list[int]:
    """A fold number per text: whole sites, and both texts of a translation pair, share one."""
    group = {t.entry.site: t.entry.site for t in texts}

    def root(site: str) -> str:
        while group[site] != site:
            site = group[site]
        return site

    by_pair: dict[str, str] = {}
    for t in texts:
        if t.entry.pair:
            other = by_pair.setdefault(t.entry.pair, t.entry.site)
            group[root(t.entry.site)] = root(other)
    roots = sorted({root(site) for site in group})
    order = np.random.default_rng(0).permutation(len(roots))
    fold_of = {roots[i]: rank % folds for rank, i in enumerate(order)}
    return [fold_of[root(t.entry.site)] for t in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="store the best combination in thresholds.toml")
    parser.add_argument("--folds", type=int, default=0,
                        help="also estimate the choice by cross-validation over this many groups of sites")
    args = parser.parse_args()
    from sklearn.metrics import adjusted_rand_score

    from core.config import load_config
    from nlp.embeddings import load_encoder
    from nlp.stances.passages import extract_passages
    from nlp.stances.seeded import SeededStances, Thresholds, embed_prototypes
    from nlp.stances.taxonomy import Taxonomy
    from nlp.topic import Topic

    config = load_config()
    encoder = load_encoder(config.models.embedding, config.models.cache_dir)
    topic = Topic.load()
    taxonomy = Taxonomy.load()
    prototypes = embed_prototypes(taxonomy, encoder)
    base = Thresholds.load(encoder.model_id)
    every = load("dev")
    texts = [t for t in every if t.entry.relevant]
    owners, passages, languages = [], [], []
    for number, item in enumerate(texts):
        cues = taxonomy.cue_terms(item.entry.language)
        for passage in extract_passages(item.text, item.entry.language, topic, cues, lead=True):
            owners.append(number)
            passages.append(passage.text)
            languages.append(item.entry.language)
    vectors = encoder.encode(passages)
    print(f"{len(texts)} in-scope dev texts, {len(passages)} passages "
          f"({sum(1 for n in range(len(texts)) if n not in set(owners))} texts without a passage)")
    table: dict[Combination, list[str]] = {}
    for regularisation in REGULARISATIONS:
        seeded = SeededStances.fit(taxonomy, encoder.model_id, *prototypes, regularisation)
        counts = seeded.cue_counts(passages, languages)
        for combination in itertools.product(
                [regularisation], SIMILARITIES, CUE_WEIGHTS, NONE_BIASES, PROBABILITIES, WITHOUT_CUES):
            _, similarity, cue_weight, none_bias, probability, without_cues = combination
            if without_cues < probability:
                continue
            thresholds = replace(base, regularisation=regularisation, similarity=similarity,
                                 cue_weight=cue_weight, none_bias=none_bias, probability=probability,
                                 probability_without_cues=without_cues)
            per_text: dict[int, list[tuple[str, float]]] = defaultdict(list)
            for owner, match in zip(owners, seeded.match(vectors, thresholds, cue_counts=counts)):
                if isinstance(match, tuple):
                    per_text[owner].append(match)
            table[combination] = [strongest(per_text[n]) for n in range(len(texts))]
    everyone = range(len(texts))
    results = choose(table, texts, everyone)
    print("| regularisation | similarity | cue weight | none bias | probability | without cues "
          "| en | fr | zh | mean |\n|---|---|---|---|---|---|---|---|---|---|")
    for mean, combination, figures in results[:8]:
        print("| " + " | ".join(str(value) for value in combination) + " | "
              + " | ".join(f"{figures[lang]:.3f}" for lang in LANGUAGES) + f" | {mean:.3f} |")
    kept = results[0][1]
    out_of_scope = sum(not t.entry.relevant for t in every)
    labels = [t.entry.stance for t in texts] + [NONE] * out_of_scope
    print(f"adjusted Rand index, kept combination, in-scope texts: "
          f"{adjusted_rand_score(labels[:len(texts)], table[kept]):.3f}; with the {out_of_scope} "
          f"out-of-scope dev texts as 'none': {adjusted_rand_score(labels, table[kept] + [NONE] * out_of_scope):.3f}")
    confusion = Counter((texts[n].entry.stance, table[kept][n]) for n in everyone
                        if table[kept][n] != texts[n].entry.stance)
    print("disagreements (label → found): " + ", ".join(
        f"{label} → {found} ×{count}" for (label, found), count in confusion.most_common()))
    if args.folds:
        cross_validate(table, texts, args.folds, out_of_scope)
    if args.write:
        regularisation, similarity, cue_weight, none_bias, probability, without_cues = kept
        write(encoder.model_id, regularisation=regularisation, similarity=similarity, cue_weight=cue_weight,
              none_bias=none_bias, probability=probability, probability_without_cues=without_cues)
        print(f"wrote {THRESHOLDS_PATH}")


def cross_validate(table: dict[Combination, list[str]], texts: Sequence[RealText], folds: int,
                   out_of_scope: int) -> None:
    """Print each held-out group's figures and the agreement of the choices on texts they did not see."""
    from sklearn.metrics import adjusted_rand_score

    fold = site_folds(texts, folds)
    found = [NONE] * len(texts)
    for k in range(folds):
        train = [n for n in range(len(texts)) if fold[n] != k]
        held = [n for n in range(len(texts)) if fold[n] == k]
        _, combination, _ = choose(table, texts, train)[0]
        for n in held:
            found[n] = table[combination][n]
        print(f"fold {k + 1}: {len(held)} texts, chose {combination}, held-out agreement "
              + ", ".join(f"{lang} {v:.3f}" for lang, v in agreement(found, texts, held).items()))
    figures = agreement(found, texts, range(len(texts)))
    labels = [t.entry.stance for t in texts] + [NONE] * out_of_scope
    print(f"{folds}-fold cross-validation by site, in-scope texts: "
          + ", ".join(f"{lang} {v:.3f}" for lang, v in figures.items())
          + f", mean {np.mean(list(figures.values())):.3f}; adjusted Rand with the out-of-scope texts as "
          f"'none' {adjusted_rand_score(labels, found + [NONE] * out_of_scope):.3f}")


def write(model_id: str, **values: float) -> None:
    """Set ``values`` in the model's table of thresholds.toml, keeping the rest of the file and its comments."""
    document = tomlkit.parse(THRESHOLDS_PATH.read_text(encoding="utf-8"))
    document["model"][model_id].update(values)
    THRESHOLDS_PATH.write_text(tomlkit.dumps(document), encoding="utf-8")


if __name__ == "__main__":
    main()

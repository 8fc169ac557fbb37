"""Calibrating the stance thresholds of one embedding model on labelled statements.

The prototype classifier's regularisation and the least stance probability
are found by a grid search for the best accuracy on statements labelled with
a stance or with none; among equally good settings the one nearest their
median wins, away from the edges of the plateau. The emergent threshold is the similarity at
which average-linkage clustering best recovers known debates (adjusted Rand
index).

Run ``python -m nlp.stances.calibration STATEMENTS DEBATES [--model NAME]``
to print a ``thresholds.toml`` entry and the figures behind it. The files
follow ``tests/nlp/data/stance_statements.toml`` and ``emergent_debates.toml``.
"""

from __future__ import annotations

import argparse
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.stances.clustering import agglomerate
from nlp.stances.seeded import SeededStances, Thresholds, embed_prototypes
from nlp.stances.taxonomy import Taxonomy

NONE = "none"
REGULARISATIONS = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0)
PROBABILITIES = np.round(np.arange(0.1, 0.905, 0.02), 3)
_GRID_POINTS = 41  # per threshold, at quantiles of the observed values (models differ in scale)


@dataclass(frozen=True)
class Statement:
    text: str
    language: str
    label: str | None  # a stance id, or None for "takes no seeded stance"


@dataclass(frozen=True)
class SeededFit:
    probability: float
    similarity: float
    regularisation: float
    accuracy: float


def read_statements(path: Path, split: str) -> list[Statement]:
    """``[split.<stance id or "none">] <language> = [...]`` tables."""
    with Path(path).open("rb") as handle:
        table = tomllib.load(handle)[split]
    return [
        Statement(text, language, None if stance == NONE else stance)
        for stance, by_language in table.items()
        for language, texts in by_language.items()
        for text in texts
    ]


def read_debates(path: Path) -> dict[str, tuple[str, list[Statement]]]:
    """``[<debate>] split = ..., <language> = [...]``: debate -> (split, statements)."""
    with Path(path).open("rb") as handle:
        table = tomllib.load(handle)
    return {
        name: (
            entry["split"],
            [Statement(t, lang, None) for lang, texts in entry.items() if lang != "split" for t in texts],
        )
        for name, entry in table.items()
    }


def predict(seeded: SeededStances, embeddings: np.ndarray, thresholds: Thresholds,
            texts: Sequence[str] | None = None, languages: Sequence[str] | None = None) -> list[str | None]:
    """The stance each passage takes (``None``: no stance); with the texts, their stance cues weigh in."""
    return [match[0] if isinstance(match, tuple) else None
            for match in seeded.match(embeddings, thresholds, texts, languages)]


def accuracy_by_language(
    predicted: Sequence[str | None], statements: Sequence[Statement]
) -> dict[str, float]:
    """Share of statements given their label (None must stay None), per language and "all"."""
    correct: dict[str, list[bool]] = {}
    for guess, statement in zip(predicted, statements):
        hit = guess == statement.label
        correct.setdefault(statement.language, []).append(hit)
        correct.setdefault("all", []).append(hit)
    return {language: float(np.mean(hits)) for language, hits in sorted(correct.items())}


def fit_seeded(
    taxonomy: Taxonomy,
    model_id: str,
    prototypes: tuple[list[np.ndarray], np.ndarray],
    embeddings: np.ndarray,
    labels: Sequence[str | None],
) -> SeededFit:
    """The regularisation and probability threshold with the best accuracy on ``labels``."""
    index = {stance.id: i for i, stance in enumerate(taxonomy)}
    truth = np.array([index[label] if label is not None else -1 for label in labels])
    results = []
    all_scores = [
        SeededStances.fit(taxonomy, model_id, *prototypes, regularisation).score(embeddings)
        for regularisation in REGULARISATIONS
    ]
    similarities = _grid(np.concatenate([scores.similarity for scores in all_scores]))
    for r, scores in enumerate(all_scores):
        for p, probability in enumerate(PROBABILITIES):
            for q, similarity in enumerate(similarities):
                accepted = (
                    (scores.probability >= probability)
                    & (scores.probability > scores.background)
                    & (scores.similarity >= similarity)
                )
                results.append((float(np.mean(np.where(accepted, scores.best, -1) == truth)), (r, p, q)))
    best = max(accuracy for accuracy, _ in results)
    r, p, q = _middle([point for accuracy, point in results if accuracy == best])
    return SeededFit(round(float(PROBABILITIES[p]), 3), round(float(similarities[q]), 3), REGULARISATIONS[r], best)


def fit_emergent(embeddings: np.ndarray, groups: Sequence[str]) -> tuple[float, float]:
    """The merge similarity that best recovers ``groups``, and its adjusted Rand index."""
    from sklearn.metrics import adjusted_rand_score

    pairs = (embeddings @ embeddings.T)[np.triu_indices(len(embeddings), 1)]
    grid = _grid(pairs, points=2 * _GRID_POINTS)
    results = [(adjusted_rand_score(groups, agglomerate(embeddings, s)), (i,)) for i, s in enumerate(grid)]
    best = max(score for score, _ in results)
    chosen = _middle([point for score, point in results if score == best])
    return round(float(grid[chosen[0]]), 3), best


def _grid(values: np.ndarray, points: int = _GRID_POINTS) -> np.ndarray:
    """Candidate thresholds: quantiles of ``values``, plus one below them all (accept everything)."""
    quantiles = np.quantile(values, np.linspace(0.0, 1.0, points))
    return np.unique(np.concatenate([[values.min() - 1e-3], quantiles]))


def _middle(points: list[tuple[int, ...]]) -> tuple[int, ...]:
    """The grid point nearest the median of equally good points: away from the plateau's edges."""
    array = np.array(points)
    centre = np.median(array, axis=0)
    return tuple(int(v) for v in array[int(np.argmin(((array - centre) ** 2).sum(axis=1)))])


def main(argv: Sequence[str] | None = None) -> None:
    from nlp.embeddings import DEFAULT_ENCODER, load_encoder

    parser = argparse.ArgumentParser(description="Calibrate stance thresholds for one embedding model.")
    parser.add_argument("statements", type=Path)
    parser.add_argument("debates", type=Path)
    parser.add_argument("--model", default=DEFAULT_ENCODER)
    parser.add_argument("--cache-dir", type=Path)
    parser.add_argument(
        "--keep-coherence", action="store_true", help="print the stored emergent_coherence (set by hand) again"
    )
    args = parser.parse_args(argv)

    encoder = load_encoder(args.model, args.cache_dir)
    taxonomy = Taxonomy.load()
    prototypes = embed_prototypes(taxonomy, encoder)
    debates = read_debates(args.debates)
    splits = {
        split: read_statements(args.statements, split)
        + [s for debate_split, statements in debates.values() if debate_split == split for s in statements]
        for split in ("calibration", "evaluation")
    }
    calibration = splits["calibration"]
    fit = fit_seeded(
        taxonomy, encoder.model_id, prototypes, encoder.encode([s.text for s in calibration]),
        [s.label for s in calibration],
    )
    debate_statements = [(name, s) for name, (_, statements) in debates.items() for s in statements]
    emergent, ari = fit_emergent(
        encoder.encode([s.text for _, s in debate_statements]), [name for name, _ in debate_statements]
    )
    coherence = Thresholds.load(encoder.model_id).emergent_coherence if args.keep_coherence else 0.0
    thresholds = Thresholds(fit.probability, fit.similarity, fit.regularisation, emergent, coherence)
    seeded = SeededStances.fit(taxonomy, encoder.model_id, *prototypes, fit.regularisation)
    print(f'[model."{encoder.model_id}"]')
    for key, value in vars(thresholds).items():
        print(f"{key} = {value}")
    print(f"# emergent debates recovered with adjusted Rand index {ari:.3f}")
    for split, statements in splits.items():
        predicted = predict(seeded, encoder.encode([s.text for s in statements]), thresholds,
                            [s.text for s in statements], [s.language for s in statements])
        figures = ", ".join(f"{k} {v:.3f}" for k, v in accuracy_by_language(predicted, statements).items())
        print(f"# {split} accuracy ({len(statements)} statements): {figures}")


if __name__ == "__main__":
    main()

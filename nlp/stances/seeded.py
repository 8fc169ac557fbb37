"""Scoring passages against the seeded stances.

Each stance is represented by the centroid of its prototype embeddings in all
three languages, and the taxonomy's background statements by theirs. A
passage takes its nearest stance only when three calibrated conditions hold:
its similarity clears ``similarity``, it beats the runner-up stance by
``margin`` (passages that sit between stances usually belong to none of them)
and it beats the background by ``background_gap`` (factual news that takes no
position).
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.embeddings import Encoder
from nlp.stances.taxonomy import Taxonomy
from nlp.topic import LANGUAGES

THRESHOLDS_PATH = Path(__file__).with_name("thresholds.toml")


class UncalibratedModelError(LookupError):
    """No thresholds were calibrated for this embedding model."""


@dataclass(frozen=True)
class Thresholds:
    similarity: float
    margin: float
    background_gap: float
    emergent_similarity: float
    """Cosine similarity that keeps a passage in an emergent cluster."""

    @classmethod
    def load(cls, model_id: str, path: Path | None = None) -> Thresholds:
        """The thresholds calibrated for ``model_id`` (see ``thresholds.toml``)."""
        source = Path(path) if path else THRESHOLDS_PATH
        with source.open("rb") as handle:
            table = tomllib.load(handle)
        entry = table.get(model_id)
        if entry is None:
            raise UncalibratedModelError(
                f"no stance thresholds for embedding model {model_id!r} in {source}; calibrate them with "
                "nlp.stances.calibration on labelled statements and add them there "
                f"(calibrated: {', '.join(sorted(table)) or 'none'})"
            )
        return cls(
            similarity=float(entry["similarity"]),
            margin=float(entry["margin"]),
            background_gap=float(entry["background_gap"]),
            emergent_similarity=float(entry["emergent_similarity"]),
        )


@dataclass(frozen=True)
class StanceScores:
    """Per-passage evidence for the nearest seeded stance."""

    best: np.ndarray  # index of the nearest stance
    similarity: np.ndarray
    margin: np.ndarray
    background_gap: np.ndarray

    def accepted(self, thresholds: Thresholds) -> np.ndarray:
        return (
            (self.similarity >= thresholds.similarity)
            & (self.margin >= thresholds.margin)
            & (self.background_gap >= thresholds.background_gap)
        )


@dataclass(frozen=True)
class SeededStances:
    """The taxonomy with its prototype centroids, for one embedding model."""

    taxonomy: Taxonomy
    model_id: str
    centroids: np.ndarray  # (stances, dimension), L2-normalised
    background: np.ndarray  # (dimension,), L2-normalised

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy, encoder: Encoder) -> SeededStances:
        centroids = np.stack([
            _centroid(encoder.encode([text for language in LANGUAGES for text in stance.prototypes[language]]))
            for stance in taxonomy
        ])
        background = _centroid(encoder.encode(
            [text for language in LANGUAGES for text in taxonomy.background[language]]
        ))
        return cls(taxonomy, encoder.model_id, centroids, background)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(stance.id for stance in self.taxonomy)

    def score(self, embeddings: np.ndarray) -> StanceScores:
        if not len(embeddings):
            empty = np.zeros(0, dtype=np.float32)
            return StanceScores(np.zeros(0, dtype=np.intp), empty, empty, empty)
        similarities = embeddings @ self.centroids.T
        order = np.argsort(-similarities, axis=1, kind="stable")
        rows = np.arange(len(embeddings))
        best, second = similarities[rows, order[:, 0]], similarities[rows, order[:, 1]]
        return StanceScores(
            best=order[:, 0],
            similarity=best,
            margin=best - second,
            background_gap=best - embeddings @ self.background,
        )

    def match(self, embeddings: np.ndarray, thresholds: Thresholds) -> list[tuple[str, float] | None]:
        """The accepted stance and its similarity for each row, else ``None``."""
        scores = self.score(embeddings)
        accepted = scores.accepted(thresholds)
        return [
            (self.ids[int(scores.best[i])], float(scores.similarity[i])) if accepted[i] else None
            for i in range(len(embeddings))
        ]


def _centroid(vectors: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return mean / np.linalg.norm(mean)

"""Scoring passages against the seeded stances.

A multinomial logistic regression is fitted on the taxonomy's prototype
statements (one class per stance) and its background statements (the class
"no stance"), in all three languages at once. Against one centroid per
stance, it weighs each prototype, so a stance argued in several ways (talent,
standards, sovereignty) is not averaged into a point between them, and the
background class learns what factual news on the topic looks like.

A passage takes the most probable stance when that probability clears the
calibrated ``probability`` threshold, the stance is more probable than
"no stance", and the passage is close enough (``similarity``) to at least one
of that stance's prototypes: the classifier alone would force an
off-taxonomy debate (energy use, business models) into the nearest stance.
Else the passage stays unassigned and may join an emergent cluster.
The fit has no random state: the same prototypes give the same model.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nlp.embeddings import Encoder
from nlp.stances.taxonomy import Taxonomy
from nlp.topic import LANGUAGES

THRESHOLDS_PATH = Path(__file__).with_name("thresholds.toml")
_NONE = -1  # the background class


class UncalibratedModelError(LookupError):
    """No thresholds were calibrated for this embedding model."""


@dataclass(frozen=True)
class Thresholds:
    probability: float
    """Least probability of the predicted stance."""
    similarity: float
    """Least cosine similarity to the predicted stance's nearest prototype."""
    regularisation: float
    """Inverse regularisation strength (``C``) of the prototype classifier."""
    emergent_similarity: float
    """Cosine similarity that keeps a passage in an emergent cluster."""
    emergent_coherence: float
    """Least mean similarity of a new emergent cluster's members to its centroid."""

    @classmethod
    def load(cls, model_id: str, path: Path | None = None) -> Thresholds:
        """The thresholds calibrated for ``model_id`` (see ``thresholds.toml``)."""
        entry = _table(path).get("model", {}).get(model_id)
        if entry is None:
            calibrated = ", ".join(sorted(_table(path).get("model", {}))) or "none"
            raise UncalibratedModelError(
                f"no stance thresholds for embedding model {model_id!r} in {path or THRESHOLDS_PATH}; "
                "calibrate them with nlp.stances.calibration on labelled statements and add them there "
                f"(calibrated: {calibrated})"
            )
        return cls(
            probability=float(entry["probability"]),
            similarity=float(entry["similarity"]),
            regularisation=float(entry["regularisation"]),
            emergent_similarity=float(entry["emergent_similarity"]),
            emergent_coherence=float(entry["emergent_coherence"]),
        )


def _table(path: Path | None) -> dict[str, Any]:
    with (Path(path) if path else THRESHOLDS_PATH).open("rb") as handle:
        return tomllib.load(handle)


@dataclass(frozen=True)
class StanceScores:
    """Per-passage evidence for the most probable seeded stance."""

    best: np.ndarray  # index of the most probable stance
    probability: np.ndarray  # its probability
    background: np.ndarray  # probability of "no stance"
    similarity: np.ndarray  # cosine similarity to the stance's nearest prototype

    def accepted(self, thresholds: Thresholds) -> np.ndarray:
        return (
            (self.probability >= thresholds.probability)
            & (self.probability > self.background)
            & (self.similarity >= thresholds.similarity)
        )


@dataclass(frozen=True)
class SeededStances:
    """The taxonomy with its prototype classifier, for one embedding model."""

    taxonomy: Taxonomy
    model_id: str
    centroids: np.ndarray  # (stances, dimension), L2-normalised: where each seeded cluster starts
    classifier: Any  # sklearn LogisticRegression over stance indexes and _NONE
    prototypes: np.ndarray  # (prototypes, dimension), every stance's, in taxonomy order
    prototype_stance: np.ndarray  # stance index of each prototype row

    @classmethod
    def from_taxonomy(cls, taxonomy: Taxonomy, encoder: Encoder, regularisation: float | None = None) -> SeededStances:
        """Embed the prototypes and fit the classifier (``regularisation`` defaults to the calibrated one)."""
        if regularisation is None:
            regularisation = Thresholds.load(encoder.model_id).regularisation
        return cls.fit(taxonomy, encoder.model_id, *embed_prototypes(taxonomy, encoder), regularisation)

    @classmethod
    def fit(
        cls,
        taxonomy: Taxonomy,
        model_id: str,
        prototypes: Sequence[np.ndarray],
        background: np.ndarray,
        regularisation: float,
    ) -> SeededStances:
        """Fit on already embedded prototypes (one array per stance) and background statements."""
        from sklearn.linear_model import LogisticRegression

        features = np.vstack([*prototypes, background])
        classes = np.concatenate(
            [np.full(len(p), i) for i, p in enumerate(prototypes)] + [np.full(len(background), _NONE)]
        )
        classifier = LogisticRegression(C=regularisation, max_iter=5000).fit(features, classes)
        centroids = np.stack([_centroid(p) for p in prototypes])
        return cls(taxonomy, model_id, centroids, classifier, np.vstack(prototypes), classes[: -len(background)])

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(stance.id for stance in self.taxonomy)

    def score(self, embeddings: np.ndarray) -> StanceScores:
        if not len(embeddings):
            empty = np.zeros(0, dtype=np.float32)
            return StanceScores(np.zeros(0, dtype=np.intp), empty, empty, empty)
        probabilities = self.classifier.predict_proba(np.asarray(embeddings, dtype=np.float32))
        classes = self.classifier.classes_
        stance_columns = np.flatnonzero(classes != _NONE)
        stance_probabilities = probabilities[:, stance_columns]
        best = np.argmax(stance_probabilities, axis=1)
        rows = np.arange(len(embeddings))
        best_stance = classes[stance_columns][best].astype(np.intp)
        to_prototypes = np.asarray(embeddings, dtype=np.float32) @ self.prototypes.T
        to_prototypes[self.prototype_stance[None, :] != best_stance[:, None]] = -np.inf
        return StanceScores(
            best=best_stance,
            probability=stance_probabilities[rows, best],
            background=probabilities[:, int(np.flatnonzero(classes == _NONE)[0])],
            similarity=to_prototypes.max(axis=1),
        )

    def match(self, embeddings: np.ndarray, thresholds: Thresholds) -> list[tuple[str, float] | None]:
        """The accepted stance and the passage's cosine similarity to its centroid, else ``None``."""
        scores = self.score(embeddings)
        accepted = scores.accepted(thresholds)
        return [
            (self.ids[int(scores.best[i])], float(embeddings[i] @ self.centroids[int(scores.best[i])]))
            if accepted[i] else None
            for i in range(len(embeddings))
        ]


def embed_prototypes(taxonomy: Taxonomy, encoder: Encoder) -> tuple[list[np.ndarray], np.ndarray]:
    """The prototype embeddings of each stance, and those of the background statements."""
    prototypes = [
        encoder.encode([text for language in LANGUAGES for text in stance.prototypes[language]])
        for stance in taxonomy
    ]
    return prototypes, encoder.encode([text for language in LANGUAGES for text in taxonomy.background[language]])


def _centroid(vectors: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return mean / np.linalg.norm(mean)

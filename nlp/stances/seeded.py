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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.errors import VeilleError
from nlp.embeddings import Encoder
from nlp.stances.taxonomy import Taxonomy

THRESHOLDS_PATH = Path(__file__).with_name("thresholds.toml")
_NONE = -1  # the background class
NO_STANCE = "none"
"""A passage that reads as factual news takes no stance and waits for no cluster."""
MAX_CUES = 3
"""Distinct cues of one stance beyond which a passage's evidence for it grows no more."""


class UncalibratedModelError(VeilleError):
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
    """Average-linkage merge level of the passages that wait (how new emergent clusters form)."""
    emergent_coherence: float
    """Least mean similarity of a new emergent cluster's members to its centroid."""
    emergent_join: float | None = None
    """Least similarity of a passage to an emergent cluster's centroid to join it (default:
    ``emergent_similarity``)."""
    cue_weight: float = 0.0
    """Weight of each distinct stance cue (``taxonomy.toml``) on the log-odds of its stance."""
    none_bias: float = 0.0
    """Added to the log-odds of "no stance": above 0, a passage needs more evidence to take one."""
    probability_without_cues: float | None = None
    """Least probability of a stance none of whose cues the passage holds (default: ``probability``):
    the prototypes alone would pull a debate the taxonomy does not name into the nearest stance."""

    @property
    def join_similarity(self) -> float:
        return self.emergent_similarity if self.emergent_join is None else self.emergent_join

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
            emergent_join=float(entry["emergent_join"]) if "emergent_join" in entry else None,
            cue_weight=float(entry.get("cue_weight", 0.0)),
            none_bias=float(entry.get("none_bias", 0.0)),
            probability_without_cues=(float(entry["probability_without_cues"])
                                      if "probability_without_cues" in entry else None),
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
    probabilities: np.ndarray | None = None  # (passages, stances): every stance's probability
    cues: np.ndarray | None = None  # distinct cues of the best stance found in each passage

    def accepted(self, thresholds: Thresholds) -> np.ndarray:
        least = np.full(len(self.probability), thresholds.probability)
        if self.cues is not None and thresholds.probability_without_cues is not None:
            least = np.where(self.cues > 0, thresholds.probability, thresholds.probability_without_cues)
        return (
            (self.probability >= least)
            & (self.probability > self.background)
            & (self.similarity >= thresholds.similarity)
        )

    def factual(self) -> np.ndarray:
        """Passages closer to the factual background than to any stance: they take none."""
        return self.background >= self.probability


@dataclass(frozen=True)
class SeededStances:
    """The taxonomy with its prototype classifier, for one embedding model."""

    taxonomy: Taxonomy
    model_id: str
    centroids: np.ndarray  # (stances, dimension), L2-normalised: where each seeded cluster starts
    classifier: Any  # sklearn LogisticRegression over stance indexes and _NONE
    prototypes: np.ndarray  # (prototypes, dimension), every stance's, in taxonomy order
    prototype_stance: np.ndarray  # stance index of each prototype row
    _cue_lists: dict = field(default_factory=dict, compare=False, repr=False)

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

    def score(self, embeddings: np.ndarray, texts: Sequence[str] | None = None,
              languages: Sequence[str] | None = None, thresholds: Thresholds | None = None,
              cue_counts: np.ndarray | None = None) -> StanceScores:
        """Each passage's most probable stance, its probability and that of "no stance".

        With the passages' ``texts`` and ``languages``, each distinct cue of a stance
        found in a passage adds ``thresholds.cue_weight`` to that stance's log-odds,
        and ``thresholds.none_bias`` is added to those of "no stance": the
        prototypes say how a stance is argued, the cues what real text names when
        it argues it. ``cue_counts`` (from :meth:`cue_counts`) spares counting them again
        when the same passages are scored under many thresholds.
        """
        if not len(embeddings):
            empty = np.zeros(0, dtype=np.float32)
            return StanceScores(np.zeros(0, dtype=np.intp), empty, empty, empty, np.zeros((0, len(self.ids))), empty)
        vectors = np.asarray(embeddings, dtype=np.float32)
        probabilities = self.classifier.predict_proba(vectors)
        classes = self.classifier.classes_
        stance_columns = np.flatnonzero(classes != _NONE)
        none_column = int(np.flatnonzero(classes == _NONE)[0])
        cues = cue_counts
        if cues is None and thresholds is not None and texts is not None and languages is not None:
            cues = self.cue_counts(texts, languages)
        if thresholds is not None and cues is not None:
            logits = np.log(np.clip(probabilities, 1e-9, 1.0))
            # cues: (passages, stances) in taxonomy order
            order = classes[stance_columns].astype(np.intp)
            logits[:, stance_columns] += thresholds.cue_weight * cues[:, order]
            logits[:, none_column] += thresholds.none_bias
            logits -= logits.max(axis=1, keepdims=True)
            probabilities = np.exp(logits)
            probabilities /= probabilities.sum(axis=1, keepdims=True)
        stance_probabilities = probabilities[:, stance_columns]
        best = np.argmax(stance_probabilities, axis=1)
        rows = np.arange(len(vectors))
        best_stance = classes[stance_columns][best].astype(np.intp)
        to_prototypes = vectors @ self.prototypes.T
        to_prototypes[self.prototype_stance[None, :] != best_stance[:, None]] = -np.inf
        in_taxonomy_order = np.zeros((len(vectors), len(self.ids)), dtype=np.float64)
        in_taxonomy_order[:, classes[stance_columns].astype(np.intp)] = stance_probabilities
        return StanceScores(
            best=best_stance,
            probability=stance_probabilities[rows, best],
            background=probabilities[:, none_column],
            similarity=to_prototypes.max(axis=1),
            probabilities=in_taxonomy_order,
            cues=None if cues is None else cues[rows, best_stance],
        )

    def cue_counts(self, texts: Sequence[str], languages: Sequence[str]) -> np.ndarray:
        """Distinct cues of each stance found in each text, at most ``MAX_CUES``: (texts, stances)."""
        counts = np.zeros((len(texts), len(self.ids)), dtype=np.float64)
        for i, (text, language) in enumerate(zip(texts, languages)):
            for j, cues in enumerate(self.cue_lists(language)):
                if cues is not None:
                    counts[i, j] = min(MAX_CUES, len({hit.lower() for hit in cues.findall(text)}))
        return counts

    def cue_lists(self, language: str) -> list:
        """Each stance's cues in ``language`` as term lists (``None`` where it has none), built once."""
        cached = self._cue_lists.get(language)
        if cached is None:
            from nlp.topic import TermList

            cached = [TermList(stance.cues[language], language) if stance.cues.get(language) else None
                      for stance in self.taxonomy]
            self._cue_lists[language] = cached
        return cached

    def match(self, embeddings: np.ndarray, thresholds: Thresholds, texts: Sequence[str] | None = None,
              languages: Sequence[str] | None = None,
              cue_counts: np.ndarray | None = None) -> list[tuple[str, float] | str | None]:
        """Per passage: the accepted stance and its probability; ``NO_STANCE`` when the passage
        is closer to the factual background than to any stance; else ``None`` (undecided)."""
        scores = self.score(embeddings, texts, languages, thresholds, cue_counts)
        accepted = scores.accepted(thresholds)
        factual = scores.factual()
        return [
            (self.ids[int(scores.best[i])], float(scores.probability[i])) if accepted[i]
            else NO_STANCE if factual[i] else None
            for i in range(len(embeddings))
        ]


def embed_prototypes(taxonomy: Taxonomy, encoder: Encoder) -> tuple[list[np.ndarray], np.ndarray]:
    """The prototype embeddings of each stance, and those of the background statements."""
    prototypes = [
        encoder.encode([text for texts in stance.prototypes.values() for text in texts])
        for stance in taxonomy
    ]
    return prototypes, encoder.encode([text for texts in taxonomy.background.values() for text in texts])


def _centroid(vectors: Sequence[np.ndarray] | np.ndarray) -> np.ndarray:
    mean = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return mean / np.linalg.norm(mean)

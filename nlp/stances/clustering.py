"""Stance clusters: seeded stances plus emergent clusters, with stable ids.

:func:`update_clusters` is pure: it takes the passages not yet assigned (new
ones and those left over by earlier runs), their embeddings and the clusters
as they stand, and returns the updated clusters and one assignment per
passage. Each passage goes, in this order,

1. to its nearest seeded stance, when it clears the calibrated thresholds
   (the prototype classifier and the stance cues, see ``seeded.py``);
2. to no stance at all when it reads as factual news: closer to the
   taxonomy's background statements than to any stance, and without a word
   that leans for or against (``[stance_cues]`` of the language file); it is never
   read back;
3. else to the nearest existing emergent cluster, when close enough to its
   centroid (``emergent_join``, stricter than the merge level that forms
   clusters: a passage joins a debate it argues, not one it merely touches);
4. else it waits. Once ``min_pending`` passages wait, they are clustered
   (agglomerative, average linkage on cosine distance); a group becomes an
   emergent cluster only when it is coherent: at least ``min_cluster_size``
   passages from at least ``min_stories`` stories in at least
   ``min_languages`` languages (a debate, not one outlet's wording), whose mean similarity
   to their centroid reaches the model's calibrated ``emergent_coherence`` and exceeds
   their similarity to every seeded stance. Emergent clusters are
   labelled by c-TF-IDF keywords per language; the rest keep waiting.

The agglomerative step is quadratic in the passages it clusters, so it only
takes the first ``max_pending`` waiting passages (in passage-id order); the
others wait for a later run, and meanwhile still join emergent clusters by
step 2. Time and memory then grow linearly with the number of passages. The
cluster stage stops reading back a passage still waiting ``waiting_days``
after its article was processed, so what it reads does not pile up either.

Ids are stable: a seeded cluster's id is its stance id; an existing emergent
cluster keeps its id and label; a new emergent cluster's id is derived from
its first members' passage ids. Passages are processed in passage-id order
and the clustering has no random state, so the same input gives the same
output.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np

from nlp.stances.keywords import class_keywords
from nlp.stances.passages import sentences
from nlp.stances.polarity import NEUTRAL, passage_polarity
from nlp.stances.seeded import NO_STANCE, THRESHOLDS_PATH, SeededStances, Thresholds
from core.languages import registry
from nlp.topic import Topic

ClusterKind = Literal["seeded", "emergent"]


@dataclass(frozen=True)
class PassageInput:
    passage_id: str
    text: str
    language: str
    story_id: str = ""
    """The story the passage tells (an article and its translations share one);
    empty counts each passage as its own story."""


@dataclass(frozen=True)
class ClusterState:
    cluster_id: str
    kind: ClusterKind
    label: str
    labels: dict[str, str]
    centroid: np.ndarray
    size: int
    keywords: dict[str, list[str]]
    polarity: str | None = None
    representatives: tuple[str, ...] = ()
    """Passage ids of the members nearest the centroid when the cluster formed."""


@dataclass(frozen=True)
class Assignment:
    passage_id: str
    cluster_id: str | None  # None when the passage takes no stance or waits for an emergent cluster
    score: float | None  # a seeded stance's probability, or the cosine similarity to an emergent centroid
    polarity: str
    decision: str = "waiting"  # "stance", "none" (factual: takes no stance) or "waiting"


@dataclass(frozen=True)
class ClusteringConfig:
    thresholds: Thresholds
    min_pending: int = 12
    max_pending: int = 2000
    waiting_days: int = 90
    """Days after its article was processed that a waiting passage is still read back."""
    min_cluster_size: int = 4
    min_stories: int = 3
    min_languages: int = 1
    keywords_per_language: int = 8
    label_keywords: int = 3
    representatives: int = 3

    @classmethod
    def load(cls, thresholds: Thresholds, path: Path | None = None) -> ClusteringConfig:
        """The settings of ``thresholds.toml``'s ``[clustering]`` table, with ``thresholds``."""
        with (Path(path) if path else THRESHOLDS_PATH).open("rb") as handle:
            table = tomllib.load(handle).get("clustering", {})
        return cls(thresholds=thresholds, **table)


@dataclass(frozen=True)
class ClusteringResult:
    clusters: list[ClusterState]
    assignments: list[Assignment]

    @property
    def unassigned(self) -> list[str]:
        return [a.passage_id for a in self.assignments if a.cluster_id is None]


def update_clusters(
    passages: Sequence[PassageInput],
    embeddings: np.ndarray,
    seeded: SeededStances,
    clusters: Sequence[ClusterState],
    topic: Topic,
    config: ClusteringConfig,
) -> ClusteringResult:
    """Assign ``passages`` (rows of ``embeddings``, L2-normalised) to clusters."""
    if len(passages) != len(embeddings):
        raise ValueError(f"{len(passages)} passages but {len(embeddings)} embeddings")
    state = _Clusters.start(seeded, clusters)
    if not passages:
        return ClusteringResult(clusters=state.result(), assignments=[])
    order = sorted(range(len(passages)), key=lambda i: passages[i].passage_id)
    items = [passages[i] for i in order]
    vectors = np.asarray(embeddings, dtype=np.float32)[order]
    targets: list[str | None] = [None] * len(items)
    scores: list[float | None] = [None] * len(items)
    factual = [False] * len(items)
    matches = seeded.match(vectors, config.thresholds, [p.text for p in items], [p.language for p in items])
    for i, match in enumerate(matches):
        if isinstance(match, tuple):
            targets[i], scores[i] = match
        elif match == NO_STANCE and not _leans(items[i], topic):
            factual[i] = True
    _join_emergent(state, vectors, targets, scores, factual, config.thresholds.join_similarity)

    pending = [i for i, target in enumerate(targets) if target is None and not factual[i]]
    if len(pending) >= config.min_pending:
        _form_emergent(state, items, vectors, pending, targets, scores, seeded, topic, config)
        # what waits is decided now against the new clusters too, not by a later run with nothing new
        _join_emergent(state, vectors, targets, scores, factual, config.thresholds.join_similarity)

    polarities = [
        NEUTRAL if factual[i] else passage_polarity(item.text, item.language, topic, state.polarity_of(target))
        for i, (item, target) in enumerate(zip(items, targets))
    ]
    state.absorb(vectors, targets, polarities)
    assignments = [
        Assignment(item.passage_id, target, score, polarity,
                   "stance" if target is not None else "none" if factual[i] else "waiting")
        for i, (item, target, score, polarity) in enumerate(zip(items, targets, scores, polarities))
    ]
    return ClusteringResult(clusters=state.result(), assignments=assignments)


def _leans(passage: PassageInput, topic: Topic) -> bool:
    """Whether a passage leans for or against something (supportive or critical cue words):
    such a passage may argue a debate no stance names, and waits for one."""
    cues = topic.stance_cues[passage.language]
    return bool(cues.supportive.count(passage.text) or cues.critical.count(passage.text))


def agglomerate(vectors: np.ndarray, similarity: float) -> np.ndarray:
    """Cluster labels: average linkage, merging while mean cosine similarity ≥ ``similarity``."""
    if len(vectors) < 2:
        return np.zeros(len(vectors), dtype=int)
    from sklearn.cluster import AgglomerativeClustering

    return AgglomerativeClustering(
        n_clusters=None, metric="cosine", linkage="average", distance_threshold=1.0 - similarity
    ).fit_predict(vectors)


@dataclass
class _Clusters:
    """The clusters being updated, in a stable order: seeded, then emergent by id."""

    seeded_ids: tuple[str, ...]
    by_id: dict[str, ClusterState] = field(default_factory=dict)
    new_ids: list[str] = field(default_factory=list)

    @classmethod
    def start(cls, seeded: SeededStances, existing: Sequence[ClusterState]) -> _Clusters:
        state = cls(seeded.ids, {c.cluster_id: c for c in existing})
        for stance, centroid in zip(seeded.taxonomy, seeded.centroids):
            known = state.by_id.get(stance.id)
            state.by_id[stance.id] = ClusterState(
                cluster_id=stance.id,
                kind="seeded",
                label=stance.labels[READER_LANGUAGE],
                labels=dict(stance.labels),
                centroid=known.centroid if known is not None and known.size else centroid,
                size=known.size if known is not None else 0,
                keywords=known.keywords if known is not None else {},
                polarity=stance.polarity,
                representatives=known.representatives if known is not None else (),
            )
        return state

    def emergent(self) -> list[ClusterState]:
        return sorted((c for c in self.by_id.values() if c.kind == "emergent"), key=lambda c: c.cluster_id)

    def polarity_of(self, cluster_id: str | None) -> str | None:
        if cluster_id is None or cluster_id in self.new_ids:
            return None  # emergent clusters take their polarity from their members
        cluster = self.by_id[cluster_id]
        return cluster.polarity if cluster.kind == "seeded" else None

    def absorb(self, vectors: np.ndarray, targets: Sequence[str | None], polarities: Sequence[str]) -> None:
        """Move centroids and sizes by the newly assigned passages."""
        members: dict[str, list[int]] = {}
        for i, target in enumerate(targets):
            if target is not None:
                members.setdefault(target, []).append(i)
        for cluster_id, rows in members.items():
            cluster = self.by_id[cluster_id]
            total = cluster.centroid * cluster.size + vectors[rows].sum(axis=0)
            polarity = cluster.polarity
            if cluster.kind == "emergent" and cluster_id in self.new_ids:
                polarity = Counter(polarities[i] for i in rows).most_common(1)[0][0]
            self.by_id[cluster_id] = replace(
                cluster,
                centroid=(total / np.linalg.norm(total)).astype(np.float32),
                size=cluster.size + len(rows),
                polarity=polarity,
            )

    def result(self) -> list[ClusterState]:
        seeded = [self.by_id[i] for i in self.seeded_ids]
        others = sorted(
            (c for c in self.by_id.values() if c.cluster_id not in self.seeded_ids), key=lambda c: c.cluster_id
        )
        return seeded + others


def _join_emergent(
    state: _Clusters,
    vectors: np.ndarray,
    targets: list[str | None],
    scores: list[float | None],
    factual: list[bool],
    threshold: float,
) -> None:
    emergent = state.emergent()
    if not emergent:
        return
    centroids = np.stack([c.centroid for c in emergent])
    similarities = vectors @ centroids.T
    for i, target in enumerate(targets):
        if target is None and not factual[i]:
            best = int(np.argmax(similarities[i]))
            if similarities[i, best] >= threshold:
                targets[i], scores[i] = emergent[best].cluster_id, float(similarities[i, best])


def _form_emergent(
    state: _Clusters,
    items: Sequence[PassageInput],
    vectors: np.ndarray,
    pending: list[int],
    targets: list[str | None],
    scores: list[float | None],
    seeded: SeededStances,
    topic: Topic,
    config: ClusteringConfig,
) -> None:
    pending = pending[: config.max_pending]
    labels = agglomerate(vectors[pending], config.thresholds.emergent_similarity)
    groups = [
        [pending[j] for j in np.flatnonzero(labels == label)]
        for label in sorted(set(labels.tolist()))
    ]
    new_clusters = []
    for rows in groups:
        if len(rows) < config.min_cluster_size:
            continue
        if len({items[i].story_id or items[i].passage_id for i in rows}) < config.min_stories:
            continue
        if len({items[i].language for i in rows}) < config.min_languages:
            continue
        centroid = vectors[rows].mean(axis=0)
        centroid /= np.linalg.norm(centroid)
        cohesion = float(np.mean(vectors[rows] @ centroid))
        if cohesion < config.thresholds.emergent_coherence:
            continue
        # a debate of its own: its passages are closer to one another than to any seeded stance
        if cohesion <= float(np.max(np.mean(vectors[rows] @ seeded.centroids.T, axis=0))):
            continue
        cluster_id = "emergent_" + hashlib.sha1(
            "\n".join(sorted(items[i].passage_id for i in rows)).encode()
        ).hexdigest()[:10]
        nearest = np.argsort(-(vectors[rows] @ centroid), kind="stable")[: config.representatives]
        new_clusters.append((cluster_id, rows, centroid, tuple(items[rows[k]].passage_id for k in nearest)))
        for i in rows:
            targets[i], scores[i] = cluster_id, float(vectors[i] @ centroid)
    if not new_clusters:
        return

    keywords = _keywords(items, new_clusters, seeded, config.keywords_per_language)
    for cluster_id, rows, centroid, representatives in new_clusters:
        words = keywords[cluster_id]
        labels_by_language = _labels(items, vectors, rows, centroid, words, config.label_keywords)
        dominant = Counter(items[i].language for i in rows).most_common(1)[0][0]
        state.by_id[cluster_id] = ClusterState(
            cluster_id=cluster_id,
            kind="emergent",
            label=labels_by_language.get(READER_LANGUAGE) or labels_by_language.get(dominant, cluster_id),
            labels=labels_by_language,
            centroid=centroid.astype(np.float32),
            size=0,  # absorb() counts the members
            keywords=words,
            polarity=NEUTRAL,
            representatives=representatives,
        )
        state.new_ids.append(cluster_id)


READER_LANGUAGE = "en"
"""The language of a cluster's one label: the digest and the web app are written in it."""
LABEL_CHARACTERS_DEFAULT = 90
"""The longest opening sentence a label takes, unless the language sets ``[passages] label_chars``."""


def _labels(
    items: Sequence[PassageInput],
    vectors: np.ndarray,
    rows: list[int],
    centroid: np.ndarray,
    keywords: dict[str, list[str]],
    label_keywords: int,
) -> dict[str, str]:
    """A label a reader understands in each language: the opening sentence of the member
    nearest the centroid in that language (a phrase the press wrote, cut to a headline's
    length), followed by its keywords; a language with no member keeps the keywords alone."""
    labels = {}
    for language in registry().analysed:
        members = [i for i in rows if items[i].language == language]
        words = " / ".join(keywords.get(language, [])[:label_keywords])
        if not members:
            if words:
                labels[language] = words
            continue
        nearest = max(members, key=lambda i: float(vectors[i] @ centroid))
        text = items[nearest].text
        start, end = next(sentences(text, language), (0, len(text)))
        sentence = text[start:end]
        spec = registry()[language]
        limit = spec.passages.get("label_chars", LABEL_CHARACTERS_DEFAULT)
        if len(sentence) > limit:
            sentence = sentence[:limit].rsplit(" ", 1)[0] if spec.spaced else sentence[:limit]
            sentence += "…"
        labels[language] = f"“{sentence}”" + (f" ({words})" if words else "")
    return labels



def _keywords(
    items: Sequence[PassageInput],
    new_clusters: Sequence[tuple[str, list[int], np.ndarray, tuple[str, ...]]],
    seeded: SeededStances,
    top_n: int,
) -> dict[str, dict[str, list[str]]]:
    """c-TF-IDF keywords per language for each new cluster, against the taxonomy's texts."""
    keywords: dict[str, dict[str, list[str]]] = {cluster_id: {} for cluster_id, *_ in new_clusters}
    for language in registry().analysed:
        classes = {
            cluster_id: [items[i].text for i in rows if items[i].language == language]
            for cluster_id, rows, *_ in new_clusters
        }
        classes = {name: texts for name, texts in classes.items() if texts}
        if not classes:
            continue
        background = [list(stance.prototypes.get(language, ())) for stance in seeded.taxonomy]
        background.append(list(seeded.taxonomy.background.get(language, ())))
        for name, words in class_keywords(classes, language, background, top_n).items():
            keywords[name][language] = words
    return keywords

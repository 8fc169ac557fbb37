"""The cluster stage: stance passages → stance clusters and article stances.

Only passages not yet decided with the current embedding model are read;
existing clusters keep their ids, labels and centroids, so a run after a
night's crawl only places the new passages. Passages still waiting for an
emergent cluster are tried again only together with new ones: a run with
nothing new changes nothing. Articles whose stance assignment is not recorded at
the ``stances`` step's current version (a stance added to the taxonomy, new
thresholds) have their passages placed again as new.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import numpy as np

from core.config import Config
from pipeline.analyse import AnalyserSettings
from pipeline.steps import current_versions
from warehouse.records import ClusterRecord, PassageStance
from warehouse.rows import build
from warehouse.store import Store


@dataclass(frozen=True)
class ClusterSummary:
    passages: int
    assigned: int
    waiting: int
    factual: int
    clusters: int
    emergent: int

    def line(self) -> str:
        return (f"cluster: {self.passages} new passages, {self.assigned} assigned, {self.factual} factual "
                f"(no stance), {self.waiting} waiting; "
                f"{self.clusters} stance clusters with members ({self.emergent} emergent)")


def cluster_stage(config: Config) -> ClusterSummary:
    from nlp.embeddings import load_encoder
    from nlp.stances.clustering import ClusteringConfig, ClusterState, PassageInput, update_clusters
    from nlp.stances.seeded import SeededStances, Thresholds
    from nlp.stances.taxonomy import Taxonomy
    from nlp.topic import Topic

    store = Store(config.db)
    store.migrate()
    version = current_versions(AnalyserSettings.from_config(config))["stances"]
    stale = store.stale_stance_articles(version)
    if stale:
        store.reset_stances(stale)
    encoder = load_encoder(config.models.embedding, config.models.cache_dir)
    model_id = encoder.model_id
    thresholds = Thresholds.load(model_id)  # an UncalibratedModelError for a model never calibrated
    topic = Topic.load()
    seeded = SeededStances.from_taxonomy(Taxonomy.load(), encoder)
    existing = [build(ClusterState, c, representatives=tuple(c.representatives)) for c in store.clusters(model_id)]
    settings = ClusteringConfig.load(thresholds)
    passages = store.passages_to_cluster(
        model_id, waiting_since=datetime.now(timezone.utc) - timedelta(days=settings.waiting_days)
    )
    if not any(not p.seen for p in passages):
        passages = []  # only passages that already waited: nothing new to decide them by
    inputs = [build(PassageInput, p) for p in passages]
    vectors = np.stack([p.vector for p in passages]) if passages else np.zeros((0, encoder.dimension), np.float32)
    result = update_clusters(inputs, vectors, seeded, existing, topic, settings)
    records = [build(ClusterRecord, c, model_id=model_id) for c in result.clusters]
    stances = [build(PassageStance, a, model_id=model_id) for a in result.assignments]
    if stances or not store.clusters(model_id):
        store.save_clustering(records, stances, model_id)
        store.refresh_summaries()
    if stale:
        store.record_steps(stale, "stances", version)
    assigned = sum(a.cluster_id is not None for a in result.assignments)
    populated = [c for c in result.clusters if c.size > 0]
    return ClusterSummary(
        passages=len(passages), assigned=assigned, factual=sum(a.decision == "none" for a in result.assignments),
        waiting=sum(a.decision == "waiting" for a in result.assignments),
        clusters=len(populated), emergent=sum(c.kind == "emergent" for c in populated),
    )

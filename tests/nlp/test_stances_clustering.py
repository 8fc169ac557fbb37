"""Stance clusters: emergent debates, stable ids across runs, determinism."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

from nlp.stances.calibration import read_debates, read_statements
from nlp.stances.clustering import (
    ClusteringConfig,
    ClusteringResult,
    ClusterState,
    PassageInput,
    update_clusters,
)
from nlp.stances.keywords import class_keywords
from nlp.stances.seeded import Thresholds
from nlp.topic import Topic

DATA = Path(__file__).parent / "data"
ENERGY_WORDS = {
    "en": {"energy", "electricity", "carbon", "power", "consumption", "environmental", "footprint"},
    "fr": {"énergie", "électricité", "carbone", "consommation", "écologistes", "empreinte", "consomment"},
    "zh": {"电力", "能耗", "碳足迹", "用电", "能源", "环保", "用水"},
}


@dataclass(frozen=True)
class Corpus:
    passages: list[PassageInput]
    vectors: np.ndarray
    truth: dict[str, str]  # passage id -> stance id, "none" or "debate:<name>"

    def pick(self, ids: list[str]) -> tuple[list[PassageInput], np.ndarray]:
        index = {p.passage_id: i for i, p in enumerate(self.passages)}
        rows = [index[i] for i in ids]
        return [self.passages[i] for i in rows], self.vectors[rows]


@pytest.fixture(scope="module")
def config(encoder) -> ClusteringConfig:
    return ClusteringConfig.load(Thresholds.load(encoder.model_id))


@pytest.fixture(scope="module")
def topic() -> Topic:
    return Topic.load()


@pytest.fixture(scope="module")
def corpus(encoder) -> Corpus:
    rows = []
    for split in ("calibration", "evaluation"):
        for n, s in enumerate(read_statements(DATA / "stance_statements.toml", split)):
            rows.append((f"{split[:3]}-{n:03d}", s.text, s.language, s.label or "none"))
    for name, (_, statements) in read_debates(DATA / "emergent_debates.toml").items():
        rows += [(f"{name}-{n:02d}", s.text, s.language, f"debate:{name}") for n, s in enumerate(statements)]
    passages = [PassageInput(pid, text, lang) for pid, text, lang, _ in rows]
    return Corpus(passages, encoder.encode([p.text for p in passages]), {pid: t for pid, _, _, t in rows})


def run(corpus: Corpus, ids: list[str], clusters, seeded, topic, config) -> ClusteringResult:
    passages, vectors = corpus.pick(ids)
    return update_clusters(passages, vectors, seeded, clusters, topic, config)


def test_an_off_taxonomy_debate_forms_an_emergent_cluster(corpus, seeded, topic, config) -> None:
    ids = [p.passage_id for p in corpus.passages if p.passage_id.startswith(("eva-", "energy-"))]
    result = run(corpus, ids, [], seeded, topic, config)
    members: dict[str | None, list[str]] = {}
    for a in result.assignments:
        members.setdefault(a.cluster_id, []).append(corpus.truth[a.passage_id])
    emergent = [c for c in result.clusters if c.kind == "emergent"]
    energy = max(emergent, key=lambda c: members[c.cluster_id].count("debate:energy"))
    found = members[energy.cluster_id]
    assert found.count("debate:energy") >= 9
    assert found.count("debate:energy") / len(found) >= 0.75
    assert energy.size == len(found)
    assert set(energy.keywords) == {"en", "fr", "zh"}
    named = [language for language, words in energy.keywords.items() if ENERGY_WORDS[language] & set(words)]
    assert len(named) >= 2, energy.keywords
    assert energy.label == energy.labels["en"]
    assert len(energy.representatives) == 3
    assert {corpus.truth[i] for i in energy.representatives} == {"debate:energy"}
    # the prototype classifier and the stance cues let some energy statements into seeded
    # stances (measured 8 of 18 with the default encoder since the thresholds were fitted on
    # real texts, 6 before); most stay out
    seeded_ids = set(seeded.ids)
    leaked = sum(ts.count("debate:energy") for c, ts in members.items() if c in seeded_ids)
    assert leaked <= 8


def test_ids_and_assignments_are_stable_when_ten_percent_more_arrive(corpus, seeded, topic, config) -> None:
    ids = sorted(corpus.truth)
    random.Random(7).shuffle(ids)
    first_count = round(len(ids) / 1.1)
    first_ids, new_ids = ids[:first_count], ids[first_count:]  # then 10% more

    first = run(corpus, first_ids, [], seeded, topic, config)
    earlier = {a.passage_id: a.cluster_id for a in first.assignments if a.cluster_id is not None}
    assert any(c.kind == "emergent" for c in first.clusters)

    # the next run gets the new passages and those still waiting
    second = run(corpus, new_ids + first.unassigned, first.clusters, seeded, topic, config)
    before = {c.cluster_id: c for c in first.clusters}
    after = {c.cluster_id: c for c in second.clusters}
    assert set(before) <= set(after)
    for cluster_id, cluster in before.items():
        assert (after[cluster_id].label, after[cluster_id].kind) == (cluster.label, cluster.kind)
        assert after[cluster_id].size >= cluster.size
    joined = [a for a in second.assignments if a.passage_id in new_ids and a.cluster_id in before]
    assert joined, "new passages join existing clusters first"

    # replaying every passage against the clusters keeps ≥95% of the earlier assignments
    replay = run(corpus, first_ids + new_ids, first.clusters, seeded, topic, config)
    kept = sum(a.cluster_id == earlier[a.passage_id] for a in replay.assignments if a.passage_id in earlier)
    assert kept / len(earlier) >= 0.95


def test_clustering_is_deterministic_and_order_free(corpus, seeded, topic, config) -> None:
    ids = sorted(corpus.truth)[:150]
    once = run(corpus, ids, [], seeded, topic, config)
    again = run(corpus, ids[::-1], [], seeded, topic, config)
    assert once.assignments == again.assignments
    assert [(c.cluster_id, c.label, c.size, c.keywords) for c in once.clusters] == [
        (c.cluster_id, c.label, c.size, c.keywords) for c in again.clusters
    ]


def test_seeded_clusters_carry_the_taxonomy_and_count_members(corpus, seeded, topic, config) -> None:
    ids = [p.passage_id for p in corpus.passages if p.passage_id.startswith("cal-")]
    result = run(corpus, ids, [], seeded, topic, config)
    by_id = {c.cluster_id: c for c in result.clusters}
    counts = Counter(a.cluster_id for a in result.assignments)
    for stance in seeded.taxonomy:
        cluster = by_id[stance.id]
        assert (cluster.kind, cluster.label, cluster.polarity) == ("seeded", stance.labels["en"], stance.polarity)
        assert cluster.labels == dict(stance.labels)
        assert cluster.size == counts[stance.id]
        assert np.linalg.norm(cluster.centroid) == pytest.approx(1.0, abs=1e-5)
    polarities = {a.polarity for a in result.assignments}
    assert polarities <= {"supportive", "critical", "neutral"}
    censorship = [a for a in result.assignments if a.cluster_id == "censorship_bias"]
    assert censorship and all(a.polarity == "critical" for a in censorship)


def test_nothing_to_assign_still_returns_the_seeded_clusters(seeded, topic, config) -> None:
    result = update_clusters([], np.zeros((0, 512), np.float32), seeded, [], topic, config)
    assert [c.cluster_id for c in result.clusters] == list(seeded.ids)
    assert result.assignments == []
    with pytest.raises(ValueError, match="2 passages but 1 embeddings"):
        update_clusters(
            [PassageInput("a", "x", "en"), PassageInput("b", "y", "en")],
            np.zeros((1, 512), np.float32), seeded, [], topic, config,
        )


def test_existing_emergent_clusters_keep_their_label(corpus, seeded, topic, config) -> None:
    passages, vectors = corpus.pick(["energy-00"])
    existing = ClusterState(
        cluster_id="emergent_energy",
        kind="emergent",
        label="energy / electricity",
        labels={"en": "energy / electricity"},
        centroid=vectors[0],
        size=5,
        keywords={"en": ["energy", "electricity"]},
    )
    others, other_vectors = corpus.pick(["energy-01", "energy-03"])
    result = update_clusters(others, other_vectors, seeded, [existing], topic, config)
    [cluster] = [c for c in result.clusters if c.cluster_id == "emergent_energy"]
    assert cluster.label == "energy / electricity"
    joined = [a for a in result.assignments if a.cluster_id == "emergent_energy"]
    assert cluster.size == 5 + len(joined)


def test_c_tf_idf_prefers_words_particular_to_a_cluster() -> None:
    keywords = class_keywords(
        {
            "energy": ["Open models burn electricity.", "The electricity bill of open models grows."],
            "money": ["Open models need revenue.", "Investors want revenue from open models."],
        },
        "en",
        background=[["Open models are everywhere.", "Models, models, models."]],
        top_n=2,
    )
    assert keywords["energy"][0] == "electricity"
    assert keywords["money"][0] == "revenue"

"""The cluster stage on a real warehouse: ids, labels and assignments stay put as passages arrive."""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import pytest

from nlp.embeddings import Encoder, load_encoder
from core.config import Config, load_config
from pipeline.cluster import cluster_stage
from warehouse.records import ArticleRecord, EmbeddingRecord, PassageRecord, ProcessedPage
from warehouse.store import Store, text_hash

DATA = Path(__file__).parent / "data"
PUBLISHED = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)


def pages(articles: list[dict], encoder: Encoder) -> list[ProcessedPage]:
    """Processed pages of relevant articles whose passages are the fixture's, embedded by ``encoder``."""
    result = []
    for entry in articles:
        article_id, language, texts = entry["id"], entry["language"], entry["passages"]
        text = "\n".join(texts)
        starts = [text.index(t) for t in texts]
        passages = [
            PassageRecord(f"{article_id}:{i}", article_id, i, language, t, text_hash(t), s, s + len(t))
            for i, (t, s) in enumerate(zip(texts, starts))
        ]
        embeddings = [
            EmbeddingRecord(text_hash(t), encoder.model_id, v) for t, v in zip(texts, encoder.encode(texts))
        ]
        article = ArticleRecord(
            article_id, f"https://news.example.org/{article_id}", "example", article_id, None, None, language,
            None, PUBLISHED, PUBLISHED, text, len(text.split()), 1.0, True,
        )
        result.append(ProcessedPage(article_id, "article", article=article, passages=passages,
                                    embeddings=embeddings))
    return result


def placed(store: Store, model_id: str) -> dict[str, tuple[str, str | None, float | None, str]]:
    """passage id -> (article id, cluster id or None, score, decision)."""
    return {r["passage_id"]: (r["article_id"], r["cluster_id"], r["score"], r["decision"])
            for r in store.fetch("passage_stances", {"model_id": model_id})}


def article_stances(store: Store) -> dict[tuple[str, str], float]:
    return {(r["url"].rsplit("/", 1)[1], r["cluster_id"]): r["score"] for r in store.fetch("stances_by_article")}


def expected_article_stances(assignments: dict[str, tuple], seeded: set[str]) -> dict[tuple[str, str], float]:
    """Each article's share of the confidence of its assigned passages per cluster; an emergent
    cluster counts only for an article none of whose passages takes a seeded stance (the
    fixture's articles are stories of their own)."""
    with_seeded = {article for article, cluster, _, _ in assignments.values() if cluster in seeded}
    weights: Counter[tuple[str, str]] = Counter()
    for article, cluster, score, _ in assignments.values():
        if cluster is not None and (cluster in seeded or article not in with_seeded):
            weights[(article, cluster)] += max(score or 0.0, 0.01)
    totals: Counter[str] = Counter()
    for (article, _), weight in weights.items():
        totals[article] += weight
    return {key: weight / totals[key[0]] for key, weight in weights.items()}


@pytest.fixture(scope="module")
def encoder() -> Encoder:
    return load_encoder()


@pytest.fixture
def config(tmp_path: Path) -> Config:
    settings = tmp_path / "veille.toml"
    settings.write_text("", encoding="utf-8")
    return load_config(settings, tmp_path / "data" / "veille.duckdb")


@pytest.mark.slow
def test_ten_percent_more_passages_leave_earlier_clusters_in_place(config: Config, encoder: Encoder) -> None:
    with (DATA / "cluster_passages.toml").open("rb") as handle:
        articles = tomllib.load(handle)["article"]
    earlier_articles = [a for a in articles if not a.get("later")]
    later_articles = [a for a in articles if a.get("later")]
    earlier_count = sum(len(a["passages"]) for a in earlier_articles)
    later_count = sum(len(a["passages"]) for a in later_articles)
    assert later_count / earlier_count == pytest.approx(0.1)

    store = Store(config.db)
    store.migrate()
    store.save_processed(pages(earlier_articles, encoder), "test")
    first = cluster_stage(config)
    assert first.passages == earlier_count
    model_id = encoder.model_id
    seeded_ids = {c.cluster_id for c in store.clusters(model_id) if c.kind == "seeded"}
    clusters_before = {c.cluster_id: c.label for c in store.clusters(model_id) if c.size > 0}
    before = placed(store, model_id)
    assigned_before = {p: c for p, (_, c, _, _) in before.items() if c is not None}
    assert len(assigned_before) >= 0.6 * earlier_count
    assert first.emergent >= 1, "the benchmark debate forms an emergent cluster"
    assert article_stances(store) == pytest.approx(expected_article_stances(before, seeded_ids))

    again = cluster_stage(config)  # nothing new: nothing is decided again
    assert again.passages == 0 and placed(store, model_id) == before
    assert article_stances(store) == pytest.approx(expected_article_stances(before, seeded_ids))

    store.save_processed(pages(later_articles, encoder), "test")
    second = cluster_stage(config)
    waiting_before = sum(decision == "waiting" for *_, decision in before.values())
    assert second.passages == later_count + waiting_before  # decided passages are not read again

    after = placed(store, model_id)
    kept = sum(after[p][1] == c for p, c in assigned_before.items())
    assert kept / len(assigned_before) >= 0.95
    clusters_after = {c.cluster_id: c.label for c in store.clusters(model_id)}
    assert {i: clusters_after.get(i) for i in clusters_before} == clusters_before
    assert article_stances(store) == pytest.approx(expected_article_stances(after, seeded_ids))
    new_ids = {f"{a['id']}:{i}" for a in later_articles for i in range(len(a["passages"]))}
    assert any(after[p][1] is not None for p in new_ids)

"""veille export: Parquet partitioned by ISO week and language, read back by DuckDB and pyarrow."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.dataset as ds

from pipeline.process import sync_knowledge_base
from warehouse.export import export_parquet
from warehouse.records import (ArticleRecord, ClusterRecord, MentionRecord, PassageRecord, PassageStance,
                               ProcessedPage)
from warehouse.store import Store

MODEL = "test-encoder"


def _article(article_id: str, language: str, published: datetime | None) -> ProcessedPage:
    text = "Mistral AI a publié les poids de son modèle."
    article = ArticleRecord(article_id=article_id, url=f"https://example.org/{article_id}", source="example",
                            title=f"Title {article_id}", author=None, site_name=None, language=language, script=None,
                            published_at=published, fetched_at=datetime(2026, 11, 30, 8, tzinfo=timezone.utc),
                            text=text, word_count=9, relevance=0.9, relevant=True, relevance_evidence='{"terms": 1}')
    mention = MentionRecord(article_id, "mistral-ai", "Mistral AI", 0, 10, "ruler", 1.0, text)
    passage = PassageRecord(f"{article_id}:0", article_id, 0, language, text, f"hash-{article_id}", 0, len(text))
    return ProcessedPage(article_id, "article", article=article, mentions=[mention], passages=[passage])


def _warehouse(tmp_path: Path) -> Store:
    store = Store(tmp_path / "veille.duckdb")
    store.migrate()
    sync_knowledge_base(store)
    store.save_processed([
        _article("a1", "fr", datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc)),  # a Tuesday of 2026-W48
        _article("a2", "en", datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc)),  # the last hour of 2026-W47
        _article("a3", "fr", None),  # no date: its fetch day, Monday 2026-11-30, 2026-W49
        _article("a4", "en", datetime(2021, 1, 3, 12, tzinfo=timezone.utc)),  # ISO year 2020: 2020-W53
    ], "test")
    cluster = ClusterRecord("open_source_strategy", "Open source as strategy", "seeded", "supportive",
                            {"en": "Open source as strategy"}, {}, [], MODEL, np.ones(4, dtype=np.float32), 4)
    store.save_clustering([cluster], [PassageStance(f"a{i}:0", "open_source_strategy", 0.8, "supportive", MODEL, "stance")
                                      for i in range(1, 5)], MODEL)
    return store


def test_export_reads_back_with_duckdb_as_hive_partitions(tmp_path: Path) -> None:
    store = _warehouse(tmp_path)
    out = tmp_path / "export"
    counts = export_parquet(store.path, out)
    assert counts["articles"] == counts["mentions"] == counts["stances"] == 4
    assert counts["entities"] > 10 and counts["entity_aliases"] > counts["entities"]
    folders = sorted(str(p.relative_to(out / "articles").parent) for p in (out / "articles").rglob("*.parquet"))
    assert folders == ["week=2020-W53/language=en", "week=2026-W47/language=en", "week=2026-W48/language=fr",
                       "week=2026-W49/language=fr"]
    rows = duckdb.sql(f"""
        SELECT a.article_id, a.week, a.language, a.published_at, m.surface, s.label, s.score
        FROM read_parquet('{out}/articles/**/*.parquet', hive_partitioning = true) AS a
        JOIN read_parquet('{out}/mentions/**/*.parquet', hive_partitioning = true) AS m USING (article_id)
        JOIN read_parquet('{out}/stances/**/*.parquet', hive_partitioning = true) AS s USING (article_id)
        ORDER BY a.article_id""").fetchall()
    assert [(r[0], r[1], r[2], r[4], r[5]) for r in rows] == [
        ("a1", "2026-W48", "fr", "Mistral AI", "Open source as strategy"),
        ("a2", "2026-W47", "en", "Mistral AI", "Open source as strategy"),
        ("a3", "2026-W49", "fr", "Mistral AI", "Open source as strategy"),
        ("a4", "2020-W53", "en", "Mistral AI", "Open source as strategy"),
    ]
    assert rows[0][3] == datetime(2026, 11, 24, 23, 30, tzinfo=timezone.utc)
    assert rows[0][6] == 1.0  # the article's one stance takes its whole weight
    ((entities,),) = duckdb.sql(f"SELECT count(*) FROM read_parquet('{out}/entities/*.parquet') "
                                "WHERE entity_id = 'mistral-ai'").fetchall()
    assert entities == 1


def test_export_reads_back_with_pyarrow_dataset_in_plain_types(tmp_path: Path) -> None:
    store = _warehouse(tmp_path)
    out = tmp_path / "export"
    export_parquet(store.path, out)
    export_parquet(store.path, out)  # a new export replaces the last one
    table = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table()
    assert table.num_rows == 4
    types = {field.name: str(field.type) for field in table.schema}
    assert types["week"] == "string" and types["language"] == "string"
    assert types["relevance_evidence"] == "string" and types["relevant"] == "bool"
    assert types["published_at"] == "timestamp[us, tz=UTC]"
    assert all(not t.startswith(("list", "struct", "map", "binary", "extension")) for t in types.values())
    french = ds.dataset(out / "articles", format="parquet", partitioning="hive").to_table(
        filter=ds.field("language") == "fr")
    assert sorted(french.column("article_id").to_pylist()) == ["a1", "a3"]

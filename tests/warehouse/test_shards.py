"""A shard of processed pages reads back to the very records written, with its nlp version."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np
import pytest

from warehouse import shards
from warehouse.records import (
    ArticleRecord,
    CandidateRecord,
    EmbeddingRecord,
    MentionRecord,
    PassageRecord,
    ProcessedPage,
)

PARIS = timezone(timedelta(hours=1))


def sample() -> list[ProcessedPage]:
    article = ArticleRecord(
        article_id="a1", url="http://x.invalid/a1", source="demo", title="Titre", author=None, site_name="Site",
        language="fr", script=None, published_at=datetime(2026, 11, 20, 9, 30, tzinfo=PARIS),
        fetched_at=datetime(2026, 11, 28, tzinfo=timezone.utc), text="Mistral publie ses poids. 開源",
        word_count=5, relevance=0.625, relevant=True, minhash=b"\x00\x01\xff",
        relevance_evidence={"terms": ["open weights"], "score": 0.5}, published_offset=60,
    )
    return [
        ProcessedPage(
            "a1", "article", None, article,
            [MentionRecord("a1", "mistral", "Mistral", 0, 7, "ruler", 1.0, "Mistral publie ses poids.")],
            [PassageRecord("a1:0", "a1", 0, "fr", "Mistral publie ses poids.", "h1", 0, 25)],
            [EmbeddingRecord("h1", "model", np.array([0.1, -2.5, 3.25], dtype=np.float32))],
            [CandidateRecord("a1", "Foo-7B", "Foo-7B", "fr", 3, 9, "Foo-7B sort.")],
        ),
        ProcessedPage("p2", "no_article", "too_short"),
    ]


def test_a_shard_reads_back_to_the_records_written(tmp_path):
    path = tmp_path / "batch.parquet"
    shards.write(path, shards.to_table(sample(), "1.0+abc"))
    table = shards.read(path)
    assert shards.version_of(table) == "1.0+abc"
    assert [p.name for p in tmp_path.iterdir()] == ["batch.parquet"]  # no partial file left
    back, written = shards.from_table(table), sample()
    for got, want in zip(back, written, strict=True):
        assert (got.page_id, got.outcome, got.reason) == (want.page_id, want.outcome, want.reason)
        assert got.mentions == want.mentions and got.passages == want.passages and got.candidates == want.candidates
        assert [(e.text_hash, e.model_id, e.vector.tolist()) for e in got.embeddings] == \
            [(e.text_hash, e.model_id, e.vector.tolist()) for e in want.embeddings]
    article = back[0].article
    assert article == sample()[0].article  # same instant, however the zone is written
    assert article.published_at.utcoffset() == timedelta(0) and article.minhash == b"\x00\x01\xff"
    assert back[1].article is None


def test_a_parquet_file_that_is_no_shard_is_refused(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"x": [1]}), tmp_path / "other.parquet")
    with pytest.raises(shards.ShardError, match="not a shard"):
        shards.version_of(shards.read(tmp_path / "other.parquet"))

"""What the process stage made of a batch of pages, as one Parquet file (a shard).

Shards carry analysis results from machines that cannot write the warehouse
to the one process that does: one row per page, its article and its lists of
mentions, passages, embeddings and candidate names nested in it. The
``nlp_version`` the pages were analysed at travels in the file's metadata, so
the writer never loads a shard made by other code or other data files.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from warehouse.records import (
    ArticleRecord,
    CandidateRecord,
    EmbeddingRecord,
    MentionRecord,
    PassageRecord,
    ProcessedPage,
)

VERSION_KEY = b"veille.nlp_version"

_ARTICLE = pa.struct([
    ("article_id", pa.string()), ("url", pa.string()), ("source", pa.string()), ("title", pa.string()),
    ("author", pa.string()), ("site_name", pa.string()), ("language", pa.string()), ("script", pa.string()),
    ("published_at", pa.timestamp("us", tz="UTC")), ("fetched_at", pa.timestamp("us", tz="UTC")),
    ("text", pa.string()), ("word_count", pa.int32()),
    # float32 as in the warehouse's own columns: a shard loads to the very values a local run stores.
    ("relevance", pa.float32()), ("relevant", pa.bool_()), ("minhash", pa.binary()),
    ("relevance_evidence", pa.string()), ("published_offset", pa.int16()),
])
_MENTION = pa.struct([
    ("article_id", pa.string()), ("entity_id", pa.string()), ("surface", pa.string()), ("start_char", pa.int32()),
    ("end_char", pa.int32()), ("method", pa.string()), ("score", pa.float32()), ("sentence", pa.string()),
])
_PASSAGE = pa.struct([
    ("passage_id", pa.string()), ("article_id", pa.string()), ("ordinal", pa.int32()), ("language", pa.string()),
    ("text", pa.string()), ("text_hash", pa.string()), ("start_char", pa.int32()), ("end_char", pa.int32()),
])
_EMBEDDING = pa.struct([("text_hash", pa.string()), ("model_id", pa.string()), ("vector", pa.list_(pa.float32()))])
_CANDIDATE = pa.struct([
    ("article_id", pa.string()), ("name", pa.string()), ("surface", pa.string()), ("language", pa.string()),
    ("start_char", pa.int32()), ("end_char", pa.int32()), ("sentence", pa.string()),
])
SCHEMA = pa.schema([
    ("page_id", pa.string()), ("outcome", pa.string()), ("reason", pa.string()), ("article", _ARTICLE),
    ("mentions", pa.list_(_MENTION)), ("passages", pa.list_(_PASSAGE)), ("embeddings", pa.list_(_EMBEDDING)),
    ("candidates", pa.list_(_CANDIDATE)),
])


class ShardError(ValueError):
    """A file in the shard folder that is not a shard of this version."""


def to_table(results: Sequence[ProcessedPage], nlp_version: str) -> pa.Table:
    rows = []
    for result in results:
        row = asdict(result)
        row["embeddings"] = [
            {"text_hash": e.text_hash, "model_id": e.model_id, "vector": np.asarray(e.vector, np.float32).tolist()}
            for e in result.embeddings
        ]
        rows.append(row)
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    return table.replace_schema_metadata({VERSION_KEY: nlp_version.encode()})


def from_table(table: pa.Table) -> list[ProcessedPage]:
    return [
        ProcessedPage(
            row["page_id"], row["outcome"], row["reason"],
            ArticleRecord(**row["article"]) if row["article"] is not None else None,
            [MentionRecord(**m) for m in row["mentions"]],
            [PassageRecord(**p) for p in row["passages"]],
            [EmbeddingRecord(e["text_hash"], e["model_id"], np.asarray(e["vector"], np.float32))
             for e in row["embeddings"]],
            [CandidateRecord(**c) for c in row["candidates"]],
        )
        for row in table.to_pylist()
    ]


def version_of(table: pa.Table) -> str:
    metadata = table.schema.metadata or {}
    if VERSION_KEY not in metadata:
        raise ShardError("not a shard of processed pages (no nlp_version in its metadata)")
    return metadata[VERSION_KEY].decode()


def write(path: Path, table: pa.Table) -> None:
    """Write whole or not at all: a file under its final name is always complete."""
    partial = path.with_name(path.name + ".partial")
    pq.write_table(table, partial, compression="zstd")
    os.replace(partial, path)


def read(path: Path) -> pa.Table:
    return pq.read_table(path)

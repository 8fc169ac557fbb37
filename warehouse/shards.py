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
from pathlib import Path
from typing import Any

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
from warehouse.rows import VECTOR, columns, from_row, schema

VERSION_KEY = b"veille.nlp_version"



def _struct(record: type) -> pa.StructType:
    """A record as a nested Arrow value, typed as its declaration stores it."""
    return pa.struct(list(schema(record)))


SCHEMA = pa.schema([
    ("page_id", pa.string()), ("outcome", pa.string()), ("reason", pa.string()), ("article", _struct(ArticleRecord)),
    ("mentions", pa.list_(_struct(MentionRecord))), ("passages", pa.list_(_struct(PassageRecord))),
    ("embeddings", pa.list_(_struct(EmbeddingRecord))), ("candidates", pa.list_(_struct(CandidateRecord))),
])


def _encoded(record: object) -> dict[str, Any]:
    """A record's values as its declaration stores them (JSON as text, vectors as lists of floats)."""
    values = {}
    kind: type = type(record)
    for f in columns(kind):
        value = getattr(record, f.name)
        if value is not None and f.column is VECTOR:
            value = np.asarray(value, np.float32).tolist()
        elif value is not None and f.column.encode is not None:
            value = f.column.encode(value)
        values[f.name] = value
    return values


class ShardError(ValueError):
    """A file in the shard folder that is not a shard of this version."""


def to_table(results: Sequence[ProcessedPage], nlp_version: str) -> pa.Table:
    rows = [
        {"page_id": r.page_id, "outcome": r.outcome, "reason": r.reason,
         "article": _encoded(r.article) if r.article is not None else None,
         "mentions": [_encoded(m) for m in r.mentions], "passages": [_encoded(p) for p in r.passages],
         "embeddings": [_encoded(e) for e in r.embeddings], "candidates": [_encoded(c) for c in r.candidates]}
        for r in results
    ]
    table = pa.Table.from_pylist(rows, schema=SCHEMA)
    return table.replace_schema_metadata({VERSION_KEY: nlp_version.encode()})


def from_table(table: pa.Table) -> list[ProcessedPage]:
    return [
        ProcessedPage(
            row["page_id"], row["outcome"], row["reason"],
            from_row(ArticleRecord, row["article"]) if row["article"] is not None else None,
            [from_row(MentionRecord, m) for m in row["mentions"]],
            [from_row(PassageRecord, p) for p in row["passages"]],
            [from_row(EmbeddingRecord, e) for e in row["embeddings"]],
            [from_row(CandidateRecord, c) for c in row["candidates"]],
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

"""Passage vectors kept as files next to the warehouse, for search by meaning.

Reading 300,000 vectors row by row out of DuckDB takes seconds; a float32
matrix saved with numpy is memory-mapped in milliseconds. The stage that
writes passages writes, for one encoder, four files under ``<db>.vectors/``
named by a fresh token: the matrix (one unit vector per row), and the
passage ids, languages and sources of its rows. The token is recorded in the
``vector_files`` table in the same transaction as the summaries, so a reader
finds the files that match the rows it sees; files of older tokens are removed
once the new token is committed (a reader that mapped them keeps its mapping).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.sqlfiles import query

PARTS = ("vectors", "ids", "languages", "sources")


def folder(db: Path) -> Path:
    return db.with_name(db.name + ".vectors")


@dataclass(frozen=True)
class PassageVectors:
    token: str
    ids: np.ndarray
    languages: np.ndarray
    sources: np.ndarray
    matrix: np.ndarray


def _path(db: Path, token: str, part: str) -> Path:
    return folder(db) / f"{token}.{part}.npy"


def from_arrow(table: pa.Table, token: str) -> PassageVectors:
    """The rows of ``web_passage_vectors`` as arrays."""
    chunks = [chunk.flatten().to_numpy(zero_copy_only=False) for chunk in table.column("vector").chunks]
    values = np.concatenate(chunks).astype(np.float32, copy=False) if chunks else np.zeros(0, np.float32)
    matrix = values.reshape(len(table), -1) if len(table) else np.zeros((0, 1), dtype=np.float32)
    ids, languages, sources = (np.asarray(table.column(name).to_pylist(), dtype=str)
                               for name in ("passage_id", "language", "source"))
    return PassageVectors(token, ids, languages, sources, matrix)


def write(connection: duckdb.DuckDBPyConnection, db: Path, model_id: str) -> str:
    """Save one encoder's passage vectors as files and record their token in ``vector_files``."""
    table = connection.sql(query("web_passage_vectors"), params={"model_id": model_id}).to_arrow_table()
    vectors = from_arrow(table, secrets.token_hex(8))
    folder(db).mkdir(exist_ok=True)
    for name, array in zip(PARTS, (vectors.matrix, vectors.ids, vectors.languages, vectors.sources)):
        np.save(_path(db, vectors.token, name), array, allow_pickle=False)
    connection.execute(query("vector_file_put"),
                       {"model_id": model_id, "token": vectors.token, "passages": len(table)})
    return vectors.token


def remove_others(db: Path, keep: set[str]) -> None:
    """Delete the files of tokens no longer recorded."""
    for path in folder(db).glob("*.npy"):
        if path.name.split(".", 1)[0] not in keep:
            path.unlink(missing_ok=True)


def load(db: Path, token: str) -> PassageVectors | None:
    """The recorded files of ``token``, the matrix memory-mapped; None when they are missing."""
    try:
        arrays = {name: np.load(_path(db, token, name), mmap_mode="r" if name == "vectors" else None,
                                allow_pickle=False) for name in PARTS}
    except FileNotFoundError:
        return None
    return PassageVectors(token, arrays["ids"], arrays["languages"], arrays["sources"], arrays["vectors"])

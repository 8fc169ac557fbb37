"""The typed read/write API of the warehouse: the only code that writes to it.

Rows travel to DuckDB as Arrow tables (one bulk insert per table and batch,
never row by row), and every batch is one transaction: a killed process leaves
either the whole batch or nothing.
"""

from __future__ import annotations

import hashlib
import json
import secrets
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.db import DEFAULT_LOCK_TIMEOUT, migrate, read_connection, write_transaction
from warehouse.records import (
    ClusterRecord,
    EmbeddingRecord,
    PageRecord,
    PassageForClustering,
    PassageStance,
    ProcessedPage,
    SourceAttempt,
    StoryRow,
)
from warehouse.sqlfiles import query

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
DOCUMENT_HASH_PREFIX = "doc:"
"""Key prefix of an article's document embedding in ``embeddings``."""


def page_id_for(url: str) -> str:
    """A stable id for a normalised URL (also the article id)."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _vectors(vectors: Iterable[np.ndarray]) -> pa.Array:
    """Vectors as an Arrow list column, built from one flat numpy buffer (no Python floats)."""
    rows = [np.asarray(v, dtype=np.float32).ravel() for v in vectors]
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int32, count=len(rows))
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    values = np.concatenate(rows) if rows else np.zeros(0, dtype=np.float32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.float32()))


def _matrix(column: pa.ChunkedArray) -> np.ndarray:
    """A list column of equally long float vectors as one (rows, dimension) float32 array."""
    if len(column) == 0:
        return np.zeros((0, 0), dtype=np.float32)
    values = column.combine_chunks().flatten().to_numpy(zero_copy_only=False)
    return np.asarray(values, dtype=np.float32).reshape(len(column), -1)


def _insert(connection: duckdb.DuckDBPyConnection, sql_name: str, rows: pa.Table, view: str = "incoming") -> None:
    if rows.num_rows == 0:
        return
    connection.register(view, rows)
    connection.execute(query(sql_name))
    connection.unregister(view)


class Store:
    """Reads and writes one warehouse file, holding it only for one batch at a time."""

    def __init__(self, path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = path
        self.lock_timeout = lock_timeout

    # -- set-up ---------------------------------------------------------------

    def migrate(self) -> list[str]:
        return migrate(self.path, lock_timeout=self.lock_timeout)

    def _write(self):
        return write_transaction(self.path, lock_timeout=self.lock_timeout)

    def _read(self):
        return read_connection(self.path, lock_timeout=self.lock_timeout)

    # -- crawl ----------------------------------------------------------------

    def start_crawl_run(self, sources: Sequence[str]) -> str:
        run_id = f"{_now():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        with self._write() as connection:
            connection.execute(query("crawl_runs_mark_interrupted"), [run_id])
            connection.execute(query("crawl_run_start"), [run_id, _now(), list(sources)])
        return run_id

    def finish_crawl_run(self, run_id: str, status: str) -> None:
        with self._write() as connection:
            connection.execute(query("crawl_run_finish"), {"run_id": run_id, "finished_at": _now(), "status": status})

    def add_crawl_counts(self, run_id: str, counts: dict[tuple[str, str], int]) -> None:
        rows = pa.Table.from_pylist(
            [
                {"run_id": run_id, "source": source, "outcome": outcome, "count": count}
                for (source, outcome), count in sorted(counts.items())
            ],
            schema=pa.schema(
                [("run_id", pa.string()), ("source", pa.string()), ("outcome", pa.string()), ("count", pa.int32())]
            ),
        )
        with self._write() as connection:
            _insert(connection, "crawl_run_add_counts", rows)

    def update_source_health(self, run_id: str, attempts: Sequence[SourceAttempt]) -> None:
        """Merge how each source fared in a crawl run into its health record."""
        rows = pa.Table.from_pylist(
            [{"source": a.source, "run_id": run_id, "attempted_at": _now(), "succeeded": a.succeeded,
              "error": a.error} for a in attempts],
            schema=pa.schema([("source", pa.string()), ("run_id", pa.string()),
                              ("attempted_at", pa.timestamp("us", tz="UTC")), ("succeeded", pa.bool_()),
                              ("error", pa.string())]),
        )
        with self._write() as connection:
            _insert(connection, "source_health_update", rows)

    # -- jobs -----------------------------------------------------------------

    def start_job_run(self, job: str) -> str:
        run_id = f"{job}-{_now():%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        with self._write() as connection:
            connection.execute(query("job_run_start"), {"run_id": run_id, "job": job, "started_at": _now()})
        return run_id

    def mark_interrupted_job_runs(self, job: str, current_run_id: str) -> None:
        with self._write() as connection:
            connection.execute(query("job_runs_mark_interrupted"), {"job": job, "run_id": current_run_id})

    def finish_job_run(self, run_id: str, outcome: str, summary: str) -> None:
        with self._write() as connection:
            connection.execute(query("job_run_finish"), {"run_id": run_id, "finished_at": _now(), "outcome": outcome,
                                                         "summary": summary})

    def known_urls(self) -> set[str]:
        with self._read() as connection:
            return {row[0] for row in connection.execute(query("known_urls")).fetchall()}

    def fetch_states(self) -> dict[str, tuple[str | None, str | None]]:
        with self._read() as connection:
            rows = connection.execute(query("fetch_state_get")).fetchall()
        return {url: (etag, modified) for url, etag, modified in rows}

    def save_fetch_states(self, states: dict[str, tuple[str | None, str | None]]) -> None:
        now = _now()
        rows = pa.Table.from_pylist(
            [
                {"url": url, "etag": etag, "last_modified": modified, "fetched_at": now}
                for url, (etag, modified) in states.items()
            ]
        )
        with self._write() as connection:
            _insert(connection, "fetch_state_put", rows)

    def save_pages(self, pages: Sequence[PageRecord]) -> None:
        """Store raw responses; a page with the same URL is replaced."""
        with self._write() as connection:
            _insert(connection, "insert_pages", _page_rows(pages))

    # -- backfill -------------------------------------------------------------

    def backfill_file(self, file_name: str) -> dict[str, Any] | None:
        """How far an archive file has been read, or None if it never was."""
        rows = self.fetch("backfill_file_get", {"file_name": file_name})
        return rows[0] if rows else None

    def known_page_ids(self, page_ids: Iterable[str]) -> set[str]:
        with self._read() as connection:
            rows = connection.execute(query("known_page_ids"), {"ids": list(page_ids)}).fetchall()
        return {row[0] for row in rows}

    def save_backfill_batch(self, pages: Sequence[PageRecord], progress: dict[str, Any]) -> None:
        """Store pages read from an archive together with how far it has been read, in one transaction."""
        rows = pa.Table.from_pylist([{**progress, "updated_at": _now()}], schema=_BACKFILL_SCHEMA)
        with self._write() as connection:
            _insert(connection, "insert_pages", _page_rows(pages))
            _insert(connection, "backfill_file_put", rows, view="incoming_progress")

    # -- process --------------------------------------------------------------

    def replace_entities(self, entities: Sequence[dict[str, Any]], aliases: Sequence[dict[str, Any]]) -> None:
        """Load the knowledge base (it is data; the warehouse keeps a copy for SQL)."""
        with self._write() as connection:
            connection.register("incoming_entities", pa.Table.from_pylist(list(entities), schema=_ENTITY_SCHEMA))
            connection.register("incoming_aliases", pa.Table.from_pylist(list(aliases), schema=_ALIAS_SCHEMA))
            connection.execute(query("replace_entities"))

    def count_pages_to_process(self, nlp_version: str, since: datetime = EPOCH) -> int:
        with self._read() as connection:
            return connection.execute(
                query("count_pages_to_process"), {"version": nlp_version, "since": since}
            ).fetchone()[0]

    def page_ids_to_process(self, nlp_version: str, since: datetime = EPOCH) -> list[str]:
        """Ids of the pages not yet processed at ``nlp_version`` (or, when reprocessing, before ``since``)."""
        with self._read() as connection:
            rows = connection.execute(query("page_ids_to_process"), {"version": nlp_version, "since": since})
            return [row[0] for row in rows.fetchall()]

    def pages(self, page_ids: Sequence[str]) -> list[PageRecord]:
        """The stored pages with these ids, bodies decompressed."""
        with self._read() as connection:
            cursor = connection.execute(query("pages_by_id"), {"ids": list(page_ids)})
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
        return [
            PageRecord(
                **{**row, "body": zlib.decompress(row["body"]), "headers": json.loads(row["headers"] or "{}")}
            )
            for row in rows
        ]

    def save_processed(self, results: Sequence[ProcessedPage], nlp_version: str) -> None:
        """Replace everything derived from these pages, in one transaction."""
        now = _now()
        ids = pa.table({"page_id": [r.page_id for r in results]})
        outcomes = pa.Table.from_pylist(
            [
                {"page_id": r.page_id, "nlp_version": nlp_version, "outcome": r.outcome,
                 "reason": r.reason, "processed_at": now}
                for r in results
            ]
        )
        articles = [
            {**asdict(r.article), "nlp_version": nlp_version, "processed_at": now, "story_id": r.article.article_id}
            for r in results
            if r.article is not None
        ]
        mentions = [asdict(m) for r in results for m in r.mentions]
        passages = [asdict(p) for r in results for p in r.passages]
        embeddings = [e for r in results for e in r.embeddings]
        candidates = [asdict(c) for r in results for c in r.candidates]
        with self._write() as connection:
            connection.register("batch_ids", ids)
            connection.execute(query("delete_article_outputs"))
            connection.execute(query("delete_entity_candidates"))
            connection.unregister("batch_ids")
            _insert(connection, "insert_page_outcomes", outcomes)
            if articles:
                _insert(connection, "insert_articles", pa.Table.from_pylist(articles, schema=_ARTICLE_SCHEMA))
            if mentions:
                _insert(connection, "insert_mentions", pa.Table.from_pylist(mentions, schema=_MENTION_SCHEMA))
            if candidates:
                _insert(connection, "insert_entity_candidates", pa.Table.from_pylist(candidates))
            if passages:
                _insert(connection, "insert_passages", pa.Table.from_pylist(passages))
            self._insert_embeddings(connection, embeddings)

    @staticmethod
    def _insert_embeddings(connection: duckdb.DuckDBPyConnection, embeddings: Sequence[EmbeddingRecord]) -> None:
        if not embeddings:
            return
        rows = pa.table(
            {
                "text_hash": [e.text_hash for e in embeddings],
                "model_id": [e.model_id for e in embeddings],
                "vector": _vectors(e.vector for e in embeddings),
            }
        )
        _insert(connection, "insert_embeddings", rows)

    def embeddings(self, hashes: Iterable[str], model_id: str) -> dict[str, np.ndarray]:
        """Stored embeddings of these text hashes for one model."""
        wanted = pa.table({"text_hash": sorted(set(hashes))})
        if wanted.num_rows == 0:
            return {}
        with self._read() as connection:
            connection.register("wanted", wanted)
            rows = connection.execute(query("embeddings_get"), {"model_id": model_id}).fetchall()
        return {h: np.asarray(v, dtype=np.float32) for h, v in rows}

    def embedding_hashes(self, model_id: str) -> set[str]:
        """Hashes of the passage texts already embedded with this model."""
        with self._read() as connection:
            rows = connection.execute(query("embedding_hashes"), {"model_id": model_id}).fetchall()
        return {row[0] for row in rows}

    def save_embeddings(self, embeddings: Sequence[EmbeddingRecord]) -> None:
        with self._write() as connection:
            self._insert_embeddings(connection, embeddings)

    def story_inputs(self, model_id: str) -> list[StoryRow]:
        with self._read() as connection:
            rows = connection.execute(
                query("story_inputs"), {"model_id": model_id, "prefix": DOCUMENT_HASH_PREFIX}
            ).fetchall()
        return [
            StoryRow(
                article_id=article_id,
                language=language,
                published_at=published_at,
                text=text,
                vector=None if vector is None else np.asarray(vector, dtype=np.float32),
                entity_ids=frozenset(entity_ids),
                signature=minhash,
            )
            for article_id, language, published_at, text, vector, entity_ids, minhash in rows
        ]

    def save_story_ids(self, story_ids: dict[str, str]) -> None:
        rows = pa.table({"article_id": list(story_ids), "story_id": list(story_ids.values())})
        with self._write() as connection:
            _insert(connection, "update_story_ids", rows)

    # -- cluster --------------------------------------------------------------

    def clusters(self, model_id: str) -> list[ClusterRecord]:
        with self._read() as connection:
            cursor = connection.execute(query("clusters_get"), {"model_id": model_id})
            columns = [d[0] for d in cursor.description]
            rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
        return [
            ClusterRecord(
                **{
                    **row,
                    "labels": json.loads(row["labels"]),
                    "keywords": json.loads(row["keywords"] or "{}"),
                    "representatives": json.loads(row["representatives"] or "[]"),
                    "centroid": np.asarray(row["centroid"], dtype=np.float32),
                }
            )
            for row in rows
        ]

    def passages_to_cluster(self, model_id: str, waiting_since: datetime = EPOCH) -> list[PassageForClustering]:
        """Passages never placed with this model, and those still waiting whose article was
        processed since ``waiting_since`` (older ones stop being read back every run)."""
        with self._read() as connection:
            rows = connection.sql(
                query("passages_unclustered"), params={"model_id": model_id, "waiting_since": waiting_since}
            ).to_arrow_table()
        vectors = _matrix(rows["vector"])
        columns = {
            name: rows[name].to_pylist()
            for name in ("passage_id", "article_id", "language", "text", "story_id", "seen")
        }
        return [
            PassageForClustering(passage_id, article_id, language, text, vector, story_id, seen)
            for passage_id, article_id, language, text, vector, story_id, seen in zip(
                columns["passage_id"], columns["article_id"], columns["language"], columns["text"], vectors,
                columns["story_id"], columns["seen"],
            )
        ]

    def save_clustering(
        self, clusters: Sequence[ClusterRecord], stances: Sequence[PassageStance], model_id: str
    ) -> None:
        """Store clusters and passage assignments, then rebuild ``article_stances``."""
        now = _now()
        cluster_rows = pa.table(
            {
                "cluster_id": [c.cluster_id for c in clusters],
                "label": [c.label for c in clusters],
                "kind": [c.kind for c in clusters],
                "polarity": pa.array([c.polarity for c in clusters], type=pa.string()),
                "labels": [json.dumps(c.labels, ensure_ascii=False) for c in clusters],
                "keywords": [json.dumps(c.keywords, ensure_ascii=False) for c in clusters],
                "representatives": [json.dumps(c.representatives, ensure_ascii=False) for c in clusters],
                "model_id": [c.model_id for c in clusters],
                "centroid": _vectors(c.centroid for c in clusters),
                "size": pa.array([c.size for c in clusters], type=pa.int32()),
                "created_at": pa.array([now] * len(clusters), type=pa.timestamp("us", tz="UTC")),
                "updated_at": pa.array([now] * len(clusters), type=pa.timestamp("us", tz="UTC")),
            }
        )
        stance_rows = pa.table(
            {
                "passage_id": [s.passage_id for s in stances],
                "cluster_id": pa.array([s.cluster_id for s in stances], type=pa.string()),
                "score": pa.array([s.score for s in stances], type=pa.float32()),
                "polarity": pa.array([s.polarity for s in stances], type=pa.string()),
                "model_id": [model_id] * len(stances),
                "decision": pa.array([s.decision for s in stances], type=pa.string()),
            }
        )
        with self._write() as connection:
            connection.register("incoming_clusters", cluster_rows)
            connection.register("incoming_stances", stance_rows)
            connection.execute(query("save_clusters"))
            connection.execute(query("rebuild_article_stances"), {"model_id": model_id})

    # -- reading --------------------------------------------------------------

    def fetch(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of the named query in ``warehouse/sql/queries`` as dictionaries."""
        with self._read() as connection:
            cursor = connection.execute(query(name), params or {})
            columns = [d[0] for d in cursor.description]
            return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def entity_candidates(self, min_count: int = 1) -> list[dict[str, Any]]:
        """Names the knowledge base lacks, seen in at least ``min_count`` articles, most seen first."""
        return self.fetch("entity_candidates", {"min_count": min_count})

    def scalar(self, name: str, params: dict[str, Any] | None = None) -> Any:
        with self._read() as connection:
            row = connection.execute(query(name), params or {}).fetchone()
        return row[0] if row else None


def _page_rows(pages: Sequence[PageRecord]) -> pa.Table:
    return pa.Table.from_pylist(
        [
            {
                "page_id": page.page_id,
                "url": page.url,
                "final_url": page.final_url,
                "source": page.source,
                "status": page.status,
                "content_type": page.content_type,
                "charset": page.charset,
                "headers": json.dumps(page.headers, ensure_ascii=False),
                "body": zlib.compress(page.body, 6),
                "body_sha256": hashlib.sha256(page.body).hexdigest(),
                "fetched_at": page.fetched_at,
                "run_id": page.run_id,
                "origin": page.origin,
                "hint_language": page.hint_language,
                "hint_title": page.hint_title,
                "hint_published": page.hint_published,
                "hint_published_offset": page.hint_published_offset,
            }
            for page in pages
        ],
        schema=_PAGE_SCHEMA,
    )


_BACKFILL_SCHEMA = pa.schema(
    [("file_name", pa.string()), ("path", pa.string()), ("size", pa.int64()), ("next_offset", pa.int64()),
     ("records", pa.int64()), ("responses", pa.int64()), ("kept", pa.int64()), ("stored", pa.int64()),
     ("damaged", pa.int64()), ("done", pa.bool_()), ("updated_at", pa.timestamp("us", tz="UTC"))]
)

_MENTION_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("entity_id", pa.string()),
        ("surface", pa.string()),
        ("start_char", pa.int32()),
        ("end_char", pa.int32()),
        ("method", pa.string()),
        ("score", pa.float32()),
        ("sentence", pa.string()),
    ]
)
_PAGE_SCHEMA = pa.schema(
    [
        ("page_id", pa.string()),
        ("url", pa.string()),
        ("final_url", pa.string()),
        ("source", pa.string()),
        ("status", pa.int16()),
        ("content_type", pa.string()),
        ("charset", pa.string()),
        ("headers", pa.string()),
        ("body", pa.binary()),
        ("body_sha256", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("run_id", pa.string()),
        ("origin", pa.string()),
        ("hint_language", pa.string()),
        ("hint_title", pa.string()),
        ("hint_published", pa.timestamp("us", tz="UTC")),
        ("hint_published_offset", pa.int16()),
    ]
)

_ENTITY_SCHEMA = pa.schema(
    [
        ("entity_id", pa.string()),
        ("kind", pa.string()),
        ("name", pa.string()),
        ("parent_id", pa.string()),
        ("lab_id", pa.string()),
        ("country", pa.string()),
        ("openness", pa.string()),
        ("license", pa.string()),
    ]
)

_ALIAS_SCHEMA = pa.schema([("entity_id", pa.string()), ("alias", pa.string()), ("language", pa.string())])

_ARTICLE_SCHEMA = pa.schema(
    [
        ("article_id", pa.string()),
        ("url", pa.string()),
        ("source", pa.string()),
        ("title", pa.string()),
        ("author", pa.string()),
        ("site_name", pa.string()),
        ("language", pa.string()),
        ("script", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
        ("text", pa.string()),
        ("word_count", pa.int32()),
        ("relevance", pa.float32()),
        ("relevant", pa.bool_()),
        ("minhash", pa.binary()),
        ("relevance_evidence", pa.string()),
        ("published_offset", pa.int16()),
        ("story_id", pa.string()),
        ("nlp_version", pa.string()),
        ("processed_at", pa.timestamp("us", tz="UTC")),
    ]
)

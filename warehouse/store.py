"""The typed read/write API of the warehouse: the only code that writes to it.

Rows travel to DuckDB as Arrow tables (one bulk insert per table and batch,
never row by row), and every batch is one transaction: a killed process leaves
either the whole batch or nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from warehouse import vectorfiles
from warehouse.db import (
    DEFAULT_LOCK_TIMEOUT, migrate, migrate_open, open_for_writing, read_connection, transaction, write_transaction,
)
from warehouse.records import (
    BackfillFile,
    AliasRecord,
    ArticleRecord,
    CandidateRecord,
    ClusterRecord,
    CrawlCount,
    EmbeddingRecord,
    EntityRecord,
    FetchState,
    MentionRecord,
    PageOutcome,
    PageRecord,
    PassageForClustering,
    PassageRecord,
    PassageStance,
    ProcessedPage,
    SourceAttempt,
    StepRecord,
    StoryRow,
)
from warehouse.rows import build, from_row, to_arrow
from warehouse.sqlfiles import query

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
REDONE_STEPS = ("link", "relevance", "passages")
"""The process steps that can be redone over a stored article, in order."""
DOCUMENT_HASH_PREFIX = "doc:"
"""Key prefix of an article's document embedding in ``embeddings``."""


def page_id_for(url: str) -> str:
    """A stable id for a normalised URL (also the article id)."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:16]


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


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
    """Reads and writes one warehouse file, holding it only for one batch at a time.

    Each call opens the file and closes it, except inside ``held()``: opening
    DuckDB costs some 25 ms of CPU (a new database instance each time), and a
    one-page ``veille ingest`` made 17 calls. A stage wraps the calls it makes
    in a row, with no analysis between them, in one ``held()`` block: one open.
    """

    def __init__(self, path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.path = path
        self.lock_timeout = lock_timeout
        self._held: duckdb.DuckDBPyConnection | None = None

    # -- set-up ---------------------------------------------------------------

    @contextmanager
    def held(self) -> Iterator[None]:
        """Keep one connection (that may write) for every call inside the block, each write
        still its own transaction. The file stays locked for the whole block, so it must not
        span long work; no other Store of the same file may open it meanwhile."""
        if self._held is not None:
            yield
            return
        self._held = open_for_writing(self.path, lock_timeout=self.lock_timeout)
        try:
            yield
        finally:
            connection, self._held = self._held, None
            connection.close()

    def migrate(self) -> list[str]:
        if self._held is not None:
            return migrate_open(self._held)
        return migrate(self.path, lock_timeout=self.lock_timeout)

    def _write(self):
        if self._held is not None:
            return transaction(self._held)
        return write_transaction(self.path, lock_timeout=self.lock_timeout)

    def _read(self):
        if self._held is not None:
            return nullcontext(self._held)
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
        rows = to_arrow(CrawlCount, [CrawlCount(run_id, source, outcome, count)
                                     for (source, outcome), count in sorted(counts.items())])
        with self._write() as connection:
            _insert(connection, "crawl_run_add_counts", rows)

    def update_source_health(self, run_id: str, attempts: Sequence[SourceAttempt]) -> None:
        """Merge how each source fared in a crawl run into its health record."""
        now = _now()
        rows = to_arrow(SourceAttempt, [replace(a, run_id=run_id, attempted_at=now) for a in attempts])
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
        rows = to_arrow(FetchState, [FetchState(url, etag, modified, now) for url, (etag, modified) in states.items()])
        with self._write() as connection:
            _insert(connection, "fetch_state_put", rows)

    def save_pages(self, pages: Sequence[PageRecord]) -> None:
        """Store raw responses; a page with the same URL is replaced."""
        rows = to_arrow(PageRecord, pages)
        with self._write() as connection:
            _insert(connection, "insert_pages", rows)

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
        rows = to_arrow(BackfillFile, [BackfillFile(**progress, updated_at=_now())])
        with self._write() as connection:
            _insert(connection, "insert_pages", to_arrow(PageRecord, pages))
            _insert(connection, "backfill_file_put", rows, view="incoming_progress")

    # -- process --------------------------------------------------------------

    def replace_entities(self, entities: Sequence[EntityRecord], aliases: Sequence[AliasRecord]) -> None:
        """Load the knowledge base (it is data; the warehouse keeps a copy for SQL)."""
        with self._write() as connection:
            connection.register("incoming_entities", to_arrow(EntityRecord, entities))
            connection.register("incoming_aliases", to_arrow(AliasRecord, aliases))
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
        return [from_row(PageRecord, row) for row in self.page_rows(page_ids)]

    def page_rows(self, page_ids: Sequence[str]) -> list[dict[str, Any]]:
        """The stored pages with these ids as stored, bodies still compressed.

        For a reader that hands pages to other processes: a compressed body is a
        fifth of the size to send, and ``from_row(PageRecord, row)`` decodes it
        where the page is worked on.
        """
        with self._read() as connection:
            cursor = connection.execute(query("pages_by_id"), {"ids": list(page_ids)})
            columns = [d[0] for d in cursor.description]
            return [dict(zip(columns, row)) for row in cursor.fetchall()]

    def step_plan(self, versions: dict[str, str], since: datetime = EPOCH) -> list[tuple[str, int, bool]]:
        """(page id, ordinal of its first step to redo, whether it holds an article) for each page
        with a step of ``versions`` (in order, extraction first) to redo."""
        current = pa.table({"step": list(versions), "version": list(versions.values()),
                            "ordinal": list(range(len(versions)))})
        with self._read() as connection:
            connection.register("current_steps", current)
            rows = connection.execute(query("step_plan"), {"since": since}).fetchall()
        return [(page_id, first, article) for page_id, first, article in rows]

    def articles(self, article_ids: Sequence[str]) -> list[ArticleRecord]:
        with self._read() as connection:
            cursor = connection.execute(query("articles_by_id"), {"ids": list(article_ids)})
            columns = [d[0] for d in cursor.description]
            return [from_row(ArticleRecord, dict(zip(columns, row))) for row in cursor.fetchall()]

    def mentions(self, article_ids: Sequence[str]) -> dict[str, list[MentionRecord]]:
        """The stored mentions of these articles, by article, in text order."""
        found: dict[str, list[MentionRecord]] = {article_id: [] for article_id in article_ids}
        with self._read() as connection:
            cursor = connection.execute(query("mentions_by_article"), {"ids": list(article_ids)})
            columns = [d[0] for d in cursor.description]
            for row in cursor.fetchall():
                mention = from_row(MentionRecord, dict(zip(columns, row)))
                found[mention.article_id].append(mention)
        return found

    def candidates(self, article_ids: Sequence[str]) -> dict[str, list[CandidateRecord]]:
        """The stored candidate names of these articles, by article, in text order."""
        found: dict[str, list[CandidateRecord]] = {article_id: [] for article_id in article_ids}
        for row in self.fetch("candidates_by_article", {"ids": list(article_ids)}):
            found[row["article_id"]].append(from_row(CandidateRecord, row))
        return found

    def record_redone(self, article_ids: Sequence[str], start: str, versions: dict[str, str],
                      knowledge: str | None = None) -> None:
        """Record the steps from ``start`` on as done at ``versions`` for articles whose redoing
        gave what they hold already: nothing else is written, their stance decisions stay."""
        now = _now()
        records = [StepRecord(article_id, step, versions[step], now, knowledge if step == "link" else None)
                   for article_id in article_ids for step in REDONE_STEPS[REDONE_STEPS.index(start):]]
        with self._write() as connection:
            _insert(connection, "insert_page_steps", to_arrow(StepRecord, records))

    def save_redone(self, results: Sequence[ProcessedPage], start: str, versions: dict[str, str],
                    knowledge: str | None = None) -> None:
        """Store what the steps from ``start`` on (``link``, ``relevance`` or ``passages``) made anew
        of stored articles, in one transaction; what earlier steps stored stays as it is.
        ``knowledge`` is the fingerprint of the knowledge base linking read."""
        ids = pa.table({"page_id": [r.page_id for r in results]})
        redone = REDONE_STEPS[REDONE_STEPS.index(start):]
        now = _now()
        records = [StepRecord(r.page_id, step, versions[step], now, knowledge if step == "link" else None)
                   for r in results for step in redone]
        with self._write() as connection:
            connection.register("batch_ids", ids)
            if start == "link":
                connection.execute(query("delete_article_links"))
            connection.execute(query("delete_article_passages"))
            connection.unregister("batch_ids")
            if start == "link":
                mentions = [m for r in results for m in r.mentions]
                _insert(connection, "insert_mentions", to_arrow(MentionRecord, mentions))
                _insert(connection, "insert_entity_candidates",
                        to_arrow(CandidateRecord, [c for r in results for c in r.candidates]))
            if start in ("link", "relevance"):
                articles = [r.article for r in results if r.article is not None]
                _insert(connection, "update_article_relevance", to_arrow(ArticleRecord, articles))
            _insert(connection, "insert_passages", to_arrow(PassageRecord, [p for r in results for p in r.passages]))
            self._insert_embeddings(connection, [e for r in results for e in r.embeddings])
            _insert(connection, "insert_page_steps", to_arrow(StepRecord, records))

    def save_knowledge_base(self, fingerprint: str, content: str) -> None:
        """Keep the text of a knowledge base pages are linked with (once per fingerprint)."""
        with self._write() as connection:
            connection.execute(query("knowledge_base_put"),
                               {"fingerprint": fingerprint, "content": content, "saved_at": _now()})

    def knowledge_base(self, fingerprint: str) -> str | None:
        """The text of a knowledge base kept by ``save_knowledge_base``, if it still is."""
        with self._read() as connection:
            row = connection.execute(query("knowledge_base_get"), {"fingerprint": fingerprint}).fetchone()
        return row[0] if row else None

    def prune_knowledge_bases(self, fingerprint: str) -> None:
        """Forget the knowledge bases other than ``fingerprint`` that no page is linked with."""
        with self._write() as connection:
            connection.execute(query("knowledge_bases_prune"), {"fingerprint": fingerprint})

    def knowledge_stale(self, link_version: str, fingerprint: str) -> list[tuple[str, str | None]]:
        """(article id, fingerprint it was linked with) of the articles linked at ``link_version``
        but with another knowledge base than ``fingerprint``."""
        return [(row["page_id"], row["knowledge"])
                for row in self.fetch("knowledge_stale", {"version": link_version, "fingerprint": fingerprint})]

    def article_texts(self, article_ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """(article id, language, text) of these articles."""
        return [(row["article_id"], row["language"], row["text"])
                for row in self.fetch("article_texts", {"ids": list(article_ids)})]

    def linked_entities(self, article_ids: Sequence[str]) -> dict[str, set[str]]:
        """The entity ids each of these articles' stored mentions name (articles without any left out)."""
        return {row["article_id"]: set(row["entity_ids"])
                for row in self.fetch("linked_entities", {"ids": list(article_ids)})}

    def mark_knowledge(self, article_ids: Sequence[str], fingerprint: str) -> None:
        """Record these articles as linked with the knowledge base ``fingerprint``, without relinking them."""
        with self._write() as connection:
            connection.register("batch_ids", pa.table({"page_id": list(article_ids)}))
            connection.execute(query("mark_knowledge"), {"fingerprint": fingerprint})

    def stale_stance_articles(self, version: str) -> list[str]:
        """Articles with stance passages whose assignment is not recorded at ``version``."""
        return [row["article_id"] for row in self.fetch("stances_stale", {"version": version})]

    def reset_stances(self, article_ids: Sequence[str]) -> None:
        """Forget the stance decisions of these articles' passages: the cluster stage places them again."""
        with self._write() as connection:
            connection.register("batch_ids", pa.table({"page_id": list(article_ids)}))
            connection.execute(query("reset_stances"))

    def record_steps(self, page_ids: Sequence[str], step: str, version: str) -> None:
        now = _now()
        with self._write() as connection:
            _insert(connection, "insert_page_steps",
                    to_arrow(StepRecord, [StepRecord(page_id, step, version, now) for page_id in page_ids]))

    def save_processed(self, results: Sequence[ProcessedPage], nlp_version: str,
                       versions: dict[str, str] | None = None, knowledge: str | None = None) -> None:
        """Replace everything derived from these pages, in one transaction; ``versions`` are those
        of the process steps done (all of them for an article, extraction alone for a page without one),
        ``knowledge`` the fingerprint of the knowledge base linking read."""
        now = _now()
        steps = [
            StepRecord(r.page_id, step, version, now, knowledge if step == "link" else None)
            for r in results
            for step, version in (versions or {}).items()
            if r.article is not None or step == "extract"
        ]
        ids = pa.table({"page_id": [r.page_id for r in results]})
        outcomes = [build(PageOutcome, r, nlp_version=nlp_version, processed_at=now) for r in results]
        articles = [
            replace(r.article, nlp_version=nlp_version, processed_at=now, story_id=r.article.article_id)
            for r in results
            if r.article is not None
        ]
        mentions = [m for r in results for m in r.mentions]
        passages = [p for r in results for p in r.passages]
        embeddings = [e for r in results for e in r.embeddings]
        candidates = [c for r in results for c in r.candidates]
        with self._write() as connection:
            connection.register("batch_ids", ids)
            connection.execute(query("delete_article_outputs"))
            connection.execute(query("delete_entity_candidates"))
            connection.unregister("batch_ids")
            _insert(connection, "insert_page_outcomes", to_arrow(PageOutcome, outcomes))
            _insert(connection, "insert_articles", to_arrow(ArticleRecord, articles))
            _insert(connection, "insert_mentions", to_arrow(MentionRecord, mentions))
            _insert(connection, "insert_entity_candidates", to_arrow(CandidateRecord, candidates))
            _insert(connection, "insert_passages", to_arrow(PassageRecord, passages))
            self._insert_embeddings(connection, embeddings)
            _insert(connection, "insert_page_steps", to_arrow(StepRecord, steps))

    @staticmethod
    def _insert_embeddings(connection: duckdb.DuckDBPyConnection, embeddings: Sequence[EmbeddingRecord]) -> None:
        _insert(connection, "insert_embeddings", to_arrow(EmbeddingRecord, embeddings))

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
        return [from_row(ClusterRecord, row) for row in rows]

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
        cluster_rows = to_arrow(ClusterRecord, [replace(c, created_at=now, updated_at=now) for c in clusters])
        stance_rows = to_arrow(PassageStance, stances)
        with self._write() as connection:
            connection.register("incoming_clusters", cluster_rows)
            connection.register("incoming_stances", stance_rows)
            connection.execute(query("save_clusters"))
            connection.execute(query("rebuild_article_stances"), {"model_id": model_id})

    # -- summaries for the web app --------------------------------------------

    def refresh_summaries(self, model_id: str | None = None) -> None:
        """Rewrite the web app's summary tables; with ``model_id``, also its passage vector files.

        Called once at the end of each stage that writes articles, mentions,
        passages or stances, so the web app reads small tables instead of
        scanning the rows on every change of the file.
        """
        with self._write() as connection:
            connection.execute(query("refresh_summaries"))
            if model_id is not None:
                vectorfiles.write(connection, self.path, model_id)
        if model_id is not None:
            with self._read() as connection:
                tokens = {row[0] for row in connection.execute(query("vector_file_tokens")).fetchall()}
            vectorfiles.remove_others(self.path, tokens)

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

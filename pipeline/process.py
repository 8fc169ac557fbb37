"""The process stage: pages → articles, by step (see ``pipeline.steps``).

A page whose extraction is out of date (or never done) is processed whole.
An article whose extraction is current but a later step is not is taken up from
that step, reading what the steps before it stored: a new alias re-links the
stored article texts without reading a page again.

Workers (a process pool, one per core by default) extract and analyse pages;
the main process is the single writer, one transaction per batch. It loads no
model: it reads the next batch and writes the last one while the workers
analyse the current one, so the cores stay busy and memory stays flat (at most
two batches are in flight). A process killed mid-batch loses only that batch's
uncommitted work, and the next run takes it up again.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

from nlp.errors import ModelUnavailableError
from core.config import Config
from core.errors import VeilleError
from core.progress import Progress
from pipeline.analyse import Analyser, AnalyserSettings, require_models
from pipeline.steps import PROCESS_STEPS, current_versions
from warehouse.records import AliasRecord, EntityRecord, PageRecord, ProcessedPage
from warehouse.rows import build, from_row
from warehouse.store import DOCUMENT_HASH_PREFIX, EPOCH, Store

log = logging.getLogger("veille.process")

_worker: Analyser | None = None
_worker_failure: BaseException | None = None


@dataclass
class ProcessSummary:
    pages: int = 0
    articles: int = 0
    relevant: int = 0
    mentions: int = 0
    passages: int = 0
    stories: int = 0
    no_article: Counter = field(default_factory=Counter)
    redone: Counter = field(default_factory=Counter)
    """Stored articles taken up from a later step than extraction, by that step."""
    started: float = 0.0
    ended: float = 0.0
    written: list[tuple[float, int]] = field(default_factory=list)
    """(``time.perf_counter()`` when written, pages) for each batch written: where the time went."""

    def line(self) -> str:
        skipped = ", ".join(f"{reason} {n}" for reason, n in self.no_article.most_common()) or "none"
        line = (f"process: {self.pages} pages → {self.articles} articles ({self.relevant} relevant), "
                f"{self.mentions} mentions, {self.passages} stance passages, {self.stories} stories; "
                f"no article: {skipped}")
        if self.redone:
            line += "; redone from " + ", ".join(f"{step} {self.redone[step]}" for step in PROCESS_STEPS
                                                if self.redone[step])
        return line


def _init_worker(settings: AnalyserSettings, known_hashes: frozenset[str]) -> None:
    """Load the models once per worker; a failure is raised with the first page, in the main process."""
    global _worker, _worker_failure
    try:
        if settings.threads is not None:
            from threadpoolctl import threadpool_limits

            threadpool_limits(settings.threads)
        _worker = Analyser(settings, known_hashes).load()
    except BaseException as error:  # noqa: BLE001 (re-raised by _analyse_in_worker)
        _worker_failure = error


def _analyse_safely(analyser: Analyser, page: PageRecord) -> ProcessedPage:
    """One page's failure is recorded with its reason and does not stop the others.

    A missing model is no page's fault: it stops the run, and nothing is recorded.
    """
    try:
        return analyser.analyse(page)
    except ModelUnavailableError:
        raise
    except Exception as error:  # recorded per page, see page_outcomes.reason
        log.warning("page %s (%s) failed: %s: %s", page.page_id, page.url, type(error).__name__, error)
        return ProcessedPage(page.page_id, "no_article", f"error: {type(error).__name__}")


def _analyse_in_worker(page: PageRecord) -> ProcessedPage:
    if _worker_failure is not None:
        raise _worker_failure
    assert _worker is not None
    return _analyse_safely(_worker, page)


def _analyse_row_in_worker(row: dict[str, Any]) -> ProcessedPage:
    """A page as stored (body compressed), decoded where it is worked on."""
    return _analyse_in_worker(from_row(PageRecord, row))


def sync_knowledge_base(store: Store) -> None:
    """Copy the knowledge base into the warehouse, for SQL over entities."""
    from nlp.entities.kb import KnowledgeBase

    kb = KnowledgeBase.load()
    entities = [build(EntityRecord, e, lab_id=kb.lab_of(e.entity_id).entity_id) for e in kb.entities.values()]
    store.replace_entities(entities, [build(AliasRecord, a) for a in kb.aliases])


def process_stage(config: Config, *, reprocess: bool = False, engine: str = "local",
                  address: str | None = None) -> ProcessSummary:
    """Analyse the pages due, on the local pool or (``engine="ray"``) on a Ray cluster at ``address``."""
    from nlp.embeddings import encoder_id

    settings = AnalyserSettings.from_config(config)
    store = Store(config.db)
    store.migrate()
    versions = {step: version for step, version in current_versions(settings).items() if step in PROCESS_STEPS}
    since = datetime.now(timezone.utc) if reprocess else EPOCH
    model_id = encoder_id(settings.embedding, settings.cache_dir)
    known_hashes = frozenset(store.embedding_hashes(model_id))
    plan = store.step_plan(versions, since)
    page_ids = [page_id for page_id, first, _ in plan if first == 0]
    batch_size = config.process.batch_size
    batches = [page_ids[start: start + batch_size] for start in range(0, len(page_ids), batch_size)]
    summary = ProcessSummary(started=time.perf_counter())
    analyser: Analyser | None = None
    # A pool pays for loading the models in every worker: worth it beyond two batches.
    # It starts first, so that the workers load their models while this process checks
    # that they are installed and copies the knowledge base.
    pool = (_start_pool(settings, known_hashes, config.process.workers)
            if engine != "ray" and config.process.workers > 1 and len(batches) > 2 else None)
    try:
        require_models(settings)
        sync_knowledge_base(store)
        with Progress("process", len(page_ids), unit="pages") as progress:
            def write(results: list[ProcessedPage]) -> None:
                store.save_processed(results, versions["extract"], versions)
                _tally(summary, results)
                summary.written.append((time.perf_counter(), len(results)))
                progress.advance(len(results))

            if engine == "ray":
                from pipeline.ray_engine import SHARD_FOLDER, RayOptions, process_on_ray, run_version

                options = RayOptions(address, config.data_dir / SHARD_FOLDER, config.process.workers,
                                     _usable_cores())
                process_on_ray(store, page_ids, batch_size, settings, known_hashes, run_version(versions), options,
                               write)
            elif pool is not None:
                _process_in_pool(pool, store, batches, config.process.workers, write)
            elif batches:
                analyser = Analyser(settings, known_hashes)
                for pages in _pages_by_batch(store, batches):
                    write([_analyse_safely(analyser, page) for page in pages])
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    later = {step: [page_id for page_id, first, _ in plan if first == ordinal]
             for ordinal, step in enumerate(PROCESS_STEPS) if ordinal > 0}
    if any(later.values()):
        analyser = analyser or Analyser(settings, known_hashes)
        _redo_steps(store, analyser, later, versions, model_id, batch_size, summary)
    if analyser is not None and analyser.unsaved:
        store.save_embeddings(analyser.unsaved)
    if summary.pages or summary.redone or reprocess:
        summary.stories = group_stories(store, model_id)
        store.refresh_summaries(model_id)
    summary.ended = time.perf_counter()
    return summary


def _redo_steps(store: Store, analyser: Analyser, later: dict[str, list[str]], versions: dict[str, str],
                model_id: str, batch_size: int, summary: ProcessSummary) -> None:
    """Take stored articles up from a later step than extraction, batch by batch, in this process."""
    analyser.use_stored(store.embeddings(analyser.description_hashes(), model_id))
    with Progress("process: later steps", sum(map(len, later.values())), unit="articles") as progress:
        for step, ids in later.items():
            for start in range(0, len(ids), batch_size):
                batch = ids[start: start + batch_size]
                articles = store.articles(batch)
                mentions = store.mentions(batch) if step != "link" else {}
                vectors = store.embeddings([DOCUMENT_HASH_PREFIX + i for i in batch], model_id)
                results = [analyser.redo(a, step, mentions.get(a.article_id, ()),
                                         vectors.get(DOCUMENT_HASH_PREFIX + a.article_id))
                           for a in articles]
                store.save_redone(results, step, versions)
                summary.redone[step] += len(results)
                progress.advance(len(results))


def _pages_by_batch(store: Store, batches: Sequence[Sequence[str]]) -> Iterator[list[PageRecord]]:
    for ids in batches:
        yield store.pages(ids)


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start_pool(settings: AnalyserSettings, known_hashes: frozenset[str], workers: int) -> ProcessPoolExecutor:
    """Worker processes, each loading the models as soon as it starts."""
    context = multiprocessing.get_context("spawn")
    # Each worker computes on its share of the cores: more threads would spin against each other.
    settings = replace(settings, threads=max(1, _usable_cores() // workers))
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_init_worker,
                               initargs=(settings, known_hashes))
    # The executor starts its processes with the first task; an empty one starts them now.
    for _ in range(workers):
        pool.submit(int)
    return pool


def _process_in_pool(pool: ProcessPoolExecutor, store: Store, batches: Sequence[Sequence[str]], workers: int,
                     write) -> None:
    """Keep the next batch queued behind the one the workers are on; write each as it completes.

    Pages go to the workers as stored, bodies compressed (a fifth of the bytes
    to copy, and this process, which shares the cores with the workers, does
    not decompress them).
    """
    in_flight: deque[Iterator[ProcessedPage]] = deque()
    try:
        for ids in batches:
            rows = store.page_rows(ids)
            chunk = max(1, len(rows) // (4 * workers))  # small chunks: no worker idles at a batch's end
            in_flight.append(pool.map(_analyse_row_in_worker, rows, chunksize=chunk))
            if len(in_flight) == 2:
                write(list(in_flight.popleft()))
        while in_flight:
            write(list(in_flight.popleft()))
    except BrokenProcessPool as error:
        raise VeilleError("a worker process died (killed, or out of memory); the batches written so far "
                          "are kept, and the next run processes the rest") from error


def _tally(summary: ProcessSummary, results: list[ProcessedPage]) -> None:
    for result in results:
        summary.pages += 1
        if result.article is None:
            summary.no_article[result.reason or "unknown"] += 1
            continue
        summary.articles += 1
        summary.relevant += result.article.relevant
        summary.mentions += len(result.mentions)
        summary.passages += len(result.passages)


def group_stories(store: Store, model_id: str) -> int:
    """Give every article its story id; returns the number of stories."""
    from nlp.stories import group_stories as group

    story_ids = group(store.story_inputs(model_id))
    store.save_story_ids(story_ids)
    return len(set(story_ids.values()))

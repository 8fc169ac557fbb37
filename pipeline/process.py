"""The process stage: pages → articles, by step (see ``pipeline.steps``).

A page whose extraction is out of date (or never done) is processed whole.
An article whose extraction is current but a later step is not is taken up from
that step, reading what the steps before it stored: a new alias re-links the
stored article texts it can reach (see ``pipeline.plan``) without reading a page
again.

Workers (a process pool, one per core by default, each given the pages of the
languages whose models it has loaded where it can: ``pipeline.pool``) extract
and analyse pages;
the main process is the single writer, one transaction per batch. It loads no
model: it reads the next batch and writes the last one while the workers
analyse the current one, so the cores stay busy and memory stays flat (at most
two batches are in flight). A process killed mid-batch loses only that batch's
uncommitted work, and the next run takes it up again.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from typing import Any

import numpy as np

from nlp.errors import ModelUnavailableError
from core.config import Config
from core.errors import VeilleError
from core.progress import Progress
from pipeline.analyse import Analyser, AnalyserSettings, LanguageElsewhere, require_models
from pipeline.plan import plan_steps
from pipeline.pool import Deferred, LanguagePool, page_language
from pipeline.steps import PROCESS_STEPS, current_knowledge, current_versions
from warehouse.records import AliasRecord, ArticleRecord, EntityRecord, MentionRecord, PageRecord, ProcessedPage
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
    kept_links: int = 0
    """Articles linked with an earlier knowledge base that its change cannot reach: kept as they are."""
    relinked_as_before: int = 0
    """Articles the change of the knowledge base reached whose links came out as they were."""
    stories_touched: bool = False
    """Whether a stored article taken up again names other entities or has a new document embedding."""
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
        if self.kept_links:
            line += f"; {self.kept_links} articles out of reach of the knowledge base's change kept their links"
        if self.relinked_as_before:
            line += f", {self.relinked_as_before} linked again came out as they were"
        return line


def _init_worker(settings: AnalyserSettings, known_hashes: frozenset[str]) -> None:
    """Prepare the worker's analyser, which loads each model once, when the first page that needs it
    comes (``require_models`` has checked them all); a failure is raised with the first page, in the main
    process."""
    global _worker, _worker_failure
    try:
        if settings.threads is not None:
            from threadpoolctl import threadpool_limits

            threadpool_limits(settings.threads)
        _worker = Analyser(settings, known_hashes)
    except BaseException as error:  # noqa: BLE001 (re-raised by _analyse_in_worker)
        _worker_failure = error


def _analyse_safely(analyser: Analyser, page: PageRecord, elsewhere: frozenset[str] = frozenset()
                    ) -> ProcessedPage:
    """One page's failure is recorded with its reason and does not stop the others.

    A missing model is no page's fault: it stops the run, and nothing is recorded.
    """
    try:
        return analyser.analyse(page, elsewhere)
    except (ModelUnavailableError, LanguageElsewhere):
        raise
    except Exception as error:  # recorded per page, see page_outcomes.reason
        log.warning("page %s (%s) failed: %s: %s", page.page_id, page.url, type(error).__name__, error)
        return ProcessedPage(page.page_id, "no_article", f"error: {type(error).__name__}")


def _analyse_in_worker(page: PageRecord) -> ProcessedPage:
    if _worker_failure is not None:
        raise _worker_failure
    assert _worker is not None
    return _analyse_safely(_worker, page)


def _analyse_rows_in_worker(rows: list[dict[str, Any]], elsewhere: frozenset[str]) -> list[ProcessedPage | Deferred]:
    """Pages as stored (bodies compressed), decoded where they are worked on; a page in a language of
    ``elsewhere`` whose models this worker has not loaded is handed back (``pipeline.pool``)."""
    if _worker_failure is not None:
        raise _worker_failure
    assert _worker is not None
    results: list[ProcessedPage | Deferred] = []
    for row in rows:
        try:
            results.append(_analyse_safely(_worker, from_row(PageRecord, row), elsewhere))
        except LanguageElsewhere as deferred:
            results.append(Deferred(deferred.language))
    return results


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

    started = time.perf_counter()
    settings = AnalyserSettings.from_config(config)
    store = Store(config.db)
    versions = {step: version for step, version in current_versions(settings).items() if step in PROCESS_STEPS}
    knowledge = current_knowledge()
    fingerprint = knowledge[0]
    since = datetime.now(timezone.utc) if reprocess else EPOCH
    model_id = encoder_id(settings.embedding, settings.cache_dir)
    with store.held():  # the calls before the analysis: one open of the warehouse
        store.migrate()
        store.save_knowledge_base(*knowledge)
        sync_knowledge_base(store)
        plan = plan_steps(store, versions, knowledge, since)
        if plan.unreached:
            store.mark_knowledge(plan.unreached, fingerprint)
        known_hashes = frozenset(store.embedding_hashes(model_id)) if plan.first else frozenset()
    summary = ProcessSummary(kept_links=len(plan.unreached), started=started)
    page_ids = plan.from_step(0)
    batch_size = config.process.batch_size
    batches = [page_ids[start: start + batch_size] for start in range(0, len(page_ids), batch_size)]
    analyser: Analyser | None = None
    # A pool pays for loading the models in every worker: worth it beyond two batches.
    # It starts first, so that the workers load their models while this process checks
    # that they are installed.
    pool = (_start_pool(settings, known_hashes, config.process.workers)
            if engine != "ray" and config.process.workers > 1 and len(batches) > 2 else None)
    try:
        require_models(settings)
        with Progress("process", len(page_ids), unit="pages") as progress:
            def write(results: list[ProcessedPage]) -> None:
                store.save_processed(results, versions["extract"], versions, fingerprint)
                _tally(summary, results)
                summary.written.append((time.perf_counter(), len(results)))
                progress.advance(len(results))

            if engine == "ray":
                from pipeline.ray_engine import SHARD_FOLDER, RayOptions, process_on_ray, run_version

                options = RayOptions(address, config.data_dir / SHARD_FOLDER, config.process.workers,
                                     _usable_cores())
                process_on_ray(store, page_ids, batch_size, settings, known_hashes,
                               run_version(versions, fingerprint), options, write)
            elif pool is not None:
                _process_in_pool(pool, store, batches, config.process.workers, write)
            elif batches:
                analyser = Analyser(settings, known_hashes)
                for pages in _pages_by_batch(store, batches):
                    write([_analyse_safely(analyser, page) for page in pages])
    finally:
        if pool is not None:
            pool.shutdown()
    later = {step: plan.from_step(ordinal) for ordinal, step in enumerate(PROCESS_STEPS) if ordinal > 0}
    if any(later.values()):
        analyser = analyser or Analyser(settings, known_hashes)
        _redo_steps(store, analyser, later, plan.knowledge_only, versions, fingerprint, model_id, batch_size,
                    summary)
    with store.held():  # and the calls after it: one more
        if analyser is not None and analyser.unsaved:
            store.save_embeddings(analyser.unsaved)
        # Stories and summaries read the articles, mentions and passages: only a change of those redoes them.
        if summary.pages or summary.stories_touched or reprocess:
            summary.stories = group_stories(store, model_id)
        if summary.pages or sum(summary.redone.values()) > summary.relinked_as_before or reprocess:
            store.refresh_summaries(model_id)
        store.prune_knowledge_bases(fingerprint)
    summary.ended = time.perf_counter()
    return summary


def _redo_steps(store: Store, analyser: Analyser, later: dict[str, list[str]], knowledge_only: set[str],
                versions: dict[str, str], knowledge: str, model_id: str, batch_size: int,
                summary: ProcessSummary) -> None:
    """Take stored articles up from a later step than extraction, batch by batch, in this process.

    An article linked again for a change of the knowledge base alone (``knowledge_only``) whose
    mentions, candidate names and relevance come out as they were only has its steps recorded:
    its passages, which read nothing else that changed, and their stance decisions stay."""
    analyser.use_stored(store.embeddings(analyser.description_hashes(), model_id))
    with Progress("process: later steps", sum(map(len, later.values())), unit="articles") as progress:
        for step, ids in later.items():
            for start in range(0, len(ids), batch_size):
                batch = ids[start: start + batch_size]
                with store.held():  # the batch's reads: one open of the warehouse
                    articles = store.articles(batch)
                    mentions = store.mentions(batch)
                    vectors = store.embeddings([DOCUMENT_HASH_PREFIX + i for i in batch], model_id)
                results = [analyser.redo(a, step, mentions[a.article_id] if step != "link" else (),
                                         vectors.get(DOCUMENT_HASH_PREFIX + a.article_id))
                           for a in articles]
                summary.stories_touched |= any(_moves_stories(r, mentions[r.page_id]) for r in results)
                same: set[str] = set()
                with store.held():  # and its writes, each its own transaction: one more
                    if step == "link" and knowledge_only.intersection(batch):
                        same = _as_before(store, [r for r in results if r.page_id in knowledge_only],
                                          {a.article_id: a for a in articles}, mentions)
                        store.record_redone(sorted(same), step, versions, knowledge)
                        made = [e for r in results if r.page_id in same for e in r.embeddings]
                        if made:  # an embedding none was stored for, though the same links ask for it
                            store.save_embeddings(made)
                        summary.relinked_as_before += len(same)
                    store.save_redone([r for r in results if r.page_id not in same], step, versions, knowledge)
                summary.redone[step] += len(results)
                progress.advance(len(results))


def _moves_stories(result: ProcessedPage, stored: Sequence[MentionRecord]) -> bool:
    """Whether a redone article can change the stories: they read the entities it names and
    its document embedding (``nlp.stories``), nothing else a later step than extraction makes."""
    return ({m.entity_id for m in result.mentions} != {m.entity_id for m in stored}
            or any(e.text_hash.startswith(DOCUMENT_HASH_PREFIX) for e in result.embeddings))


def _as_before(store: Store, results: list[ProcessedPage], stored: dict[str, ArticleRecord],
               mentions: dict[str, list[MentionRecord]]) -> set[str]:
    """The ids of the relinked articles whose mentions, candidate names and relevance are those stored."""
    candidates = store.candidates([r.page_id for r in results])

    def stored_as(value: float) -> float:  # the warehouse keeps scores as 32-bit floats
        return float(np.float32(value))

    def links(found) -> list[tuple]:
        return sorted((m.entity_id, m.surface, m.start_char, m.end_char, m.method, stored_as(m.score), m.sentence)
                      for m in found)

    def relevance(article: ArticleRecord) -> tuple:
        return (stored_as(article.relevance), article.relevant,
                json.dumps(article.relevance_evidence, sort_keys=True))

    return {r.page_id for r in results
            if r.article is not None and links(r.mentions) == links(mentions[r.page_id])
            and sorted(r.candidates, key=repr) == sorted(candidates[r.page_id], key=repr)
            and relevance(r.article) == relevance(stored[r.page_id])}


def _pages_by_batch(store: Store, batches: Sequence[Sequence[str]]) -> Iterator[list[PageRecord]]:
    for ids in batches:
        yield store.pages(ids)


def _usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _start_pool(settings: AnalyserSettings, known_hashes: frozenset[str], workers: int) -> LanguagePool:
    """Worker processes, each preparing its analyser as soon as it starts."""
    # Each worker computes on its share of the cores: more threads would spin against each other.
    settings = replace(settings, threads=max(1, _usable_cores() // workers))
    return LanguagePool(workers, _init_worker, (settings, known_hashes))


def _process_in_pool(pool: LanguagePool, store: Store, batches: Sequence[Sequence[str]], workers: int,
                     write) -> None:
    """Deal each batch's pages to the workers by language (``pipeline.pool``); write each batch whole.

    Pages go to the workers as stored, bodies compressed (a fifth of the bytes
    to copy, and this process, which shares the cores with the workers, does
    not decompress them).
    """
    chunk = max(1, max(map(len, batches), default=1) // (4 * workers))  # small: no worker idles at the end
    try:
        pool.run((store.page_rows(ids) for ids in batches), _analyse_rows_in_worker, page_language, chunk, write)
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

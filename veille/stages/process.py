"""The process stage: pages not yet processed at the current nlp_version → articles.

Workers (a process pool, one per core by default) extract and analyse pages;
the main process is the single writer, one transaction per batch. A process
killed mid-batch loses only that batch's uncommitted work, and the next run
takes it up again.
"""

from __future__ import annotations

import logging
import multiprocessing
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timezone

from veille.config import Config
from veille.progress import Progress
from veille.stages.analyse import Analyser, AnalyserSettings, nlp_version
from warehouse.records import PageRecord, ProcessedPage
from warehouse.store import EPOCH, Store

log = logging.getLogger("veille.process")

_worker: Analyser | None = None


@dataclass
class ProcessSummary:
    pages: int = 0
    articles: int = 0
    relevant: int = 0
    mentions: int = 0
    passages: int = 0
    stories: int = 0
    no_article: Counter = field(default_factory=Counter)

    def line(self) -> str:
        skipped = ", ".join(f"{reason} {n}" for reason, n in self.no_article.most_common()) or "none"
        return (f"process: {self.pages} pages → {self.articles} articles ({self.relevant} relevant), "
                f"{self.mentions} mentions, {self.passages} stance passages, {self.stories} stories; "
                f"no article: {skipped}")


def _init_worker(settings: AnalyserSettings, known_hashes: frozenset[str]) -> None:
    global _worker
    _worker = Analyser(settings, known_hashes)


def _analyse_safely(analyser: Analyser, page: PageRecord) -> ProcessedPage:
    """One page's failure is recorded with its reason and does not stop the others."""
    try:
        return analyser.analyse(page)
    except Exception as error:  # recorded per page, see page_outcomes.reason
        log.warning("page %s (%s) failed: %s: %s", page.page_id, page.url, type(error).__name__, error)
        return ProcessedPage(page.page_id, "no_article", f"error: {type(error).__name__}")


def _analyse_in_worker(page: PageRecord) -> ProcessedPage:
    assert _worker is not None
    return _analyse_safely(_worker, page)


def sync_knowledge_base(store: Store, analyser: Analyser) -> None:
    """Copy the knowledge base into the warehouse, for SQL over entities."""
    kb = analyser.knowledge_base
    entities = [
        {"entity_id": e.entity_id, "kind": e.kind, "name": e.name, "parent_id": e.parent_id,
         "lab_id": kb.lab_of(e.entity_id).entity_id, "country": e.country, "openness": e.openness,
         "license": e.license}
        for e in kb.entities.values()
    ]
    aliases = [{"entity_id": a.entity_id, "alias": a.alias, "language": a.language} for a in kb.aliases]
    store.replace_entities(entities, aliases)


def process_stage(config: Config, *, reprocess: bool = False) -> ProcessSummary:
    store = Store(config.db)
    store.migrate()
    version = nlp_version()
    since = datetime.now(timezone.utc) if reprocess else EPOCH
    settings = AnalyserSettings.from_config(config)
    analyser = Analyser(settings)
    sync_knowledge_base(store, analyser)
    model_id = analyser.encoder.model_id
    analyser.known_hashes = store.embedding_hashes(model_id)
    total = store.count_pages_to_process(version, since)
    summary = ProcessSummary()
    batch_size = config.process.batch_size
    use_pool = config.process.workers > 1 and total > 2 * batch_size
    pool = None
    if use_pool:
        context = multiprocessing.get_context("spawn")
        pool = context.Pool(config.process.workers, initializer=_init_worker,
                            initargs=(settings, frozenset(analyser.known_hashes)))
    try:
        with Progress("process", total, unit="pages") as progress:
            while pages := store.pages_to_process(version, batch_size, since):
                if pool is not None:
                    results = pool.map(_analyse_in_worker, pages, chunksize=max(1, len(pages) // 8))
                else:
                    results = [_analyse_safely(analyser, page) for page in pages]
                store.save_processed(results, version)
                _tally(summary, results)
                progress.advance(len(pages))
    finally:
        if pool is not None:
            pool.close()
            pool.join()
    if summary.pages or reprocess:
        summary.stories = group_stories(store, model_id)
    return summary


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

"""The nightly job: crawl, process, cluster, under the job lock."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

from schedules.lock import job_lock
from veille.config import Config

log = logging.getLogger("veille.nightly")


def run_nightly(config: Config) -> Iterator[str]:
    """Run the three stages; yields each stage's summary line, then a closing line."""
    from veille.stages.cluster import cluster_stage
    from veille.stages.crawl import crawl_stage
    from veille.stages.process import process_stage

    started = time.monotonic()
    with job_lock(config.data_dir, "veille nightly"):
        crawl = crawl_stage(config, [])
        yield crawl.line()
        processed = process_stage(config)
        yield processed.line()
        clustered = cluster_stage(config)
        yield clustered.line()
    yield (f"nightly: done in {time.monotonic() - started:.0f} s: {crawl.counts.get('fetched', 0)} pages fetched, "
           f"{processed.articles} articles, {clustered.assigned} passages assigned")

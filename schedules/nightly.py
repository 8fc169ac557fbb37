"""The nightly job: crawl, process, cluster, under the job lock."""

from __future__ import annotations

from collections.abc import Iterator

from schedules.lock import job_lock
from schedules.record import JobFailed, recorded
from core.config import Config


def run_nightly(config: Config) -> Iterator[str]:
    """Run the three stages; yields each stage's summary line, then a closing line.

    When every source failed to crawl, processing and clustering still run over
    what earlier runs stored, and the job then fails (JobFailed) with the closing line.
    """
    from pipeline.cluster import cluster_stage
    from pipeline.crawl import crawl_stage
    from pipeline.process import process_stage

    with recorded(config, "nightly") as run:
        with job_lock(config.data_dir, "veille nightly"):
            run.holds_lock()
            crawl = crawl_stage(config, [])
            yield crawl.line()
            processed = process_stage(config)
            yield processed.line()
            clustered = cluster_stage(config)
            yield clustered.line()
        figures = (f"{crawl.counts.get('fetched', 0)} pages fetched, {processed.articles} articles, "
                   f"{clustered.assigned} passages assigned")
        if crawl.every_source_failed:
            raise JobFailed(f"nightly: failed in {run.seconds:.0f} s: every source failed to crawl "
                            f"(see `veille status`); {figures}")
        run.summary = f"nightly: done in {run.seconds:.0f} s: {figures}"
        yield run.summary

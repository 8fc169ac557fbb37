"""``veille status``: the jobs' last runs, each source's health, the warehouse's size and freshness,
and how many articles each processing step holds current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from core.config import Config

RUNS_PER_JOB = 3
JOBS = ("nightly", "weekly")
FAILING_RUNS = 3
"""Crawl runs in a row a source may fail before ``veille status --check`` reports it."""


@dataclass(frozen=True)
class Status:
    db: Path
    size_bytes: int
    jobs: list[dict[str, Any]]
    crawl: dict[str, Any] | None
    sources: list[dict[str, Any]]
    freshness: dict[str, Any]
    steps: list[dict[str, Any]]

    def problems(self) -> list[str]:
        """What ``--check`` reports: jobs whose latest run did not succeed, sources failing for long."""
        found = []
        for job in JOBS:
            runs = [run for run in self.jobs if run["job"] == job]
            if runs and runs[0]["outcome"] in {"failed", "interrupted"}:
                found.append(f"the last {job} run {runs[0]['outcome']}")
        failing = [s["source"] for s in self.sources if s["consecutive_failures"] >= FAILING_RUNS]
        if failing:
            found.append(f"{len(failing)} source{'s' if len(failing) != 1 else ''} failed {FAILING_RUNS} crawl runs "
                          f"or more in a row ({', '.join(failing)})")
        return found

    def as_dict(self) -> dict[str, Any]:
        return {"warehouse": {"path": str(self.db), "size_bytes": self.size_bytes, **self.freshness},
                "jobs": self.jobs, "last_crawl": self.crawl, "sources": self.sources, "steps": self.steps,
                "problems": self.problems()}


def gather_status(config: Config) -> Status:
    """Read everything ``veille status`` shows; sources in the registry never crawled are listed too."""
    from crawlers.sources import SourceRegistryError, load_sources
    from pipeline.analyse import AnalyserSettings
    from pipeline.steps import current_versions
    from warehouse.db import WarehouseError
    from warehouse.store import Store

    if not config.db.exists():
        raise WarehouseError(f"no warehouse at {config.db}; run `veille init` first")
    store = Store(config.db)
    store.migrate()
    health = {row["source"]: row for row in store.fetch("status_sources")}
    try:
        registered = [source.name for source in load_sources(config.crawl.sources).sources]
    except SourceRegistryError:
        registered = []
    never = {"last_attempt_at": None, "last_success_at": None, "consecutive_failures": 0, "last_error": None,
             "last_error_at": None}
    sources = list(health.values()) + [{"source": name, **never} for name in registered if name not in health]
    crawl = store.fetch("status_crawl")
    versions = current_versions(AnalyserSettings.from_config(config))
    version = versions["extract"]
    freshness = {**store.fetch("status_freshness")[0], "nlp_version": version,
                 "to_process": store.count_pages_to_process(version)}
    steps = step_currency(store, versions)
    size = sum(path.stat().st_size for path in (config.db, config.db.with_name(config.db.name + ".wal"))
               if path.exists())
    return Status(config.db.absolute(), size, store.fetch("status_jobs", {"runs": RUNS_PER_JOB}),
                  crawl[0] if crawl else None, sources, freshness, steps)


def step_currency(store, versions: dict[str, str]) -> list[dict[str, Any]]:
    """Per step: its version, how many pages (extraction) or articles (the later steps) are
    current, and how many the next run would redo (a step redone redoes the steps after it;
    an article linked with an earlier knowledge base is to link again only where its change
    can reach it)."""
    from pipeline.plan import plan_steps
    from pipeline.steps import PROCESS_STEPS, current_knowledge

    process_versions = {step: versions[step] for step in PROCESS_STEPS}
    plan = plan_steps(store, process_versions, current_knowledge())
    counts = store.fetch("step_counts")[0]
    rows = []
    for ordinal, step in enumerate(PROCESS_STEPS):
        redo = plan.redo(ordinal)
        total = counts["pages"] if ordinal == 0 else counts["articles"]
        rows.append({"step": step, "version": versions[step], "unit": "pages" if ordinal == 0 else "articles",
                     "current": total - redo, "to_redo": redo})
    stale = len(store.stale_stance_articles(versions["stances"]))
    rows.append({"step": "stances", "version": versions["stances"], "unit": "articles",
                 "current": counts["with_passages"] - stale, "to_redo": stale})
    return rows


def _when(value: datetime | None) -> str:
    return f"{value.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC" if value else "never"


def _size(size: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1000
    raise AssertionError("unreachable")


def status_lines(status: Status) -> list[str]:
    lines = ["jobs:"]
    for job in JOBS:
        runs = [run for run in status.jobs if run["job"] == job]
        if not runs:
            lines.append(f"  {job:8} never run")
        for run in runs:
            took = f"{run['seconds']:.0f} s" if run["seconds"] is not None else "--"
            lines.append(f"  {job:8} {_when(run['started_at'])}  {run['outcome']:11} {took:>7}  {run['summary'] or ''}")
    if status.crawl:
        crawl = status.crawl
        lines.append(f"last crawl: {crawl['run_id']} {crawl['status']}, {crawl['pages_stored']} pages from "
                     f"{crawl['sources']} sources, started {_when(crawl['started_at'])}")
    failing = sum(1 for source in status.sources if source["consecutive_failures"])
    lines.append(f"sources: {len(status.sources)}, {failing} failing")
    never = [source["source"] for source in status.sources if source["last_attempt_at"] is None]
    for source in status.sources:
        if source["last_attempt_at"] is None:
            continue
        if source["consecutive_failures"]:
            runs = source["consecutive_failures"]
            state = (f"FAILING {runs} run{'s' if runs != 1 else ''} in a row, "
                     f"last success {_when(source['last_success_at'])}")
        else:
            state = f"ok, last success {_when(source['last_success_at'])}"
        lines.append(f"  {source['source']:24} {state}")
        if source["last_error"]:
            lines.append(f"  {'':24}   last error {_when(source['last_error_at'])}: {source['last_error']}")
    if never:
        lines.append(f"  never crawled ({len(never)}): {', '.join(never)}")
    fresh = status.freshness
    lines.append(f"warehouse: {status.db}, {_size(status.size_bytes)}")
    lines.append(f"  {fresh['pages']} pages, last fetched {_when(fresh['last_fetched'])}; "
                 f"{fresh['to_process']} to process at version {fresh['nlp_version']} (new, or processed by an "
                 f"older version), last processed {_when(fresh['last_processed'])}")
    lines.append(f"  {fresh['articles']} articles ({fresh['relevant']} relevant), latest published "
                 f"{_when(fresh['last_published'])}")
    lines.append(f"  last digest: {fresh['last_digest_week'] or 'none'}"
                 + (f", sent {_when(fresh['last_digest_sent'])}" if fresh["last_digest_sent"] else ""))
    lines.append("steps (current / a run would redo):")
    for step in status.steps:
        lines.append(f"  {step['step']:10} {step['current']:>7} current {step['unit']:8} {step['to_redo']:>7} to redo"
                     f"   version {step['version']}")
    return lines

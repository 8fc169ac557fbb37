"""Process-stage throughput and memory, against the raw component calls on the same pages.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.process_stage [--pages N] [--workers W]

Pages are corpus pages repeated under distinct URLs, stored in a fresh
warehouse in a temporary folder. In the same run:

- **direct**: the stage's own calls to its components, made directly on each
  page in one process: ``decode_html``, ``trafilatura.bare_extraction`` with
  the arguments the stage gives it (metadata included), ``detect_language``;
- **bare**: for reference, ``trafilatura.extract`` with default settings
  (no metadata) in place of the stage's trafilatura call;
- **analyse**: the stage's whole per-page analysis (``Analyser.analyse``) in
  one process on one thread, as each worker runs it, models loaded and
  warmed up first, over every distinct page the stage works on: what the
  stage costs per page before any pool, transfer or write;
- **stage**: ``veille process`` (``process_stage``) with ``W`` workers and one
  writer, timed from start to end (model loading in the workers, batches,
  writes, story grouping included); it also runs the publication date, entity
  matching, relevance, document embeddings and stance passages.

Prints pages/s for each and the ratios. The pool's efficiency is "ratio per
worker": the stage's pages/s between its first and its last batch written
(worker start-up and model loading before, story grouping after, are printed
apart), divided by the number of workers and by the one-process analysis rate.
On 2 cores the main process (reading pages, writing results) shares the cores
with 2 workers, so 1.0 is out of reach there. The same comparison in CPU time
per page (the workers' from /proc, between the same two moments, against the
one-process analysis's) is less sensitive to other work on the machine. Then
the resident memory (main process plus workers) sampled every half second, by
tenth of the run, so that growth with the number of pages shows.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import tomlkit
import trafilatura
from threadpoolctl import threadpool_limits

from bench.corpus import load_pages, repeated_page_records
from nlp.charset import decode_html
from nlp.extraction import trafilatura_options
from nlp.language import detect_language
from core.config import load_config
from pipeline.analyse import Analyser, AnalyserSettings
from pipeline.process import process_stage
from warehouse.records import PageRecord
from warehouse.store import Store



def _children() -> list[str]:
    return [pid for listing in Path("/proc/self/task").glob("*/children") for pid in listing.read_text().split()]


def _rss_mib() -> tuple[float, float]:
    """Resident memory of this process and of all its children together, in MiB (Linux /proc)."""
    sizes = []
    for pid in ["self", *_children()]:
        try:
            lines = Path(f"/proc/{pid}/status").read_text().splitlines()
        except FileNotFoundError:
            lines = []
        sizes.append(sum(int(line.split()[1]) for line in lines if line.startswith("VmRSS:")) / 1024)
    return sizes[0], sum(sizes[1:])


def _children_cpu() -> float:
    """CPU seconds used so far by the running children (user + system), from /proc."""
    ticks = 0
    for pid in _children():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / os.sysconf("SC_CLK_TCK")


def _at(samples: list[tuple[float, float]], moment: float) -> float:
    """The sampled value nearest to ``moment``."""
    return min(samples, key=lambda sample: abs(sample[0] - moment))[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=400)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--direct-pages", type=int, default=120, help="pages timed for the direct calls")
    args = parser.parse_args()
    corpus = load_pages()
    records = repeated_page_records(corpus, args.pages)

    sample = records[: args.direct_pages]
    # The whole analysis is timed on every distinct page the stage works on (the stage sees each
    # about pages / corpus times: its mean cost per page is theirs), in the stage's order (by page
    # id), after a warm-up on copies; copies of a page share passages, whose embeddings an analyser
    # keeps, so it starts with none known, as each worker does.
    distinct = records[: len(corpus)]
    analysis_sample = sorted(distinct, key=lambda record: record.page_id)
    warm_up = records[len(corpus): len(corpus) + 20] or distinct[-20:]
    def stage_call(html: str, record: PageRecord) -> str:
        document = trafilatura.bare_extraction(html, **trafilatura_options(record.url, record.fetched_at))
        return document.text if document is not None else ""

    def bare_call(html: str, record: PageRecord) -> str:
        return trafilatura.extract(html, url=record.url) or ""

    def pages_per_second(extract) -> float:
        started = time.perf_counter()
        for record in sample:
            html, _ = decode_html(record.body)
            detect_language(extract(html, record))
        return len(sample) / (time.perf_counter() - started)

    pages_per_second(stage_call)  # warm up: language models, date parsers, caches
    direct, bare = pages_per_second(stage_call), pages_per_second(bare_call)

    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "veille.duckdb"
        config_file = Path(folder) / "veille.toml"
        config_file.write_text(tomlkit.dumps({"process": {"workers": args.workers}}), encoding="utf-8")
        store = Store(db)
        store.migrate()
        for start in range(0, len(records), 500):
            store.save_pages(records[start: start + 500])
        config = load_config(config_file, db)
        memory: list[tuple[float, tuple[float, float]]] = []
        workers_cpu: list[tuple[float, float]] = []
        done = threading.Event()

        def sample_memory() -> None:
            while not done.is_set():
                now = time.perf_counter()
                memory.append((now, _rss_mib()))
                workers_cpu.append((now, _children_cpu()))
                time.sleep(0.5)

        sampler = threading.Thread(target=sample_memory)
        started, main_cpu = time.perf_counter(), time.process_time()
        sampler.start()
        try:
            summary = process_stage(config)
        finally:
            done.set()
            sampler.join()
        elapsed, main_cpu = time.perf_counter() - started, time.process_time() - main_cpu

    stage = summary.pages / elapsed
    # After the stage, so that these models do not count in its memory.
    settings = AnalyserSettings.from_config(load_config(None, Path("unused.duckdb")))
    # One core, as each worker has (its threads capped as the stage's workers cap theirs): spinning
    # BLAS threads would otherwise count in its CPU time and slow it down.
    threadpool_limits(1)
    analyser = Analyser(replace(settings, threads=1)).load()
    for record in warm_up:
        analyser.analyse(record)
    analyser.known_hashes.clear()
    started, cpu = time.perf_counter(), time.process_time()
    for record in analysis_sample:
        analyser.analyse(record)
    analysed = len(analysis_sample) / (time.perf_counter() - started)
    analysis_cpu_ms = (time.process_time() - cpu) * 1000 / len(analysis_sample)
    cores = min(args.workers, os.cpu_count() or 1)
    print(f"pages: {summary.pages} ({summary.articles} articles), workers: {args.workers}, cores: {os.cpu_count()}")
    print(f"direct decode + trafilatura + language, 1 process: {direct:7.1f} pages/s")
    print(f"  (bare trafilatura.extract in its place:          {bare:7.1f} pages/s)")
    print(f"whole analysis, 1 process, 1 thread:               {analysed:7.1f} pages/s")
    print(f"veille process stage (full analysis):          {stage:7.1f} pages/s in {elapsed:.0f} s")
    print(f"ratio stage per core / direct:                 {stage / cores / direct:7.2f}")
    print(f"ratio stage per core / whole analysis, 1 process: {stage / cores / analysed:7.2f}")
    print(f"ratio whole analysis / direct, 1 process:         {analysed / direct:7.2f}")
    (first_write, first_batch), (last_write, _) = summary.written[0], summary.written[-1]
    steady_pages = summary.pages - first_batch
    steady = steady_pages / max(last_write - first_write, 1e-9)
    steady_cpu_ms = (_at(workers_cpu, last_write) - _at(workers_cpu, first_write)) * 1000 / max(steady_pages, 1)
    print(f"where the stage's time went: {first_write - summary.started:.1f} s to the first batch written "
          f"(worker start-up with model loading, and the first {first_batch} pages), "
          f"{last_write - first_write:.1f} s for the other {steady_pages} pages, "
          f"{summary.ended - last_write:.1f} s after the last batch (story grouping, summaries)")
    print(f"stage between its first and last batch written:  {steady:7.1f} pages/s")
    print(f"ratio per worker, between first and last batch / whole analysis, 1 process: "
          f"{steady / args.workers / analysed:7.2f}")
    print(f"CPU per page: whole analysis, 1 process {analysis_cpu_ms:.0f} ms; workers between first and last "
          f"batch {steady_cpu_ms:.0f} ms (ratio {analysis_cpu_ms / steady_cpu_ms:.2f}); "
          f"main process (reads, writes, stories) {main_cpu * 1000 / summary.pages:.0f} ms")
    print(f"load average at the end: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if memory:
        first = memory[0][0]
        span = max(memory[-1][0] - first, 1e-9)
        for name, which in (("main", 0), ("workers", 1)):
            tenths = [max((rss[which] for t, rss in memory if int(10 * (t - first) / span) == k), default=0.0)
                      for k in range(10)]
            print(f"peak RSS by tenth of the run, {name} (MiB): " + " ".join(f"{v:.0f}" for v in tenths))


if __name__ == "__main__":
    main()

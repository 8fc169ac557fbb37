"""The backfill prefilter: its recall of relevant pages, and its speed against the process stage.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.backfill_prefilter [--no-realtext]

One WARC archive is written (warcio's writer, in a temporary folder) from
real pages: every page of the shared corpus (``bench/corpus.py``), every
article of the demo site, and, when the local cache holds them, the real texts
of ``bench/realtext`` (plain texts, each wrapped in a bare HTML page). In the
same run:

- **full**: every HTML page of the archive stored (``backfill --no-prefilter``)
  and ``veille process`` run over them in a fresh warehouse, timed from start
  to end (workers' model loading included): the pages it judges relevant are
  the reference set;
- **prefilter**: ``Prefilter.judge`` on the same bodies, in one process,
  timed alone (the archive already read), and ``backfill`` with the prefilter
  end to end in another fresh warehouse (reading, judging, storing);

and prints the recall (relevant pages the prefilter keeps), the share of all
pages it keeps, the pages/s of each, and the ratios full / prefilter.
"""

from __future__ import annotations

import argparse
import html
import tempfile
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

from bench.corpus import load_pages
from core.config import load_config
from crawlers.urls import normalise_url
from pipeline.backfill import backfill_stage, watch_prefilter
from pipeline.process import process_stage
from pipeline.warc import read_entries
from warehouse.query import run_query

DEMO = Path(__file__).resolve().parents[1] / "veille" / "demo_site"
MAX_BYTES = 10 * 1024 * 1024


def _pages(with_realtext: bool) -> list[tuple[str, str, bytes]]:
    """(group, url, html) of every page the archive holds, each URL once."""
    pages = [("corpus", page.url, page.html) for page in load_pages()]
    pages += [("demo", f"https://demo.example/{path.relative_to(DEMO)}", path.read_bytes())
              for path in sorted(DEMO.glob("*/2026/**/*.html"))]
    if with_realtext:
        from bench.realtext import CacheMissing, load

        try:
            texts = load()
        except CacheMissing as error:
            print(f"real texts left out: {error}")
            texts = []
        for text in texts:
            paragraphs = "".join(f"<p>{html.escape(p)}</p>" for p in text.text.split("\n") if p.strip())
            body = (f'<!doctype html><html><head><meta charset="utf-8"><title>{text.entry.id}</title></head>'
                    f"<body><article>{paragraphs}</article></body></html>").encode("utf-8")
            pages.append(("realtext", text.entry.url, body))
    seen: Counter = Counter()
    unique = []
    for group, url, body in pages:
        seen[url] += 1
        unique.append((group, url if seen[url] == 1 else f"{url}{'&' if '?' in url else '?'}copy={seen[url]}", body))
    return unique


def _write_archive(path: Path, pages: list[tuple[str, str, bytes]]) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for _, url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                          http_headers=headers,
                                                          warc_headers_dict={"WARC-Date": "2026-11-20T09:00:00Z"}))


def _relevant(db: Path) -> set[str]:
    result = run_query(db, "SELECT url FROM articles WHERE relevant", db.parent)
    return {row[0] for row in result.rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-realtext", action="store_true", help="leave out the real texts of bench/realtext")
    args = parser.parse_args()
    pages = _pages(not args.no_realtext)
    group_of = {normalise_url(url): group for group, url, _ in pages}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        archive = root / "bench.warc.gz"
        _write_archive(archive, pages)
        full = load_config(None, root / "full" / "veille.duckdb")
        backfill_stage(full, [str(archive)], prefilter=False)
        started = time.perf_counter()
        summary = process_stage(full)
        full_seconds = time.perf_counter() - started
        relevant = _relevant(full.db)

        responses = [entry.page for entry in read_entries(archive, max_bytes=MAX_BYTES) if entry.page]
        prefilter = watch_prefilter(())
        started = time.perf_counter()
        verdicts = {normalise_url(r.url): prefilter.judge(r.body, host=urlsplit(r.url).hostname or "",
                                                          charset=r.charset) for r in responses}
        judge_seconds = time.perf_counter() - started
        filtered = load_config(None, root / "filtered" / "veille.duckdb")
        started = time.perf_counter()
        backfill_stage(filtered, [str(archive)])
        backfill_seconds = time.perf_counter() - started

    kept = {url for url, verdict in verdicts.items() if verdict.kept}
    missed = sorted(relevant - kept)
    n = len(responses)
    print(f"pages: {n} ({', '.join(f'{g} {c}' for g, c in Counter(group_of.values()).items())})")
    print(summary.line())
    print(f"relevant (full pipeline): {len(relevant)} "
          f"({', '.join(f'{g} {c}' for g, c in Counter(group_of[u] for u in relevant).items())})")
    print(f"recall: {len(relevant) - len(missed)}/{len(relevant)} = "
          f"{(len(relevant) - len(missed)) / max(len(relevant), 1):.4f}")
    for url in missed:
        print(f"  missed {group_of[url]} {url}")
    print(f"kept: {len(kept)}/{n} = {len(kept) / n:.3f} of all pages; "
          f"dropped by reason: {dict(Counter(v.reason for v in verdicts.values() if not v.kept))}")
    print(f"full process: {full_seconds:.1f} s, {n / full_seconds:.1f} pages/s")
    print(f"prefilter alone: {judge_seconds:.2f} s, {n / judge_seconds:.0f} pages/s; "
          f"ratio full / prefilter = {full_seconds / judge_seconds:.0f}x")
    print(f"backfill with prefilter (read + judge + store): {backfill_seconds:.2f} s, {n / backfill_seconds:.0f} "
          f"pages/s; ratio full / backfill = {full_seconds / backfill_seconds:.0f}x")


if __name__ == "__main__":
    main()

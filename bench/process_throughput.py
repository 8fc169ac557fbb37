"""Process-stage throughput on real pages, against bare trafilatura in the same run.

    .venv/bin/python bench/process_throughput.py [--per-language N]

veille's analysis of a page (charset, extraction, language, date, entities,
relevance, passages and their embeddings) is timed on the same decoded pages
as ``trafilatura.extract`` with default settings, in one process, after both
have warmed up. Prints pages/s for each and the ratio (veille / bare).
"""

from __future__ import annotations

import argparse
import time
from datetime import datetime, timezone

import trafilatura

from bench.corpus import load_pages
from nlp.charset import decode_html
from core.config import load_config
from pipeline.analyse import Analyser, AnalyserSettings
from warehouse.records import PageRecord
from warehouse.store import page_id_for


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-language", type=int, default=30)
    args = parser.parse_args()
    pages = load_pages(args.per_language)
    fetched = datetime(2026, 11, 28, tzinfo=timezone.utc)
    records = [
        PageRecord(page_id=page_id_for(p.url + p.id), url=p.url, final_url=p.url, source=p.set, status=200,
                   content_type="text/html", charset=None, headers={}, body=p.html, fetched_at=fetched,
                   origin="crawl", hint_language=p.language)
        for p in pages
    ]
    analyser = Analyser(AnalyserSettings.from_config(load_config()))
    for language in ("en", "fr", "zh"):  # load every model before timing
        for record in [r for r in records if r.hint_language == language][:2]:
            analyser.analyse(record)
    decoded = [decode_html(p.html)[0] for p in pages]
    for html in decoded[:3]:
        trafilatura.extract(html)

    started = time.perf_counter()
    for html, page in zip(decoded, pages):
        trafilatura.extract(html, url=page.url)
    bare = time.perf_counter() - started

    started = time.perf_counter()
    results = [analyser.analyse(record) for record in records]
    ours = time.perf_counter() - started

    articles = sum(r.article is not None for r in results)
    print(f"pages: {len(pages)} ({args.per_language} per language at most), articles: {articles}")
    print(f"bare trafilatura.extract: {len(pages) / bare:7.1f} pages/s")
    print(f"veille analyse (full):    {len(pages) / ours:7.1f} pages/s")
    print(f"ratio veille / bare:      {bare / ours:7.2f}")


if __name__ == "__main__":
    main()

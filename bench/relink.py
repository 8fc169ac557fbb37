"""Re-linking after an alias is added, against a full reprocess of the same pages.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.relink [--pages N]

Corpus pages are stored in a fresh warehouse in a temporary folder and
processed once (one process, as ``[process] workers = 1``). Then, in the same
run, an alias is added to a copy of the knowledge base and:

- **relink**: ``veille process`` (``process_stage``) takes the stored articles
  up from the linking step: it links their stored text again, re-scores
  relevance from the new mentions and the stored document embeddings, and
  redoes the stance passages (whose embeddings are mostly stored already);
- **full**: ``veille process --reprocess`` redoes every step from the raw pages
  with the same knowledge base.

Both are timed from start to end, model loading, writes and story grouping
included, and the ratio full / relink is printed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import tomlkit

from bench.corpus import load_pages
from core.config import load_config
from nlp.entities import kb
from pipeline.process import process_stage
from warehouse.records import PageRecord
from warehouse.store import Store, page_id_for

FETCHED = datetime(2026, 11, 28, tzinfo=timezone.utc)
ADDED_ALIAS = '''
[[entity]]
id = "bench-added-lab"
kind = "lab"
name = "Commerce Department"
country = "US"
openness = "closed"
[entity.aliases]
mul = ["Commerce Department", "Department of Commerce"]
'''


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    args = parser.parse_args()
    corpus = load_pages()
    records = []
    for index in range(args.pages):
        page = corpus[index % len(corpus)]
        url = f"{page.url}#copy-{index // len(corpus)}"
        records.append(PageRecord(page_id=page_id_for(url), url=url, final_url=page.url, source=page.set,
                                  status=200, content_type="text/html", charset=None, headers={}, body=page.html,
                                  fetched_at=FETCHED, origin="crawl"))
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "veille.duckdb"
        config_file = Path(folder) / "veille.toml"
        config_file.write_text(tomlkit.dumps({"process": {"workers": 1}}), encoding="utf-8")
        store = Store(db)
        store.migrate()
        store.save_pages(records)
        config = load_config(config_file, db)
        first = process_stage(config)

        extended = Path(folder) / "kb.toml"
        extended.write_text(kb.DEFAULT_PATH.read_text(encoding="utf-8") + ADDED_ALIAS, encoding="utf-8")
        kb.DEFAULT_PATH = extended  # as an edited kb.toml would be read

        started = time.perf_counter()
        relinked = process_stage(config)
        relink = time.perf_counter() - started
        started = time.perf_counter()
        full = process_stage(config, reprocess=True)
        whole = time.perf_counter() - started
        mentions = store.scalar("count_mentions_of", {"entity_id": "bench-added-lab"})

    articles = relinked.redone["link"]
    print(f"pages: {first.pages} ({first.articles} articles, {first.relevant} relevant), one process")
    print(f"relink after an alias is added: {articles} articles in {relink:6.1f} s "
          f"({articles / relink:6.1f} articles/s); {mentions} mentions of the new alias")
    print(f"full reprocess of the same pages: {full.pages} pages in {whole:6.1f} s ({full.pages / whole:6.1f} pages/s)")
    print(f"ratio full / relink: {whole / relink:6.1f}")


if __name__ == "__main__":
    main()

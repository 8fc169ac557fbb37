"""Re-linking after an alias is added, against a full reprocess of the same pages.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.relink [--pages N]

Corpus pages are stored in a fresh warehouse in a temporary folder and
processed once (one process, as ``[process] workers = 1``), with a cache folder
of its own (``[models] cache_dir``) that this first run fills: what the later
runs find there is what a user's cache holds, the names of the knowledge base
cut, but not the added alias. Then, in the same run, an alias is added to a
copy of the knowledge base and:

- **relink**: ``veille process`` (``process_stage``) diffs the knowledge base
  against the one the stored articles were linked with, records the articles
  the change cannot reach as linked with the new one, and takes the others up
  from the linking step: it links their stored text again, re-scores relevance
  from the new mentions and the stored document embeddings, and redoes the
  stance passages (whose embeddings are mostly stored already);
- **full**: ``veille process --reprocess`` redoes every step from the raw pages
  with the same knowledge base.

Both are timed from start to end, model loading, writes and story grouping
included, and the ratio full / relink is printed. Then, models loaded and
warmed up, the per-page work alone: ``Analyser.analyse`` on each raw page
against ``Analyser.redo`` from the linking step on each stored article, with
the stored mentions and document embeddings a run reads.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import tomlkit

from bench.corpus import load_pages, repeated_page_records
from core.config import load_config
from nlp.entities import kb
from pipeline.process import process_stage
from warehouse.records import PageRecord
from warehouse.store import DOCUMENT_HASH_PREFIX, Store

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
    records = repeated_page_records(corpus, args.pages)
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "veille.duckdb"
        config_file = Path(folder) / "veille.toml"
        settings = {"process": {"workers": 1}, "models": {"cache_dir": str(Path(folder) / "cache")}}
        config_file.write_text(tomlkit.dumps(settings), encoding="utf-8")
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
        warm_full, warm_relink = _per_page(config, store, records)

    articles = relinked.redone["link"]
    print(f"pages: {first.pages} ({first.articles} articles, {first.relevant} relevant), one process")
    print(f"relink after an alias is added: {articles} articles linked again, {relinked.kept_links} out of "
          f"the change's reach kept, in {relink:6.1f} s; {mentions} mentions of the new alias")
    print(f"full reprocess of the same pages: {full.pages} pages in {whole:6.1f} s ({full.pages / whole:6.1f} pages/s)")
    print(f"ratio full / relink, end to end: {whole / relink:6.1f}")
    print(f"models loaded, per page: full analysis {warm_full * 1000:7.1f} ms, relink {warm_relink * 1000:7.1f} ms, "
          f"ratio {warm_full / warm_relink:6.1f}")


def _per_page(config, store: Store, records: list[PageRecord]) -> tuple[float, float]:
    """Seconds per page of the whole analysis and of the steps from linking on, models warm."""
    from nlp.embeddings import encoder_id
    from pipeline.analyse import Analyser, AnalyserSettings

    settings = AnalyserSettings.from_config(config)
    model_id = encoder_id(settings.embedding, settings.cache_dir)
    analyser = Analyser(settings, frozenset(store.embedding_hashes(model_id))).load()
    analyser.use_stored(store.embeddings(analyser.description_hashes(), model_id))
    articles = store.articles([r.page_id for r in records])
    vectors = store.embeddings([DOCUMENT_HASH_PREFIX + a.article_id for a in articles], model_id)
    for record in records[:20]:  # warm up
        analyser.analyse(record)
    started = time.perf_counter()
    for record in records:
        analyser.analyse(record)
    full = (time.perf_counter() - started) / len(records)
    started = time.perf_counter()
    for article in articles:
        analyser.redo(article, "link", (), vectors.get(DOCUMENT_HASH_PREFIX + article.article_id))
    return full, (time.perf_counter() - started) / max(len(articles), 1)


if __name__ == "__main__":
    main()

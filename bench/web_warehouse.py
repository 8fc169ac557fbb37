"""A generated warehouse for the web app's benchmark: articles, mentions, passages, embeddings, stances.

    python -m bench.web_warehouse /tmp/web-bench.duckdb --articles 100000

Mentions and passages come per article (10 and 3 by default: 1,000,000 and
300,000 for 100,000 articles); embeddings have the project encoder's model id
and dimension, so that search by meaning runs over them. The summaries and
vector files the web app reads are written by the same warehouse function the
process and cluster stages end with.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb

from warehouse.db import migrate
from warehouse.store import Store
from warehouse.sqlfiles import query


def generate(db: Path, articles: int, mentions_per_article: int = 10, passages_per_article: int = 3,
             model_id: str = "synthetic", dimension: int = 512) -> None:
    if db.exists():
        raise SystemExit(f"{db} exists; give a new file")
    migrate(db)
    connection = duckdb.connect(str(db))
    try:
        for name, value in [("articles", articles), ("mentions_per_article", mentions_per_article),
                            ("passages_per_article", passages_per_article), ("dimension", dimension),
                            ("model_id", model_id)]:
            connection.execute(f"SET VARIABLE {name} = ?", [value])
        connection.execute(query("synthetic_warehouse"))
        connection.execute("CHECKPOINT")
    finally:
        connection.close()
    Store(db).refresh_summaries(model_id)  # as the process and cluster stages end


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--mentions-per-article", type=int, default=10)
    parser.add_argument("--passages-per-article", type=int, default=3)
    parser.add_argument("--encoder", default="use-multilingual", help="whose model id and dimension to use")
    args = parser.parse_args()
    from nlp.embeddings import encoder_id

    started = time.monotonic()
    generate(args.db, args.articles, args.mentions_per_article, args.passages_per_article,
             encoder_id(args.encoder), 512)
    print(f"{args.db}: {args.articles} articles generated in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()

"""Page times of ``veille serve`` against the bare DuckDB queries behind each page.

    python -m bench.web_pages /tmp/web-bench.duckdb

The app runs under uvicorn on loopback and each page is fetched over real HTTP
``--repeat`` times "cold" (the file's modification time is touched first, so the
app's kept results no longer apply and it opens the file and runs every query)
and ``--repeat`` times "warm" (as a reader clicking around between two nightly
runs finds it); medians are kept. "queries" is the median time of the same
named queries run on one already open read-only DuckDB connection, with the
same parameters: the part of a cold page no web layer can save.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import duckdb
import httpx
import uvicorn

from core.errors import VeilleError
from web import pages
from web.app import create_app
from web.filters import read_filters
from web.meaning import MeaningSearch
from web.reads import Reader
from warehouse.sqlfiles import query
from starlette.datastructures import QueryParams

MEANING = "open weights let anyone check what a model does"


class Recording:
    """A session that notes the queries a page runs, for timing them bare."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.reader = session.reader
        self.fingerprint = ("recording",)
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def table(self, name: str, params: dict[str, Any] | None = None):
        self.calls.append((name, dict(params or {})))
        return self.session.table(name, params)

    def arrow(self, name: str, params: dict[str, Any] | None = None):
        """The vectors behind a search by meaning: timed bare as the query that ranks in DuckDB."""
        return self.session.arrow(name, params)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _samples(db: Path) -> dict[str, str]:
    connection = duckdb.connect(str(db), read_only=True)
    try:
        one = lambda sql: connection.execute(sql).fetchone()[0]  # noqa: E731 - bench-only lookups
        article = one("SELECT article_id FROM passages ORDER BY passage_id LIMIT 1")
        entity = one("SELECT entity_id FROM mentions GROUP BY ALL ORDER BY count(*) DESC LIMIT 1")
        stance = one("SELECT cluster_id FROM article_stances GROUP BY ALL ORDER BY count(*) DESC LIMIT 1")
        story = one("SELECT story_id FROM articles WHERE relevant GROUP BY ALL "
                    "HAVING count(DISTINCT language) > 1 ORDER BY max(published_at) DESC LIMIT 1")
        word = one("SELECT split_part(title, ' ', 1) FROM articles WHERE language = 'fr' LIMIT 1")
    finally:
        connection.close()
    return {"article": article, "entity": entity, "stance": stance, "story": story, "word": word}


def page_urls(s: dict[str, str]) -> list[str]:
    return ["/", "/stances", f"/stances?stance={s['stance']}", "/entities", f"/entities?entity={s['entity']}",
            "/stories", f"/stories?story={s['story']}", "/articles", f"/articles?q={quote(s['word'])}",
            f"/articles?entity={s['entity']}&language=zh", f"/articles?meaning={quote(MEANING)}",
            f"/article/{s['article']}"]


def _builder(url: str, meaning: MeaningSearch):
    path, _, query = url.partition("?")
    filters = read_filters(QueryParams(query))
    if path.startswith("/article/"):
        return lambda session: pages.article(session, path.removeprefix("/article/"))
    if path == "/articles":
        return lambda session: pages.articles(session, filters, meaning)
    build = {"/": pages.overview, "/stances": pages.stances, "/entities": pages.entities,
             "/stories": pages.stories}[path]
    return lambda session: build(session, filters)


def bare_queries(db: Path, url: str, meaning: MeaningSearch, repeat: int) -> float:
    """Median seconds of the page's named queries on one already open connection."""
    with Reader(db).session() as session:
        recording = Recording(session)
        _builder(url, meaning)(recording)
        if "meaning=" in url:
            vector, model_id = meaning.encode(MEANING)
            recording.calls.append(("web_passage_search", {"vector": vector, "model_id": model_id,
                                                           "language": None, "source": None}))
        connection = session.connection()
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            for name, params in recording.calls:
                sql = query(name)
                connection.execute(sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}).fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def _median_get(client: httpx.Client, url: str, repeat: int, before=lambda: None) -> float:
    times = []
    for _ in range(repeat):
        before()
        started = time.perf_counter()
        client.get(url).raise_for_status()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--encoder", default="use-multilingual")
    args = parser.parse_args()

    meaning = MeaningSearch(args.encoder, None)
    meaning.encode(MEANING)
    try:
        app = create_app(args.db, args.encoder)
    except VeilleError as error:
        raise SystemExit(f"web_pages: {error}") from None
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    samples = _samples(args.db)
    print("| page | queries ms | cold page ms | cold / queries | warm page ms |")
    print("|---|---|---|---|---|")

    def touch() -> None:
        os.utime(args.db)

    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
            for url in page_urls(samples):
                client.get(url).raise_for_status()
                cold = _median_get(client, url, args.repeat, touch)
                warm = _median_get(client, url, args.repeat)
                bare = bare_queries(args.db, url, meaning, args.repeat)
                print(f"| `{url[:60]}` | {bare * 1000:.0f} | {cold * 1000:.0f} | {cold / bare:.2f} "
                      f"| {warm * 1000:.0f} |", flush=True)
    finally:
        server.should_exit = True
        thread.join()


if __name__ == "__main__":
    main()

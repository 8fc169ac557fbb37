"""A generated warehouse with hostile articles, the app over it, and the app served on loopback."""

from __future__ import annotations

import socket
import threading
import time
import tomllib
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
import uvicorn
from starlette.testclient import TestClient

from bench.web_warehouse import generate
from nlp.embeddings import DEFAULT_ENCODER, encoder_id
from warehouse.store import Store
from web.app import create_app

DATA = Path(__file__).parent / "data"
LOADED_AT = datetime(2026, 12, 1, tzinfo=timezone.utc)


def load_articles(db: Path, fixture: Path) -> None:
    """Insert a fixture file's entities, articles, mentions and candidate names (tests only write this way)."""
    data = tomllib.loads(fixture.read_text(encoding="utf-8"))
    connection = duckdb.connect(str(db))
    try:
        for entity in data.get("entity", []):
            connection.execute("INSERT INTO entities (entity_id, kind, name, lab_id) VALUES (?, ?, ?, ?)",
                               [entity["entity_id"], entity["kind"], entity["name"], entity["entity_id"]])
            for language, alias in entity["aliases"].items():
                connection.execute("INSERT INTO entity_aliases VALUES (?, ?, ?)", [entity["entity_id"], alias, language])
        for article in data["article"]:
            connection.execute(
                "INSERT INTO articles (article_id, url, source, title, language, published_at, fetched_at, text,"
                " word_count, relevance, relevant, story_id, nlp_version, processed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0.9, true, ?, 'test', ?)",
                [article["article_id"], article["url"], article["source"], article["title"], article["language"],
                 article["published_at"], article["published_at"], article["text"], len(article["text"].split()),
                 article["article_id"], LOADED_AT])
            for mention in article.get("mentions", []):
                connection.execute(
                    "INSERT INTO mentions (article_id, entity_id, surface, start_char, end_char, method, score)"
                    " VALUES (?, ?, ?, ?, ?, 'ruler', 1.0)",
                    [article["article_id"], mention["entity_id"], article["text"][mention["start"]:mention["end"]],
                     mention["start"], mention["end"]])
            for candidate in article.get("candidates", []):
                surface = article["text"][candidate["start"]:candidate["end"]]
                connection.execute(
                    "INSERT INTO entity_candidate_mentions (article_id, name, surface, language, start_char, end_char,"
                    " sentence) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    [article["article_id"], surface.lower(), surface, article["language"], candidate["start"],
                     candidate["end"], article["text"]])
    finally:
        connection.close()
    Store(db).refresh_summaries()  # as the stages that write end


@pytest.fixture(scope="session")
def warehouse_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("web") / "veille.duckdb"
    generate(db, 600, model_id=encoder_id(DEFAULT_ENCODER), dimension=512)
    load_articles(db, DATA / "hostile.toml")
    return db


@pytest.fixture(scope="session")
def app(warehouse_file: Path):
    return create_app(warehouse_file, DEFAULT_ENCODER)


@pytest.fixture(scope="session")
def client(app) -> TestClient:
    return TestClient(app)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def served(app) -> Iterator[str]:
    """The app under uvicorn on 127.0.0.1; yields its base URL."""
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)

"""A real warehouse file filled from ``data/*.toml``, and real SMTP servers on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import tomllib
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

from digest.data import DigestData, gather
from digest.weeks import IsoWeek
from core.config import SmtpConfig
from warehouse.store import Store

DATA = Path(__file__).parent / "data"
WEEK = IsoWeek(2026, 48)
LOADED_AT = datetime(2026, 12, 1, tzinfo=timezone.utc)


def load_fixture(db: Path, fixture: Path) -> None:
    """Insert the entities, clusters and articles of a fixture file (tests only write this way)."""
    data = tomllib.loads(fixture.read_text(encoding="utf-8"))
    connection = duckdb.connect(str(db))
    try:
        for entity in data.get("entity", []):
            connection.execute(
                "INSERT INTO entities (entity_id, kind, name, parent_id) VALUES (?, ?, ?, ?)",
                [entity["entity_id"], entity["kind"], entity["name"], entity.get("parent_id")],
            )
            for language, alias in entity.get("aliases", {}).items():
                connection.execute(
                    "INSERT INTO entity_aliases VALUES (?, ?, ?)", [entity["entity_id"], alias, language]
                )
        for cluster in data.get("cluster", []):
            connection.execute(
                "INSERT INTO stance_clusters (cluster_id, label, kind, labels, model_id, centroid, size,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, 'test', [0.0], 1, ?, ?)",
                [cluster["cluster_id"], cluster["label"], cluster.get("kind", "seeded"),
                 json.dumps({"en": cluster["label"]}), LOADED_AT, LOADED_AT],
            )
        names = {e["entity_id"]: e["name"] for e in data.get("entity", [])}
        for article in data.get("article", []):
            fetched_at = article.get("fetched_at", article.get("published_at"))
            title = article["title"]
            connection.execute(
                "INSERT INTO articles (article_id, url, source, title, language, published_at, fetched_at,"
                " text, word_count, relevance, relevant, story_id, nlp_version, processed_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'test', ?)",
                [
                    article["article_id"],
                    f"https://{article['source']}.example/{article['article_id']}",
                    article["source"],
                    title,
                    article["language"],
                    article.get("published_at"),
                    fetched_at,
                    title,
                    len(title.split()),
                    0.9 if article["relevant"] else 0.1,
                    article["relevant"],
                    article.get("story_id", article["article_id"]),
                    LOADED_AT,
                ],
            )
            for position, entity_id in enumerate(article.get("mentions", [])):
                connection.execute(
                    "INSERT INTO mentions (article_id, entity_id, surface, start_char, end_char, method, score) "
                    "VALUES (?, ?, ?, ?, ?, 'ruler', 1.0)",
                    [article["article_id"], entity_id, names[entity_id], position * 10, position * 10 + 5],
                )
            for cluster_id, score in article.get("stances", {}).items():
                connection.execute(
                    "INSERT INTO article_stances VALUES (?, ?, ?, 1)", [article["article_id"], cluster_id, score]
                )
    finally:
        connection.close()


@pytest.fixture
def week() -> IsoWeek:
    """The week the fixture warehouse is about."""
    return WEEK


@pytest.fixture
def empty_db(warehouse: Store) -> Path:
    """A migrated, empty warehouse file (the shared ``warehouse`` fixture)."""
    return warehouse.path


@pytest.fixture
def db(empty_db: Path) -> Path:
    """The warehouse file with ``data/warehouse.toml`` loaded."""
    load_fixture(empty_db, DATA / "warehouse.toml")
    return empty_db


@pytest.fixture
def data(db: Path, week: IsoWeek) -> DigestData:
    return gather(Store(db), week)


def free_port() -> int:
    """A local port nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An SMTP handler that keeps what it accepts, and can defer, refuse or hang up on cue."""

    def __init__(self) -> None:
        self.received: list[Envelope] = []
        self.data_calls = 0
        self.hang_ups = 0  # DATA commands to answer by closing the connection
        self.deferrals = 0  # RCPT commands to answer with 451
        self.refused: set[str] = set()  # addresses to answer with 550

    async def handle_RCPT(self, server, _client, envelope: Envelope, address: str, rcpt_options) -> str:
        if self.deferrals:
            self.deferrals -= 1
            return "451 4.3.0 try again later"
        if address in self.refused:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, _client, envelope: Envelope) -> str:
        self.data_calls += 1
        if self.hang_ups:
            self.hang_ups -= 1
            server.transport.close()
        else:
            self.received.append(envelope)
        return "250 OK"


@pytest.fixture
def inbox() -> Inbox:
    return Inbox()


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture
def smtp_server() -> Iterator[Callable[..., int]]:
    """Start real aiosmtpd servers on 127.0.0.1: ``start(handler, port=None, **smtp_options) -> port``."""
    controllers: list[Controller] = []

    def start(handler: Inbox, port: int | None = None, **options) -> int:
        controller = Controller(handler, hostname="127.0.0.1", port=port or free_port(), **options)
        controller.start()
        controllers.append(controller)
        return controller.port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture
def smtp_config() -> Callable[..., SmtpConfig]:
    def make(port: int, **overrides) -> SmtpConfig:
        return SmtpConfig(**{"host": "127.0.0.1", "port": port, "security": "none", "timeout": 5.0,
                             "retries": 2, **overrides})

    return make


@pytest.fixture
def noisy(empty_db: Path, week: IsoWeek) -> DigestData:
    """The week of ``data/noisy.toml``: relevant articles spread over ten stance clusters."""
    load_fixture(empty_db, DATA / "noisy.toml")
    return gather(Store(empty_db), week)

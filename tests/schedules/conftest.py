"""A real SMTP server on 127.0.0.1 that keeps what it accepts, and a configuration file for it."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import Envelope

DATA = Path(__file__).with_name("data")


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server, session, envelope: Envelope) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    @property
    def weeks(self) -> list[str]:
        return [message["X-Veille-Week"] for message in self.messages]


def free_port() -> int:
    """A loopback port nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def unused_port() -> int:
    return free_port()


@pytest.fixture
def inbox() -> Iterator[tuple[Inbox, int]]:
    """A running server and the port it listens on."""
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def write_config(tmp_path: Path):
    """``write_config(template, **values)``: ``data/<template>`` with its ``{placeholders}`` filled, in tmp_path."""

    def write(template: str, **values: object) -> Path:
        path = tmp_path / template
        path.write_text((DATA / template).read_text(encoding="utf-8").format(**values), encoding="utf-8")
        return path

    return write

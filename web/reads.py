"""Reading named queries for the web pages, read-only by construction.

The app never holds the warehouse open between requests: DuckDB lets no
process write while another has the file open, and the nightly run must be
able to write. A request that needs the database opens a read-only connection
with the same locks as ``veille query`` (no file access, no extensions,
configuration locked before any SQL runs) and closes it before the page is
sent; when a writer holds the file, it waits for the writer's batch to end.

Opening a large file costs tens of milliseconds and some queries scan
millions of rows, so results are kept in memory, keyed by the query, its
parameters and the file's fingerprint (size and modification time of the
file and its write-ahead log): any write changes the fingerprint, so a kept
result is never older than the file.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warehouse.db import SEALED, Connection, WarehouseError, pending_migrations, read_connection, seal
from warehouse.query import named_arrow, named_parameters, named_rows
from warehouse.sqlfiles import query

LOCK_TIMEOUT = 20.0
"""Seconds a request waits for a writer's batch to end before it answers 503."""
KEPT_RESULTS = 512


@dataclass(frozen=True)
class Table:
    """One named query's result, with the SQL and parameters that made it."""

    name: str
    sql: str
    params: dict[str, Any]
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def records(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row)) for row in self.rows]


def _key(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


class Reader:
    """Runs named queries in ``warehouse/sql/queries`` over one warehouse file."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self._kept: OrderedDict[tuple, Any] = OrderedDict()
        self._lock = threading.Lock()
        self._checked: tuple | None = None
        if not db.exists():
            raise WarehouseError(f"no warehouse at {db}; run `veille init` first")
        with self.session() as session:
            session.connection()

    def fingerprint(self) -> tuple:
        wal = self.db.with_name(self.db.name + ".wal")
        stats = [path.stat() if path.exists() else None for path in (self.db, wal)]
        return tuple((s.st_size, s.st_mtime_ns) if s else None for s in stats)

    def kept(self, key: tuple) -> Any:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        return None

    def keep(self, key: tuple, value: Any) -> None:
        with self._lock:
            self._kept[key] = value
            while len(self._kept) > KEPT_RESULTS:
                self._kept.popitem(last=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        session = Session(self, self.fingerprint())
        try:
            yield session
        finally:
            session.close()

    @contextmanager
    def _open(self) -> Iterator[Connection]:
        with read_connection(self.db, lock_timeout=LOCK_TIMEOUT, config=dict(SEALED)) as connection:
            fingerprint = self.fingerprint()
            if self._checked != fingerprint:
                if pending := pending_migrations(connection):
                    raise WarehouseError(f"{self.db} predates this version of veille ({', '.join(pending)} "
                                         "not applied); run `veille init` to upgrade it")
                self._checked = fingerprint
            seal(connection)
            yield connection


class Session:
    """The queries of one request: kept results, or one read-only connection opened on first need."""

    def __init__(self, reader: Reader, fingerprint: tuple) -> None:
        self.reader = reader
        self.fingerprint = fingerprint
        self._context: Any = None
        self._connection: Connection | None = None

    def connection(self) -> Connection:
        if self._connection is None:
            self._context = self.reader._open()
            self._connection = self._context.__enter__()
        return self._connection

    def close(self) -> None:
        if self._context is not None:
            self._context.__exit__(None, None, None)
            self._context = self._connection = None

    def table(self, name: str, params: dict[str, Any] | None = None) -> Table:
        used = named_parameters(name, params or {})
        key = (self.fingerprint, name, tuple(sorted((k, _key(v)) for k, v in used.items())))
        if (kept := self.reader.kept(key)) is not None:
            return kept
        columns, rows = named_rows(self.connection(), name, used)
        table = Table(name, query(name), {k: v for k, v in used.items() if k != "vector"}, columns, rows)
        self.reader.keep(key, table)
        return table

    def arrow(self, name: str, params: dict[str, Any] | None = None) -> Any:
        """A named query's result as an Arrow table, not kept (for bulk reads)."""
        return named_arrow(self.connection(), name, params or {})

"""Reading named queries for the web pages, read-only by construction.

Each request opens its own read-only connection and closes it before the page
is sent, so the app never holds the file while a nightly run wants to write:
when a writer holds it, the request waits for the writer's batch to end (as
``veille query`` does). The connection gets the same locks as ``veille query``:
no file access, no extensions, configuration locked before any SQL runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from warehouse.db import WarehouseError, pending_migrations, read_connection
from warehouse.sqlfiles import query

LOCK_TIMEOUT = 20.0
"""Seconds a request waits for a writer's batch to end before it answers 503."""

_LOCKED = {"autoload_known_extensions": False, "autoinstall_known_extensions": False}


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


class Reader:
    """Runs named queries in ``warehouse/sql/queries`` over one warehouse file."""

    def __init__(self, db: Path) -> None:
        self.db = db
        with self.session():
            pass

    @contextmanager
    def session(self) -> Iterator[Session]:
        with read_connection(self.db, lock_timeout=LOCK_TIMEOUT, config=dict(_LOCKED)) as connection:
            if pending := pending_migrations(connection):
                raise WarehouseError(f"{self.db} predates this version of veille ({', '.join(pending)} "
                                     "not applied); run `veille init` to upgrade it")
            connection.execute("SET enable_external_access = false")
            connection.execute("SET lock_configuration = true")
            yield Session(connection)


class Session:
    """One open read-only connection, for the queries of one request."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self.connection = connection

    def table(self, name: str, params: dict[str, Any] | None = None) -> Table:
        sql = query(name)
        used = {key: value for key, value in (params or {}).items() if re.search(rf"\${key}\b", sql)}
        cursor = self.connection.execute(sql, used)
        columns = [d[0] for d in cursor.description]
        return Table(name, sql, {k: v for k, v in used.items() if k != "vector"}, columns, cursor.fetchall())

    def scalar(self, name: str, params: dict[str, Any] | None = None) -> Any:
        table = self.table(name, params)
        return table.rows[0][0] if table.rows else None

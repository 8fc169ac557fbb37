"""Opening the warehouse file: locking, retries and migrations.

DuckDB lets one process hold a database file for writing, and while it does no
other process may open the file, not even to read. veille therefore never keeps
the file open longer than one batch: writers open, write a transaction and
close; readers and writers that find the file locked wait and retry, so a
``veille query`` issued during ``veille nightly`` answers within seconds.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from core.errors import VeilleError
from warehouse.sqlfiles import migrations, query

DEFAULT_LOCK_TIMEOUT = 60.0
Connection = duckdb.DuckDBPyConnection
"""An open warehouse connection, as the readers outside this package name its type."""
SEALED = {"autoload_known_extensions": False, "autoinstall_known_extensions": False}
"""Connection settings of a sealed reader: no extension is loaded or installed (see ``seal``)."""


class WarehouseError(VeilleError):
    """A problem with the warehouse file that a user can act on."""


class WarehouseBusy(WarehouseError):
    """Another process kept the file locked for longer than we were willing to wait."""


def _is_lock_conflict(error: duckdb.Error) -> bool:
    return "lock" in str(error).lower() and isinstance(error, duckdb.IOException)


def _open(path: Path, *, read_only: bool, lock_timeout: float, config: dict | None = None):
    deadline = time.monotonic() + lock_timeout
    delay = 0.02
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only, config=config or {})
        except duckdb.IOException as error:
            if not _is_lock_conflict(error):
                raise WarehouseError(f"cannot open {path}: {str(error).splitlines()[0]}") from None
            if time.monotonic() >= deadline:
                raise WarehouseBusy(
                    f"{path} stayed locked by another veille process for {lock_timeout:.0f} s; "
                    "try again when it has finished"
                ) from None
        time.sleep(delay * (1 + random.random()))
        delay = min(delay * 1.6, 0.5)


@contextmanager
def write_transaction(
    path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT
) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open the file for writing, run one transaction, commit and close.

    Everything written inside the block lands together or not at all, so a
    process killed mid-batch leaves the warehouse as it was before the batch.
    """
    if not path.exists():
        raise WarehouseError(f"no warehouse at {path}; run `veille init` first")
    connection = _open(path, read_only=False, lock_timeout=lock_timeout)
    try:
        with transaction(connection):
            yield connection
    finally:
        connection.close()


@contextmanager
def transaction(connection: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """One transaction on an open connection: committed when the block ends, rolled back if it raises."""
    connection.execute("BEGIN TRANSACTION")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


@contextmanager
def read_connection(
    path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT, config: dict | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A read-only connection, closed when the block ends."""
    if not path.exists():
        raise WarehouseError(f"no warehouse at {path}; run `veille init` first")
    connection = _open(path, read_only=True, lock_timeout=lock_timeout, config=config)
    try:
        yield connection
    finally:
        connection.close()


def seal(connection: duckdb.DuckDBPyConnection) -> None:
    """No file outside the warehouse is read or written from now on, and no setting may change.

    For a connection opened read-only with ``SEALED``: the SQL it then runs
    can reach nothing but the tables. Connections of one process to one file
    share DuckDB's configuration: one opened while another is open (two web
    requests at once) finds it sealed already, and checks that it is.
    """
    try:
        connection.execute("SET enable_external_access = false")
        connection.execute("SET lock_configuration = true")
    except duckdb.InvalidInputException:
        if connection.execute(query("sealed_settings")).fetchone() != (False, True, False, False):
            raise


def pending_migrations(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """Migrations not yet applied to an open database (all of them for a foreign file)."""
    try:
        done = {row[0] for row in connection.execute(query("schema_migrations_versions")).fetchall()}
    except duckdb.CatalogException:
        done = set()
    return [f"{m.version:03d}_{m.name}" for m in migrations() if m.version not in done]


def migrate(path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> list[str]:
    """Create the file if needed and apply every migration not yet recorded.

    Each migration runs in its own transaction together with the row that
    records it, so it is applied exactly once. Returns the names applied.
    """
    connection = open_for_writing(path, lock_timeout=lock_timeout)
    try:
        return migrate_open(connection)
    finally:
        connection.close()


def open_for_writing(path: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> duckdb.DuckDBPyConnection:
    """A connection that may write, created with the file if need be; the caller closes it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return _open(path, read_only=False, lock_timeout=lock_timeout)


def migrate_open(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """``migrate`` on a connection already open for writing."""
    applied: list[str] = []
    connection.execute(query("schema_migrations_create"))
    done = {row[0] for row in connection.execute(query("schema_migrations_versions")).fetchall()}
    for migration in migrations():
        if migration.version in done:
            continue
        with transaction(connection):
            connection.execute(migration.script)
            connection.execute(
                query("schema_migrations_record"),
                [migration.version, migration.name, datetime.now(timezone.utc)],
            )
        applied.append(f"{migration.version:03d}_{migration.name}")
    return applied

"""Read-only SQL for users: ``veille query``, and the named queries readers outside the warehouse run.

Read-only by construction: the connection is opened read-only, file access is
limited to the data directory, extension installing and loading are off, and
that configuration is locked before the user's SQL runs. Statements other
than queries (DuckDB's own parser classifies them) are refused, since a
read-only connection would still let ``COPY ... TO`` write a file.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from core.errors import VeilleError
from warehouse.db import (
    DEFAULT_LOCK_TIMEOUT,
    SEALED,
    Connection,
    WarehouseError,
    pending_migrations,
    read_connection,
    seal,
)
from warehouse.sqlfiles import query

FORMATS = ("table", "csv", "json", "parquet")
_ALLOWED_STATEMENTS = {"SELECT", "EXPLAIN", "RELATION"}


class QueryError(VeilleError):
    """The SQL was refused or failed; the message is one line."""

    exit_code = 2  # a usage error: the SQL given


@dataclass(frozen=True)
class QueryResult:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    arrow: Any  # pyarrow.Table, for parquet


_POSITION = re.compile(r"^LINE (\d+): ")


def _one_line(error: Exception) -> str:
    """DuckDB's message on one line, with its hints ("Did you mean …", "Candidate bindings: …")
    and, for a syntax error, the line and column it points at."""
    lines = str(error).strip().splitlines()
    if not lines:
        return type(error).__name__
    message: list[str] = []
    for index, line in enumerate(lines):
        position = _POSITION.match(line)
        if position:
            caret = lines[index + 1].find("^") if index + 1 < len(lines) else -1
            text = line[position.end():]
            if caret >= position.end() and not text.startswith("..."):
                message.append(f"(line {position.group(1)}, column {caret - position.end() + 1})")
            break
        if line.strip():
            message.append(" ".join(line.split()))
    return " ".join(message)


def run_query(db: Path, sql: str, data_dir: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> QueryResult:
    if not sql.strip():
        raise QueryError("no SQL given")
    with read_connection(db, lock_timeout=lock_timeout, config=dict(SEALED)) as connection:
        if pending := pending_migrations(connection):
            raise WarehouseError(f"{db} predates this version of veille ({', '.join(pending)} not applied); "
                                 "run `veille init` to upgrade it")
        allowed = str(data_dir.resolve()) + "/"
        connection.execute("SET allowed_directories = [?]", [allowed])
        seal(connection)
        try:
            statements = connection.extract_statements(sql)
        except duckdb.Error as error:
            raise QueryError(_one_line(error)) from None
        if len(statements) != 1:
            raise QueryError("give exactly one SQL statement")
        kind = statements[0].type.name
        if kind not in _ALLOWED_STATEMENTS:
            raise QueryError(
                f"refused: veille query is read-only and runs only SELECT-type statements, not {kind}"
            )
        try:
            table = connection.sql(sql).to_arrow_table()
        except duckdb.Error as error:
            raise QueryError(_one_line(error)) from None
    columns = table.column_names
    rows = list(zip(*(table.column(i).to_pylist() for i in range(table.num_columns)))) if columns else []
    return QueryResult(columns, rows, table)


def named_parameters(name: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """The parameters of ``params`` that the named query ``name`` uses (``$key``)."""
    sql = query(name)
    return {key: value for key, value in params.items() if re.search(rf"\${key}\b", sql)}


def named_rows(connection: Connection, name: str, params: Mapping[str, Any],
               ) -> tuple[list[str], list[tuple[Any, ...]]]:
    """The column names and rows of the named query ``name``, given the parameters it uses."""
    cursor = connection.execute(query(name), named_parameters(name, params))
    return [d[0] for d in cursor.description], cursor.fetchall()


def named_arrow(connection: Connection, name: str, params: Mapping[str, Any]) -> Any:
    """The named query ``name``'s result as an Arrow table (for bulk reads)."""
    return connection.sql(query(name), params=dict(params)).to_arrow_table()


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def render(result: QueryResult, fmt: str, output: Path | None = None, *, wide: bool = False) -> str | None:
    """Text to print (or None when written to ``output``); a table cuts long values unless ``wide``."""
    if fmt == "parquet":
        if output is None:
            raise QueryError("--format parquet needs --output FILE")
        import pyarrow.parquet as pq

        pq.write_table(result.arrow, output)
        return None
    if fmt == "json":
        text = json.dumps([dict(zip(result.columns, map(_plain, row))) for row in result.rows],
                          ensure_ascii=False, indent=2)
    elif fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([[_plain(v) for v in row] for row in result.rows])
        text = buffer.getvalue().rstrip("\n")
    else:
        text = _table(result, None if wide else CELL_WIDTH)
    if output is not None:
        output.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        return None
    return text


CELL_WIDTH = 60
"""Characters a table cell shows before it is cut with "…" (``--wide`` shows values whole)."""


def _cell(value: Any, width: int | None) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    text = "NULL" if value is None else str(_plain(value))
    text = " ".join(text.split())
    return text if width is None or len(text) <= width else text[: width - 1] + "…"


def _table(result: QueryResult, width: int | None) -> str:
    from rich.cells import cell_len

    cells = [[_cell(v, width) for v in row] for row in result.rows]
    widths = [cell_len(c) for c in result.columns]
    for row in cells:
        widths = [max(w, cell_len(c)) for w, c in zip(widths, row)]

    def line(values: list[str]) -> str:
        return "  ".join(v + " " * (w - cell_len(v)) for v, w in zip(values, widths)).rstrip()

    out = [line(result.columns), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    out.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(out)


__all__ = ["FORMATS", "QueryError", "QueryResult", "WarehouseError", "named_arrow", "named_parameters",
           "named_rows", "render", "run_query"]

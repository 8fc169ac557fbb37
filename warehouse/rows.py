"""Stored rows declared once: a record's dataclass fields are its table's columns.

A record in ``warehouse/records.py`` names its table (``TABLE``) and types its
fields; this module derives from them the Arrow schema a batch is written with,
the conversions between Python values and stored values (JSON text, compressed
bytes) and the DuckDB type each column must have. A field whose Python type
alone does not say how it is stored carries a ``Column`` in ``Annotated``.
The insert statements in ``sql/queries`` name no columns (``BY NAME``), so a new
stored column is a migration plus one field.
"""

from __future__ import annotations

import json
import types
import typing
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from functools import cache
from typing import Any, Annotated, Union

import numpy as np
import pyarrow as pa


@dataclass(frozen=True)
class Column:
    """How one field is stored: its Arrow type, its DuckDB type, and conversions both ways."""

    arrow: pa.DataType
    sql: str
    encode: Callable[[Any], Any] | None = None
    decode: Callable[[Any], Any] | None = None


def _json_text(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _vectors(vectors: Iterable[np.ndarray]) -> pa.Array:
    """Vectors as an Arrow list column, built from one flat numpy buffer (no Python floats)."""
    rows = [np.asarray(v, dtype=np.float32).ravel() for v in vectors]
    lengths = np.fromiter((len(r) for r in rows), dtype=np.int32, count=len(rows))
    offsets = np.zeros(len(rows) + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])
    values = np.concatenate(rows) if rows else np.zeros(0, dtype=np.float32)
    return pa.ListArray.from_arrays(pa.array(offsets), pa.array(values, type=pa.float32()))


SMALLINT = Column(pa.int16(), "SMALLINT")
BIGINT = Column(pa.int64(), "BIGINT")
JSON = Column(pa.string(), "JSON", encode=_json_text, decode=json.loads)
"""A value kept as JSON text (dictionaries, lists), read back as Python values."""
COMPRESSED = Column(pa.binary(), "BLOB", encode=lambda b: zlib.compress(b, 6), decode=zlib.decompress)
"""Bytes kept zlib-compressed."""
VECTOR = Column(pa.list_(pa.float32()), "FLOAT[]", decode=lambda v: np.asarray(v, dtype=np.float32))

_BY_TYPE: dict[Any, Column] = {
    str: Column(pa.string(), "VARCHAR"),
    int: Column(pa.int32(), "INTEGER"),
    float: Column(pa.float32(), "FLOAT"),
    bool: Column(pa.bool_(), "BOOLEAN"),
    bytes: Column(pa.binary(), "BLOB"),
    datetime: Column(pa.timestamp("us", tz="UTC"), "TIMESTAMP WITH TIME ZONE"),
    np.ndarray: VECTOR,
}


@dataclass(frozen=True)
class Field:
    name: str
    column: Column


def _column(name: str, hint: Any) -> Column:
    if typing.get_origin(hint) is Annotated:
        found = [m for m in hint.__metadata__ if isinstance(m, Column)]
        if found:
            return found[0]
        hint = typing.get_args(hint)[0]
    if typing.get_origin(hint) in (Union, types.UnionType):
        (hint,) = [a for a in typing.get_args(hint) if a is not type(None)]
        return _column(name, hint)
    if hint in _BY_TYPE:
        return _BY_TYPE[hint]
    raise TypeError(f"field {name!r}: no stored type for {hint!r}; annotate it with a warehouse.rows.Column")


@cache
def columns(record: type) -> tuple[Field, ...]:
    """The stored columns of a record class, in declaration order."""
    if not is_dataclass(record):
        raise TypeError(f"{record.__name__} is not a dataclass")
    hints = typing.get_type_hints(record, include_extras=True)
    return tuple(Field(f.name, _column(f.name, hints[f.name])) for f in fields(record))


def schema(record: type) -> pa.Schema:
    """The Arrow schema a batch of ``record`` is written with."""
    return pa.schema([(f.name, f.column.arrow) for f in columns(record)])


def sql_types(record: type) -> dict[str, str]:
    """Column name → the DuckDB type its table must declare."""
    return {f.name: f.column.sql for f in columns(record)}


def to_arrow(record: type, rows: Sequence[Any]) -> pa.Table:
    """Records of one class as one Arrow table, column by column."""
    arrays = []
    for f in columns(record):
        values = [getattr(row, f.name) for row in rows]
        if f.column is VECTOR:
            arrays.append(_vectors(values))
            continue
        if f.column.encode is not None:
            values = [None if v is None else f.column.encode(v) for v in values]
        arrays.append(pa.array(values, type=f.column.arrow))
    return pa.Table.from_arrays(arrays, schema=schema(record))


def from_row(record: type, row: Mapping[str, Any]) -> Any:
    """A record from one stored row (the columns it declares; others are ignored)."""
    settable = {f.name for f in fields(record) if f.init}
    values = {}
    for f in columns(record):
        if f.name not in row or f.name not in settable:
            continue
        value = row[f.name]
        values[f.name] = value if value is None or f.column.decode is None else f.column.decode(value)
    return record(**values)


def build(record: type, source: Any, /, **given: Any) -> Any:
    """A record whose fields are taken from ``given``, else from ``source``'s attributes of the same name."""
    values = dict(given)
    for f in fields(record):
        if f.name not in values and hasattr(source, f.name):
            values[f.name] = getattr(source, f.name)
    return record(**values)


def stored_records(module: types.ModuleType) -> list[type]:
    """The record classes of a module that declare a stored row (those with a ``TABLE``)."""
    return [value for value in vars(module).values()
            if isinstance(value, type) and is_dataclass(value) and isinstance(getattr(value, "TABLE", None), str)]


def disagreements(record: type[Any], table_columns: Mapping[str, str]) -> list[str]:
    """How a record's declaration and its table's columns (name → DuckDB type) differ; empty when they agree."""
    declared = sql_types(record)
    found = [f"{record.TABLE}.{name} is declared {kind} but stored {table_columns[name]}"
             for name, kind in declared.items() if name in table_columns and table_columns[name] != kind]
    found += [f"{record.TABLE}.{name} is declared in {record.__name__} but not in the table"
              for name in declared if name not in table_columns]
    found += [f"{record.TABLE}.{name} is in the table but not declared in {record.__name__}"
              for name in table_columns if name not in declared]
    return found

"""The warehouse as Parquet files for other engines (DuckDB, Polars, Spark, pandas).

Each table is one folder of Parquet files in the Hive layout
(``articles/week=2026-W48/language=fr/part-0.parquet``): engines that read a
partitioned dataset (``read_parquet(..., hive_partitioning = true)``,
``pl.scan_parquet(..., hive_partitioning=True)``, ``spark.read.parquet``) find
the ``week`` and ``language`` columns in the folder names. Columns have plain
types: strings, integers, floats, booleans and UTC timestamps (JSON as text).
Rows stream from DuckDB in batches, so a large warehouse is never held in
memory whole.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.dataset as ds

from warehouse.db import DEFAULT_LOCK_TIMEOUT, read_connection
from warehouse.sqlfiles import query


@dataclass(frozen=True)
class ExportedTable:
    name: str
    query: str  # in warehouse/sql/queries
    partitioned: bool


TABLES = (
    ExportedTable("articles", "export_articles", True),
    ExportedTable("mentions", "export_mentions", True),
    ExportedTable("stances", "export_stances", True),
    ExportedTable("entities", "export_entities", False),
    ExportedTable("entity_aliases", "export_entity_aliases", False),
)
PARTITIONING = ds.partitioning(pa.schema([("week", pa.string()), ("language", pa.string())]), flavor="hive")
ROWS_PER_BATCH = 50_000


def export_parquet(db: Path, directory: Path, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> dict[str, int]:
    """Write every exported table under ``directory`` (each table's folder replaced); rows per table."""
    directory.mkdir(parents=True, exist_ok=True)
    counts: dict[str, int] = {}
    with read_connection(db, lock_timeout=lock_timeout) as connection:
        for table in TABLES:
            target = directory / table.name
            if target.exists():
                shutil.rmtree(target)
            reader = connection.sql(query(table.query)).to_arrow_reader(ROWS_PER_BATCH)
            counts[table.name] = _write(reader, target, table.partitioned)
    return counts


def _plain(schema: pa.Schema) -> pa.Schema:
    """Timestamps named in UTC, whatever zone name the database session gave them ("Etc/UTC")."""
    return pa.schema([pa.field(f.name, pa.timestamp("us", tz="UTC")) if pa.types.is_timestamp(f.type) else f
                      for f in schema])


def _write(reader: pa.RecordBatchReader, target: Path, partitioned: bool) -> int:
    rows = 0
    schema = _plain(reader.schema)

    def batches():
        nonlocal rows
        for batch in reader:
            rows += batch.num_rows
            yield batch.cast(schema)

    ds.write_dataset(batches(), target, schema=schema, format="parquet",
                     partitioning=PARTITIONING if partitioned else None, basename_template="part-{i}.parquet",
                     existing_data_behavior="overwrite_or_ignore")
    if rows == 0 and not any(target.rglob("*.parquet")):  # an empty table still gets a file, its columns named
        target.mkdir(parents=True, exist_ok=True)
        import pyarrow.parquet as pq

        pq.write_table(schema.empty_table(), target / "part-0.parquet")
    return rows

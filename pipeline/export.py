"""The export stage: the warehouse as partitioned Parquet (``warehouse/export.py``)."""

from __future__ import annotations

from pathlib import Path

from core.config import Config
from warehouse.export import export_parquet


def export_stage(config: Config, directory: Path) -> str:
    """Export and say what was written where."""
    counts = export_parquet(config.db, directory)
    tables = ", ".join(f"{name} {rows}" for name, rows in counts.items())
    return f"export: {tables} rows written to {directory} (Parquet, partitioned by week and language)"

"""Shared fixtures: a real DuckDB warehouse in a temp folder, and the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from warehouse.store import Store

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def warehouse(tmp_path: Path) -> Store:
    store = Store(tmp_path / "data" / "veille.duckdb")
    store.migrate()
    return store


def run_veille(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
               timeout: float = 300, check: bool = False) -> subprocess.CompletedProcess[str]:
    """Run the real ``veille`` command line in a child process."""
    full_env = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    full_env.pop("VEILLE_DB", None) if env is None or "VEILLE_DB" not in env else None
    completed = subprocess.run(
        [sys.executable, "-m", "veille.cli", *args], cwd=cwd, env=full_env, capture_output=True, text=True,
        timeout=timeout,
    )
    if check and completed.returncode != 0:
        raise AssertionError(f"veille {' '.join(args)} failed ({completed.returncode}):\n{completed.stderr}")
    return completed


@pytest.fixture
def veille():
    return run_veille

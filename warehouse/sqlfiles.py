"""Loading the SQL that lives in ``warehouse/sql``.

SQL is kept in ``.sql`` files, one statement or script per file, so that it
can be read, diffed and run by hand; Python only names it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    script: str


@cache
def query(name: str) -> str:
    """The text of ``warehouse/sql/queries/<name>.sql``."""
    path = resources.files("warehouse.sql").joinpath("queries", f"{name}.sql")
    if not path.is_file():
        raise KeyError(f"no SQL query named {name!r} in warehouse/sql/queries")
    return path.read_text(encoding="utf-8")


@cache
def migrations() -> tuple[Migration, ...]:
    """Every numbered migration, in order."""
    found = []
    for entry in resources.files("warehouse.sql").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append(
                Migration(int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8"))
            )
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise RuntimeError(f"two migrations share a number: {versions}")
    return tuple(found)

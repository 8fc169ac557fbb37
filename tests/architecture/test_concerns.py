"""One home per concern, as docs/architecture.md gives them: the warehouse is the only
code that speaks SQL, and nlp is computation over text that reaches no network."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.architecture.test_floors import ROOT, floors

SQL_CLIENTS = ("duckdb",)
NETWORK = ("socket", "ssl", "http", "urllib.request", "urllib3", "requests", "httpx", "aiohttp", "smtplib",
           "scrapy", "twisted")
"""Modules that open connections (``urllib.parse`` only reads URLs and is not one of them)."""


def imported_modules(path: Path) -> set[str]:
    """The dotted names ``path`` imports, with ``from a import b`` counted as ``a`` and ``a.b``."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def uses(path: Path, modules: tuple[str, ...]) -> list[str]:
    """The imports of ``path`` that are one of ``modules`` or inside one."""
    return sorted(name for name in imported_modules(path)
                  if any(name == module or name.startswith(module + ".") for module in modules))


def test_only_the_warehouse_speaks_sql():
    found = [f"{path.relative_to(ROOT)} imports {', '.join(names)}"
             for package in floors() if package not in ("warehouse", "bench")
             for path in sorted((ROOT / package).rglob("*.py")) if (names := uses(path, SQL_CLIENTS))]
    assert not found, "SQL belongs in warehouse/ (a named query in warehouse/sql/queries):\n" + "\n".join(found)


def test_nlp_reaches_no_network():
    found = [f"{path.relative_to(ROOT)} imports {', '.join(names)}"
             for path in sorted((ROOT / "nlp").rglob("*.py")) if (names := uses(path, NETWORK))]
    assert not found, "nlp computes over text it is given:\n" + "\n".join(found)


def test_the_checks_see_the_imports_they_look_for(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("from urllib import request, parse\nimport duckdb.typing\n\n"
                      "def f():\n    from http.client import HTTPConnection\n", "utf-8")
    assert uses(module, NETWORK) == ["http.client", "http.client.HTTPConnection", "urllib.request"]
    assert uses(module, SQL_CLIENTS) == ["duckdb.typing"]

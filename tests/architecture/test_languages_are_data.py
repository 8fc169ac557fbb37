"""Languages are data: no module outside the registry names a language or writes a script's range."""

from __future__ import annotations

import ast
from pathlib import Path

from core.languages import Registry

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("core", "warehouse", "nlp", "crawlers", "digest", "pipeline", "schedules", "veille")
ALLOWED = {("nlp/stances/clustering.py", "READER_LANGUAGE")}
"""The one language the product itself is written in (cluster labels shown in the digest)."""
RANGES = ("\\u3400", "\\u4e00", "\\u9fff")


def _modules():
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if path.parent != ROOT / "core" / "languages":
                yield path.relative_to(ROOT).as_posix(), path.read_text("utf-8")


def test_no_module_names_a_language_code() -> None:
    codes = set(Registry.load().codes) | {"zh_hant"}
    found = []
    for name, source in _modules():
        tree = ast.parse(source)
        assigned = {node.value: target.id for node in ast.walk(tree) if isinstance(node, ast.Assign)
                    for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and node.value in codes and (name, assigned.get(node)) not in ALLOWED:
                found.append(f"{name}:{node.lineno} {node.value!r}")
    assert not found, "ask core.languages.registry() instead: " + ", ".join(found)


def test_no_module_writes_a_script_range() -> None:
    found = [name for name, source in _modules() if any(r in source for r in RANGES)]
    assert not found, "use nlp.segmentation (HAN, UNSPACED), read from the registry: " + ", ".join(found)

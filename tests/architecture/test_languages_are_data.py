"""Languages are data: no module outside the registry names a language, writes a script's range or
holds a word of an unspaced script (a date mark, a byline's role word) outside its documentation."""

from __future__ import annotations

import ast
import re
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


UNSPACED = re.compile(f"[{Registry.load().unspaced_characters}]")


def _unspaced_words(source: str) -> list[str]:
    """The string constants of ``source`` that hold a character of an unspaced script (年, 记者),
    docstrings and comments aside: where they are examples, not what the code reads."""
    tree = ast.parse(source)
    documentation = {id(node.value) for node in ast.walk(tree)
                     if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    return [f"{node.lineno} {node.value[:30]!r}" for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in documentation
            and UNSPACED.search(node.value)]


def test_no_module_holds_words_of_an_unspaced_script() -> None:
    found = [f"{name}:{word}" for name, source in _modules() for word in _unspaced_words(source)]
    assert not found, "put the words in the language's file ([dates.grammar], [extraction]): " + ", ".join(found)


def test_the_check_sees_a_date_mark_and_a_role_word_but_not_an_example() -> None:
    code = '''"""Dates as 2024年3月12日."""
import re

YEAR = re.compile(r"(\\d{4})\\s*年")  # 2024年
ROLES = [f"{x}记者" for x in "ab"]


def f() -> None:
    """记者 王小明."""
'''
    assert [found.split()[0] for found in _unspaced_words(code)] == ["4", "5"]

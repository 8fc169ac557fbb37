"""Packages import only packages on lower floors, as docs/architecture.md draws them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def floors() -> dict[str, int]:
    """The floor of each package, read from the table of docs/architecture.md."""
    table = re.findall(r"^\| (\d+) \| (\w+) \|", (ROOT / "docs" / "architecture.md").read_text("utf-8"), re.M)
    return {package: int(floor) for floor, package in table}


def imported_packages(path: Path) -> set[str]:
    """The top-level names ``path`` imports, wherever the import statement stands."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_table_names_every_package_of_the_distribution():
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert packages == set(floors())


def test_every_import_points_down():
    floor_of = floors()
    wrong = []
    for package, floor in floor_of.items():
        for path in sorted((ROOT / package).rglob("*.py")):
            for name in imported_packages(path) & set(floor_of):
                if name != package and floor_of[name] >= floor:
                    wrong.append(f"{path.relative_to(ROOT)} (floor {floor}) imports {name} (floor {floor_of[name]})")
    assert not wrong, "imports that do not point down:\n" + "\n".join(wrong)


def test_the_checker_sees_an_upward_import(tmp_path):
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from pipeline.process import process_stage\n", "utf-8")
    assert imported_packages(module) == {"pipeline"}


def drawn_arrows() -> dict[str, set[str]]:
    """The arrows of the diagram in docs/architecture.md: each package and the packages it imports."""
    diagram = (ROOT / "docs" / "architecture.md").read_text("utf-8").split("```mermaid", 1)[1].split("```", 1)[0]
    arrows: dict[str, set[str]] = {}
    for line in diagram.splitlines():
        if "-->" in line:
            left, right = line.split("-->")
            arrows[left.split("[")[0].strip()] = {name.strip() for name in right.split("&")}
    return arrows


def test_the_diagram_draws_the_imports_there_are():
    floor_of = floors()
    actual = {}
    for package in floor_of:
        names = set().union(*(imported_packages(p) for p in (ROOT / package).rglob("*.py")))
        if imports := (names & set(floor_of)) - {package}:
            actual[package] = imports
    assert drawn_arrows() == actual

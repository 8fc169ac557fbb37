"""Every third-party module the code imports comes from a distribution pyproject.toml declares, pinned."""

from __future__ import annotations

import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from tests.architecture.test_floors import ROOT, floors, imported_packages

PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
EXTRAS = {"bench": ("bench",), "tests": ("dev",)}
"""Folders whose imports may also come from these optional dependency groups."""


def _name(requirement: str) -> str:
    return re.sub(r"[-_.]+", "-", re.split(r"[=<>!~;\[ ]", requirement, maxsplit=1)[0]).lower()


def declared(project: dict, folder: str) -> set[str]:
    requirements = list(project["dependencies"])
    for extra in EXTRAS.get(folder, ()):
        requirements += project["optional-dependencies"][extra]
    return {_name(r) for r in requirements}


def third_party_imports(root: Path, folder: str) -> dict[str, set[str]]:
    """Top-level module → the files of ``folder`` that import it, for modules neither standard nor ours."""
    ours = set(floors()) | {"tests", "conftest"} | {p.stem for p in (ROOT / "tests").rglob("*.py")}
    found: dict[str, set[str]] = {}
    for path in sorted((root / folder).rglob("*.py")):
        for name in imported_packages(path) - ours - set(sys.stdlib_module_names) - {"__future__"}:
            found.setdefault(name, set()).add(str(path.relative_to(root)))
    return found


def undeclared(root: Path, project: dict, folder: str, providers: dict[str, list[str]]) -> list[str]:
    """The imports of ``folder`` that no declared distribution provides, one line each."""
    allowed = declared(project, folder)
    return [f"{module} (imported by {', '.join(sorted(files))}) comes from {providers.get(module) or 'nothing installed'}"
            for module, files in sorted(third_party_imports(root, folder).items())
            if not {_name(d) for d in providers.get(module, [])} & allowed]


def test_every_requirement_is_pinned():
    requirements = PROJECT["dependencies"] + [r for group in PROJECT["optional-dependencies"].values() for r in group]
    assert [r for r in requirements if not re.fullmatch(r"[A-Za-z0-9_.\-]+==[\w.+]+", r)] == []


def test_every_imported_module_comes_from_a_declared_distribution():
    providers = packages_distributions()
    missing = [line for folder in [*floors(), "tests"] for line in undeclared(ROOT, PROJECT, folder, providers)]
    assert not missing, "imports from undeclared distributions:\n" + "\n".join(missing)


def test_the_check_sees_an_undeclared_import(tmp_path):
    package = tmp_path / "core"
    package.mkdir()
    (package / "m.py").write_text("import numpy\nfrom murmurhash import hash\nfrom core import config\n", "utf-8")
    providers = {"numpy": ["numpy"], "murmurhash": ["murmurhash"]}
    project = {"dependencies": ["numpy==2.4.6"], "optional-dependencies": {}}
    assert undeclared(tmp_path, project, "core", providers) == [
        "murmurhash (imported by core/m.py) comes from ['murmurhash']"
    ]

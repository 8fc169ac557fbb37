"""The knowledge-base names as a language's pipeline cuts them, kept on disk.

Cutting some 1,500 names needs spaCy (seconds to import) and the language's
pipeline (a second to load). A start that finds the pieces here builds the
paragraph focus without either, and loads them only when a text holds a name
or a discovery cue. The key covers everything the cut depends on: the names,
the pipeline package and its meta.json, the spaCy and jieba versions, and the
code that cuts.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
from collections.abc import Sequence
from pathlib import Path

from . import patterns


def _source(module: str) -> Path:
    """A module's file, found without importing it (the pipelines module imports spaCy)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin)


_CUTTING_CODE = (Path(patterns.__file__), _source("nlp.entities.pipelines"))


def pieces_key(language: str, package: str | None, names: Sequence[str]) -> str:
    digest = hashlib.sha256(f"{language}\0{package}\0".encode())
    for dependency in ("spacy", "jieba"):
        try:
            digest.update(importlib.metadata.version(dependency).encode() + b"\0")
        except importlib.metadata.PackageNotFoundError:
            digest.update(b"-\0")
    for path in (*_CUTTING_CODE, *_package_metas(package)):
        digest.update(path.read_bytes())
    for name in names:
        digest.update(name.encode() + b"\0")
    return digest.hexdigest()[:32]


def load_pieces(cache_dir: Path, key: str) -> list[list[str]] | None:
    try:
        return json.loads((_folder(cache_dir) / f"{key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save_pieces(cache_dir: Path, key: str, pieces: Sequence[Sequence[str]]) -> None:
    """Write atomically (several workers may write the same key); a read-only cache is no error."""
    path = _folder(cache_dir) / f"{key}.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps([list(p) for p in pieces], ensure_ascii=False), encoding="utf-8")
        partial.replace(path)
    except OSError:
        pass


def _folder(cache_dir: Path) -> Path:
    return Path(cache_dir).expanduser() / "name-pieces"


def _package_metas(package: str | None) -> list[Path]:
    """The meta.json files of a pipeline package or folder: they name its version."""
    if package is None:
        return []
    folder = Path(package).expanduser()
    if not folder.is_dir():
        try:
            spec = importlib.util.find_spec(package)
        except (ImportError, ValueError):
            spec = None
        if spec is None or spec.origin is None:
            return []
        folder = Path(spec.origin).parent
    return sorted([*folder.glob("meta.json"), *folder.glob("*/meta.json")])

"""The knowledge-base names as a language's pipeline cuts them, kept on disk.

Cutting some 1,500 names needs spaCy (seconds to import) and the language's
pipeline (a second to load). A start that finds the pieces here builds the
paragraph focus without either, and loads them only when a text holds a name
or a discovery cue. The phrase patterns' texts (each name's spellings, some
5,000) are kept the same way, as the tokenizer cuts them: the span ruler then
takes them as ready Docs instead of tokenizing each one at every start.

One table per pipeline (``CutTable``) holds every name and pattern text it has
cut, and is topped up with those it lacks: an alias added to the knowledge base
costs the cut of that alias, not of every name again. The table's key covers
everything a cut depends on but the names: the language, the pipeline package
and its meta.json, the spaCy and jieba versions, and the code that cuts and
spells. Whether a package's tokenizer is its language's default one is kept
here too (``tokenizers/``): ``pipelines.py`` says why.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nlp.kept_files import keep

from . import patterns


def _source(module: str) -> Path:
    """A module's file, found without importing it (the pipelines module imports spaCy)."""
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin is not None
    return Path(spec.origin)


_CUTTING_CODE = (Path(patterns.__file__), _source("nlp.entities.pipelines"))

if TYPE_CHECKING:
    from spacy.tokens import Doc
    from spacy.vocab import Vocab

Cut = tuple[list[str], list[bool]]
"""A text as a tokenizer cuts it: its tokens' texts, and whether a space follows each."""


def cuts_key(language: str, package: str | None) -> str:
    """The key of a pipeline's table of cuts: what the cuts depend on, the names aside."""
    digest = hashlib.sha256(f"{language}\0{package}\0".encode())
    for dependency in ("spacy", "jieba"):
        try:
            digest.update(importlib.metadata.version(dependency).encode() + b"\0")
        except importlib.metadata.PackageNotFoundError:
            digest.update(b"-\0")
    for path in (*_CUTTING_CODE, *_package_metas(package)):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


class CutTable:
    """The names (``pieces``: name → its pieces) and phrase-pattern texts (``patterns``: text →
    its cut) one pipeline has cut, read from ``cache_dir/name-pieces/KEY.json``."""

    def __init__(self, cache_dir: Path, key: str) -> None:
        self.path = _folder(cache_dir) / f"{key}.json"
        self.pieces, self.patterns = _read_table(self.path)
        self._saved = (len(self.pieces), len(self.patterns))

    def pieces_of(self, names: Sequence[str]) -> list[list[str]] | None:
        """Each name's pieces; None unless every name is in the table."""
        if not all(name in self.pieces for name in names):
            return None
        return [self.pieces[name] for name in names]

    def save(self) -> None:
        """Write the table if it grew, with what another process added to the file meanwhile."""
        if (len(self.pieces), len(self.patterns)) == self._saved:
            return
        pieces, patterns = _read_table(self.path)
        pieces.update(self.pieces)
        patterns.update(self.patterns)
        _save(self.path, {"pieces": pieces, "patterns": {text: [words, spaces] for text, (words, spaces)
                                                         in patterns.items()}})
        self._saved = (len(self.pieces), len(self.patterns))


def _read_table(path: Path) -> tuple[dict[str, list[str]], dict[str, Cut]]:
    table = _load(path)
    if not isinstance(table, dict):
        return {}, {}
    return (dict(table.get("pieces", {})),
            {text: (words, spaces) for text, (words, spaces) in table.get("patterns", {}).items()})


class KnownTokens:
    """A tokenizer answered from a table of texts already cut (``cuts``), which it fills on a miss."""

    def __init__(self, tokenizer: Callable[[str], Doc], vocab: Vocab, cuts: dict[str, Cut]) -> None:
        self.tokenizer = tokenizer
        self.vocab = vocab
        self.cuts = cuts

    def cut(self, text: str) -> Cut:
        known = self.cuts.get(text)
        if known is None:
            doc = self.tokenizer(text)
            known = self.cuts[text] = ([token.text for token in doc], [bool(token.whitespace_) for token in doc])
        return known

    def __call__(self, text: str) -> Doc:
        from spacy.tokens import Doc

        words, spaces = self.cut(text)
        return Doc(self.vocab, words=words, spaces=spaces)


def default_tokenizer_key(package: str) -> str:
    """What says whether a package's tokenizer is its language's default: the package, its meta.json, spaCy."""
    digest = hashlib.sha256(f"{package}\0".encode())
    digest.update(importlib.metadata.version("spacy").encode() + b"\0")
    for path in _package_metas(package):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def load_default_tokenizer(cache_dir: Path, key: str) -> bool | None:
    """Whether the package of ``key`` was found to cut as its language's default tokenizer; None: not known."""
    verdict = _load(Path(cache_dir).expanduser() / "tokenizers" / f"{key}.json")
    return verdict if isinstance(verdict, bool) else None


def save_default_tokenizer(cache_dir: Path, key: str, same: bool) -> None:
    _save(Path(cache_dir).expanduser() / "tokenizers" / f"{key}.json", same)


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _save(path: Path, value: Any) -> None:
    keep(path, json.dumps(value, ensure_ascii=False).encode("utf-8"))


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

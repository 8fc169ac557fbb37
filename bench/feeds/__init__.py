"""Real feeds that the team did not write: the manifest and the local cache.

The feeds are RSS, RDF and Atom files captured from real sites that public
projects keep in their test data. The repository holds only ``manifest.jsonl``
(which repository, path and commit each feed comes from, its encoding, kind,
language, size and sha256); the feeds themselves live in a local cache, one
file per feed named by its sha256, holding the file's bytes:

    ~/.cache/veille/feeds/<sha256>.xml      (or $VEILLE_FEEDS_CACHE)

``python -m bench.feeds check`` compares the cache with the manifest;
``python -m bench.feed_recall`` measures the reader against feedparser on them.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench import local_cache

MANIFEST = Path(__file__).with_name("manifest.jsonl")
KINDS = ("rss2", "rss09x", "rdf", "atom", "other")


class CacheMissing(RuntimeError):
    """The local cache lacks feeds of the manifest (or holds changed ones)."""


@dataclass(frozen=True)
class Entry:
    """One line of the manifest."""

    id: str
    repo: str
    path: str
    commit: str | None
    encoding: str
    kind: str
    language: str
    bytes: int
    sha256: str
    note: str = ""

    @classmethod
    def from_json(cls, data: dict) -> Entry:
        return cls(**{name: value for name, value in data.items() if name in cls.__dataclass_fields__})

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False)

    @property
    def source_url(self) -> str:
        """Where the file can be read in its repository (at its commit when known)."""
        return f"https://raw.githubusercontent.com/{self.repo}/{self.commit or 'HEAD'}/{self.path.lstrip('/')}"


@dataclass(frozen=True)
class RealFeed:
    entry: Entry
    body: bytes


def encoding_name(label: str) -> str:
    """One name per encoding, whatever label the manifest gives it (latin-1, ISO-8859-1...)."""
    try:
        return codecs.lookup(label).name
    except LookupError:
        return label.lower()


def cache_dir() -> Path:
    return Path(os.environ.get("VEILLE_FEEDS_CACHE", Path.home() / ".cache" / "veille" / "feeds"))


def sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def load_manifest(path: Path = MANIFEST) -> list[Entry]:
    """The manifest's entries, one per sha256 (a feed listed twice is kept once, the first time)."""
    if not path.exists():
        return []
    entries: dict[str, Entry] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            entry = Entry.from_json(json.loads(line))
            entries.setdefault(entry.sha256, entry)
    return list(entries.values())


def problems(entries: Iterable[Entry], cache: Path | None = None) -> list[str]:
    """One line per feed missing from the cache or different from the manifest."""
    return local_cache.problems(entries, cache or cache_dir(), ".xml")


def load(manifest: Path = MANIFEST, cache: Path | None = None) -> list[RealFeed]:
    """Every feed of the manifest, read from the cache and checked."""
    cache = cache or cache_dir()
    entries = load_manifest(manifest)
    if not entries:
        raise CacheMissing(f"{manifest} lists no feeds")
    missing = problems(entries, cache)
    if missing:
        raise CacheMissing(
            f"the feed cache at {cache} lacks {len(missing)} of {len(entries)} feeds "
            f"(first: {missing[0]}); set VEILLE_FEEDS_CACHE, or rebuild the cache from the manifest's "
            "repositories, paths and commits"
        )
    return [RealFeed(e, (cache / f"{e.sha256}.xml").read_bytes()) for e in entries]

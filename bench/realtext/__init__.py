"""Real texts that the team did not write: the manifest, the local cache, and the split.

The texts are passages and short articles from public pages, written by
journalists and bloggers, labelled by hand against ``docs/labelling.md``. The
repository holds only ``manifest.jsonl`` (where each text was found, where it
starts and ends, its sha256 and its labels); the texts live in a local cache,
one file per text named by its sha256:

    ~/.cache/veille/realtext/<sha256>.txt      (or $VEILLE_REALTEXT_CACHE)

``python -m bench.realtext check`` compares the cache with the manifest.
Dev and test are split by site: every text of one site, and both texts of a
translation pair, fall in the same split. Tune on dev; report test.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bench import local_cache

MANIFEST = Path(__file__).with_name("manifest.jsonl")
STANCES = (
    "open_source_strategy", "export_control_workaround", "cheap_equal_of_closed", "democratisation",
    "censorship_bias", "security_sovereignty_risk", "open_weight_not_open_source", "keep_frontier_closed",
)
NONE = "none"


class CacheMissing(RuntimeError):
    """The local cache lacks texts of the manifest (or holds changed ones)."""


@dataclass(frozen=True)
class Entry:
    """One line of the manifest."""

    id: str
    language: str
    script: str | None
    url: str
    site: str
    query: str
    spans: tuple[tuple[int, int], ...]
    sha256: str
    relevant: bool
    hard_negative: bool
    stance: str
    stance2: str | None
    pair: str | None
    split: str

    @classmethod
    def from_json(cls, data: dict) -> Entry:
        return cls(**{**data, "spans": tuple(tuple(span) for span in data["spans"])})

    def to_json(self) -> str:
        data = {**self.__dict__, "spans": [list(span) for span in self.spans]}
        return json.dumps(data, ensure_ascii=False)


@dataclass(frozen=True)
class RealText:
    entry: Entry
    text: str


def cache_dir() -> Path:
    return Path(os.environ.get("VEILLE_REALTEXT_CACHE", Path.home() / ".cache" / "veille" / "realtext"))


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_manifest(path: Path = MANIFEST) -> list[Entry]:
    if not path.exists():
        return []
    return [Entry.from_json(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines() if line]


def problems(entries: Iterable[Entry], cache: Path | None = None) -> list[str]:
    """One line per text missing from the cache or different from the manifest."""
    return local_cache.problems(entries, cache or cache_dir(), ".txt")


def load(split: str | None = None, cache: Path | None = None) -> list[RealText]:
    """The texts of ``split`` (``dev``, ``test`` or both), read from the cache and checked."""
    cache = cache or cache_dir()
    entries = [e for e in load_manifest() if split is None or e.split == split]
    if not entries:
        raise CacheMissing(f"{MANIFEST} lists no {split or ''} texts")
    missing = problems(entries, cache)
    if missing:
        raise CacheMissing(
            f"the real-text cache at {cache} lacks {len(missing)} of {len(entries)} texts "
            f"(first: {missing[0]}); set VEILLE_REALTEXT_CACHE or rebuild the cache from the manifest's urls"
        )
    return [RealText(e, (cache / f"{e.sha256}.txt").read_text(encoding="utf-8")) for e in entries]

"""dateparser's compiled locale patterns, kept on disk.

htmldate's broad date search (``nlp.dates.guessed_date``, the last resort) hands
some strings to dateparser with all its 205 locales; for a string no locale
reads, dateparser compiles each locale's regular expressions to find that out:
about 1.8 s of CPU the first time in a process, in every worker. It keeps them
in class-level caches of its ``Dictionary``, by dictionary class and skip
tokens, then by locale, and the ``regex`` module pickles a compiled pattern
with its code (loading it compiles nothing). ``kept_locale_patterns`` fills
those caches from the cache folder before the block (0.1 s) and writes them
back after it when the block added any. The key holds the versions of
dateparser and regex and the Python build; where dateparser's caches are not
those this reads, the block runs as it is.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import pickle
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nlp.kept_files import keep

FOLDER = "patterns"
_CACHES = ("_split_regex_cache", "_sorted_words_cache", "_split_relative_regex_cache",
           "_sorted_relative_strings_cache", "_match_relative_regex_cache")
_restored: set[Path] = set()


def _caches() -> dict[str, dict] | None:
    from dateparser.languages.dictionary import Dictionary

    caches = {name: cache for name in _CACHES if isinstance(cache := getattr(Dictionary, name, None), dict)}
    return caches if len(caches) == len(_CACHES) else None


def _path(cache_dir: Path) -> Path:
    versions = "\0".join(importlib.metadata.version(package) for package in ("dateparser", "regex"))
    key = hashlib.sha256(f"{sys.version}\0{versions}".encode()).hexdigest()[:32]
    return Path(cache_dir).expanduser() / FOLDER / f"dateparser-{key}.pickle"


def _size(caches: dict[str, dict]) -> int:
    return sum(len(by_locale) for cache in caches.values() for by_locale in cache.values())


@contextmanager
def kept_locale_patterns(cache_dir: Path) -> Iterator[None]:
    """Run the block with dateparser's locale patterns loaded from ``cache_dir``; keep any it adds."""
    caches = _caches()
    if caches is None:
        yield
        return
    path = _path(cache_dir)
    if path not in _restored:
        _restored.add(path)
        try:
            kept: dict[str, dict[Any, dict]] = pickle.loads(path.read_bytes())
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
            kept = {}
        for name, cache in kept.items():
            for key, by_locale in cache.items():
                caches[name].setdefault(key, {}).update(by_locale)
    before = _size(caches)
    yield
    if _size(caches) > before:
        keep(path, pickle.dumps({name: dict(cache) for name, cache in caches.items()}))

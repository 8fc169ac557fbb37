"""Local caches of third-party material that the repository describes but does not hold.

The real texts (``bench/realtext``) and the real feeds (``bench/feeds``) keep
only a manifest in the repository; each item's bytes live in a cache folder,
one file per item named by the sha256 of its bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path
from typing import Protocol


class Cached(Protocol):
    @property
    def id(self) -> str: ...

    @property
    def sha256(self) -> str: ...


def problems(entries: Iterable[Cached], cache: Path, suffix: str) -> list[str]:
    """One line per entry whose file is missing from ``cache`` or differs from its sha256."""
    found = []
    for entry in entries:
        path = cache / f"{entry.sha256}{suffix}"
        if not path.exists():
            found.append(f"{entry.id}: missing ({path})")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != entry.sha256:
            found.append(f"{entry.id}: changed ({path} no longer matches its sha256)")
    return found

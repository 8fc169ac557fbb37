"""Files the analysis keeps in the cache folder so that the next start is cheaper."""

from __future__ import annotations

import os
from pathlib import Path


def keep(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (several workers may write the same key).

    A cache folder that cannot be written is no error: the next start only
    pays again for what it would have read.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.partial")
        partial.write_bytes(data)
        partial.replace(path)
    except OSError:
        pass

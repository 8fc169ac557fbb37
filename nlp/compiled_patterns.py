"""Large regular expressions a library compiles when it loads, kept compiled on disk.

spaCy's French language module, when first imported, compiles one regular
expression of some 150 alternatives over Unicode letter classes (its
tokenizer's exceptions): about 3 s of CPU in every process that reads French,
for a pattern that never changes. Python cannot pickle a compiled pattern (it
compiles it again), but what its compiler hands the matching engine, the
arguments of ``_sre.compile``, is plain data. ``kept_compiled`` wraps a load:
the first time, it records those arguments for each large pattern compiled
inside it; the next times, it builds those patterns from them (milliseconds)
and leaves them in ``re``'s own cache, where the library's ``re.compile`` finds
them. The key holds the Python build and the engine's code format, and what the
caller names (the library and its version); a pattern whose text changed is not
found in the cache and is compiled as usual. Where Python's internals are not
those this reads, nothing is recorded or seeded: the load runs as it would.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from nlp.kept_files import keep

try:
    import _sre
except ImportError:  # another Python: loads run as they are
    _sre = None
_compiler: Any = getattr(re, "_compiler", None)  # re's compiler, which hands _sre.compile its arguments

MIN_CODE = 20_000
"""Engine code length (words) from which a pattern is worth keeping: the French one is about 200,000."""
FOLDER = "patterns"


def _usable() -> bool:
    return (_sre is not None and _compiler is not None and isinstance(getattr(re, "_cache", None), dict)
            and callable(getattr(re, "_compile", None)) and getattr(_compiler, "_sre", None) is _sre)


def _path(cache_dir: Path, key: str) -> Path:
    build = f"{sys.version}\0{_sre.MAGIC}\0{_sre.CODESIZE}\0{key}"
    return Path(cache_dir).expanduser() / FOLDER / f"{hashlib.sha256(build.encode()).hexdigest()[:32]}.json"


@contextmanager
def kept_compiled(cache_dir: Path, key: str) -> Iterator[None]:
    """Run the block with the large patterns recorded under ``key`` ready compiled, or record them."""
    if not _usable():
        yield
        return
    path = _path(cache_dir, key)
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        entries = None
    if entries is not None:
        _seed(entries)
        yield
        return
    recorder = _Recorder()
    real_compile = re._compile  # type: ignore[attr-defined]

    def compile_recording(pattern: Any, flags: Any) -> Any:
        recorder.called = (pattern, flags.value if isinstance(flags, re.RegexFlag) else flags)
        return real_compile(pattern, flags)

    re._compile = compile_recording  # type: ignore[attr-defined]
    _compiler._sre = recorder
    try:
        yield
    finally:
        re._compile = real_compile  # type: ignore[attr-defined]
        _compiler._sre = _sre
    if recorder.entries:
        keep(path, json.dumps(recorder.entries).encode("utf-8"))


def _seed(entries: list[list[Any]]) -> None:
    for pattern, flags, final_flags, code, groups, groupindex, indexgroup in entries:
        compiled = _sre.compile(pattern, final_flags, code, groups, groupindex, tuple(indexgroup))
        re._cache[str, pattern, flags] = compiled  # type: ignore[attr-defined]


class _Recorder:
    """``_sre`` as ``re``'s compiler sees it, keeping the arguments of the large patterns it builds."""

    def __init__(self) -> None:
        self.called: tuple[Any, int] | None = None
        self.entries: list[list[Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(_sre, name)

    def compile(self, pattern, final_flags, code, groups, groupindex, indexgroup):  # noqa: ANN001 (_sre's own)
        if (isinstance(pattern, str) and len(code) >= MIN_CODE and self.called is not None
                and self.called[0] == pattern):
            self.entries.append([pattern, self.called[1], final_flags, list(code), groups, dict(groupindex),
                                 list(indexgroup)])
        return _sre.compile(pattern, final_flags, code, groups, groupindex, indexgroup)

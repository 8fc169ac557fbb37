"""The process stage's local worker pool: one process per worker, pages dealt by language.

A worker loads a language's models when its first page of that language comes
(a spaCy pipeline; French's alone takes seconds of CPU to build). Pages dealt
in turn make every worker load every language, which on a few hundred pages
costs more than the analysis of the small languages' pages. Here a worker
that can take more work is given, in this order of preference, pages of a
language it has already loaded, of a language no worker has loaded yet, of
no known language (for the worker with the most languages loaded), and only
then of a language another worker has loaded: each
language is loaded by as few workers as keep them all busy, and a worker
waits rather than load a language for a few pages another worker will take.

A page's language is guessed from its head (``page_language``). A worker
given a page whose language another worker has loaded and it has not (a wrong
or missing guess) hands it back after reading its language (``Deferred``) and
it is dealt again to one that has it: an extraction is lost, not a model
load. Either way the result is the same, since every worker analyses a page
the same way. Pages go in small chunks, each worker holding
two so it never waits for the next; batches are written whole and in order,
and at most two are read and not yet written.
"""

from __future__ import annotations

import multiprocessing
import re
import zlib
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from core.languages import Registry, registry

HEAD_BYTES = 16_384
"""How much of a page (uncompressed) the language guess reads."""
MIN_UNSPACED = 10
"""Characters of an unspaced script in the head that make a page one of that script's language."""
CHUNKS_AHEAD = 2
"""Chunks a worker holds: one it works on, one queued behind it."""
_HTML_LANG = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3})\b", re.IGNORECASE)
_META_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*([\w-]+)", re.IGNORECASE)


def page_language(row: dict[str, Any]) -> str | None:
    """A cheap guess of a stored page's language (its body compressed): the language given by
    hand, else its ``<html lang>`` attribute, else the one analysed language of an unspaced
    script when the head holds enough of its characters; None when nothing tells."""
    languages = registry()
    if row.get("hint_language") in languages.codes:
        return row["hint_language"]
    head = zlib.decompressobj().decompress(row.get("body") or b"", HEAD_BYTES)
    if (found := _HTML_LANG.search(head)) and (code := found.group(1).decode().lower()) in languages.codes:
        return code
    if (unspaced := _unspaced_language(languages)) is None:
        return None
    code, script = unspaced
    charset = row.get("charset") or ((m := _META_CHARSET.search(head)) and m.group(1).decode()) or "utf-8"
    try:
        text = head.decode(charset, errors="ignore")
    except LookupError:
        text = head.decode("utf-8", errors="ignore")
    return code if len(script.findall(text)) >= MIN_UNSPACED else None


@cache
def _unspaced_language(languages: Registry) -> tuple[str, re.Pattern[str]] | None:
    """The analysed language of an unspaced script and a character of it, when there is one alone."""
    unspaced = [spec for spec in languages if not spec.spaced and spec.code in languages.analysed]
    if len(unspaced) != 1:
        return None
    return unspaced[0].code, re.compile(f"[{''.join(unspaced[0].characters)}]")


@dataclass(frozen=True)
class Deferred:
    """A worker's answer for a page of a language whose models another worker has and it has not:
    the page is dealt again, to a worker with them (it is worth an extraction, not a model load)."""

    language: str


@dataclass
class _Batch:
    items: Sequence[Any]
    results: dict[int, Any] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.items)


@dataclass
class _Worker:
    executor: ProcessPoolExecutor
    languages: set[str] = field(default_factory=set)
    held: int = 0


class LanguagePool:
    """``workers`` worker processes started at once, each running ``initializer(*initargs)`` first."""

    def __init__(self, workers: int, initializer: Callable[..., None], initargs: tuple) -> None:
        context = multiprocessing.get_context("spawn")
        self.workers = [_Worker(ProcessPoolExecutor(1, mp_context=context, initializer=initializer,
                                                    initargs=initargs)) for _ in range(workers)]
        # An executor starts its process with the first task; an empty one starts it now.
        for worker in self.workers:
            worker.executor.submit(int)

    def shutdown(self) -> None:
        for worker in self.workers:
            worker.executor.shutdown(wait=True, cancel_futures=True)

    def run(self, batches: Iterable[Sequence[Any]], task: Callable[[list[Any], frozenset[str]], list[Any]],
            language: Callable[[Any], str | None], chunk: int, write: Callable[[list[Any]], None]) -> None:
        """``task`` over the items of every batch, in chunks of at most ``chunk`` items of one
        ``language``; ``write`` gets each batch's results whole, in the batch's order.

        ``task`` also gets the languages other workers have loaded and its worker has not: for an
        item in one of them it may answer ``Deferred``, and the item is dealt again."""
        unread = iter(batches)
        open_batches: deque[_Batch] = deque()
        pending: dict[str | None, deque[tuple[_Batch, int, Any]]] = {}
        in_flight: dict[Future, tuple[_Worker, list[tuple[_Batch, int]]]] = {}

        def read() -> bool:
            items = next(unread, None)
            if items is None:
                return False
            batch = _Batch(items)
            open_batches.append(batch)
            for position, item in enumerate(items):
                pending.setdefault(language(item), deque()).append((batch, position, item))
            return True

        while len(open_batches) < 2 and read():
            pass
        while open_batches:
            dealt = True
            while dealt:  # a chunk each in turn, so each knows what the others have taken
                dealt = False
                for worker in self.workers:
                    if worker.held < CHUNKS_AHEAD and (choice := self._choose(worker, pending, chunk)) is not None:
                        self._deal(worker, choice[0], pending, chunk, task, in_flight)
                        dealt = True
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                worker, places = in_flight.pop(future)
                worker.held -= 1
                for (batch, position), result in zip(places, future.result()):
                    if isinstance(result, Deferred):
                        again = (batch, position, batch.items[position])
                        pending.setdefault(result.language, deque()).appendleft(again)
                    else:
                        batch.results[position] = result
            while open_batches and len(open_batches[0].results) == open_batches[0].size:
                finished = open_batches.popleft()
                write([finished.results[position] for position in range(finished.size)])
                read()

    def _deal(self, worker: _Worker, kind: str | None, pending: dict[str | None, deque], chunk: int,
              task: Callable, in_flight: dict[Future, tuple[_Worker, list[tuple[_Batch, int]]]]) -> None:
        queue = pending[kind]
        taken = [queue.popleft() for _ in range(min(chunk, len(queue)))]
        if not queue:
            del pending[kind]
        if kind is not None:
            worker.languages.add(kind)
        elsewhere = set().union(*(other.languages for other in self.workers if other is not worker))
        future = worker.executor.submit(task, [item for _, _, item in taken], frozenset(elsewhere - worker.languages))
        in_flight[future] = (worker, [(batch, position) for batch, position, _ in taken])
        worker.held += 1

    def _choose(self, worker: _Worker, pending: dict[str | None, deque], chunk: int) -> tuple[str | None] | None:
        """The language of the next chunk for ``worker`` (None: no known language), or None when it
        had better wait.

        Pages of no known language go to the worker with the most languages loaded, the likeliest
        to have theirs. A language other workers have loaded (or pages of no known language, when
        another worker has more languages) is taken only when they cannot soon take all its pages
        themselves (more than their next chunks): a few pages are not worth a model load.
        """
        def owners(kind: str | None) -> int:
            if kind is None:
                return sum(len(other.languages) > len(worker.languages) for other in self.workers)
            return sum(kind in other.languages for other in self.workers if other is not worker)

        def rank(kind: str | None) -> tuple[int, int]:
            if kind in worker.languages:
                order = 0
            elif kind is None:
                order = 2
            else:
                order = 1 if not owners(kind) else 3
            return order, -len(pending[kind])

        candidates = [kind for kind in pending if kind in worker.languages or not owners(kind)
                      or len(pending[kind]) > CHUNKS_AHEAD * chunk * owners(kind)]
        return (min(candidates, key=rank),) if candidates else None

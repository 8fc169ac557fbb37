"""Story grouping: one story, whatever the copy or the language it is told in.

Within a language, syndicated copies and near-duplicates share most of their
word shingles (MinHash with LSH finds them without comparing every pair);
a language file can name a script conversion applied first, so that a
Traditional Chinese copy of a Simplified article is found as a copy.
Across languages, a translation or retelling has a close document embedding
in a multilingual model (a lower bar when it names two or more of the same
labs or models), names at least one of the same labs or models, was
published within a few days, and is its original's closest article in its
language and the other way round (articles on one topic in one week are
close too, but not mutually closest) (an article that names none has no embedding
to compare, and needs none). Groups are the connected components of both
kinds of link; a story's id is the id of its earliest article, so it does not
change when later copies join.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

import numpy as np
from datasketch import MinHash, MinHashLSH
from murmurhash.mrmr import hash_unicode

from core.languages import registry
from nlp.segmentation import UNSPACED_CHARACTER


class StoryInput(Protocol):
    """What grouping reads of one article (the warehouse's story rows have these fields)."""

    @property
    def article_id(self) -> str: ...
    @property
    def language(self) -> str: ...
    @property
    def published_at(self) -> datetime | None: ...
    @property
    def text(self) -> str | None:
        """Needed only when ``signature`` is None."""
    @property
    def vector(self) -> np.ndarray | None:
        """The document embedding; None for an article that names no entity."""
    @property
    def entity_ids(self) -> frozenset[str]: ...
    @property
    def signature(self) -> bytes | None:
        """The text's MinHash signature (``signature()``), when stored."""


@dataclass(frozen=True)
class StoryThresholds:
    near_duplicate_jaccard: float = 0.5
    cross_lingual_cosine: float = 0.6
    cross_lingual_cosine_shared: float = 0.5
    """Enough across languages when two articles share at least ``shared_entities`` labs or models."""
    shared_entities: int = 2
    same_language_cosine: float = 0.85
    window: timedelta = timedelta(days=3)
    shingle_size: int = 5  # words; characters for Chinese and Japanese
    num_perm: int = 128


_WORD = re.compile(r"\w+", re.UNICODE)


@functools.cache
def _script_folder(conversion: str) -> Callable[[str], str]:
    """An OpenCC conversion (``tw2sp``...), built once per process."""
    import opencc

    return opencc.OpenCC(conversion).convert


def _shingles(text: str, language: str, size: int) -> set[str]:
    spec = registry().get(language)
    if spec is not None and (conversion := spec.stories.get("fold_script")):
        text = _script_folder(str(conversion))(text)
    if spec is not None and not spec.spaced:
        chars = "".join(UNSPACED_CHARACTER.findall(text))
        return {chars[i: i + size] for i in range(max(1, len(chars) - size + 1))}
    words = [w.lower() for w in _WORD.findall(text)]
    return {" ".join(words[i: i + size]) for i in range(max(1, len(words) - size + 1))}


_SCHEME = "affine32"  # datasketch's permutation scheme: 32-bit values, stored as such


def _hash(shingle: str) -> int:
    return hash_unicode(shingle) & 0xFFFFFFFF


def signature(text: str, language: str, thresholds: StoryThresholds = StoryThresholds()) -> bytes:
    """The MinHash signature of a text's shingles, as stored with its article (uint32 values)."""
    minhash = MinHash(num_perm=thresholds.num_perm, seed=1, hashfunc=_hash, scheme=_SCHEME)
    minhash.update_batch(list(_shingles(text, language, thresholds.shingle_size)))
    return minhash.hashvalues.astype("<u4").tobytes()


def _minhash(item: StoryInput, thresholds: StoryThresholds) -> MinHash | None:
    stored = item.signature
    if stored is None and item.text is not None:
        stored = signature(item.text, item.language, thresholds)
    if stored is None:
        return None
    values = np.frombuffer(stored, dtype="<u4").astype(np.uint64)
    if len(values) != thresholds.num_perm:  # stored with other thresholds: not comparable
        return None
    return MinHash(num_perm=thresholds.num_perm, seed=1, hashvalues=values, scheme=_SCHEME)


class _Components:
    def __init__(self, ids: Sequence[str]) -> None:
        self.parent = {i: i for i in ids}

    def find(self, item: str) -> str:
        while self.parent[item] != item:
            self.parent[item] = self.parent[self.parent[item]]
            item = self.parent[item]
        return item

    def union(self, a: str, b: str) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _close_in_time(a: StoryInput, b: StoryInput, window: timedelta) -> bool:
    if a.published_at is None or b.published_at is None:
        return True
    return abs(a.published_at - b.published_at) <= window


def _close_pairs(items: Sequence[StoryInput], window: timedelta) -> Iterator[tuple[StoryInput, StoryInput, float]]:
    """(a, b, cosine) for every pair published within ``window`` of each other.

    Articles sorted by date are compared only with those that follow within
    the window, so the work grows with the articles per window, not with the
    square of the warehouse. An undated article is compared with all others.
    """
    by_time = sorted(((at, i) for i in items if (at := i.published_at) is not None), key=lambda pair: pair[0])
    dated = [i for _, i in by_time]
    undated = [i for i in items if i.published_at is None]
    if dated:
        vectors = np.stack([_vector(i) for i in dated])
        times = np.array([at.timestamp() for at, _ in by_time])
        ends = np.searchsorted(times, times + window.total_seconds(), side="right")
        for index, end in enumerate(ends):
            if end > index + 1:
                similarities = vectors[index + 1: end] @ vectors[index]
                for offset, similarity in enumerate(similarities, start=index + 1):
                    yield dated[index], dated[offset], float(similarity)
    for position, item in enumerate(undated):
        for other in dated + undated[position + 1:]:
            yield item, other, float(_vector(item) @ _vector(other))


def _vector(item: StoryInput) -> np.ndarray:
    """The vector of an item given to ``_close_pairs``, which is given embedded items only."""
    assert item.vector is not None
    return item.vector


def group_stories(items: Sequence[StoryInput], thresholds: StoryThresholds = StoryThresholds()) -> dict[str, str]:
    """Map each article id to its story id."""
    if not items:
        return {}
    by_id = {item.article_id: item for item in items}
    components = _Components(list(by_id))

    lsh = MinHashLSH(threshold=thresholds.near_duplicate_jaccard, num_perm=thresholds.num_perm)
    for item in items:
        minhash = _minhash(item, thresholds)
        if minhash is None:
            continue
        key = f"{item.language}:{item.article_id}"
        for other in lsh.query(minhash):
            other_id = other.split(":", 1)[1]
            if _close_in_time(item, by_id[other_id], thresholds.window):
                components.union(item.article_id, other_id)
        lsh.insert(key, minhash)

    embedded = [item for item in items if item.vector is not None and item.entity_ids]
    best: dict[tuple[str, str], tuple[float, str]] = {}  # (article, other language) -> its closest there
    for a, b, similarity in _close_pairs(embedded, thresholds.window):
        shared = len(a.entity_ids & b.entity_ids)
        if not shared:
            continue
        if a.language == b.language:
            if similarity >= thresholds.same_language_cosine:
                components.union(a.article_id, b.article_id)
        elif similarity >= (thresholds.cross_lingual_cosine_shared if shared >= thresholds.shared_entities
                            else thresholds.cross_lingual_cosine):
            for one, other in ((a, b), (b, a)):
                nearest = (one.article_id, other.language)
                if similarity > best.get(nearest, (-1.0, ""))[0]:
                    best[nearest] = (similarity, other.article_id)
    # A translation is its original's closest article in its language, and the other way
    # round: articles on one topic (DeepSeek, the same week) are close too, but not mutually closest.
    for (article_id, _language), (_, other_id) in best.items():
        if best.get((other_id, by_id[article_id].language), (0.0, ""))[1] == article_id:
            components.union(article_id, other_id)

    groups: dict[str, list[StoryInput]] = {}
    for item in items:
        groups.setdefault(components.find(item.article_id), []).append(item)
    story_ids: dict[str, str] = {}
    for members in groups.values():
        first = min(members, key=lambda m: (m.published_at is None, m.published_at, m.article_id))
        for member in members:
            story_ids[member.article_id] = first.article_id
    return story_ids

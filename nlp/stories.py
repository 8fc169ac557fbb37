"""Story grouping: one story, whatever the copy or the language it is told in.

Within a language, syndicated copies and near-duplicates share most of their
word shingles (MinHash with LSH finds them without comparing every pair).
Across languages, a translation or retelling has a close document embedding
in a multilingual model, names at least one of the same labs or models, and
was published within a few days. Groups are the connected components of both
kinds of link; a story's id is the id of its earliest article, so it does not
change when later copies join.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

import numpy as np
from datasketch import MinHash, MinHashLSH

from warehouse.records import StoryInput


@dataclass(frozen=True)
class StoryThresholds:
    near_duplicate_jaccard: float = 0.5
    cross_lingual_cosine: float = 0.6
    same_language_cosine: float = 0.85
    window: timedelta = timedelta(days=3)
    shingle_size: int = 5  # words; characters for Chinese and Japanese
    num_perm: int = 128


_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff]")


def _shingles(text: str, language: str, size: int) -> set[str]:
    if language in {"zh", "ja"}:
        chars = "".join(_CJK.findall(text))
        return {chars[i: i + size] for i in range(max(1, len(chars) - size + 1))}
    words = [w.lower() for w in _WORD.findall(text)]
    return {" ".join(words[i: i + size]) for i in range(max(1, len(words) - size + 1))}


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


def group_stories(items: Sequence[StoryInput], thresholds: StoryThresholds = StoryThresholds()) -> dict[str, str]:
    """Map each article id to its story id."""
    if not items:
        return {}
    by_id = {item.article_id: item for item in items}
    components = _Components(list(by_id))

    lsh = MinHashLSH(threshold=thresholds.near_duplicate_jaccard, num_perm=thresholds.num_perm)
    signatures: dict[str, MinHash] = {}
    for item in items:
        signature = MinHash(num_perm=thresholds.num_perm, seed=1)
        for shingle in _shingles(item.text, item.language, thresholds.shingle_size):
            signature.update(shingle.encode("utf-8"))
        key = f"{item.language}:{item.article_id}"
        for other in lsh.query(signature):
            other_id = other.split(":", 1)[1]
            if _close_in_time(item, by_id[other_id], thresholds.window):
                components.union(item.article_id, other_id)
        lsh.insert(key, signature)
        signatures[key] = signature

    vectors = np.stack([item.vector for item in items])
    similarity = vectors @ vectors.T
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            same_language = a.language == b.language
            needed = thresholds.same_language_cosine if same_language else thresholds.cross_lingual_cosine
            if similarity[i, j] < needed or not (a.entity_ids & b.entity_ids):
                continue
            if _close_in_time(a, b, thresholds.window):
                components.union(a.article_id, b.article_id)

    groups: dict[str, list[StoryInput]] = {}
    for item in items:
        groups.setdefault(components.find(item.article_id), []).append(item)
    story_ids: dict[str, str] = {}
    for members in groups.values():
        first = min(members, key=lambda m: (m.published_at is None, m.published_at, m.article_id))
        for member in members:
            story_ids[member.article_id] = first.article_id
    return story_ids

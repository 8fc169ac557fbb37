"""Misspelt names: "Monshot AI", "OpenAAI", "Doubou 1.5 Pro", and in Chinese "深度求素".

Candidates are runs of up to three tokens that start with a capital letter and were not
matched exactly. A candidate links to an alias when, ignoring case and spacing, both
start with the same letter, carry the same numbers, and differ by one edit, or two for
aliases of ten characters or more ("Doubou 1.5 Pro"); a transposition counts as one.

What keeps ordinary words out:
* only unambiguous aliases of six characters or more take part;
* a candidate that is itself a known alias (an ambiguous name left unlinked for lack of
  context, such as "Mistral") is never bent into a neighbouring one ("Mixtral");
* a candidate made only of words the language's vocabulary knows ("Internal",
  "Command", "Swiss AG", "Claude Monet" two edits from "Claude Sonnet", "Open AI" in a
  title-case headline) is not a misspelling;
* a candidate that only adds or drops letters at the end ("Googled", "Anthropics") is
  a different word, and its short words ("AI", "Pro", "1.5") must be the alias's own.

Chinese names come from the Chinese NER instead of capitalisation (``link_han``): a name
of four characters or more may differ from a Chinese alias by one replaced character.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from nlp.segmentation import UNSPACED

from .kb import Alias, alias_key
from .patterns import HYPHEN

MIN_LENGTH = 6
MIN_HAN_LENGTH = 4
LONG_ALIAS = 10
MAX_TOKENS = 3
CACHE_SIZE = 65_536
_NUMBERS = re.compile(r"\d+")
_HAN = re.compile(UNSPACED)


@dataclass(frozen=True)
class FuzzyMatch:
    start: int
    end: int
    alias: Alias
    score: float


class FuzzyLinker:
    def __init__(
        self,
        aliases: Sequence[Alias],
        ambiguous: Collection[Alias],
        stop_words: Collection[str],
        vocabulary: Collection[str],
    ):
        self.stop_words = {word.lower() for word in stop_words}
        self.vocabulary = vocabulary
        self.known: dict[str, Alias | None] = {}
        self.by_initial: dict[str, list[str]] = defaultdict(list)
        self.han_keys: list[str] = []
        # The same capitalised words come back article after article: each is weighed once.
        self._closest = lru_cache(maxsize=CACHE_SIZE)(self._closest_alias)
        for alias in aliases:
            key = alias_key(alias.alias)
            if alias in ambiguous:
                self.known.setdefault(key, None)
                continue
            if self.known.get(key) is None:  # an unambiguous spelling of the same name wins
                self.known[key] = alias
            if _HAN.search(key):
                if len(key) >= MIN_HAN_LENGTH and key not in self.han_keys:
                    self.han_keys.append(key)
            elif len(key) >= MIN_LENGTH and key not in self.by_initial[key[0]]:
                self.by_initial[key[0]].append(key)

    def link(self, words: Sequence[str], taken: Sequence[bool], capitals: Iterable[int]) -> list[FuzzyMatch]:
        """Misspelt names among the words not ``taken`` by exact matches (token offsets);
        ``capitals`` are the positions of the words that start with a capital letter."""
        found: list[tuple[int, int, int, Alias]] = []
        for start in capitals:
            if taken[start] or not self._opens(words[start]):
                continue
            end = start + 1
            while True:
                match = self._closest(tuple(words[start:end]))
                if match is not None:
                    found.append((match[0], start, end, match[1]))
                if end - start == MAX_TOKENS or end == len(words) or not self._continues(words[end], taken[end]):
                    break
                end += 1
        chosen: list[FuzzyMatch] = []
        used = list(taken)
        for distance, start, end, alias in sorted(found, key=lambda f: (f[0], f[1] - f[2], f[1])):
            if any(used[start:end]):
                continue
            used[start:end] = [True] * (end - start)
            length = max(len(alias_key("".join(words[start:end]))), len(alias_key(alias.alias)))
            chosen.append(FuzzyMatch(start, end, alias, 1 - distance / length))
        return chosen

    def link_han(self, name: str) -> tuple[Alias, float] | None:
        """The alias a Han-script name (from the Chinese NER) spells, with one character
        replaced at most ("深度求素"); names of fewer than four characters must be exact."""
        key = alias_key(name)
        if key in self.known:
            exact = self.known[key]
            return None if exact is None else (exact, 1.0)
        if len(key) < MIN_HAN_LENGTH:
            return None
        same_length = [target for target in self.han_keys if len(target) == len(key)]
        best = process.extractOne(key, same_length, scorer=OSA.distance, score_cutoff=1)
        if best is None:
            return None
        alias = self.known[best[0]]  # han_keys holds unambiguous keys only
        return None if alias is None else (alias, 1 - best[1] / len(key))

    def _opens(self, word: str) -> bool:
        return word[:1].isupper() and word.isalnum() and word.lower() not in self.stop_words

    def _continues(self, word: str, taken: bool) -> bool:
        if taken:
            return False
        return word == HYPHEN or (word.replace(".", "").isalnum() and not self._stop_word(word))

    def _stop_word(self, word: str) -> bool:
        """A stop word as written: the French "ai" (has) is one, the acronym "AI" is not."""
        return word.lower() in self.stop_words and not (len(word) > 1 and word.isupper())

    def _closest_alias(self, words: tuple[str, ...]) -> tuple[int, Alias] | None:
        if all(word.lower() in self.vocabulary for word in words if word.isalpha()):
            return None
        key = alias_key("".join(words))
        if len(key) < MIN_LENGTH:
            return None
        if key in self.known:
            exact = self.known[key]
            return None if exact is None else (0, exact)
        best = process.extractOne(key, self.by_initial.get(key[0], ()), scorer=OSA.distance, score_cutoff=2)
        if best is None:
            return None
        target, distance = best[0], int(best[1])
        if (
            distance > (2 if len(target) >= LONG_ALIAS else 1)
            or _NUMBERS.findall(key) != _NUMBERS.findall(target)
            or key.startswith(target)
            or target.startswith(key)
            or any(len(word) <= 3 and alias_key(word) not in target for word in words if word != HYPHEN)
        ):
            return None
        alias = self.known[target]  # by_initial holds unambiguous keys only
        return None if alias is None else (distance, alias)

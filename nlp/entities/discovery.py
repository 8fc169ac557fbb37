"""Model names the knowledge base does not know yet, collected for a curator.

A candidate is a capitalised name of one or two words with a version number written
after it ("Orion 2", "Kestrel-3.5 Pro", "Nova K2"), possibly a tier word ("Pro",
"Flash"), in a sentence that also holds a discovery cue ("model", "open-source",
"模型", "开源"; cues.toml, ``[discovery]``) within a few tokens. Its words must be
left over by the knowledge-base matches, must not start with a known alias (a known
family with a new version already links to the family), and must not be words that
take numbers without naming a model ("Windows 11", "Chapter 3"; ``not_names``).

In Chinese the same holds for Latin names, and the Chinese NER (``chinese_ner``)
adds names written in Han characters followed by a version ("九章3.0").
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING


from core.languages import registry

from .kb import alias_key
from .patterns import HYPHEN, VERSION_REACH, Tokenize, alias_pieces, version_end

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

MAX_NAME_WORDS = 2
_GAP = r"[\s\-\u2010\u2011\uff0d]*"  # what may stand between two words of a cue in the raw text


@dataclass(frozen=True)
class CandidateName:
    """A model-like name the knowledge base lacks, where it stands in the text."""

    name: str  # the normalised key: case, width and spacing folded
    surface: str
    start_char: int
    end_char: int
    sentence: str


@dataclass(frozen=True)
class DiscoveryCues:
    window: int
    words: dict[str, list[str]]
    not_names: frozenset[str]


def load_discovery_cues() -> DiscoveryCues:
    data = tomllib.loads(resources.files(__package__).joinpath("cues.toml").read_text(encoding="utf-8"))
    table = data["discovery"]
    return DiscoveryCues(
        window=int(table["window"]),
        words={spec.code: list(spec.entities.get("discovery", [])) for spec in registry() if spec.analysed},
        not_names=frozenset(word.lower() for word in table["not_names"]),
    )


class Discoverer:
    """Finds candidate names in one language's documents."""

    def __init__(
        self,
        cues: DiscoveryCues,
        language: str,
        tokenize: Tokenize,
        known_keys: Collection[str],
        tiers: Collection[str],
        stop_words: Collection[str],
    ):
        self.window = cues.window
        self.not_names = cues.not_names
        self.known_keys = known_keys
        self.tiers = {tier.lower() for tier in tiers}
        self.stop_words = {word.lower() for word in stop_words}
        self.cues = {tuple(p.lower() for p in alias_pieces(cue, tokenize)) for cue in cues.words[language]}
        self.cues.discard(())
        self.cue_starts = {cue[0] for cue in self.cues}
        # Every place in a text where a cue may start (overlaps included): its words with
        # any spaces and hyphens between them, as the tokens are read in ``has_cue``.
        written = "|".join(_GAP.join(map(re.escape, cue)) for cue in sorted(self.cues))
        self._cue_text = re.compile(f"(?=(?:{written}))", re.IGNORECASE)

    def find(
        self,
        doc: Doc,
        text: str,
        words: Sequence[str],
        taken: Sequence[bool],
        capitals: Iterable[int],
        numbers: Iterable[int],
        han_names: Sequence[tuple[int, int]] = (),
    ) -> list[CandidateName]:
        """Candidates in ``doc`` (the tokenized ``text``, whose tokens are ``words``) among
        the tokens not ``taken``.

        ``capitals`` and ``numbers`` are the positions of the words that start with a capital
        letter and with a digit. A name starts at a capitalised word a few tokens before a
        number, or at one of ``han_names``, token spans that a Chinese NER tagged as names:
        they count as name words here though they have no capital.
        """
        han_starts = dict(han_names)
        reach = range(1, MAX_NAME_WORDS + VERSION_REACH + 1)
        before_numbers = {number - back for number in numbers for back in reach}
        found: list[CandidateName] = []
        position = 0
        for start in sorted({*before_numbers.intersection(capitals), *han_starts}):
            if start < position:
                continue
            span = self._candidate(words, taken, start, han_starts)
            if span is None:
                continue
            start, end = span
            sentence = doc[start].sent
            low = max(sentence.start, start - self.window)
            high = min(sentence.end, end + self.window)
            if self.has_cue(words, low, start) or self.has_cue(words, end, high):
                first, last = doc[start], doc[end - 1]
                surface = text[first.idx : last.idx + len(last.text)]
                found.append(
                    CandidateName(
                        alias_key(surface), surface, first.idx, last.idx + len(last.text),
                        text[sentence.start_char : sentence.end_char].strip(),
                    )
                )
            position = end
        return found

    def _candidate(
        self, words: Sequence[str], taken: Sequence[bool], start: int, han_starts: dict[int, int]
    ) -> tuple[int, int] | None:
        """The token span of a name-with-version starting at ``start``, if one starts there."""
        if start in han_starts:
            end = han_starts[start]
        elif self._name_word(words[start]):
            end = start + 1
            while end < len(words) and end - start < MAX_NAME_WORDS and self._name_word(words[end]):
                end += 1
        else:
            return None
        if any(taken[start:end]) or words[start].lower() in self.not_names:
            return None
        for name_end in range(end, start, -1):
            version = version_end(words, name_end)
            if version is None or any(taken[name_end:version]):
                continue
            if alias_key("".join(words[start:name_end])) in self.known_keys:
                return None
            while version < len(words) and words[version].lower() in self.tiers and not taken[version]:
                version += 1
            return start, version
        return None

    def _name_word(self, word: str) -> bool:
        """A capitalised Latin word (or a CamelCase one), not a stop word."""
        return (
            len(word) >= 2
            and word[0].isupper()
            and word.isascii()
            and word.isalpha()
            and word.lower() not in self.stop_words
            and word.lower() not in self.tiers
        )

    def cue_sentences(self, doc: Doc, text: str, words: Sequence[str]) -> Iterator[Span]:
        """The sentences of ``doc`` (the tokenized ``text``) that hold a discovery cue.

        A search of the raw text for the cues comes first, so that the tokens of sentences
        without one are never looked at: most sentences of an article have none.
        """
        places = [found.start() for found in self._cue_text.finditer(text)]
        if not places:
            return
        for sentence in doc.sents:
            at = bisect_left(places, sentence.start_char)
            if (
                at < len(places)
                and places[at] < sentence.end_char
                and self.has_cue(words, sentence.start, sentence.end)
            ):
                yield sentence

    def has_cue(self, words: Sequence[str], start: int, end: int) -> bool:
        """Whether ``words[start:end]`` holds a discovery cue."""
        window = [word.lower() for word in words[start:end] if word != HYPHEN and not word.isspace()]
        for position, word in enumerate(window):
            if word in self.cue_starts:
                for cue in self.cues:
                    if cue[0] == word and tuple(window[position : position + len(cue)]) == cue:
                        return True
        return False

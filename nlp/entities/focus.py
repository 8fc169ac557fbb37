"""The paragraphs of a text worth tokenizing for entity matching.

Tokenizing is most of the matcher's cost, and in a night's crawl most
paragraphs name no lab or model. A paragraph is kept when it holds the first
piece of a name of the knowledge base (the first two, when the first is as
short as "le" of "Le Chat"), or a discovery cue. Every span the ruler can
match starts with such a piece, so the ruler, the context rules (windows
within a sentence, and the names the whole text holds) and discovery
(sentences with a cue) see in the kept paragraphs what they would see in the
whole text. Only a misspelt name standing in a paragraph with no name and no
cue goes unvisited, and only in a long text: a short one (a lead, a dispatch)
is read whole, as focusing it would save little.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import ahocorasick

from core.languages import registry
from nlp.segmentation import UNSPACED

READ_WHOLE_BELOW = 1_500
"""Texts of fewer characters are read whole."""

SHORT = 3
"""A first piece shorter than this is searched together with the piece after it."""

_WORD = re.compile(rf"[^\W\d_{registry().unspaced_characters}]+|\d+")
_HAN = re.compile(UNSPACED)


@dataclass(frozen=True)
class Focused:
    """The kept paragraphs of a text, joined by newlines, and where each came from."""

    text: str
    starts: list[int]  # where each kept paragraph starts in ``text``
    origins: list[int]  # where it starts in the original text

    def original(self, position: int) -> int:
        """The original offset of a position in the focused text."""
        index = bisect_left(self.starts, position + 1) - 1
        return self.origins[index] + position - self.starts[index]


class Focus:
    """Finds the paragraphs of a text that hold a name's first pieces or a cue, case ignored.

    ``names`` are the pieces of each name (the ruler's tokens, hyphens dropped);
    ``cues`` are words or phrases. A key that is one run of letters or of digits
    is looked up in each paragraph's set of such runs, a key with Han characters
    is found anywhere by an Aho-Corasick automaton, and any other key (a phrase,
    ``mistral.ai``) by its own pattern, tried only in the paragraphs that hold
    its first word.
    """

    def __init__(self, names: Iterable[Sequence[str]], cues: Iterable[str]) -> None:
        keys: set[tuple[str, ...]] = set()
        for pieces in names:
            lowered = [piece.lower() for piece in pieces if piece.strip()]
            if lowered:
                short = len(lowered[0]) < SHORT and not _HAN.search(lowered[0])
                keys.add(tuple(lowered[:2]) if short else (lowered[0],))
        for cue in cues:
            keys.add(tuple(cue.lower().replace("-", " ").split()))
        keys.discard(())
        self._words = frozenset(key[0] for key in keys if len(key) == 1 and _WORD.fullmatch(key[0]))
        han = {key[0] for key in keys if len(key) == 1 and _HAN.search(key[0])}
        # A phrase is looked for only in the paragraphs that hold its first word, and its pattern
        # compiled then: most first words never come, and compiling them all took a fifth of a second.
        self._phrases: dict[str, list[str]] = {}
        self._compiled: dict[str, list[re.Pattern[str]]] = {}
        for key in sorted(k for k in keys if k[0] not in self._words and k[0] not in han):
            first = _WORD.search(key[0])
            if first is not None:
                self._phrases.setdefault(first.group(), []).append(_phrase_pattern(key))
        self._han = ahocorasick.Automaton()
        for word in han:
            self._han.add_word(word, len(word))
        if han:
            self._han.make_automaton()

    def paragraphs(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of every paragraph (a line of ``text``) holding a key, in order."""
        lowered = _lower_in_place(text)
        bounds, start = [], 0
        for line in lowered.split("\n"):
            bounds.append((start, start + len(line)))
            start += len(line) + 1
        kept: set[int] = set()
        if len(self._han):
            ends = [end for _, end in bounds]
            kept.update(bisect_left(ends, last) for last, _ in self._han.iter(lowered))
        for index, (start, end) in enumerate(bounds):
            if index in kept:
                continue
            line = lowered[start:end]
            words = set(_WORD.findall(line))
            if not self._words.isdisjoint(words) or any(
                pattern.search(line) for word in words.intersection(self._phrases) for pattern in self._patterns(word)
            ):
                kept.add(index)
        return [bounds[index] for index in sorted(kept)]

    def _patterns(self, word: str) -> list[re.Pattern[str]]:
        """The compiled patterns of the phrases that start with ``word`` (compiled on first use)."""
        compiled = self._compiled.get(word)
        if compiled is None:
            compiled = self._compiled[word] = [re.compile(pattern) for pattern in self._phrases[word]]
        return compiled

    def focus(self, text: str) -> Focused | None:
        """The kept paragraphs of ``text`` (all of a short text); None when no paragraph is kept."""
        if len(text) < READ_WHOLE_BELOW:
            return Focused(text, [0], [0]) if text.strip() else None
        spans = self.paragraphs(text)
        if not spans:
            return None
        pieces, starts, position = [], [], 0
        for start, end in spans:
            starts.append(position)
            pieces.append(text[start:end])
            position += end - start + 1
        return Focused("\n".join(pieces), starts, [start for start, _ in spans])


def _phrase_pattern(words: Sequence[str]) -> str:
    """Words apart by spaces or hyphens (or nothing, where letters meet digits), not inside longer words."""
    pattern = ""
    for previous, word in zip((None, *words), words):
        if previous is not None:
            pattern += r"[\s\-]*" if previous[-1:].isalpha() != word[:1].isalpha() else r"[\s\-]+"
        pattern += re.escape(word)
    return f"{_boundary(words[0][:1], '(?<!')}(?:{pattern}){_boundary(words[-1][-1:], '(?!')}"


def _boundary(character: str, look: str) -> str:
    """No letter next to a letter, no digit next to a digit (``Qwen2`` holds ``Qwen``)."""
    if character.isdigit():
        return look + r"\d)"
    if character.isalpha() and not _HAN.match(character):
        return look + rf"[^\W\d_{registry().unspaced_characters}])"
    return ""


def _lower_in_place(text: str) -> str:
    """``text`` in lower case, one character for one (``İ`` lowers to two), so offsets still hold."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)

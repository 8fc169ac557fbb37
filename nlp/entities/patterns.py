"""Knowledge-base aliases compiled into SpanRuler phrase patterns, and version numbers.

Each alias gives one phrase pattern per spelling: its pieces (see ``pipelines``) with or
without a hyphen between two of them, matched case-insensitively. A pattern's label is
the alias's index, so the matcher can apply that alias's case and ambiguity rules.

A model name without a version number may take one that follows it ("Qwen 9", "GPT-6",
"Kimi K3", "DeepSeek-V4"): a version the knowledge base does not know yet still links
to the closest family. That is read off the tokens after the ruler, not compiled into
token patterns: several hundred of those made the whole pipeline three times slower.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from typing import Any

from .kb import Alias

HYPHEN = "-"
_VERSION = re.compile(r"^\d{1,2}(\.\d{1,2})?$")
_LETTER = re.compile(r"^[A-Z]$")
_MAX_TOGGLED_GAPS = 5
# The farthest after a name that ``version_end`` finds its number: past a hyphen, a letter, a hyphen.
VERSION_REACH = 3

Tokenize = Callable[[str], list[str]]
WORDS = "veille.words"
"""Where both tokenizers (``nlp.entities.pipelines``) leave the list of a Doc's token texts."""


def alias_pieces(alias: str, tokenize: Tokenize) -> list[str]:
    """The alias as the pipeline cuts it, hyphens dropped."""
    return [word for word in tokenize(alias) if word != HYPHEN and not word.isspace()]


def spellings(pieces: Sequence[str]) -> list[str]:
    """The pieces joined with a space or a hyphen wherever a hyphen could stand between two words."""
    gaps = [left[-1:].isalnum() and right[:1].isalnum() for left, right in itertools.pairwise(pieces)]
    toggled = sum(gaps)
    if toggled > _MAX_TOGGLED_GAPS:
        choices: Sequence[Sequence[str]] = [(" ",) * toggled, ("-",) * toggled]
    else:
        choices = list(itertools.product((" ", "-"), repeat=toggled))
    written = []
    for choice in choices:
        separators = iter(choice)
        text = pieces[0]
        for gap, piece in zip(gaps, pieces[1:]):
            text += (next(separators) if gap else " ") + piece
        written.append(text)
    return written


def version_end(words: Sequence[str], end: int) -> int | None:
    """Where a version number written right after ``words[:end]`` ends, if one is there."""

    def past_hyphen(at: int) -> int:
        return at + 1 if at < len(words) and words[at] == HYPHEN else at

    at = past_hyphen(end)
    if at < len(words) and _LETTER.match(words[at]):
        after_letter = past_hyphen(at + 1)
        if after_letter < len(words) and _VERSION.match(words[after_letter]):
            return after_letter + 1
    if at < len(words) and _VERSION.match(words[at]):
        return at + 1
    return None


def compile_patterns(aliases: Sequence[Alias], cut: Sequence[Sequence[str]]) -> list[dict[str, Any]]:
    """SpanRuler phrase patterns for these aliases (``cut``: each one's pieces), labelled with the alias's index."""
    patterns: list[dict[str, Any]] = []
    for index, (alias, pieces) in enumerate(zip(aliases, cut)):
        patterns.extend(
            {"label": str(index), "pattern": text, "id": alias.entity_id}
            for text in dict.fromkeys(spellings(pieces) if pieces else [])
        )
    return patterns

"""When a matched name may stand: its case, and for ambiguous names, supporting context.

"le mistral souffle", "a llama in the Andes", "Claude Monet" must not link; "Meta's
Llama", "le modèle Mistral", "月之暗面的Kimi" must. Two tests decide:

* case: a name written all in lowercase links only if the alias is lowercase too or
  carries a version number ("qwen2.5 max" yes, "apple" no); an acronym alias (BLOOM,
  FAIR) wants capitals; an ambiguous lowercase alias (o1, o3) refuses capitals ("O3").
* support, for ambiguous aliases only: not standing inside a proper name (a capitalised
  word right before or after it, "Claude Monet", "Raspberry Pi"), and, within the same
  sentence and a window of tokens, a cue word (cues.toml) or another knowledge-base
  name that is unambiguous, or ambiguous but related (same lab, or one descends from
  the other). A tier word right after the name ("Gemini Flash") is support enough.
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources

from spacy.tokens import Doc

from .kb import KnowledgeBase
from .patterns import HYPHENS, Tokenize, alias_pieces


@dataclass(frozen=True)
class Candidate:
    """A span (token offsets) that an alias matched, before the context rules."""

    start: int
    end: int
    entity_id: str
    needs_context: bool
    versioned: bool


def case_fits(surface: str, alias: str, ambiguous: bool) -> bool:
    """Whether ``surface`` is written in a case that ``alias`` allows."""
    if surface.lower() == surface.upper():
        return True
    if surface == surface.lower():
        return alias == alias.lower() or any(ch.isdigit() for ch in alias)
    letters = [ch for ch in alias if ch.isalpha()]
    if len(letters) >= 2 and alias == alias.upper() and not any(ch.isdigit() for ch in alias):
        return surface == surface.upper()
    if ambiguous and alias == alias.lower():
        return False
    return True


@dataclass(frozen=True)
class Cues:
    window: int
    tiers: frozenset[str]
    words: dict[str, list[str]]


def load_cues() -> Cues:
    """The packaged cue words per language, tier words and window size (cues.toml)."""
    data = tomllib.loads(resources.files(__package__).joinpath("cues.toml").read_text(encoding="utf-8"))
    return Cues(
        window=int(data["window"]),
        tiers=frozenset(word.lower() for word in data["tiers"]),
        words={language: list(words) for language, words in data["cues"].items()},
    )


class ContextJudge:
    """Keeps the candidates that need no context, and the ambiguous ones that have support."""

    def __init__(self, kb: KnowledgeBase, cues: Cues, language: str, tokenize: Tokenize):
        self.kb = kb
        self.window = cues.window
        self.tiers = cues.tiers
        self.cues: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        for cue in cues.words[language]:
            words = tuple(piece.lower() for piece in alias_pieces(cue, tokenize))
            if words:
                self.cues[words[0]].append(words)

    def keep(self, doc: Doc, words: Sequence[str], candidates: Sequence[Candidate]) -> list[Candidate]:
        covered = {position for c in candidates for position in range(c.start, c.end)}
        return [c for c in candidates if not c.needs_context or self._supported(doc, words, c, candidates, covered)]

    def _supported(
        self, doc: Doc, words: Sequence[str], candidate: Candidate, others: Sequence[Candidate], covered: set[int]
    ) -> bool:
        sentence = doc[candidate.start].sent
        after, before = candidate.end, candidate.start - 1
        if after < sentence.end and words[after].lower() in self.tiers:
            return True
        if (after < sentence.end and self._name_part(words[after], after, covered)) or (
            before > sentence.start and self._name_part(words[before], before, covered)
        ):
            return False
        low = max(sentence.start, candidate.start - self.window)
        high = min(sentence.end, candidate.end + self.window)
        for other in others:
            if (
                other.entity_id != candidate.entity_id
                and low <= other.start
                and other.end <= high
                and (other.end <= candidate.start or other.start >= candidate.end)
                and (not other.needs_context or self.kb.related(candidate.entity_id, other.entity_id))
            ):
                return True
        return self._has_cue(words[low : candidate.start]) or self._has_cue(words[candidate.end : high])

    def _name_part(self, word: str, position: int, covered: set[int]) -> bool:
        """A capitalised word next to the name that is no cue and no other name: "Claude Monet"."""
        return word[:1].isupper() and word.isalpha() and position not in covered and not self._has_cue([word])

    def _has_cue(self, window: Sequence[str]) -> bool:
        words = [word.lower() for word in window if word not in HYPHENS and not word.isspace()]
        for position, word in enumerate(words):
            for cue in self.cues.get(word, ()):
                if tuple(words[position : position + len(cue)]) == cue:
                    return True
        return False

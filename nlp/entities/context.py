"""When a matched name may stand: its case, and for ambiguous names, supporting context.

"le mistral souffle", "a llama in the Andes", "Claude Monet" must not link; "Meta's
Llama", "le modèle Mistral", "月之暗面的Kimi" must. Two tests decide:

* case (``case_fits``): "qwen2.5 max" yes, "apple", "open AI" and "O3" (ozone) no.
* support, for ambiguous aliases only. First, the name must not stand inside a proper
  name (a capitalised word right before or after it: "Claude Monet", "Raspberry Pi";
  headlines in title case excepted);
  a tier word right after it ("Gemini Flash") is support enough. Then, within the same
  sentence and a window of tokens, a cue word (cues.toml) or another knowledge-base
  name that is unambiguous, or ambiguous but related (same lab, or one descends from
  the other). Failing that, one sense per document: the entity, or a related one, is
  named unambiguously elsewhere in the text ("Mistral AI ... Mistral a levé").
"""

from __future__ import annotations

import tomllib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING


from core.languages import registry

from .kb import KnowledgeBase
from .patterns import HYPHEN, Tokenize, alias_pieces

if TYPE_CHECKING:
    from spacy.tokens import Doc


@dataclass(frozen=True)
class Candidate:
    """A span (token offsets) that an alias matched, before the context rules."""

    start: int
    end: int
    entity_id: str
    needs_context: bool
    versioned: bool


def case_fits(surface: Sequence[str], alias: Sequence[str], ambiguous: bool) -> bool:
    """Whether the surface's pieces are written in a case the alias's pieces allow.

    An alias with a version number takes any case ("qwen2.5 max"). Otherwise a piece
    capitalised in the alias may not be all lowercase ("open AI" is not "Open AI", "apple"
    not "Apple"), an acronym piece wants capitals ("BLOOM"), and an ambiguous lowercase
    alias refuses capitals ("O3" is not "o3").
    """
    if any(ch.isdigit() for piece in alias for ch in piece):
        return True
    for written, known in zip(surface, alias):
        if written.lower() == written.upper():
            continue
        if written == written.lower() and known != known.lower():
            return False
        if sum(ch.isalpha() for ch in known) >= 2 and known == known.upper() and written != written.upper():
            return False
        if ambiguous and known == known.lower() and written != written.lower():
            return False
    return True


@dataclass(frozen=True)
class _Text:
    """One document as the judge sees it: tokens, candidates, and what they cover."""

    doc: Doc
    words: Sequence[str]
    candidates: Sequence[Candidate]
    covered: set[int]
    named: set[str]


def _title_case(words: Sequence[str]) -> bool:
    """A headline in title case ("Meta Unveils Llama 4"), where capitals say nothing of names."""
    long_words = [word for word in words if len(word) > 3 and word.isalpha()]
    return len(long_words) >= 2 and sum(word[:1].isupper() for word in long_words) >= 0.6 * len(long_words)


@dataclass(frozen=True)
class Cues:
    window: int
    tiers: frozenset[str]
    words: dict[str, list[str]]


def load_cues() -> Cues:
    """The tier words and window size (cues.toml) and each analysed language's cue words
    (``[entities] cues`` of its language file)."""
    data = tomllib.loads(resources.files(__package__).joinpath("cues.toml").read_text(encoding="utf-8"))
    return Cues(
        window=int(data["window"]),
        tiers=frozenset(word.lower() for word in data["tiers"]),
        words={spec.code: list(spec.entities.get("cues", [])) for spec in registry() if spec.analysed},
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
        text = _Text(
            doc,
            words,
            candidates,
            covered={position for c in candidates for position in range(c.start, c.end)},
            named={c.entity_id for c in candidates if not c.needs_context},
        )
        return [c for c in candidates if not c.needs_context or self._supported(text, c)]

    def _supported(self, text: _Text, candidate: Candidate) -> bool:
        words = text.words
        sentence = text.doc[candidate.start].sent
        after, before = candidate.end, candidate.start - 1
        if after < sentence.end and words[after].lower() in self.tiers:
            return True
        if not _title_case(words[sentence.start : sentence.end]) and (
            (after < sentence.end and self._name_part(words[after], after, text.covered))
            or (before > sentence.start and self._name_part(words[before], before, text.covered))
        ):
            return False
        low = max(sentence.start, candidate.start - self.window)
        high = min(sentence.end, candidate.end + self.window)
        for other in text.candidates:
            if (
                other.entity_id != candidate.entity_id
                and low <= other.start
                and other.end <= high
                and (other.end <= candidate.start or other.start >= candidate.end)
                and (not other.needs_context or self.kb.related(candidate.entity_id, other.entity_id))
            ):
                return True
        return (
            self._has_cue(words[low : candidate.start])
            or self._has_cue(words[candidate.end : high])
            or any(self.kb.related(candidate.entity_id, entity_id) for entity_id in text.named)
        )

    def _name_part(self, word: str, position: int, covered: set[int]) -> bool:
        """A capitalised word next to the name that is no cue and no other name: "Claude Monet"."""
        return word[:1].isupper() and word.isalpha() and position not in covered and not self._has_cue([word])

    def _has_cue(self, window: Sequence[str]) -> bool:
        words = [word.lower() for word in window if word != HYPHEN and not word.isspace()]
        for position, word in enumerate(words):
            for cue in self.cues.get(word, ()):
                if tuple(words[position : position + len(cue)]) == cue:
                    return True
        return False

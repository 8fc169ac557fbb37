"""The followed topic, AI open-sourcing, loaded from ``topic.toml``."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from core.errors import VeilleError

LANGUAGES = ("en", "fr", "zh")
DEFAULT_PATH = Path(__file__).with_name("topic.toml")
_CUE_KINDS = ("supportive", "critical", "evaluative")


class TopicError(VeilleError):
    """The topic file is malformed; the message names the section."""


class TermList:
    """Words or phrases matched in text of one language, ignoring case.

    English and French terms match whole words, and a trailing ``*`` lets a
    term match longer words (``risk*``: risk, risks, risky). Chinese has no
    word boundaries, so Chinese terms match anywhere, except that Latin-letter
    terms inside Chinese text (``AI``) still need non-letters around them.
    """

    def __init__(self, terms: tuple[str, ...], language: str) -> None:
        self.terms = terms
        ordered = sorted(terms, key=len, reverse=True)  # longest first: "open models" before "open model"
        if language == "zh":
            alternatives = "|".join(_latin_bounded(_pattern(term), term) for term in ordered)
        else:
            alternatives = r"(?<!\w)(?:" + "|".join(_pattern(term) for term in ordered) + r")(?!\w)"
        self._regex = re.compile(alternatives, re.IGNORECASE)

    def findall(self, text: str) -> list[str]:
        """Every non-overlapping match, as written in ``text``."""
        return [match.group(0) for match in self._regex.finditer(text)]

    def count(self, text: str) -> int:
        return sum(1 for _ in self._regex.finditer(text))

    def __repr__(self) -> str:
        return f"TermList({len(self.terms)} terms)"


def _pattern(term: str) -> str:
    """A term's regex: words apart by spaces or hyphens, ``*`` for any word ending."""
    stem, open_end = (term[:-1], True) if term.endswith("*") else (term, False)
    pattern = r"[\s\-]+".join(re.escape(word) for word in stem.split())
    return pattern + r"\w*" if open_end else pattern


def _latin_bounded(pattern: str, term: str) -> str:
    """Keep a Latin-letter end of a term from matching inside a Latin word."""
    if term[:1].isascii() and term[:1].isalpha():
        pattern = r"(?<![A-Za-z])" + pattern
    if term[-1:].isascii() and term[-1:].isalpha():
        pattern += r"(?![A-Za-z])"
    return f"(?:{pattern})"


@dataclass(frozen=True)
class StanceCues:
    """Evaluative words of one language, by the way they lean on openness."""

    supportive: TermList
    critical: TermList
    evaluative: TermList

    def count_all(self, text: str) -> int:
        return self.supportive.count(text) + self.critical.count(text) + self.evaluative.count(text)


@dataclass(frozen=True)
class Topic:
    version: int
    terms: Mapping[str, TermList]
    ai_terms: Mapping[str, TermList]
    angle_terms: Mapping[str, TermList]
    stance_cues: Mapping[str, StanceCues]
    descriptions: Mapping[str, tuple[str, ...]]
    incidental_labs: frozenset[str] = frozenset()
    """Knowledge-base ids of labs whose name alone does not put an article on the topic."""

    @classmethod
    def load(cls, path: Path | None = None) -> Topic:
        """Read and check a topic file (the bundled ``topic.toml`` by default)."""
        source = Path(path) if path else DEFAULT_PATH
        with source.open("rb") as handle:
            data = tomllib.load(handle)
        terms = _per_language(data, "terms", source)
        ai_terms = _per_language(data, "ai_terms", source)
        angle_terms = _per_language(data, "angle_terms", source)
        descriptions = _per_language(data, "descriptions", source)
        for language, texts in descriptions.items():
            if not 3 <= len(texts) <= 5:
                raise TopicError(f"{source}: [descriptions] {language} needs 3 to 5 descriptions, has {len(texts)}")
        cues_data = data.get("stance_cues")
        if not isinstance(cues_data, dict):
            raise TopicError(f"{source}: missing [stance_cues]")
        cues = {}
        for language in LANGUAGES:
            kinds = {kind: _strings(cues_data.get(language, {}).get(kind), f"stance_cues.{language}.{kind}", source)
                     for kind in _CUE_KINDS}
            cues[language] = StanceCues(**{kind: TermList(words, language) for kind, words in kinds.items()})
        return cls(
            version=int(data.get("version", 1)),
            terms=_frozen({lang: TermList(words, lang) for lang, words in terms.items()}),
            ai_terms=_frozen({lang: TermList(words, lang) for lang, words in ai_terms.items()}),
            angle_terms=_frozen({lang: TermList(words, lang) for lang, words in angle_terms.items()}),
            stance_cues=_frozen(cues),
            descriptions=_frozen(descriptions),
            incidental_labs=frozenset(data.get("incidental_labs", {}).get("ids", [])),
        )


def _per_language(data: dict, section: str, source: Path) -> dict[str, tuple[str, ...]]:
    table = data.get(section)
    if not isinstance(table, dict):
        raise TopicError(f"{source}: missing [{section}]")
    unknown = set(table) - set(LANGUAGES)
    if unknown:
        raise TopicError(f"{source}: [{section}] has unknown languages {sorted(unknown)}; allowed: {list(LANGUAGES)}")
    return {language: _strings(table.get(language), f"{section}.{language}", source) for language in LANGUAGES}


def _strings(value: object, where: str, source: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise TopicError(f"{source}: {where} must be a non-empty list of strings")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise TopicError(f"{source}: {where} holds an empty or non-string entry")
    return tuple(item.strip() for item in value)


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(mapping)

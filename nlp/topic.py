"""The followed topic, AI open-sourcing: ``topic.toml`` and each language's ``[topic]`` and
``[stance_cues]`` (``core/languages/<xx>.toml``)."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from core.errors import VeilleError
from core.languages import Registry, registry

DEFAULT_PATH = Path(__file__).with_name("topic.toml")
_TERM_KINDS = ("terms", "ai_terms", "angle_terms")
_CUE_KINDS = ("supportive", "critical", "evaluative")


class TopicError(VeilleError):
    """The topic file is malformed; the message names the section."""


class TermList:
    """Words or phrases matched in text of one language, ignoring case.

    In a spaced language (English, French) terms match whole words, and a
    trailing ``*`` lets a term match longer words (``risk*``: risk, risks,
    risky). An unspaced language (Chinese) has no word boundaries, so its
    terms match anywhere, except that Latin-letter terms inside its text
    (``AI``) still need non-letters around them.
    """

    def __init__(self, terms: tuple[str, ...], language: str, spaced: bool | None = None) -> None:
        self.terms = terms
        ordered = sorted(terms, key=len, reverse=True)  # longest first: "open models" before "open model"
        if spaced is None:  # as the process's registry describes the language
            spec = registry().get(language)
            spaced = spec is None or spec.spaced
        if not spaced:
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
    def load(cls, path: Path | None = None, languages: Registry | None = None) -> Topic:
        """Read and check the topic file (the bundled ``topic.toml`` by default) and the
        topic terms and stance cues of every analysed language of the registry."""
        source = Path(path) if path else DEFAULT_PATH
        languages = languages or registry()
        with source.open("rb") as handle:
            data = tomllib.load(handle)
        tables: dict[str, dict[str, tuple[str, ...]]] = {key: {} for key in (*_TERM_KINDS, "descriptions")}
        cues = {}
        for code in languages.analysed:
            spec = languages[code]
            for key, table in tables.items():
                table[code] = _strings(spec.topic.get(key), f"[topic] {key}", spec.source)
            if not 3 <= len(tables["descriptions"][code]) <= 5:
                raise TopicError(f"{spec.source}: [topic] descriptions needs 3 to 5 descriptions, "
                                 f"has {len(tables['descriptions'][code])}")
            kinds = {kind: _strings(spec.stance_cues.get(kind), f"[stance_cues] {kind}", spec.source)
                     for kind in _CUE_KINDS}
            cues[code] = StanceCues(**{kind: TermList(words, code, spec.spaced) for kind, words in kinds.items()})
        lists = {key: _frozen({code: TermList(words, code, languages[code].spaced) for code, words in table.items()})
                 for key, table in tables.items() if key in _TERM_KINDS}
        return cls(
            version=int(data.get("version", 1)),
            terms=lists["terms"],
            ai_terms=lists["ai_terms"],
            angle_terms=lists["angle_terms"],
            stance_cues=_frozen(cues),
            descriptions=_frozen(tables["descriptions"]),
            incidental_labs=frozenset(data.get("incidental_labs", {}).get("ids", [])),
        )


def _strings(value: object, where: str, source: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise TopicError(f"{source}: {where} must be a non-empty list of strings")
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise TopicError(f"{source}: {where} holds an empty or non-string entry")
    return tuple(item.strip() for item in value)


def _frozen(mapping: dict) -> Mapping:
    return MappingProxyType(mapping)

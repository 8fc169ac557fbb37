"""The language registry: what veille knows of each language, one TOML file per language.

Every module that treats languages differently asks the registry, so a new
language is one new file here (or in a folder of the user's, see ``use_extra``)
and no code changes. A file ``xx.toml`` describes the language whose ISO 639-1
code is ``xx``: its name, how its words are cut, its stop words, its date and
byline words, its extraction rules, its topic terms and stance cues, and the
words that make a name an AI name. Only ``name`` is required; a language with
``analysed = false`` is detected and stored but not analysed further.

The registry is read once per process; the extra folders come from the
``VEILLE_LANGUAGES`` environment variable (folders separated like ``PATH``) and
from the configuration (``[languages] extra``), applied with ``use_extra``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from core.errors import VeilleError

PACKAGED = Path(__file__).parent
ENVIRONMENT = "VEILLE_LANGUAGES"
_CODE = re.compile(r"^[a-z]{2,3}$")
_RANGE = re.compile(r"^.-.$", re.DOTALL)
_KEYS = {
    "name", "analysed", "scripts", "spaced", "characters", "min_characters", "segmenter", "stopwords", "dates",
    "passages", "extraction", "topic", "stance_cues", "entities", "stories",
}


_TABLES = ("stopwords", "dates", "passages", "extraction", "topic", "stance_cues", "entities", "stories")


class LanguageError(VeilleError):
    """A language file cannot be used as written; the message names the file and the key."""


@dataclass(frozen=True)
class Segmenter:
    """How a language's text is cut into words and sentences.

    ``spacy`` names an installed spaCy pipeline package (its tokenizer and a
    sentencizer are used); otherwise spaCy's blank pipeline for ``blank`` is
    used, with ``words = "jieba"`` to cut words with jieba (Chinese).
    """

    spacy: str | None = None
    blank: str | None = None
    words: str | None = None


@dataclass(frozen=True)
class Language:
    """One language as its file describes it; tables the code reads by key stay plain mappings."""

    code: str
    name: str
    source: Path
    analysed: bool = True
    scripts: tuple[str, ...] = ()
    """ISO 15924 codes of the scripts the language is written in; Chinese's two (Hans, Hant) are told apart."""
    spaced: bool = True
    """Words stand apart by spaces; False for Chinese and Japanese (characters, not words, are counted)."""
    characters: tuple[str, ...] = ()
    """Character ranges of the script of an unspaced language, as regular-expression ranges."""
    min_characters: int = 300
    segmenter: Segmenter = field(default_factory=Segmenter)
    stopwords: Mapping[str, Any] = field(default_factory=dict)
    dates: Mapping[str, Any] = field(default_factory=dict)
    passages: Mapping[str, Any] = field(default_factory=dict)
    extraction: Mapping[str, Any] = field(default_factory=dict)
    topic: Mapping[str, Any] = field(default_factory=dict)
    stance_cues: Mapping[str, Any] = field(default_factory=dict)
    entities: Mapping[str, Any] = field(default_factory=dict)
    stories: Mapping[str, Any] = field(default_factory=dict)

    @property
    def spacy_language(self) -> str:
        """The code of spaCy's language class for this language (``spacy.blank``, stop words)."""
        return self.segmenter.blank or self.stopwords.get("spacy") or self.code

    @property
    def alias_languages(self) -> tuple[str, ...]:
        """The knowledge-base alias languages matched in text of this language (``mul``: any)."""
        return tuple(self.entities.get("aliases", ("mul", self.code)))


@dataclass(frozen=True, eq=False)
class Registry:
    """The languages veille knows, by code, in the order their files were read."""

    languages: Mapping[str, Language] = field(default_factory=dict)
    folders: tuple[Path, ...] = ()

    @classmethod
    def load(cls, extra: Iterable[Path | str] = ()) -> Registry:
        """The packaged languages, then those of each ``extra`` folder (a file there replaces
        a packaged language of the same code)."""
        folders = (PACKAGED, *(Path(folder).expanduser() for folder in extra))
        languages: dict[str, Language] = {}
        for folder in folders:
            if not folder.is_dir():
                raise LanguageError(f"language folder {folder} does not exist")
            for path in sorted(folder.glob("*.toml")):
                language = _read(path)
                languages[language.code] = language
        return cls(MappingProxyType(languages), folders)

    def __getitem__(self, code: str) -> Language:
        try:
            return self.languages[code]
        except KeyError:
            known = ", ".join(self.codes)
            raise LanguageError(f"{code!r} is not a language veille knows: give one of {known}") from None

    def __contains__(self, code: object) -> bool:
        return code in self.languages

    def __iter__(self) -> Iterator[Language]:
        return iter(self.languages.values())

    def get(self, code: str | None) -> Language | None:
        return self.languages.get(code or "")

    @property
    def codes(self) -> tuple[str, ...]:
        """Every language veille detects and stores."""
        return tuple(self.languages)

    @property
    def analysed(self) -> tuple[str, ...]:
        """The languages analysed further: entities, relevance, stances."""
        return tuple(code for code, language in self.languages.items() if language.analysed)

    @property
    def unspaced_characters(self) -> str:
        """The character ranges of every unspaced script, for a regular-expression class (``[...]``)."""
        ranges = dict.fromkeys(r for language in self if not language.spaced for r in language.characters)
        return "".join(ranges)

    def files(self) -> list[Path]:
        """Every language file read, for fingerprints of the data that analysis depends on."""
        return [language.source for language in self]


def _read(path: Path) -> Language:
    code = path.stem
    if not _CODE.match(code):
        raise LanguageError(f"{path}: a language file is named by its ISO 639 code, like fr.toml")
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except tomllib.TOMLDecodeError as error:
        raise LanguageError(f"{path}: not valid TOML: {error}") from None
    unknown = sorted(set(data) - _KEYS)
    if unknown:
        raise LanguageError(f"{path}: unknown keys {unknown}; allowed: {sorted(_KEYS)}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise LanguageError(f"{path}: name must be the language's name in English, like \"French\"")
    characters = tuple(data.get("characters", ()))
    if bad := [r for r in characters if not isinstance(r, str) or not _RANGE.match(r)]:
        raise LanguageError(f"{path}: characters {bad} must be ranges like \"\\u3400-\\u9fff\"")
    spaced = data.get("spaced", True)
    if not spaced and not characters:
        raise LanguageError(f"{path}: an unspaced language (spaced = false) needs its script's characters")
    for key in ("segmenter", *_TABLES):
        if not isinstance(data.get(key, {}), dict):
            raise LanguageError(f"{path}: {key} must be a table ([{key}])")
    segmenter = data.get("segmenter", {})
    if set(segmenter) - {"spacy", "blank", "words"}:
        raise LanguageError(f"{path}: [segmenter] takes spacy, blank and words")
    if segmenter.get("words") not in (None, "jieba"):
        raise LanguageError(f"{path}: [segmenter] words = {segmenter['words']!r}; the word cutter known is \"jieba\"")
    tables = {key: MappingProxyType(dict(data.get(key, {}))) for key in _TABLES}
    return Language(
        code=code, name=name.strip(), source=path, analysed=bool(data.get("analysed", True)),
        scripts=tuple(data.get("scripts", ())), spaced=bool(spaced),
        characters=characters, min_characters=int(data.get("min_characters", 300)),
        segmenter=Segmenter(**segmenter), **tables,
    )


_extra: list[Path] = []
_current: Registry | None = None


def _environment() -> list[Path]:
    return [Path(p) for p in os.environ.get(ENVIRONMENT, "").split(os.pathsep) if p]


def registry() -> Registry:
    """The process's registry: the packaged languages and the extra folders given so far.

    A folder of ``VEILLE_LANGUAGES`` that cannot be read is reported once, by the first
    call; the process then goes on with the packaged languages (and ``use_extra``'s).
    """
    global _current
    if _current is None:
        try:
            _current = Registry.load([*_environment(), *_extra])
        except LanguageError:
            _current = Registry.load(_extra)
            raise
    return _current


def use_extra(*folders: Path | str) -> Registry:
    """Add folders of language files to the process's registry (the configuration's
    ``[languages] extra``, a test's fixture folder); modules read it at the next call.
    Folders that cannot be read raise ``LanguageError`` and leave the registry as it was."""
    global _current
    new = [Path(folder).expanduser() for folder in folders if Path(folder).expanduser() not in _extra]
    if new:
        loaded = Registry.load([*_environment(), *_extra, *new])
        _extra.extend(new)
        _current = loaded
    return registry()


def reset() -> None:
    """Forget the extra folders given with ``use_extra`` (the environment's stay)."""
    global _current
    _extra.clear()
    _current = None

"""The seeded stance taxonomy, loaded from ``taxonomy.toml`` and checked.

Stances are written once for all their languages, so labels, prototypes and cues stay
here, keyed by language code. The taxonomy's languages are those of its ``[background]``
table, each one a language of the registry; a language the registry analyses but the
taxonomy leaves out takes its stances by the multilingual embedding alone.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from core.errors import VeilleError
from core.languages import registry

DEFAULT_PATH = Path(__file__).with_name("taxonomy.toml")
POLARITIES = ("supportive", "critical", "neutral")
MIN_PROTOTYPES = 5
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class TaxonomyError(VeilleError):
    """The taxonomy file is malformed; the message names the stance at fault."""


@dataclass(frozen=True)
class Stance:
    id: str
    polarity: str
    labels: Mapping[str, str]
    prototypes: Mapping[str, tuple[str, ...]]
    cues: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: MappingProxyType({}))
    """Words and phrases per language that signal the stance in real text."""


@dataclass(frozen=True)
class Taxonomy:
    version: int
    stances: tuple[Stance, ...]
    background: Mapping[str, tuple[str, ...]]
    """Factual statements that take no stance, per language."""

    @classmethod
    def load(cls, path: Path | None = None) -> Taxonomy:
        """Read and validate a taxonomy file (the bundled one by default)."""
        source = Path(path) if path else DEFAULT_PATH
        with source.open("rb") as handle:
            try:
                data = tomllib.load(handle)
            except tomllib.TOMLDecodeError as error:
                raise TaxonomyError(f"{source}: not valid TOML: {error}") from error
        return cls.from_dict(data, str(source))

    @classmethod
    def from_dict(cls, data: dict, source: str = "taxonomy") -> Taxonomy:
        entries = data.get("stance")
        if not isinstance(entries, list) or not entries:
            raise TaxonomyError(f"{source}: no [[stance]] entries")
        languages = _languages(data.get("background"), f"{source}: [background]")
        stances = tuple(_stance(entry, number, source, languages) for number, entry in enumerate(entries, start=1))
        seen: set[str] = set()
        for stance in stances:
            if stance.id in seen:
                raise TaxonomyError(f"{source}: stance {stance.id!r} is defined twice")
            seen.add(stance.id)
        background = _per_language(data.get("background"), f"{source}: [background]", MIN_PROTOTYPES, languages)
        return cls(version=int(data.get("version", 1)), stances=stances, background=MappingProxyType(background))

    def __iter__(self) -> Iterator[Stance]:
        return iter(self.stances)

    def __len__(self) -> int:
        return len(self.stances)

    def cue_terms(self, language: str):
        """Every stance's cues in ``language`` as one term list (``None`` when there are none)."""
        from nlp.topic import TermList

        cues = sorted({cue for stance in self.stances for cue in stance.cues.get(language, ())})
        return TermList(tuple(cues), language) if cues else None

    def get(self, stance_id: str) -> Stance:
        for stance in self.stances:
            if stance.id == stance_id:
                return stance
        raise KeyError(f"no stance {stance_id!r} in the taxonomy")


def _languages(background: object, where: str) -> tuple[str, ...]:
    """The taxonomy's languages: those of its background statements, which the registry must analyse."""
    if not isinstance(background, dict):
        raise TaxonomyError(f"{where}: missing table")
    analysed = registry().analysed
    unknown = sorted(set(background) - set(analysed))
    if unknown:
        raise TaxonomyError(f"{where}: unknown languages {unknown}; allowed: {', '.join(analysed)}")
    return tuple(code for code in analysed if code in background)


def _stance(entry: object, number: int, source: str, languages: tuple[str, ...]) -> Stance:
    if not isinstance(entry, dict):
        raise TaxonomyError(f"{source}: stance #{number} is not a table")
    stance_id = entry.get("id")
    if not isinstance(stance_id, str) or not _ID.match(stance_id):
        raise TaxonomyError(
            f"{source}: stance #{number} needs an id of lower-case letters, digits and '_', got {stance_id!r}"
        )
    where = f"{source}: stance {stance_id!r}"
    polarity = entry.get("polarity")
    if polarity not in POLARITIES:
        raise TaxonomyError(f"{where}: polarity must be one of {', '.join(POLARITIES)}, got {polarity!r}")
    labels = _per_language(entry.get("label"), f"{where}: label", None, languages)
    prototypes = _per_language(entry.get("prototypes"), f"{where}: prototypes", MIN_PROTOTYPES, languages)
    cues = _per_language(entry["cues"], f"{where}: cues", 1, languages) if "cues" in entry else {}
    return Stance(
        id=stance_id,
        polarity=polarity,
        labels=MappingProxyType(labels),
        prototypes=MappingProxyType(prototypes),
        cues=MappingProxyType(cues),
    )


def _per_language(table: object, where: str, min_items: int | None, languages: tuple[str, ...]) -> dict:
    """Labels (one string) or prototypes (``min_items`` distinct strings) in each of ``languages``."""
    if not isinstance(table, dict):
        raise TaxonomyError(f"{where}: missing table")
    unknown = sorted(set(table) - set(languages))
    if unknown:
        raise TaxonomyError(f"{where}: unknown languages {unknown}; allowed: {', '.join(languages)}")
    result: dict = {}
    for language in languages:
        value = table.get(language)
        if min_items is None:
            if not isinstance(value, str) or not value.strip():
                raise TaxonomyError(f"{where}: {language} must be a non-empty string")
            result[language] = value.strip()
            continue
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise TaxonomyError(f"{where}: {language} must be a list of non-empty strings")
        texts = tuple(v.strip() for v in value)
        if len(set(texts)) < min_items:
            raise TaxonomyError(
                f"{where}: {language} needs at least {min_items} distinct statements, has {len(set(texts))}"
            )
        if len(set(texts)) != len(texts):
            raise TaxonomyError(f"{where}: {language} repeats a statement")
        result[language] = texts
    return result

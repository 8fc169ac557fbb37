"""The knowledge base of AI labs and models, read from TOML and checked when loaded.

The data lives in ``kb.toml`` next to this module; any file with the same
schema can replace it. Every problem found is reported at once, each line
naming the entities involved, so a bad edit is fixed in one pass.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from core.errors import VeilleError
from core.languages import registry

DEFAULT_PATH = Path(__file__).with_name("kb.toml")

KINDS = ("lab", "model")
OPENNESS = ("open_weights", "open_source", "closed", "mixed")


def alias_languages() -> tuple[str, ...]:
    """The languages an alias may be written in: ``mul`` (any) and the ``[entities] aliases``
    of every analysed language (``zh_hant``: Traditional Chinese)."""
    codes = (code for spec in registry() if spec.analysed for code in spec.alias_languages)
    return tuple(dict.fromkeys(["mul", *codes]))

_ENTITY_KEYS = frozenset(
    {"id", "kind", "name", "country", "parent", "openness", "license", "ambiguous", "ambiguous_aliases", "aliases"}
)
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_SEPARATORS = re.compile(r"[\s\-_\u2010\u2011]+")


class KnowledgeBaseError(VeilleError):
    """The knowledge base file cannot be used as written."""


@dataclass(frozen=True)
class Entity:
    entity_id: str
    kind: str
    name: str
    parent_id: str | None
    country: str | None
    openness: str | None
    license: str | None
    ambiguous: bool


@dataclass(frozen=True)
class Alias:
    entity_id: str
    alias: str
    language: str


@lru_cache(maxsize=4)
def _parse(origin: str, text: str, languages: tuple[str, ...]) -> KnowledgeBase:
    """``languages``: the alias languages the checks allow (they follow the language registry)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise KnowledgeBaseError(f"{origin}: not valid TOML: {error}") from None
    return _Builder(origin).build(data)


def alias_key(alias: str) -> str:
    """The form under which two aliases are the same name: case, width and spacing ignored."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", alias).casefold())


def _case_key(alias: str) -> str:
    return unicodedata.normalize("NFKC", alias).casefold().strip()


def _default_ambiguity(alias: str) -> bool:
    """Without an explicit list, a bare single word with no version number needs context."""
    return not any(ch.isdigit() for ch in alias) and not _SEPARATORS.search(alias.strip())


class KnowledgeBase:
    """Labs and models with their aliases in each language."""

    def __init__(self, entities: dict[str, Entity], aliases: list[Alias], context_aliases: frozenset[tuple[str, str]]):
        self.entities = entities
        self.aliases = aliases
        self._context_aliases = context_aliases

    @classmethod
    def load(cls, path: Path | None = None) -> KnowledgeBase:
        """Read and check a knowledge base file (default: the packaged ``kb.toml``).

        A file read before with the same text is parsed only once per process (the
        process stage and its analyser both read it): the knowledge base returned is
        then shared, and nothing changes one once built.
        """
        path = Path(path) if path is not None else DEFAULT_PATH
        origin = "kb.toml" if path == DEFAULT_PATH else str(path)
        return cls.parse(path.read_text(encoding="utf-8"), origin)

    @classmethod
    def parse(cls, text: str, origin: str = "kb.toml") -> KnowledgeBase:
        """Check and build a knowledge base from the text of its file (``origin`` names it in errors).

        The last few are kept: a process run reads the same file for the warehouse's copy,
        the plan and the matcher."""
        return _parse(origin, text, alias_languages())

    def needs_context(self, alias: Alias) -> bool:
        """Whether this alias is also a common word or a person's name, so it links only with support."""
        return (alias.entity_id, alias.alias) in self._context_aliases

    def aliases_in(self, languages: Iterable[str]) -> list[Alias]:
        wanted = set(languages)
        return [alias for alias in self.aliases if alias.language in wanted]

    def ancestors(self, entity_id: str) -> list[Entity]:
        """The chain of parents, nearest first: a model's family, then its lab."""
        chain = []
        parent_id = self.entities[entity_id].parent_id
        while parent_id is not None:
            parent = self.entities[parent_id]
            chain.append(parent)
            parent_id = parent.parent_id
        return chain

    def lab_of(self, entity_id: str) -> Entity:
        """The lab an entity belongs to (itself for a lab); loading guarantees every model has one."""
        entity = self.entities[entity_id]
        return entity if entity.kind == "lab" else self.ancestors(entity_id)[-1]

    def related(self, first_id: str, second_id: str) -> bool:
        """Whether both entities come from the same lab (so one may descend from the other)."""
        return self.lab_of(first_id) == self.lab_of(second_id)


class _Builder:
    """Turns the parsed TOML into a KnowledgeBase, collecting every problem before failing."""

    def __init__(self, origin: str):
        self.origin = origin
        self.problems: list[str] = []

    def build(self, data: dict[str, Any]) -> KnowledgeBase:
        unknown_top = set(data) - {"entity"}
        if unknown_top:
            self.problems.append(f"unknown top-level key(s) {sorted(unknown_top)}; expected [[entity]] tables")
        entries = data.get("entity", [])
        if not isinstance(entries, list):
            entries = []
            self.problems.append("`entity` must be an array of tables ([[entity]])")
        entities: dict[str, Entity] = {}
        aliases: list[Alias] = []
        context: set[tuple[str, str]] = set()
        for position, entry in enumerate(entries, start=1):
            built = self._entity(entry, position)
            if built is None:
                continue
            entity, entity_aliases, entity_context = built
            if entity.entity_id in entities:
                self.problems.append(f"duplicate id {entity.entity_id!r} (entity #{position})")
                continue
            entities[entity.entity_id] = entity
            aliases.extend(entity_aliases)
            context.update(entity_context)
        self._check_tree(entities)
        self._check_collisions(aliases)
        if self.problems:
            listed = "\n".join(f"- {problem}" for problem in self.problems)
            raise KnowledgeBaseError(f"{self.origin}: {len(self.problems)} problem(s):\n{listed}")
        return KnowledgeBase(entities, aliases, frozenset(context))

    def _entity(self, entry: Any, position: int) -> tuple[Entity, list[Alias], set[tuple[str, str]]] | None:
        if not isinstance(entry, dict):
            self.problems.append(f"entity #{position} is not a table")
            return None
        entity_id = entry.get("id")
        if not isinstance(entity_id, str) or not _ID.match(entity_id):
            self.problems.append(f"entity #{position}: id {entity_id!r} must be a lowercase slug")
            return None
        where = f"entity {entity_id!r}"
        for key in sorted(set(entry) - _ENTITY_KEYS):
            self.problems.append(f"{where}: unknown key {key!r}")
        kind = entry.get("kind")
        if kind not in KINDS:
            self.problems.append(f"{where}: kind {kind!r} must be one of {', '.join(KINDS)}")
            kind = ""  # reported above; the rest of the entry is still checked
        name = entry.get("name")
        if not isinstance(name, str) or not name.strip():
            self.problems.append(f"{where}: a name is required")
            name = entity_id
        openness = entry.get("openness")
        if openness is not None and openness not in OPENNESS:
            self.problems.append(f"{where}: openness {openness!r} must be one of {', '.join(OPENNESS)}")
        country = entry.get("country")
        if country is not None and (kind != "lab" or not isinstance(country, str) or not _COUNTRY.match(country)):
            self.problems.append(f"{where}: country {country!r} must be an ISO 3166 alpha-2 code, on labs only")
        license_ = entry.get("license")
        if license_ is not None and not isinstance(license_, str):
            self.problems.append(f"{where}: license must be a string")
        ambiguous = entry.get("ambiguous", False)
        if not isinstance(ambiguous, bool):
            self.problems.append(f"{where}: ambiguous must be true or false")
            ambiguous = False
        parent = entry.get("parent")
        if parent is not None and not isinstance(parent, str):
            self.problems.append(f"{where}: parent must be an entity id")
            parent = None
        entity = Entity(entity_id, kind, name, parent, country, openness, license_, ambiguous)
        aliases = self._aliases(entry.get("aliases", {}), entity)
        return entity, aliases, self._context_aliases(entry, entity, aliases)

    def _aliases(self, table: Any, entity: Entity) -> list[Alias]:
        where = f"entity {entity.entity_id!r}"
        if not isinstance(table, dict):
            self.problems.append(f"{where}: aliases must be a table of language = [names]")
            return []
        aliases: list[Alias] = []
        for language, names in table.items():
            if language not in (allowed := alias_languages()):
                self.problems.append(f"{where}: alias language {language!r} must be one of {', '.join(allowed)}")
                continue
            if not isinstance(names, list) or not all(isinstance(n, str) and n.strip() for n in names):
                self.problems.append(f"{where}: aliases.{language} must be a list of non-empty strings")
                continue
            aliases.extend(Alias(entity.entity_id, name.strip(), language) for name in names)
        if alias_key(entity.name) not in {alias_key(a.alias) for a in aliases}:
            aliases.insert(0, Alias(entity.entity_id, entity.name, "mul"))
        return list(dict.fromkeys(aliases))

    def _context_aliases(self, entry: dict[str, Any], entity: Entity, aliases: list[Alias]) -> set[tuple[str, str]]:
        where = f"entity {entity.entity_id!r}"
        listed = entry.get("ambiguous_aliases")
        if listed is None:
            if not entity.ambiguous:
                return set()
            return {(a.entity_id, a.alias) for a in aliases if _default_ambiguity(a.alias)}
        if not entity.ambiguous:
            self.problems.append(f"{where}: ambiguous_aliases given but ambiguous is not true")
            return set()
        if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
            self.problems.append(f"{where}: ambiguous_aliases must be a list of strings")
            return set()
        # Case and width are ignored here, spacing is not: "Open AI" may need context while "OpenAI" does not.
        keys = {_case_key(name) for name in listed}
        known = {_case_key(a.alias) for a in aliases}
        for name in listed:
            if _case_key(name) not in known:
                self.problems.append(f"{where}: ambiguous alias {name!r} is not one of its aliases")
        return {(a.entity_id, a.alias) for a in aliases if _case_key(a.alias) in keys}

    def _check_tree(self, entities: dict[str, Entity]) -> None:
        for entity in entities.values():
            where = f"entity {entity.entity_id!r}"
            if entity.kind == "lab" and entity.parent_id is not None:
                self.problems.append(f"{where}: a lab has no parent (found {entity.parent_id!r})")
            elif entity.kind == "model" and entity.parent_id is None:
                self.problems.append(f"{where}: a model needs a parent (its family or its lab)")
            elif entity.parent_id is not None and entity.parent_id not in entities:
                self.problems.append(f"{where}: unknown parent {entity.parent_id!r}")
        cycles: set[frozenset[str]] = set()
        for entity in entities.values():
            seen = [entity.entity_id]
            parent_id = entity.parent_id
            while parent_id in entities and parent_id not in seen:
                seen.append(parent_id)
                parent_id = entities[parent_id].parent_id
            if parent_id == entity.entity_id and frozenset(seen) not in cycles:
                cycles.add(frozenset(seen))
                self.problems.append(f"parent cycle: {' -> '.join([*seen, parent_id])}")

    def _check_collisions(self, aliases: list[Alias]) -> None:
        owners: dict[str, Alias] = {}
        reported: set[tuple[str, str, str]] = set()
        for alias in aliases:
            key = alias_key(alias.alias)
            first = owners.setdefault(key, alias)
            if first.entity_id != alias.entity_id and (key, first.entity_id, alias.entity_id) not in reported:
                reported.add((key, first.entity_id, alias.entity_id))
                self.problems.append(
                    f"alias {alias.alias!r} of entity {alias.entity_id!r} collides with "
                    f"{first.alias!r} of entity {first.entity_id!r}"
                )

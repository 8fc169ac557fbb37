"""Which texts a change of the knowledge base can link differently, told without tokenizing them.

Linking a text again costs a tokenizer pass over it; after an alias is added, most
texts hold nothing the new alias could match, and linking them again would give
what they have. A text is reached by a change when:

- its stored mentions name an entity whose record changed (kind, parent, openness,
  ambiguity...: read by the context rules, the precedence of overlapping names and
  relevance), or whose ancestor's record did;
- it holds the start of a changed alias: an alias added or removed, or any alias of an
  entity whose record changed. Every span the ruler matches, and every paragraph the
  focus keeps for an alias (focus.py), begins with the alias's first piece (and the
  second, after a short first one), and the tokenizers never cut a piece inside a run
  of letters or of digits: the alias's first such run (and the next, after a short
  one), in lower case, is looked for among the text's runs. A Han alias written
  without a space is one word of the jieba dictionary, so in a jieba language its
  leading Han run is looked for; elsewhere its first Han character. jieba also cuts
  at letters outside ASCII ("Tülu": "T", "ü", "lu"): in a jieba language, such a run's
  ASCII start is looked for anywhere;
- its text, with case, width and spacing ignored as ``alias_key`` ignores them, holds
  the key of a changed alias of any language (a name that is now, or was, known:
  discovery, which knows the names of every language, and the fuzzy linker treat such
  a name apart), or, for an alias its language searches that takes part in fuzzy matching,
  a string of the same initial within two edits of that key: a misspelling the fuzzy
  linker could link to it now, or linked to it before. Capitals and token bounds,
  which the fuzzy linker also asks for, are not checked: more texts are taken, never fewer.

A text that none of these reach links exactly as it did, and so do the steps that read
its links (relevance, passages).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache

from rapidfuzz import process
from rapidfuzz.distance import OSA

from core.languages import registry
from nlp.segmentation import UNSPACED

from .focus import SHORT
from .fuzzy import MIN_HAN_LENGTH, MIN_LENGTH
from .kb import Alias, KnowledgeBase, alias_key

FUZZY_EDITS = 2
"""The most edits at which the fuzzy linker weighs a name against an alias (its score cut-off)."""

_HAN = re.compile(UNSPACED)
RUN = re.compile(rf"[^\W\d_{registry().unspaced_characters}]+|\d+")


@dataclass(frozen=True)
class ChangedAlias:
    """What ``KnowledgeChange.reaches`` looks for of an alias."""

    language: str  # the alias's language (``mul``: any)
    key: str  # alias_key of the alias
    runs: tuple[str, ...]  # its first run of letters or digits, lower case, and the next where the focus needs it
    han: str  # its leading Han run when it starts with one and has no space, else ""
    fuzzy: bool  # it takes part in fuzzy matching, in the old or the new knowledge base

    def seen(self, lowered: str, runs: Callable[[], set[str]], jieba: bool) -> bool:
        """Whether the ruler or the focus can see this alias in a text: ``lowered`` is the text
        in lower case, ``runs()`` its runs of letters and of digits (found only when the
        alias's runs are all strings of the text, as they seldom are)."""
        if self.han:
            return (self.han if jieba else self.han[0]) in lowered
        if jieba and not "".join(self.runs).isascii():
            return self.ascii_start in lowered  # jieba cuts at letters it does not know ("T", "ü", "lu")
        return all(run in lowered for run in self.runs) and all(run in runs() for run in self.runs)

    @property
    def ascii_start(self) -> str:
        """The start of its first run that is plain ASCII ("t" of "tülu")."""
        start = re.match(r"[a-z0-9]+", self.runs[0] if self.runs else "")
        return start.group() if start else ""


class KnowledgeChange:
    """What differs between the knowledge base a text was linked with (``old``) and ``new``."""

    def __init__(self, old: KnowledgeBase, new: KnowledgeBase) -> None:
        records = {entity_id for entity_id in old.entities.keys() | new.entities.keys()
                   if old.entities.get(entity_id) != new.entities.get(entity_id)}
        touched = set(records)
        for base in (old, new):
            touched.update(entity_id for entity_id in base.entities
                           if any(parent.entity_id in records for parent in base.ancestors(entity_id)))
        self.entities = frozenset(touched)
        """Entities whose record, or an ancestor's, changed."""
        before, after = _alias_rules(old), _alias_rules(new)
        changed = {alias for alias in before.keys() | after.keys()
                   if before.get(alias) != after.get(alias) or alias.entity_id in touched}
        def fuzzy(alias: Alias) -> bool:
            return any(rules is not None and rules[1] for rules in (before.get(alias), after.get(alias)))

        self.aliases = tuple(sorted((self.describe(alias, fuzzy(alias)) for alias in changed),
                                    key=lambda c: (c.language, c.key)))
        """Aliases added, removed, whose ambiguity changed, or of an entity in ``entities``."""

    @staticmethod
    def describe(alias: Alias, fuzzy: bool = False) -> ChangedAlias:
        """What is looked for of ``alias``; ``fuzzy``: whether it takes part in fuzzy matching."""
        name = alias.alias.lower()
        first = next((index for index, character in enumerate(name) if character.isalnum()), None)
        runs: tuple[str, ...] = ()
        han = ""
        if first is not None and _HAN.match(name[first]):
            han_run = re.match(rf"{UNSPACED}+", name[first:])
            han = name[first] if " " in name or han_run is None else han_run.group()
        elif first is not None and (match := RUN.match(name, first)):
            runs = (match.group(),)
            # A first piece shorter than the focus's minimum is looked for with the piece after it:
            # the next run, when only a space, a hyphen or nothing stands between them.
            after = RUN.search(name, match.end())
            if len(match.group()) < SHORT and after and not name[match.end(): after.start()].strip(" -"):
                runs += (after.group(),)
        return ChangedAlias(alias.language, alias_key(alias.alias), runs, han, fuzzy)

    @property
    def empty(self) -> bool:
        """Whether nothing the matcher or relevance reads changed (a comment, the order of entries)."""
        return not self.entities and not self.aliases

    def reaches(self, text: str, language: str, linked: Iterable[str] = ()) -> bool:
        """Whether linking ``text`` (in ``language``, whose stored mentions name the ``linked``
        entity ids) with the new knowledge base can give other mentions or candidate names
        than with the old one, or other relevance evidence."""
        spec = registry().get(language)
        if spec is None or not spec.analysed or self.empty:
            return False
        if not self.entities.isdisjoint(linked):
            return True
        keyed = alias_key(text)
        if any(alias.key in keyed for alias in self.aliases):  # discovery knows the names of every language
            return True
        searched = set(spec.alias_languages)
        aliases = [alias for alias in self.aliases if alias.language in searched]
        if not aliases:
            return False
        lowered = text.lower()
        runs = cache(lambda: set(RUN.findall(lowered)))
        jieba = spec.segmenter.words == "jieba"
        return any(alias.seen(lowered, runs, jieba) or (alias.fuzzy and _within_edits(alias.key, keyed))
                   for alias in aliases)


def _alias_rules(base: KnowledgeBase) -> dict[Alias, tuple[bool, bool]]:
    """Each alias with what the matcher reads of it besides its text: whether it needs
    context, and whether it takes part in fuzzy matching."""
    return {alias: (base.needs_context(alias), _fuzzy(alias, base)) for alias in base.aliases}


def _fuzzy(alias: Alias, base: KnowledgeBase) -> bool:
    if base.needs_context(alias):
        return False
    key = alias_key(alias.alias)
    return len(key) >= (MIN_HAN_LENGTH if _HAN.search(key) else MIN_LENGTH)


def _within_edits(key: str, text: str) -> bool:
    """Whether ``text`` holds a string that starts like ``key`` and is at most ``FUZZY_EDITS``
    edits (a transposition counting as one) away from it.

    Each edit spoils at most two neighbouring characters of ``key``: cut into twice as many
    parts as edits and one more, at least one part stands intact in any such string, no
    more than ``FUZZY_EDITS`` characters from where it stands in ``key``. Only the strings
    starting there are weighed."""
    count = 2 * FUZZY_EDITS + 1
    size = max(1, len(key) // count)
    bounds = [(at * size, (at + 1) * size if at < count - 1 else len(key)) for at in range(count)
              if at * size < len(key)]
    starts: set[int] = set()
    for begin, end in bounds:
        part = key[begin:end]
        found = text.find(part)
        while found >= 0:
            starts.update(range(max(0, found - begin - FUZZY_EDITS), found - begin + FUZZY_EDITS + 1))
            found = text.find(part, found + 1)
    lengths = range(max(1, len(key) - FUZZY_EDITS), len(key) + FUZZY_EDITS + 1)
    windows = [text[at: at + length] for at in sorted(starts) if text[at: at + 1] == key[0] for length in lengths]
    return bool(windows) and process.extractOne(key, windows, scorer=OSA.distance,
                                                score_cutoff=FUZZY_EDITS) is not None

"""Per-language extraction rules: the ``[extraction]`` table of each language file.

The rules are data (``core/languages/<xx>.toml``): boilerplate headings and lines,
byline patterns, prefixes and role words, the outlet-suffix words of titles and the
time zones of dates. A language whose file has no ``[extraction]`` gets no rules
(trafilatura's output as it is).

precision_pass: run trafilatura a second time with favor_precision and keep the
  lines both passes agree on (Chinese portals surround short articles with
  "latest news" columns and link lists that the default pass keeps).
density_pass: read the page a third time by text density (nlp/density.py) and
  take that reading where it is the same text less some lines.
end_headings: a line that is only one of these headings ends the article (the
  rest is related links, recommendations, comments).
end_lines: a line that matches one ends the article, as an end heading does: a forum
  post's footer, after which the replies follow.
drop_lines: a line that matches is not article text, wherever it stands.
byline_patterns: a byline in the text's head ("By Jane Doe"), its first group the name.
byline_prefixes: words before the name in an author field ("by", "par"); taken off.
author_months: month names (a regular expression) that end an author field with a date.
not_authors: words of an author field's part that is a label, not a name ("published").
byline_roles: role words written before a name in a byline; taken off the author.
not_names: words that a byline's remains hold when they are a label, not a name.
byline_verbs, name_suffixes: the verbs that close a byline after its place (北京报道), taken off
  with the place; words glued to the end of a name (麥鈞傑攝), taken off.
name_bylines: bylines naming one or more people, the names in the first group, ``{names}``
  standing for a list of names in the language's script (``{script}``, its ``characters``),
  none of them one of the ``byline_labels``; tried before every language's byline_patterns, and
  over the whole page when the text is in an unspaced script (``nlp.extraction``).
signature_bylines, editor_bylines: the same for a signature closing the text, and for the
  editor in charge (the last resort).
not_a_name: a regular expression; a name those bylines find that holds a match is none.
timezone, timezones_by_domain: the zone of a date written with a time of day;
  by the URL's country domain first (Taipei, Hong Kong, Macau), else the language's.
title_separators, outlet_words: the outlet's name after the headline; taken off the title.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import VeilleError
from core.languages import Registry, registry

_KEYS = {"timezone", "timezones_by_domain", "precision_pass", "density_pass", "end_headings", "end_lines",
         "drop_lines", "byline_patterns", "byline_prefixes", "author_months", "not_authors", "byline_roles",
         "not_names", "title_separators", "outlet_words", "byline_verbs", "name_suffixes", "byline_labels",
         "name_bylines", "signature_bylines", "editor_bylines", "not_a_name"}


class ExtractionRulesError(VeilleError):
    """The rules file is malformed; the message names the language and key."""


@dataclass(frozen=True)
class LanguageRules:
    timezone: str | None = None
    timezones_by_domain: Mapping[str, str] = field(default_factory=dict)
    precision_pass: bool = False
    density_pass: bool = False
    end_headings: frozenset[str] = frozenset()
    end_lines: tuple[re.Pattern[str], ...] = ()
    drop_lines: tuple[re.Pattern[str], ...] = ()
    byline_patterns: tuple[re.Pattern[str], ...] = ()
    byline_prefixes: tuple[str, ...] = ()
    author_months: str | None = None
    not_authors: tuple[str, ...] = ()
    byline_roles: tuple[str, ...] = ()  # longest first, so 中央社記者 goes before 記者
    not_names: tuple[str, ...] = ()
    byline_verbs: tuple[str, ...] = ()
    name_suffixes: tuple[str, ...] = ()
    byline_labels: tuple[str, ...] = ()
    name_bylines: tuple[str, ...] = ()  # regular expressions with {names} and {script} in them
    signature_bylines: tuple[str, ...] = ()
    editor_bylines: tuple[str, ...] = ()
    not_a_name: re.Pattern[str] | None = None
    title_separators: re.Pattern[str] | None = None
    outlet_words: tuple[str, ...] = ()

    def is_end_heading(self, line: str) -> bool:
        stripped = line.strip()
        return _bare(line) in self.end_headings or any(pattern.search(stripped) for pattern in self.end_lines)

    def is_boilerplate(self, line: str) -> bool:
        stripped = line.strip()
        return any(pattern.search(stripped) for pattern in self.drop_lines)


NO_RULES = LanguageRules()


def _bare(line: str) -> str:
    """A heading without spaces, list marks and the punctuation around it (「相關新聞：」, ▶ 延伸閱讀,
    a table cell's escaped bar: | \\| 回复线索： |)."""
    return re.sub(r"[\s\-–—|｜\\:：>》▶►●■◆★☆·•【】\[\]（）()「」『』]+", "", line)


def compile_rule(language: str, key: str, pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    """``pattern`` compiled, or an error that names the language and the key it comes from."""
    try:
        return re.compile(pattern, flags)
    except re.error as error:
        raise ExtractionRulesError(
            f"[{language}] {key}: {pattern!r} is not a valid regular expression: {error}") from None


def parse_rules(data: dict) -> dict[str, LanguageRules]:
    """Check and compile the rules of every language in ``data`` (language code → its table)."""
    rules = {}
    for language, section in data.items():
        if not isinstance(section, dict):
            raise ExtractionRulesError(f"[{language}] must be a table of rules")
        unknown = set(section) - _KEYS
        if unknown:
            raise ExtractionRulesError(f"[{language}] unknown keys {sorted(unknown)}; allowed: {sorted(_KEYS)}")
        separators = section.get("title_separators")
        zones = {section.get("timezone"), *section.get("timezones_by_domain", {}).values()} - {None}
        for zone in zones:
            try:
                ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError):
                raise ExtractionRulesError(
                    f"[{language}] {zone!r} is not a time zone name (e.g. Asia/Shanghai)") from None
        rules[language] = LanguageRules(
            timezone=section.get("timezone"),
            timezones_by_domain=dict(section.get("timezones_by_domain", {})),
            precision_pass=bool(section.get("precision_pass", False)),
            density_pass=bool(section.get("density_pass", False)),
            end_headings=frozenset(_bare(h) for h in section.get("end_headings", [])),
            end_lines=tuple(compile_rule(language, "end_lines", p) for p in section.get("end_lines", [])),
            drop_lines=tuple(compile_rule(language, "drop_lines", p) for p in section.get("drop_lines", [])),
            # a name is told by its capitals: byline patterns keep their case
            byline_patterns=tuple(compile_rule(language, "byline_patterns", p, 0)
                                  for p in section.get("byline_patterns", [])),
            byline_prefixes=tuple(section.get("byline_prefixes", [])),
            author_months=section.get("author_months"),
            not_authors=tuple(section.get("not_authors", [])),
            byline_roles=tuple(sorted(section.get("byline_roles", []), key=len, reverse=True)),
            not_names=tuple(section.get("not_names", [])),
            byline_verbs=tuple(section.get("byline_verbs", [])),
            name_suffixes=tuple(section.get("name_suffixes", [])),
            byline_labels=tuple(section.get("byline_labels", [])),
            name_bylines=tuple(section.get("name_bylines", [])),
            signature_bylines=tuple(section.get("signature_bylines", [])),
            editor_bylines=tuple(section.get("editor_bylines", [])),
            not_a_name=compile_rule(language, "not_a_name", section["not_a_name"], 0)
            if section.get("not_a_name") else None,
            title_separators=compile_rule(language, "title_separators", separators) if separators else None,
            outlet_words=tuple(section.get("outlet_words", [])),
        )
    return rules


@cache
def load_rules(languages: Registry) -> dict[str, LanguageRules]:
    """The rules of every language file that has an ``[extraction]`` table."""
    return parse_rules({spec.code: dict(spec.extraction) for spec in languages if spec.extraction})


def rules_for(language: str | None) -> LanguageRules:
    return load_rules(registry()).get(language or "", NO_RULES)


def byline_patterns() -> list[re.Pattern[str]]:
    """Every language's byline patterns: a page's byline is looked for before its language is known."""
    return [pattern for rules in load_rules(registry()).values() for pattern in rules.byline_patterns]


def byline_prefixes() -> tuple[str, ...]:
    """Every language's author-field prefixes ("by", "par")."""
    return tuple(dict.fromkeys(p for rules in load_rules(registry()).values() for p in rules.byline_prefixes))

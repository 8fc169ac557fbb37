"""Per-language extraction rules, loaded from ``extraction_rules.toml``.

The rules are data: boilerplate headings and lines, byline role words, the
outlet-suffix words of titles and the time zones of dates. A language the file does not name gets no
rules (trafilatura's output as it is).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from core.errors import VeilleError

DEFAULT_PATH = Path(__file__).with_name("extraction_rules.toml")
_KEYS = {"timezone", "timezones_by_domain", "precision_pass", "density_pass", "end_headings", "drop_lines", "byline_roles", "not_names", "title_separators", "outlet_words"}


class ExtractionRulesError(VeilleError):
    """The rules file is malformed; the message names the language and key."""


@dataclass(frozen=True)
class LanguageRules:
    timezone: str | None = None
    timezones_by_domain: Mapping[str, str] = field(default_factory=dict)
    precision_pass: bool = False
    density_pass: bool = False
    end_headings: frozenset[str] = frozenset()
    drop_lines: tuple[re.Pattern[str], ...] = ()
    byline_roles: tuple[str, ...] = ()  # longest first, so 中央社記者 goes before 記者
    not_names: tuple[str, ...] = ()
    title_separators: re.Pattern[str] | None = None
    outlet_words: tuple[str, ...] = ()

    def is_end_heading(self, line: str) -> bool:
        return _bare(line) in self.end_headings

    def is_boilerplate(self, line: str) -> bool:
        stripped = line.strip()
        return any(pattern.search(stripped) for pattern in self.drop_lines)


NO_RULES = LanguageRules()


def _bare(line: str) -> str:
    """A heading without spaces, list marks and the punctuation around it (「相關新聞：」, ▶ 延伸閱讀)."""
    return re.sub(r"[\s\-–—|｜:：>》▶►●■◆★☆·•【】\[\]（）()「」『』]+", "", line)


def _compile(language: str, key: str, pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as error:
        raise ExtractionRulesError(f"[{language}] {key}: {pattern!r} is not a valid regular expression: {error}") from None


def parse_rules(data: dict) -> dict[str, LanguageRules]:
    """Check and compile the rules of every language in ``data`` (a parsed TOML file)."""
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
                raise ExtractionRulesError(f"[{language}] {zone!r} is not a time zone name (e.g. Asia/Shanghai)") from None
        rules[language] = LanguageRules(
            timezone=section.get("timezone"),
            timezones_by_domain=dict(section.get("timezones_by_domain", {})),
            precision_pass=bool(section.get("precision_pass", False)),
            density_pass=bool(section.get("density_pass", False)),
            end_headings=frozenset(_bare(h) for h in section.get("end_headings", [])),
            drop_lines=tuple(_compile(language, "drop_lines", p) for p in section.get("drop_lines", [])),
            byline_roles=tuple(sorted(section.get("byline_roles", []), key=len, reverse=True)),
            not_names=tuple(section.get("not_names", [])),
            title_separators=_compile(language, "title_separators", separators) if separators else None,
            outlet_words=tuple(section.get("outlet_words", [])),
        )
    return rules


@cache
def load_rules(path: Path = DEFAULT_PATH) -> dict[str, LanguageRules]:
    with path.open("rb") as handle:
        return parse_rules(tomllib.load(handle))


def rules_for(language: str | None) -> LanguageRules:
    return load_rules().get(language or "", NO_RULES)

"""Authors without their role words, titles without the outlet's name, by the language's rules.

Chinese bylines put the role before the name (记者 王小明, 中央社記者陳仁華,
責任編輯：李四) and the place and the verb after it (／新北報導, 北京报道);
portals end ``<title>`` with their own name ("… - 新浪科技", "…｜聯合新聞網").
The words are data (``[extraction]`` of the language file); what is left of a byline must
look like names, or there is no author.
"""

from __future__ import annotations

import re
from functools import cache

from nlp.extraction_rules import LanguageRules
from nlp.segmentation import HAN

OUTLET_MAX_CHARACTERS = 16
HEADLINE_MIN_CHARACTERS = 4
_HAN_NAME = re.compile(rf"^[{HAN}]{{2,4}}$|^[{HAN}]{{1,6}}·[{HAN}]{{1,8}}$")
_SPLIT = re.compile(r"\s*[、,，;；/／|｜:：︰]\s*|\s+")
_ASIDE = re.compile(r"[（(\[【〔][^)）\]】〕]*[)）\]】〕]")
_SPACED_NAME = re.compile(rf"(?<![{HAN}])([{HAN}])[ \u3000]([{HAN}])(?![{HAN}])")


@cache
def _place_and_verb(verbs: tuple[str, ...]) -> re.Pattern[str] | None:
    """The place and the verb that close a byline: "／新北 台南報導", " 北京报道", "／綜合報導"
    (the verbs are the language's ``byline_verbs``)."""
    if not verbs:
        return None
    return re.compile(rf"(?:[／/]\s*[{HAN} ]{{0,12}}|\s[{HAN}]{{0,6}})(?:{'|'.join(map(re.escape, verbs))})\s*$")


@cache
def _suffix(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """A word glued to the end of a name (麥鈞傑攝), from the language's ``name_suffixes``."""
    return re.compile(f"(?:{'|'.join(map(re.escape, words))})$") if words else None


def clean_byline(author: str | None, rules: LanguageRules) -> str | None:
    """The names in a byline, role words and place lines dropped; None when no name is left.

    What is kept must look like a Chinese name (two to four characters, or a
    transcribed name with ·) and hold none of the language's outlet words or
    ``not_names`` (今日, 時間, …): a byline that is a section label or a
    date label gives no author.
    """
    if not author or not rules.byline_roles:
        return author
    text = _ASIDE.sub(" ", author)
    if (place_and_verb := _place_and_verb(rules.byline_verbs)) is not None:
        text = place_and_verb.sub("", text)
    text = _SPACED_NAME.sub(r"\1\2", text)  # 赵 培: a two-character name set apart
    # longest first; a one-character role (文, 圖) only before its colon or slash, not inside a name
    roles = "|".join(re.escape(role) if len(role) > 1 else rf"{re.escape(role)}(?=\s*[:：︰/／])"
                     for role in rules.byline_roles)
    text = re.sub(roles, " ", text)
    names = []
    suffix = _suffix(rules.name_suffixes)
    for token in _SPLIT.split(text):
        token = suffix.sub("", token) if suffix is not None and len(token) > 3 else token
        if (_HAN_NAME.match(token) and token not in names and not _is_outlet(token, rules)
                and not any(word in token for word in rules.not_names)):
            names.append(token)
    return " ".join(names) or None


def _is_outlet(token: str, rules: LanguageRules) -> bool:
    return any(word in token if len(word) > 1 else token.endswith(word) for word in rules.outlet_words)


def strip_outlet(title: str | None, site_name: str | None, rules: LanguageRules) -> str | None:
    """The title without the outlet's name (and the section names around it) after or before the
    headline: "… - 晴報 - 港聞 - 要聞", "信報即時新聞 -- …"."""
    if not title or rules.title_separators is None:
        return title
    parts = [p.strip() for p in rules.title_separators.split(title)]
    for cut in range(1, len(parts)):
        headline, tail = title[: _end_of(title, parts, cut)].strip(), parts[cut:]
        if len(headline) >= HEADLINE_MIN_CHARACTERS and all(0 < len(p) <= OUTLET_MAX_CHARACTERS for p in tail) \
                and any(_names_outlet(p, site_name, rules) for p in tail):
            return headline
    if len(parts) == 2 and _names_outlet(parts[0], site_name, rules) and not _names_outlet(parts[1], site_name, rules):
        return parts[1]
    return title


def _names_outlet(part: str, site_name: str | None, rules: LanguageRules) -> bool:
    return len(part) <= OUTLET_MAX_CHARACTERS and (
        bool(site_name and (part in site_name or site_name in part)) or any(w in part for w in rules.outlet_words))


def _end_of(title: str, parts: list[str], cut: int) -> int:
    """Where in ``title`` the first ``cut`` parts end (the separators between them kept)."""
    position = 0
    for part in parts[:cut]:
        position = title.index(part, position) + len(part)
    return position

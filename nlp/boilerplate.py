"""Article text out of trafilatura's lines: two passes that agree, then page furniture removed.

Chinese portals wrap short articles in "latest news" columns, link lists and
share bars. trafilatura's default pass keeps them whenever the article alone
looks too short to it; its precision pass drops them, but sometimes drops the
whole body with them (a notice in a table, a one-paragraph flash item). So
the precision pass is the answer when it holds prose; when it does not, the
default pass's lines are taken around what the precision pass found, as far
as they run on in prose. A third reading by text density (``nlp.density``)
replaces that text where it is the same text less some lines. The lines the language's rules name as furniture
(``[extraction]`` of the language file) are then removed, and the text ends at a
"related news" heading.
"""

from __future__ import annotations

import re
from collections import Counter

from nlp.extraction_rules import LanguageRules
from nlp.segmentation import UNSPACED

_SPACE = re.compile(r"\s+")
_WORD_CHARACTER = re.compile(rf"{UNSPACED}|[^\W\d_]+", re.UNICODE)
_SENTENCE_END = re.compile(r"[。！？；…!?;]|[.](?:\s|$)")
_LIST_MARK = re.compile(r"^(?:[-*•·|]\s|\|)")
_CELL = re.compile(r"(?<!\\)\|")
PROSE_MIN_WORDS = 20
CELL_SENTENCES = 2
DENSER_SHARE = (0.3, 0.95)  # the density reading's length against trafilatura's, to be taken instead
DENSER_CONTAINED = 0.9  # the share of its characters that trafilatura's text holds too


def is_prose(line: str) -> bool:
    """A sentence or more of running text: not a list item, a table row, a menu or a headline."""
    stripped = line.strip()
    if _LIST_MARK.match(stripped):
        return False
    return len(_WORD_CHARACTER.findall(stripped)) >= PROSE_MIN_WORDS and bool(_SENTENCE_END.search(stripped))


def holds_prose(line: str) -> bool:
    """Prose, or a table row one of whose cells is prose of a few sentences (the body of a
    table-layout page; a sidebar's one-sentence notice is not)."""
    return is_prose(line) or line.lstrip().startswith("|") and any(
        is_prose(cell) and len(_SENTENCE_END.findall(cell)) >= CELL_SENTENCES for cell in _CELL.split(line))


def _key(line: str) -> str:
    return _SPACE.sub("", line)


def remove_furniture(text: str, rules: LanguageRules) -> str:
    """The lines that are not page furniture, up to a "related news" heading that follows prose
    (in a line of its own or in a table cell)."""
    kept: list[str] = []
    for line in text.split("\n"):
        if rules.is_end_heading(line):
            if any(holds_prose(k) for k in kept):
                break
            continue
        if not rules.is_boilerplate(line):
            kept.append(line)
    return "\n".join(kept).strip()


def agree(default: str, precise: str) -> str:
    """The article text from the default and the precision pass of the same page (see module doc)."""
    if any(is_prose(line) for line in precise.split("\n")):
        return precise
    lines = default.split("\n")
    found = {_key(line) for line in precise.split("\n") if _key(line)}
    keep = [_key(line) in found for line in lines]
    if not any(keep):
        return default
    for start in [i for i, kept in enumerate(keep) if kept]:
        for step in (-1, 1):
            i = start + step
            while 0 <= i < len(lines) and not keep[i] and (is_prose(lines[i]) or not lines[i].strip()):
                keep[i] = True
                i += step
    return "\n".join(line for line, kept in zip(lines, keep) if kept).strip()


def _characters(text: str) -> Counter[str]:
    return Counter(_SPACE.sub("", text))


def prefer_denser(text: str, dense: str) -> str:
    """The density reading (``nlp.density``) where it is trafilatura's text less its furniture.

    Taken when trafilatura's text holds nearly all of it and it is shorter,
    but not so short that it could be one paragraph of the article only.
    """
    ours, theirs = _characters(text), _characters(dense)
    total, length = sum(theirs.values()), sum(ours.values())
    if not total or not length:
        return text
    contained = sum((ours & theirs).values()) / total
    low, high = DENSER_SHARE
    return dense if contained >= DENSER_CONTAINED and low * length <= total < high * length else text

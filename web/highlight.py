"""An article's text cut into pieces that carry its mentions and stance passages.

The template escapes each piece; nothing from the article is ever written as
markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Piece:
    text: str
    mention: dict[str, Any] | None
    passage: dict[str, Any] | None


def pieces(text: str, mentions: list[dict[str, Any]], passages: list[dict[str, Any]]) -> list[Piece]:
    """``text`` cut at every mention and passage boundary, each piece with what covers it."""
    spans = [s for s in mentions + passages if 0 <= s["start_char"] < s["end_char"] <= len(text)]
    cuts = sorted({0, len(text), *(s["start_char"] for s in spans), *(s["end_char"] for s in spans)})
    out = []
    for start, end in zip(cuts, cuts[1:]):
        mention = next((m for m in mentions if m["start_char"] <= start and end <= m["end_char"]), None)
        passage = next((p for p in passages if p["start_char"] <= start and end <= p["end_char"]), None)
        out.append(Piece(text[start:end], mention, passage))
    return out

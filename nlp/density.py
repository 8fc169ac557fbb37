"""The article container by text density: a second reading of the page for Chinese portals.

Old portal and forum pages lay the whole page out in nested tables, and
trafilatura, which keeps tables, then takes menus and link columns along with
the article. Here every piece of text in the page scores for the element that
holds it: running text (a sentence mark and enough characters, outside links)
scores its length, link text and short labels score against it. The element
whose whole subtree scores highest is the article's container (the
tree-shaped form of Finn et al.'s body-text extraction); its text is read
back line by line, less the lines that are mostly links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

_DROP_TAGS = ("script", "style", "noscript", "iframe", "form", "select", "option", "textarea", "button",
              "head", "nav", "footer", "aside", "svg", "object", "embed")
_BLOCK_TAGS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
                         "article", "blockquote", "pre", "dd", "dt", "ul", "ol", "td", "th", "center"})
_UNIT = re.compile(r"[\u3400-\u9fff]|[^\W\d_]+|\d+", re.UNICODE)
_SENTENCE_MARK = re.compile(r"[。！？；，、：!?;,]")
PROSE_MIN_UNITS = 10
LINK_WEIGHT = 1.0
LABEL_WEIGHT = 0.5


@dataclass
class _Piece:
    text: str
    in_link: bool


def _units(text: str) -> int:
    return len(_UNIT.findall(text))


def _piece_score(piece: _Piece) -> float:
    units = _units(piece.text)
    if piece.in_link:
        return -LINK_WEIGHT * units
    if units >= PROSE_MIN_UNITS and _SENTENCE_MARK.search(piece.text):
        return float(units)
    return -LABEL_WEIGHT * units


def _is_element(node: object) -> bool:
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


def best_container(tree: etree._Element) -> etree._Element | None:
    """The element whose subtree holds the most running text net of links and labels."""
    best: tuple[float, etree._Element | None] = (0.0, None)

    def visit(element: etree._Element, in_link: bool) -> float:
        nonlocal best
        in_link = in_link or element.tag == "a"
        score = _piece_score(_Piece(element.text, in_link)) if element.text and element.text.strip() else 0.0
        for child in element:
            if _is_element(child):
                score += visit(child, in_link)
            if child.tail and child.tail.strip():
                score += _piece_score(_Piece(child.tail, in_link))
        if score > best[0]:
            best = (score, element)
        return score

    visit(tree, False)
    return best[1]


def _lines(element: etree._Element) -> list[tuple[str, int]]:
    """The container's text cut at block elements, each line with its number of link units."""
    lines: list[list] = [["", 0]]

    def add(text: str | None, in_link: bool) -> None:
        if text:
            lines[-1][0] += text
            if in_link:
                lines[-1][1] += _units(text)

    def walk(node: etree._Element, in_link: bool) -> None:
        in_link = in_link or node.tag == "a"
        block = node.tag in _BLOCK_TAGS
        if block:
            lines.append(["", 0])
        add(node.text, in_link)
        for child in node:
            if _is_element(child):
                walk(child, in_link)
            add(child.tail, in_link)
        if block:
            lines.append(["", 0])

    walk(element, False)
    return [(re.sub(r"\s+", " ", text).strip(), links) for text, links in lines]


def density_text(tree: etree._Element) -> str:
    """The article text by density, or "" when no element holds running text."""
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, *_DROP_TAGS, with_tail=False)
    container = best_container(tree)
    if container is None:
        return ""
    kept = [text for text, links in _lines(container) if text and links * 2 <= _units(text)]
    return "\n".join(kept)


"""The article container by text density: a second reading of the page for Chinese portals.

Old portal and forum pages lay the whole page out in nested tables, and
trafilatura, which keeps tables, then takes menus and link columns along with
the article. Here every piece of text in the page scores for the element that
holds it: running text (a sentence mark and enough characters, outside links)
scores its length, link text and short labels score against it. Under each
element, the run of consecutive children with the highest sum is a candidate
(Finn et al.'s body-text extraction, applied to the children of every
element of the tree); the best candidate of the page holds the article, read
back line by line, less the lines that are mostly links.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias

import trafilatura
from lxml import etree, html as lxml_html

from nlp.segmentation import UNSPACED

_DROP_TAGS = ("script", "style", "noscript", "iframe", "select", "option", "textarea", "button",
              "head", "nav", "footer", "aside", "svg", "object", "embed")
_BLOCK_TAGS = frozenset({"p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section",
                         "article", "blockquote", "pre", "dd", "dt", "ul", "ol", "td", "th", "center"})
_UNIT = re.compile(rf"{UNSPACED}|[^\W\d_]+|\d+", re.UNICODE)
_SENTENCE_MARK = re.compile(r"[。！？；，、：!?;,]")
PROSE_MIN_UNITS = 10
LINK_WEIGHT = 1.0
LABEL_WEIGHT = 0.5


def _units(text: str) -> int:
    """Characters of Chinese, words and numbers otherwise."""
    return len(_UNIT.findall(text))


def _text_score(text: str, in_link: bool, is_furniture: Callable[[str], bool]) -> float:
    units = _units(text)
    if in_link:
        return -LINK_WEIGHT * units
    if units >= PROSE_MIN_UNITS and _SENTENCE_MARK.search(text) and not is_furniture(text):
        return float(units)
    return -LABEL_WEIGHT * units


def _is_element(node: object) -> bool:
    return isinstance(node, etree._Element) and isinstance(node.tag, str)


Item: TypeAlias = str | etree._Element  # a run of text, or a child element with its subtree


@dataclass(frozen=True)
class Container:
    """An element and the run of its items (its text, children and their tails) that holds the article."""

    element: etree._Element
    items: list[Item]
    score: float


def _items(element: etree._Element) -> list[Item]:
    items: list[Item] = [element.text] if element.text and element.text.strip() else []
    for child in element:
        if _is_element(child):
            items.append(child)
        if child.tail and child.tail.strip():
            items.append(child.tail)
    return items


def _best_run(scores: list[float]) -> tuple[float, int, int]:
    """The contiguous run with the highest sum (Kadane): (sum, start, end exclusive)."""
    best, run, start, found = 0.0, 0.0, 0, (0.0, 0, 0)
    for i, score in enumerate(scores):
        if run <= 0:
            run, start = score, i
        else:
            run += score
        if run > best:
            best, found = run, (run, start, i + 1)
    return found


def _never(text: str) -> bool:
    return False


def best_container(tree: etree._Element, is_furniture: Callable[[str], bool] = _never) -> Container | None:
    """The run of sibling items, under any element, that holds the most running text net of links
    and labels: an article body of loose paragraphs next to link tables in the same cell is one run."""
    best: Container | None = None

    def visit(element: etree._Element, in_link: bool) -> float:
        nonlocal best
        in_link = in_link or element.tag == "a"
        items = _items(element)
        scores = [visit(item, in_link) if _is_element(item) else _text_score(item, in_link, is_furniture)
                  for item in items]
        score, start, end = _best_run(scores)
        if score > 0 and (best is None or score > best.score):
            best = Container(element, items[start:end], score)
        return sum(scores)

    visit(tree, False)
    return best


def block_lines(element: etree._Element) -> list[str]:
    """An element's text cut at its block elements, one line per block, empty lines left out."""
    return [text for text, _ in _lines(Container(element, [element], 0.0)) if text]


def _lines(container: Container) -> list[tuple[str, int]]:
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

    in_link = container.element.tag == "a" or any(a.tag == "a" for a in container.element.iterancestors())
    for item in container.items:
        if _is_element(item):
            walk(item, in_link)
        else:
            add(item, in_link)
    return [(re.sub(r"\s+", " ", text).strip(), links) for text, links in lines]


def parse(html: str) -> etree._Element | None:
    """The page's tree: trafilatura's parser, or lxml's alone for markup trafilatura turns down
    (a page whose markup starts with something other than ``<html>``)."""
    tree = trafilatura.load_html(html)
    if tree is None and html.strip():
        try:
            tree = lxml_html.document_fromstring(html.encode("utf-8"), parser=_PARSER)
        except (etree.ParserError, ValueError):
            return None
    return tree


_PARSER = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True)


def density_text(tree: etree._Element, is_furniture: Callable[[str], bool] = _never) -> str:
    """The article text by density, or "" when no element holds running text (changes ``tree``).

    Text that ``is_furniture`` recognises (disclaimers, credits) counts as a label, not as running text.
    """
    etree.strip_elements(tree, etree.Comment, etree.ProcessingInstruction, *_DROP_TAGS, with_tail=False)
    container = best_container(tree, is_furniture)
    if container is None:
        return ""
    kept = [text for text, links in _lines(container) if text and links * 2 <= _units(text)]
    return "\n".join(kept)


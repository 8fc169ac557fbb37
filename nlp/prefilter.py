"""A cheap test, on a page's raw bytes, of whether it can be in the watch's scope.

Backfilling from web archives reads millions of pages of which a tiny share is
on topic; extracting and analysing them all would take weeks. The relevance
gate (``nlp/relevance.py``) lets no article through unless it speaks of AI (an
AI term, or a model or closed lab of the knowledge base) and of the topic (an
openness term, or a lab or model). These are words of the text, so a page
whose markup lacks either kind, under every alias and in every language of
the watch, cannot be relevant. This module looks for them with one
Aho-Corasick automaton over the decoded, lower-cased markup, scripts, styles
and tags blanked out by regular expressions, without parsing it.

A page is kept when its host belongs to a source of the registry, or when its
markup names both kinds; it is dropped when it declares a language
(``<html lang>``, ``Content-Language``) outside the watch, or when it lacks
one. Matching is looser than the analysis' own (boilerplate read too, word
ends only checked for Latin letters), so it errs on the side of keeping; its
recall of the pages the analysis finds relevant is measured by
``bench/backfill_prefilter.py``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import ahocorasick

from nlp.charset import meta_charset, normalise_charset
from nlp.entities.kb import KnowledgeBase
from nlp.relevance import OPEN
from nlp.topic import Topic

_SEPARATORS = re.compile(r"[\s\-_\u2010\u2011\u00a0]+")
_TAG = re.compile(r"<[!/?]?[A-Za-z][^>]*>")
_SCRIPT = re.compile(r"<(script|style)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_DECLARED_LANGUAGE = re.compile(rb"<html\b[^>]*?\blang\s*=\s*[\"']?\s*([A-Za-z]{2,3})\b", re.IGNORECASE)
_HEAD_BYTES = 4096


@dataclass(frozen=True)
class Verdict:
    """Whether a page is kept, and why (``source``, ``name``; or ``language``, ``no_name`` when dropped)."""

    kept: bool
    reason: str
    evidence: str | None = None  # the source host, the name matched, or the declared language


def _normalise(text: str) -> str:
    return _SEPARATORS.sub(" ", text.lower())


def _is_latin_letter(char: str) -> bool:
    return char.isascii() and char.isalnum()


class Prefilter:
    """Keeps pages from known hosts, or whose markup names something of each of ``requirements``.

    Each requirement is a collection of terms and aliases as written in
    ``topic.toml`` and the knowledge base (a trailing ``*`` lets a term match
    longer words); a page must name at least one of every requirement.
    """

    def __init__(self, requirements: Sequence[Iterable[str]], languages: Iterable[str],
                 hosts: Iterable[str] = ()) -> None:
        self.languages = frozenset(languages)
        self.hosts = frozenset(host.lower() for host in hosts)
        self._all = (1 << len(requirements)) - 1
        keys: dict[str, tuple[bool, bool, int]] = {}
        for position, names in enumerate(requirements):
            for name in names:
                open_end = name.endswith("*")
                key = _normalise(name.rstrip("*").strip())
                if not key:
                    continue
                bounded_left = _is_latin_letter(key[0])
                bounded_right = _is_latin_letter(key[-1]) and not open_end
                left, right, mask = keys.get(key, (bounded_left, bounded_right, 0))
                # the same key from two names: the looser bounds, both requirements
                keys[key] = (left and bounded_left, right and bounded_right, mask | 1 << position)
        if not requirements or not keys:
            raise ValueError("the prefilter needs at least one name")
        self._automaton = ahocorasick.Automaton()
        for key, (left, right, mask) in keys.items():
            self._automaton.add_word(key, (key, left, right, mask))
        self._automaton.make_automaton()

    @classmethod
    def for_watch(cls, topic: Topic, knowledge_base: KnowledgeBase, hosts: Iterable[str] = ()) -> Prefilter:
        """The relevance gate's necessary condition, on names alone (``Relevance.can_be_relevant``).

        The gate asks that an article speak of AI (an AI term, or a model or
        closed lab of the knowledge base) and of the topic (an openness term,
        or any lab or model); labs named only in passing (``incidental_labs``)
        count for neither. Terms of every language of the topic count, as a
        page's language is not known yet.
        """
        entities = {entity_id: entity for entity_id, entity in knowledge_base.entities.items()
                    if entity_id not in topic.incidental_labs}
        aliases = [alias for alias in knowledge_base.aliases if alias.entity_id in entities]
        speaking_of_ai = [alias.alias for alias in aliases
                          if entities[alias.entity_id].kind == "model"
                          or entities[alias.entity_id].openness not in OPEN]
        ai = [term for terms in topic.ai_terms.values() for term in terms.terms] + speaking_of_ai
        on_topic = [term for terms in topic.terms.values() for term in terms.terms] + [a.alias for a in aliases]
        return cls([ai, on_topic], languages=topic.terms.keys(), hosts=hosts)

    def judge(self, body: bytes, *, host: str = "", charset: str | None = None,
              content_language: str | None = None) -> Verdict:
        """The verdict on one page's raw body."""
        host = host.lower()
        if host in self.hosts or host.removeprefix("www.") in self.hosts or f"www.{host}" in self.hosts:
            return Verdict(True, "source", host)
        declared = self._declared_language(body[:_HEAD_BYTES], content_language)
        if declared is not None and declared not in self.languages:
            return Verdict(False, "language", declared)
        for text in _decodings(body, charset):
            if (name := self.first_name(text)) is not None:
                return Verdict(True, "name", name)
        return Verdict(False, "no_name")

    def first_name(self, text: str) -> str | None:
        """The names found in ``text`` (markup or plain text) that meet every requirement, joined
        by ``+``; None unless every requirement is met."""
        text = _TAG.sub(" ", _SCRIPT.sub(" ", text))  # scripts, styles, tag and attribute names are no text
        if "&" in text:
            text = html.unescape(text)
        haystack = _normalise(text)
        found, names = 0, []
        for end, (key, bounded_left, bounded_right, mask) in self._automaton.iter(haystack):
            if not mask & ~found:
                continue
            start = end - len(key) + 1
            if bounded_left and start > 0 and _is_latin_letter(haystack[start - 1]):
                continue
            if bounded_right and end + 1 < len(haystack) and _is_latin_letter(haystack[end + 1]):
                continue
            found |= mask
            names.append(key)
            if found == self._all:
                return "+".join(names)
        return None

    @staticmethod
    def _declared_language(head: bytes, content_language: str | None) -> str | None:
        match = _DECLARED_LANGUAGE.search(head)
        if match:
            return match.group(1).decode("ascii").lower()
        if content_language:
            first = content_language.split(",")[0].strip().split("-")[0].lower()
            return first or None
        return None


def _decodings(body: bytes, charset: str | None) -> Iterator[str]:
    """The body as text: with its declared charset (HTTP header, then ``<meta>``), else UTF-8.

    No statistical detection here (it costs more than the whole match): a body
    that does not decode cleanly is also read as Windows-1252 and as GB18030,
    the usual undeclared or misdeclared legacy charsets, and matched in each.
    """
    codec = normalise_charset(charset) or normalise_charset(meta_charset(body)) or "utf-8"
    text = body.decode(codec, errors="replace")
    yield text
    if "\ufffd" in text:
        yield from (body.decode(legacy, errors="replace") for legacy in ("cp1252", "gb18030") if legacy != codec)

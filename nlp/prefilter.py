"""A cheap test, on a page's raw bytes, of whether it can be in the watch's scope.

Backfilling from web archives reads millions of pages of which a tiny share is
on topic; extracting and analysing them all would take weeks. The relevance
gate (``nlp/relevance.py``) only lets through an article that names a lab or
model of the knowledge base, or that uses an openness term of the topic; both
are words of the text, so a page whose raw HTML holds none of them (under any
alias, in any language) cannot be relevant. This module looks for them with
one Aho-Corasick automaton over the decoded, lower-cased markup, tags blanked
out by one regular expression, without parsing it.

A page is kept when its host belongs to a source of the registry, or when its
markup names a term or an alias; it is dropped when it declares a language
(``<html lang>``, ``Content-Language``) outside the watch, or when it names
none. Matching is looser than the analysis' own (scripts and boilerplate read too,
word ends only checked for Latin letters), so it errs on the side of keeping; its recall of the pages the
analysis finds relevant is measured by ``bench/backfill_prefilter.py``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

import ahocorasick

from nlp.charset import meta_charset, normalise_charset

_SEPARATORS = re.compile(r"[\s\-_\u2010\u2011\u00a0]+")
_TAG = re.compile(r"<[!/?]?[A-Za-z][^>]*>")
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
    """Keeps pages from known hosts, or whose markup names one of ``names``.

    ``names`` are terms and aliases as written in ``topic.toml`` and the
    knowledge base; a trailing ``*`` lets a term match longer words.
    """

    def __init__(self, names: Iterable[str], languages: Iterable[str], hosts: Iterable[str] = ()) -> None:
        self.languages = frozenset(languages)
        self.hosts = frozenset(host.lower() for host in hosts)
        self._automaton = ahocorasick.Automaton()
        for name in names:
            open_end = name.endswith("*")
            key = _normalise(name.rstrip("*").strip())
            if not key:
                continue
            bounded_left = _is_latin_letter(key[0])
            bounded_right = _is_latin_letter(key[-1]) and not open_end
            known = self._automaton.get(key, None)
            if known is not None:  # the same key from two names: keep the looser bounds
                bounded_right = bounded_right and known[2]
            self._automaton.add_word(key, (key, bounded_left, bounded_right))
        if len(self._automaton) == 0:
            raise ValueError("the prefilter needs at least one name")
        self._automaton.make_automaton()

    @classmethod
    def for_watch(cls, terms: Mapping[str, Iterable[str]], aliases: Iterable[str],
                  hosts: Iterable[str] = ()) -> Prefilter:
        """The watch's prefilter: openness terms per language (their keys are the watch's languages),
        every knowledge-base alias, the registry's hosts."""
        names = [term for words in terms.values() for term in words]
        return cls([*names, *aliases], languages=terms.keys(), hosts=hosts)

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
        """The first name found in ``text`` (markup or plain text), or None."""
        text = _TAG.sub(" ", text)  # tag and attribute names are no text ("<meta>" names no lab)
        if "&" in text:
            text = html.unescape(text)
        haystack = _normalise(text)
        for end, (key, bounded_left, bounded_right) in self._automaton.iter(haystack):
            start = end - len(key) + 1
            if bounded_left and start > 0 and _is_latin_letter(haystack[start - 1]):
                continue
            if bounded_right and end + 1 < len(haystack) and _is_latin_letter(haystack[end + 1]):
                continue
            return key
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

"""Stance passages: the sentences of an article that take a position on openness.

A sentence is kept when it names the topic (an openness term of ``[terms]``,
or a term of the debates around open models, ``[angle_terms]``: censorship,
export controls, security, cost) together with AI or an evaluative cue: real
articles argue about DeepSeek's censorship without repeating "open source". A spaced
language (English, French) is split by spaCy's rule-based sentencizer on a blank
pipeline; an unspaced one (Chinese) on sentence-final punctuation. A sentence that does not read alone (short, or
opening with a word that points back: the language's ``[passages]``) brings the
previous sentence along.
Offsets index the article text: ``text[p.start_char:p.end_char] == p.text``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from core.languages import registry
from nlp.topic import TermList, Topic

_PARAGRAPH = re.compile(r"[^\n]+")
_UNSPACED_SENTENCE = re.compile(r"[^。！？；!?;]+(?:[。！？；!?;]+[”’」』）)\"']*)?")
_LEADING_WORD = re.compile(r"^[\W_]*(\w+)")


@dataclass(frozen=True)
class Passage:
    text: str
    start_char: int
    end_char: int


def extract_passages(text: str, language: str, topic: Topic, stance_cues: TermList | None = None,
                     lead: bool = False) -> list[Passage]:
    """The passages of ``text`` (in ``language``, one the registry analyses) that carry a position on openness.

    ``stance_cues`` (the taxonomy's cues of every stance, in ``language``) put a
    sentence on the topic too: "a fraction of the cost", "refused to answer".
    With ``lead``, an article in which no sentence qualifies gives its lead
    (its first sentences, up to ``lead_chars``) as its one passage: a relevant
    article says in its lead what it argues.
    """
    analysed = registry().analysed
    if language not in analysed:
        raise ValueError(f"unsupported language {language!r}; expected one of {', '.join(analysed)}")
    settings = registry()[language].passages
    min_chars, openers = settings["min_chars"], frozenset(settings["openers"])
    terms, angle_terms = topic.terms[language], topic.angle_terms[language]
    ai_terms, cues = topic.ai_terms[language], topic.stance_cues[language]

    spans: list[tuple[int, int]] = []
    previous_start: int | None = None
    for start, end in sentences(text, language):
        sentence = text[start:end]
        on_topic = (terms.count(sentence) or angle_terms.count(sentence)
                    or (stance_cues is not None and stance_cues.count(sentence)))
        if on_topic and (ai_terms.count(sentence) or cues.count_all(sentence)):
            first = start
            if previous_start is not None and _needs_context(sentence, language, min_chars, openers):
                first = previous_start
            if spans and first < spans[-1][1]:
                spans[-1] = (spans[-1][0], end)
            else:
                spans.append((first, end))
        previous_start = start
    if not spans and lead:
        spans = _lead(text, language, settings["lead_chars"])
    return [Passage(text[s:e], s, e) for s, e in spans]


def _lead(text: str, language: str, limit: int) -> list[tuple[int, int]]:
    """The first sentences of ``text``, as one span of at most about ``limit`` characters."""
    first_start = end = None
    for start, stop in sentences(text, language):
        if first_start is None:
            first_start = start
        elif stop - first_start > limit:
            break
        end = stop
    return [] if first_start is None or end is None else [(first_start, end)]


def sentences(text: str, language: str) -> Iterator[tuple[int, int]]:
    """Character spans of the sentences of ``text``, paragraph by paragraph, without outer spaces."""
    for paragraph in _PARAGRAPH.finditer(text):
        offset = paragraph.start()
        if not registry()[language].spaced:
            spans = ((m.start(), m.end()) for m in _UNSPACED_SENTENCE.finditer(paragraph.group()))
        else:
            doc = _sentencizer(language)(paragraph.group())
            spans = ((s.start_char, s.end_char) for s in doc.sents)
        for start, end in spans:
            chunk = paragraph.group()[start:end]
            stripped = chunk.strip()
            if stripped:
                lead = len(chunk) - len(chunk.lstrip())
                yield offset + start + lead, offset + start + lead + len(stripped)


def _needs_context(sentence: str, language: str, min_chars: int, openers: frozenset[str]) -> bool:
    if len(sentence) < min_chars:
        return True
    if not registry()[language].spaced:
        return any(sentence.startswith(opener) for opener in openers)
    first = _LEADING_WORD.match(sentence)
    return first is not None and first.group(1).lower() in openers


@lru_cache(maxsize=None)
def _sentencizer(language: str) -> Any:
    from nlp.spacy_import import import_spacy

    nlp = import_spacy().blank(registry()[language].spacy_language)
    nlp.add_pipe("sentencizer")
    return nlp


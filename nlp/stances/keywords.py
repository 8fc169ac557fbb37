"""Cluster keywords by class-based TF-IDF (c-TF-IDF), one language at a time.

Each cluster's passages in a language are read as one document; a word
scores high when it is frequent in that cluster and rare across the others.
Background documents (the taxonomy's statements) take part in the document
frequencies only, so that words every text on the topic shares ("open",
"model", "开源") do not become labels.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

from core.languages import registry
from nlp.segmentation import shared_jieba

_LATIN_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_HAS_LETTER = re.compile(r"[^\W\d_]")
_MIN_LATIN_LENGTH = 3


def tokenize(text: str, language: str) -> list[str]:
    """Content words of ``text``: lower-cased, stop words removed (and the language's
    elided articles, ``[stopwords] elision``: l'ouverture is ouverture)."""
    stop = _stopwords(language)
    if registry()[language].segmenter.words == "jieba":
        words = (w.strip().lower() for w in shared_jieba().lcut(text))
        return [w for w in words if len(w) >= 2 and _HAS_LETTER.search(w) and w not in stop]
    elision = _elision(language)
    tokens = []
    for match in _LATIN_WORD.finditer(text.lower()):
        word = elision.sub("", match.group(0)).strip("'’-") if elision else match.group(0)
        if len(word) >= _MIN_LATIN_LENGTH and word not in stop:
            tokens.append(word)
    return tokens


def class_keywords(
    classes: Mapping[str, Sequence[str]],
    language: str,
    background: Sequence[Sequence[str]] = (),
    top_n: int = 8,
) -> dict[str, list[str]]:
    """The ``top_n`` c-TF-IDF words of each class's texts (all in ``language``).

    ``background`` holds extra groups of texts that count for document
    frequency but get no keywords. Ties are broken alphabetically, so the
    result does not depend on input order.
    """
    counts = {name: Counter(w for text in texts for w in tokenize(text, language)) for name, texts in classes.items()}
    groups = list(counts.values()) + [Counter(w for t in texts for w in tokenize(t, language)) for texts in background]
    groups = [g for g in groups if g]
    if not groups:
        return {name: [] for name in classes}
    frequency: Counter[str] = Counter()
    for group in groups:
        frequency.update(group)
    average = sum(frequency.values()) / len(groups)
    keywords = {}
    for name, group in counts.items():
        total = sum(group.values())
        weights = {w: (n / total) * math.log(1 + average / frequency[w]) for w, n in group.items()}
        keywords[name] = [w for w, _ in sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:top_n]]
    return keywords


@lru_cache(maxsize=None)
def _stopwords(language: str) -> frozenset[str]:
    """spaCy's stop words for the language, and the language file's ``[stopwords] extra``."""
    from nlp.spacy_import import import_spacy

    get_lang_class = import_spacy().util.get_lang_class

    spec = registry()[language]
    extra = spec.stopwords.get("extra", [])
    return frozenset(w.lower() for w in get_lang_class(spec.spacy_language).Defaults.stop_words) | frozenset(extra)


@lru_cache(maxsize=None)
def _elision(language: str) -> re.Pattern[str] | None:
    pattern = registry()[language].stopwords.get("elision")
    return re.compile(pattern, re.IGNORECASE) if pattern else None

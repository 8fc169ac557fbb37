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
import tomllib
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

STOPWORDS_PATH = Path(__file__).with_name("stopwords.toml")
_LATIN_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_FRENCH_ELISION = re.compile(r"^(?:[ldjnmtsc]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_HAS_LETTER = re.compile(r"[^\W\d_]")
_MIN_LATIN_LENGTH = 3


def tokenize(text: str, language: str) -> list[str]:
    """Content words of ``text``: lower-cased, stop words removed."""
    stop = _stopwords(language)
    if language == "zh":
        words = (w.strip().lower() for w in _jieba().lcut(text))
        return [w for w in words if len(w) >= 2 and _HAS_LETTER.search(w) and w not in stop]
    tokens = []
    for match in _LATIN_WORD.finditer(text.lower()):
        word = _FRENCH_ELISION.sub("", match.group(0)).strip("'’-") if language == "fr" else match.group(0)
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
    from spacy.util import get_lang_class

    with STOPWORDS_PATH.open("rb") as handle:
        extra = tomllib.load(handle).get(language, [])
    return frozenset(w.lower() for w in get_lang_class(language).Defaults.stop_words) | frozenset(extra)


@lru_cache(maxsize=1)
def _jieba() -> Any:
    """A jieba tokenizer whose dictionary is built in memory.

    ``jieba``'s own initialisation writes a cache file into the system temp
    folder; building the prefix dictionary directly (about a second) keeps
    this module free of file writes.
    """
    import jieba

    tokenizer = jieba.Tokenizer()
    tokenizer.FREQ, tokenizer.total = tokenizer.gen_pfdict(tokenizer.get_dict_file())
    tokenizer.initialized = True
    return tokenizer

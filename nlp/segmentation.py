"""Word cutting for unspaced languages, and the script helpers every module shares.

The character ranges of unspaced scripts (Han) come from the language registry
(``characters`` of a language with ``spaced = false``); ``UNSPACED`` is the
regular-expression class of them all, so no module writes a range itself.

jieba is set up here alone, through its public interface: a ``jieba.Tokenizer``
of its own (words added to it stay out of jieba's process-wide dictionary) whose
cache file goes to veille's cache folder (``tmp_dir``, the attribute jieba
documents for that) rather than the system temporary folder.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from core.languages import registry

HAN = registry().unspaced_characters
"""The ranges of the unspaced scripts, to write inside a regular-expression class: ``[{HAN}·]``."""
UNSPACED = f"[{HAN}]"
"""One character of an unspaced script (Chinese, Japanese), as a regular-expression class."""
UNSPACED_CHARACTER = re.compile(UNSPACED)


def unspaced_share(text: str) -> float:
    """The share of ``text``'s characters that belong to an unspaced script."""
    return len(UNSPACED_CHARACTER.findall(text)) / len(text) if text else 0.0


def default_cache_dir() -> Path:
    """veille's cache folder when the configuration gives none (``$XDG_CACHE_HOME/veille``)."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "veille"


def jieba_tokenizer(cache_dir: Path, words: Iterable[str] = ()) -> Any:
    """A private jieba tokenizer that also knows ``words``, its cache file in ``cache_dir``.

    The dictionary's total frequency stays that of jieba's own dictionary: each added word
    raises it, and every word's share of it is what jieba weighs cuts with, so a name added
    would otherwise move the cuts (and a later name's frequency) in texts that do not hold it.
    """
    import jieba

    logging.getLogger("jieba").setLevel(logging.WARNING)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(cache_dir)
    tokenizer.initialize()
    total = tokenizer.total
    for word in words:
        tokenizer.add_word(word)
        tokenizer.total = total
    return tokenizer


@cache
def shared_jieba() -> Any:
    """One jieba tokenizer with its own dictionary only, for modules that add no words."""
    return jieba_tokenizer(default_cache_dir() / "jieba")

"""The worker pool deals pages by language: each language in as few workers as keep them busy, nothing lost."""

from __future__ import annotations

import os
import time
import zlib

from pipeline.pool import Deferred, LanguagePool, page_language

_loaded: set[str] = set()  # in each worker: the languages it has "loaded"


def _start() -> None:
    _loaded.clear()


def _work(items: list[tuple[str, str, int]], elsewhere: frozenset[str]) -> list:
    """An item is (guessed language, true language, number); one in a language another worker has
    and this one has not is handed back, as the analyser does."""
    done: list = []
    for _, language, number in items:
        if language in elsewhere and language not in _loaded:
            done.append(Deferred(language))
            continue
        _loaded.add(language)
        time.sleep(0.01)
        done.append((os.getpid(), language, number))
    return done


def test_pages_are_dealt_by_language_and_written_whole_in_order() -> None:
    batches, number = [], 0
    for _ in range(3):
        batch = []
        for guessed, language, count in (("en", "en", 30), ("fr", "fr", 3), ("zh", "zh", 6), ("en", "zh", 1),
                                          (None, "fr", 1)):
            for _ in range(count):
                batch.append((guessed, language, number))
                number += 1
        batches.append(batch)
    written: list[list] = []
    pool = LanguagePool(2, _start, ())
    try:
        pool.run(batches, _work, lambda item: item[0], 8, written.append)
    finally:
        pool.shutdown()
    assert [[n for _, _, n in batch] for batch in written] == [[n for _, _, n in batch] for batch in batches]
    workers = {language: {pid for batch in written for pid, lang, _ in batch if lang == language}
               for language in ("en", "fr", "zh")}
    assert len(workers["fr"]) == 1 and len(workers["zh"]) == 1  # wrong and missing guesses handed back
    assert len(set().union(*workers.values())) == 2  # both worked


def _row(html: str, **fields) -> dict:
    return {"body": zlib.compress(html.encode("utf-8")), "charset": None, "hint_language": None, **fields}


def test_a_pages_language_is_guessed_from_its_head() -> None:
    assert page_language(_row('<html lang="fr-FR"><body>Bonjour</body></html>')) == "fr"
    assert page_language(_row("<html><title>人工智能大模型的新进展与挑战</title></html>")) == "zh"
    assert page_language(_row("<html><p>Hello</p></html>", hint_language="en")) == "en"
    assert page_language(_row("<html><p>Hello</p></html>")) is None
    gbk = {"body": zlib.compress("<html><title>人工智能大模型的新进展与挑战</title>".encode("gbk")),
           "charset": "gbk", "hint_language": None}
    assert page_language(gbk) == "zh"

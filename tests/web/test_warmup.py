"""The menu pages are made ready once the file has stayed unchanged."""

from __future__ import annotations

import os
import time

from nlp.embeddings import DEFAULT_ENCODER
from web import pages
from web.filters import Filters
from web.meaning import MeaningSearch
from web.reads import Reader
from web.warmup import WarmUp


def test_a_quiet_file_gets_its_menu_pages_ready_and_a_changed_one_waits(warehouse_file):
    reader = Reader(warehouse_file)
    meaning = MeaningSearch(DEFAULT_ENCODER, None)
    os.utime(warehouse_file)  # just changed: not quiet for 2 s
    thread = WarmUp(reader, meaning, quiet=2.0, every=0.05)
    thread.start()
    try:
        time.sleep(0.5)
        assert thread.warmed is None
        deadline = time.monotonic() + 30
        while thread.warmed is None:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        thread.stopped.set()
        thread.join()
    assert thread.warmed == reader.fingerprint()
    with reader.session() as session:
        pages.overview(session, Filters())
        pages.stances(session, Filters())
        assert session._connection is None  # every result was kept
    assert meaning._vectors is not None and len(meaning._vectors[1].ids) == 1800

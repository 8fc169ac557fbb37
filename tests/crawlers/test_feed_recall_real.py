"""Item links of real feeds the team did not write: veille finds what feedparser finds.

The feeds live in a local cache outside the repository (``bench/feeds``);
without it this test skips and says how to provide it. The comparison is the
one ``python -m bench.feed_recall`` prints: the news spider's feed callback on
feeds served over loopback HTTP, against feedparser on the raw bytes.
"""

from __future__ import annotations

import pytest

from bench.feed_recall import measure, total
from bench.feeds import CacheMissing, load


def test_veille_finds_the_links_feedparser_finds_in_real_feeds() -> None:
    try:
        feeds = load()
    except CacheMissing as error:
        pytest.skip(str(error))
    results = measure(feeds)
    found, wanted, recall = total(results)
    assert wanted > 0
    assert recall >= 0.99, [(r.feed.entry.id, sorted(r.missed)[:3]) for r in results if r.missed]
    assert [r.feed.entry.id for r in results if r.reference and not r.found] == []

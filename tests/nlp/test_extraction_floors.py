"""Extraction quality floors on the evaluation corpus.

Two kinds of floors live in ``data/extraction_floors.toml``: ``floor`` on a
fixed subset of every set and language, and ``full.floor`` on the whole
Chinese sets, split by script (``zh-Hans``, ``zh-Hant``) and over all of
them (``all.zh-Hans``). Lowering one is an explicit, visible edit of that
file. The corpus is not part of the repository: the tests run when
``../shared/corpus`` (or ``$VEILLE_CORPUS``) holds it and skip, saying so,
when it does not.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

from bench import corpus as corpus_module

FLOORS = Path(__file__).with_name("data") / "extraction_floors.toml"


def _corpus_present() -> bool:
    path = Path(os.environ.get("VEILLE_CORPUS", corpus_module.DEFAULT_CORPUS))
    return (path / "index.jsonl").exists()


needs_corpus = pytest.mark.skipif(not _corpus_present(),
                                  reason="no evaluation corpus at ../shared/corpus or $VEILLE_CORPUS")


@pytest.fixture(scope="module")
def floors() -> dict:
    with FLOORS.open("rb") as handle:
        return tomllib.load(handle)


def _below(floors: dict, results: dict) -> list[str]:
    below = []
    for group, metrics in floors.items():
        set_name, language = group.split(".", 1)
        scores = results.get((set_name, language, "veille"))
        if scores is None:
            below.append(f"{group}: no pages in the corpus")
            continue
        for metric, floor in metrics.items():
            if scores[metric] is None or scores[metric] + 1e-9 < floor:
                below.append(f"{group} {metric}: {scores[metric]} < floor {floor}")
    return below


@pytest.mark.slow  # extracts a few dozen real pages
@needs_corpus
def test_extraction_meets_its_floors(floors):
    from bench.extraction_eval import evaluate, fixed_subset

    pages = fixed_subset(corpus_module.load_pages(), floors["per_group"])
    below = _below(floors["floor"], evaluate(pages, systems=("veille",)))
    assert not below, "\n".join(below)


@pytest.mark.slow  # extracts every page of the Chinese sets (about a minute)
@needs_corpus
def test_chinese_extraction_meets_its_floors_on_whole_sets(floors):
    from bench.extraction_eval import evaluate

    full = floors["full"]
    pages = [p for p in corpus_module.load_pages() if p.set in full["sets"] and p.language == "zh"]
    below = _below(full["floor"], evaluate(pages, systems=("veille",)))
    assert not below, "\n".join(below)

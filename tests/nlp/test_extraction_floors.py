"""Extraction quality floors on a fixed subset of the evaluation corpus.

The floors live in ``data/extraction_floors.toml``; lowering one is an
explicit, visible edit of that file. The corpus is not part of the
repository: the test runs when ``../shared/corpus`` (or ``$VEILLE_CORPUS``)
holds it and skips, saying so, when it does not.
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


@pytest.fixture(scope="module")
def floors() -> dict:
    with FLOORS.open("rb") as handle:
        return tomllib.load(handle)


@pytest.fixture(scope="module")
def results(floors):
    from bench.extraction_eval import evaluate, fixed_subset

    pages = fixed_subset(corpus_module.load_pages(), floors["per_group"])
    return evaluate(pages, systems=("veille",))


@pytest.mark.slow  # extracts a few dozen real pages
@pytest.mark.skipif(not _corpus_present(), reason="no evaluation corpus at ../shared/corpus or $VEILLE_CORPUS")
def test_extraction_meets_its_floors(floors, results):
    below = []
    for group, metrics in floors["floor"].items():
        set_name, language = group.rsplit(".", 1)
        scores = results[(set_name, language, "veille")]
        for metric, floor in metrics.items():
            if scores[metric] is None or scores[metric] + 1e-9 < floor:
                below.append(f"{group} {metric}: {scores[metric]} < floor {floor}")
    assert not below, "\n".join(below)

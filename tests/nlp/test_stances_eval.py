"""The stance evaluation on the development set stays above its pinned floors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bench.stances_eval import DEV_SET, LANGUAGES, evaluate, load_items

FLOORS = Path(__file__).parent / "data" / "stances_floors.toml"


def floors(model_id: str) -> dict[str, float]:
    with FLOORS.open("rb") as handle:
        return tomllib.load(handle)[model_id]


def test_the_development_set_is_translation_triples_in_every_language() -> None:
    items = load_items(DEV_SET)
    assert len(items) * len(LANGUAGES) >= 120
    for item in items:
        assert all(item[language].strip() for language in LANGUAGES)
    labels = {item["label"] for item in items}
    assert "none" in labels and len(labels) == 9


@pytest.mark.parametrize(
    "model", ["use-multilingual", pytest.param("e5-small", marks=pytest.mark.slow)]
)
def test_evaluation_stays_above_the_floors(model: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    figures = evaluate(model, tmp_path_factory.mktemp("models"))
    for name, floor in floors(figures.model_id).items():
        assert getattr(figures, name) >= floor, f"{figures.model_id}: {name} {getattr(figures, name):.3f} < {floor}"

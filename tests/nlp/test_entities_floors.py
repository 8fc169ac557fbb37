"""Entity linking quality on the annotated development set stays above its pinned floors."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from nlp.entities import EntityMatcher, KnowledgeBase
from nlp.entities.evaluation import Scores, evaluate, load_passages

DATA = Path(__file__).parent / "data"
FLOORS = tomllib.loads((DATA / "entities_floors.toml").read_text(encoding="utf-8"))["f1"]


@pytest.fixture(scope="module")
def scores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Scores]:
    matcher = EntityMatcher(KnowledgeBase.load(), cache_dir=tmp_path_factory.mktemp("cache"))
    return evaluate(matcher, load_passages(DATA / "entities_dev.toml"))


def test_the_development_set_is_large_and_varied() -> None:
    passages = load_passages(DATA / "entities_dev.toml")
    for language in ("en", "fr", "zh"):
        own = [p for p in passages if p.language == language]
        assert len(own) >= 30
        assert sum(not p.gold for p in own) >= 3, "passages that name no lab or model"
        assert any(p.split == "heldout" for p in own)
    assert len({p.id for p in passages}) == len(passages)


def test_gold_ids_exist_in_the_knowledge_base() -> None:
    kb = KnowledgeBase.load()
    unknown = {i for p in load_passages(DATA / "entities_dev.toml") for i in p.gold} - set(kb.entities)
    assert not unknown


@pytest.mark.slow
@pytest.mark.parametrize("language", sorted(FLOORS))
def test_f1_floor(scores: dict[str, Scores], language: str) -> None:
    assert scores[language].f1 >= FLOORS[language], "\n".join(scores[language].errors)

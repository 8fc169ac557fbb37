"""The span ruler takes an alias's phrase patterns when a text first holds their first token:
what it finds is what a ruler holding every pattern finds."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.languages import registry
from nlp.entities import EntityMatcher, KnowledgeBase
from nlp.entities.evaluation import load_passages
from nlp.entities.matcher import ZONE_TEXTS

DEV = Path(__file__).with_name("data") / "entities_dev.toml"


def every_pattern_taken(matcher: EntityMatcher, language: str) -> EntityMatcher:
    """The matcher with all its patterns in the ruler: a text holding every first token."""
    inner = matcher._matchers[language] if language in matcher._matchers else matcher._matcher(language)
    inner.take_patterns([" ".join(inner._waiting)])
    assert not inner._waiting
    return matcher


@pytest.mark.parametrize("language", registry().analysed)
def test_patterns_taken_as_texts_need_them_find_what_every_pattern_finds(tmp_path: Path, language: str) -> None:
    kb = KnowledgeBase.load()
    texts = [p.text for p in load_passages(DEV) if p.language == language]
    lazy = EntityMatcher(kb, cache_dir=tmp_path)
    eager = every_pattern_taken(EntityMatcher(kb, cache_dir=tmp_path), language)
    assert [lazy.analyse(text, language) for text in texts] == [eager.analyse(text, language) for text in texts]
    taken, every = len(lazy._matchers[language].ruler), len(eager._matchers[language].ruler)
    assert 0 < taken < every  # the passages are full of names: most first tokens come


def test_a_text_whose_first_tokens_hold_no_pattern_is_matched_without_the_ruler(tmp_path: Path) -> None:
    matcher = EntityMatcher(KnowledgeBase.load(), cache_dir=tmp_path)
    assert matcher.find("Zzyzx qqq.", "en") == []
    assert len(matcher._matchers["en"].ruler) == 0
    assert [m.entity_id for m in matcher.find("Zzyzx qqq DeepSeek-V3.", "en")] == ["deepseek-v3"]


def test_patterns_taken_inside_a_vocabulary_zone_still_match_once_it_ends(tmp_path: Path) -> None:
    matcher = EntityMatcher(KnowledgeBase.load(), cache_dir=tmp_path)
    matcher.find("The weather was mild.", "en")  # enters the zone
    text = "Mistral released Mistral Large while DeepSeek-V3 was tested."
    first = matcher.find(text, "en")  # its patterns are taken inside the zone
    assert {"mistral-large", "deepseek-v3"} <= {m.entity_id for m in first}
    matcher.find_many(["The weather was mild."] * ZONE_TEXTS, "en")  # the zone ends
    assert matcher._matchers["en"]._zone is None
    assert matcher.find(text, "en") == first

"""Story grouping on fixture articles, with document vectors from the real multilingual model."""

from __future__ import annotations

import tomllib
from datetime import timedelta
from pathlib import Path

import pytest

from nlp.stories import StoryThresholds, group_stories
from warehouse.records import StoryRow

DATA = Path(__file__).with_name("data") / "stories.toml"


@pytest.fixture(scope="module")
def articles() -> list[dict]:
    with DATA.open("rb") as handle:
        return tomllib.load(handle)["article"]


@pytest.fixture(scope="module")
def inputs(articles, tmp_path_factory) -> list[StoryRow]:
    from nlp.embeddings import load_encoder

    encoder = load_encoder("use-multilingual", tmp_path_factory.mktemp("models"))
    vectors = encoder.encode([f"{a['title']}\n{a['text'][:800]}" for a in articles])
    return [
        StoryRow(article_id=a["id"], language=a["language"], published_at=a["published"], text=a["text"],
                   vector=vector, entity_ids=frozenset(a["entities"]))
        for a, vector in zip(articles, vectors)
    ]


def _expected_groups(articles: list[dict]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for article in articles:
        groups.setdefault(article["story"], set()).add(article["id"])
    return groups


@pytest.mark.slow  # loads the multilingual embedding model
def test_copies_and_translations_share_a_story_and_other_stories_do_not(articles, inputs):
    story_ids = group_stories(inputs)
    found: dict[str, set[str]] = {}
    for article_id, story_id in story_ids.items():
        found.setdefault(story_id, set()).add(article_id)
    assert sorted(map(sorted, found.values())) == sorted(map(sorted, _expected_groups(articles).values()))


@pytest.mark.slow  # loads the multilingual embedding model
def test_story_id_is_the_earliest_article(inputs):
    story_ids = group_stories(inputs)
    assert story_ids["e-zh-translation"] == "a-en-original"
    assert story_ids["b-en-syndicated"] == "a-en-original"


@pytest.mark.slow  # loads the multilingual embedding model
def test_a_translation_outside_the_window_joins_when_the_window_is_wider(inputs):
    story_ids = group_stories(inputs, StoryThresholds(window=timedelta(days=14)))
    assert story_ids["g-fr-same-story-out-of-window"] == "a-en-original"
    assert story_ids["f-en-same-topic-other-story"] == "f-en-same-topic-other-story"


@pytest.mark.slow  # loads the multilingual embedding model
def test_no_shared_entity_means_no_cross_language_link(inputs):
    stripped = [
        StoryRow(i.article_id, i.language, i.published_at, i.text, i.vector,
                   frozenset() if i.language != "en" else i.entity_ids)
        for i in inputs
    ]
    story_ids = group_stories(stripped)
    assert story_ids["d-fr-translation"] == "d-fr-translation"
    assert story_ids["c-en-near-duplicate"] == "a-en-original"  # MinHash needs no entity


@pytest.mark.slow  # loads the multilingual embedding model
def test_undated_articles_are_still_compared(inputs):
    undated = [StoryRow(i.article_id, i.language, None if i.language == "zh" else i.published_at, i.text,
                          i.vector, i.entity_ids) for i in inputs]
    assert group_stories(undated)["e-zh-translation"] == "a-en-original"


def test_no_articles_no_stories():
    assert group_stories([]) == {}


@pytest.mark.slow  # loads the multilingual embedding model
def test_articles_without_a_document_embedding_still_group_as_near_duplicates(inputs):
    """An article that names no entity is not embedded; its syndicated copies still join it."""
    unembedded = [StoryRow(i.article_id, i.language, i.published_at, i.text, None, frozenset()) for i in inputs]
    story_ids = group_stories(unembedded)
    assert story_ids["c-en-near-duplicate"] == "a-en-original"
    assert story_ids["d-fr-translation"] == "d-fr-translation"


SIMPLIFIED = (
    "深度求索发布了新的开源模型，其权重以宽松的许可证公开，任何人都可以下载、检查和修改。"
    "研究人员表示，这种做法让中国的人工智能实验室在全球开发者社区中赢得了信任，"
    "但也有人担心，开放的权重会让安全措施更容易被绕过。该公司称，模型在数学和编程测试中"
    "接近最强的封闭模型，而训练成本只是其中的一小部分。"
)
TRADITIONAL = (
    "深度求索發布了新的開源模型，其權重以寬鬆的許可證公開，任何人都可以下載、檢查和修改。"
    "研究人員表示，這種做法讓中國的人工智慧實驗室在全球開發者社群中贏得了信任，"
    "但也有人擔心，開放的權重會讓安全措施更容易被繞過。該公司稱，模型在數學和程式設計測試中"
    "接近最強的封閉模型，而訓練成本只是其中的一小部分。"
)
OTHER = (
    "月之暗面推出了新版本的长文本助手，用户可以一次上传整本书并提出问题。公司表示，"
    "新版本在阅读理解上有明显进步，付费用户数量在过去三个月翻了一番。分析人士认为，"
    "国内大模型市场的竞争正从参数规模转向产品体验和价格。"
)


def test_a_traditional_copy_of_a_simplified_article_joins_its_story():
    """Written in the other script, a copy shares almost no characters until both are in one script."""
    rows = [StoryRow(article_id, "zh", None, text, None, frozenset())
            for article_id, text in (("hans", SIMPLIFIED), ("hant", TRADITIONAL), ("other", OTHER))]
    story_ids = group_stories(rows)
    assert story_ids["hant"] == story_ids["hans"]
    assert story_ids["other"] == "other"

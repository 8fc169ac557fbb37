"""Stance passages are cut at sentence boundaries with exact offsets."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from nlp.stances.passages import extract_passages, sentences
from nlp.topic import Topic

DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def topic() -> Topic:
    return Topic.load()


@pytest.fixture(scope="module")
def expected() -> dict:
    with (DATA / "passages_expected.toml").open("rb") as handle:
        return tomllib.load(handle)


@pytest.mark.parametrize("article", ["en_open_weights", "fr_poids_ouverts", "zh_kaiyuan"])
def test_passages_match_the_stored_expectation(article: str, expected: dict, topic: Topic) -> None:
    text = (DATA / "articles" / f"{article}.txt").read_text(encoding="utf-8")
    case = expected[article]
    passages = extract_passages(text, case["language"], topic)
    assert [p.text for p in passages] == case["passages"]
    for passage in passages:
        assert text[passage.start_char:passage.end_char] == passage.text
    assert all(a.end_char <= b.start_char for a, b in zip(passages, passages[1:]))


def test_offsets_survive_leading_spaces_and_crlf(topic: Topic) -> None:
    text = "  \r\n   Meta says open-sourcing Llama is a strategy to set the standard.\r\n\r\nNothing else."
    [passage] = extract_passages(text, "en", topic)
    assert passage.text == "Meta says open-sourcing Llama is a strategy to set the standard."
    assert text[passage.start_char:passage.end_char] == passage.text


def test_chinese_sentences_keep_their_closing_quotes() -> None:
    text = "他说：“开源是战略。”随后离开。最后一句没有句号"
    spans = [text[s:e] for s, e in sentences(text, "zh")]
    assert spans == ["他说：“开源是战略。”", "随后离开。", "最后一句没有句号"]


def test_sentences_without_the_topic_give_no_passage(topic: Topic) -> None:
    assert extract_passages("Nvidia reported record revenue. Its shares rose.", "en", topic) == []
    assert extract_passages("", "fr", topic) == []


def test_unsupported_language_is_refused(topic: Topic) -> None:
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        extract_passages("Offene Modelle.", "de", topic)

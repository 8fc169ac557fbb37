"""The prefilter on raw markup: the watch's own names, real charsets, declared languages."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.entities.kb import KnowledgeBase
from nlp.prefilter import Prefilter
from nlp.topic import Topic

DATA = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "backfill"
DEMO = Path(__file__).resolve().parents[2] / "veille" / "demo_site"


@pytest.fixture(scope="module")
def prefilter() -> Prefilter:
    return Prefilter.for_watch(Topic.load(), KnowledgeBase.load(), hosts=["registered.example"])


def test_every_demo_article_is_kept(prefilter: Prefilter) -> None:
    pages = sorted(DEMO.glob("*/2026/**/*.html"))
    assert len(pages) > 30
    dropped = [page.name for page in pages if not prefilter.judge(page.read_bytes()).kept]
    assert dropped == []


def test_a_page_that_names_nothing_of_the_watch_is_dropped(prefilter: Prefilter) -> None:
    verdict = prefilter.judge((DATA / "off_topic_en.html").read_bytes())
    assert (verdict.kept, verdict.reason) == (False, "no_name")


def test_a_page_in_another_language_is_dropped_even_when_it_names_a_lab(prefilter: Prefilter) -> None:
    verdict = prefilter.judge((DATA / "out_of_language_de.html").read_bytes())
    assert (verdict.kept, verdict.reason, verdict.evidence) == (False, "language", "de")


def test_a_gbk_page_is_read_with_its_meta_charset(prefilter: Prefilter) -> None:
    body = (DATA / "on_topic_gbk.html").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    assert prefilter.judge(body).kept


def test_a_registry_host_is_kept_whatever_it_says(prefilter: Prefilter) -> None:
    body = (DATA / "off_topic_en.html").read_bytes()
    assert prefilter.judge(body, host="www.registered.example").reason == "source"


def test_a_page_must_speak_of_ai_and_of_the_topic(prefilter: Prefilter) -> None:
    assert prefilter.first_name("<p>Our code is open source.</p>") is None  # no AI
    assert prefilter.first_name("<p>The AI start-up raised money.</p>") is None  # nothing of the topic
    assert prefilter.first_name("<p>Its AI is open source.</p>") == "ai+open source"
    assert prefilter.first_name("<p>Mistral Large 2 is out.</p>") is not None  # a model is both
    assert prefilter.first_name("<p>Google AI news.</p>") is None  # a lab named in passing counts for neither


def test_separators_markup_and_word_ends() -> None:
    prefilter = Prefilter([["open source", "Qwen", "téléchargeable*", "开源"]], languages=["en", "fr", "zh"])
    assert prefilter.first_name("<p>Open-<b>source</b></p>") == "open source"
    assert prefilter.first_name('<meta name="qwen" content="x">') is None  # markup is not text
    assert prefilter.first_name("<script>var qwen = 1;</script><p>nothing</p>") is None
    assert prefilter.first_name("<p>an open&nbsp;source model</p>") == "open source"
    assert prefilter.first_name("<p>QWEN-2 is out</p>") == "qwen"
    assert prefilter.first_name("<p>Qwenlike</p>") is None
    assert prefilter.first_name("<p>Les poids sont téléchargeables</p>") == "téléchargeable"
    assert prefilter.first_name("<p>阿里开源了</p>") == "开源"

"""One page through the whole analysis, as a process-stage worker runs it."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from core.config import load_config
from pipeline.analyse import Analyser, AnalyserSettings
from warehouse.records import PageRecord
from warehouse.store import page_id_for

DEMO = Path(__file__).resolve().parents[2] / "veille" / "demo_site"


def page(relative: str) -> PageRecord:
    url = f"http://demo.invalid/{relative}"
    body = (DEMO / relative).read_bytes().replace(b"__BASE_URL__", b"http://demo.invalid")
    return PageRecord(page_id=page_id_for(url), url=url, final_url=url, source="demo", status=200,
                      content_type="text/html", charset=None, headers={}, body=body,
                      fetched_at=datetime(2026, 11, 28, tzinfo=timezone.utc), origin="crawl")


@pytest.fixture(scope="module")
def analyser(tmp_path_factory: pytest.TempPathFactory) -> Analyser:
    config = load_config(None, tmp_path_factory.mktemp("data") / "veille.duckdb")
    return Analyser(AnalyserSettings.from_config(config))


@pytest.mark.slow  # loads the embedding model and the Chinese pipeline
def test_the_outlets_own_name_does_not_make_a_story_about_open_source(analyser):
    """开源观察 ("Open Source Watch") signs every story; its report on AI phone sales is off the topic."""
    phones = analyser.analyse(page("zh/2026/11/shuang11-ai-shouji.html"))
    assert phones.article is not None and phones.article.site_name == "开源观察"
    assert not phones.article.relevant and phones.passages == []
    release = analyser.analyse(page("zh/2026/11/kimi-k3-kaiyuan.html"))
    assert release.article is not None and release.article.relevant


@pytest.mark.slow
def test_an_article_that_names_no_entity_and_cannot_be_relevant_is_not_embedded(analyser):
    recipe = analyser.analyse(page("en/2026/11/thanksgiving-open-crust-apple-galette.html"))
    assert recipe.article is not None and not recipe.article.relevant
    assert recipe.mentions == [] and recipe.embeddings == []
    assert recipe.article.minhash is not None  # near-duplicates are still found by their shingles


ANALYSE_DATA = Path(__file__).with_name("data") / "analyse"


def fixture_page(name: str, origin: str = "crawl", **hints) -> PageRecord:
    url = f"http://demo.invalid/{name}"
    return PageRecord(page_id=page_id_for(url), url=url, final_url=url, source="demo", status=200,
                      content_type="text/html", charset=None, headers={}, body=(ANALYSE_DATA / name).read_bytes(),
                      fetched_at=datetime(2026, 11, 28, tzinfo=timezone.utc), origin=origin, **hints)


def test_a_publication_time_keeps_the_offset_the_page_states(analyser):
    stated = analyser.analyse(fixture_page("zeit-offset.html")).article  # German: stored, not analysed further
    assert stated.language == "de"
    assert stated.published_at == datetime(2026, 11, 23, 6, 5, tzinfo=timezone.utc)
    assert stated.published_offset == 60
    day = analyser.analyse(fixture_page("zeit-day.html")).article
    assert day.published_at == datetime(2026, 11, 23, tzinfo=timezone.utc) and day.published_offset is None


def test_a_publication_time_given_by_hand_keeps_its_offset(analyser):
    given = datetime.fromisoformat("2026-11-20T23:30:00+08:00")
    page = fixture_page("zeit-undated.html", origin="ingest", hint_published=given, hint_published_offset=480)
    article = analyser.analyse(page).article
    assert article.published_at == given and article.published_offset == 480

"""A fourth language is one file: German, registered from a fixture folder, is extracted,
dated, matched against the knowledge base and scored for relevance with no code change."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from core import languages
from nlp.dates import publication_date
from nlp.entities import EntityMatcher, KnowledgeBase, KnowledgeBaseError
from nlp.extraction import Extracted, extract
from nlp.language import detect_language
from nlp.relevance import RelevanceScorer
from nlp.stances.passages import extract_passages
from nlp.topic import Topic

DATA = Path(__file__).with_name("data") / "new_language"
FETCHED = datetime(2026, 11, 28, tzinfo=timezone.utc)
OFF_TOPIC = ("Der Stadtrat von Köln hat am Dienstag den Haushalt für das kommende Jahr beschlossen. "
             "Mehr Geld fließt in Schulen, Radwege und den Nahverkehr; die Opposition stimmte dagegen.")


@pytest.fixture(scope="module")
def german():
    registry = languages.use_extra(DATA / "languages")
    yield registry
    languages.reset()


@pytest.fixture(scope="module")
def article(german) -> Extracted:
    html = (DATA / "artikel.html").read_text(encoding="utf-8")
    extracted = extract(html, "https://technikblatt.example/ki/offene-gewichte", fetched_at=FETCHED)
    assert isinstance(extracted, Extracted)
    return extracted


def test_the_fixture_folder_adds_an_analysed_language(german) -> None:
    assert german.analysed == ("de", "en", "fr", "zh")
    assert german["de"].name == "German" and german["de"].segmenter.blank == "de"
    languages.reset()
    try:
        assert "de" not in languages.registry().analysed  # the packaged German is stored only
    finally:
        languages.use_extra(DATA / "languages")


def test_extraction_reads_the_german_page_its_byline_and_its_date(article: Extracted) -> None:
    assert article.title == "Mistral und DeepSeek: Offene Gewichte als Strategie"
    assert "Apache 2.0 auf Hugging Face" in article.text and "Startseite" not in article.text
    assert detect_language(article.text) == "de"
    assert article.author == "Anna Schneider"
    published = publication_date(None, None, article.head_text, "de", FETCHED)
    assert published == datetime(2026, 11, 23, tzinfo=timezone.utc)


def test_entities_are_found_with_spacys_blank_german(article: Extracted, tmp_path_factory) -> None:
    matcher = EntityMatcher(KnowledgeBase.load(), cache_dir=tmp_path_factory.mktemp("cache"))
    found = {(m.entity_id, m.surface) for m in matcher.find(article.text, "de")}
    # "Mistral" is an ambiguous name: the German cue words nearby ("Sprachmodell") make it the lab
    assert {("mistral-ai", "Mistral"), ("deepseek", "DeepSeek"), ("hugging-face", "Hugging Face")} <= found
    assert matcher.pipeline("de").lang == "de"


def test_relevance_reads_the_german_terms(article: Extracted, tmp_path_factory) -> None:
    topic = Topic.load()
    assert len(topic.descriptions["de"]) == 3
    kb = KnowledgeBase.load()
    matcher = EntityMatcher(kb, cache_dir=tmp_path_factory.mktemp("cache"))
    scorer = RelevanceScorer(topic, np.eye(3, dtype=np.float32), threshold=0.5)
    mentions = matcher.find(article.text, "de")
    relevant = scorer.score(article.text, "de", scorer.entities(((m.entity_id, m.start_char) for m in mentions), kb),
                            None)
    hits = relevant.evidence.hits
    assert {"Open Source", "Lizenz", "Apache 2.0"} <= set(hits.openness)
    assert "Sprachmodell" in hits.ai and "Zensur" in hits.angle
    assert relevant.relevant
    off_topic = scorer.score(OFF_TOPIC, "de", scorer.entities((), kb), None)
    assert not off_topic.relevant and off_topic.score < relevant.score


def test_stance_passages_are_cut_from_german_text(article: Extracted) -> None:
    passages = extract_passages(article.text, "de", Topic.load())
    assert passages and any("Zensur" in p.text for p in passages)
    assert all(article.text[p.start_char:p.end_char] == p.text for p in passages)


def test_a_knowledge_base_alias_in_german_needs_the_language(german, tmp_path: Path) -> None:
    path = tmp_path / "kb.toml"
    path.write_text('[[entity]]\nid = "tiefsee"\nkind = "lab"\nname = "Tiefsee"\n'
                    '[entity.aliases]\nde = ["Tiefsee-Labor"]\n', encoding="utf-8")
    kb = KnowledgeBase.load(path)
    assert [a.alias for a in kb.aliases_in(german["de"].alias_languages)] == ["Tiefsee", "Tiefsee-Labor"]
    languages.reset()
    try:
        with pytest.raises(KnowledgeBaseError, match="alias language 'de'"):
            KnowledgeBase.load(path)
    finally:
        languages.use_extra(DATA / "languages")

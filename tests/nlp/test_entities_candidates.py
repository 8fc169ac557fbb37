"""Discovery of model names the knowledge base lacks, their storage and `veille entities candidates`."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pytest

from nlp.entities import EntityMatcher, KnowledgeBase
from warehouse.records import ArticleRecord, CandidateRecord, MentionRecord, ProcessedPage
from warehouse.store import Store


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> EntityMatcher:
    return EntityMatcher(KnowledgeBase.load(), cache_dir=tmp_path_factory.mktemp("cache"))


def names(matcher: EntityMatcher, text: str, language: str) -> list[str]:
    found = matcher.analyse(text, language).candidates
    for candidate in found:
        assert text[candidate.start_char : candidate.end_char] == candidate.surface
        assert candidate.surface in candidate.sentence
    return [c.surface for c in found]


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Kestrel AI released Orion 2 Pro, an open-weight model that beats Qwen3.", "en", ["Orion 2 Pro"]),
        ("La start-up publie Lumen-4.5, un modèle open source.", "fr", ["Lumen-4.5"]),
        ("某公司开源了Zephyrus K2大模型。", "zh", ["Zephyrus K2"]),
    ],
)
def test_unknown_model_names_near_a_cue_are_candidates(
    matcher: EntityMatcher, text: str, language: str, expected: list[str]
) -> None:
    assert names(matcher, text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Orion 2 Pro sold out at the toy fair.", "en"),  # no cue
        ("The new model runs on Windows 11 and iOS 18.", "en"),  # not names
        ("Qwen 9 and GPT-6 are rumoured models.", "en"),  # known families: linked, not candidates
        ("The model Llama 3.1 and DeepSeek-V3 lead.", "en"),
    ],
)
def test_known_names_and_ordinary_numbers_are_not_candidates(matcher: EntityMatcher, text: str, language: str) -> None:
    assert names(matcher, text, language) == []


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Kestrel AI released Orion 2 under Apache 2.0, an open-weight model.", "en", ["Orion 2"]),
        ("Released under the Apache License 2.0, the open model is free to use.", "en", []),
        ("The open-source model's weights are under Creative Commons 4.0, its code under GNU GPL 3.", "en", []),
        ("Le modèle open source est publié sous licence CeCILL 2.1 et EUPL 1.2.", "fr", []),
        ("该开源模型采用Apache 2.0协议发布。", "zh", []),
    ],
)
def test_licence_names_are_never_candidates(matcher: EntityMatcher, text: str, language: str,
                                            expected: list[str]) -> None:
    assert names(matcher, text, language) == expected


def _page(article_id: str, published: datetime, surfaces: list[str]) -> ProcessedPage:
    text = " ".join(f"{s} is a new open model." for s in surfaces)
    article = ArticleRecord(article_id, f"https://example.org/{article_id}", "example", None, None, None, "en", None,
                            published, published, text, len(text.split()), 0.9, True)
    candidates, at = [], 0
    for surface in surfaces:
        sentence = f"{surface} is a new open model."
        candidates.append(CandidateRecord(article_id, surface.lower().replace(" ", ""), surface, "en", at,
                                          at + len(surface), sentence))
        at += len(sentence) + 1
    mention = MentionRecord(article_id, "openai", "OpenAI", 0, 6, "ruler", 1.0, "OpenAI said so.")
    return ProcessedPage(article_id, "article", None, article, [mention], candidates=candidates)


def test_candidates_accumulate_and_reprocessing_does_not_count_twice(warehouse: Store) -> None:
    first, second = datetime(2026, 11, 2, tzinfo=timezone.utc), datetime(2026, 11, 9, tzinfo=timezone.utc)
    warehouse.save_processed([_page("a1", first, ["Orion 2", "Orion 2"])], "v1")
    warehouse.save_processed([_page("a2", second, ["Orion 2", "Lumen 4"])], "v1")
    warehouse.save_processed([_page("a2", second, ["Orion 2", "Lumen 4"])], "v2")  # reprocessed
    rows = {row["name"]: row for row in warehouse.entity_candidates()}
    assert rows["orion2"]["articles"] == 2 and rows["orion2"]["mentions"] == 3
    assert rows["orion2"]["first_seen"].date().isoformat() == "2026-11-02"
    assert rows["orion2"]["last_seen"].date().isoformat() == "2026-11-09"
    assert rows["orion2"]["examples"] == ["Orion 2 is a new open model."]
    assert rows["lumen4"]["articles"] == 1
    assert [row["name"] for row in warehouse.entity_candidates(min_count=2)] == ["orion2"]
    warehouse.save_processed([_page("a2", second, [])], "v3")  # the knowledge base learnt them
    assert [row["articles"] for row in warehouse.entity_candidates()] == [1]


def test_mentions_keep_their_sentence(warehouse: Store) -> None:
    warehouse.save_processed([_page("a1", datetime(2026, 11, 2, tzinfo=timezone.utc), [])], "v1")
    with duckdb.connect(str(warehouse.path), read_only=True) as connection:
        assert connection.execute("SELECT method, sentence FROM mentions").fetchall() == [("ruler", "OpenAI said so.")]


def test_cli_lists_candidates(warehouse: Store, veille, tmp_path: Path) -> None:
    warehouse.save_processed([_page("a1", datetime(2026, 11, 2, tzinfo=timezone.utc), ["Orion 2"])], "v1")
    db = str(warehouse.path)
    table = veille("--db", db, "entities", "candidates", check=True).stdout
    assert "Orion 2" in table and "2026-11-02" in table
    rows = json.loads(veille("--db", db, "entities", "candidates", "--format", "json", check=True).stdout)
    assert rows[0]["surface"] == "Orion 2" and rows[0]["articles"] == 1
    empty = veille("--db", db, "entities", "candidates", "--min-count", "5", check=True)
    assert empty.stdout == "" and "no candidate names" in empty.stderr

"""Processing by step: a change to what one step reads redoes that step and those after it, no more."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from core import languages
from core.config import load_config
from nlp.entities import kb
from nlp.stances import taxonomy
from pipeline.cluster import cluster_stage
from pipeline.process import process_stage
from pipeline.status import gather_status
from warehouse.store import Store

from tests.pipeline.test_process import demo_pages

DATA = Path(__file__).with_name("data")
SMALL_BATCHES = DATA / "process" / "small-batches.toml"
ADDITIONS = DATA / "steps"


def rows(db: Path, sql: str):
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


def step_records(db: Path) -> dict[tuple[str, str], tuple[str, object, str | None]]:
    return {(page, step): (version, done, knowledge) for page, step, version, done, knowledge in
            rows(db, "SELECT page_id, step, version, done_at, knowledge FROM page_steps")}


def changed(before: dict, after: dict, step: str) -> set[str]:
    """Pages whose record of ``step`` was written again."""
    return {page for (page, s), record in after.items() if s == step and before.get((page, s)) != record}


def extended(original: Path, addition: Path, folder: Path) -> Path:
    """A copy of a packaged data file with a fixture's entries appended."""
    copy = folder / original.name
    copy.write_text(original.read_text(encoding="utf-8") + addition.read_text(encoding="utf-8"), encoding="utf-8")
    return copy


@pytest.fixture
def processed(tmp_path: Path):
    """A warehouse whose demo pages are processed, in batches of four, in this process."""
    languages.reset()
    db = tmp_path / "veille.duckdb"
    config = load_config(SMALL_BATCHES, db)
    store = Store(db)
    store.migrate()
    store.save_pages(demo_pages()[:12])
    first = process_stage(config)
    assert first.pages == 12 and first.relevant > 0
    yield config
    languages.reset()


@pytest.mark.slow
def test_an_alias_added_relinks_the_stored_articles_and_extracts_nothing_again(processed, tmp_path, monkeypatch):
    db = processed.db
    before = step_records(db)
    articles_before = rows(db, "SELECT article_id, text, processed_at FROM articles ORDER BY 1")
    unchanged = process_stage(processed)
    assert unchanged.pages == 0 and not unchanged.redone
    assert step_records(db) == before  # nothing changed: nothing redone

    monkeypatch.setattr(kb, "DEFAULT_PATH", extended(kb.DEFAULT_PATH, ADDITIONS / "kb_addition.toml", tmp_path))
    plan = {s["step"]: s for s in gather_status(processed).steps}
    articles = len(articles_before)
    # Only the export-control article writes "commerce": the others cannot link differently.
    reached = {a for (a,) in rows(db, "SELECT article_id FROM articles WHERE lower(text) LIKE '%commerce%'")}
    assert len(reached) == 1
    assert plan["extract"]["to_redo"] == 0 and plan["link"]["to_redo"] == len(reached)
    assert plan["passages"]["to_redo"] == len(reached) and plan["link"]["current"] == articles - len(reached)

    summary = process_stage(processed)
    assert summary.pages == 0 and summary.redone["link"] == len(reached)
    assert summary.kept_links == articles - len(reached)
    after = step_records(db)
    assert changed(before, after, "extract") == set()
    assert changed(before, after, "link") == {a for a, _, _ in articles_before}  # each records the new knowledge
    assert {page for (page, step), (_, done, _) in after.items() if step == "link" and done != before[page, step][1]} \
        == changed(before, after, "passages") == reached  # only the one reached was linked again
    assert rows(db, "SELECT article_id, text, processed_at FROM articles ORDER BY 1") == articles_before
    surfaces = rows(db, "SELECT DISTINCT surface FROM mentions WHERE entity_id = 'us-commerce-department'")
    assert surfaces == [("Commerce Department",)]

    again = process_stage(processed)
    assert again.pages == 0 and not again.redone and step_records(db) == after


def outputs(db: Path) -> dict[str, list]:
    """What linking and the steps after it stored, without the times they were done at."""
    return {
        "mentions": rows(db, "SELECT * FROM mentions ORDER BY ALL"),
        "candidates": rows(db, "SELECT * FROM entity_candidate_mentions ORDER BY ALL"),
        "articles": rows(db, "SELECT article_id, relevance, relevant, relevance_evidence, story_id "
                             "FROM articles ORDER BY 1"),
        "passages": rows(db, "SELECT * FROM passages ORDER BY ALL"),
    }


@pytest.mark.slow
def test_a_knowledge_base_change_relinks_only_what_it_reaches_and_stores_what_a_full_reprocess_does(
        processed, tmp_path, monkeypatch):
    db = processed.db
    text = kb.DEFAULT_PATH.read_text(encoding="utf-8")
    edits = [('"Hugging Face", "HuggingFace", "HF Hub", "Hugging Face Hub"]', '"Hugging Face", "HuggingFace", "HF Hub"]'),
             ('name = "OLMo"\nparent = "ai2"', 'name = "OLMo"\nparent = "meta"')]  # an alias removed, a lab changed
    for old, new in edits:
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "kb.toml"
    path.write_text(text + (ADDITIONS / "kb_addition.toml").read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(kb, "DEFAULT_PATH", path)
    articles = rows(db, "SELECT count(*) FROM articles")[0][0]
    link = {s["step"]: s for s in gather_status(processed).steps}["link"]
    assert 0 < link["to_redo"] < articles

    summary = process_stage(processed)
    assert summary.redone["link"] == link["to_redo"] and summary.kept_links == articles - link["to_redo"]
    assert 0 < summary.relinked_as_before < link["to_redo"]  # "Hugging Face Hub" named nowhere: as before
    assert rows(db, "SELECT count(*) FROM mentions WHERE entity_id = 'us-commerce-department'")[0][0] > 0
    assert {s["step"]: s["to_redo"] for s in gather_status(processed).steps}["link"] == 0
    relinked = outputs(db)
    assert rows(db, "SELECT count(*) FROM knowledge_bases")[0][0] == 1  # the earlier one is linked with no more

    full = process_stage(processed, reprocess=True)
    assert full.pages == 12
    assert outputs(db) == relinked


@pytest.mark.slow
def test_a_stance_added_to_the_taxonomy_reaches_passages_already_assigned(processed, tmp_path, monkeypatch):
    db = processed.db
    first = cluster_stage(processed)
    passages = rows(db, "SELECT count(*) FROM passages")[0][0]
    assert first.passages == passages > 0
    assert cluster_stage(processed).passages == 0

    monkeypatch.setattr(taxonomy, "DEFAULT_PATH",
                        extended(taxonomy.DEFAULT_PATH, ADDITIONS / "taxonomy_addition.toml", tmp_path))
    plan = {s["step"]: s for s in gather_status(processed).steps}
    with_passages = rows(db, "SELECT count(DISTINCT article_id) FROM passages")[0][0]
    assert plan["passages"]["to_redo"] == 0 and plan["stances"]["to_redo"] == with_passages
    redone = process_stage(processed)
    assert redone.pages == 0 and not redone.redone  # the new stance brings no cue: passages stay

    reassigned = cluster_stage(processed)
    assert reassigned.passages == passages
    labels = rows(db, "SELECT label FROM stance_clusters WHERE cluster_id = 'open_models_as_education'")
    assert labels == [("Open models as teaching material",)]
    assert rows(db, "SELECT count(DISTINCT passage_id) FROM passage_stances")[0][0] == passages
    assert cluster_stage(processed).passages == 0
    assert {s["step"]: s["to_redo"] for s in gather_status(processed).steps}["stances"] == 0


@pytest.mark.slow
def test_an_edited_passage_rule_redoes_passages_and_nothing_before(processed, tmp_path, monkeypatch):
    db = processed.db
    before = step_records(db)
    mentions = rows(db, "SELECT * FROM mentions ORDER BY ALL")
    folder = tmp_path / "languages"
    folder.mkdir()
    english = (Path(languages.__file__).with_name("en.toml")).read_text(encoding="utf-8")
    assert "min_chars = 60\n" in english
    (folder / "en.toml").write_text(english.replace("min_chars = 60\n", "min_chars = 240\n"), encoding="utf-8")
    user = tmp_path / "veille.toml"
    user.write_text(SMALL_BATCHES.read_text(encoding="utf-8") + f'\n[languages]\nextra = ["{folder}"]\n',
                    encoding="utf-8")
    config = load_config(user, processed.db)

    summary = process_stage(config)
    english_articles = {a for (a,) in rows(db, "SELECT article_id FROM articles WHERE language = 'en'")}
    after = step_records(db)
    assert summary.pages == 0 and set(summary.redone) == {"passages"}
    assert changed(before, after, "passages") == english_articles
    assert changed(before, after, "extract") == changed(before, after, "link") == set()
    assert changed(before, after, "relevance") == set()
    assert rows(db, "SELECT * FROM mentions ORDER BY ALL") == mentions
    assert process_stage(config).redone == {}


@pytest.mark.slow
def test_a_warehouse_without_step_records_redoes_the_missing_steps(processed, tmp_path, veille):
    db = processed.db
    with duckdb.connect(str(db)) as connection:  # as a warehouse migrated from before the steps' table
        connection.execute("DELETE FROM page_steps WHERE step <> 'extract'")
    shown = json.loads(veille("--db", str(db), "--config", str(SMALL_BATCHES), "status", "--format", "json",
                              cwd=tmp_path, check=True).stdout)
    steps = {s["step"]: s for s in shown["steps"]}
    articles = rows(db, "SELECT count(*) FROM articles")[0][0]
    assert steps["extract"]["to_redo"] == 0 and steps["link"]["to_redo"] == articles
    summary = process_stage(processed)
    assert summary.pages == 0 and summary.redone["link"] == articles
    with duckdb.connect(str(db)) as connection:
        connection.execute("DELETE FROM page_steps")
    assert process_stage(processed).pages == 12

"""The web app's summary tables and passage vector files, as the stages that write leave them."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest

from bench.web_warehouse import generate
from warehouse import vectorfiles
from warehouse.db import migrate
from warehouse.store import Store

SUMMARIES = ["summary_article_days", "summary_entity_days", "summary_stance_days", "summary_stance_entities",
             "summary_story_languages", "summary_stance_passages", "summary_article_words"]


def _same_as_views(db: Path) -> None:
    connection = duckdb.connect(str(db), read_only=True)
    try:
        for table in SUMMARIES:
            kept = connection.execute(f"SELECT * FROM {table}").fetchall()
            live = connection.execute(f"SELECT * FROM {table}_live").fetchall()
            assert kept and sorted(kept, key=repr) == sorted(live, key=repr), table
    finally:
        connection.close()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("summaries") / "veille.duckdb"
    generate(db, 300, model_id="test-model", dimension=8)
    return db


def test_the_generator_leaves_summaries_as_the_stages_do(generated):
    _same_as_views(generated)


def test_an_older_warehouse_gets_its_summaries_filled_when_upgraded(generated, tmp_path):
    db = tmp_path / "older.duckdb"
    shutil.copy(generated, db)
    connection = duckdb.connect(str(db))
    for table in SUMMARIES:
        connection.execute(f"DROP VIEW {table}_live")
        connection.execute(f"DROP TABLE {table}")
    connection.execute("DROP TABLE vector_files")
    connection.execute("DELETE FROM schema_migrations WHERE version = 50")
    connection.close()
    assert migrate(db) == ["050_web_summaries"]
    _same_as_views(db)


def test_the_vector_files_hold_the_stored_vectors_and_replace_the_older_ones(generated):
    store = Store(generated)
    first = store.fetch("vector_file_get", {"model_id": "test-model"})[0]["token"]
    store.refresh_summaries("test-model")
    token = store.fetch("vector_file_get", {"model_id": "test-model"})[0]["token"]
    assert token != first
    assert {p.name.split(".")[0] for p in vectorfiles.folder(generated).iterdir()} == {token}
    files = vectorfiles.load(generated, token)
    connection = duckdb.connect(str(generated), read_only=True)
    try:
        rows = connection.execute("SELECT p.passage_id, e.vector FROM passages AS p JOIN embeddings AS e "
                                  "ON e.text_hash = p.text_hash AND e.model_id = 'test-model'").fetchall()
    finally:
        connection.close()
    stored = dict(rows)
    assert files is not None and len(files.ids) == len(stored) == 900
    for passage_id, vector in zip(files.ids, files.matrix):
        assert np.array_equal(vector, np.asarray(stored[passage_id], dtype=np.float32))

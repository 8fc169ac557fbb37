"""The process stage leaves the web app's summaries and passage vector files matching what it wrote."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from core.config import load_config
from nlp.embeddings import encoder_id
from pipeline.process import process_stage
from tests.pipeline.test_process import DATA, demo_pages
from tests.warehouse.test_summaries import SUMMARIES
from warehouse import vectorfiles
from warehouse.store import Store


@pytest.mark.slow
def test_processing_rewrites_the_summaries_and_the_vector_files(tmp_path: Path):
    db = tmp_path / "data" / "veille.duckdb"
    config = load_config(DATA / "small-batches.toml", db)
    store = Store(db)
    store.migrate()
    store.save_pages(demo_pages()[:6])
    assert process_stage(config).pages == 6
    model_id = encoder_id(config.models.embedding, config.models.cache_dir)
    connection = duckdb.connect(str(db), read_only=True)
    try:
        for table in SUMMARIES:
            kept = connection.execute(f"SELECT * FROM {table}").fetchall()
            live = connection.execute(f"SELECT * FROM {table}_live").fetchall()
            assert sorted(kept, key=repr) == sorted(live, key=repr), table
            assert kept or "stance" in table, table  # stances come with the cluster stage
        token, passages = connection.execute("SELECT token, passages FROM vector_files WHERE model_id = ?",
                                             [model_id]).fetchone()
        stored = connection.execute("SELECT count(*) FROM passages").fetchone()[0]
    finally:
        connection.close()
    files = vectorfiles.load(db, token)
    assert files is not None and len(files.ids) == passages == stored > 0

"""veille process --engine ray: a real local Ray cluster gives the warehouse the local pool gives,
an actor killed mid-run is restarted and its batch retried, a bad address is one line."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import numpy as np
import pytest

from core.config import load_config
from pipeline.analyse import Analyser, AnalyserSettings
from pipeline.process import process_stage
from pipeline.ray_engine import SHARD_FOLDER, run_version
from pipeline.steps import PROCESS_STEPS, current_knowledge, current_versions
from tests.pipeline.test_process import consistency, demo_pages
from warehouse import shards
from warehouse.store import Store

CONFIG = Path(__file__).with_name("data") / "ray" / "pool.toml"

# Everything the process stage writes, in a stable order (processed_at aside: a clock reading).
OUTPUTS = {
    "outcomes": "SELECT page_id, nlp_version, outcome, reason FROM page_outcomes ORDER BY ALL",
    "articles": "SELECT * EXCLUDE (processed_at) FROM articles ORDER BY article_id",
    "mentions": "SELECT * FROM mentions ORDER BY ALL",
    "passages": "SELECT * FROM passages ORDER BY ALL",
    "embedded": "SELECT text_hash, model_id FROM embeddings ORDER BY ALL",
    "candidates": "SELECT * FROM entity_candidate_mentions ORDER BY ALL",
}


VECTORS = "SELECT vector FROM embeddings ORDER BY text_hash, model_id"


def outputs(db: Path) -> dict[str, list]:
    with duckdb.connect(str(db), read_only=True) as connection:
        return {name: connection.execute(sql).fetchall() for name, sql in OUTPUTS.items()}


def vectors(db: Path) -> np.ndarray:
    with duckdb.connect(str(db), read_only=True) as connection:
        return np.array([row[0] for row in connection.execute(VECTORS).fetchall()], dtype=np.float32)


def assert_same_warehouse(db: Path, reference: Path) -> None:
    assert outputs(db) == outputs(reference)
    assert_same_vectors(db, vectors(reference))


def assert_same_vectors(db: Path, reference: np.ndarray) -> None:
    """The same texts embedded to the same vectors, up to float32 rounding: the encoder takes a
    worker's new passages as one batch, and which worker meets a text first varies from run to run
    in the local pool as on Ray (padding shifts the last bits)."""
    got = vectors(db)
    assert got.shape == reference.shape
    assert np.abs(got - reference).max() < 1e-4


def warehouse_with_demo_pages(db: Path) -> Store:
    store = Store(db)
    store.migrate()
    store.save_pages(demo_pages())
    return store


@pytest.fixture(scope="module")
def local_pool(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("local") / "veille.duckdb"
    warehouse_with_demo_pages(db)
    summary = process_stage(load_config(CONFIG, db))
    assert summary.pages == len(demo_pages()) and summary.relevant > 0
    return db


class KillAnAnalyserOnce(logging.Handler):
    """When the first shard is loaded, kill an actor (Ray may restart it); the run goes on."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.killed_after = 0

    def emit(self, record: logging.LogRecord) -> None:
        import ray

        if record.getMessage().startswith("shard ") and not self.killed_after:
            ray.kill(ray.get_actor("analyser-0"), no_restart=False)
            self.killed_after = 1


@pytest.mark.slow
def test_the_ray_engine_writes_what_the_local_pool_writes(tmp_path, local_pool):
    db = tmp_path / "veille.duckdb"
    warehouse_with_demo_pages(db)
    summary = process_stage(load_config(CONFIG, db), engine="ray")
    assert summary.pages == len(demo_pages())
    assert_same_warehouse(db, local_pool)
    assert not any((tmp_path / SHARD_FOLDER).iterdir()), "every shard is loaded, then removed"
    assert process_stage(load_config(CONFIG, db), engine="ray").pages == 0  # nothing due: nothing twice


@pytest.mark.slow
def test_an_actor_killed_mid_run_is_restarted_and_nothing_is_lost_or_doubled(tmp_path, local_pool):
    db = tmp_path / "veille.duckdb"
    warehouse_with_demo_pages(db)
    killer = KillAnAnalyserOnce()
    logger = logging.getLogger("veille.process")
    level = logger.level
    logger.addHandler(killer)
    logger.setLevel(logging.DEBUG)
    try:
        summary = process_stage(load_config(CONFIG, db), engine="ray")
    finally:
        logger.removeHandler(killer)
        logger.setLevel(level)
    assert killer.killed_after, "no shard was loaded, so no actor was killed"
    assert summary.pages == len(demo_pages())
    state = consistency(db)
    assert state["outcomes"] == len(demo_pages())
    assert state["duplicate_mentions"] == state["unmatched_articles"] == 0
    assert_same_warehouse(db, local_pool)


@pytest.mark.slow
def test_shards_left_by_a_killed_run_are_loaded_once_and_not_analysed_again(tmp_path, local_pool):
    """The driver died after writing a shard, once before loading it and once after: the rerun
    loads it (again), analyses only the other pages, drops a shard of another version, adds nothing twice."""
    db = tmp_path / "veille.duckdb"
    store = warehouse_with_demo_pages(db)
    config = load_config(CONFIG, db)
    settings = AnalyserSettings.from_config(config)
    analyser = Analyser(settings)
    versions = {step: v for step, v in current_versions(settings).items() if step in PROCESS_STEPS}
    knowledge = current_knowledge()[0]
    first, second = demo_pages()[:3], demo_pages()[3:6]
    folder = tmp_path / SHARD_FOLDER
    folder.mkdir()
    loaded = shards.to_table([analyser.analyse(page) for page in first], run_version(versions, knowledge))
    store.save_processed(shards.from_table(loaded), versions["extract"], versions, knowledge)
    shards.write(folder / "loaded-not-removed.parquet", loaded)
    shards.write(folder / "not-loaded.parquet",
                 shards.to_table([analyser.analyse(page) for page in second], run_version(versions, knowledge)))
    shards.write(folder / "other-version.parquet", shards.to_table([analyser.analyse(first[0])], "0+old"))
    summary = process_stage(config, engine="ray")
    # 3 loaded again, 3 loaded, 38 analysed (47 if a shard's pages had been analysed too)
    assert summary.pages == len(demo_pages())
    assert_same_warehouse(db, local_pool)
    assert not any(folder.iterdir())


def test_a_bad_address_is_one_line_and_a_non_zero_exit(tmp_path, veille):
    db = tmp_path / "veille.duckdb"
    warehouse_with_demo_pages(db)
    for address, said in (("127.0.0.1:1", "cannot reach the Ray cluster at 127.0.0.1:1"),
                          ("no-port-here", "expected HOST:PORT")):
        completed = veille("--db", str(db), "process", "--engine", "ray", "--address", address, timeout=60)
        assert completed.returncode == 1
        assert completed.stderr.strip().count("\n") == 0 and said in completed.stderr, completed.stderr
        assert "Traceback" not in completed.stderr

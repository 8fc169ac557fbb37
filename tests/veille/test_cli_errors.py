"""Every command turns an expected failure into one line on stderr and a non-zero exit, never a traceback."""

from pathlib import Path

import pytest

from warehouse.store import Store

DATA = Path(__file__).with_name("data")

# (arguments, a fragment of the one error line, exit status); {db} is a migrated warehouse,
# {none} a path where there is none, {tmp} a folder, {data} tests/veille/data.
CASES = {
    "init: configuration that is not TOML": (
        "--config {data}/not_toml.toml init", "not_toml.toml: not valid TOML", 1),
    "crawl: unknown source": ("--db {db} crawl --source nosuch", "no source named nosuch", 1),
    "ingest: spaCy pipeline not installed": (
        "--db {db} --config {data}/missing_spacy.toml ingest {data}/missing_spacy.toml",
        "the spaCy pipeline 'fr_core_news_none' is not installed", 1),
    "process: spaCy pipeline not installed": (
        "--db {db} --config {data}/missing_spacy.toml process",
        "the spaCy pipeline 'fr_core_news_none' is not installed", 1),
    "cluster: encoder not installed": (
        "--db {db} --config {data}/missing_encoder.toml cluster",
        "embedding model 'no-such-org/no-such-encoder' is neither a local folder", 1),
    "nightly: configuration that is not TOML": (
        "--db {db} --config {data}/not_toml.toml nightly", "not valid TOML", 1),
    "weekly: no recipients": ("--db {db} weekly", "no recipients", 1),
    "digest: malformed week": ("--db {db} digest --week 2026-48", "bad week '2026-48'", 2),
    "query: bad SQL": ("--db {db} query SELEC", 'syntax error at or near "SELEC"', 2),
    "query: missing database": ("--db {none} query SELECT", "run `veille init` first", 1),
    "export: missing database": ("--db {none} export {tmp}/exports", "run `veille init` first", 1),
    "explain: missing database": ("--db {none} explain abc", "run `veille init` first", 1),
    "explain: unknown article": ("--db {db} explain abc", "no article with id or url 'abc'", 1),
    "status: missing database": ("--db {none} status", "run `veille init` first", 1),
    "sources list: invalid registry": (
        "sources list --sources {data}/bad_registry.toml", "source 'broken': missing field homepage", 1),
    "sources check: invalid registry": (
        "sources check --offline --sources {data}/bad_registry.toml", "source 'broken': missing field homepage", 1),
    "entities candidates: a folder for a database": ("--db {tmp} entities candidates", "cannot open", 1),
    "schedule cron: bad cron expression": (
        "--config {data}/bad_cron.toml schedule cron", "'every night at two' is not a cron expression", 1),
    "schedule systemd: bad cron expression": (
        "--config {data}/bad_cron.toml schedule systemd", "is not a cron expression", 1),
    "schedule run: bad cron expression": (
        "--config {data}/bad_cron.toml schedule run --max-runs 1", "is not a cron expression", 1),
    "demo: configuration that is not TOML": ("--config {data}/not_toml.toml demo", "not valid TOML", 1),
}


@pytest.mark.parametrize("case", list(CASES))
def test_an_expected_failure_is_one_line_and_a_non_zero_exit(case, tmp_path, veille):
    arguments, fragment, status = CASES[case]
    db = tmp_path / "w.duckdb"
    Store(db).migrate()
    places = {"db": db, "none": tmp_path / "none.duckdb", "tmp": tmp_path, "data": DATA}
    result = veille(*(a.format(**places) for a in arguments.split()), cwd=tmp_path)
    lines = result.stderr.strip().splitlines()
    assert "Traceback" not in result.stderr
    assert len(lines) == 1 and lines[0].startswith("veille: error: "), result.stderr
    assert fragment in lines[0]
    assert result.returncode == status


def test_an_unreachable_host_fails_the_crawl_without_a_traceback(tmp_path, veille):
    db = tmp_path / "w.duckdb"
    result = veille("--db", str(db), "crawl", "--sources", str(DATA / "unreachable_registry.toml"), cwd=tmp_path)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "every source failed" in result.stdout and "connection_refused 1" in result.stdout


def test_every_expected_failure_derives_from_one_base():
    from core.config import ConfigError
    from core.errors import VeilleError
    from crawlers.feeds import MalformedFeed
    from crawlers.run import CrawlError
    from crawlers.sources import SourceRegistryError
    from digest.send import DigestSendError
    from digest.weeks import WeekError
    from nlp.embeddings import EncoderUnavailableError
    from nlp.entities.kb import KnowledgeBaseError
    from nlp.entities.installed import ModelNotInstalledError
    from nlp.extraction_rules import ExtractionRulesError
    from nlp.relevance import RelevanceModelError
    from nlp.stances.seeded import UncalibratedModelError
    from nlp.stances.taxonomy import TaxonomyError
    from nlp.topic import TopicError
    from schedules.lock import JobLocked
    from schedules.record import JobFailed
    from warehouse.db import WarehouseBusy, WarehouseError
    from warehouse.query import QueryError

    for error in (ConfigError, MalformedFeed, CrawlError, SourceRegistryError, DigestSendError, WeekError,
                  EncoderUnavailableError, KnowledgeBaseError, ModelNotInstalledError, ExtractionRulesError, RelevanceModelError,
                  UncalibratedModelError, TaxonomyError, TopicError, JobLocked, JobFailed, WarehouseBusy,
                  WarehouseError, QueryError):
        assert issubclass(error, VeilleError), error.__name__

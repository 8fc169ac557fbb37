"""A language added by configuration goes through the whole analysis like the packaged ones."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest

from core import languages
from core.config import load_config
from pipeline.analyse import Analyser, AnalyserSettings
from pipeline.steps import StepInputs, step_versions
from warehouse.records import PageRecord
from warehouse.store import page_id_for

GERMAN = Path(__file__).resolve().parents[1] / "nlp" / "data" / "new_language"


@pytest.fixture
def german_config(tmp_path: Path, monkeypatch):
    languages.reset()
    user = tmp_path / "veille.toml"
    user.write_text(f'[languages]\nextra = "{GERMAN / "languages"}"\n', encoding="utf-8")
    monkeypatch.setenv("VEILLE_CONFIG", str(user))
    yield load_config(None, tmp_path / "veille.duckdb")
    languages.reset()


def test_a_language_file_changes_the_steps_versions(german_config) -> None:
    inputs = StepInputs("an-encoder", {}, 0.5, {})
    with_german = step_versions(inputs)
    languages.reset()
    without = step_versions(inputs)
    assert all(with_german[step] != without[step] for step in with_german)


@pytest.mark.slow  # loads the embedding model
def test_a_german_page_is_analysed_once_its_file_is_configured(german_config) -> None:
    url = "https://technikblatt.example/ki/offene-gewichte"
    page = PageRecord(page_id=page_id_for(url), url=url, final_url=url, source="technikblatt", status=200,
                      content_type="text/html", charset=None, headers={}, body=(GERMAN / "artikel.html").read_bytes(),
                      fetched_at=datetime(2026, 11, 28, tzinfo=timezone.utc), origin="crawl")
    processed = Analyser(AnalyserSettings.from_config(german_config)).load().analyse(page)
    article = processed.article
    assert article.language == "de" and article.author == "Anna Schneider"
    assert article.published_at == datetime(2026, 11, 23, tzinfo=timezone.utc)
    assert article.relevant
    assert {"mistral-ai", "deepseek"} <= {m.entity_id for m in processed.mentions}
    assert processed.passages and all(p.language == "de" for p in processed.passages)

"""What the crawler promises sites before it fetches anything: settings and URLs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crawlers.run import scrapy_settings
from crawlers.sources import load_sources
from crawlers.urls import normalise_url
from core.config import load_config

DATA = Path(__file__).with_name("data")


@pytest.mark.parametrize("url, expected", json.loads((DATA / "urls.json").read_text("utf-8")))
def test_tracking_parameters_and_fragments_are_dropped(url, expected):
    assert normalise_url(url) == expected


def settings_for(tmp_path, text: str, monkeypatch, **env: str):
    monkeypatch.delenv("VEILLE_REDIS_URL", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    path = tmp_path / "veille.toml"
    path.write_text(text, encoding="utf-8")
    config = load_config(path, tmp_path / "veille.duckdb")
    sources = list(load_sources().sources)
    return scrapy_settings(config.crawl, sources, str(config.db), "run", None)


def test_user_agent_names_veille_and_the_configured_contact(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, '[crawl]\ncontact_url = "https://news.example.org/about-our-crawler"\n',
                            monkeypatch)
    assert settings["USER_AGENT"] == "veille/0.1 (news monitoring; +https://news.example.org/about-our-crawler)"


def test_polite_defaults(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, "", monkeypatch)
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 4
    assert settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") == 2.0
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.5
    assert settings.getfloat("DOWNLOAD_TIMEOUT") == 30
    assert settings.getint("DOWNLOAD_MAXSIZE") == 10_000_000
    assert "crawlers.middlewares.PrivateNetworkGuard" in settings.getdict("DOWNLOADER_MIDDLEWARES")
    assert settings.get("SCHEDULER") != "crawlers.frontier.SharedFrontier"


def test_config_tunes_politeness(tmp_path, monkeypatch):
    settings = settings_for(
        tmp_path, "[crawl]\nconcurrency_per_domain = 2\ndownload_delay = 3.0\nmax_response_bytes = 1000\n", monkeypatch)
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") == 1.0
    assert settings.getfloat("DOWNLOAD_DELAY") == 3.0
    assert settings.getfloat("AUTOTHROTTLE_START_DELAY") == 3.0
    assert settings.getint("DOWNLOAD_MAXSIZE") == 1000


def test_page_batches_follow_the_config(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, "[crawl]\nconcurrency_per_domain = 16\nbatch_pages = 20\nbatch_seconds = 2.5\n",
                            monkeypatch)
    assert settings.getfloat("AUTOTHROTTLE_TARGET_CONCURRENCY") == 8.0
    assert settings.getint("PAGE_BATCH_SIZE") == 20
    assert settings.getfloat("PAGE_BATCH_SECONDS") == 2.5


def test_redis_url_switches_scheduler_and_duplicate_filter(tmp_path, monkeypatch):
    settings = settings_for(tmp_path, "", monkeypatch, VEILLE_REDIS_URL="redis://127.0.0.1:6390/2")
    assert settings["SCHEDULER"] == "crawlers.frontier.SharedFrontier"
    assert settings["DUPEFILTER_CLASS"] == "scrapy_redis.dupefilter.RFPDupeFilter"
    assert settings["REDIS_URL"] == "redis://127.0.0.1:6390/2"
    assert settings.getbool("SCHEDULER_PERSIST")

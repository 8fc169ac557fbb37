from pathlib import Path

import pytest

from core.config import ConfigError, load_config

DATA = Path(__file__).with_name("data")


def test_defaults_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("VEILLE_CONFIG", raising=False)
    monkeypatch.delenv("VEILLE_DB", raising=False)
    config = load_config()
    assert config.db == Path("data/veille.duckdb")
    assert config.crawl.obey_robots_txt is True
    assert config.smtp.security == "none"


def test_user_file_overrides_only_its_keys_and_env_names_the_files(tmp_path, monkeypatch):
    user = tmp_path / "veille.toml"
    user.write_text('[digest]\nrecipients = ["a@example.org"]\n[crawl]\nsources = "mine.toml"\n')
    monkeypatch.setenv("VEILLE_CONFIG", str(user))
    monkeypatch.setenv("VEILLE_DB", str(tmp_path / "x.duckdb"))
    config = load_config()
    assert config.digest.recipients == ["a@example.org"]
    assert config.digest.sender == "veille@localhost"  # packaged default kept
    assert config.crawl.sources == tmp_path / "mine.toml"  # relative to the file
    assert config.db == tmp_path / "x.duckdb"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("bad-type.toml", r"bad-type.toml: \[smtp\] port: input should be a valid integer"),
        ("unknown-key.toml", r"unknown-key.toml: unknown key \[crawl\] download_dealy"),
        ("bad-choice.toml", r"bad-choice.toml: \[smtp\] security: input should be 'starttls', 'tls' or 'none'"),
        ("not-toml.toml", r"not-toml.toml: not valid TOML"),
    ],
)
def test_bad_files_are_one_line_naming_key_and_file(name, message):
    with pytest.raises(ConfigError, match=message):
        load_config(DATA / name)


def test_bad_config_on_the_command_line(tmp_path, veille):
    result = veille("--config", str(DATA / "bad-type.toml"), "init", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().count("\n") == 0
    assert "[smtp] port" in result.stderr and "Traceback" not in result.stderr
    missing = veille("--config", str(tmp_path / "absent.toml"), "init", cwd=tmp_path)
    assert missing.returncode == 1 and "no such configuration file" in missing.stderr


def test_the_older_spacy_keys_are_still_read(tmp_path):
    path = tmp_path / "veille.toml"
    path.write_text('[models]\nspacy_fr = "/opt/models/fr"\nspacy = { en = "en_pipeline" }\n', encoding="utf-8")
    config = load_config(path, tmp_path / "veille.duckdb")
    assert config.models.spacy == {"fr": "/opt/models/fr", "en": "en_pipeline"}

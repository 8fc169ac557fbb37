from pathlib import Path

import pytest

from crawlers.sources import SourceRegistryError, load_sources

DATA = Path(__file__).with_name("data")


def test_bundled_registry_has_real_outlets_in_three_languages():
    registry = load_sources()
    by_language = {}
    for source in registry.sources:
        by_language.setdefault(source.language, []).append(source)
        assert not source.allow_private_network
    assert {lang: len(v) >= 8 for lang, v in by_language.items()} == {"en": True, "fr": True, "zh": True}


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("sources-duplicate.toml", "source 'one' is defined twice"),
        ("sources-missing-field.toml", "source 'no-language': missing field language"),
        ("sources-unknown-field.toml", "source 'typo': unknown field feed"),
        ("sources-no-kind.toml", "source 'nothing-to-crawl' has no feeds, sitemaps or listings"),
    ],
)
def test_bad_registries_fail_naming_the_entry(name, message):
    with pytest.raises(SourceRegistryError, match=message):
        load_sources(DATA / name)


def test_sources_list_and_check_commands(tmp_path, veille):
    listed = veille("sources", "list", cwd=tmp_path, check=True).stdout
    assert "numerama" in listed and "36kr" in listed
    bad = veille("sources", "check", "--offline", "--sources", str(DATA / "sources-duplicate.toml"), cwd=tmp_path)
    assert bad.returncode == 1 and "defined twice" in bad.stderr and "Traceback" not in bad.stderr

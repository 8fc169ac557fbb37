"""The real-text evaluation set: its make-up, its split, and the cache check."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter, defaultdict

import pytest

from bench.realtext import NONE, STANCES, load_manifest, problems
from bench.realtext.__main__ import add

LANGUAGES = ("en", "fr", "zh")


def test_the_set_is_large_varied_and_labelled():
    entries = load_manifest()
    counts = Counter(e.language for e in entries)
    assert len(entries) >= 300 and all(counts[language] >= 90 for language in LANGUAGES), counts
    assert sum(e.hard_negative for e in entries) >= 60
    assert {e.script for e in entries if e.language == "zh"} == {"hans", "hant"}
    assert len({e.id for e in entries}) == len(entries)
    for e in entries:
        assert e.stance in {*STANCES, NONE} and e.stance2 in {*STANCES, NONE, None}
        assert e.relevant or e.stance == NONE, e.id
        assert not (e.relevant and e.hard_negative), e.id
        assert len(e.sha256) == 64 and e.spans and all(start < end for start, end in e.spans)
    for language in LANGUAGES:
        stances = Counter(e.stance for e in entries if e.language == language and e.relevant)
        assert set(stances) == {*STANCES, NONE}, (language, stances)


def test_dev_and_test_are_split_by_site_and_pairs_stay_together():
    entries = load_manifest()
    splits_of_site: dict[str, set[str]] = defaultdict(set)
    splits_of_pair: dict[str, set[str]] = defaultdict(set)
    for e in entries:
        assert e.split in {"dev", "test"}
        splits_of_site[e.site].add(e.split)
        if e.pair:
            splits_of_pair[e.pair].add(e.split)
    assert all(len(splits) == 1 for splits in splits_of_site.values())
    assert all(len(splits) == 1 for splits in splits_of_pair.values())
    pairs = Counter(e.pair for e in entries if e.pair)
    assert len(pairs) >= 10 and all(n >= 2 for n in pairs.values())
    for pair in pairs:
        members = [e for e in entries if e.pair == pair]
        assert len({(e.relevant, e.stance) for e in members}) == 1, pair  # translations carry the same labels
    for language in LANGUAGES:
        test = sum(e.language == language and e.split == "test" for e in entries)
        assert test >= 50, (language, test)


def test_a_missing_cache_is_named_clearly(tmp_path):
    entries = load_manifest()
    assert len(problems(entries[:3], tmp_path)) == 3
    checked = subprocess.run([sys.executable, "-m", "bench.realtext", "check"], capture_output=True, text=True,
                             env={"VEILLE_REALTEXT_CACHE": str(tmp_path), "PATH": ""}, timeout=60)
    assert checked.returncode == 1
    assert f"0 of {len(entries)} texts present" in checked.stdout and "missing" in checked.stderr
    evaluated = subprocess.run([sys.executable, "-m", "bench.realtext_eval", "--split", "dev"], capture_output=True,
                               text=True, env={"VEILLE_REALTEXT_CACHE": str(tmp_path), "PATH": ""}, timeout=60)
    assert evaluated.returncode != 0 and "cannot evaluate" in evaluated.stderr
    assert "Traceback" not in evaluated.stderr


def _staged(tmp_path, url: str, text: str):
    record = dict(query="q", url=url, excerpt=f"Menu\n{text}\nFooter", segments=[text], language="en",
                  relevant=True, hard_negative=False, stance="democratisation", stance2=None, pair=None)
    path = tmp_path / f"staged-{len(list(tmp_path.glob('staged-*')))}.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    return path


def test_a_batch_can_widen_one_split_and_a_site_never_spans_both(tmp_path, monkeypatch):
    monkeypatch.setenv("VEILLE_REALTEXT_CACHE", str(tmp_path / "cache"))
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text("", encoding="utf-8")
    add([_staged(tmp_path, "https://www.example.org/a", "Students fine-tune open models at home.")], "test", manifest)
    add([_staged(tmp_path, "https://news.example.net/b", "Start-ups build on the released weights.")], "dev", manifest)
    assert [(e.site, e.split) for e in load_manifest(manifest)] == [("example.org", "test"), ("example.net", "dev")]
    with pytest.raises(ValueError, match="in the test split"):
        add([_staged(tmp_path, "https://example.org/c", "Another text of the same site.")], "dev", manifest)
    assert len(load_manifest(manifest)) == 2
    with manifest.open("a", encoding="utf-8") as handle:  # a manifest whose ids skip a number
        handle.write(load_manifest(manifest)[0].to_json().replace('"en-001"', '"en-007"') + "\n")
    add([_staged(tmp_path, "https://example.com/d", "A third site.")], "dev", manifest)
    assert [e.id for e in load_manifest(manifest)] == ["en-001", "en-002", "en-007", "en-008"]
    assert len(problems(load_manifest(manifest), tmp_path / "cache")) == 0

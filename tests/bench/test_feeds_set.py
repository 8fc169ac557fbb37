"""The real-feed set's manifest and cache: duplicates kept once, a missing cache named clearly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.feeds import CacheMissing, load, load_manifest, sha256


def _line(id: str, body: bytes) -> str:
    return json.dumps({"id": id, "repo": "team/feeds", "path": f"data/{id}.xml", "commit": None,
                       "encoding": "utf-8", "kind": "rss2", "language": "en", "bytes": len(body),
                       "sha256": sha256(body), "note": ""})


def test_a_feed_listed_twice_is_kept_once_and_read_from_the_cache(tmp_path: Path) -> None:
    body = b"<rss version='2.0'><channel><item><link>https://example.org/a</link></item></channel></rss>"
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(_line("x-01", body) + "\n" + _line("x-02", body) + "\n", encoding="utf-8")
    assert [e.id for e in load_manifest(manifest)] == ["x-01"]
    (tmp_path / f"{sha256(body)}.xml").write_bytes(body)
    (feed,) = load(manifest, cache=tmp_path)
    assert feed.body == body
    assert feed.entry.source_url == "https://raw.githubusercontent.com/team/feeds/HEAD/data/x-01.xml"


def test_a_missing_or_changed_feed_is_named(tmp_path: Path) -> None:
    body = b"<rss/>"
    manifest = tmp_path / "manifest.jsonl"
    manifest.write_text(_line("x-01", body) + "\n", encoding="utf-8")
    with pytest.raises(CacheMissing, match="lacks 1 of 1 feeds.*x-01: missing.*VEILLE_FEEDS_CACHE"):
        load(manifest, cache=tmp_path)
    (tmp_path / f"{sha256(body)}.xml").write_bytes(b"<rss></rss>")
    with pytest.raises(CacheMissing, match="x-01: changed"):
        load(manifest, cache=tmp_path)


def test_add_lists_new_feeds_of_the_cache_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    from bench.feeds.__main__ import add

    monkeypatch.setenv("VEILLE_FEEDS_CACHE", str(tmp_path))
    present, absent = b"<rss version='2.0'/>", b"<feed/>"
    (tmp_path / f"{sha256(present)}.xml").write_bytes(present)
    staging = tmp_path / "staging.jsonl"
    staging.write_text("\n".join([_line("a-01", present), _line("b-01", present), _line("a-02", absent)]) + "\n",
                       encoding="utf-8")
    manifest = tmp_path / "manifest.jsonl"
    assert add([staging], manifest) == "1 feeds added; the manifest lists 1"
    assert "a-02: missing" in capsys.readouterr().err
    assert add([staging], manifest) == "0 feeds added; the manifest lists 1"
    assert [e.id for e in load_manifest(manifest)] == ["a-01"]

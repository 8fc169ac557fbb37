"""veille backfill: WARC archives written here with warcio's writer, a real warehouse, the real CLI."""

from __future__ import annotations

import gzip
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.config import load_config
from pipeline.backfill import backfill_stage
from tests.pipeline.warcs import Response, member_starts, write_warc
from warehouse.query import run_query

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data" / "backfill"
DEMO = REPO / "veille" / "demo_site"


def _demo_responses() -> list[Response]:
    return [Response(f"https://demo.example/{page.relative_to(DEMO)}?utm_source=feed", page.read_bytes())
            for page in sorted(DEMO.glob("*/2026/**/*.html"))]


def _config(tmp_path: Path):
    settings = tmp_path / "veille.toml"
    settings.write_text(f'[crawl]\nsources = "{DATA / "sources.toml"}"\n', encoding="utf-8")
    return load_config(settings, tmp_path / "veille.duckdb")


def test_demo_archive_becomes_pages_with_their_archived_details(tmp_path: Path) -> None:
    demo = _demo_responses()
    others = [
        Response("https://weather.example/rain", (DATA / "off_topic_en.html").read_bytes()),
        Response("https://news.example.de/mistral", (DATA / "out_of_language_de.html").read_bytes()),
        Response("https://zh.example/deepseek", (DATA / "on_topic_gbk.html").read_bytes(), content_type="text/html"),
        Response("https://www.registered.example/rain", (DATA / "off_topic_en.html").read_bytes()),
        Response("https://demo.example/logo.png", b"\x89PNG\r\n\x1a\n", content_type="image/png"),
        Response("https://demo.example/gone", b"<html>open source</html>", status="404 Not Found"),
    ]
    archive = tmp_path / "CC-NEWS-20240305000000-00001.warc.gz"
    write_warc(archive, demo + others, with_requests=True)
    config = _config(tmp_path)

    summary = backfill_stage(config, [str(archive)])

    rows = {r["url"]: r for r in _pages(config.db)}
    expected = {f"https://demo.example/{p.relative_to(DEMO)}" for p in sorted(DEMO.glob("*/2026/**/*.html"))}
    assert set(rows) == expected | {"https://zh.example/deepseek", "https://www.registered.example/rain"}
    first = rows[min(expected)]
    assert first["final_url"].endswith("?utm_source=feed") and first["origin"] == "backfill"
    assert first["fetched_at"].isoformat() == "2024-03-05T06:07:08+00:00"
    assert first["charset"] == "utf-8" and first["source"] == "cc-news"
    assert rows["https://www.registered.example/rain"]["source"] == "registered-daily"
    (file_summary,) = summary.files
    assert (file_summary.records, file_summary.responses, file_summary.kept, file_summary.stored) == (
        1 + 2 * len(demo + others), len(demo) + 4, len(demo) + 2, len(demo) + 2)
    assert summary.dropped == {"no_name": 1, "language": 1}

    again = backfill_stage(config, [str(archive)])  # read to its end: not read again
    assert again.files[0].already_done and again.files[0].records == 0
    copy = tmp_path / "copy.warc.gz"
    copy.write_bytes(archive.read_bytes())
    duplicate = backfill_stage(config, [str(copy)])  # same URLs under another file name: nothing new
    assert (duplicate.files[0].kept, duplicate.files[0].stored) == (len(demo) + 2, 0)
    assert len(_pages(config.db)) == len(rows)


def _pages(db: Path) -> list[dict]:
    """The stored pages, read as a user would with ``veille query``."""
    result = run_query(db, "SELECT url, final_url, origin, fetched_at, charset, source FROM pages", db.parent)
    return [dict(zip(result.columns, row)) for row in result.rows]


GENERATED_RECORDS = 10_000


def _generated(path: Path) -> tuple[set[str], int]:
    """An archive of 10,000 records: 2% on topic, non-HTML and failed responses, then damage.

    Every 997th member is cut in half (a truncated gzip member) and a member
    that is no WARC record follows every 1,499th. Returns the on-topic URLs
    that survive intact and the number of intact records.
    """
    demo = _demo_responses()
    off_topic = (DATA / "off_topic_en.html").read_bytes()
    responses, on_topic = [], []
    for index in range(GENERATED_RECORDS - 1):  # plus the warcinfo record
        if index % 50 == 0:
            page = demo[index // 50 % len(demo)]
            responses.append(Response(f"https://news.example/{index}", page.body))
            on_topic.append(f"https://news.example/{index}")
        elif index % 10 == 3:
            responses.append(Response(f"https://news.example/{index}.png", b"\x89PNG\r\n\x1a\n", content_type="image/png"))
        elif index % 10 == 7:
            responses.append(Response(f"https://news.example/{index}", b"<p>open source</p>", status="404 Not Found"))
        else:
            responses.append(Response(f"https://news.example/{index}", off_topic.replace(b"Rain", f"Rain {index}".encode())))
    clean = path.with_suffix(".clean")
    write_warc(clean, responses)
    data = clean.read_bytes()
    starts = member_starts(clean) + [len(data)]
    members = [data[a:b] for a, b in zip(starts, starts[1:])]
    assert len(members) == GENERATED_RECORDS
    out, lost = [], set()
    for number, member in enumerate(members):
        if number % 997 == 500:
            out.append(member[: len(member) // 2])
            lost.add(number)
        else:
            out.append(member)
        if number % 1499 == 700:
            out.append(gzip.compress(b"THIS IS NOT A WARC RECORD\r\n\r\n"))
    path.write_bytes(b"".join(out))
    clean.unlink()
    surviving = {url for number, url in ((int(u.rsplit("/", 1)[1]) + 1, u) for u in on_topic) if number not in lost}
    return surviving, GENERATED_RECORDS - len(lost)


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[str], int]:
    path = tmp_path_factory.mktemp("warc") / "CC-NEWS-generated.warc.gz"
    surviving, intact = _generated(path)
    return path, surviving, intact


def _backfill_row(db: Path) -> dict | None:
    result = run_query(db, "SELECT records, kept, stored, damaged, done FROM backfill_files", db.parent)
    return dict(zip(result.columns, result.rows[0])) if result.rows else None


def test_generated_archive_keeps_the_on_topic_pages_past_the_damage(tmp_path: Path, generated) -> None:
    archive, surviving, intact = generated
    config = _config(tmp_path)
    summary = backfill_stage(config, [str(archive)])
    assert {row["url"] for row in _pages(config.db)} == surviving
    (done,) = summary.files
    assert done.records == intact and done.kept == done.stored == len(surviving)
    assert done.damaged == 10 + 7  # ten truncated members, seven foreign ones


@pytest.mark.slow
def test_a_killed_backfill_resumes_without_losing_or_doubling_a_record(tmp_path: Path, generated) -> None:
    archive, surviving, intact = generated
    db = tmp_path / "veille.duckdb"
    command = [sys.executable, "-m", "veille.cli", "--db", str(db), "backfill", str(archive), "--batch-records", "200"]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    child = subprocess.Popen(command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    row = None
    while time.monotonic() < deadline and child.poll() is None:
        row = _backfill_row(db) if db.exists() else None
        if row and row["records"] >= 500:
            break
        time.sleep(0.05)
    child.send_signal(signal.SIGKILL)
    child.wait()
    partial = _backfill_row(db)
    assert partial is not None and not partial["done"] and 0 < partial["records"] < intact

    resumed = subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    final = _backfill_row(db)
    assert final["done"] and final["records"] == intact  # each intact record counted once, over both runs
    assert final["stored"] == len(surviving)
    assert {row["url"] for row in _pages(db)} == surviving


@pytest.mark.parametrize("name, content, expected", [
    ("missing.warc.gz", None, "missing.warc.gz: no such archive file"),
    ("notes.warc.gz", b"these are notes, not an archive\n", "not a WARC archive"),
])
def test_bad_input_is_one_clear_line(tmp_path: Path, veille, name: str, content: bytes | None, expected: str) -> None:
    if content is not None:
        (tmp_path / name).write_bytes(content)
    completed = veille("--db", str(tmp_path / "veille.duckdb"), "backfill", str(tmp_path / name), cwd=tmp_path,
                        env={"PYTHONPATH": str(REPO)})
    assert completed.returncode == 1
    assert expected in completed.stdout + completed.stderr
    assert "Traceback" not in completed.stderr


def test_a_truncated_archive_keeps_what_precedes_the_cut(tmp_path: Path, veille) -> None:
    archive = tmp_path / "cut.warc.gz"
    write_warc(archive, _demo_responses()[:5])
    data = archive.read_bytes()
    archive.write_bytes(data[: member_starts(archive)[-1] + 100])  # the last record's member cut short
    completed = veille("--db", str(tmp_path / "veille.duckdb"), "backfill", str(archive), cwd=tmp_path,
                        env={"PYTHONPATH": str(REPO)})
    assert completed.returncode == 0, completed.stderr
    assert "4 stored as new pages; 1 damaged" in completed.stdout
    assert "cut.warc.gz: 1 stretches skipped" in completed.stdout


def test_a_glob_names_several_archives_compressed_or_not(tmp_path: Path) -> None:
    demo = _demo_responses()
    folder = tmp_path / "archives"
    folder.mkdir()
    write_warc(folder / "first.warc.gz", demo[:3])
    write_warc(folder / "second.warc", demo[3:6], gzip=False)
    config = _config(tmp_path)
    summary = backfill_stage(config, [str(folder / "*.warc*")])
    assert [(f.name, f.stored) for f in summary.files] == [("first.warc.gz", 3), ("second.warc", 3)]
    assert len(_pages(config.db)) == 6


@pytest.mark.slow
def test_the_prefilter_keeps_every_demo_article_the_analysis_finds_relevant(tmp_path: Path) -> None:
    from pipeline.process import process_stage

    archive = tmp_path / "demo.warc.gz"
    write_warc(archive, _demo_responses() + [Response("https://weather.example/rain",
                                                      (DATA / "off_topic_en.html").read_bytes())])
    relevant = {}
    for name, prefilter in (("all", False), ("prefiltered", True)):
        folder = tmp_path / name
        folder.mkdir()
        config = _config(folder)
        backfill_stage(config, [str(archive)], prefilter=prefilter)
        process_stage(config)
        result = run_query(config.db, "SELECT url FROM articles WHERE relevant", folder)
        relevant[name] = {row[0] for row in result.rows}
    assert len(relevant["all"]) >= 30
    assert relevant["prefiltered"] == relevant["all"]

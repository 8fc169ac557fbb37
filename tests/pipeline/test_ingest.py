from pathlib import Path

import duckdb
import pytest

DATA = Path(__file__).with_name("data") / "ingest"


@pytest.fixture
def db(tmp_path):
    return tmp_path / "data" / "veille.duckdb"


def rows(db: Path, sql: str):
    with duckdb.connect(str(db), read_only=True) as connection:
        return connection.execute(sql).fetchall()


@pytest.mark.slow
def test_ingest_html_file_and_plain_text_with_metadata(db, tmp_path, veille):
    html = DATA / "tribune-fr.html"
    first = veille("--db", str(db), "ingest", str(html), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    ((url, language, title, author, published, relevant),) = rows(
        db, "SELECT url, language, title, author, published_at::DATE::VARCHAR, relevant FROM articles")
    assert url == html.resolve().as_uri()
    assert (language, author, published) == ("fr", "Camille Rousseau", "2026-11-18")
    assert title.startswith("Tribune : l'Europe doit miser")
    assert relevant
    entities = {name for (name,) in rows(db, "SELECT DISTINCT e.name FROM mentions JOIN entities e USING (entity_id)")}
    assert {"DeepSeek-R1", "Mistral AI", "Hugging Face"} <= entities

    second = veille("--db", str(db), "ingest", str(DATA / "note-zh.txt"), "--url", "https://example.org/qwen35",
                    "--language", "zh", "--title", "通义千问开源Qwen3.5", "--published", "2026-11-10", cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    (note,) = rows(db, "SELECT url, title, language, script, published_at::DATE::VARCHAR, text FROM articles "
                       "WHERE url LIKE 'https://%'")
    assert note[:5] == ("https://example.org/qwen35", "通义千问开源Qwen3.5", "zh", "Hans", "2026-11-10")
    assert "开源新一代大模型" in note[5]

    again = veille("--db", str(db), "ingest", str(html), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert rows(db, "SELECT count(*), count(DISTINCT url) FROM articles") == [(2, 2)]
    assert rows(db, "SELECT count(*) FROM mentions") == rows(db, "SELECT count(DISTINCT (article_id, start_char, entity_id)) FROM mentions")


def test_ingest_errors_are_clear(db, tmp_path, veille):
    missing = veille("--db", str(db), "ingest", str(tmp_path / "nope.html"), cwd=tmp_path)
    assert missing.returncode == 1 and "Traceback" not in missing.stderr
    assert f"refused  {tmp_path / 'nope.html'}: cannot read it: No such file or directory" in missing.stdout
    two_with_url = veille("--db", str(db), "ingest", "a.html", "b.html", "--url", "https://x.org/", cwd=tmp_path)
    assert two_with_url.returncode == 2 and "one document only" in two_with_url.stderr
    internal = veille("--db", str(db), "ingest", "http://127.0.0.1:9/page.html", cwd=tmp_path)
    assert internal.returncode == 1 and "127.0.0.1 is an internal address" in internal.stdout


@pytest.mark.parametrize(("name", "reason"), [
    ("random.bin", "it holds binary data (NUL bytes), not HTML or plain text"),
    ("random-no-nul.bin", "its bytes are not text in any known encoding"),
    ("program", "it is a program (ELF executable), not HTML or plain text"),
    ("report.pdf", "it is a PDF document, not HTML or plain text"),
    ("pixel.png", "it is a PNG image, not HTML or plain text"),
    ("controls.txt", "it holds binary data (control characters), not HTML or plain text"),
])
def test_files_that_are_not_text_are_refused_with_the_reason(name, reason, db, tmp_path, veille):
    result = veille("--db", str(db), "ingest", str(DATA / name), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout.splitlines() == ["ingest: 0 stored, 0 already known (same content), 1 refused",
                                          f"  refused  {DATA / name}: {reason}"]
    assert result.stderr == "" and not db.exists()  # nothing stored, no extraction attempted


@pytest.mark.parametrize("url", ["ftp://ftp.example.org/pub/article.html", "data:text/html,<p>hello</p>",
                                 "mailto:desk@example.org", "s3://bucket/article.html"])
def test_only_http_urls_and_files_are_read(url, db, tmp_path, veille):
    result = veille("--db", str(db), "ingest", url, cwd=tmp_path)
    scheme = url.split(":")[0]
    assert result.returncode == 1
    assert f"refused  {url}: {scheme}: URLs are not read; give an http(s) URL or a file" in result.stdout


def test_language_and_publication_time_are_checked(db, tmp_path, veille):
    klingon = veille("--db", str(db), "ingest", str(DATA / "short-note.txt"), "--language", "klingon", cwd=tmp_path)
    assert klingon.returncode == 2
    assert ("Invalid value for --language: 'klingon' is not a language veille knows: give en, fr, zh (analysed) "
            "or ar, de, es, it, ja, ko, nl, pt, ru (stored only)") in klingon.stderr
    when = veille("--db", str(db), "ingest", str(DATA / "short-note.txt"), "--published", "last week", cwd=tmp_path)
    assert when.returncode == 2 and "Invalid value for --published: 'last week' is not a date" in when.stderr
    assert not db.exists()


@pytest.mark.slow
def test_the_summary_says_what_was_stored_known_and_refused_and_why(db, tmp_path, veille):
    note = DATA / "note-zh.txt"
    first = veille("--db", str(db), "ingest", note.resolve().as_uri(), str(DATA / "short-note.txt"),
                   str(DATA / "program"), "--published", "2026-11-20T23:30+08:00", cwd=tmp_path)
    assert first.returncode == 1, first.stderr  # one input was refused; the others are stored
    lines = first.stdout.splitlines()
    assert lines[0] == "ingest: 2 stored, 0 already known (same content), 1 refused"
    assert lines[1] == f"  stored   {note.resolve().as_uri()} → article (zh, relevant)"
    assert lines[2] == (f"  stored   {DATA / 'short-note.txt'} → no article: too short (veille keeps texts of "
                        "at least 300 characters, 120 in Chinese or Japanese)")
    assert lines[3] == f"  refused  {DATA / 'program'}: it is a program (ELF executable), not HTML or plain text"
    assert lines[4].startswith("process: 2 pages → 1 articles")
    assert rows(db, "SELECT epoch(published_at)::BIGINT, published_offset FROM articles") == [
        (1795188600, 480)]  # 15:30 UTC, stated at +08:00

    again = veille("--db", str(db), "ingest", str(note), str(DATA / "short-note.txt"), "--published",
                   "2026-11-20T23:30+08:00", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        "ingest: 0 stored, 2 already known (same content), 0 refused",
        f"  known    {note}: already stored as {note.resolve().as_uri()}",
        f"  known    {DATA / 'short-note.txt'}: already stored as {(DATA / 'short-note.txt').resolve().as_uri()}",
    ]

    retitled = veille("--db", str(db), "ingest", str(note), "--title", "通义千问", "--published",
                      "2026-11-20T23:30+08:00", cwd=tmp_path)
    assert retitled.stdout.splitlines()[0] == "ingest: 1 stored, 0 already known (same content), 0 refused"
    assert rows(db, "SELECT title FROM articles") == [("通义千问",)]


def test_ingest_refuses_every_redirect_hop_to_an_internal_address(db, tmp_path, veille):
    from tests.crawlers.conftest import HostileServer

    guard = Path(__file__).parents[1] / "crawlers" / "data" / "guard"
    with HostileServer(guard, guard / "routes.toml") as server:
        urls = [server.base_url + path for path in
                ("/hop1.html", "/to-localhost.html", "/to-decimal.html", "/to-mapped.html", "/flood.html")]
        result = veille("--config", str(DATA / "loopback-allowed.toml"), "--db", str(db), "ingest", *urls,
                        cwd=tmp_path)
        paths = server.paths()
    assert result.returncode == 1 and result.stderr == ""
    advice = "; save the page and ingest the file instead"
    lines = result.stdout.splitlines()
    assert lines[0] == "ingest: 0 stored, 0 already known (same content), 5 refused"
    assert lines[1] == f"  refused  {urls[0]}: redirect to 169.254.169.254, an internal address{advice}"
    assert lines[2].startswith(f"  refused  {urls[1]}: redirect to localhost (") and lines[2].endswith(advice)
    assert lines[3] == f"  refused  {urls[2]}: redirect to 2130706433 (127.0.0.1), an internal address{advice}"
    assert lines[4] == f"  refused  {urls[3]}: redirect to ::ffff:127.0.0.1 (::ffff:7f00:1), an internal address{advice}"
    assert lines[5] == f"  refused  {urls[4]}: cannot fetch it: {urls[4]} is larger than 200000 bytes"
    assert "/secret.html" not in paths and paths.count("/hop3.html") == 1
    assert not db.exists()


@pytest.mark.slow
def test_ingest_a_url_through_the_safe_fetcher(db, tmp_path, veille):
    from tests.crawlers.conftest import HostileServer

    guard = Path(__file__).parents[1] / "crawlers" / "data" / "guard"
    with HostileServer(guard, guard / "routes.toml") as server:
        url = server.base_url + "/gbk-long.html"
        result = veille("--config", str(DATA / "loopback-allowed.toml"), "--db", str(db), "ingest", url, cwd=tmp_path)
        agents = [hit.headers["User-Agent"] for hit in server.hits]
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith(f"  stored   {url} → ")
    assert agents == ["veille/0.1 (news monitoring; +https://veille.example.org/crawler-contact)"]
    assert rows(db, "SELECT url, final_url, charset, content_type, origin FROM pages") == [
        (url, url, "gb18030", "text/html", "ingest")]
    assert "国产算力上也能高效运行" in rows(db, "SELECT text FROM articles")[0][0]


def test_a_missing_model_is_found_before_any_document_is_stored(db, tmp_path, veille):
    config = Path(__file__).with_name("data") / "process" / "missing-model.toml"
    result = veille("--db", str(db), "--config", str(config), "ingest", str(DATA / "tribune-fr.html"), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "veille: error: the spaCy pipeline 'no_such_spacy_pipeline' is not installed: "
        "pip install no-such-spacy-pipeline"
    ]
    assert not db.exists() or rows(db, "SELECT count(*) FROM pages") == [(0,)]

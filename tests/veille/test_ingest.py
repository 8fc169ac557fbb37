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
    assert missing.returncode == 1 and "cannot read" in missing.stderr and "Traceback" not in missing.stderr
    two_with_url = veille("--db", str(db), "ingest", "a.html", "b.html", "--url", "https://x.org/", cwd=tmp_path)
    assert two_with_url.returncode == 2 and "one document only" in two_with_url.stderr
    internal = veille("--db", str(db), "ingest", "http://127.0.0.1:9/page.html", cwd=tmp_path)
    assert internal.returncode == 1 and "internal address" in internal.stderr

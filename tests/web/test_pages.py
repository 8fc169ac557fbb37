"""The app's pages over a real generated warehouse, through Starlette's test client."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import duckdb
import httpx
import pytest

from warehouse.sqlfiles import query
from web.app import SECURITY_HEADERS
from web.reads import Reader

PAGES = ["/", "/stances", "/stances?stance=stance-1", "/entities", "/entities?entity=model-1", "/stories",
         "/stories?story=s3", "/articles", "/articles?q=open", "/article/a1"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_answers_with_its_security_headers(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.text[:500]
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    assert "script-src 'self';" in response.headers["content-security-policy"]
    assert "<script>" not in response.text  # every script is a file served by the app


def test_no_asset_comes_from_the_network(client):
    page = client.get("/").text
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and not [a for a in assets if a.startswith(("http:", "https:", "//"))]
    for asset in ("/static/d3.min.js", "/static/plot.umd.min.js", "/static/app.js", "/static/style.css",
                  "/static/favicon.svg"):
        assert client.get(asset).status_code == 200


def test_a_hostile_title_text_and_address_are_shown_as_text(client):
    listing = client.get("/articles?source=hostile").text
    assert "&lt;script&gt;window.__pwned = &#39;title&#39;&lt;/script&gt;" in listing
    assert "<script>window.__pwned" not in listing and "<img src=x" not in listing
    article = client.get("/article/hostile1").text
    assert "<script>window.__pwned" not in article and "</textarea><script>" not in article
    assert "&lt;/textarea&gt;&lt;script&gt;" in article
    assert 'href="javascript:' not in article and ">original</a>" not in article


def test_the_article_page_highlights_its_mentions(client):
    page = client.get("/article/hostile1").text
    assert re.search(r'<a class="mention" href="/entities\?entity=deepseek" title="DeepSeek">DeepSeek</a>', page)


def test_a_canonical_entity_finds_every_alias(client):
    page = client.get("/articles?entity=deepseek").text
    assert "深度求索发布新的开源模型" in page and "hostile1" in page


def test_a_word_search_finds_every_word_in_any_case_and_order(client):
    found = client.get("/articles?q=DEEPSEEK%20weights").text
    assert "hostile1" in found and "深度求索发布新的开源模型" not in found
    assert "深度求索发布新的开源模型" in client.get("/articles?q=%E5%BC%80%E6%BA%90%E6%9D%83%E9%87%8D").text
    assert "hostile1" not in client.get("/articles?q=DeepSeek%20nowhere").text


def test_filters_narrow_the_rows_and_live_in_the_csv_link(client, warehouse_file):
    page = client.get("/articles?language=zh&q=%E5%BC%80%E6%BA%90").text
    rows = re.findall(r'<tr><td><a href="/article/([^"]+)">', page)
    assert rows and all(r.startswith("a") or r == "zh-deepseek" for r in rows)
    languages = re.findall(r"<td>(en|fr|zh)</td>", page)
    assert set(languages) == {"zh"}
    assert 'href="/csv/web_article_search.csv?language=zh&amp;q=%E5%BC%80%E6%BA%90"' in page


def _sql_rows(db: Path, name: str, params: dict) -> list[list[str]]:
    connection = duckdb.connect(str(db), read_only=True)
    try:
        sql = query(name)
        used = {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)}
        cursor = connection.execute(sql, used)
        header = [d[0] for d in cursor.description]
        return [header] + [["" if v is None else str(v) for v in row] for row in cursor.fetchall()]
    finally:
        connection.close()


def test_the_csv_is_what_the_sql_gives(client, warehouse_file):
    response = client.get("/csv/web_articles_per_day.csv?language=fr&since=2026-06-01")
    assert response.headers["content-type"].startswith("text/csv")
    got = list(csv.reader(io.StringIO(response.text)))
    params = {"language": "fr", "source": None, "since": "2026-06-01", "until": None}
    assert got == _sql_rows(warehouse_file, "web_articles_per_day", params)
    assert len(got) > 10


def test_scores_show_three_decimals_on_the_page_and_in_the_csv(client):
    # relevance and stance scores are stored as 4-byte floats: 0.9 must not read 0.8999999761581421
    page = client.get("/articles?source=hostile").text
    assert "<td>0.9</td>" in page and "0.89999" not in page
    rows = list(csv.reader(io.StringIO(client.get("/csv/web_article_search.csv?source=hostile").text)))
    assert [row[rows[0].index("relevance")] for row in rows[1:]] == ["0.9"]
    scores = re.findall(r'<mark class="stance" title="[^"]*\((-?[0-9.]+)\)">', client.get("/article/a1").text)
    assert scores and all(len(score.split(".")[-1]) <= 3 for score in scores)


def test_the_stories_of_one_language_are_those_told_in_it_and_others(client):
    def stories(url: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(client.get(url).text)))

    for language in ("en", "fr", "zh"):
        told = stories(f"/csv/web_stories.csv?language={language}")
        assert told and all(language in row["in_languages"].split() and int(row["languages"]) > 1 for row in told)
        assert f'href="/stories?story={told[0]["story_id"]}"' in client.get(f"/stories?language={language}").text

    def first_day(story_id: str) -> str:
        return min(article["day"] for article in stories(f"/csv/web_story_articles.csv?story={story_id}"))

    until = "2026-01-15"
    older = {row["story_id"] for row in stories(f"/csv/web_stories.csv?until={until}")}
    assert older and all(first_day(story_id) <= until for story_id in older)
    later = [row["story_id"] for row in stories("/csv/web_stories.csv") if first_day(row["story_id"]) > until]
    assert later and older.isdisjoint(later)


def test_an_entity_is_counted_within_the_pages_language_source_and_dates(client):
    def rows(url: str) -> list[dict[str, str]]:
        return list(csv.DictReader(io.StringIO(client.get(url).text)))

    every = rows("/csv/web_entity_weekly.csv?entity=model-1")
    french = rows("/csv/web_entity_weekly.csv?entity=model-1&language=fr&since=2026-06-01")
    assert french and {row["language"] for row in french} == {"fr"} and {row["language"] for row in every} > {"fr"}
    assert all(row["week"] >= "2026-W22" for row in french) and min(row["week"] for row in every) < "2026-W22"
    counted = rows("/csv/web_entities.csv?entity=model-1&language=fr&since=2026-06-01")
    assert int(counted[0]["articles"]) == sum(int(row["articles"]) for row in french) > 0
    assert int(counted[0]["mentions"]) == sum(int(row["mentions"]) for row in french)
    assert int(rows("/csv/web_entities.csv?entity=model-1")[0]["articles"]) == sum(int(row["articles"]) for row in every)
    page = client.get("/entities?entity=model-1&language=fr&since=2026-06-01").text
    assert 'href="/csv/web_entity_weekly.csv?language=fr&amp;since=2026-06-01&amp;entity=model-1"' in page


def test_new_names_are_shown_as_text_and_narrowed_by_language(client):
    english = client.get("/entities?language=en").text.split('id="web_entity_candidates"')[1]
    assert "&lt;script&gt;window.__pwned = &#39;text&#39;&lt;/script&gt;" in english and "<script>" not in english
    chinese = client.get("/entities?language=zh").text.split('id="web_entity_candidates"')[1]
    assert "__pwned" not in chinese


def test_the_page_shows_the_sql_it_ran(client):
    page = client.get("/stances?stance=stance-1").text
    assert "FROM summary_stance_passages" in page and "<code>$stance = stance-1</code>" in page


def test_the_stance_shares_are_those_of_the_weekly_view(warehouse_file):
    shares = _sql_rows(warehouse_file, "web_stance_shares",
                       {"weeks": 520, "until": None, "language": None, "source": None, "stance": None})
    connection = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        view = connection.execute("SELECT week, language, cluster_id, articles, round(share, 4) "
                                  "FROM stance_share_weekly").fetchall()
    finally:
        connection.close()
    ours = {(r[0], r[1], r[2], int(r[5]), float(r[6])) for r in shares[1:]}
    assert ours == set(view)


@pytest.mark.parametrize("url, message", [
    ("/articles?since=yesterday", "since=&#39;yesterday&#39; is not a date (YYYY-MM-DD)"),
    ("/?weeks=0", "weeks must be between 1 and 520"),
    ("/articles?language=%3Cb%3E", "language=&#39;&lt;b&gt;&#39; is not a valid language"),
])
def test_a_bad_filter_gets_one_clear_line(client, url, message):
    response = client.get(url)
    assert response.status_code == 400 and f'<p class="error">{message}</p>' in response.text


def test_unknown_names_answer_404(client):
    assert client.get("/article/nothing-here").status_code == 404
    assert client.get("/csv/digest_record.csv").status_code == 404


def test_the_app_cannot_write(client, warehouse_file):
    before = warehouse_file.stat().st_mtime_ns
    for url in PAGES:
        client.get(url)
    assert warehouse_file.stat().st_mtime_ns == before
    assert client.get("/csv/web_stances.csv?stance=x');DROP TABLE articles;--").status_code == 400


def test_two_readers_at_once_each_read_with_the_configuration_locked(warehouse_file):
    reader = Reader(warehouse_file)
    with reader.session() as first, reader.session() as second:
        for session in (first, second):  # the second opens while the first holds its connection
            assert session.connection().execute("SELECT count(*) FROM articles").fetchone()[0] > 600
            with pytest.raises(duckdb.Error, match="locked"):
                session.connection().execute("SET enable_external_access = true")
            with pytest.raises(duckdb.Error, match="disabled"):
                session.connection().execute("SELECT * FROM read_csv('/etc/passwd')")


def test_requests_at_once_are_all_answered(served):
    urls = [f"{served}/article/a{i}" for i in range(100, 140)] + [
        f"{served}/csv/web_article_search.csv?q=w{i}" for i in range(20)]
    with ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda url: httpx.get(url, timeout=60).status_code, urls))
    assert statuses == [200] * len(urls)


WRITER = """
import sys, time
from pathlib import Path
from warehouse.db import write_transaction
with write_transaction(Path(sys.argv[1])) as connection:
    print("holding", flush=True)
    connection.execute("UPDATE articles SET title = 'Rewritten while served' WHERE article_id = 'a2'")
    time.sleep(1.5)
"""


def test_it_keeps_answering_while_a_writer_holds_the_file_and_shows_what_it_wrote(client, warehouse_file):
    client.get("/article/a2")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(warehouse_file)], stdout=subprocess.PIPE, text=True,
                              cwd=Path(__file__).resolve().parents[2])
    try:
        assert writer.stdout.readline().strip() == "holding"
        started = time.monotonic()
        response = client.get("/article/a3")  # not kept yet: it must open the file the writer holds
        assert response.status_code == 200
        assert time.monotonic() - started < 15
    finally:
        assert writer.wait(timeout=30) == 0
    assert "Rewritten while served" in client.get("/article/a2").text

"""The app in a real headless Chromium (the system's, driven by Playwright)."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest

from warehouse.sqlfiles import query

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium to drive"),
]
CHARTED = ["/", "/stances", "/stances?stance=stance-1", "/entities?entity=model-1"]
PLAIN = ["/entities", "/stories", "/stories?story=s3", "/articles", "/article/a1", "/article/hostile1"]


@pytest.fixture(scope="module")
def browser():
    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright==1.65.2")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, served):
    context = browser.new_context(base_url=served, accept_downloads=True)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: page.problems.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("dialog", lambda d: (page.problems.append(f"dialog: {d.message}"), d.dismiss()))
    page.on("response", lambda r: page.problems.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    yield page
    context.close()


@pytest.mark.parametrize("url", CHARTED + PLAIN)
def test_each_page_loads_without_console_errors(page, url):
    response = page.goto(url)
    assert response.status == 200
    page.wait_for_load_state("networkidle")  # the requests a browser makes after the page, its icon among them
    assert page.problems == []


@pytest.mark.parametrize("url", CHARTED)
def test_charts_render(page, url):
    page.goto(url)
    page.wait_for_selector("figure.chart[data-rendered=true] svg")
    figures = page.locator("figure.chart")
    for index in range(figures.count()):
        figure = figures.nth(index)
        if figure.get_attribute("data-rows") != "[]":
            assert figure.get_attribute("data-rendered") == "true"
            assert figure.locator("svg [aria-label]").count() > 0
    assert page.problems == []


def test_a_hostile_title_does_not_run(page):
    for url in ("/articles?source=hostile", "/article/hostile1", "/entities?entity=deepseek", "/entities",
                "/articles?q=" + quote("<script>")):
        page.goto(url)
        page.wait_for_load_state("load")
        assert page.evaluate("window.__pwned") is None
    page.goto("/article/hostile1")
    assert "<script>window.__pwned = 'title'</script>" in page.locator("h1").inner_text()
    assert page.problems == []


def test_search_and_filters_work_and_live_in_the_url(page):
    page.goto("/articles")
    page.fill("input[name=q]", "开源")
    page.select_option("select[name=entity]", "deepseek")
    page.click("form.search button")
    page.wait_for_load_state("load")
    assert "q=%E5%BC%80%E6%BA%90" in page.url and "entity=deepseek" in page.url
    titles = page.locator("#web_article_search tbody tr").all_inner_texts()
    assert titles and all("zh" in row for row in titles)
    assert any("深度求索发布新的开源模型" in row for row in titles)
    page.fill("input[name=language]", "en")
    page.fill("input[name=q]", "")
    page.click("form.search button")
    page.wait_for_load_state("load")
    assert [r.split("\t")[0] for r in page.locator("#web_article_search tbody tr").all_inner_texts()] == ["hostile1"]
    assert page.problems == []


def test_the_sql_shows_and_the_csv_download_matches_it(page, warehouse_file):
    page.goto("/?language=fr")
    block = page.locator("#web_articles_per_source")
    block.locator("summary").click()
    assert "FROM summary_article_days" in block.locator("pre").inner_text()
    with page.expect_download() as download:
        block.locator("a.csv").click()
    got = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    connection = duckdb.connect(str(warehouse_file), read_only=True)
    try:
        sql = query("web_articles_per_source")
        params = {"language": "fr", "source": None, "since": None, "until": None}
        cursor = connection.execute(sql, {k: v for k, v in params.items() if re.search(rf"\${k}\b", sql)})
        expected = [[d[0] for d in cursor.description]] + [[str(v) for v in row] for row in cursor.fetchall()]
    finally:
        connection.close()
    assert got == expected and len(got) > 1

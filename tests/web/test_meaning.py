"""Search by meaning with the project's encoder, over vectors it stored."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from urllib.parse import quote

import duckdb
import pytest
from starlette.testclient import TestClient

from nlp.embeddings import DEFAULT_ENCODER, load_encoder
from warehouse.db import migrate
from warehouse.sqlfiles import query
from warehouse.store import text_hash
from web.app import create_app

pytestmark = pytest.mark.slow

PASSAGES = {
    "en-open": ("en", "Publishing the weights lets independent researchers audit the model."),
    "fr-open": ("fr", "Publier les poids permet à des chercheurs indépendants d'auditer le modèle."),
    "zh-open": ("zh", "公开权重让独立研究人员能够审查模型。"),
    "en-chips": ("en", "Export controls on chips slowed the data centre build-out."),
    "fr-chips": ("fr", "Les contrôles à l'exportation des puces ont ralenti les centres de données."),
    "zh-chips": ("zh", "芯片出口管制拖慢了数据中心的建设。"),
}


@pytest.fixture(scope="module")
def searched(tmp_path_factory) -> tuple[TestClient, Path, object]:
    encoder = load_encoder(DEFAULT_ENCODER, threads=1)
    db = tmp_path_factory.mktemp("meaning") / "veille.duckdb"
    migrate(db)
    vectors = encoder.encode([text for _, text in PASSAGES.values()])
    connection = duckdb.connect(str(db))
    try:
        for (key, (language, text)), vector in zip(PASSAGES.items(), vectors):
            connection.execute(
                "INSERT INTO articles (article_id, url, source, title, language, fetched_at, text, word_count,"
                " relevance, relevant, nlp_version, processed_at) VALUES (?, ?, 'test', ?, ?, now(), ?, 1, 1,"
                " true, 'test', now())", [key, f"https://test.example/{key}", text, language, text])
            connection.execute("INSERT INTO passages VALUES (?, ?, 0, ?, ?, ?, 0, ?)",
                               [f"{key}:0", key, language, text, text_hash(text), len(text)])
            connection.execute("INSERT INTO embeddings VALUES (?, ?, ?)", [text_hash(text), encoder.model_id, vector.tolist()])
    finally:
        connection.close()
    return TestClient(create_app(db, DEFAULT_ENCODER)), db, encoder


def _ranked(page: str) -> list[str]:
    block = page.split('id="web_passage_search"')[1].split("</table>")[0]
    return re.findall(r'<a href="/article/([^"]+)">', block)


def test_a_sentence_finds_its_meaning_in_all_three_languages(searched):
    client, _, _ = searched
    page = client.get("/articles?meaning=" + quote("Open weights allow outside experts to inspect a model")).text
    assert set(_ranked(page)[:3]) == {"en-open", "fr-open", "zh-open"}
    page = client.get("/articles?meaning=" + quote("芯片出口限制")).text
    assert set(_ranked(page)[:3]) == {"en-chips", "fr-chips", "zh-chips"}


def test_the_page_ranks_as_its_sql_does(searched):
    client, db, encoder = searched
    sentence = "who may check what a model does"
    page = client.get("/articles?meaning=" + quote(sentence) + "&language=fr").text
    connection = duckdb.connect(str(db), read_only=True)
    try:
        rows = connection.execute(query("web_passage_search"), {
            "vector": encoder.encode([sentence])[0].tolist(), "model_id": encoder.model_id, "language": "fr",
            "source": None}).fetchall()
    finally:
        connection.close()
    assert _ranked(page) == [row[3] for row in rows] and len(rows) == 2
    csv_text = client.get("/csv/web_passage_search.csv?language=fr&meaning=" + quote(sentence)).text
    csv_rows = list(csv.reader(io.StringIO(csv_text)))[1:]
    assert [line[3] for line in csv_rows] == [row[3] for row in rows]
    assert [line[0] for line in csv_rows] == _similarities(page)  # the same figures, three decimals


def _similarities(page: str) -> list[str]:
    block = page.split('id="web_passage_search"')[1].split("</table>")[0]
    return re.findall(r"<tr><td>(-?[0-9.]+)</td>", block)

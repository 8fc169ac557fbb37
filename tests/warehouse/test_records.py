"""Each stored row is declared once, in warehouse/records.py: the declaration must match the migrated table."""

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Annotated, ClassVar

import duckdb
import numpy as np
import pytest

from warehouse import records
from warehouse.records import ClusterRecord, PageRecord
from warehouse.rows import SMALLINT, disagreements, from_row, schema, stored_records, to_arrow
from warehouse.sqlfiles import query
from warehouse.store import Store

TABLES = {"pages", "page_outcomes", "articles", "mentions", "entity_candidate_mentions", "passages", "embeddings",
          "entities", "entity_aliases", "stance_clusters", "passage_stances", "crawl_run_counts", "fetch_state",
          "backfill_files", "page_steps"}


def _table_columns(path, table: str) -> dict[str, str]:
    with duckdb.connect(str(path), read_only=True) as connection:
        return dict(connection.execute(query("table_columns"), {"table": table}).fetchall())


@pytest.fixture(scope="module")
def migrated(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("records") / "w.duckdb")
    store.migrate()
    return store.path


def test_every_written_table_has_a_declaration():
    assert {r.TABLE for r in stored_records(records)} == TABLES


@pytest.mark.parametrize("record", stored_records(records), ids=lambda r: r.__name__)
def test_declaration_matches_the_migrated_table(migrated, record):
    columns = _table_columns(migrated, record.TABLE)
    assert columns, f"no table {record.TABLE} after migrations"
    assert disagreements(record, columns) == []


def test_a_column_missing_from_the_declaration_or_the_table_is_reported(migrated):
    @dataclass(frozen=True)
    class Drifted:
        TABLE: ClassVar[str] = "passages"

        passage_id: str
        article_id: str
        ordinal: Annotated[int, SMALLINT]  # the table says INTEGER
        language: str
        text: str
        text_hash: str
        start_char: int
        tone: str  # not in the table; end_char is missing here

    found = disagreements(Drifted, _table_columns(migrated, "passages"))
    assert sorted(found) == [
        "passages.end_char is in the table but not declared in Drifted",
        "passages.ordinal is declared SMALLINT but stored INTEGER",
        "passages.tone is declared in Drifted but not in the table",
    ]


def test_stored_values_are_encoded_and_read_back():
    page = PageRecord("p1", "https://example.org/a", "https://example.org/a", "example", 200, "text/html", "utf-8",
                      {"etag": "x"}, b"<html>body</html>", datetime(2026, 11, 30, tzinfo=timezone.utc), "crawl",
                      hint_published_offset=480)
    table = to_arrow(PageRecord, [page])
    assert table.schema == schema(PageRecord)
    row = table.to_pylist()[0]
    assert row["headers"] == '{"etag": "x"}' and row["body"] != page.body
    assert row["body_sha256"] == page.body_sha256
    assert from_row(PageRecord, row) == page

    cluster = ClusterRecord("c1", "strategy", "seeded", None, {"en": "strategy"}, {"en": ["open"]}, ["p:1"], "m",
                            np.ones(3, dtype=np.float32), 2)
    back = from_row(ClusterRecord, to_arrow(ClusterRecord, [cluster]).to_pylist()[0])
    assert back.labels == cluster.labels and back.representatives == ["p:1"]
    assert back.centroid.dtype == np.float32 and back.centroid.tolist() == [1.0, 1.0, 1.0]


def test_a_field_without_a_stored_type_is_refused():
    @dataclass(frozen=True)
    class Loose:
        TABLE: ClassVar[str] = "nowhere"
        tags: set[str]

    with pytest.raises(TypeError, match="field 'tags': no stored type"):
        schema(Loose)

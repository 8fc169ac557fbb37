import json

import pyarrow.parquet as pq
import pytest


@pytest.fixture
def db(tmp_path, veille):
    path = tmp_path / "data" / "veille.duckdb"
    veille("--db", str(path), "init", cwd=tmp_path, check=True)
    return path


@pytest.mark.parametrize(
    "sql",
    [
        "DROP TABLE articles",
        "INSERT INTO digests VALUES ('2026-W01', 'k', [], 's', now(), 'm')",
        "DELETE FROM articles",
        "COPY articles TO 'stolen.csv'",
        "ATTACH 'other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD json",
        "CREATE TABLE t AS SELECT 1",
        "SET enable_external_access = true",
    ],
)
def test_writes_and_extensions_are_refused(db, tmp_path, veille, sql):
    result = veille("--db", str(db), "query", sql, cwd=tmp_path)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("veille: error:")
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "stolen.csv").exists()


def test_files_outside_the_data_directory_are_refused(db, tmp_path, veille):
    secret = tmp_path / "secret.csv"
    secret.write_text("a\n1\n")
    result = veille("--db", str(db), "query", f"SELECT * FROM read_csv('{secret}')", cwd=tmp_path)
    assert result.returncode == 2
    assert "Permission" in result.stderr


def test_files_inside_the_data_directory_can_be_read(db, tmp_path, veille):
    (db.parent / "extra.csv").write_text("a\n1\n")
    result = veille("--db", str(db), "query", f"SELECT * FROM read_csv('{db.parent / 'extra.csv'}')",
                    "--format", "json", cwd=tmp_path, check=True)
    assert json.loads(result.stdout) == [{"a": 1}]


def test_bad_sql_is_one_line_and_exit_2(db, tmp_path, veille):
    result = veille("--db", str(db), "query", "SELEC language FROM articles", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("veille: error: Parser Error")
    assert "Traceback" not in result.stderr
    unknown = veille("--db", str(db), "query", "SELECT nope FROM articles", cwd=tmp_path)
    assert unknown.returncode == 2 and "nope" in unknown.stderr


def test_output_formats(db, tmp_path, veille):
    sql = "SELECT 1 AS n, '深度求索' AS name, DATE '2026-11-17' AS day"
    table = veille("--db", str(db), "query", sql, cwd=tmp_path, check=True).stdout
    assert "深度求索" in table and "(1 row)" in table
    csv = veille("--db", str(db), "query", sql, "--format", "csv", cwd=tmp_path, check=True).stdout
    assert csv.splitlines() == ["n,name,day", "1,深度求索,2026-11-17"]
    as_json = veille("--db", str(db), "query", sql, "--format", "json", cwd=tmp_path, check=True).stdout
    assert json.loads(as_json) == [{"n": 1, "name": "深度求索", "day": "2026-11-17"}]
    out = tmp_path / "r.parquet"
    veille("--db", str(db), "query", sql, "--format", "parquet", "--output", str(out), cwd=tmp_path, check=True)
    assert pq.read_table(out).to_pylist() == [{"n": 1, "name": "深度求索", "day": __import__("datetime").date(2026, 11, 17)}]


def test_missing_warehouse_is_a_clear_error(tmp_path, veille):
    result = veille("--db", str(tmp_path / "none.duckdb"), "query", "SELECT 1", cwd=tmp_path)
    assert result.returncode == 1
    assert "veille init" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize(("sql", "message"), [
    ("SELECT * FROM artcles", 'Catalog Error: Table with name artcles does not exist! Did you mean "articles"?'),
    ("SELECT tilte FROM articles", 'Binder Error: Referenced column "tilte" not found in FROM clause! '
                                   'Candidate bindings: "title"'),
    ("SELECT lenght(title) FROM articles", 'Scalar Function with name lenght does not exist! Did you mean "length"?'),
    ("SELECT title FROM articles WHERE", 'Parser Error: syntax error at or near "WHERE" (line 1, column 28)'),
    ("SELECT title\nFROM articles\nWHER language = 'fr'", 'syntax error at or near "language" (line 3, column 6)'),
])
def test_query_errors_keep_duckdbs_hints_on_one_line(db, tmp_path, veille, sql, message):
    result = veille("--db", str(db), "query", sql, cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr


def test_wide_tables_show_long_values_whole(db, tmp_path, veille):
    long = "open weights " * 10
    sql = f"SELECT '{long.strip()}' AS text, 'x' AS other"
    cut = veille("--db", str(db), "query", sql, cwd=tmp_path, check=True).stdout.splitlines()
    assert cut[2] == long[:59] + "…  x"
    wide = veille("--db", str(db), "query", sql, "--wide", cwd=tmp_path, check=True).stdout.splitlines()
    assert wide[2] == long.strip() + "  x"
    assert wide[1] == "-" * len(long.strip()) + "  " + "-" * 5

import duckdb

from warehouse.sqlfiles import migrations
from warehouse.store import Store


def test_migrations_are_applied_once(tmp_path):
    store = Store(tmp_path / "w.duckdb")
    first = store.migrate()
    assert first == [f"{m.version:03d}_{m.name}" for m in migrations()]
    assert len(first) >= 2
    assert store.migrate() == []
    with duckdb.connect(str(store.path), read_only=True) as connection:
        recorded = connection.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [v for (v,) in recorded] == [m.version for m in migrations()]


def test_design_columns_exist(warehouse):
    expected = {
        "articles": {"article_id", "url", "source", "title", "language", "published_at", "text", "relevant"},
        "entities": {"entity_id", "kind", "name", "parent_id"},
        "entity_aliases": {"entity_id", "alias", "language"},
        "mentions": {"article_id", "entity_id", "surface", "start_char", "end_char"},
        "stance_clusters": {"cluster_id", "label"},
        "article_stances": {"article_id", "cluster_id", "score"},
        "digests": {"week", "sent_at", "message_id"},
    }
    with duckdb.connect(str(warehouse.path), read_only=True) as connection:
        for table, columns in expected.items():
            found = {row[0] for row in connection.execute(f"DESCRIBE {table}").fetchall()}
            assert columns <= found, (table, columns - found)


def test_init_command_is_idempotent(tmp_path, veille):
    db = tmp_path / "v.duckdb"
    first = veille("--db", str(db), "init", cwd=tmp_path, check=True)
    assert "applied 001_initial, 002_entity_lab" in first.stdout
    second = veille("--db", str(db), "init", cwd=tmp_path, check=True)
    assert "up to date" in second.stdout

"""The DuckDB warehouse: the only code that speaks SQL to the database file."""

-- Each column of one table of the main schema and its type, as DuckDB declares it.
SELECT column_name, data_type
FROM information_schema.columns
WHERE table_schema = 'main' AND table_name = $table
ORDER BY ordinal_position;

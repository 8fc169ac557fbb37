-- How far one archive file has been read, if it was ever started.
SELECT file_name, path, size, next_offset, records, responses, kept, stored, damaged, done
FROM backfill_files
WHERE file_name = $file_name;

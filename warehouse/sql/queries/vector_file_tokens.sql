-- The stems of every encoder's recorded vector files.
SELECT token FROM vector_files;

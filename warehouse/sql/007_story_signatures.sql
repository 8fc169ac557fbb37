-- Each article's MinHash signature (num_perm little-endian uint32 values), computed
-- once by the worker that analysed it, so that story grouping compares signatures
-- instead of re-reading and re-hashing every article's text on every run.
ALTER TABLE articles ADD COLUMN minhash BLOB;

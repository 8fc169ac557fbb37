"""Search by meaning: a typed sentence encoded with the project's encoder, ranked
against every stored passage vector.

``web_passage_search.sql`` states the ranking (inner product of unit vectors,
rounded to three decimals, ties by passage id) and is what the CSV runs; a page
ranks the same way from the vectors held in memory, since a scan of every vector
in DuckDB takes seconds on a large warehouse. The vectors are the files the
process stage writes next to the warehouse (:mod:`warehouse.vectorfiles`),
memory-mapped and kept until the stage records new ones; a warehouse whose files
are missing has its vectors read from DuckDB once per state of the file. The
encoder loads on the first search, not when the app starts.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from nlp.embeddings import Encoder, encoder_id, load_encoder
from warehouse import vectorfiles
from warehouse.sqlfiles import query
from warehouse.vectorfiles import PassageVectors
from web.reads import Session, Table

LIMIT = 20
_CANDIDATES = 200


class MeaningSearch:
    def __init__(self, encoder_name: str, cache_dir: Path | None) -> None:
        self.encoder_name = encoder_name
        self.cache_dir = cache_dir
        self._encoder: Encoder | None = None
        self._vectors: tuple[tuple, PassageVectors] | None = None
        self._lock = threading.Lock()

    def encoder(self) -> Encoder:
        with self._lock:
            if self._encoder is None:
                self._encoder = load_encoder(self.encoder_name, self.cache_dir, threads=1)
            return self._encoder

    def encode(self, sentence: str) -> tuple[list[float], str]:
        """The sentence's unit vector and the model id its stored neighbours are keyed by."""
        return self._cached(sentence)

    @lru_cache(maxsize=256)  # noqa: B019 - one MeaningSearch per app, alive as long as the process
    def _cached(self, sentence: str) -> tuple[list[float], str]:
        encoder = self.encoder()
        return encoder.encode([sentence])[0].tolist(), encoder.model_id

    def search(self, session: Session, sentence: str, language: str | None, source: str | None) -> Table:
        """The passages closest to ``sentence``: the rows web_passage_search gives, ranked the same way."""
        vector, model_id = self.encode(sentence)
        vectors = self._load(session, model_id)
        scores = vectors.matrix @ np.asarray(vector, dtype=np.float32) if len(vectors.ids) else np.zeros(0)
        keep = np.ones(len(scores), dtype=bool)
        if language:
            keep &= vectors.languages == language
        if source:
            keep &= vectors.sources == source
        candidates = np.flatnonzero(keep)
        if len(candidates) > _CANDIDATES:
            candidates = candidates[np.argpartition(-scores[candidates], _CANDIDATES)[:_CANDIDATES]]
        similarity = {str(vectors.ids[i]): round(float(scores[i]), 3) for i in candidates}
        found = session.table("web_passages_by_id", {"passages": list(similarity)}).records()
        ranked = sorted(found, key=lambda row: (-similarity[row["passage_id"]], row["passage_id"]))[:LIMIT]
        columns = ["similarity", "language", "text", "article_id", "title", "source"]
        rows = [(similarity[row["passage_id"]], *(row[c] for c in columns[1:])) for row in ranked]
        params = {"model_id": model_id, "language": language, "source": source}
        return Table("web_passage_search", query("web_passage_search"), params, columns, rows)

    def preload(self, session: Session) -> None:
        """Load the stored vectors of the configured encoder without loading the encoder itself."""
        self._load(session, encoder_id(self.encoder_name, self.cache_dir))

    def _load(self, session: Session, model_id: str) -> PassageVectors:
        recorded = session.table("vector_file_get", {"model_id": model_id}).rows
        token = recorded[0][0] if recorded else None
        with self._lock:
            current = {("files", token, model_id), ("rows", session.fingerprint, model_id)}
            if self._vectors is not None and self._vectors[0] in current:
                return self._vectors[1]
            if token is not None and (files := vectorfiles.load(session.reader.db, token)) is not None:
                self._vectors = (("files", token, model_id), files)
            else:
                table = session.arrow("web_passage_vectors", {"model_id": model_id})
                self._vectors = (("rows", session.fingerprint, model_id), vectorfiles.from_arrow(table, ""))
            return self._vectors[1]

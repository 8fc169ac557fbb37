"""`veille cluster` time and peak memory as the number of passages grows.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.stances_scaling [--sizes 10000 100000]

For each size a synthetic warehouse is built (in a child process): articles of
five passages, written with ``Store.save_processed``, whose embeddings are
unit vectors of the default encoder's dimension, 60% near the seeded stances'
centroids, 15% near eight off-taxonomy topics (emergent clusters) and 25%
scattered (they wait), and whose texts are drawn from a small vocabulary per
language. Then a fresh child process runs the real cluster stage
(``pipeline.cluster.cluster_stage``) on an empty warehouse twice (the
second gives the fixed cost: loading the encoder, fitting the seeded
classifier) and then on the synthetic one. Time and peak RSS above the fixed
cost's are reported, with the time per passage against the smallest size's:
a ratio near 1 is linear growth. "rerun" times a second run on the same
warehouse, which reads back only the waiting passages.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from warehouse.records import ArticleRecord, EmbeddingRecord, PassageRecord, ProcessedPage
from warehouse.store import Store, text_hash

PASSAGES_PER_ARTICLE = 5
ARTICLES_PER_BATCH = 2000
VOCABULARY = {
    "en": "open model weights licence release lab community cost chips export closed frontier safety "
          "benchmark developers startup government training data sovereignty cheap rival".split(),
    "fr": "modèle ouvert poids licence publication laboratoire communauté coût puces export fermé "
          "sécurité développeurs startup gouvernement données souveraineté rival entraînement".split(),
    "zh": "开源 模型 权重 许可证 发布 实验室 社区 成本 芯片 出口 "
          "闭源 安全 开发者 初创 政府 数据 主权 训练 对手".split(),
}


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def synthetic_vectors(count: int, centroids: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    dimension = centroids.shape[1]
    topics = _unit(rng.normal(size=(8, dimension)))
    kind = rng.choice(3, size=count, p=[0.60, 0.15, 0.25])
    centres = np.where(
        (kind == 0)[:, None], centroids[rng.integers(len(centroids), size=count)],
        topics[rng.integers(len(topics), size=count)],
    )
    noise = rng.normal(size=(count, dimension)).astype(np.float32) / np.sqrt(dimension)
    vectors = np.where((kind == 2)[:, None], noise, centres + 0.8 * noise)
    return _unit(vectors)


def build(db: Path, count: int, seed: int = 7) -> None:
    """A warehouse of ``count`` passages of relevant articles, with their embeddings."""
    from nlp.embeddings import load_encoder
    from nlp.stances.seeded import SeededStances
    from nlp.stances.taxonomy import Taxonomy

    encoder = load_encoder()
    centroids = SeededStances.from_taxonomy(Taxonomy.load(), encoder).centroids
    rng = np.random.default_rng(seed)
    vectors = synthetic_vectors(count, centroids, rng)
    store = Store(db)
    store.migrate()
    now = datetime.now(timezone.utc)
    languages = list(VOCABULARY)
    pages = []
    for a, start in enumerate(range(0, count, PASSAGES_PER_ARTICLE)):
        article_id = f"a{a:07d}"
        language = languages[a % 3]
        joiner = "" if language == "zh" else " "
        passages, embeddings = [], []
        for ordinal, row in enumerate(range(start, min(start + PASSAGES_PER_ARTICLE, count))):
            words = rng.choice(VOCABULARY[language], size=int(rng.integers(8, 16)))
            text = f"{joiner.join(words)} {row}"  # the row number keeps every text distinct
            passages.append(PassageRecord(f"{article_id}:{ordinal}", article_id, ordinal, language, text,
                                          text_hash(text), 0, len(text)))
            embeddings.append(EmbeddingRecord(text_hash(text), encoder.model_id, vectors[row]))
        text = "\n".join(p.text for p in passages)
        article = ArticleRecord(article_id, f"https://example.org/{article_id}", "synthetic", None, None, None,
                                language, None, now, now, text, len(text.split()), 1.0, True)
        pages.append(ProcessedPage(article_id, "article", article=article, passages=passages,
                                   embeddings=embeddings))
        if len(pages) == ARTICLES_PER_BATCH:
            store.save_processed(pages, "synthetic")
            pages = []
    store.save_processed(pages, "synthetic")


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(db: Path, empty: Path) -> dict[str, float]:
    """Run the cluster stage on ``empty`` then on ``db`` (twice), in this process."""
    from core.config import load_config
    from pipeline.cluster import cluster_stage

    settings = empty.parent / "veille.toml"
    settings.parent.mkdir(parents=True, exist_ok=True)
    settings.write_text("", encoding="utf-8")
    cluster_stage(load_config(settings, empty))  # imports and first loads, not counted
    started = time.perf_counter()
    cluster_stage(load_config(settings, empty))
    fixed_time, fixed_rss = time.perf_counter() - started, _peak_rss_mb()
    started = time.perf_counter()
    summary = cluster_stage(load_config(settings, db))
    first_time, first_rss = time.perf_counter() - started, _peak_rss_mb()
    started = time.perf_counter()
    again = cluster_stage(load_config(settings, db))
    second_time = time.perf_counter() - started
    return {
        "fixed_time": fixed_time, "fixed_rss": fixed_rss, "time": first_time - fixed_time, "rss": first_rss,
        "assigned": summary.assigned, "waiting": summary.waiting, "clusters": summary.clusters,
        "emergent": summary.emergent, "second_time": second_time - fixed_time, "second_read": again.passages,
    }


def _child(*args: str) -> str:
    completed = subprocess.run([sys.executable, "-m", "bench.stances_scaling", *args], capture_output=True,
                               text=True, check=False)
    if completed.returncode != 0:
        raise SystemExit(completed.stderr)
    return completed.stdout


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--measure", type=Path, nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build:
        build(args.build, args.sizes[0])
        return
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return

    print(f"{'passages':>9} {'assigned':>9} {'waiting':>8} {'clusters':>8} {'time s':>7} {'µs/passage':>10} "
          f"{'vs first':>8} {'peak RSS MB':>11} {'above fixed':>11} {'rerun s':>7} {'reread':>7}")
    first_rate = None
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            db, empty = Path(folder) / "big" / "veille.duckdb", Path(folder) / "empty" / "veille.duckdb"
            _child("--build", str(db), "--sizes", str(size))
            figures = json.loads(_child("--measure", str(db), str(empty)).strip().splitlines()[-1])
        rate = figures["time"] / size * 1e6
        first_rate = first_rate or rate
        print(f"{size:>9,} {figures['assigned']:>9,} {figures['waiting']:>8,} {figures['clusters']:>8} "
              f"{figures['time']:>7.1f} {rate:>10.0f} {rate / first_rate:>8.2f} {figures['rss']:>11.0f} "
              f"{figures['rss'] - figures['fixed_rss']:>11.0f} {figures['second_time']:>7.1f} "
              f"{figures['second_read']:>7,}")
    print(f"fixed cost (empty warehouse): {figures['fixed_time']:.1f} s, peak RSS {figures['fixed_rss']:.0f} MB")


if __name__ == "__main__":
    main()

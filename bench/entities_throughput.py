"""Entity extraction throughput against the bare spaCy pipeline of the same language.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.entities_throughput [--per-language 30]

Texts are the gold main texts of the shared corpus. "bare" is the same pipeline the
matcher uses (the language's tokenizer cut into pieces, jieba for Chinese, and a
sentencizer) without the knowledge-base ruler, the context rules, fuzzy matching, the
Chinese NER and discovery; "veille" is ``EntityMatcher.analyse_many``. Words are the
bare pipeline's tokens (punctuation and spaces excluded), the same count for both.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from bench.corpus import load_pages
from nlp.entities import EntityMatcher, KnowledgeBase
from core.languages import registry
from nlp.entities.pipelines import blank_pipeline, load_tokenizing_pipeline
from nlp.segmentation import UNSPACED_CHARACTER


def _best_of(runs: int, work) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-language", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    pages = load_pages(per_language=args.per_language)
    kb = KnowledgeBase.load()
    with tempfile.TemporaryDirectory() as cache:
        matcher = EntityMatcher(kb, cache_dir=Path(cache))
        print(f"{'language':8} {'texts':>5} {'words':>8} {'bare words/s':>13} {'veille words/s':>15} {'ratio':>6}")
        for language in registry().analysed:
            texts = [p.gold["text"] for p in pages if p.language == language and p.gold.get("text")]
            veille_nlp = matcher.pipeline(language)  # loads the matcher's pipeline (and Chinese NER)
            if package := matcher.package(language):
                bare = load_tokenizing_pipeline(package)
            else:
                spec = registry()[language]
                words = [a.alias for a in kb.aliases if UNSPACED_CHARACTER.search(a.alias)]
                bare = blank_pipeline(spec.spacy_language, Path(cache) / "bare", words,
                                      jieba=spec.segmenter.words == "jieba")
            assert "span_ruler" in veille_nlp.pipe_names and "span_ruler" not in bare.pipe_names
            count = sum(1 for doc in bare.pipe(texts) for t in doc if not (t.is_punct or t.is_space))
            # Both lambdas run inside this iteration, so binding the loop variables late is harmless.
            bare_time = _best_of(args.runs, lambda: list(bare.pipe(texts, batch_size=64)))  # noqa: B023
            veille_time = _best_of(args.runs, lambda: matcher.analyse_many(texts, language))  # noqa: B023
            print(f"{language:8} {len(texts):>5} {count:>8} {count / bare_time:>13,.0f} "
                  f"{count / veille_time:>15,.0f} {bare_time / veille_time:>6.2f}")


if __name__ == "__main__":
    main()

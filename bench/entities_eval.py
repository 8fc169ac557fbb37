"""Entity linking against the annotated development set, per language.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.entities_eval [--split dev|heldout] [--errors]

Prints precision, recall and F1 at the level of canonical entities (each passage
counts as the set of knowledge-base ids it names), per language and overall.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from nlp.entities import EntityMatcher, KnowledgeBase
from nlp.entities.evaluation import evaluate, load_passages

DEV_SET = Path(__file__).resolve().parents[1] / "tests" / "nlp" / "data" / "entities_dev.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=["dev", "heldout"], help="Only this part of the set (default: all).")
    parser.add_argument("--errors", action="store_true", help="List the passages that went wrong.")
    args = parser.parse_args()
    passages = [p for p in load_passages(DEV_SET) if args.split in (None, p.split)]
    with tempfile.TemporaryDirectory() as cache:
        scores = evaluate(EntityMatcher(KnowledgeBase.load(), cache_dir=Path(cache)), passages)
    print(f"{'language':8} {'passages':>8} {'precision':>9} {'recall':>7} {'F1':>6}")
    for language, score in scores.items():
        print(f"{language:8} {score.passages:>8} {score.precision:>9.3f} {score.recall:>7.3f} {score.f1:>6.3f}")
    if args.errors:
        print("\n".join(scores["all"].errors))


if __name__ == "__main__":
    main()

"""Precision, recall and F1 of entity linking at the level of canonical entities.

A passage counts as its set of knowledge-base ids: an id found that the gold lacks is
a false positive, a gold id not found a false negative, however many times either is
written. Used by ``bench/entities_eval.py`` and by the floors that CI checks.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .matcher import EntityMatcher


@dataclass(frozen=True)
class Passage:
    id: str
    language: str
    split: str
    text: str
    gold: frozenset[str]


@dataclass
class Scores:
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    passages: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positives + self.false_negatives
        return self.true_positives / wanted if wanted else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


def load_passages(path: Path) -> list[Passage]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [
        Passage(p["id"], p["language"], p.get("split", "dev"), p["text"], frozenset(p["gold"]))
        for p in data["passage"]
    ]


def evaluate(matcher: EntityMatcher, passages: Iterable[Passage]) -> dict[str, Scores]:
    """Scores per language (and "all"), with one line per passage that went wrong."""
    by_language: dict[str, list[Passage]] = {}
    for passage in passages:
        by_language.setdefault(passage.language, []).append(passage)
    scores: dict[str, Scores] = {"all": Scores()}
    for language, group in sorted(by_language.items()):
        found = matcher.find_many([p.text for p in group], language)
        scores[language] = _score(group, [{m.entity_id for m in mentions} for mentions in found])
        for name in ("true_positives", "false_positives", "false_negatives", "passages"):
            setattr(scores["all"], name, getattr(scores["all"], name) + getattr(scores[language], name))
        scores["all"].errors += scores[language].errors
    return scores


def _score(passages: Sequence[Passage], predicted: Sequence[set[str]]) -> Scores:
    scores = Scores()
    for passage, ids in zip(passages, predicted):
        scores.passages += 1
        scores.true_positives += len(ids & passage.gold)
        scores.false_positives += len(ids - passage.gold)
        scores.false_negatives += len(passage.gold - ids)
        if ids != passage.gold:
            scores.errors.append(
                f"{passage.id} ({passage.split}): extra {sorted(ids - passage.gold)} "
                f"missing {sorted(passage.gold - ids)}"
            )
    return scores

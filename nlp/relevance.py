"""Topic relevance: is an article about AI open-sourcing?

Four kinds of evidence: openness terms and AI terms of the article's
language (``topic.toml``), the distinct labs and models of the knowledge base
it mentions, and the embedding similarity of the article to the topic's
descriptions (in any language, since the model is multilingual). A logistic
regression calibrated on a labelled development set (``relevance.toml``)
turns them into a score, the probability of being on the topic. An article is
relevant when the score clears the threshold and it speaks both of openness
and of AI (AI terms, or a model of the knowledge base: a lab alone, such as
Huawei in a story about its operating system, does not make a story about AI). Open-source software news with no AI,
and AI news with no openness angle, are the hard negatives.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nlp.topic import Topic

DEFAULT_PATH = Path(__file__).with_name("relevance.toml")
FEATURES = ("openness", "ai", "entities", "similarity")


@dataclass(frozen=True)
class RelevanceModel:
    """A logistic regression over the four kinds of evidence, fitted on the development set.

    ``bench/relevance_eval.py --write`` fits it on the calibration half of
    ``tests/nlp/data/relevance_dev.toml`` and writes ``relevance.toml``; the
    score is then the estimated probability that an article is on the topic.
    """

    intercept: float
    coefficients: Mapping[str, float]
    openness_saturation: int = 4  # hits at which the evidence counts fully
    ai_saturation: int = 4
    entity_saturation: int = 3
    require_openness_and_ai: bool = True
    embedding: str = "use-multilingual"  # the model the similarity was calibrated with

    @classmethod
    def load(cls, path: Path | None = None) -> RelevanceModel:
        with Path(path or DEFAULT_PATH).open("rb") as handle:
            data = tomllib.load(handle)
        model = data["model"]
        missing = set(FEATURES) - set(model["coefficients"])
        if missing:
            raise ValueError(f"{path or DEFAULT_PATH}: [model.coefficients] lacks {sorted(missing)}")
        return cls(intercept=float(model["intercept"]),
                   coefficients={k: float(model["coefficients"][k]) for k in FEATURES},
                   **{k: data["features"][k] for k in ("openness_saturation", "ai_saturation",
                                                       "entity_saturation", "require_openness_and_ai")},
                   embedding=data["features"].get("embedding", "use-multilingual"))


@dataclass(frozen=True)
class Evidence:
    """What an article offers, each kind scaled to [0, 1] except the raw cosine."""

    openness: float
    ai: float
    entities: float
    similarity: float
    openness_hits: int
    ai_hits: int
    model_count: int

    def vector(self) -> list[float]:
        return [getattr(self, name) for name in FEATURES]


@dataclass(frozen=True)
class Relevance:
    score: float
    relevant: bool
    openness_hits: int
    ai_hits: int


class RelevanceScorer:
    def __init__(self, topic: Topic, description_vectors: np.ndarray, threshold: float,
                 model: RelevanceModel | None = None) -> None:
        self.topic = topic
        self.description_vectors = description_vectors
        self.threshold = threshold
        self.model = model or RelevanceModel.load()

    def hits(self, text: str, language: str) -> tuple[int, int]:
        """How many openness terms and AI terms of its language ``text`` holds."""
        terms = self.topic.terms.get(language)
        ai_terms = self.topic.ai_terms.get(language)
        return (terms.count(text) if terms else 0), (ai_terms.count(text) if ai_terms else 0)

    def can_be_relevant(self, openness_hits: int, ai_hits: int, model_count: int) -> bool:
        """Whether the article passes the gate: when it does not, no other evidence can make it relevant."""
        return not self.model.require_openness_and_ai or (openness_hits > 0 and (ai_hits > 0 or model_count > 0))

    def evidence(self, text: str, language: str, entity_count: int, model_count: int,
                 document_vector: np.ndarray | None, hits: tuple[int, int] | None = None) -> Evidence:
        """The evidence for ``text``; without a document vector, the similarity counts as 0.

        The process stage embeds an article only when the embedding can matter (it
        can pass the gate, or it names an entity and may join a story in another
        language), so the score of an article that fails the gate leaves similarity out.
        """
        m = self.model
        openness_hits, ai_hits = hits if hits is not None else self.hits(text, language)
        similarity = 0.0 if document_vector is None else float(np.max(self.description_vectors @ document_vector))
        return Evidence(
            openness=min(1.0, openness_hits / m.openness_saturation),
            ai=min(1.0, ai_hits / m.ai_saturation),
            entities=min(1.0, entity_count / m.entity_saturation),
            similarity=similarity,
            openness_hits=openness_hits, ai_hits=ai_hits, model_count=model_count,
        )

    def judge(self, evidence: Evidence) -> Relevance:
        m = self.model
        logit = m.intercept + sum(m.coefficients[name] * getattr(evidence, name) for name in FEATURES)
        score = 1.0 / (1.0 + math.exp(-logit))
        gate = self.can_be_relevant(evidence.openness_hits, evidence.ai_hits, evidence.model_count)
        return Relevance(round(score, 4), score >= self.threshold and gate, evidence.openness_hits, evidence.ai_hits)

    def score(self, text: str, language: str, entity_count: int, model_count: int,
              document_vector: np.ndarray | None, hits: tuple[int, int] | None = None) -> Relevance:
        return self.judge(self.evidence(text, language, entity_count, model_count, document_vector, hits))

"""Topic relevance: is an article about AI open-sourcing?

Three kinds of evidence, each scaled to [0, 1] and weighted: openness terms
and AI terms of the article's language (``topic.toml``), the distinct labs and
models of the knowledge base it mentions, and the embedding similarity of the
article to the topic's descriptions (in any language, since the model is
multilingual). An article is relevant when the weighted score clears the
threshold and it speaks both of openness and of AI (AI terms, or a model of
the knowledge base: a lab alone, such as Huawei in a story about its operating
system, does not make a story about AI). Open-source software news with no AI,
and AI news with no openness angle, are the hard negatives.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nlp.topic import Topic


@dataclass(frozen=True)
class RelevanceWeights:
    openness: float = 0.35
    ai: float = 0.15
    entities: float = 0.20
    similarity: float = 0.30
    openness_saturation: int = 4  # hits at which the evidence counts fully
    ai_saturation: int = 4
    entity_saturation: int = 3
    similarity_floor: float = 0.20  # cosine at or below which similarity counts 0
    similarity_ceiling: float = 0.50  # cosine at or above which it counts 1


@dataclass(frozen=True)
class Relevance:
    score: float
    relevant: bool
    openness_hits: int
    ai_hits: int


class RelevanceScorer:
    def __init__(self, topic: Topic, description_vectors: np.ndarray, threshold: float,
                 weights: RelevanceWeights = RelevanceWeights()) -> None:
        self.topic = topic
        self.description_vectors = description_vectors
        self.threshold = threshold
        self.weights = weights

    def score(self, text: str, language: str, entity_count: int, model_count: int,
              document_vector: np.ndarray) -> Relevance:
        w = self.weights
        terms = self.topic.terms.get(language)
        ai_terms = self.topic.ai_terms.get(language)
        openness_hits = terms.count(text) if terms else 0
        ai_hits = ai_terms.count(text) if ai_terms else 0
        similarity = float(np.max(self.description_vectors @ document_vector))
        scaled_similarity = np.clip(
            (similarity - w.similarity_floor) / (w.similarity_ceiling - w.similarity_floor), 0.0, 1.0
        )
        score = (
            w.openness * min(1.0, openness_hits / w.openness_saturation)
            + w.ai * min(1.0, ai_hits / w.ai_saturation)
            + w.entities * min(1.0, entity_count / w.entity_saturation)
            + w.similarity * float(scaled_similarity)
        )
        relevant = score >= self.threshold and openness_hits > 0 and (ai_hits > 0 or model_count > 0)
        return Relevance(round(score, 4), relevant, openness_hits, ai_hits)

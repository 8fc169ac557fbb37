"""Topic relevance: is an article within the watch (``docs/scope.md``)?

The watch covers open AI models, the labs that publish them, and the debates
around them (censorship, security, cost, export controls, sovereignty, what
"open" means), even when a text never says "open source". The evidence:

- openness terms, AI terms and debate-angle terms of the article's language
  (``[topic]`` of its language file, ``core/languages/<xx>.toml``);
- the labs and models of the knowledge base it names: open models (open
  weights, open source, or a family with open members), labs that publish
  them, closed labs and models (a closed product launch is out of scope), how
  often it names them, and whether one is named in the lead, where an article
  says what it is about; chipmakers and conglomerates whose models are a side
  line (``[incidental_labs]`` of ``topic.toml``) do not count;
- the embedding similarity of the article to the topic's descriptions.

A logistic regression fitted on labelled real texts (``relevance.toml``)
turns them into a score, the probability of being in scope. An article is
relevant when the score clears the threshold and it passes the gate: it
speaks of openness and of AI (AI terms, or a model), or it names a lab or
model of the knowledge base and speaks of AI. The gate keeps out open-source
software with no AI and AI news that names no one.
"""

from __future__ import annotations

import math
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.errors import VeilleError
from nlp.topic import Topic

DEFAULT_PATH = Path(__file__).with_name("relevance.toml")
FEATURES = ("openness", "ai", "angle", "open_models", "labs", "closed", "mentions", "lead", "similarity")
OPEN = frozenset({"open_weights", "open_source", "mixed"})
LEAD_CHARACTERS = 400
"""A lab or model named within this many characters of the text's start is named in its lead."""


class RelevanceModelError(VeilleError):
    """relevance.toml cannot be used as written."""


@dataclass(frozen=True)
class RelevanceModel:
    """A logistic regression over the evidence, fitted on labelled texts.

    ``bench/relevance_eval.py --write`` fits it on the dev split of the real
    texts (``bench/realtext``) and the team's development set, and writes
    ``relevance.toml``; the score is the estimated probability that an article
    is in scope.
    """

    intercept: float
    coefficients: Mapping[str, float]
    saturation: Mapping[str, int]
    embedding: str = "use-multilingual"  # the model the similarity was calibrated with

    @classmethod
    def load(cls, path: Path | None = None) -> RelevanceModel:
        source = Path(path or DEFAULT_PATH)
        with source.open("rb") as handle:
            data = tomllib.load(handle)
        model = data["model"]
        missing = set(FEATURES) - set(model["coefficients"])
        if missing:
            raise RelevanceModelError(f"{source}: [model.coefficients] lacks {sorted(missing)}")
        return cls(intercept=float(model["intercept"]),
                   coefficients={k: float(model["coefficients"][k]) for k in FEATURES},
                   saturation={k: int(v) for k, v in data["saturation"].items()},
                   embedding=data.get("embedding", {}).get("model", "use-multilingual"))


@dataclass(frozen=True)
class EntityEvidence:
    """What the knowledge base recognised in an article."""

    open_models: int = 0  # distinct models with open weights (or a family with open members)
    labs: int = 0  # distinct labs that publish open models (or have open members)
    closed: int = 0  # distinct closed models and closed labs
    mentions: int = 0  # every mention of a lab or model: an article centred on one names it again and again
    lead: bool = False  # a lab or model is named in the lead
    names: tuple[str, ...] = ()  # canonical names, for explanations

    @property
    def any(self) -> int:
        return self.open_models + self.labs + self.closed

    @property
    def models(self) -> int:
        return self.open_models + self.closed

    @classmethod
    def from_mentions(cls, mentions: Iterable[tuple[str, int]], knowledge_base,
                      incidental: frozenset[str] = frozenset()) -> EntityEvidence:
        """From (entity id, start offset) pairs and the knowledge base that linked them;
        the ``incidental`` labs (chipmakers, conglomerates) are left out."""
        mentions = [(entity_id, start) for entity_id, start in mentions if entity_id not in incidental]
        entities = {entity_id: knowledge_base.entities[entity_id] for entity_id, _ in mentions}
        return cls(
            open_models=sum(e.kind == "model" and e.openness in OPEN for e in entities.values()),
            labs=sum(e.kind == "lab" and e.openness in OPEN for e in entities.values()),
            closed=sum(e.openness not in OPEN for e in entities.values()),
            mentions=len(mentions),
            lead=any(start < LEAD_CHARACTERS for _, start in mentions),
            names=tuple(sorted(e.name for e in entities.values())),
        )


@dataclass(frozen=True)
class Hits:
    """Terms of the topic found in a text, as written."""

    openness: tuple[str, ...]
    ai: tuple[str, ...]
    angle: tuple[str, ...]


@dataclass(frozen=True)
class Evidence:
    """What an article offers: each feature scaled to [0, 1], except the raw cosine."""

    openness: float
    ai: float
    angle: float
    open_models: float
    labs: float
    closed: float
    mentions: float
    lead: float
    similarity: float
    hits: Hits
    entities: EntityEvidence

    def vector(self) -> list[float]:
        return [getattr(self, name) for name in FEATURES]


@dataclass(frozen=True)
class Relevance:
    score: float
    relevant: bool
    gate: bool
    evidence: Evidence
    threshold: float = 0.5
    contributions: Mapping[str, float] | None = None  # each feature's share of the log-odds

    def explanation(self) -> dict:
        """What decided, in plain values: kept with the article so that a reader can ask why."""
        e = self.evidence
        return {
            "score": self.score, "threshold": self.threshold, "relevant": self.relevant, "gate": self.gate,
            "openness_terms": sorted(set(e.hits.openness)), "ai_terms": len(e.hits.ai),
            "angle_terms": sorted(set(e.hits.angle)), "entities": list(e.entities.names),
            "entity_in_lead": e.entities.lead, "similarity": round(e.similarity, 4),
            "contributions": {k: round(v, 3) for k, v in (self.contributions or {}).items()},
        }


class RelevanceScorer:
    def __init__(self, topic: Topic, description_vectors: np.ndarray, threshold: float,
                 model: RelevanceModel | None = None) -> None:
        self.topic = topic
        self.description_vectors = description_vectors
        self.threshold = threshold
        self.model = model or RelevanceModel.load()

    def entities(self, mentions: Iterable[tuple[str, int]], knowledge_base) -> EntityEvidence:
        """The entity evidence of an article's (entity id, start offset) mentions."""
        return EntityEvidence.from_mentions(mentions, knowledge_base, self.topic.incidental_labs)

    def hits(self, text: str, language: str) -> Hits:
        """The openness, AI and debate-angle terms of its language that ``text`` holds."""
        def find(lists: Mapping) -> tuple[str, ...]:
            terms = lists.get(language)
            return tuple(terms.findall(text)) if terms else ()
        return Hits(find(self.topic.terms), find(self.topic.ai_terms), find(self.topic.angle_terms))

    @staticmethod
    def can_be_relevant(hits: Hits, entities: EntityEvidence) -> bool:
        """The gate: when an article fails it, no other evidence can make it relevant."""
        speaks_of_ai = bool(hits.ai) or entities.models > 0
        return speaks_of_ai and (bool(hits.openness) or entities.any > 0)

    def evidence(self, hits: Hits, entities: EntityEvidence, document_vector: np.ndarray | None) -> Evidence:
        """The evidence; without a document vector, the similarity counts as 0.

        The process stage embeds an article only when the embedding can matter (it
        can pass the gate, or it names an entity and may join a story in another
        language), so the score of an article that fails the gate leaves similarity out.
        """
        saturation = self.model.saturation
        similarity = 0.0 if document_vector is None else float(np.max(self.description_vectors @ document_vector))

        def scaled(name: str, count: int) -> float:
            return min(1.0, count / saturation[name])

        return Evidence(
            openness=scaled("openness", len(set(h.lower() for h in hits.openness))),
            ai=scaled("ai", len(hits.ai)),
            angle=scaled("angle", len(set(h.lower() for h in hits.angle))),
            open_models=scaled("open_models", entities.open_models),
            labs=scaled("labs", entities.labs),
            closed=scaled("closed", entities.closed),
            mentions=scaled("mentions", entities.mentions),
            lead=float(entities.lead),
            similarity=similarity,
            hits=hits,
            entities=entities,
        )

    def judge(self, evidence: Evidence) -> Relevance:
        m = self.model
        contributions = {name: m.coefficients[name] * getattr(evidence, name) for name in FEATURES}
        logit = m.intercept + sum(contributions.values())
        score = 1.0 / (1.0 + math.exp(-logit))
        gate = self.can_be_relevant(evidence.hits, evidence.entities)
        return Relevance(round(score, 4), score >= self.threshold and gate, gate, evidence, self.threshold,
                         contributions)

    def score(self, text: str, language: str, entities: EntityEvidence,
              document_vector: np.ndarray | None, hits: Hits | None = None) -> Relevance:
        return self.judge(self.evidence(hits or self.hits(text, language), entities, document_vector))

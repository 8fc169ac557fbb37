"""Topic relevance: the calibrated model, the gate, the evidence, and floors on labelled texts."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from nlp.relevance import FEATURES, EntityEvidence, RelevanceModel, RelevanceScorer
from nlp.topic import Topic

FLOORS = Path(__file__).with_name("data") / "relevance_floors.toml"
EVIDENCE_FEATURES = set(FEATURES) - {"closed"}  # a closed product launch is out of scope


def _scorer() -> RelevanceScorer:
    return RelevanceScorer(Topic.load(), np.eye(3, dtype=np.float32), threshold=0.5)


def _judge(text: str, language: str, entities: EntityEvidence | None = None, similarity: float = 0.3):
    scorer = _scorer()
    entities = entities or EntityEvidence()
    vector = np.array([similarity, np.sqrt(1 - similarity**2), 0.0], dtype=np.float32)
    return scorer.score(text, language, entities, vector)


def test_the_calibrated_model_is_data():
    model = RelevanceModel.load()
    assert set(model.coefficients) == set(FEATURES)
    assert all(model.coefficients[name] > 0 for name in EVIDENCE_FEATURES)  # more evidence never lowers the score
    assert model.coefficients["closed"] <= 0


def test_an_open_release_is_relevant_and_unrelated_news_is_not():
    release = _judge("Alibaba released the Qwen3 models as open source under the Apache 2.0 licence, with the "
                     "weights on Hugging Face; the open-weight models rival closed ones.", "en",
                     EntityEvidence(open_models=2, labs=1, mentions=3, lead=True), similarity=0.6)
    assert release.relevant and release.score > 0.8
    weather = _judge("Heavy rain is expected in Brittany on Sunday, with strong winds along the coast.", "en")
    assert not weather.relevant and weather.score < 0.2


def test_a_lab_of_the_knowledge_base_and_ai_need_no_openness_words():
    censorship = _judge("DeepSeek's chatbot refuses to answer questions about Tiananmen Square, a test of the "
                        "AI model found; the censorship is built into the model, and DeepSeek did not reply.",
                        "en", EntityEvidence(labs=1, mentions=3, lead=True), similarity=0.3)
    assert censorship.gate and censorship.relevant
    assert "Tiananmen" in censorship.evidence.hits.angle and not censorship.evidence.hits.openness


def test_the_gate_keeps_out_open_source_software_and_ai_that_names_no_one():
    kernel = _judge("The Linux kernel 6.12 is released under the GPL, an open-source licence; the source code "
                    "is on GitHub.", "en", similarity=0.4)
    assert not kernel.gate and not kernel.relevant
    chatbot = _judge("The new chatbot answers questions about recipes with generative AI.", "en", similarity=0.4)
    assert not chatbot.gate and not chatbot.relevant


def test_everyday_french_words_are_not_openness():
    hits = _scorer().hits("Le propriétaire du restaurant a rouvert ses portes ; le magasin reste ouvert et fermé "
                          "le lundi, et le poids des bagages est limité.", "fr")
    assert hits.openness == ()


def test_terms_are_counted_in_the_article_language():
    hits = _scorer().hits("智谱以MIT许可证开源GLM模型权重，开源模型；美国出口管制与审查。", "zh")
    assert len(hits.openness) >= 3 and {"出口管制", "审查"} <= set(hits.angle)
    assert _scorer().hits("智谱以MIT许可证开源GLM模型权重", "en").openness == ()  # English terms only


def test_the_explanation_names_the_evidence():
    relevance = _judge("DeepSeek released its open-source R1 model at a fraction of the cost.", "en",
                       EntityEvidence(open_models=1, labs=1, mentions=2, lead=True, names=("DeepSeek", "DeepSeek-R1")))
    explained = relevance.explanation()
    assert explained["entities"] == ["DeepSeek", "DeepSeek-R1"] and explained["entity_in_lead"]
    assert "open-source" in explained["openness_terms"] and "fraction of the cost" in explained["angle_terms"]
    assert set(explained["contributions"]) == set(FEATURES)


@pytest.mark.slow  # loads the spaCy pipelines and the embedding model
def test_team_held_out_precision_and_recall_floors():
    """The team's own sentences: a unit test of the whole relevance path, not evidence of quality."""
    from bench.relevance_eval import evidence_for, load_dev_set, scores, split
    from core.config import load_config
    from pipeline.analyse import Analyser, AnalyserSettings

    with FLOORS.open("rb") as handle:
        floors = tomllib.load(handle)
    items = load_dev_set()
    assert {lang: sum(i.language == lang for i in items) for lang in ("en", "fr", "zh")} == {"en": 30, "fr": 30, "zh": 30}
    analyser = Analyser(AnalyserSettings.from_config(load_config()))
    _, held_out = split(items)
    result = scores(held_out, evidence_for(held_out, analyser), analyser.relevance)
    for language, floor in floors["held_out"].items():
        assert result[language]["precision"] >= floor["precision"], (language, result[language])
        assert result[language]["recall"] >= floor["recall"], (language, result[language])

"""Topic relevance: the calibrated model, the gate, and floors on the held-out half of the dev set."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from nlp.relevance import FEATURES, Evidence, RelevanceModel, RelevanceScorer
from nlp.topic import Topic

FLOORS = Path(__file__).with_name("data") / "relevance_floors.toml"


def _scorer() -> RelevanceScorer:
    return RelevanceScorer(Topic.load(), np.eye(3, dtype=np.float32), threshold=0.5)


def _evidence(**overrides) -> Evidence:
    values = dict(openness=1.0, ai=1.0, entities=1.0, similarity=0.6, openness_hits=4, ai_hits=4, model_count=1)
    return Evidence(**{**values, **overrides})


def test_the_calibrated_model_is_data():
    model = RelevanceModel.load()
    assert set(model.coefficients) == set(FEATURES)
    assert all(model.coefficients[name] > 0 for name in FEATURES)  # more evidence never lowers the score


def test_strong_evidence_is_relevant_and_none_is_not():
    scorer = _scorer()
    assert scorer.judge(_evidence()).relevant
    none = _evidence(openness=0, ai=0, entities=0, similarity=0, openness_hits=0, ai_hits=0, model_count=0)
    assert not scorer.judge(none).relevant and scorer.judge(none).score < 0.1


def test_openness_without_ai_is_gated_out_whatever_the_score():
    scorer = _scorer()
    open_source_software = _evidence(ai=0, ai_hits=0, model_count=0)
    assert not scorer.judge(open_source_software).relevant
    assert not scorer.judge(_evidence(openness=0, openness_hits=0)).relevant  # AI with no openness


def test_terms_are_counted_in_the_article_language():
    scorer = _scorer()
    vector = np.array([1.0, 0.0, 0.0], dtype=np.float32)
    found = scorer.evidence("智谱以MIT许可证开源GLM模型权重，开源模型。", "zh", 1, 1, vector)
    assert found.openness_hits >= 3 and found.similarity == pytest.approx(1.0)


@pytest.mark.slow  # loads the spaCy pipelines and the embedding model
def test_held_out_precision_and_recall_floors():
    from bench.relevance_eval import evidence_for, load_dev_set, scores, split
    from veille.config import load_config
    from veille.stages.analyse import Analyser, AnalyserSettings

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

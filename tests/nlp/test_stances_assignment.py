"""Seeded stance assignment: clear statements, held-out accuracy floors, calibration."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from nlp.stances.calibration import accuracy_by_language, fit_seeded, predict, read_debates, read_statements
from nlp.stances.polarity import passage_polarity
from nlp.stances.seeded import Thresholds, embed_prototypes
from nlp.stances.taxonomy import Taxonomy
from bench.stances_eval import LANGUAGES
from nlp.topic import Topic

DATA = Path(__file__).parent / "data"
# Held-out accuracy of the default encoder on the team's own statements (evaluation split,
# with an off-taxonomy debate counted as "none"): a unit test, not evidence of quality (that
# is the real texts' test split). Measured 0.667 overall, en 0.722, fr 0.639, zh 0.639 since
# the thresholds were fitted on real texts (0.713 before: real text rewards taking a stance
# more readily). Lowering a floor is a deliberate, reviewed change.
FLOORS = {"all": 0.64, "en": 0.69, "fr": 0.61, "zh": 0.61}


@pytest.fixture(scope="module")
def thresholds(encoder) -> Thresholds:
    return Thresholds.load(encoder.model_id)


def with_debates(split: str) -> list:
    debates = read_debates(DATA / "emergent_debates.toml")
    return read_statements(DATA / "stance_statements.toml", split) + [
        s for debate_split, statements in debates.values() if debate_split == split for s in statements
    ]


def test_clear_statements_take_their_stance_in_each_language(encoder, seeded, thresholds) -> None:
    with (DATA / "clear_statements.toml").open("rb") as handle:
        clear = tomllib.load(handle)
    for language in LANGUAGES:
        stances = list(clear)
        texts = [clear[s][language] for s in stances]
        predicted = predict(seeded, encoder.encode(texts), thresholds, texts, [language] * len(texts))
        wrong = [(s, p) for s, p in zip(stances, predicted) if p is not None and p != s]
        assert not wrong, f"{language}: assigned to the wrong stance: {wrong}"
        assert sum(p == s for s, p in zip(stances, predicted)) >= len(stances) - 1, (language, predicted)


def test_held_out_accuracy_stays_above_the_floors(encoder, seeded, thresholds) -> None:
    statements = with_debates("evaluation")
    predicted = predict(seeded, encoder.encode([s.text for s in statements]), thresholds,
                        [s.text for s in statements], [s.language for s in statements])
    accuracy = accuracy_by_language(predicted, statements)
    assert set(accuracy) == {"all", *LANGUAGES}
    for key, floor in FLOORS.items():
        assert accuracy[key] >= floor, f"{key}: accuracy {accuracy[key]:.3f} fell below {floor}"


def test_stored_thresholds_are_those_calibration_finds(encoder, thresholds) -> None:
    statements = with_debates("calibration")
    taxonomy = Taxonomy.load()
    fit = fit_seeded(
        taxonomy, encoder.model_id, embed_prototypes(taxonomy, encoder),
        encoder.encode([s.text for s in statements]), [s.label for s in statements],
    )
    # the least probability, the cue weight and the bias toward "no stance" are fitted on real
    # texts (bench.realtext_stances); the statements fix the classifier's regularisation
    assert fit.regularisation == thresholds.regularisation


def test_factual_news_stays_unassigned(encoder, seeded, thresholds) -> None:
    facts = [
        "The model can be downloaded from Hugging Face from today.",
        "Le modèle compte 32 milliards de paramètres.",
        "该公司周四发布了新模型。",
    ]
    assert predict(seeded, encoder.encode(facts), thresholds, facts, ["en", "fr", "zh"]) == [None, None, None]


@pytest.mark.parametrize(
    ("text", "language", "stance_polarity", "expected"),
    [
        ("Open models are a real opportunity for innovation.", "en", None, "supportive"),
        ("Les modèles ouverts posent un risque de surveillance et de censure.", "fr", "neutral", "critical"),
        ("芯片出口管制下，中国企业转向开源。", "zh", "neutral", "neutral"),
        ("One risk aside, open models bring innovation to students.", "en", "supportive", "supportive"),
        ("Les craintes d'espionnage et les risques de portes dérobées inquiètent.", "fr", "supportive", "critical"),
        ("有人担心，但开源带来创新、透明、普惠和机遇。", "zh", "critical", "supportive"),
    ],
)
def test_polarity_follows_the_stance_unless_cues_clearly_disagree(
    text: str, language: str, stance_polarity: str | None, expected: str
) -> None:
    assert passage_polarity(text, language, Topic.load(), stance_polarity) == expected

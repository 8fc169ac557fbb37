"""Which texts a change of the knowledge base can reach, against what the matcher links."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.languages import registry
from nlp.entities import EntityMatcher, KnowledgeBase
from nlp.entities.changes import RUN, KnowledgeChange
from nlp.entities.focus import SHORT
from nlp.entities.kb import DEFAULT_PATH
from nlp.entities.patterns import alias_pieces

PACKAGED = DEFAULT_PATH.read_text(encoding="utf-8")
ADDITION = (Path(__file__).parents[1] / "pipeline" / "data" / "steps" / "kb_addition.toml").read_text(encoding="utf-8")
MOVED = 'id = "llama"\nkind = "model"\nname = "Llama"\nparent = "meta"'


def edited(*replacements: tuple[str, str], addition: str = "") -> KnowledgeBase:
    text = PACKAGED
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    return KnowledgeBase.parse(text + addition)


@pytest.fixture(scope="module")
def packaged() -> KnowledgeBase:
    return KnowledgeBase.parse(PACKAGED)


def test_a_change_of_nothing_the_matcher_reads_is_empty(packaged):
    change = KnowledgeChange(packaged, KnowledgeBase.parse("# a new comment\n" + PACKAGED))
    assert change.empty and not change.reaches("DeepSeek and Commerce Department", "en")


def test_an_added_alias_reaches_texts_holding_it_or_a_misspelling_of_it(packaged):
    change = KnowledgeChange(packaged, edited(addition=ADDITION))
    assert not change.entities - {"us-commerce-department"}
    reaches = change.reaches
    assert reaches("Rules from the Commerce Department tighten exports.", "en")
    assert reaches("Le commerce de puces est visé.", "fr")  # its first word: the focus keeps the paragraph
    assert reaches("The Comerce Departmnet said so.", "en")  # two edits: the fuzzy linker could link it
    assert reaches("Ｃｏｍｍｅｒｃｅ　Ｄｅｐａｒｔｍｅｎｔ", "en")  # full width, as the fuzzy linker reads it
    assert not reaches("DeepSeek released a model; Meta answered with Llama 4.", "en")
    assert not reaches("深度求索发布了新模型。", "zh")
    assert not reaches("The Commerce Department again.", "xx")  # a language nothing links in


def test_an_alias_of_one_language_reaches_only_texts_of_languages_that_search_it(packaged):
    change = KnowledgeChange(packaged, edited(('zh = ["深度求索", "杭州深度求索", "深度求索人工智能"]',
                                               'zh = ["深度求索", "杭州深度求索", "深度求索人工智能", "幻方深度"]')))
    assert change.reaches("幻方深度今天发布。", "zh")
    assert not change.reaches("幻方 est cité en chinois.", "fr")  # French text does not search zh aliases
    assert change.reaches("幻方深度 est cité en chinois.", "fr")  # but discovery knows the name whole


def test_a_removed_alias_reaches_texts_holding_it(packaged):
    change = KnowledgeChange(packaged, edited(('"DeepSeek AI", ', "")))
    assert change.reaches("A statement by DeepSeek AI on Monday.", "en")
    assert not change.reaches("Mistral AI shipped a model.", "en")


def test_a_model_moved_to_another_lab_reaches_texts_that_name_it_or_its_descendants(packaged):
    change = KnowledgeChange(packaged, edited((MOVED, MOVED.replace('parent = "meta"', 'parent = "mistral-ai"'))))
    assert "llama" in change.entities and "llama-3.1" in change.entities
    assert change.reaches("Llama 3.1 is out.", "en")
    assert change.reaches("a misspelt name only", "en", linked={"llama-3.1"})  # its stored mentions name it
    assert not change.reaches("DeepSeek-V3 is out.", "en", linked={"deepseek-v3"})


@pytest.fixture(scope="module")
def matchers(tmp_path_factory, packaged):
    """Matchers over the packaged knowledge base and over one with an alias added, one
    removed and a model family moved to another lab."""
    changed = edited(('"DeepSeek AI", ', ""), (MOVED, MOVED.replace('parent = "meta"', 'parent = "mistral-ai"')),
                     addition=ADDITION)
    cache = tmp_path_factory.mktemp("cache")
    return EntityMatcher(packaged, cache_dir=cache), EntityMatcher(changed, cache_dir=cache), \
        KnowledgeChange(packaged, changed)


TEXTS = [
    ("en", "The Commerce Department named DeepSeek AI and Meta's Llama 3.1 in its rules."),
    ("en", "Comerce Departmnet officials spoke. Mistral answered with Mistral Large."),
    ("en", "Qwen2.5-Max beats DeepSeek-V3, Alibaba said."),
    ("fr", "Le département du Commerce vise DeepSeek AI ; Llama 3 reste ouvert."),
    ("fr", "Mistral AI publie Mistral Small 3 sous licence Apache."),
    ("zh", "深度求索发布DeepSeek-V3，Meta的Llama 3.1也开源了。"),
    ("zh", "阿里巴巴发布通义千问Qwen2.5。"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("language", "text"), TEXTS)
def test_a_text_the_change_does_not_reach_links_as_before(matchers, language, text):
    before, after, change = matchers
    old, new = before.analyse(text, language), after.analyse(text, language)
    linked = {m.entity_id for m in old.mentions}
    if old != new:
        assert change.reaches(text, language, linked)
    if not change.reaches(text, language, linked):
        assert old == new


@pytest.mark.slow
def test_the_start_looked_for_lies_in_the_first_piece_the_matcher_cuts(matchers):
    """What ``reaches`` looks for must lie in the first piece of every alias as each language's
    tokenizer cuts it: the focus and the ruler start there."""
    _, matcher, change = matchers
    for language in registry().analysed:
        spec = registry()[language]
        tokenize = matcher.pipeline(language).make_doc
        jieba = spec.segmenter.words == "jieba"
        for alias in matcher.kb.aliases_in(spec.alias_languages):
            pieces = [piece.lower() for piece in
                      alias_pieces(alias.alias, lambda text, cut=tokenize: [token.text for token in cut(text)])]
            described = KnowledgeChange.describe(alias)
            if described.han:
                assert (described.han if jieba else described.han[0]) in pieces[0], (language, alias.alias, pieces)
            elif jieba and not "".join(described.runs).isascii():
                assert pieces[0].startswith(described.ascii_start), (language, alias.alias, pieces)
            else:  # every run looked for is a whole run of the focus's key (the first piece, or the first two)
                key = pieces[:2] if len(pieces[0]) < SHORT else pieces[:1]
                runs = {run for piece in key for run in RUN.findall(piece)}
                assert set(described.runs) <= runs, (language, alias.alias, pieces)

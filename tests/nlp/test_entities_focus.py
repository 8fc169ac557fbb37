"""Entity matching reads only the paragraphs of a long text that can hold a name."""

from __future__ import annotations


import pytest

from nlp.entities import EntityMatcher, KnowledgeBase
from nlp.entities.focus import READ_WHOLE_BELOW, Focus

FILLER = {
    "en": "The council met on Tuesday to discuss the new bus timetable and the price of parking downtown.",
    "fr": "Le conseil municipal s'est réuni mardi pour parler des horaires de bus et du prix du stationnement.",
    "zh": "市议会周二开会讨论新的公交时刻表以及市中心停车的价格问题，居民代表也参加了会议。",
}


def long_text(language: str, paragraphs: dict[int, str], total: int = 40) -> str:
    """``total`` filler paragraphs, with the given ones in their places."""
    return "\n".join(paragraphs.get(index, FILLER[language]) for index in range(total))


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> EntityMatcher:
    return EntityMatcher(KnowledgeBase.load(), cache_dir=tmp_path_factory.mktemp("cache"))


def test_keeps_the_paragraphs_with_a_name_or_a_cue():
    focus = Focus([["Qwen", "2.5"], ["Le", "Chat"], ["通义千问"]], ["open source"])
    text = "\n".join([
        "Alibaba released Qwen2.5 today.",          # a name's first piece, as a word before its version
        "Nothing to see here.",
        "Mistral's Le Chat is a chatbot.",          # a short first piece, searched with the next one
        "Le chien dort sur le tapis.",              # "le" alone is no name
        "阿里巴巴发布通义千问新版本。",                 # Han: no word boundaries
        "Qwenlong is a different word.",            # the piece inside a longer word
        "They chose an open-source licence.",       # a cue, hyphen or space
    ])
    lines = text.split("\n")
    kept = [text[start:end] for start, end in focus.paragraphs(text)]
    assert kept == [lines[0], lines[2], lines[4], lines[6]]


@pytest.mark.parametrize("language, paragraph, entity", [
    ("en", "Meanwhile DeepSeek published the weights of DeepSeek-V3 under the MIT licence.", "deepseek-v3"),
    ("fr", "Pendant ce temps, Mistral AI a publié les poids de Mistral Large sous licence ouverte.", "mistral-large"),
    ("zh", "与此同时，深度求索以MIT许可证开源了DeepSeek-V3的模型权重。", "deepseek-v3"),
])
def test_a_name_deep_in_a_long_text_is_found_at_its_place(matcher, language, paragraph, entity):
    text = long_text(language, {31: paragraph})
    assert len(text) >= READ_WHOLE_BELOW
    findings = matcher.analyse(text, language)
    assert entity in {m.entity_id for m in findings.mentions}
    for mention in findings.mentions:
        assert text[mention.start_char:mention.end_char] == mention.surface
        assert mention.sentence in paragraph


def test_a_long_text_with_no_name_and_no_cue_is_not_tokenized(matcher):
    text = long_text("en", {})
    assert matcher.analyse(text, "en").mentions == []
    assert Focus([["DeepSeek"]], ["model"]).focus(text) is None


def test_the_context_of_an_ambiguous_name_is_kept_with_it(matcher):
    """"Mistral" needs an AI cue near it: in a long weather story it stays a wind."""
    wind = long_text("fr", {12: "Le mistral souffle fort sur la vallée du Rhône depuis lundi."}, total=30)
    lab = long_text("fr", {12: "La start-up Mistral publie un nouveau modèle de langage en open source."}, total=30)
    assert "mistral-ai" not in {m.entity_id for m in matcher.find(wind, "fr")}
    assert "mistral-ai" in {m.entity_id for m in matcher.find(lab, "fr")}


def test_a_phrase_pattern_is_compiled_only_when_its_first_word_comes() -> None:
    focus = Focus([["Le", "Chat"], ["Mistral"]], ["mistral.ai"])
    assert focus._compiled == {}
    assert focus.paragraphs("Nothing here.\nThe weather.") == []
    assert focus._compiled == {}
    assert focus.paragraphs("Nothing here.\nLe Chat answered.\nSee mistral.ai today.") == [(14, 31), (32, 53)]
    # "mistral" is a name of its own: its paragraph is kept before the phrase "mistral.ai" is tried
    assert set(focus._phrases) == {"le", "mistral"} and set(focus._compiled) == {"le"}

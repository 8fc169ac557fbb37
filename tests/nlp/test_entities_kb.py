"""The knowledge base: the packaged data and the checks that refuse bad files."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from nlp.entities import KnowledgeBase, KnowledgeBaseError
from nlp.entities.kb import alias_key


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return KnowledgeBase.load()


def test_packaged_kb_has_enough_labs_and_models(kb: KnowledgeBase) -> None:
    kinds = [entity.kind for entity in kb.entities.values()]
    assert kinds.count("lab") >= 60
    assert kinds.count("model") >= 200


def test_every_model_reaches_a_lab(kb: KnowledgeBase) -> None:
    assert all(kb.lab_of(e.entity_id).kind == "lab" for e in kb.entities.values())


def test_labs_have_countries_from_several_regions(kb: KnowledgeBase) -> None:
    countries = {e.country for e in kb.entities.values() if e.kind == "lab"}
    assert {"US", "CN", "FR", "DE", "GB", "KR", "JP", "AE", "CA", "IN"} <= countries


@pytest.mark.parametrize(
    "entity_id",
    [
        "deepseek", "deepseek-v3.2", "deepseek-r1-0528", "deepseek-vl2", "janus-pro", "moonshot", "kimi-k1.5",
        "kimi-k2-thinking", "zhipu", "glm-4.6", "chatglm", "cogvlm", "qwen2.5-max", "qwen3-coder", "qwen3.5", "qwq",
        "ernie-4.5", "ernie-x1", "hunyuan", "doubao", "seed-oss", "nemotron", "llama-4-behemoth", "mixtral-8x22b",
        "mistral-small-3.1", "magistral", "devstral", "le-chat", "gpt-oss-120b", "o4-mini", "claude-3.5-sonnet",
        "gemini-3", "gemma-3n", "minimax-m1", "hailuo", "yi", "baichuan", "step", "spark", "sensenova", "pangu",
        "mimo", "r1-1776", "smollm", "bloom", "olmo", "tulu", "molmo", "phi-4", "grok-1", "command-r", "aya",
        "granite", "openelm", "nova", "stable-diffusion", "flux", "gpt-j", "falcon", "dbrx", "snowflake-arctic",
        "jamba", "reka", "moshi", "h-company", "lighton", "pharia", "sakana-ai", "exaone", "hyperclova-x", "solar",
        "sarvam", "jais", "internlm", "bge", "kling", "longcat", "ling", "jd", "dots-llm", "infinigence", "xgen",
        "redpajama", "hermes", "lfm", "reflection-ai", "thinking-machines", "ssi", "inflection",
    ],
)
def test_required_entities_exist(kb: KnowledgeBase, entity_id: str) -> None:
    assert entity_id in kb.entities


@pytest.mark.parametrize(
    ("alias", "entity_id", "language"),
    [
        ("深度求索", "deepseek", "zh"),
        ("輝達", "nvidia", "zh_hant"),
        ("英伟达", "nvidia", "zh"),
        ("通义千问", "qwen", "zh"),
        ("通義千問", "qwen", "zh_hant"),
        ("月之暗面", "moonshot", "zh"),
        ("Z.ai", "zhipu", "mul"),
        ("文心一言", "ernie", "zh"),
    ],
)
def test_aliases_in_each_script(kb: KnowledgeBase, alias: str, entity_id: str, language: str) -> None:
    assert any(a.alias == alias and a.entity_id == entity_id and a.language == language for a in kb.aliases)


def test_canonical_name_is_always_an_alias(kb: KnowledgeBase) -> None:
    keys = {(a.entity_id, alias_key(a.alias)) for a in kb.aliases}
    assert all((e.entity_id, alias_key(e.name)) in keys for e in kb.entities.values())


def test_families_have_readable_names(kb: KnowledgeBase) -> None:
    """A family is not named by the prefix its models share ("DeepSeek-V"), which reads like
    a cut-off model name in reports; the prefix stays an alias, so "DeepSeek-V4" still links."""
    prefixes = [
        family.name
        for family in kb.entities.values()
        for model in kb.entities.values()
        if model.parent_id == family.entity_id
        and re.search(r"-[A-Z]$", family.name)
        and re.match(re.escape(family.name) + r"\d", model.name)
    ]
    assert prefixes == []
    assert kb.entities["deepseek-v"].name == "DeepSeek V series"
    assert any(a.entity_id == "deepseek-v" and a.alias == "DeepSeek-V" for a in kb.aliases)


def test_ancestors_go_from_model_to_family_to_lab(kb: KnowledgeBase) -> None:
    assert [e.entity_id for e in kb.ancestors("qwen2.5-max")] == ["qwen-max", "qwen", "alibaba"]
    assert kb.ancestors("alibaba") == []
    assert kb.lab_of("llama-4-scout").entity_id == "meta"


@pytest.mark.parametrize(
    ("alias", "entity_id", "needs_context"),
    [
        ("Llama", "llama", True),
        ("Llama 3", "llama-3", False),
        ("Mistral", "mistral-ai", True),
        ("Mistral AI", "mistral-ai", False),
        ("Claude", "claude", True),
        ("Le Chat", "le-chat", True),
        ("星火", "spark", True),
        ("讯飞星火", "spark", False),
        ("DeepSeek", "deepseek", False),
    ],
)
def test_ambiguous_aliases(kb: KnowledgeBase, alias: str, entity_id: str, needs_context: bool) -> None:
    (found,) = [a for a in kb.aliases if a.alias == alias and a.entity_id == entity_id]
    assert kb.needs_context(found) is needs_context


def test_importing_the_package_does_not_load_spacy() -> None:
    code = "import sys, nlp.entities; print('spacy' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


# -- validation ---------------------------------------------------------------------------------

LAB = """
[[entity]]
id = "acme"
kind = "lab"
name = "Acme AI"
country = "US"
"""


def _load(tmp_path: Path, text: str) -> KnowledgeBase:
    path = tmp_path / "kb.toml"
    path.write_text(text, encoding="utf-8")
    return KnowledgeBase.load(path)


def _problems(tmp_path: Path, text: str) -> str:
    with pytest.raises(KnowledgeBaseError) as raised:
        _load(tmp_path, text)
    return str(raised.value)


def test_a_small_valid_file_loads(tmp_path: Path) -> None:
    kb = _load(
        tmp_path,
        LAB + '[entity.aliases]\nzh = ["阿克美"]\n\n[[entity]]\nid = "rocket"\nkind = "model"\nname = "Rocket"\n'
        'parent = "acme"\nopenness = "open_weights"\nlicense = "MIT"\n',
    )
    assert kb.entities["rocket"].parent_id == "acme"
    assert {(a.alias, a.language) for a in kb.aliases} == {("Acme AI", "mul"), ("阿克美", "zh"), ("Rocket", "mul")}


def test_duplicate_id(tmp_path: Path) -> None:
    assert "duplicate id 'acme'" in _problems(tmp_path, LAB + LAB.replace("Acme AI", "Acme Two"))


def test_alias_collision_names_both_entities(tmp_path: Path) -> None:
    other = '\n[[entity]]\nid = "zenith"\nkind = "lab"\nname = "Zenith"\n[entity.aliases]\nen = ["ACME  ai"]\n'
    message = _problems(tmp_path, LAB + other)
    assert "'ACME  ai'" in message and "'zenith'" in message and "'Acme AI'" in message and "'acme'" in message


def test_unknown_parent(tmp_path: Path) -> None:
    model = '\n[[entity]]\nid = "rocket"\nkind = "model"\nname = "Rocket"\nparent = "nobody"\n'
    assert "entity 'rocket': unknown parent 'nobody'" in _problems(tmp_path, LAB + model)


def test_model_without_parent_and_lab_with_parent(tmp_path: Path) -> None:
    model = '\n[[entity]]\nid = "rocket"\nkind = "model"\nname = "Rocket"\n'
    text = LAB.replace('country = "US"', 'parent = "rocket"') + model
    message = _problems(tmp_path, text)
    assert "entity 'acme': a lab has no parent" in message
    assert "entity 'rocket': a model needs a parent" in message


def test_parent_cycle(tmp_path: Path) -> None:
    models = "".join(
        f'\n[[entity]]\nid = "{me}"\nkind = "model"\nname = "{me.title()}"\nparent = "{parent}"\n'
        for me, parent in [("alpha", "beta"), ("beta", "alpha")]
    )
    assert "parent cycle: alpha -> beta -> alpha" in _problems(tmp_path, LAB + models)


def test_unknown_kind_openness_key_and_language_are_all_reported(tmp_path: Path) -> None:
    text = (
        '[[entity]]\nid = "odd"\nkind = "company"\nname = "Odd"\nopenness = "semi"\nwebsite = "x"\n'
        '[entity.aliases]\nde = ["Seltsam"]\n'
    )
    message = _problems(tmp_path, text)
    assert "4 problem(s)" in message
    assert "kind 'company'" in message and "openness 'semi'" in message
    assert "unknown key 'website'" in message and "alias language 'de'" in message


def test_ambiguous_aliases_must_be_aliases(tmp_path: Path) -> None:
    text = LAB + 'ambiguous = true\nambiguous_aliases = ["Acme", "Acme AI"]\n'
    assert "ambiguous alias 'Acme' is not one of its aliases" in _problems(tmp_path, text)


def test_not_toml(tmp_path: Path) -> None:
    assert "not valid TOML" in _problems(tmp_path, "[[entity]\n")

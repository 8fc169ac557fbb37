"""The steps of processing, each with its own version: the version of its code and a
fingerprint of the data it reads.

``extract`` (extraction, language and date) → ``link`` (entity linking) → ``relevance``
→ ``passages`` (stance passages and their embeddings) → ``stances`` (the cluster stage's
seeded assignment). A page's record of a step says at which version it was done; a step
reruns where that version changed, and so does every step after it, since each reads
the stored output of the ones before. The fingerprints take only the tables of the
language files that a step reads, so a new alias re-links without re-extracting and a
passage rule redoes passages without re-linking.

The knowledge base is left out of the versions: linking records which knowledge base
it read by its own fingerprint (``current_knowledge``), and a change of it is diffed
(``pipeline.plan``) so that only the articles it can reach are linked again.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nlp import STEP_CODE
from core.languages import registry, use_extra

STEPS = ("extract", "link", "relevance", "passages", "stances")
PROCESS_STEPS = STEPS[:4]
"""The steps ``veille process`` runs; ``stances`` is the cluster stage's."""

_LANGUAGE_TABLES = {
    # Which parts of each language file a step reads; "*" is everything but the tables named
    # for later steps (the file's name, scripts, segmenter, dates, extraction rules ...).
    "extract": ("*",),
    "link": ("segmenter", "stopwords", "entities"),
    "relevance": ("topic",),
    "passages": ("segmenter", "passages", "topic", "stance_cues"),
    "stances": ("stance_cues",),
}
_LATER_TABLES = {"passages", "topic", "stance_cues", "entities"}


def _data_files(step: str) -> tuple[Path, ...]:
    """The data files a step reads (looked up when asked: each module names its own)."""
    from nlp import relevance, topic
    from nlp.entities import kb
    from nlp.stances import seeded, taxonomy

    cues = Path(kb.__file__).with_name("cues.toml")
    return {
        "extract": (),
        "link": (cues,),
        "relevance": (topic.DEFAULT_PATH, relevance.DEFAULT_PATH),
        "passages": (topic.DEFAULT_PATH,),
        "stances": (taxonomy.DEFAULT_PATH, seeded.THRESHOLDS_PATH, topic.DEFAULT_PATH),
    }[step]


@dataclass(frozen=True)
class StepInputs:
    """What the steps read besides packaged files: settings of the configuration."""

    embedding_model: str  # the encoder's model id
    spacy_models: Mapping[str, str]
    relevance_threshold: float
    body_xpaths: Mapping[str, str]


def current_versions(settings) -> dict[str, str]:
    """The steps' versions under ``settings`` (an ``AnalyserSettings``)."""
    from nlp.embeddings import encoder_id

    use_extra(*settings.language_folders)
    return step_versions(StepInputs(encoder_id(settings.embedding, settings.cache_dir), settings.spacy_models,
                                    settings.relevance_threshold, settings.body_xpaths))


def step_versions(inputs: StepInputs) -> dict[str, str]:
    """Each step's version: ``<code version>+<fingerprint of what it reads>``."""
    languages = {language.code: _read_language(language.source) for language in registry()}
    settings: dict[str, Any] = {
        "extract": {"body_xpaths": dict(sorted(inputs.body_xpaths.items()))},
        "link": {"spacy": dict(sorted(inputs.spacy_models.items())), "analysed": registry().analysed},
        "relevance": {"model": inputs.embedding_model, "threshold": inputs.relevance_threshold},
        "passages": {"model": inputs.embedding_model, "taxonomy_cues": _taxonomy_cues()},
        "stances": {"model": inputs.embedding_model},
    }
    versions = {}
    for step in STEPS:
        digest = hashlib.sha1(json.dumps(settings[step], sort_keys=True, default=str).encode())
        for path in _data_files(step):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
        for code, data in sorted(languages.items()):
            digest.update(code.encode() + b"\0" + _tables(data, _LANGUAGE_TABLES[step]).encode())
        versions[step] = f"{STEP_CODE[step]}+{digest.hexdigest()[:10]}"
    return versions


def current_knowledge() -> tuple[str, str]:
    """The fingerprint and the text of the knowledge base linking reads (``kb.toml``)."""
    from nlp.entities import kb

    content = kb.DEFAULT_PATH.read_text(encoding="utf-8")
    return hashlib.sha1(content.encode()).hexdigest()[:12], content


def _read_language(path) -> dict[str, Any]:
    with open(path, "rb") as handle:
        return tomllib.load(handle)


def _tables(data: Mapping[str, Any], names: Iterable[str]) -> str:
    names = tuple(names)
    if names == ("*",):
        chosen = {key: value for key, value in data.items() if key not in _LATER_TABLES}
    else:
        chosen = {key: data.get(key) for key in names}
    return json.dumps(chosen, sort_keys=True, default=str)


def _taxonomy_cues() -> dict[str, list[str]]:
    """The taxonomy's cues per language: what passages read of the taxonomy (a new stance
    without cues leaves passages as they are and only reassigns them)."""
    from nlp.stances.taxonomy import Taxonomy

    taxonomy = Taxonomy.load()
    return {language: sorted({cue for stance in taxonomy.stances for cue in stance.cues.get(language, ())})
            for language in registry().analysed}

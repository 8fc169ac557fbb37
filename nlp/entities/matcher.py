"""Find the labs and models of the knowledge base in the text of every analysed language.

One reduced spaCy pipeline per language, loaded on first use: the language's tokenizer
(its ``[segmenter]`` in the language registry: a spaCy package, or spaCy's blank language,
with jieba for Chinese) cut into pieces, a sentencizer, and a SpanRuler for the aliases of
the knowledge base. The ruler takes an alias's phrase patterns when a text first holds, as
a string, the first token of one of them: a pattern can match no text without it, and a
run that links a few texts (after an alias is added) compiles a few hundred patterns
instead of some 5,000. Its matches then pass the case and context rules (context.py),
the longest wins where they overlap, and capitalised words left over are tried against
the aliases with a small edit distance (fuzzy.py). In Chinese, sentences with a model
cue also go through a Chinese NER (chinese_ner.py), whose names are tried against the
Chinese aliases. What is left that looks like a new model's name is collected for a
curator (discovery.py).

Each mention says how it was found: ``ruler`` (a knowledge-base alias as written),
``fuzzy`` (a misspelt alias) or ``ner`` (a Chinese NER name linked to an alias).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

import ahocorasick
import numpy as np

from .context import Candidate, ContextJudge, case_fits, load_cues
from .discovery import CandidateName, Discoverer, load_discovery_cues
from .focus import Focus, Focused
from .fuzzy import FuzzyLinker
from .kb import Alias, KnowledgeBase, alias_key
from .patterns import HYPHEN, WORDS, alias_pieces, compile_patterns, version_end
from .pieces import CutTable, KnownTokens, cuts_key
from core.languages import registry
from nlp.segmentation import UNSPACED, default_cache_dir

from .installed import ModelNotInstalledError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.pipeline import SpanRuler
    from spacy.tokens import Doc

__all__ = ["CandidateName", "EntityMatcher", "Findings", "Mention", "ModelNotInstalledError"]

SPANS_KEY = "kb_aliases"
ZONE_TEXTS = 400
"""Texts matched before the words they added to the vocabulary are forgotten.

Every new word stays in a spaCy vocabulary for good, so a matcher that reads
night after night would grow without end; forgetting after every text would
make it rebuild even "the" each time.
"""
_UNSPACED = re.compile(UNSPACED)


@dataclass(frozen=True)
class Mention:
    entity_id: str
    surface: str
    start_char: int
    end_char: int
    method: str  # "ruler" | "fuzzy" | "ner"
    score: float
    sentence: str = ""


@dataclass(frozen=True)
class Findings:
    """What one text holds: linked mentions, and names that look like models the knowledge base lacks."""

    mentions: list[Mention]
    candidates: list[CandidateName]


class EntityMatcher:
    """Links mentions of labs and models; ``models`` overrides the spaCy package per language
    (the registry's ``[segmenter] spacy`` by default). The alias languages searched in a
    language's text are its ``[entities] aliases``: the press quotes English names everywhere."""

    def __init__(
        self,
        kb: KnowledgeBase,
        models: Mapping[str, str] | None = None,
        cache_dir: Path | None = None,
        chinese_ner: bool = True,
        threads: int | None = None,
    ):
        self.kb = kb
        self.threads = threads
        self.models = dict(models or {})
        self.cache_dir = cache_dir or default_cache_dir()
        self.chinese_ner = chinese_ner
        self._matchers: dict[str, _LanguageMatcher] = {}
        self._foci: dict[str, Focus] = {}
        self._cuts: dict[str, CutTable] = {}

    def find(self, text: str, language: str) -> list[Mention]:
        return self.analyse(text, language).mentions

    def find_many(self, texts: Sequence[str], language: str, batch_size: int = 64) -> list[list[Mention]]:
        """Mentions in each text, in text order; an unsupported language gives no mentions."""
        return [findings.mentions for findings in self.analyse_many(texts, language, batch_size)]

    def analyse(self, text: str, language: str) -> Findings:
        return self.analyse_many([text], language)[0]

    def analyse_many(self, texts: Sequence[str], language: str, batch_size: int = 64) -> list[Findings]:
        """Mentions and candidate names in each text, in text order; an unsupported language gives none."""
        if language not in registry().analysed:
            return [Findings([], []) for _ in texts]
        results = [Findings([], []) for _ in texts]
        focus = self._focus(language)
        focused = [(index, kept) for index, text in enumerate(texts) if (kept := focus.focus(text))]
        if not focused:  # no name and no cue: spaCy and the pipeline need not even be loaded
            return results
        matcher = self._matcher(language)
        kept_texts = [kept.text for _, kept in focused]
        matcher.take_patterns(kept_texts)
        with matcher.vocabulary_zone(len(focused)):
            docs = matcher.nlp.pipe(kept_texts, batch_size=batch_size, disable=matcher.idle)
            for (index, kept), doc in zip(focused, docs):
                results[index] = _in_original(matcher.findings(doc, kept.text), kept)
        return results

    def pipeline(self, language: str) -> Language:
        """The spaCy pipeline used for a language (loaded on first use).

        Its vocabulary is kept in a memory zone between calls to ``analyse_many``:
        Docs made with it outside those calls may be invalidated by a later one. Its
        ruler holds only the patterns that the texts given to ``analyse_many`` called for.
        """
        return self._matcher(language).nlp

    def loaded(self, language: str) -> bool:
        """Whether the language's pipeline is loaded."""
        return language in self._matchers

    def package(self, language: str) -> str | None:
        """The spaCy package (or folder) that cuts the language's words; None for spaCy's blank language."""
        return self.models.get(language) or registry()[language].segmenter.spacy

    def _focus(self, language: str) -> Focus:
        """The paragraph focus, from the names' pieces kept on disk when they are there."""
        if language in self._matchers:
            return self._matchers[language].focus
        if language not in self._foci:
            aliases = self.kb.aliases_in(registry()[language].alias_languages)
            pieces = self._cut_table(language).pieces_of([alias.alias for alias in aliases])
            if pieces is None:
                return self._matcher(language).focus
            self._foci[language] = Focus(pieces, load_discovery_cues().words[language])
        return self._foci[language]

    def _cut_table(self, language: str) -> CutTable:
        if language not in self._cuts:
            self._cuts[language] = CutTable(self.cache_dir, cuts_key(language, self.package(language)))
        return self._cuts[language]

    def _matcher(self, language: str) -> _LanguageMatcher:
        if language not in self._matchers:
            from .pipelines import blank_pipeline, load_tokenizing_pipeline

            spec = registry()[language]
            aliases = self.kb.aliases_in(spec.alias_languages)
            if package := self.package(language):
                nlp = load_tokenizing_pipeline(package, self.cache_dir)
            else:
                jieba = spec.segmenter.words == "jieba"
                words = {a.alias for a in aliases if _UNSPACED.search(a.alias) and " " not in a.alias} if jieba else ()
                nlp = blank_pipeline(spec.spacy_language, self.cache_dir, sorted(words), jieba=jieba)
            ner = None
            if spec.entities.get("ner") == "chinese" and self.chinese_ner:
                from .chinese_ner import ChineseNer

                ner = ChineseNer(threads=self.threads)
            cuts = self._cut_table(language)
            self._matchers[language] = _LanguageMatcher(self.kb, language, nlp, aliases, ner, cuts)
            cuts.save()
        return self._matchers[language]


def _folded(text: str) -> str:
    """Lower case as a token's LOWER attribute has it, the final sigma made plain: the only
    letter whose lower case a word's end decides, which a text and its tokens may see apart."""
    return text.lower().replace("ς", "σ")


def _in_original(findings: Findings, kept: Focused) -> Findings:
    """Findings in the kept paragraphs, with offsets into the whole text."""

    def moved(found):
        start = kept.original(found.start_char)
        return replace(found, start_char=start, end_char=start + found.end_char - found.start_char)

    return Findings([moved(m) for m in findings.mentions], [moved(c) for c in findings.candidates])


class _LanguageMatcher:
    def __init__(self, kb: KnowledgeBase, language: str, nlp: Language, aliases: list[Alias], ner,
                 cuts: CutTable):
        """``cuts``: the names and phrase-pattern texts ``nlp`` has cut before (kept on disk),
        topped up here with those it lacks."""
        self.kb = kb
        self.ner = ner
        self.nlp = nlp
        self.aliases = aliases

        def tokenize(text: str) -> list[str]:
            return [token.text for token in nlp.make_doc(text)]

        # Words the pipeline knew before it met any text: what fuzzy matching must leave alone.
        vocabulary = frozenset(word.lower() for word in nlp.vocab.strings)
        # Flags spaCy sets once per vocabulary entry, then reads for a whole document at once.
        self.capital = nlp.vocab.add_flag(lambda word: word[:1].isupper())
        self.number = nlp.vocab.add_flag(lambda word: word[:1].isdigit())
        self.ruler = cast("SpanRuler", nlp.add_pipe(  # add_pipe is declared to return any pipe
            "span_ruler",
            first=True,
            config={"spans_key": SPANS_KEY, "phrase_matcher_attr": "LOWER", "validate": False},
        ))
        self.cuts = cuts
        known = cuts.pieces
        for alias in aliases:
            if alias.alias not in known:
                known[alias.alias] = alias_pieces(alias.alias, tokenize)
        self.pieces = [known[alias.alias] for alias in aliases]
        # The ruler tokenizes each pattern text it takes: answered from the cuts kept on disk.
        self._tokens = KnownTokens(nlp.tokenizer, nlp.vocab, cuts.patterns)
        self._waiting: dict[str, list[dict]] = defaultdict(list)
        """The patterns not given to the ruler yet, by their first token (``_folded``)."""
        for pattern in compile_patterns(aliases, self.pieces):
            self._waiting[_folded(self._tokens.cut(pattern["pattern"])[0][0])].append(pattern)
        self._firsts = ahocorasick.Automaton()
        for first in self._waiting:
            self._firsts.add_word(first, first)
        if self._waiting:
            self._firsts.make_automaton()
        cues = load_cues()
        self.judge = ContextJudge(kb, cues, language, tokenize)
        ambiguous = {alias for alias in aliases if kb.needs_context(alias)}
        self.versionable = {e.entity_id for e in kb.entities.values() if e.kind == "model"}
        self.fuzzy = FuzzyLinker(aliases, ambiguous, nlp.Defaults.stop_words, vocabulary)
        discovery_cues = load_discovery_cues()
        self._zone: AbstractContextManager[object] | None = None
        self._zone_texts = 0
        self.focus = Focus(self.pieces, discovery_cues.words[language])
        self.discoverer = Discoverer(
            discovery_cues, language, tokenize, {alias_key(a.alias) for a in kb.aliases},
            cues.tiers, nlp.Defaults.stop_words,
        )

    @property
    def idle(self) -> tuple[str, ...]:
        """The pipes to leave out: the ruler while it holds no pattern (spaCy warns, and it finds nothing)."""
        return () if len(self.ruler) else ("span_ruler",)

    def take_patterns(self, texts: Sequence[str]) -> None:
        """Give the ruler the patterns whose first token one of ``texts`` holds as a string, before
        they are tokenized: the tokens' texts are strings of the text once its spaces and hyphens
        are made plain (``pipelines``), so no other pattern can match in them."""
        if not self._waiting:
            return
        from .pipelines import plain

        held = {first for text in texts for _, first in self._firsts.iter(_folded(plain(text)))
                if first in self._waiting}
        if not held:
            return
        patterns = [pattern for first in sorted(held) for pattern in self._waiting.pop(first)]
        # Taken inside the vocabulary zone, whose strings are forgotten when it ends: the ruler's
        # match keys (its label and id as a pair) are looked up again at every match, so they are
        # kept for good. Leaving the zone instead would make the next texts rebuild the vocabulary.
        # (spaCy's type stub for ``add`` predates memory zones.)
        strings = self.nlp.vocab.strings
        for pattern in patterns:
            strings.add(repr((pattern["label"], pattern["id"])), allow_transient=False)  # type: ignore[call-arg]
        self.nlp.tokenizer = self._tokens
        try:
            self.ruler.add_patterns(patterns)
        finally:
            self.nlp.tokenizer = self._tokens.tokenizer

    @contextmanager
    def vocabulary_zone(self, texts: int) -> Iterator[None]:
        """Tokenize inside a spaCy memory zone, renewed every ``ZONE_TEXTS`` texts; no Doc may outlive the block."""
        if self._zone is None:
            self._zone = self.nlp.memory_zone()
            self._zone.__enter__()
        try:
            yield
        finally:
            self._zone_texts += texts
            if self._zone_texts >= ZONE_TEXTS and self._zone is not None:
                zone, self._zone, self._zone_texts = self._zone, None, 0
                zone.__exit__(None, None, None)

    def findings(self, doc: Doc, text: str) -> Findings:
        """Mentions and candidate names in ``doc``, the tokenized ``text`` (surfaces are cut from ``text``)."""
        words: list[str] = doc.user_data[WORDS]
        # Misspelt and new names start with a capital, and new ones end with a number: the only
        # tokens worth visiting, found without a Python loop over every token.
        flags = doc.to_array([self.capital, self.number])
        capitals = np.flatnonzero(flags[:, 0]).tolist()
        numbers = np.flatnonzero(flags[:, 1]).tolist()
        candidates = self._candidates(doc, words)
        accepted = self.judge.keep(doc, words, candidates)
        taken = [False] * len(words)
        mentions = []

        def add(start: int, end: int, entity_id: str, method: str, score: float) -> None:
            taken[start:end] = [True] * (end - start)
            span = doc[start:end]
            sentence = span.sent
            mentions.append(Mention(
                entity_id, text[span.start_char : span.end_char], span.start_char, span.end_char, method, score,
                text[sentence.start_char : sentence.end_char].strip(),
            ))

        for candidate in sorted(accepted, key=self._precedence):
            if not any(taken[candidate.start : candidate.end]):
                add(candidate.start, candidate.end, candidate.entity_id, "ruler", 1.0)
        for match in self.fuzzy.link(words, taken, capitals):
            add(match.start, match.end, match.alias.entity_id, "fuzzy", round(match.score, 3))
        han_names = self._chinese_names(doc, text, words, taken, add) if self.ner is not None else []
        found = self.discoverer.find(doc, text, words, taken, capitals, numbers, han_names)
        return Findings(sorted(mentions, key=lambda m: m.start_char), found)

    def _chinese_names(
        self, doc: Doc, text: str, words: list[str], taken: list[bool], add
    ) -> list[tuple[int, int]]:
        """Names the Chinese NER finds in sentences with a model cue: linked to an alias when
        one is close enough (method "ner"), else returned as token spans for discovery."""
        unlinked = []
        for sentence in self.discoverer.cue_sentences(doc, text, words):
            if all(taken[sentence.start : sentence.end]):
                continue
            for name in self.ner.names(sentence.text, sentence.start_char):
                span = doc.char_span(name.start_char, name.end_char)
                if span is None or any(taken[span.start : span.end]):
                    continue
                linked = self.fuzzy.link_han(span.text)
                if linked is None:
                    unlinked.append((span.start, span.end))
                else:
                    alias, score = linked
                    add(span.start, span.end, alias.entity_id, "ner", round(score, 3))
        return unlinked

    def _candidates(self, doc: Doc, words: list[str]) -> list[Candidate]:
        """One candidate per span and entity, the alias that needs no context preferred;
        a model name without a version also gives a candidate with the version that follows it."""
        best: dict[tuple[int, int, str], Candidate] = {}
        for span in doc.spans.get(SPANS_KEY, ()):
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

"""From one stored page to an article, its mentions, passages and embeddings.

This composes the pure pieces of ``nlp`` and is what each worker of the
process stage runs; it reads nothing from and writes nothing to the
warehouse.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from pathlib import Path

import numpy as np

from crawlers.sources import load_sources
from nlp.charset import decode_html
from nlp.dates import publication_date
from nlp.extraction import Extracted, NoArticle, extract, is_long_enough
from nlp.language import chinese_script, detect_language
from nlp.segmentation import UNSPACED_CHARACTER
from nlp.stories import signature as story_signature
from core.config import Config
from core.languages import registry, use_extra
from warehouse.records import (
    ArticleRecord,
    CandidateRecord,
    EmbeddingRecord,
    MentionRecord,
    PageRecord,
    PassageRecord,
    ProcessedPage,
)
from warehouse.rows import build
from warehouse.store import DOCUMENT_HASH_PREFIX, text_hash

HINTS_BASE_URL = "http://127.0.0.1"
DOCUMENT_CHARACTERS = 800
"""How much of an article (after its title) its document embedding reads."""


class LanguageElsewhere(Exception):
    """A page in a language whose models this analyser has not loaded and another process has."""

    def __init__(self, language: str) -> None:
        super().__init__(language)
        self.language = language


@dataclass(frozen=True)
class AnalyserSettings:
    embedding: str
    cache_dir: Path
    spacy_models: dict[str, str]
    relevance_threshold: float
    threads: int | None = None  # per process, when several share the cores; None: one per core
    body_xpaths: Mapping[str, str] = field(default_factory=dict)  # source name → its registry hint
    language_folders: tuple[Path, ...] = ()  # the configuration's extra language files, for worker processes

    @classmethod
    def from_config(cls, config: Config) -> AnalyserSettings:
        # The hints are keyed by source name: a registry written for a server whose address is
        # known only when it starts (the demo's placeholder) is read with any address.
        sources = load_sources(config.crawl.sources, base_url=HINTS_BASE_URL)
        return cls(
            embedding=config.models.embedding,
            cache_dir=config.models.cache_dir,
            spacy_models=dict(config.models.spacy),
            relevance_threshold=config.process.relevance_threshold,
            body_xpaths={s.name: s.extraction.body_xpath for s in sources.sources if s.extraction.body_xpath},
            language_folders=tuple(config.languages.extra),
        )


def require_models(settings: AnalyserSettings) -> None:
    """Fail now, before any page is read, when a model the settings name is not installed.

    Nothing is loaded: each worker loads the models itself, and a missing one
    would otherwise be found only once the first page is worked on.
    """
    from nlp.embeddings import encoder_id
    from nlp.entities.installed import require_pipeline

    encoder_id(settings.embedding, settings.cache_dir)
    for package in settings.spacy_models.values():
        require_pipeline(package)


class Analyser:
    """Loads the models once; ``analyse`` is then called page after page."""

    def __init__(self, settings: AnalyserSettings, known_hashes: frozenset[str] = frozenset()) -> None:
        use_extra(*settings.language_folders)
        self.settings = settings
        self.known_hashes = set(known_hashes)
        self.stored_vectors: dict[str, np.ndarray] = {}
        self.unsaved: list[EmbeddingRecord] = []
        """Embeddings made outside any page (the topic's descriptions), for the caller to store."""

    def load(self) -> Analyser:
        """Load every model now, so that a missing one fails before the first page, not on it."""
        self.relevance  # noqa: B018 (the topic and its description vectors)
        self.encoder  # noqa: B018
        for language in registry().analysed:
            self.matcher.pipeline(language)
        return self

    @cached_property
    def encoder(self):
        from nlp.embeddings import load_encoder

        return load_encoder(self.settings.embedding, self.settings.cache_dir, self.settings.threads)

    @cached_property
    def topic(self):
        from nlp.topic import Topic

        return Topic.load()

    @cached_property
    def stance_cues(self) -> dict:
        """The taxonomy's stance cues per language, which put a sentence on the topic."""
        from nlp.stances.taxonomy import Taxonomy

        taxonomy = Taxonomy.load()
        return {language: taxonomy.cue_terms(language) for language in registry().analysed}

    @cached_property
    def knowledge_base(self):
        from nlp.entities.kb import KnowledgeBase

        return KnowledgeBase.load()

    @cached_property
    def matcher(self):
        from nlp.entities.matcher import EntityMatcher

        return EntityMatcher(self.knowledge_base, self.settings.spacy_models, cache_dir=self.settings.cache_dir,
                             threads=self.settings.threads)

    def description_hashes(self) -> list[str]:
        """Text hashes of the topic's descriptions, whose embeddings relevance compares articles with."""
        return [text_hash(d) for d in self._descriptions()]

    def use_stored(self, vectors: Mapping[str, np.ndarray]) -> None:
        """Embeddings stored before (text hash → vector, this encoder's): the topic's descriptions
        found among them are not encoded again, so re-scoring stored articles loads no encoder."""
        self.stored_vectors = dict(vectors)

    def _descriptions(self) -> list[str]:
        return [d for texts in self.topic.descriptions.values() for d in texts]

    @cached_property
    def relevance(self):
        from nlp.embeddings import cached_vectors, encoder_id
        from nlp.relevance import RelevanceScorer

        descriptions = self._descriptions()
        hashes = [text_hash(d) for d in descriptions]
        if all(h in self.stored_vectors for h in hashes):
            vectors = np.stack([self.stored_vectors[h] for h in hashes])
        else:
            model_id = encoder_id(self.settings.embedding, self.settings.cache_dir)
            vectors = cached_vectors(descriptions, model_id, self.settings.cache_dir, lambda: self.encoder)
            self.unsaved += [EmbeddingRecord(h, model_id, np.asarray(v, dtype=np.float32))
                             for h, v in zip(hashes, vectors)]
        return RelevanceScorer(self.topic, vectors, self.settings.relevance_threshold)

    def analyse(self, page: PageRecord, elsewhere: Collection[str] = ()) -> ProcessedPage:
        """The page's analysis; for a page in a language of ``elsewhere`` whose models this analyser
        has not loaded, ``LanguageElsewhere`` once its language is known (before any model is)."""
        if page.status >= 400:
            return ProcessedPage(page.page_id, "no_article", f"http_{page.status}")
        document = _read_document(page, self.settings.body_xpaths.get(page.source or ""))
        if isinstance(document, NoArticle):
            return ProcessedPage(page.page_id, "no_article", document.reason)
        html, extracted = document
        if page.origin == "ingest" and page.hint_language:  # given by hand: authoritative
            language = page.hint_language
        else:
            language = detect_language(extracted.text) or page.hint_language or "und"
        if language in elsewhere and language in registry().analysed and not self.matcher.loaded(language):
            raise LanguageElsewhere(language)
        article_date = publication_date(html, extracted.markup_date, extracted.head_text, language,
                                        page.fetched_at, page.hint_published, url=page.final_url,
                                        tail_text=extracted.tail_text, markup_time=extracted.markup_time,
                                        cache_dir=self.settings.cache_dir)
        title = page.hint_title if page.origin == "ingest" and page.hint_title else extracted.title or page.hint_title
        # What extraction read (the text, its author, the site's name) goes over by field name.
        article: ArticleRecord = build(
            ArticleRecord, extracted, article_id=page.page_id, url=page.url, source=page.source, title=title,
            language=language, script=chinese_script(extracted.text) if _tells_scripts(language) else None,
            published_at=article_date, published_offset=_stated_offset(article_date, extracted, page),
            fetched_at=page.fetched_at, word_count=_word_count(extracted.text, language),
            minhash=story_signature(extracted.text, language), relevance=0.0, relevant=False,
        )
        if language not in registry().analysed:
            return ProcessedPage(page.page_id, "article", None, article)
        return self.redo(article, "link")

    def redo(self, article: ArticleRecord, start: str, mentions: Sequence[MentionRecord] = (),
             document_vector: np.ndarray | None = None) -> ProcessedPage:
        """The steps from ``start`` on (``link``, ``relevance`` or ``passages``) over an article,
        reading what the steps before it stored: its text, its ``mentions`` (from ``relevance``
        on), its relevance (for ``passages``) and its stored ``document_vector``, if any."""
        article_id, text, language, title = article.article_id, article.text, article.language, article.title
        if language not in registry().analysed:
            return ProcessedPage(article_id, "article", None, article)
        candidates: list[CandidateRecord] = []
        embeddings: list[EmbeddingRecord] = []
        if start == "link":
            findings = self.matcher.analyse(text, language)
            mentions = [build(MentionRecord, m, article_id=article_id) for m in findings.mentions]
            candidates = [build(CandidateRecord, c, article_id=article_id, language=language)
                          for c in findings.candidates]
        if start in ("link", "relevance"):
            entities = self.relevance.entities(((m.entity_id, m.start_char) for m in mentions), self.knowledge_base)
            scored_text = _without_site_name(f"{title or ''}\n{text}", article.site_name)
            hits = self.relevance.hits(scored_text, language)
            # The document embedding serves relevance and cross-language story links (which need
            # a shared entity): an article that cannot pass the gate and names no entity needs none.
            if entities.any or self.relevance.can_be_relevant(hits, entities):
                if document_vector is None:
                    document_vector = self.encoder.encode([document_text(title, text)])[0]
                    embeddings.append(EmbeddingRecord(DOCUMENT_HASH_PREFIX + article_id, self.encoder.model_id,
                                                      document_vector))
            else:
                document_vector = None
            relevance = self.relevance.score(scored_text, language, entities, document_vector, hits)
            article = replace(article, relevance=relevance.score, relevant=relevance.relevant,
                              relevance_evidence=relevance.explanation())
        passages: list[PassageRecord] = []
        if article.relevant:
            passages, passage_embeddings = self._passages(article_id, text, language)
            embeddings += passage_embeddings
        return ProcessedPage(article_id, "article", None, article, list(mentions), passages, embeddings,
                             candidates=candidates)

    def _passages(self, article_id: str, text: str, language: str):
        from nlp.stances.passages import extract_passages

        passages = [
            build(PassageRecord, p, passage_id=f"{article_id}:{i}", article_id=article_id, ordinal=i,
                  language=language, text_hash=text_hash(p.text))
            for i, p in enumerate(extract_passages(text, language, self.topic, self.stance_cues.get(language),
                                                   lead=True))
        ]
        return passages, self.embed_passages(passages)

    def embed_passages(self, passages: list[PassageRecord]) -> list[EmbeddingRecord]:
        """Embeddings of the passage texts not embedded before with this model (each text once)."""
        missing = {p.text_hash: p.text for p in passages if p.text_hash not in self.known_hashes}
        if not missing:
            return []
        vectors = self.encoder.encode(list(missing.values()))
        self.known_hashes.update(missing)
        return [
            EmbeddingRecord(h, self.encoder.model_id, np.asarray(v, dtype=np.float32))
            for h, v in zip(missing, vectors)
        ]


def document_text(title: str | None, text: str) -> str:
    """What an article's document embedding reads: its title and the start of its text."""
    return f"{title or ''}\n{text[:DOCUMENT_CHARACTERS]}"


def _stated_offset(moment: datetime | None, extracted: Extracted, page: PageRecord) -> int | None:
    """Minutes east of UTC the publication time taken was stated in: by the markup, or by hand."""
    if moment is None:
        return None
    if extracted.markup_time is not None and moment == extracted.markup_time:
        offset = extracted.markup_time.utcoffset()
        return int(offset.total_seconds() // 60) if offset is not None else None
    if page.hint_published_offset is not None and moment == page.hint_published:
        return page.hint_published_offset
    return None


def _read_document(page: PageRecord, body_xpath: str | None = None) -> tuple[str | None, Extracted] | NoArticle:
    """Decode the raw bytes and extract the article (by the source's ``body_xpath`` hint where the
    registry gives one); plain text is taken as it is."""
    is_plain_text = (page.content_type or "").startswith("text/plain")
    if is_plain_text:
        text = page.body.decode(page.charset or "utf-8", errors="replace").strip()
        if not text:
            return NoArticle("no_text")
        if not is_long_enough(text):
            return NoArticle("too_short")
        return None, Extracted(title=None, author=None, site_name=None, text=text, head_text=text[:400])
    html, _ = decode_html(page.body, page.charset)
    extracted = extract(html, page.final_url, body_xpath=body_xpath, fetched_at=page.fetched_at)
    if isinstance(extracted, NoArticle):
        return extracted
    return html, extracted


def _without_site_name(text: str, site_name: str | None) -> str:
    """The text with the outlet's own name blanked out, for relevance: a site called
    "Open Source Watch" (开源观察) does not make each of its stories about open source."""
    if not site_name or len(site_name) < 2:
        return text
    return text.replace(site_name, " ")


def _tells_scripts(language: str) -> bool:
    """Whether the language is written in both Chinese scripts, which the article's script then tells."""
    spec = registry().get(language)
    return spec is not None and {"Hans", "Hant"} <= set(spec.scripts)


def _word_count(text: str, language: str) -> int:
    spec = registry().get(language)
    if spec is not None and not spec.spaced:
        return len(UNSPACED_CHARACTER.findall(text)) + len([w for w in text.split() if w.isascii()])
    return len(text.split())

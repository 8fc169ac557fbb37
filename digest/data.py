"""Everything one week's digest says, read from the warehouse in one place.

Headline figures count every article collected in the week; the other
sections (stories, stances, labs and models) look only at relevant articles,
except "first seen" models, which are new to the whole warehouse. An article
belongs to the week of its publication time, or of its fetch time when the
page gave no date. Every section may be empty: a quiet week or the first one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from digest.weeks import IsoWeek
from warehouse.sqlfiles import query
from warehouse.store import Store

TOP_STORIES = 8
TOP_ENTITIES = 8
TOP_STANCES = 6
"""Stances shown one by one for each language; the smaller ones are summed as "other stances"."""
FOOTER_QUERIES = ("digest_footer_articles", "digest_footer_mentions")


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(timezone.utc) if moment is not None else None


@dataclass(frozen=True)
class LanguageFigures:
    language: str
    articles: int
    relevant: int


@dataclass(frozen=True)
class NewSource:
    source: str
    language: str
    articles: int
    first_article: datetime


@dataclass(frozen=True)
class Headline:
    by_language: tuple[LanguageFigures, ...]
    new_sources: tuple[NewSource, ...]

    @property
    def articles(self) -> int:
        return sum(f.articles for f in self.by_language)

    @property
    def relevant(self) -> int:
        return sum(f.relevant for f in self.by_language)

    @property
    def relevant_languages(self) -> tuple[str, ...]:
        return tuple(f.language for f in self.by_language if f.relevant)


@dataclass(frozen=True)
class StoryVersion:
    article_id: str
    title: str | None
    source: str
    language: str
    url: str
    published_at: datetime | None


@dataclass(frozen=True)
class Story:
    story_id: str
    versions: tuple[StoryVersion, ...]  # earliest first

    @property
    def languages(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(v.language for v in self.versions))


@dataclass(frozen=True)
class StanceShare:
    cluster_id: str | None  # None for the smaller stances taken together
    label: str | None
    kind: str  # seeded | emergent | other
    share: float  # of the language's summed stance scores, 0..1
    articles: int
    stances: int = 1  # how many stances the row stands for (more than one only for "other")
    example: str | None = None  # the week's passage that takes the stance most surely
    example_url: str | None = None  # its article

    @property
    def is_other(self) -> bool:
        return self.cluster_id is None


@dataclass(frozen=True)
class LanguageStances:
    language: str
    articles: int  # relevant articles of the week with at least one stance
    shares: tuple[StanceShare, ...]  # the TOP_STANCES largest first, then the others together


@dataclass(frozen=True)
class EntityCount:
    entity_id: str
    kind: str  # lab | model
    name: str
    name_en: str | None
    articles: int
    previous_articles: int

    @property
    def change(self) -> int:
        return self.articles - self.previous_articles


@dataclass(frozen=True)
class NewModel:
    entity_id: str
    name: str
    lab: str | None
    first_seen: datetime
    first_title: str | None
    first_source: str
    first_url: str
    articles: int


@dataclass(frozen=True)
class FooterQuery:
    title: str
    sql: str

    @property
    def command(self) -> str:
        """The query as one shell command line (the SQL holds no double quote or ``$``)."""
        return 'veille query "' + " ".join(self.sql.split()) + '"'


@dataclass(frozen=True)
class DigestData:
    week: IsoWeek
    headline: Headline
    stories: tuple[Story, ...]
    stances: tuple[LanguageStances, ...]
    labs: tuple[EntityCount, ...]
    models: tuple[EntityCount, ...]
    new_models: tuple[NewModel, ...]
    footer: tuple[FooterQuery, ...]


def _timestamp_literal(moment: datetime) -> str:
    return f"TIMESTAMPTZ '{moment.astimezone(timezone.utc):%Y-%m-%d %H:%M:%S}+00'"


def footer_query(name: str, week: IsoWeek) -> FooterQuery:
    """A stored query with the week's bounds written in, for a reader to run as is.

    Its leading comment lines are its title.
    """
    lines = query(name).strip().splitlines()
    title = " ".join(line.lstrip("-").strip() for line in lines if line.startswith("--"))
    sql = "\n".join(line for line in lines if not line.startswith("--"))
    sql = sql.replace("$week_start", _timestamp_literal(week.start)).replace(
        "$week_end", _timestamp_literal(week.end)
    )
    return FooterQuery(title, sql)


def _stories(rows: list[dict[str, Any]]) -> tuple[Story, ...]:
    grouped: dict[str, list[StoryVersion]] = {}
    for row in rows:  # ordered by rank, then date
        grouped.setdefault(row["story_id"], []).append(
            StoryVersion(
                article_id=row["article_id"],
                title=row["title"],
                source=row["source"],
                language=row["language"],
                url=row["url"],
                published_at=_utc(row["published_at"]),
            )
        )
    return tuple(Story(story_id, tuple(versions)) for story_id, versions in grouped.items())


EXAMPLE_CHARACTERS = 220


def _excerpt(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= EXAMPLE_CHARACTERS else text[:EXAMPLE_CHARACTERS].rstrip() + "…"


def _stances(rows: list[dict[str, Any]], examples: list[dict[str, Any]]) -> tuple[LanguageStances, ...]:
    example = {(e["language"], e["cluster_id"]): e for e in examples}
    by_language: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_language.setdefault(row["language"], []).append(row)
    return tuple(
        LanguageStances(
            language=language,
            articles=group[0]["language_articles"],
            shares=tuple(
                StanceShare(
                    r["cluster_id"], r["label"], r["kind"], float(r["share"]), r["articles"], r["stances"],
                    *((_excerpt(e["text"]), e["url"]) if (e := example.get((language, r["cluster_id"]))) else ()),
                )
                for r in group
            ),
        )
        for language, group in sorted(
            by_language.items(), key=lambda item: (-item[1][0]["language_articles"], item[0])
        )
    )


def gather(store: Store, week: IsoWeek) -> DigestData:
    bounds = {"week_start": week.start, "week_end": week.end}
    figures = store.fetch("digest_figures", bounds)
    sources = store.fetch("digest_new_sources", bounds)
    stories = store.fetch("digest_top_stories", {**bounds, "limit": TOP_STORIES})
    stances = store.fetch("digest_stance_shares", {**bounds, "top": TOP_STANCES})
    entities = store.fetch(
        "digest_entities", {**bounds, "previous_start": week.previous().start, "limit": TOP_ENTITIES}
    )
    new_models = store.fetch("digest_new_models", bounds)
    counts = [EntityCount(**row) for row in entities]
    return DigestData(
        week=week,
        headline=Headline(
            by_language=tuple(LanguageFigures(**row) for row in figures),
            new_sources=tuple(
                NewSource(**{**row, "first_article": _utc(row["first_article"])}) for row in sources
            ),
        ),
        stories=_stories(stories),
        stances=_stances(stances, store.fetch("digest_stance_examples", bounds)),
        labs=tuple(c for c in counts if c.kind == "lab"),
        models=tuple(c for c in counts if c.kind == "model"),
        new_models=tuple(NewModel(**{**row, "first_seen": _utc(row["first_seen"])}) for row in new_models),
        footer=tuple(footer_query(name, week) for name in FOOTER_QUERIES),
    )

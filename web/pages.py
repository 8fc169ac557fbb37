"""What each page shows: its blocks, each one named query with an optional chart.

A block's chart is described by data (a mark and the columns it reads) that
``static/app.js`` hands to Observable Plot; its table, SQL and CSV come from
the same :class:`~web.reads.Table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from web.filters import Filters
from web.highlight import pieces
from web.meaning import MeaningSearch
from web.reads import Session, Table


@dataclass(frozen=True)
class Block:
    title: str
    table: Table
    chart: dict[str, Any] | None = None
    links: dict[str, str] = field(default_factory=dict)
    """Column → the page a value of it opens (``/article/{value}`` style)."""


LINKS = {"article_id": "/article/{}", "entity_id": "/entities?entity={}", "cluster_id": "/stances?stance={}",
         "story_id": "/stories?story={}"}


def _block(session: Session, title: str, name: str, filters: Filters, chart: dict[str, Any] | None = None,
           **extra: Any) -> Block:
    table = session.table(name, {**filters.params(), **extra})
    return Block(title, table, chart, {c: LINKS[c] for c in table.columns if c in LINKS})


def overview(session: Session, filters: Filters) -> dict[str, Any]:
    return {"blocks": [
        _block(session, "Articles per day", "web_articles_per_day", filters,
               {"mark": "line", "x": "day", "y": "articles", "stroke": "language"}),
        _block(session, "Stance shares of the last weeks, per language", "web_stance_shares", filters,
               {"mark": "bar", "x": "week", "y": "share", "fill": "label", "fx": "language"}),
        _block(session, "The week's top labs and models", "web_top_entities_week", filters,
               {"mark": "barx", "x": "articles", "y": "name", "fill": "language"}),
        _block(session, "Articles per source", "web_articles_per_source", filters,
               {"mark": "barx", "x": "articles", "y": "source", "fill": "language"}),
    ]}


def stances(session: Session, filters: Filters) -> dict[str, Any]:
    blocks = [_block(session, "Stances", "web_stances", filters)]
    if filters.stance:
        blocks += [
            _block(session, "Share over time, per language", "web_stance_shares", filters,
                   {"mark": "line", "x": "week", "y": "share", "stroke": "language"}),
            _block(session, "Labs and models it is argued about", "web_stance_entities", filters,
                   {"mark": "barx", "x": "passages", "y": "entity", "fill": "entity_kind"}, entity=None),
            _block(session, "Representative passages", "web_stance_passages", filters),
        ]
    else:
        blocks.append(_block(session, "Share over time, per language", "web_stance_shares", filters,
                             {"mark": "line", "x": "week", "y": "share", "stroke": "label", "fy": "language"}))
    return {"blocks": blocks}


def entities(session: Session, filters: Filters) -> dict[str, Any]:
    if not filters.entity:
        return {"blocks": [
            _block(session, "Labs and models", "web_entities", filters),
            _block(session, "New names waiting for the knowledge base", "web_entity_candidates", filters),
        ]}
    return {"blocks": [
        _block(session, "Entity", "web_entities", filters, kind=None),
        _block(session, "Names in every language", "web_entity_aliases", filters),
        _block(session, "Articles naming it, per week and language", "web_entity_weekly", filters,
               {"mark": "line", "x": "week", "y": "articles", "stroke": "language"}),
        _block(session, "Stances it appears with", "web_stance_entities", filters,
               {"mark": "barx", "x": "passages", "y": "stance"}, stance=None),
    ]}


def stories(session: Session, filters: Filters) -> dict[str, Any]:
    if filters.story:
        table = session.table("web_story_articles", filters.params())
        columns: dict[str, list[Any]] = {}
        for row in table.records():
            columns.setdefault(row["language"], []).append(row)
        return {"blocks": [Block("The story's articles", table, None, {"article_id": LINKS["article_id"]})],
                "story_columns": columns}
    return {"blocks": [_block(session, "Stories told in more than one language", "web_stories", filters)]}


def articles(session: Session, filters: Filters, meaning: MeaningSearch) -> dict[str, Any]:
    blocks = [_block(session, "Articles", "web_article_search", filters)]
    if filters.meaning:
        table = meaning.search(session, filters.meaning, filters.language, filters.source)
        blocks.insert(0, Block("Passages closest in meaning", table, None, {"article_id": LINKS["article_id"]}))
    return {"blocks": blocks,
            "entity_options": session.table("web_entity_options").records(),
            "source_options": [row[0] for row in session.table("web_source_options").rows],
            "stance_options": session.table("web_stances", {"stance": None}).records()}


def article(session: Session, article_id: str) -> dict[str, Any] | None:
    found = session.table("web_article", {"article": article_id}).records()
    if not found:
        return None
    row = found[0]
    mentions = _block(session, "Mentions", "web_article_mentions", Filters(), article=article_id)
    passages = _block(session, "Stance passages", "web_article_passages", Filters(), article=article_id)
    return {"article": row, "blocks": [mentions, passages], "article_filters": Filters(article=article_id),
            "pieces": pieces(row["text"], mentions.table.records(), passages.table.records())}

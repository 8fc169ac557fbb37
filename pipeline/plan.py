"""What a process run would do: from which step each page is taken up.

A page is taken up from the first step whose version it was not done at (see
``pipeline.steps``). Linking also depends on the knowledge base, which its version
leaves out: each link record names the knowledge base it read, whose text the
warehouse keeps. An article linked with another knowledge base than the current one
is linked again only where the difference can reach its text
(``nlp.entities.changes``); the others are recorded as linked with the current one,
without work. An article whose knowledge base is not kept any more is linked again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from nlp.entities.changes import KnowledgeChange
from nlp.entities.kb import KnowledgeBase, KnowledgeBaseError
from warehouse.store import EPOCH, Store

LINK = 1
"""The ordinal of the link step among the process steps."""

_BATCH = 500
"""Articles read at once to be weighed against a change of the knowledge base."""


@dataclass
class Plan:
    knowledge: str  # the current knowledge base's fingerprint
    first: dict[str, int] = field(default_factory=dict)
    """Page id → ordinal of its first process step to redo, for every page with one."""
    articles: set[str] = field(default_factory=set)
    """The pages of ``first`` that hold an article."""
    unreached: list[str] = field(default_factory=list)
    """Articles linked with another knowledge base that the change cannot reach."""
    knowledge_only: set[str] = field(default_factory=set)
    """Articles taken up from linking for the change of the knowledge base alone (every
    step's version current): those whose links come out as they were need no writing."""

    def from_step(self, ordinal: int) -> list[str]:
        """The pages taken up from the step of this ordinal, in page id order."""
        return sorted(page_id for page_id, first in self.first.items() if first == ordinal)

    def redo(self, ordinal: int) -> int:
        """How many pages (extraction) or articles (later steps) a run redoes the step of this ordinal for."""
        return sum(1 for page_id, first in self.first.items()
                   if first <= ordinal and (ordinal == 0 or page_id in self.articles))


def plan_steps(store: Store, versions: dict[str, str], knowledge: tuple[str, str],
               since: datetime = EPOCH) -> Plan:
    """The plan under the process steps' ``versions`` and the ``knowledge`` base (its fingerprint
    and text); when reprocessing, pages processed before ``since`` are redone whole."""
    fingerprint, content = knowledge
    plan = Plan(fingerprint)
    for page_id, first, article in store.step_plan(versions, since):
        plan.first[page_id] = first
        if article:
            plan.articles.add(page_id)
    stale = [(article_id, old) for article_id, old in store.knowledge_stale(versions["link"], fingerprint)
             if plan.first.get(article_id, LINK + 1) > LINK]
    if not stale:
        return plan
    by_base: dict[str | None, list[str]] = defaultdict(list)
    for article_id, old in stale:
        by_base[old].append(article_id)
    current = KnowledgeBase.parse(content)
    for old, article_ids in by_base.items():
        change = _change(store, old, current)
        if change is None:
            reached = article_ids
        elif change.empty:
            reached = []
        else:
            reached = _reached(store, change, article_ids)
        plan.unreached += sorted(set(article_ids) - set(reached))
        for article_id in reached:
            if article_id not in plan.first:
                plan.knowledge_only.add(article_id)
            plan.first[article_id] = LINK
            plan.articles.add(article_id)
    return plan


def _change(store: Store, old: str | None, current: KnowledgeBase) -> KnowledgeChange | None:
    """The change from the knowledge base of fingerprint ``old``; None when it is not known."""
    content = store.knowledge_base(old) if old is not None else None
    if content is None:
        return None
    try:
        return KnowledgeChange(KnowledgeBase.parse(content), current)
    except KnowledgeBaseError:  # no longer valid under the current languages: link everything again
        return None


def _reached(store: Store, change: KnowledgeChange, article_ids: Sequence[str]) -> list[str]:
    reached = []
    for start in range(0, len(article_ids), _BATCH):
        batch = article_ids[start: start + _BATCH]
        linked = store.linked_entities(batch) if change.entities else {}
        for article_id, language, text in store.article_texts(batch):
            if change.reaches(text, language, linked.get(article_id, ())):
                reached.append(article_id)
    return reached

"""AI labs and models: the knowledge base (kb.toml) and the matcher that finds them in text.

``import nlp.entities`` stays light; spaCy loads only when the matcher is first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .kb import Alias, Entity, KnowledgeBase, KnowledgeBaseError

if TYPE_CHECKING:
    from .matcher import EntityMatcher, Mention, ModelNotInstalledError

__all__ = [
    "Alias", "Entity", "EntityMatcher", "KnowledgeBase", "KnowledgeBaseError", "Mention", "ModelNotInstalledError",
]


def __getattr__(name: str):
    if name in {"EntityMatcher", "Mention", "ModelNotInstalledError"}:
        from . import matcher

        return getattr(matcher, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""How a passage leans on open-sourcing: supportive, critical or neutral."""

from __future__ import annotations

from nlp.topic import Topic

SUPPORTIVE, CRITICAL, NEUTRAL = "supportive", "critical", "neutral"
# Cue words must outweigh a non-neutral stance by this much to reverse it:
# one stray "risk" in a democratisation passage is not a change of side.
_REVERSAL = 2


def passage_polarity(text: str, language: str, topic: Topic, stance_polarity: str | None = None) -> str:
    """The stance's polarity, unless the passage's cue words clearly say otherwise.

    Without a stance, or with a neutral one (export controls, strategy), the
    balance of supportive and critical cue words decides.
    """
    cues = topic.stance_cues[language]
    lean = cues.supportive.count(text) - cues.critical.count(text)
    if stance_polarity in (None, NEUTRAL):
        return SUPPORTIVE if lean > 0 else CRITICAL if lean < 0 else NEUTRAL
    if stance_polarity == SUPPORTIVE and lean <= -_REVERSAL:
        return CRITICAL
    if stance_polarity == CRITICAL and lean >= _REVERSAL:
        return SUPPORTIVE
    return stance_polarity

"""Pure computation over text: no SQL, no network."""

CODE_VERSION = "6"
"""Raise when a change to the code changes what processing produces (every step is redone)."""

STEP_CODE = {
    "extract": "9",  # a language whose lines hold most of the text wins over a quote that opens it
    "link": "7",  # jieba's total frequency no longer grows with the knowledge base's names
    "relevance": CODE_VERSION,
    "passages": CODE_VERSION,
    "stances": CODE_VERSION,
}
"""Each step's code version: raise one when a change to that step's code changes what it produces
(it and the steps after it are redone)."""

"""Pure computation over article text: no SQL, no network."""

CODE_VERSION = "6"
"""Raise when a change to the code changes what processing produces."""

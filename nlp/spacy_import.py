"""Importing spaCy without torch.

spaCy's model library, thinc, imports torch when it is installed (for layers
that wrap torch models), and torch takes longer to import than spaCy itself
(about 2 s of a start's CPU on a small machine). Entity matching keeps only a
tokenizer and a sentencizer (every other component is excluded when a
pipeline loads), which never touch torch. So while spaCy is first imported, a
finder placed first on ``sys.meta_path`` answers that torch does not exist;
it is removed as soon as the import returns, and nothing is taken out of or
put into ``sys.modules``. thinc, which asks once, then records that it has no
torch (``thinc.compat.has_torch``): its torch layers cannot be used in that
process, and veille uses none. A torch imported later (an encoder that needs
it) imports as usual; if torch or spaCy is already imported, nothing is hidden.

thinc has no setting that skips torch; ``tests/nlp/test_fast_start.py`` fails
if spaCy brings torch back, and if torch, sentence-transformers or the matcher
stop working in a process whose spaCy came without it.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder
from types import ModuleType


class _HideTorch(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden while spaCy is imported)", name=name)
        return None


def import_spacy() -> ModuleType:
    """The spaCy module, imported (the first time) with torch out of sight."""
    if "spacy" in sys.modules or "torch" in sys.modules:
        import spacy

        return spacy
    hider = _HideTorch()
    sys.meta_path.insert(0, hider)
    try:
        import spacy
    finally:
        sys.meta_path.remove(hider)
    return spacy

"""Importing spaCy without torch.

spaCy's model library, thinc, imports torch when it is installed (for layers
that wrap torch models), and torch takes longer to import than spaCy itself.
Entity matching keeps only a tokenizer and a sentencizer, which never touch
torch: while spaCy is first imported, torch is hidden from the import system,
so thinc records that it has none. A torch imported later (an encoder that
needs it) imports as usual; if torch is already imported, nothing is hidden.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder


class _HideTorch(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "torch" or name.startswith("torch."):
            raise ModuleNotFoundError(f"No module named {name!r} (hidden while spaCy is imported)", name=name)
        return None


def import_spacy():
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

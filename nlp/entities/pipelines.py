"""spaCy pipelines reduced to what entity matching needs: a tokenizer and sentence bounds.

Model names are written in many ways ("Qwen2.5-Max", "Qwen 2.5 Max", "qwen2.5 max",
"DeepSeek-R1", "DeepSeek R1"). The stock tokenizers cut these inconsistently, so every
token is cut again into pieces at hyphens and where letters meet digits. Text and
knowledge-base names then go through the same cuts, and a phrase pattern only has to
choose, between two pieces, whether a hyphen stands there.

Before tokenizing, no-break and thin spaces become spaces and the Unicode hyphens
become "-": one character for one, so offsets still point into the original text.

Both tokenizers leave the list of their tokens' texts in ``doc.user_data[WORDS]``: the
matcher reads every token, and asking a Doc for its tokens' texts again costs a tenth
of the whole tokenization.

Loading a package builds its tokenizer twice: once from the language's defaults (in
``from_config``), then again from the package's ``tokenizer`` file (in ``from_disk``), the
special cases and regular expressions each time; for English the second pass is half of
the load. When the package's tokenizer is the language's default one, byte for byte (the
stock packages' are), the second pass changes nothing and is skipped. That is checked
once per package, meta.json and spaCy version, and the answer kept in
``cache_dir/tokenizers/``; a package whose tokenizer differs keeps loading it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from nlp.spacy_import import import_spacy

spacy = import_spacy()

from spacy.language import Language  # noqa: E402 (spaCy first, without torch)
from spacy.tokens import Doc  # noqa: E402
from spacy.vocab import Vocab  # noqa: E402

from nlp.compiled_patterns import kept_compiled  # noqa: E402
from nlp.entities.installed import _not_installed  # noqa: E402
from nlp.entities.patterns import WORDS  # noqa: E402
from nlp.entities.pieces import default_tokenizer_key, load_default_tokenizer, save_default_tokenizer  # noqa: E402
from nlp.segmentation import UNSPACED, jieba_tokenizer  # noqa: E402

# Components that matching never uses; excluding them at load time saves most of the cost.
_UNUSED = (
    "tok2vec", "transformer", "tagger", "morphologizer", "parser", "senter", "attribute_ruler",
    "lemmatizer", "trainable_lemmatizer", "ner", "entity_ruler", "span_ruler", "textcat", "spancat",
)
_PIECE_BOUNDARY = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\w)-(?=\w)")
# Where Han characters meet Latin letters or digits: jieba joins "星火X" in one sentence and
# cuts "星火", "X1" in another, so Chinese words are also cut where the script changes.
_SCRIPT_BOUNDARY = re.compile(rf"(?<={UNSPACED})(?=[A-Za-z0-9])|(?<=[A-Za-z0-9])(?={UNSPACED})")
_PLAIN = str.maketrans({
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " ", "\u3000": " ",
    "\u2010": "-", "\u2011": "-", "\uff0d": "-",
})
_MAX_LENGTH = 5_000_000


def plain(text: str) -> str:
    """No-break and thin spaces as spaces, Unicode hyphens as "-": what both tokenizers read."""
    return text.translate(_PLAIN)


def split_pieces(text: str) -> list[str]:
    """Cut a token at hyphens between word characters (kept as pieces) and before digits that follow letters."""
    pieces, last = [], 0
    for boundary in _PIECE_BOUNDARY.finditer(text):
        if boundary.start() > last:
            pieces.append(text[last : boundary.start()])
        if boundary.group():
            pieces.append(boundary.group())
        last = boundary.end()
    pieces.append(text[last:])
    return pieces


class PieceTokenizer:
    """Wraps a spaCy tokenizer and cuts its tokens into pieces (URLs and e-mail addresses stay whole)."""

    def __init__(self, base: Callable[[str], Doc], vocab: Vocab):
        self.base = base
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        doc = self.base(plain(text))
        words: list[str] = []
        spaces: list[bool] = []
        cut = False
        for token in doc:
            pieces = [token.text]
            if _PIECE_BOUNDARY.search(token.text) and not (token.like_url or token.like_email):
                pieces = split_pieces(token.text)
                cut = True
            words.extend(pieces)
            spaces.extend([False] * (len(pieces) - 1) + [bool(token.whitespace_)])
        if cut:
            doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[WORDS] = words
        return doc


class JiebaTokenizer:
    """Chinese words from a private jieba dictionary that also knows the knowledge-base names,
    cut into pieces like the other languages' tokens.

    A private ``jieba.Tokenizer`` (``nlp.segmentation``) keeps the names out of the
    process-wide dictionary, and its cache file goes to ``cache_dir``.
    """

    def __init__(self, vocab: Vocab, cache_dir: Path, words: Iterable[str]):
        self.vocab = vocab
        self.segmenter = jieba_tokenizer(cache_dir, words)

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        for word in self.segmenter.cut(plain(text), cut_all=False):
            if word == " " and words and not spaces[-1]:
                spaces[-1] = True
            elif word:
                pieces = [
                    piece
                    for part in _SCRIPT_BOUNDARY.split(word)
                    for piece in (split_pieces(part) if _PIECE_BOUNDARY.search(part) else [part])
                ]
                words.extend(pieces)
                spaces.extend([False] * len(pieces))
        doc = Doc(self.vocab, words=words, spaces=spaces)
        doc.user_data[WORDS] = words
        return doc


def load_tokenizing_pipeline(package: str, cache_dir: Path | None = None) -> Language:
    """A spaCy package (or a local pipeline folder) with only its tokenizer and a sentencizer.

    With ``cache_dir``, the package's tokenizer file is read only when it is not known
    there to equal the language's default tokenizer (module docstring), and the large
    regular expressions its language compiles are kept there compiled (``nlp.compiled_patterns``).
    """
    key = default_tokenizer_key(package)
    known = load_default_tokenizer(cache_dir, key) if cache_dir is not None else None
    try:
        if cache_dir is None:
            nlp = spacy.load(package, exclude=[*_UNUSED, "tokenizer"])
        else:
            with kept_compiled(cache_dir, key):  # the language's tokenizer patterns (French: seconds)
                nlp = spacy.load(package, exclude=[*_UNUSED, "tokenizer"])
    except OSError as error:
        raise _not_installed(package) from error
    if not known:
        default = nlp.tokenizer.to_bytes(exclude=["vocab"]) if known is None else b""
        # What Language.from_disk does with the tokenizer file when it is not excluded.
        nlp.tokenizer.from_disk(Path(nlp.path) / "tokenizer", exclude=["vocab"])
        if known is None and cache_dir is not None:
            save_default_tokenizer(cache_dir, key, nlp.tokenizer.to_bytes(exclude=["vocab"]) == default)
    for name in list(nlp.pipe_names):
        nlp.remove_pipe(name)
    nlp.tokenizer = PieceTokenizer(nlp.tokenizer, nlp.vocab)
    nlp.add_pipe("sentencizer")
    nlp.max_length = _MAX_LENGTH
    return nlp


def blank_pipeline(language: str, cache_dir: Path, words: Iterable[str], jieba: bool = False) -> Language:
    """spaCy's blank ``language`` and a sentencizer; with ``jieba``, its words cut by jieba
    (``words``, the knowledge-base names, added), else by spaCy's rules cut into pieces."""
    nlp = spacy.blank(language)
    if jieba:
        nlp.tokenizer = JiebaTokenizer(nlp.vocab, cache_dir / "jieba", words)
    else:
        nlp.tokenizer = PieceTokenizer(nlp.tokenizer, nlp.vocab)
    nlp.add_pipe("sentencizer")
    nlp.max_length = _MAX_LENGTH
    return nlp

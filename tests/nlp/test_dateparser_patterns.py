"""dateparser's locale patterns kept on disk: the same dates, without compiling them again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_RUN = """
import json, sys, time
from pathlib import Path
from htmldate.extractors import get_external_parser
from nlp.dateparser_patterns import kept_locale_patterns
strings = ["Ref 2023 1234 zzz", "12 marzo 2021", "3 avril 2024 à 10h", "2021年3月12日", "vom 5. Mai 2022"]
started = time.process_time()
with kept_locale_patterns(Path(sys.argv[1])):
    found = [get_external_parser().get_date_data(s)["date_obj"] for s in strings]
print(json.dumps({"found": [str(f) for f in found], "took": time.process_time() - started}))
"""


def _run(cache: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", _RUN, str(cache)], cwd=ROOT, capture_output=True, text=True,
                          check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})
    return json.loads(done.stdout)


def test_the_locale_patterns_are_kept_and_read_back_with_the_same_dates(tmp_path: Path) -> None:
    first = _run(tmp_path)  # a string no locale reads: every locale's patterns compiled
    kept = list((tmp_path / "patterns").glob("dateparser-*.pickle"))
    assert len(kept) == 1
    written = kept[0].stat().st_mtime_ns
    second = _run(tmp_path)
    assert second["found"] == first["found"] and first["found"][0] == "None"
    assert second["took"] < first["took"] / 2
    assert kept[0].stat().st_mtime_ns == written  # nothing new: not written again


def test_an_unreadable_file_is_written_again(tmp_path: Path) -> None:
    _run(tmp_path)
    kept = next((tmp_path / "patterns").glob("dateparser-*.pickle"))
    kept.write_bytes(b"not a pickle")
    assert _run(tmp_path)["found"][0] == "None"
    assert kept.stat().st_size > 100_000

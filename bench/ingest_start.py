"""``veille ingest`` as a user meets it, start-up included, against bare trafilatura in the same run.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.ingest_start [--pages 200] [--runs 3] [--code DIR]

One page: ``veille ingest PAGE`` (``--page``: a corpus page id, by default the
English trafilatura_eval page abc13.com-Copperfield) into a new warehouse, in a
fresh process, ``--runs`` times: the first run finds an empty cache folder, as
a user's first start does; the others find it filled.
Many pages: the same command over ``--pages`` corpus pages (a seeded sample of
all its languages) written to a temporary folder, against a fresh process that
imports trafilatura and extracts the same files with as many worker processes
as veille's process stage uses. Wall time, the CPU time of the command and its
children (user + system) and its peak RSS are printed: on a shared machine, CPU
time says more than wall time. ``--code`` runs the veille of another checkout
(the code before a change), and ``--digest FILE`` writes what processing made
of the many pages (articles, languages, relevance, stories, mentions, passages),
so that two runs can be compared.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import tomlkit

from bench.corpus import load_pages

_BARE = """
import sys, trafilatura
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

def extract(path):
    return trafilatura.extract(Path(path).read_bytes(), url=None) is not None

if __name__ == "__main__":
    with ProcessPoolExecutor(int(sys.argv[1])) as pool:
        done = sum(pool.map(extract, sys.argv[2:], chunksize=8))
    print(done)
"""
_DIGEST = """
import json, sys
from pathlib import Path
from warehouse.store import Store
rows = Store(Path(sys.argv[1])).fetch("results_digest")
print(json.dumps(rows, default=str))
"""


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak_kb: int
    stdout: str

    def line(self) -> str:
        return f"{self.wall:6.1f} s wall {self.cpu:6.1f} s CPU {self.peak_kb / 1024:6.0f} MB"


def timed(command: list[str], cwd: Path, code: Path) -> Run:
    """One command, with its wall time and its own resource usage (``wait4``: it and its children).

    Exit status 1 is ``veille ingest`` saying that it refused some inputs: not a failure here.
    """
    env = {**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        process = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err, text=True, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if process.returncode not in (0, 1) or "Traceback" in stderr:
        raise SystemExit(f"{' '.join(command[:4])} ... failed:\n{stderr[-2000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, stdout)


def veille(folder: Path, db: str, files: list[Path]) -> list[str]:
    return [sys.executable, "-m", "veille.cli", "--db", str(folder / db), "ingest", *map(str, files)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--page", default="abc13.com-Copperfield", help="the corpus page of the one-page runs")
    parser.add_argument("--pages", type=int, default=200, help="pages of the many-pages run (0: none)")
    parser.add_argument("--runs", type=int, default=3, help="one-page runs (0: none)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--code", type=Path, default=Path(__file__).resolve().parents[1],
                        help="the checkout whose veille runs (default: this one)")
    parser.add_argument("--digest", type=Path, help="write what the many pages became here (JSON)")
    args = parser.parse_args()
    corpus = load_pages()
    one_page = next(page for page in corpus if page.id == args.page)
    pages = random.Random(7).sample(corpus, min(args.pages, len(corpus)))
    with tempfile.TemporaryDirectory(prefix="veille-ingest-bench-") as name:
        folder = Path(name)
        # A cache folder of the run's own: the first start finds it empty.
        (folder / "veille.toml").write_text(tomlkit.dumps({"models": {"cache_dir": str(folder / "cache")}}),
                                            encoding="utf-8")
        (folder / "one.html").write_bytes(one_page.html)
        files = []
        for index, page in enumerate(pages):
            path = folder / f"page-{index:04d}.html"
            path.write_bytes(page.html)
            files.append(path)
        (folder / "bare.py").write_text(_BARE)
        (folder / "digest.py").write_text(_DIGEST)
        print(f"code: {args.code}")
        one = [timed(veille(folder, f"one-{run}.duckdb", [folder / "one.html"]), folder, args.code)
               for run in range(args.runs)]
        for run in one[:1]:
            print(f"one page ({one_page.id}): first start (empty cache) {run.line()}")
        for run in one[1:]:
            print(f"                  later start (cache filled) {run.line()}")
        if not files:
            return
        ours = timed(veille(folder, "many.duckdb", files), folder, args.code)
        refused = {line.split()[1].rstrip(":") for line in ours.stdout.splitlines() if line.startswith("  refused")}
        files = [path for path in files if str(path) not in refused]  # both read the pages veille takes
        bare = timed([sys.executable, "bare.py", str(args.workers), *map(str, files)], folder, args.code)
        print(f"{len(files)} pages ({len(refused)} refused by veille and left out), {args.workers} workers, "
              "start-up included:")
        print(f"  bare trafilatura: {bare.line()} {len(files) / bare.wall:6.1f} pages/s")
        print(f"  veille ingest:    {ours.line()} {len(files) / ours.wall:6.1f} pages/s")
        print(f"  ratio veille / bare: throughput (wall) {bare.wall / ours.wall:.2f}, CPU {bare.cpu / ours.cpu:.2f}")
        process_line = next((line for line in ours.stdout.splitlines() if line.startswith("process:")), None)
        print(f"  {process_line or 'no process line'}")
        here = Path(__file__).resolve().parents[1]  # the named query is this checkout's
        rows = timed([sys.executable, "digest.py", str(folder / "many.duckdb")], folder, here).stdout
        rows = rows.replace(folder.as_uri(), "").replace(str(folder), "")  # the same pages, another folder
        print(f"  results digest: {hashlib.sha256(rows.encode()).hexdigest()[:16]}")
        if args.digest:
            args.digest.write_text(json.dumps(json.loads(rows), indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()

"""``veille ingest`` as a user meets it, start-up included, against bare trafilatura in the same run.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.ingest_start [--pages 200] [--runs 3]

One page: ``veille ingest PAGE`` into a new warehouse, in a fresh process,
the best of ``--runs`` (the cache folder is filled by the first run, as on a
user's second start). Many pages: the same command over real corpus pages
(``--pages`` split evenly between en, fr and zh; the corpus holds only 34 French
pages, so 200 asked give 167) written to a temporary folder, against a fresh process that
imports trafilatura and extracts the same files with as many worker processes
as veille's process stage uses. Wall time and the CPU time of the child
processes are printed: on a shared machine, CPU time says more than wall time.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

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


def timed(command: list[str], cwd: Path) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds of the child and its children, stdout) of one command.

    Exit status 1 is ``veille ingest`` saying that it refused some inputs: not a failure here.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, env={**os.environ, "PYTHONPATH": _root()})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1) or "Traceback" in done.stderr:
        raise SystemExit(f"{' '.join(command[:4])} ... failed:\n{done.stderr[-2000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done.stdout


def _root() -> str:
    return str(Path(__file__).resolve().parents[1])


def veille(folder: Path, db: str, files: list[Path]) -> list[str]:
    return [sys.executable, "-m", "veille.cli", "--db", str(folder / db), "ingest", *map(str, files)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    pages = load_pages(per_language=(args.pages + 2) // 3)[: args.pages]
    with tempfile.TemporaryDirectory(prefix="veille-ingest-bench-") as name:
        folder = Path(name)
        files = []
        for index, page in enumerate(pages):
            path = folder / f"page-{index:04d}.html"
            path.write_bytes(page.html)
            files.append(path)
        (folder / "bare.py").write_text(_BARE)
        one = [timed(veille(folder, f"one-{run}.duckdb", files[:1]), folder) for run in range(args.runs)]
        wall, cpu, _ = min(one)
        print(f"one page: veille ingest {wall:.1f} s wall, {cpu:.1f} s CPU (best of {args.runs}; "
              f"all: {', '.join(f'{w:.1f}' for w, _, _ in one)} s)")
        ours_wall, ours_cpu, out = timed(veille(folder, "many.duckdb", files), folder)
        refused = {line.split()[1].rstrip(":") for line in out.splitlines() if line.startswith("  refused")}
        files = [path for path in files if str(path) not in refused]  # both read the pages veille takes
        bare_wall, bare_cpu, _ = timed([sys.executable, "bare.py", str(args.workers), *map(str, files)], folder)
        print(f"{len(files)} pages ({len(refused)} refused by veille and left out), {args.workers} workers, "
              "start-up included:")
        print(f"  bare trafilatura: {bare_wall:6.1f} s wall {bare_cpu:6.1f} s CPU  {len(files) / bare_wall:6.1f} pages/s")
        print(f"  veille ingest:    {ours_wall:6.1f} s wall {ours_cpu:6.1f} s CPU  {len(files) / ours_wall:6.1f} pages/s")
        print(f"  ratio veille / bare (throughput): {bare_wall / ours_wall:.2f}")
        print("  " + next((line for line in out.splitlines() if line.startswith("process:")), "no process line"))


if __name__ == "__main__":
    main()

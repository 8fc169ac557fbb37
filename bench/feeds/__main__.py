"""The real-feed set from the command line.

    python -m bench.feeds check     is the local cache complete and unchanged?
    python -m bench.feeds stats     the set's make-up by kind, encoding, language and repository
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from bench.feeds import MANIFEST, cache_dir, load_manifest, problems


def stats(manifest: Path = MANIFEST) -> str:
    entries = load_manifest(manifest)
    lines = [f"{len(entries)} feeds, {sum(e.bytes for e in entries)} bytes, "
             f"{len({e.repo for e in entries})} repositories"]
    for label, counts in (
        ("kind", Counter(e.kind for e in entries)),
        ("encoding", Counter(e.encoding.lower() for e in entries)),
        ("language", Counter(e.language for e in entries)),
        ("repository", Counter(e.repo for e in entries)),
    ):
        lines.append(f"{label}: " + ", ".join(f"{k} {n}" for k, n in counts.most_common()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.feeds", description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="another manifest (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="is the local cache complete and unchanged?")
    sub.add_parser("stats", help="the set's make-up")
    args = parser.parse_args(argv)
    if args.command == "stats":
        print(stats(args.manifest))
        return 0
    entries = load_manifest(args.manifest)
    found = problems(entries)
    for line in found:
        print(line, file=sys.stderr)
    print(f"{len(entries) - len(found)} of {len(entries)} feeds present and unchanged in {cache_dir()}")
    return 1 if found or not entries else 0


if __name__ == "__main__":
    sys.exit(main())

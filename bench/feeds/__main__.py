"""The real-feed set from the command line.

    python -m bench.feeds check     is the local cache complete and unchanged?
    python -m bench.feeds stats     the set's make-up by kind, encoding, language and repository
    python -m bench.feeds add STAGING.jsonl   add feeds already in the cache to the manifest

``add`` reads manifest lines (id, repo, path, commit, encoding, kind,
language, bytes, sha256, note) of feeds whose bytes were written to the cache
as ``<sha256>.xml``; a feed already listed (same sha256) is left out, and so is
one the cache lacks or holds changed, which is named.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from bench.feeds import KINDS, MANIFEST, Entry, cache_dir, encoding_name, load_manifest, problems


def stats(manifest: Path = MANIFEST) -> str:
    entries = load_manifest(manifest)
    lines = [f"{len(entries)} feeds, {sum(e.bytes for e in entries)} bytes, "
             f"{len({e.repo for e in entries})} repositories"]
    for label, counts in (
        ("kind", Counter(e.kind for e in entries)),
        ("encoding", Counter(encoding_name(e.encoding) for e in entries)),
        ("language", Counter(e.language for e in entries)),
        ("repository", Counter(e.repo for e in entries)),
    ):
        lines.append(f"{label}: " + ", ".join(f"{k} {n}" for k, n in counts.most_common()))
    return "\n".join(lines)


def add(paths: list[Path], manifest: Path = MANIFEST) -> str:
    known = {e.sha256 for e in load_manifest(manifest)}
    ids = {e.id for e in load_manifest(manifest)}
    new: list[Entry] = []
    for path in paths:
        for entry in load_manifest(path):
            if entry.sha256 in known:
                continue
            if entry.kind not in KINDS or entry.id in ids:
                raise ValueError(f"{entry.id}: unknown kind {entry.kind!r} or an id already taken")
            if found := problems([entry]):
                print(f"left out, {found[0]}", file=sys.stderr)
                continue
            known.add(entry.sha256)
            ids.add(entry.id)
            new.append(entry)
    with manifest.open("a", encoding="utf-8") as handle:
        for entry in new:
            handle.write(entry.to_json() + "\n")
    return f"{len(new)} feeds added; the manifest lists {len(load_manifest(manifest))}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.feeds", description=__doc__.splitlines()[0])
    parser.add_argument("--manifest", type=Path, default=MANIFEST, help="another manifest (default: %(default)s)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="is the local cache complete and unchanged?")
    sub.add_parser("stats", help="the set's make-up")
    adding = sub.add_parser("add", help="add feeds already in the cache to the manifest")
    adding.add_argument("staging", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "add":
        print(add(args.staging, args.manifest))
        return 0
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

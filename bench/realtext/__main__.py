"""The real-text set from the command line.

    python -m bench.realtext check              is the local cache complete and unchanged?
    python -m bench.realtext stats              the set's make-up per language and split
    python -m bench.realtext add STAGING.jsonl  add labelled texts (see below) to the manifest and cache
    python -m bench.realtext add --split dev STAGING.jsonl   ... all of them to one split

``add`` reads records of a page found by the search (``url``, ``query``,
``excerpt``: the stored page text from its beginning, ``segments``: the exact
substrings of it that form the passage, and the labels of
``docs/labelling.md``). It writes each passage to the cache and one manifest
line per new text. A site already in the manifest keeps its split; a new site
(with every site linked to it by a translation pair) goes to the split that
is furthest below its share, in a hashed order, so the split never depends on
the labels. ``--split`` sends a whole batch of new sites to one split (a batch
gathered to widen the dev split, say); a text of a site already in the other
split is refused, since a site never spans both.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from bench.realtext import MANIFEST, NONE, STANCES, Entry, cache_dir, load_manifest, problems, sha256

DEV_SHARE = 0.45


def site_of(url: str) -> str:
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    for prefix in ("www.", "m.", "cn.", "tw.", "news.", "amp."):
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
    return host


def _spans(record: dict) -> tuple[tuple[int, int], ...]:
    spans, position = [], 0
    for segment in record["segments"]:
        start = record["excerpt"].find(segment, position)
        if start < 0:
            raise ValueError(f"{record['url']}: a segment is not in the excerpt: {segment[:60]!r}")
        spans.append((start, start + len(segment)))
        position = start + len(segment)
    return tuple(spans)


def _check_labels(record: dict) -> None:
    allowed = {*STANCES, NONE}
    if record["stance"] not in allowed or record.get("stance2") not in (allowed | {None, ""}):
        raise ValueError(f"{record['url']}: unknown stance {record['stance']!r} / {record.get('stance2')!r}")
    if not record["relevant"] and record["stance"] != NONE:
        raise ValueError(f"{record['url']}: a text out of scope cannot take a stance")


def add(paths: list[Path], split: str | None = None, manifest: Path = MANIFEST) -> str:
    entries = load_manifest(manifest)
    known = {(e.url, e.sha256) for e in entries}
    cache = cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    numbers = Counter({e.language: 0 for e in entries})
    for entry in entries:  # ids may skip numbers: new ones follow the highest
        numbers[entry.language] = max(numbers[entry.language], int(entry.id.rsplit("-", 1)[1]))
    new: list[dict] = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            _check_labels(record)
            spans = _spans(record)
            text = "\n".join(record["excerpt"][s:e] for s, e in spans)
            digest = sha256(text)
            if (record["url"], digest) in known or any(n["sha256"] == digest for n in new):
                continue
            (cache / f"{digest}.txt").write_text(text, encoding="utf-8")
            numbers[record["language"]] += 1
            new.append(dict(
                id=f"{record['language']}-{numbers[record['language']]:03d}", language=record["language"],
                script=record.get("script") if record["language"] == "zh" else None,
                url=record["url"], site=site_of(record["url"]), query=record["query"], spans=spans,
                sha256=digest, relevant=bool(record["relevant"]), hard_negative=bool(record["hard_negative"]),
                stance=record["stance"], stance2=record.get("stance2") or None, pair=record.get("pair") or None,
                split="",
            ))
    if split is None:
        _assign_splits(entries, new)
    else:
        _put_in_split(entries, new, split)
    with manifest.open("a", encoding="utf-8") as handle:
        for data in new:
            handle.write(Entry.from_json(data).to_json() + "\n")
    return f"{len(new)} texts added; the manifest lists {len(entries) + len(new)}"


def _put_in_split(entries: list[Entry], new: list[dict], split: str) -> None:
    """Send every new text to ``split``, refusing sites (or pairs) already in the other one."""
    site_split = {e.site: e.split for e in entries}
    pair_split = {e.pair: e.split for e in entries if e.pair}
    for item in new:
        other = site_split.get(item["site"]) or pair_split.get(item["pair"])
        if other and other != split:
            raise ValueError(f"{item['url']}: its site or pair is in the {other} split, not {split}")
        item["split"] = split


def _assign_splits(entries: list[Entry], new: list[dict]) -> None:
    """Give each new text its site's split.

    New sites, grouped by translation pairs, fill the split furthest below its share.
    """
    site_split = {e.site: e.split for e in entries}
    pair_sites: dict[str, set[str]] = defaultdict(set)
    for item in [*(e.__dict__ for e in entries), *new]:
        if item["pair"]:
            pair_sites[item["pair"]].add(item["site"])
    parent: dict[str, str] = {}

    def root(site: str) -> str:
        while parent.get(site, site) != site:
            site = parent[site]
        return site

    for sites in pair_sites.values():
        first, *rest = sorted(sites)
        for other in rest:
            parent[root(other)] = root(first)
    groups: dict[str, list[dict]] = defaultdict(list)
    for item in new:
        groups[root(item["site"])].append(item)
    counts = Counter((e.language, e.split) for e in entries)
    for key in sorted(groups, key=lambda k: hashlib.sha1(k.encode()).hexdigest()):
        items = groups[key]
        fixed = {site_split[s] for s in {i["site"] for i in items} | {key} if s in site_split}
        if fixed:
            split = sorted(fixed)[0]
        else:
            language = Counter(i["language"] for i in items).most_common(1)[0][0]
            dev, test = counts[(language, "dev")], counts[(language, "test")]
            split = "dev" if dev < DEV_SHARE * (dev + test + len(items)) else "test"
        for item in items:
            item["split"] = split
            site_split[item["site"]] = split
            counts[(item["language"], split)] += 1


def stats() -> str:
    entries = load_manifest()
    lines = [f"{len(entries)} texts, {len({e.site for e in entries})} sites, "
             f"{len({e.pair for e in entries if e.pair})} translation pairs"]
    for split in ("dev", "test"):
        for language in ("en", "fr", "zh"):
            chosen = [e for e in entries if e.split == split and e.language == language]
            if not chosen:
                continue
            stance_counts = Counter(e.stance for e in chosen if e.relevant)
            scripts = Counter(e.script for e in chosen if e.script)
            lines.append(
                f"{split} {language}: {len(chosen)} texts ({len({e.site for e in chosen})} sites"
                + (f"; {dict(scripts)}" if scripts else "")
                + f"), {sum(e.relevant for e in chosen)} relevant, "
                f"{sum(e.hard_negative for e in chosen)} hard negatives; stances {dict(sorted(stance_counts.items()))}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.realtext", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="is the local cache complete and unchanged?")
    sub.add_parser("stats", help="the set's make-up")
    adding = sub.add_parser("add", help="add labelled texts to the manifest and the cache")
    adding.add_argument("--split", choices=("dev", "test"), help="put every new text in this split")
    adding.add_argument("staging", nargs="+", type=Path)
    args = parser.parse_args(argv)
    if args.command == "check":
        entries = load_manifest()
        found = problems(entries)
        for line in found:
            print(line, file=sys.stderr)
        print(f"{len(entries) - len(found)} of {len(entries)} texts present and unchanged in {cache_dir()}")
        return 1 if found or not entries else 0
    if args.command == "stats":
        print(stats())
        return 0
    print(add(args.staging, args.split))
    return 0


if __name__ == "__main__":
    sys.exit(main())

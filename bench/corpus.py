"""Reading the shared evaluation corpus (real pages with gold annotations).

The corpus lives outside the repository (``../shared/corpus`` by default, or
``$VEILLE_CORPUS``) and is never copied into it.
"""

from __future__ import annotations

import gzip
import json
import os
import random
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from warehouse.records import PageRecord
from warehouse.store import page_id_for

DEFAULT_CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@dataclass(frozen=True)
class CorpusPage:
    set: str
    id: str
    language: str
    url: str
    html: bytes
    gold: dict


def corpus_dir() -> Path:
    path = Path(os.environ.get("VEILLE_CORPUS", DEFAULT_CORPUS))
    if not (path / "index.jsonl").exists():
        raise SystemExit(f"no corpus at {path}: set VEILLE_CORPUS to the folder that holds index.jsonl")
    return path


def load_pages(per_language: int | None = None, seed: int = 7) -> list[CorpusPage]:
    """Corpus pages, optionally a seeded sample of at most ``per_language`` per language."""
    root = corpus_dir()
    entries = [json.loads(line) for line in (root / "index.jsonl").read_text(encoding="utf-8").splitlines()]
    if per_language is not None:
        rng = random.Random(seed)
        sample = []
        for language in ("en", "fr", "zh"):
            of_language = [e for e in entries if e["language"] == language]
            sample += rng.sample(of_language, min(per_language, len(of_language)))
        entries = sample
    return [
        CorpusPage(
            set=e["set"], id=e["id"], language=e["language"], url=e.get("url") or f"https://corpus.invalid/{e['id']}",
            html=gzip.decompress((root / e["html"]).read_bytes()),
            gold=json.loads((root / e["gold"]).read_text(encoding="utf-8")),
        )
        for e in entries
    ]


FETCHED = datetime(2026, 11, 28, tzinfo=timezone.utc)


def repeated_page_records(corpus: list[CorpusPage], count: int) -> list[PageRecord]:
    """``count`` crawled pages: the corpus's pages in turn, each repeat under a distinct URL."""
    records = []
    for index in range(count):
        page = corpus[index % len(corpus)]
        url = f"{page.url}#copy-{index // len(corpus)}"
        records.append(PageRecord(page_id=page_id_for(url), url=url, final_url=page.url, source=page.set,
                                  status=200, content_type="text/html", charset=None, headers={}, body=page.html,
                                  fetched_at=FETCHED, origin="crawl"))
    return records

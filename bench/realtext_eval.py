"""Relevance, stances and stories on real texts the team did not write.

    HF_HUB_OFFLINE=1 .venv/bin/python -m bench.realtext_eval [--split test|dev] [--keep DIR]

Every text of the split (``bench/realtext``, read from the local cache) goes
through the real stages, as a user's documents would: stored as an ingested
page in a new warehouse, ``process`` (extraction, language, entities,
relevance, passages, embeddings, stories), then ``cluster`` twice. It prints,
per language, relevance precision and recall, stance agreement (the article's
strongest stance, or "none" when it has none, against the label), with 95%
Wilson intervals, and how many texts took the label's second stance instead
(reported apart, never counted as right); the adjusted Rand index over all languages; translation
pairs with the same strongest stance and in the same story; distinct texts
wrongly put in one story; the largest emergent cluster's share of assigned
passages; and what a second cluster run changed.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import combinations
from pathlib import Path

from bench.realtext import NONE, CacheMissing, RealText, load

LANGUAGES = ("en", "fr", "zh")
PUBLISHED = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
"""Every text is dated the same day: stories are then kept apart by content alone."""


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The 95% Wilson score interval of a proportion."""
    if total == 0:
        return (math.nan, math.nan)
    p = successes / total
    centre = (p + z * z / (2 * total)) / (1 + z * z / total)
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total)) / (1 + z * z / total)
    return (max(0.0, centre - half), min(1.0, centre + half))


def ratio(successes: int, total: int) -> str:
    if total == 0:
        return "–"
    low, high = wilson(successes, total)
    return f"{successes}/{total} = {successes / total:.2f} [{low:.2f}, {high:.2f}]"


@dataclass(frozen=True)
class Outcome:
    item: RealText
    relevant: bool
    relevance: float
    stance: str  # strongest seeded stance id, an emergent cluster id, or "none"
    story: str | None


def run_pipeline(texts: list[RealText], db: Path) -> tuple[list[Outcome], dict]:
    """Ingest, process and cluster ``texts`` in a new warehouse at ``db``; cluster again and compare."""
    from core.config import load_config
    from pipeline.cluster import cluster_stage
    from pipeline.process import process_stage
    from warehouse.records import PageRecord
    from warehouse.store import Store, page_id_for

    config = load_config(db_path=db)
    config = config.model_copy(update={"process": config.process.model_copy(update={"workers": 1})})
    store = Store(db)
    store.migrate()
    pages = [
        PageRecord(
            page_id=page_id_for(t.entry.url + "#" + t.entry.id), url=t.entry.url + "#" + t.entry.id,
            final_url=t.entry.url, source="realtext", status=200, content_type="text/plain", charset="utf-8",
            headers={}, body=t.text.encode("utf-8"), fetched_at=PUBLISHED, origin="ingest",
            hint_language=t.entry.language, hint_title=None, hint_published=PUBLISHED,
        )
        for t in texts
    ]
    store.save_pages(pages)
    print(process_stage(config).line())
    print(cluster_stage(config).line())
    first = store.fetch("evaluation_article_stances")
    second_summary = cluster_stage(config)
    second = store.fetch("evaluation_article_stances")
    rows = {row["url"]: row for row in store.fetch("evaluation_articles")}
    outcomes = []
    for t in texts:
        row = rows.get(t.entry.url + "#" + t.entry.id)
        outcomes.append(Outcome(
            item=t,
            relevant=bool(row and row["relevant"]),
            relevance=float(row["relevance"]) if row else 0.0,
            stance=(row["stance"] if row and row["stance"] else NONE),
            story=row["story_id"] if row else None,
        ))
    before = {(r["article_id"], r["cluster_id"]): r["score"] for r in first}
    after = {(r["article_id"], r["cluster_id"]): r["score"] for r in second}
    changed = ({key[0] for key in set(before) ^ set(after)}
               | {k[0] for k in before if k in after and before[k] != after[k]})
    clusters = store.fetch("evaluation_cluster_sizes")
    return outcomes, {
        "rerun_changed": len(changed),
        "rerun_articles": len({k[0] for k in before}),
        "rerun_summary": second_summary.line(),
        "clusters": clusters,
    }


def report(outcomes: list[Outcome], extra: dict) -> str:
    from sklearn.metrics import adjusted_rand_score

    lines = ["| language | texts | relevance precision | relevance recall | stance agreement (all texts) "
             "| stance agreement (relevant texts) | the label's second stance instead |",
             "|---|---|---|---|---|---|---|"]
    for language in LANGUAGES:
        chosen = [o for o in outcomes if o.item.entry.language == language]
        if not chosen:
            continue
        true_positive = sum(o.relevant and o.item.entry.relevant for o in chosen)
        predicted = sum(o.relevant for o in chosen)
        actual = sum(o.item.entry.relevant for o in chosen)
        agree = sum(o.stance == o.item.entry.stance for o in chosen)
        relevant = [o for o in chosen if o.item.entry.relevant]
        agree_relevant = sum(o.stance == o.item.entry.stance for o in relevant)
        second = sum(o.stance != o.item.entry.stance and o.stance == o.item.entry.stance2 for o in chosen)
        lines.append(f"| {language} | {len(chosen)} | {ratio(true_positive, predicted)} | "
                     f"{ratio(true_positive, actual)} | {ratio(agree, len(chosen))} | "
                     f"{ratio(agree_relevant, len(relevant))} | {second} |")
    ari = adjusted_rand_score([o.item.entry.stance for o in outcomes], [o.stance for o in outcomes])
    lines.append(f"\nadjusted Rand index, strongest stance against labels, all texts: {ari:.3f}")
    hard = [o for o in outcomes if o.item.entry.hard_negative]
    lines.append(f"hard negatives judged relevant: {sum(o.relevant for o in hard)} of {len(hard)}")

    pairs: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.item.entry.pair:
            pairs[o.item.entry.pair].append(o)
    couples = [(a, b) for members in pairs.values() for a, b in combinations(members, 2)
               if a.item.entry.language != b.item.entry.language]
    same_stance = sum(a.stance == b.stance for a, b in couples)
    same_story = sum(a.story is not None and a.story == b.story for a, b in couples)
    lines.append(f"translation pairs with the same strongest stance: {ratio(same_stance, len(couples))}")
    lines.append(f"translation pairs in one story: {ratio(same_story, len(couples))}")
    paired_ids = {(a.item.entry.id, b.item.entry.id) for a, b in couples}
    stories = Counter(o.story for o in outcomes if o.story)
    merged = sum(
        1 for a, b in combinations([o for o in outcomes if stories.get(o.story, 0) > 1], 2)
        if a.story == b.story and (a.item.entry.id, b.item.entry.id) not in paired_ids
        and (b.item.entry.id, a.item.entry.id) not in paired_ids and a.item.entry.pair is None
    )
    lines.append(f"distinct texts wrongly in one story: {merged} couples "
                 f"(of {len(outcomes) * (len(outcomes) - 1) // 2 - len(couples)})")

    assigned = sum(c["passages"] for c in extra["clusters"])
    emergent = [c for c in extra["clusters"] if c["kind"] == "emergent" and c["passages"]]
    largest = max((c["passages"] for c in emergent), default=0)
    lines.append(f"assigned passages: {assigned}; emergent clusters: {len(emergent)}; largest emergent share: "
                 f"{largest / assigned if assigned else 0:.3f}")
    for c in emergent:
        lines.append(f"  emergent {c['cluster_id']}: {c['passages']} passages, label {c['label']!r}")
    lines.append(f"second cluster run: {extra['rerun_summary']}; articles whose stances changed: "
                 f"{extra['rerun_changed']} of {extra['rerun_articles']}")
    confusion = Counter((o.item.entry.stance, o.stance) for o in outcomes if o.stance != o.item.entry.stance)
    lines.append("most frequent disagreements (label → found): " + ", ".join(
        f"{label} → {found} ×{n}" for (label, found), n in confusion.most_common(8)))
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("dev", "test", "all"), default="test")
    parser.add_argument("--keep", type=Path, help="keep the warehouse in this folder (for veille explain)")
    args = parser.parse_args()
    try:
        texts = load(None if args.split == "all" else args.split)
    except CacheMissing as error:
        raise SystemExit(f"cannot evaluate: {error}") from None
    folder = args.keep or Path(tempfile.mkdtemp(prefix="veille-realtext-"))
    folder.mkdir(parents=True, exist_ok=True)
    outcomes, extra = run_pipeline(texts, folder / "veille.duckdb")
    print(f"\nreal texts, {args.split} split: {len(texts)} texts, {len({t.entry.site for t in texts})} sites\n")
    print(report(outcomes, extra))


if __name__ == "__main__":
    main()

"""How many demo articles get the stance they were written with.

The demo site's README lists, for each article, the seeded stances it argues
(``strategy``, ``cheap-equal`` …). After ``veille demo --out DIR``, this reads
the warehouse and counts the on-topic articles whose strongest stance is one
of their intended ones ("top"), and those that carry at least one intended
stance at all ("any"). An informal check: the table is the writers' intent.

    .venv/bin/python -m bench.stances_demo_agreement --db DIR/veille.duckdb
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from warehouse.store import Store

README = Path(__file__).resolve().parents[1] / "veille" / "demo_site" / "README.md"
STANCES = {
    "strategy": "open_source_strategy",
    "export-controls": "export_control_workaround",
    "cheap-equal": "cheap_equal_of_closed",
    "democratisation": "democratisation",
    "censorship": "censorship_bias",
    "security": "security_sovereignty_risk",
    "not-open-source": "open_weight_not_open_source",
    "keep-closed": "keep_frontier_closed",
}
_ROW = re.compile(r"^\| ((?:en|fr|zh)/\S+\.html) \| \w+ \| [\d-]+ \| [^|]* \| ([^|]*) \| on \|$")


def intended() -> dict[str, set[str]]:
    """Article path → the stance ids it was written with (on-topic articles only)."""
    result = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        match = _ROW.match(line.strip())
        if match:
            keys = re.findall(r"[a-z-]+(?= \(|;|$)", re.sub(r"\([^)]*\)", "", match.group(2)).strip())
            result[match.group(1)] = {STANCES[k] for k in keys if k in STANCES}
    return result


def found_stances(db: Path) -> dict[str, list[str]]:
    """Article path → its stance ids, strongest first."""
    found: dict[str, list[str]] = {}
    for row in Store(db).fetch("stances_by_article"):
        path = re.sub(r"^\w+://[^/]+/", "", row["url"])
        found.setdefault(path, []).append(row["cluster_id"])
    return found


def agreement(db: Path) -> tuple[int, int, int]:
    """(on-topic articles whose strongest stance is intended, those with an intended stance at all, on-topic)."""
    found, table = found_stances(db), intended()
    top = sum(bool(found.get(p)) and found[p][0] in stances for p, stances in table.items())
    any_ = sum(bool(set(found.get(p, [])) & stances) for p, stances in table.items())
    return top, any_, len(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    args = parser.parse_args()
    found, table = found_stances(args.db), intended()
    top, any_, _ = agreement(args.db)
    for path, stances in sorted(table.items()):
        got = found.get(path, [])
        mark = "top" if got and got[0] in stances else "any" if set(got) & stances else "—"
        print(f"{mark:4} {path}: intended {sorted(stances)}; found {got[:3]}")
    print(f"on-topic articles: {len(table)}; strongest stance intended: {top} ({top / len(table):.2f}); "
          f"an intended stance among its stances: {any_} ({any_ / len(table):.2f})")


if __name__ == "__main__":
    main()

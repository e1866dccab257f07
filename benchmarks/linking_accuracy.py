#!/usr/bin/env python3
"""Measure the French collectivité resolver against the gold list.

    python benchmarks/linking_accuracy.py [benchmarks/linking-gold.tsv] [--errors]

precision = correct links / links made (a link on an "ambiguous" or "unmatched" gold row is wrong)
recall    = correct links / gold rows expected "linked"
Prints a JSON object, then one Markdown line. Exit status 1 when below the targets
(precision >= 99.5 %, recall >= 95 %).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from coopgraph.link.cog import resolve_french_partners  # noqa: E402

TARGET_PRECISION, TARGET_RECALL = 0.995, 0.95


def _correct(row: dict, m) -> bool:
    if m.status != "linked" or row["expected"] != "linked" or m.kind != row["kind"]:
        return False
    if row["insee"] and m.insee != row["insee"]:
        return False
    return not row["siren"] or m.siren == row["siren"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", nargs="?", default=str(HERE / "linking-gold.tsv"))
    ap.add_argument("--errors", action="store_true", help="list every wrong link and every miss")
    args = ap.parse_args(argv)
    with open(args.gold, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    pages: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        pages[r["page"]].append(r)

    t0 = time.perf_counter()
    links = correct = expected_links = 0
    by_variant: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    errors = []
    for page_rows in pages.values():
        matches = resolve_french_partners([r["name"] for r in page_rows])
        for r, m in zip(page_rows, matches):
            ok = _correct(r, m)
            links += m.status == "linked"
            correct += ok
            expected_links += r["expected"] == "linked"
            family = r["variant"].split("/")[0]
            by_variant[family][0] += r["expected"] == "linked"
            by_variant[family][1] += ok
            if (
                (m.status == "linked" and not ok)
                or (r["expected"] == "linked" and not ok)
                or (r["expected"] != "linked" and m.status != r["expected"])
            ):
                errors.append(
                    {
                        "page": r["page"],
                        "name": r["name"],
                        "expected": f"{r['expected']} {r['kind']} {r['insee']} {r['siren']}".strip(),
                        "got": f"{m.status} {m.kind or ''} {m.insee or ''} {m.siren or ''}".strip(),
                        "reason": m.reason,
                    }
                )
    elapsed = time.perf_counter() - t0
    precision = correct / links if links else 1.0
    recall = correct / expected_links if expected_links else 1.0
    report = {
        "gold": args.gold,
        "names": len(rows),
        "pages": len(pages),
        "expected_links": expected_links,
        "links_made": links,
        "correct_links": correct,
        "wrong_links": links - correct,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "targets": {"precision": TARGET_PRECISION, "recall": TARGET_RECALL},
        "recall_by_family": {k: f"{v[1]}/{v[0]}" for k, v in sorted(by_variant.items()) if v[0]},
        "seconds": round(elapsed, 2),
    }
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if args.errors:
        for e in errors:
            print(json.dumps(e, ensure_ascii=False), file=sys.stderr)
    print(
        f"| linking (COG) | {len(rows)} names | precision {precision:.2%} ({correct}/{links}) | "
        f"recall {recall:.2%} ({correct}/{expected_links}) | {links - correct} wrong links |"
    )
    return 0 if precision >= TARGET_PRECISION and recall >= TARGET_RECALL else 1


if __name__ == "__main__":
    sys.exit(main())

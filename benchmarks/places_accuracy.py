#!/usr/bin/env python3
"""Measure the foreign places linker against the gold list, and the share of French collectivités placed.

    python benchmarks/places_accuracy.py [benchmarks/places-gold.tsv] [--errors] [--store PATH]

An assertion is a link (skos:exactMatch) or a placement at a seat (cg:placedAt). It is correct when
its kind (linked / placed) and its GeoNames id are the gold row's; an assertion on a "none" row, an
exactMatch on a region or a wrong id is wrong.

precision = correct assertions / assertions made
recall    = correct assertions / gold rows that expect one
French share placed: over the whole COG (every current commune, EPCI, EPT, département, région), and,
with --store, over the French collectivités of that store (e.g. a synthetic corpus).
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

from coopgraph.link import countries, places, refdata  # noqa: E402

TARGET_PRECISION, TARGET_RECALL = 0.995, 0.95


def foreign(gold: Path) -> tuple[dict, list[str]]:
    rows = list(csv.DictReader(gold.open(encoding="utf-8"), delimiter="\t"))
    made = correct = expected = 0
    errors: list[str] = []
    by_cat: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])  # rows, expected, made, correct
    t = time.perf_counter()
    for r in rows:
        c = countries.resolve_country(r["country"])
        context = [x for x in r["context"].split("|") if x] + [r["country"]]
        m = places.resolve_foreign(r["name"], c.alpha2 if c else None, context)
        got = (m.status, m.place.geonames_id) if m.status in ("linked", "placed") and m.place else ("none", 0)
        want = (r["expected"], int(r["geonames_id"] or 0))
        cat = by_cat[r["category"]]
        cat[0] += 1
        if want[0] != "none":
            expected += 1
            cat[1] += 1
        if got[0] != "none":
            made += 1
            cat[2] += 1
            if got == want:
                correct += 1
                cat[3] += 1
        if got != want:
            errors.append(
                f"{r['category']}: {r['name']!r} ({r['country']}{', ' + r['context'] if r['context'] else ''})"
                f": expected {want[0]} {want[1] or ''}, got {got[0]} {got[1] or ''}"
                f" [{m.status}: {m.reason or ''}]"
            )
    seconds = time.perf_counter() - t
    out = {
        "rows": len(rows),
        "expected_assertions": expected,
        "assertions": made,
        "correct": correct,
        "precision": round(correct / made, 4) if made else None,
        "recall": round(correct / expected, 4) if expected else None,
        "ms_per_name": round(1000 * seconds / max(1, len(rows)), 3),
        "by_category": {k: dict(zip(("rows", "expected", "made", "correct"), v)) for k, v in sorted(by_cat.items())},
    }
    return out, errors


def french_share_cog() -> dict:
    data = refdata.cog()
    out = {}
    for kind, rows, code_at, siren_at in (
        ("commune", data["communes"], 0, None),
        ("epci", data["epci"], None, 0),
        ("ept", data["ept"], None, 0),
        ("departement", data["departements"], 0, None),
        ("region", data["regions"], 0, None),
    ):
        if kind in ("departement", "region"):
            rows = [r for r in rows if r[-2 if kind == "region" else -2] != "com"]
        n = placed = 0
        for r in rows:
            n += 1
            m = places.place_french(
                kind, r[code_at] if code_at is not None else None, r[siren_at] if siren_at is not None else None
            )
            placed += m is not None and m.place is not None
        out[kind] = {"total": n, "placed": placed, "share": round(placed / n, 4) if n else None}
    pop_all = sum(r[5] or 0 for r in data["communes"])
    pop_placed = sum(r[5] or 0 for r in data["communes"] if places.place_french("commune", r[0]) is not None)
    out["commune"]["population_share"] = round(pop_placed / pop_all, 4)
    return out


def french_share_store(path: Path) -> dict:
    from coopgraph.store import Store

    q = """PREFIX cg: <https://w3id.org/coopgraph/ontology#>
        SELECT ?kind (COUNT(DISTINCT ?c) AS ?n) (COUNT(DISTINCT ?placed) AS ?p) WHERE {
          ?x cg:frenchPartner ?c . OPTIONAL { ?c cg:collectiviteKind ?k }
          BIND(COALESCE(?k, "not linked to the COG") AS ?kind)
          OPTIONAL { ?c <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat BIND(?c AS ?placed) } } GROUP BY ?kind"""
    store = Store(path, read_only=True)
    out = {}
    for row in store.query(q):
        n, p = int(row["n"].value), int(row["p"].value)
        out[row["kind"].value] = {"total": n, "placed": p, "share": round(p / n, 4) if n else None}
    tot = sum(v["total"] for v in out.values())
    out["all"] = {
        "total": tot,
        "placed": sum(v["placed"] for v in out.values()),
        "share": round(sum(v["placed"] for v in out.values()) / tot, 4) if tot else None,
    }
    return out


def foreign_share_store(path: Path) -> dict:
    """Foreign partners of a store by place status (linked, placed, ambiguous, unmatched)."""
    from coopgraph.store import Store

    q = """PREFIX cg: <https://w3id.org/coopgraph/ontology#>
        SELECT ?status (COUNT(DISTINCT ?f) AS ?n) WHERE { ?x cg:foreignPartner ?f .
          OPTIONAL { ?f cg:placeStatus ?s } BIND(COALESCE(?s, "none") AS ?status) } GROUP BY ?status"""
    out = {r["status"].value: int(r["n"].value) for r in Store(path, read_only=True).query(q)}
    tot = sum(out.values())
    out["share_with_a_point"] = round((out.get("linked", 0) + out.get("placed", 0)) / tot, 4) if tot else None
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("gold", nargs="?", type=Path, default=HERE / "places-gold.tsv")
    ap.add_argument("--errors", action="store_true", help="list every row the linker got wrong or missed")
    ap.add_argument("--store", type=Path, help="also report the share of French partners placed in this store")
    args = ap.parse_args()
    result, errors = foreign(args.gold)
    result["french_cog"] = french_share_cog()
    if args.store:
        result["french_store"] = french_share_store(args.store)
        result["foreign_store"] = foreign_share_store(args.store)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    if args.errors:
        for e in errors:
            print("  " + e)
    ok = (result["precision"] or 0) >= TARGET_PRECISION and (result["recall"] or 0) >= TARGET_RECALL
    fc = result["french_cog"]
    print(
        f"| places | {result['rows']} names | precision {100 * result['precision']:.2f} % "
        f"({result['correct']}/{result['assertions']}) | recall {100 * result['recall']:.2f} % "
        f"({result['correct']}/{result['expected_assertions']}) | communes placed {100 * fc['commune']['share']:.1f} % "
        f"({100 * fc['commune']['population_share']:.1f} % of the population) | {'PASS' if ok else 'FAIL'} |"
    )
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()

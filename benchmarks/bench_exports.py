#!/usr/bin/env python3
"""Benchmark `coopgraph export iati` and `coopgraph export tables` (target: < 30 s each at 15,000
partnerships), against the Turtle dump of the same store measured in the same run.

    python benchmarks/bench_exports.py [--sizes 1500 15000] [--seed 1] [--repeat 3] [--work DIR]

For each size: builds the store once (synth.py pages, `coopgraph ingest --no-validate`, kept in
DIR and reused), then in this one process, --repeat times in turn: the baseline (`Store.dump` as
Turtle to a file, what `coopgraph dump` does), the bulk read the two exports share, the IATI
export, the tables export; once: the IATI file's check against the XSD and codelists, and each
export as a whole `coopgraph export` process (cold, validation off). Writes
benchmarks/results/exports.{json,md}. The machine is shared: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def build_store(work: Path, n: int, seed: int) -> Path:
    store = work / f"store-{n}-{seed}"
    if (store / "open").exists():
        return store
    pages = work / f"pages-{n}-{seed}"
    if not pages.exists():
        subprocess.run(
            [
                sys.executable,
                str(HERE / "synth.py"),
                "--partnerships",
                str(n),
                "--seed",
                str(seed),
                "--out",
                str(pages),
            ],
            check=True,
        )
    subprocess.run([_exe(), "ingest", "--no-validate", "-q", "--store", str(store), str(pages)], check=True)
    return store


def _exe() -> str:
    exe = Path(sys.executable).with_name("coopgraph")
    return str(exe) if exe.exists() else "coopgraph"


def _time(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def measure(store_path: Path, work: Path, repeat: int) -> dict:
    from coopgraph.export import codelists, graph
    from coopgraph.export.iati import export_iati
    from coopgraph.export.tables import export_tables
    from coopgraph.store import Store

    runs: dict[str, list[float]] = {"turtle_dump": [], "read": [], "iati": [], "tables": []}
    out = work / "out"
    out.mkdir(exist_ok=True)
    with Store(store_path, read_only=True) as store:
        n = len(store.partnerships())
        for _ in range(repeat):

            def dump():
                with open(out / "baseline.ttl", "wb") as f:
                    store.dump(f, "turtle")

            runs["turtle_dump"].append(_time(dump))
            runs["read"].append(_time(lambda: graph.read(store)))
            runs["iati"].append(_time(lambda: export_iati(store, out / "iati-activities.xml")))
            shutil.rmtree(out / "tables", ignore_errors=True)
            runs["tables"].append(_time(lambda: export_tables(store, out / "tables")))
    checks = _time(
        lambda: (
            codelists.schema_errors(out / "iati-activities.xml"),
            codelists.code_errors(out / "iati-activities.xml"),
        )
    )
    sizes = {
        "baseline.ttl": (out / "baseline.ttl").stat().st_size,
        "iati-activities.xml": (out / "iati-activities.xml").stat().st_size,
        "tables (CSV + datapackage.json)": sum(p.stat().st_size for p in (out / "tables").iterdir()),
    }
    cold = {}
    env = {**os.environ, "COOPGRAPH_STORE": str(store_path)}
    for name, args in (
        ("iati", ["export", "iati", "--no-validate", "-o", str(out / "cold.xml")]),
        ("iati_validated", ["export", "iati", "-o", str(out / "cold.xml")]),
        ("tables", ["export", "tables", "-o", str(out / "cold-tables")]),
    ):
        t = time.perf_counter()
        subprocess.run([_exe(), *args], check=True, env=env, capture_output=True)
        cold[name] = round(time.perf_counter() - t, 2)
    (out / "baseline.ttl").unlink(missing_ok=True)
    best = {k: round(min(v), 2) for k, v in runs.items()}
    return {
        "partnerships": n,
        "runs": {k: [round(x, 2) for x in v] for k, v in runs.items()},
        "best": best,
        "median": {k: round(statistics.median(v), 2) for k, v in runs.items()},
        "ratio_iati_to_turtle": round(best["iati"] / best["turtle_dump"], 2),
        "ratio_tables_to_turtle": round(best["tables"] / best["turtle_dump"], 2),
        "iati_check_seconds": round(checks, 2),
        "cold_process_seconds": cold,
        "bytes": sizes,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1500])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", type=Path, default=HERE / "out" / "exports")
    ap.add_argument("--results", type=Path, default=HERE / "results")
    a = ap.parse_args()
    a.work.mkdir(parents=True, exist_ok=True)
    report = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "load_average_before": [round(x, 2) for x in os.getloadavg()],
        "seed": a.seed,
        "repeat": a.repeat,
        "sizes": {},
    }
    for n in a.sizes:
        store = build_store(a.work, n, a.seed)
        report["sizes"][str(n)] = measure(store, a.work, a.repeat)
        print(json.dumps(report["sizes"][str(n)], indent=1), file=sys.stderr)
    report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    a.results.mkdir(parents=True, exist_ok=True)
    (a.results / "exports.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    (a.results / "exports.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))


def markdown(r: dict) -> str:
    lines = [
        "# coopgraph export — benchmark",
        "",
        f"{r['date']}, {r['machine']}, load average before {r['load_average_before']}, after "
        f"{r['load_average_after']}; synthetic pages (seed {r['seed']}), best of {r['repeat']} in one process. "
        "The machine is shared: read the ratios to the Turtle dump measured in the same run.",
        "",
        "| partnerships | Turtle dump (baseline) | bulk read | IATI export | tables export | IATI / Turtle | "
        "tables / Turtle | IATI XSD + codelist check | cold `coopgraph export iati` (validated) / `tables` |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, m in r["sizes"].items():
        b = m["best"]
        lines.append(
            f"| {int(n):,} | {b['turtle_dump']} s | {b['read']} s | {b['iati']} s | {b['tables']} s | "
            f"{m['ratio_iati_to_turtle']} | {m['ratio_tables_to_turtle']} | {m['iati_check_seconds']} s | "
            f"{m['cold_process_seconds']['iati']} s ({m['cold_process_seconds']['iati_validated']} s) / "
            f"{m['cold_process_seconds']['tables']} s |"
        )
    lines += ["", "Every run (seconds):", ""]
    for n, m in r["sizes"].items():
        lines.append(
            f"- {int(n):,}: "
            + "; ".join(f"{k} {v}" for k, v in m["runs"].items())
            + "; sizes "
            + ", ".join(f"{k} {v:,} B" for k, v in m["bytes"].items())
        )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()

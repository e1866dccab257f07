#!/usr/bin/env python3
"""Benchmark `coopgraph validate`: the fast engine against one pyshacl run over the whole graph.

    python benchmarks/bench_validate.py --partnerships 1500 15000 [--seed 1] [--skip-pyshacl-above N]

For each size: synthetic pages (benchmarks/synth.py, never real data) are ingested without
validation into a fresh store under benchmarks/out/, then, in this same process:
- baseline: the whole open graph copied into rdflib and validated by pyshacl (coopgraph's
  `--engine pyshacl`), wall time including the copy;
- fast: the shapes compiled to SPARQL and run by pyoxigraph on the store (`coopgraph validate`);
- partitioned: each partnership checked on its own with the shared nodes it names (what ingest does);
- ingest cost: the per-page check time (mean over the partitions).
Results are compared (same set of results required) and written to
benchmarks/results/validate.json and validate.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def run(n: int, seed: int, pyshacl: bool) -> dict:
    """Build (once) a store of n synthetic pages under benchmarks/out/, then measure it."""
    out = HERE / "out" / f"validate-{n}-{seed}"
    pages, store_dir = out / "pages", out / "store"
    if not store_dir.exists():
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
            stdout=subprocess.DEVNULL,
        )
        subprocess.run(
            [
                str(Path(sys.executable).with_name("coopgraph")),
                "ingest",
                "-q",
                "--no-validate",
                "--store",
                str(store_dir),
                str(pages),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
    return {"partnerships": n, "seed": seed, **measure(store_dir, pyshacl)}


def measure(store_dir: Path, pyshacl: bool, partitioned: bool = True) -> dict:
    """Validate a store, in this process: the fast engine; optionally each partnership on its own
    (what the per-page check costs; minutes at 15,000) and pyshacl over the whole graph."""
    from coopgraph import validate as v
    from coopgraph.store import Store

    row: dict = {}
    with Store(store_dir, read_only=True) as store:
        row["stored_partnerships"] = len(store.partnerships())
        row["triples"] = store.count()
        v.checks()  # compile once (cached), as a long-running process would
        t = time.perf_counter()
        fast = v.validate(store, "fast")
        row["fast_s"] = round(time.perf_counter() - t, 3)
        row["results"] = {s: sum(1 for r in fast if r.severity == s) for s in v.SEVERITIES}
        if partitioned:
            t = time.perf_counter()
            keys = sorted(store.partnerships())
            part: set = set()
            for k in keys:
                part.update(v.validate_page(v.partition_quads(store, k)))
            row["partitioned_s"] = round(time.perf_counter() - t, 3)
            row["ingest_check_ms_per_page"] = round(row["partitioned_s"] / max(1, len(keys)) * 1000, 2)
            row["partitioned_same"] = sorted(part, key=v.Result.sort_key) == fast
        if pyshacl:
            t = time.perf_counter()
            ref = v.validate(store, "pyshacl")
            row["pyshacl_s"] = round(time.perf_counter() - t, 3)
            row["pyshacl_same"] = ref == fast
            row["ratio_pyshacl_over_fast"] = round(row["pyshacl_s"] / row["fast_s"], 1)
    return row


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--partnerships", type=int, nargs="+", default=[1500, 15000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--skip-pyshacl-above", type=int, default=10**9)
    ap.add_argument("--out", type=Path, default=HERE / "results" / "validate")
    a = ap.parse_args()
    rows = []
    for n in a.partnerships:
        row = run(n, a.seed, n <= a.skip_pyshacl_above)
        print(json.dumps(row), flush=True)
        rows.append(row)
    meta = {"machine": f"{platform.machine()}, {os.cpu_count()} cores", "python": platform.python_version()}
    a.out.with_suffix(".json").write_text(json.dumps({"meta": meta, "runs": rows}, indent=2) + "\n")
    lines = [
        "# coopgraph validate: fast engine vs one pyshacl run over the whole graph",
        "",
        f"{meta['machine']}, Python {meta['python']}. Synthetic pages (benchmarks/synth.py), wall time, same process.",
        "",
        "| partnerships | triples | pyshacl whole (s) | fast (s) | ratio | partitioned (s) | check per page (ms) | same results |",
        "|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['stored_partnerships']} | {r['triples']} | {r.get('pyshacl_s', '—')} | {r['fast_s']} | "
            f"{r.get('ratio_pyshacl_over_fast', '—')}× | {r['partitioned_s']} | {r['ingest_check_ms_per_page']} | "
            f"pyshacl: {r.get('pyshacl_same', '—')}, partitioned: {r['partitioned_same']} |"
        )
    a.out.with_suffix(".md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()

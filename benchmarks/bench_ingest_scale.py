"""`coopgraph ingest` (with validation) of a large synthetic corpus into a fresh store, as one
whole process: wall time, CPU (the process and its workers), peak RSS of the main process and of
the process tree, peak PSS of the tree, store size.

    python benchmarks/bench_ingest_scale.py [--partnerships 150000] [--seed 1] [--work /tmp/coopgraph-bench-scale]

Builds (once, then reuses) the corpus with synth.py under --work; the store is made again each run.
Writes results/ingest-N.json and ingest-N.md (N: the number of partnerships).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
from pathlib import Path

from bench_queries import HERE, coopgraph_exe, corpus, tree_usage_of, write_results


def folder_mb(path: Path) -> int:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 2**20)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--partnerships", type=int, default=150_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=Path("/tmp/coopgraph-bench-scale"))
    ap.add_argument("--out", type=Path, default=HERE / "results")
    a = ap.parse_args()
    pages = corpus(a.work, a.partnerships, a.seed)
    store = a.work / "store"
    shutil.rmtree(store, ignore_errors=True)
    before = [round(x, 2) for x in os.getloadavg()]
    started = dt.datetime.now().isoformat(timespec="seconds")
    m = tree_usage_of([coopgraph_exe(), "ingest", "-q", "--store", str(store), str(pages)])
    after = [round(x, 2) for x in os.getloadavg()]
    assert m.pop("rc") in (0, 1), m["stderr"]  # 1: some pages had problems, the others loaded
    m.pop("stderr")
    report = {
        "when": started,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "partnerships": a.partnerships,
        "seed": a.seed,
        "load_average_before": before,
        "load_average_after": after,
        **m,
        "store_mb": folder_mb(store),
    }
    shutil.rmtree(store, ignore_errors=True)
    n = a.partnerships
    write_results(
        a.out,
        f"ingest-{n}",
        report,
        f"# Ingest with validation, {n:,} synthetic partnerships\n\n"
        f"Run {report['when']}; machine: {report['machine']}; load average at start {before}, at end {after} "
        "(the machine is shared with other jobs: absolute times move with the load).\n\n"
        "One whole `coopgraph ingest` process (with validation) into a fresh store, "
        f"pages from `synth.py --partnerships {n} --seed {a.seed}`. *Tree*: the process and its workers, "
        "RSS sampled every 50 ms and PSS every 0.5 s.\n\n"
        "| wall s | CPU s | peak RSS main / tree MB | peak PSS tree MB | store MB |\n|---:|---:|---:|---:|---:|\n"
        f"| {m['wall_s']} | {m['cpu_s']} | {m['peak_rss_main_mb']} / {m['peak_rss_tree_mb']} | "
        f"{m['peak_pss_tree_mb']} | {report['store_mb']} |\n",
    )
    print(json.dumps(report, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())

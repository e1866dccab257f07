#!/usr/bin/env python3
"""Benchmark `coopgraph publish` on an Atlas-scale store (target: 15,000 partnerships in < 30 s).

    python benchmarks/bench_publish.py --partnerships 15000 --seed 1 [--work DIR] [--repeat 2]

Builds the store once (synth.py pages, `coopgraph ingest --no-validate`; kept in DIR and reused),
then, in this one process: a baseline (`Store.dump` of the whole graph as N-Triples to a file —
what `coopgraph dump` does) and the publication, each --repeat times. Reports wall-clock seconds,
the stage timings of the best run and the ratio publish / baseline, to
benchmarks/results/publish.{json,md}. The machine is shared: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
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
    exe = Path(sys.executable).with_name("coopgraph")
    subprocess.run(
        [str(exe) if exe.exists() else "coopgraph", "ingest", "--no-validate", "-q", "--store", str(store), str(pages)],
        check=True,
    )
    return store


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--partnerships", type=int, default=15000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=HERE / "out" / "publish")
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--results", type=Path, default=HERE / "results")
    a = ap.parse_args()

    from coopgraph.publish import publish
    from coopgraph.publish.describe import Options
    from coopgraph.store import Store

    a.work.mkdir(parents=True, exist_ok=True)
    t = time.perf_counter()
    store_path = build_store(a.work, a.partnerships, a.seed)
    build_s = time.perf_counter() - t

    baseline, runs, stages = [], [], None
    with Store(store_path, read_only=True) as store:
        for i in range(a.repeat):
            t = time.perf_counter()
            with open(a.work / "baseline.nt", "wb") as out:
                store.dump(out, "ntriples")
            baseline.append(time.perf_counter() - t)
            out_dir = a.work / "release"
            shutil.rmtree(out_dir, ignore_errors=True)
            t = time.perf_counter()
            result = publish(store, out_dir, Options())
            runs.append(time.perf_counter() - t)
            if stages is None or runs[-1] == min(runs):
                stages = result.timings
        sizes = {f.name: f.size for f in result.files}
        fig = result.figures
    (a.work / "baseline.nt").unlink(missing_ok=True)

    report = {
        "partnerships": a.partnerships,
        "seed": a.seed,
        "triples": fig.triples,
        "entities": fig.entities,
        "publish_seconds": [round(x, 2) for x in runs],
        "baseline_dump_seconds": [round(x, 2) for x in baseline],
        "best_publish_seconds": round(min(runs), 2),
        "ratio_publish_to_dump": round(min(runs) / min(baseline), 2),
        "target_seconds": 30,
        "meets_target": min(runs) < 30,
        "stages_of_best_run": stages,
        "file_bytes": sizes,
        "store_build_seconds_if_built": round(build_s, 1),
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "date": time.strftime("%Y-%m-%d %H:%M"),
    }
    a.results.mkdir(parents=True, exist_ok=True)
    (a.results / "publish.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    lines = [
        "# coopgraph publish — benchmark",
        "",
        f"{a.partnerships:,} synthetic partnerships (seed {a.seed}), {fig.triples:,} triples, "
        f"{fig.entities:,} entities; {report['date']}, {os.cpu_count()} CPUs, load average "
        f"{report['machine']['load_average']}.",
        "",
        "| measure | seconds |",
        "|---|---:|",
        f"| publish (best of {a.repeat}) | {min(runs):.1f} |",
        f"| baseline: `Store.dump` N-Triples (best of {a.repeat}) | {min(baseline):.1f} |",
        f"| **ratio publish / dump** | **{report['ratio_publish_to_dump']}** |",
        "",
        "Stages of the best run:",
        "",
        "| stage | seconds |",
        "|---|---:|",
        *[f"| {k} | {v:.2f} |" for k, v in (stages or {}).items()],
        "",
        "Files:",
        "",
        "| file | bytes |",
        "|---|---:|",
        *[f"| {k} | {v:,} |" for k, v in sizes.items()],
        "",
        f"Target < 30 s: {'met' if report['meets_target'] else 'NOT met'}.",
    ]
    (a.results / "publish.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

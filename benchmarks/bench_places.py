#!/usr/bin/env python3
"""What placing the partners costs at ingest, what share gets placed, and how fast the map loads.

    python benchmarks/bench_places.py CORPUS_DIR --baseline-exe PATH/TO/coopgraph [--repeat 3] [--out FILE.json]

- ingest: `coopgraph ingest --no-validate CORPUS_DIR` as a whole process into a fresh store, by this
  checkout's `coopgraph` and by a baseline one (the same project without the places linker: install the
  commit this work starts from in its own venv, see benchmarks/README.md), alternated, median of
  --repeat; the overhead is the ratio of the medians (same machine, same run);
- share placed: foreign and French partners with a point, from the store (benchmarks/places_accuracy.py);
- map: `coopgraph publish`, then the landing page in headless Chromium, offline: the time from
  navigation start to the end of renderMap (the page's `data-ready-ms`: every script parsed, the data
  read and the map drawn), and the size of map/data.js.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def ingest_seconds(exe: str, corpus: Path, work: Path) -> float:
    store = work / f"store-{time.monotonic_ns()}"
    t = time.perf_counter()
    r = subprocess.run(
        [exe, "ingest", "--no-validate", str(corpus)],
        env={**os.environ, "COOPGRAPH_STORE": str(store)},
        capture_output=True,
        text=True,
    )
    dt = time.perf_counter() - t
    if r.returncode not in (0, 1):
        raise SystemExit(f"{exe} ingest failed: {r.stderr[-2000:]}")
    shutil.rmtree(store, ignore_errors=True)
    return dt


def map_load(exe: str, store: Path, work: Path, repeat: int) -> dict:
    out = work / "release"
    t = time.perf_counter()
    subprocess.run([exe, "publish", str(out), "-q"], env={**os.environ, "COOPGRAPH_STORE": str(store)}, check=True)
    publish_s = time.perf_counter() - t
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    ready, render = [], []
    for i in range(repeat):
        r = subprocess.run(
            [
                chromium,
                *CHROMIUM_FLAGS,
                f"--user-data-dir={work / f'profile-{i}'}",
                "--dump-dom",
                (out / "index.html").as_uri(),
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
        m = re.search(r'id="partnership-map"[^>]*data-render-ms="(\d+)" data-ready-ms="(\d+)"', r.stdout)
        if not m:
            raise SystemExit("the map did not render: " + r.stderr[-1000:])
        render.append(int(m.group(1)))
        ready.append(int(m.group(2)))
    return {
        "publish_s": round(publish_s, 2),
        "data_js_bytes": (out / "map" / "data.js").stat().st_size,
        "map_ready_ms_median": statistics.median(ready),
        "map_render_ms_median": statistics.median(render),
        "runs": repeat,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus", type=Path)
    ap.add_argument("--exe", default=shutil.which("coopgraph") or str(Path(sys.executable).with_name("coopgraph")))
    ap.add_argument("--baseline-exe", required=True)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        runs: dict[str, list[float]] = {"places": [], "baseline": []}
        for _ in range(args.repeat):  # alternated, so that a change in the machine's load hits both
            runs["baseline"].append(ingest_seconds(args.baseline_exe, args.corpus, work))
            runs["places"].append(ingest_seconds(args.exe, args.corpus, work))
        med = {k: statistics.median(v) for k, v in runs.items()}
        store = work / "kept"
        subprocess.run(
            [args.exe, "ingest", "--no-validate", str(args.corpus)],
            capture_output=True,
            env={**os.environ, "COOPGRAPH_STORE": str(store)},
        )
        from places_accuracy import french_share_store, foreign_share_store

        result = {
            "pages": sum(1 for _ in args.corpus.rglob("*.txt")),
            "ingest_s": {k: [round(x, 2) for x in v] for k, v in runs.items()},
            "ingest_median_s": {k: round(v, 2) for k, v in med.items()},
            "overhead": round(med["places"] / med["baseline"] - 1, 4),
            "load_average": os.getloadavg(),
            "french_placed": french_share_store(store),
            "foreign_placed": foreign_share_store(store),
            "map": map_load(args.exe, store, work, args.repeat),
        }
    text = json.dumps(result, indent=1, ensure_ascii=False)
    print(text)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()

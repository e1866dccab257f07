#!/usr/bin/env python3
"""The map in `coopgraph serve`: size and time of /map/data.json, first asked (computed by a worker)
and asked again (from the answer cache), beside the home page in the same run (the baseline: a
page every visitor loads), and the same data computed in process by Atlas.map_data().

    python benchmarks/bench_serve_map.py --store benchmarks/out/store-1500 [--repeat 5]

Starts the installed `coopgraph serve` (the one beside this Python) on a free 127.0.0.1 port; prints
one JSON object. Every request is to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_serve import free_port, start_server, stop  # noqa: E402


def timed(client: httpx.Client, path: str) -> tuple[float, int]:
    t = time.perf_counter()
    r = client.get(path)
    r.raise_for_status()
    return time.perf_counter() - t, len(r.content)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True, type=Path)
    ap.add_argument("--repeat", type=int, default=5)
    a = ap.parse_args()
    import coopgraph

    with coopgraph.open(a.store, read_only=True) as atlas:
        t = time.perf_counter()
        data = atlas.map_data()
        in_process = time.perf_counter() - t
    port = free_port()
    with open(os.devnull, "wb") as log:
        proc = start_server(a.store, port, 2, 120, 128, log)
    try:
        c = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=300)
        home_first, _ = timed(c, "/")
        map_first, size = timed(c, "/map/data.json")
        home_again = statistics.median(timed(c, "/")[0] for _ in range(a.repeat))
        map_again = statistics.median(timed(c, "/map/data.json")[0] for _ in range(a.repeat))
        page, _ = timed(c, "/map")
    finally:
        stop(proc)
    print(
        json.dumps(
            {
                "partnerships": len(data["partnerships"]),
                "foreign": len(data["foreign"]),
                "french": len(data["french"]),
                "placed_foreign": sum(n["lat"] is not None for n in data["foreign"]),
                "data_json_bytes": size,
                "map_data_in_process_s": round(in_process, 3),
                "data_json_first_s": round(map_first, 3),
                "data_json_cached_median_s": round(map_again, 4),
                "home_first_s": round(home_first, 3),
                "home_cached_median_s": round(home_again, 4),
                "map_page_s": round(page, 4),
                "load_average": os.getloadavg(),
            },
            indent=1,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Load test of `coopgraph serve`: a bounded local client (loopback only) on a mix of pages, saved
queries and searches, with C concurrent clients; throughput, p50/p95/p99 latency, errors.

    python benchmarks/bench_serve.py --store benchmarks/out/store-15000 [--clients 32] [--duration 30]
                                     [--workers 2] [--timeout 30] [--seed 1] [--out benchmarks/results]

It starts the installed `coopgraph serve` (the one beside this Python) on a free 127.0.0.1 port, reads a
sample of IRIs and words from the store through the server itself, runs one client alone (the
baseline: latency without contention), then C clients at once for --duration seconds, and writes
`serve-<partnerships>.json` and `.md` under --out. Every request is to 127.0.0.1; the number of
requests is bounded by --duration and --max-requests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

KINDS = {  # share of the mix
    "partnership page": 0.25,
    "collectivité page": 0.15,
    "funder page": 0.10,
    "home": 0.05,
    "saved query (JSON)": 0.15,
    "saved query (HTML)": 0.05,
    "sparql (JSON)": 0.05,
    "search": 0.20,
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def coopgraph() -> str:
    exe = Path(sys.executable).with_name("coopgraph")
    return str(exe) if exe.exists() else "coopgraph"


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


def sample(base: str, rng: random.Random) -> dict[str, list[tuple[str, dict]]]:
    """The requests of each kind, from what the store holds (asked through the server)."""
    c = httpx.Client(base_url=base, timeout=300)

    def select(q: str) -> list[dict]:
        r = c.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"})
        r.raise_for_status()
        return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]

    def path(iri: str) -> str:
        return iri.replace("https://w3id.org/coopgraph", "")

    parts = select("SELECT ?p ?t WHERE { ?p a cg:Partnership ; dcterms:title ?t }")
    colls = select("SELECT DISTINCT ?c WHERE { ?p cg:frenchPartner ?c }")
    funders = select("SELECT DISTINCT ?f WHERE { ?g schema:funder ?f }")
    html = {"Accept": "text/html"}
    words = sorted({w for p in parts for w in re.findall(r"\w{5,}", p["t"]) if not w.isupper()})
    queries = c.get("/queries", headers={"Accept": "application/json"}).json()
    saved = []
    for q in queries:
        saved.append((f"/queries/{q['name']}", {}))
        ex = {k: v["example"] for k, v in q["params"].items() if v.get("example")}
        if ex:
            saved.append((f"/queries/{q['name']}", ex))
    sparql = [
        "SELECT ?t WHERE { ?p a cg:Partnership ; dcterms:title ?t } LIMIT 100",
        "SELECT ?f (SUM(?a) AS ?total) WHERE { ?g schema:funder ?f ; schema:amount ?a } GROUP BY ?f ORDER BY DESC(?total) LIMIT 20",
        "SELECT (COUNT(*) AS ?n) WHERE { ?p cg:foreignPartner ?f }",
    ]
    c.close()
    rng.shuffle(parts)
    return {
        "partnership page": [(path(p["p"]), html) for p in parts[:2000]],
        "collectivité page": [(path(x["c"]), html) for x in rng.sample(colls, min(500, len(colls)))],
        "funder page": [(path(x["f"]), html) for x in rng.sample(funders, min(500, len(funders)))],
        "home": [("/", html)],
        "saved query (JSON)": [
            (
                p + "?" + "&".join(f"{k}={v}" for k, v in ex.items()) if ex else p,
                {"Accept": "application/sparql-results+json"},
            )
            for p, ex in saved
        ],
        "saved query (HTML)": [
            (p + "?" + "&".join(f"{k}={v}" for k, v in ex.items()) if ex else p, html) for p, ex in saved
        ],
        "sparql (JSON)": [
            ("/sparql?" + httpx.QueryParams({"query": q}).__str__(), {"Accept": "application/sparql-results+json"})
            for q in sparql
        ],
        "search": [
            ("/search?" + httpx.QueryParams({"q": w}).__str__(), html) for w in rng.sample(words, min(500, len(words)))
        ],
    }


async def load(
    base: str,
    plan: dict,
    clients: int,
    duration: float,
    max_requests: int,
    seed: int,
    mix: dict[str, float] | None = None,
) -> dict:
    rng = random.Random(seed)
    mix = mix or KINDS
    kinds, weights = list(mix), list(mix.values())
    results: list[tuple[str, float, int]] = []
    errors: list[str] = []
    stop = time.monotonic() + duration
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as c:

        async def client() -> None:
            while time.monotonic() < stop and len(results) + len(errors) < max_requests:
                kind = rng.choices(kinds, weights)[0]
                url, headers = rng.choice(plan[kind])
                t0 = time.perf_counter()
                try:
                    r = await c.get(url, headers=headers)
                    await r.aread()
                    status = r.status_code
                except httpx.HTTPError as e:
                    errors.append(f"{kind} {url}: {type(e).__name__}")
                    continue
                results.append((kind, time.perf_counter() - t0, status))
                if status >= 400:
                    errors.append(f"{kind} {url}: HTTP {status}")

        t0 = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        wall = time.perf_counter() - t0
    lat = [d * 1000 for _, d, _ in results]
    by_kind = {}
    for k in kinds:
        ks = [d * 1000 for kk, d, _ in results if kk == k]
        if ks:
            by_kind[k] = {"n": len(ks), "p50_ms": pct(ks, 50), "p95_ms": pct(ks, 95), "p99_ms": pct(ks, 99)}
    return {
        "clients": clients,
        "seconds": wall,
        "requests": len(results),
        "errors": len(errors),
        "error_samples": errors[:10],
        "throughput_rps": len(results) / wall if wall else 0,
        "p50_ms": pct(lat, 50),
        "p95_ms": pct(lat, 95),
        "p99_ms": pct(lat, 99),
        "mean_ms": statistics.fmean(lat) if lat else float("nan"),
        "by_kind": by_kind,
    }


def start_server(store: Path, port: int, workers: int, timeout: float, cache_mb: float, log) -> subprocess.Popen:
    proc = subprocess.Popen(
        [
            coopgraph(),
            "serve",
            "--store",
            str(store),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--timeout",
            str(timeout),
            "--cache-mb",
            str(cache_mb),
        ],
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    while True:
        assert proc.poll() is None, "the server exited"
        try:
            if httpx.get(base + "/favicon.ico", timeout=5).status_code == 204:
                return proc
        except httpx.TransportError:
            time.sleep(0.2)


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def versus_virtuoso(a, saved: list[tuple[str, dict]], workdir: Path) -> dict:
    """The saved queries alone, C clients: coopgraph serve (no answer cache, 2 workers in its query
    lane) against Virtuoso's /sparql with the same bound query texts, on the same triples."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from support.virtuoso import Virtuoso

    from coopgraph import list_queries
    from coopgraph.endpoint import Endpoint
    from coopgraph.queries import bind

    nt = workdir / "serve-bench.nt"
    subprocess.run(
        [coopgraph(), "dump", "--store", str(a.store), "--format", "ntriples", "-o", str(nt)],
        check=True,
        capture_output=True,
    )
    out = {}
    port = free_port()
    with open(workdir / "serve-vs.log", "wb") as log:
        proc = start_server(a.store, port, 3, a.timeout, 0, log)
        try:
            plan = {
                "saved query": [
                    (
                        p + ("?" + str(httpx.QueryParams(ex)) if ex else ""),
                        {"Accept": "application/sparql-results+json"},
                    )
                    for p, ex in saved
                ]
            }
            out["coopgraph"] = asyncio.run(
                load(
                    f"http://127.0.0.1:{port}",
                    plan,
                    a.clients,
                    a.duration,
                    a.max_requests,
                    a.seed,
                    {"saved query": 1.0},
                )
            )
        finally:
            stop(proc)
    with Virtuoso(buffers=170000).start(workdir / "virtuoso") as v:
        t = time.perf_counter()
        v.load_ntriples(nt, "https://w3id.org/coopgraph/bench")
        out["virtuoso_load_s"] = time.perf_counter() - t
        ep = Endpoint(v.sparql_url, timeout=600)
        queries = list_queries()
        texts = [bind(queries[p.rsplit("/", 1)[1]], ex, ep) for p, ex in saved]
        plan = {
            "saved query": [
                (
                    v.sparql_url + "?" + str(httpx.QueryParams({"query": t})),
                    {"Accept": "application/sparql-results+json"},
                )
                for t in texts
            ]
        }
        out["virtuoso"] = asyncio.run(
            load(v.sparql_url, plan, a.clients, a.duration, a.max_requests, a.seed, {"saved query": 1.0})
        )
    nt.unlink()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--store", required=True, type=Path)
    ap.add_argument("--clients", type=int, default=32)
    ap.add_argument("--duration", type=float, default=30)
    ap.add_argument("--baseline-duration", type=float, default=10)
    ap.add_argument("--max-requests", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--cache-mb", type=float, default=128, help="the server's answer cache (0: none)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--virtuoso",
        action="store_true",
        help="also the saved queries alone on coopgraph serve and on a local Virtuoso (needs virtuoso-t)",
    )
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "results")
    a = ap.parse_args()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    a.out.mkdir(parents=True, exist_ok=True)
    log = open(a.out / f"serve-{port}.log", "wb")
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            coopgraph(),
            "serve",
            "--store",
            str(a.store),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--workers",
            str(a.workers),
            "--timeout",
            str(a.timeout),
            "--cache-mb",
            str(a.cache_mb),
        ],
        stdout=log,
        stderr=log,
    )
    try:
        while True:
            assert proc.poll() is None, "the server exited"
            try:
                if httpx.get(base + "/favicon.ico", timeout=5).status_code == 204:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        startup = time.perf_counter() - t0
        rng = random.Random(a.seed)
        plan = sample(base, rng)
        partnerships = len(plan["partnership page"])
        n = httpx.get(base + "/queries/stats.json", timeout=300).json()["results"]["bindings"][0]["partnerships"][
            "value"
        ]
        # warm-up: every saved query and the home page once (the first run of a query plan is slower)
        for kind in ("home", "saved query (JSON)"):
            for url, headers in plan[kind]:
                httpx.get(base + url, headers=headers, timeout=300)
        print(
            f"server up in {startup:.1f} s on a store of {n} partnerships; baseline: 1 client, {a.baseline_duration:g} s",
            file=sys.stderr,
        )
        baseline = asyncio.run(load(base, plan, 1, a.baseline_duration, a.max_requests, a.seed))
        print(f"load: {a.clients} clients, {a.duration:g} s", file=sys.stderr)
        loaded = asyncio.run(load(base, plan, a.clients, a.duration, a.max_requests, a.seed + 1))
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        text = Path(log.name).read_text(encoding="utf-8", errors="replace")
        os.unlink(log.name)
    del partnerships
    m = re.search(r"(\d+) answers, (\d+) from the cache", text)
    cache = {"answers": int(m.group(1)), "hits": int(m.group(2))} if m else None
    if a.virtuoso:
        print("saved queries alone: coopgraph serve, then Virtuoso", file=sys.stderr)
        saved = [
            (u.split("?")[0], dict(httpx.QueryParams(u.split("?", 1)[1])) if "?" in u else {})
            for u, _ in plan["saved query (JSON)"]
        ]
        import tempfile

        with tempfile.TemporaryDirectory(prefix="bench-serve-") as work:  # dump, logs, Virtuoso's database
            vs = versus_virtuoso(a, saved, Path(work))
    else:
        vs = None
    report = {
        "partnerships": int(n),
        "store": str(a.store),
        "workers": a.workers,
        "startup_s": startup,
        "cache_mb": a.cache_mb,
        "cache": cache,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "loadavg": os.getloadavg()},
        "mix": KINDS,
        "baseline": baseline,
        "load": loaded,
        "versus_virtuoso": vs,
        "throughput_ratio": loaded["throughput_rps"] / baseline["throughput_rps"]
        if baseline["throughput_rps"]
        else None,
    }
    a.out.mkdir(parents=True, exist_ok=True)
    stem = a.out / f"serve-{n}"
    stem.with_suffix(".json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    md = [
        f"# coopgraph serve under load: {int(n):,} partnerships",
        "",
        f"{a.workers} workers (pages lane {max(1, a.workers // 2)}, queries lane {max(1, a.workers - a.workers // 2)}), server up in {startup:.1f} s; {os.cpu_count()} CPUs, load average "
        f"{report['machine']['loadavg'][0]:.2f} before the run (a shared machine: read the ratios). "
        + (
            f"Answer cache {a.cache_mb:g} MB: {cache['hits']} of {cache['answers']} answers from it "
            "(warm-up, baseline and load together)."
            if cache
            else "No answer cache."
        ),
        "",
        "| run | clients | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in (("baseline", baseline), ("load", loaded)):
        md.append(
            f"| {name} | {r['clients']} | {r['requests']} | {r['errors']} | {r['throughput_rps']:.1f} | "
            f"{r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['p99_ms']:.0f} |"
        )
    md += [
        "",
        f"Under load, by kind ({a.clients} clients):",
        "",
        "| kind | n | p50 ms | p95 ms | p99 ms | p50 alone |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for k, v in loaded["by_kind"].items():
        alone = baseline["by_kind"].get(k, {}).get("p50_ms", float("nan"))
        md.append(f"| {k} | {v['n']} | {v['p50_ms']:.0f} | {v['p95_ms']:.0f} | {v['p99_ms']:.0f} | {alone:.0f} |")
    if vs:
        md += [
            "",
            f"The saved queries alone ({len(plan['saved query (JSON)'])} texts: defaults and examples), {a.clients} "
            "clients: coopgraph serve without its answer cache (--cache-mb 0, 2 workers in the query lane) against "
            f"Virtuoso's /sparql with the same bound texts on the same triples (loaded in {vs['virtuoso_load_s']:.0f} s):",
            "",
            "| server | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name in ("coopgraph", "virtuoso"):
            r = vs[name]
            md.append(
                f"| {name} | {r['requests']} | {r['errors']} | {r['throughput_rps']:.1f} | {r['p50_ms']:.0f} | "
                f"{r['p95_ms']:.0f} | {r['p99_ms']:.0f} |"
            )
    if loaded["error_samples"]:
        md += ["", "Errors (first ones): " + "; ".join(loaded["error_samples"])]
    stem.with_suffix(".md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))
    return 1 if loaded["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())

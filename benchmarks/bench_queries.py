"""Latency of every saved query on an Atlas-scale store, beside rdflib and Virtuoso on the same data.

    python benchmarks/bench_queries.py [--partnerships 15000] [--seed 42] [--work /tmp/coopgraph-bench-queries]
                                       [--repeat 15] [--no-rdflib] [--no-virtuoso] [--only NAME ...]

Builds (once, then reuses) a synthetic corpus with benchmarks/synth.py and a store with
`coopgraph ingest --no-validate`, under --work. For each saved query, with its default parameters:
- warm: median wall time of `Store.query` + reading every row, in this process (store opened once);
- cold: median wall time of a whole `coopgraph query NAME --format csv` process;
- rdflib: the same query text on an in-memory rdflib Graph holding the store's N-Triples dump;
- virtuoso: the same query text over HTTP (SPARQLWrapper) on a Virtuoso loaded with the same dump
  (needs virtuoso-t; started and stopped by tests/support/virtuoso.py).
Writes benchmarks/results/queries.json and queries.md. Ratios are against the warm pyoxigraph run
of the same process, so they hold on a busy machine better than absolute times.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def coopgraph_exe() -> str:
    exe = Path(sys.executable).with_name("coopgraph")
    return str(exe) if exe.exists() else "coopgraph"


def build_store(work: Path, n: int, seed: int) -> Path:
    store = work / "store"
    if (store / "open").exists():
        return store
    pages = work / "pages"
    if not pages.exists():
        subprocess.run([sys.executable, str(HERE / "synth.py"), "--partnerships", str(n), "--seed", str(seed),
                        "--out", str(pages)], check=True)
    t = time.perf_counter()
    subprocess.run([coopgraph_exe(), "ingest", "--no-validate", "-q", "--store", str(store), str(pages)], check=True)
    print(f"ingested {n} pages in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return store


def dump(store: Path, work: Path) -> Path:
    nt = work / "dump.nt"
    if not nt.exists():
        subprocess.run([coopgraph_exe(), "dump", "--store", str(store), "--format", "ntriples", "-o", str(nt)],
                       check=True)
    return nt


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise TimeoutError in this (main) thread after `seconds` (pure-Python work is interrupted)."""
    def expired(signum, frame):
        raise TimeoutError
    old = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def timed(fn, repeat: int, warmup: int = 1) -> tuple[float, int]:
    rows = 0
    for _ in range(warmup):
        rows = fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        rows = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--partnerships", type=int, default=15000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--work", type=Path, default=Path("/tmp/coopgraph-bench-queries"))
    ap.add_argument("--store", type=Path, help="use this store instead of building one under --work")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--cold-repeat", type=int, default=5)
    ap.add_argument("--rdflib-repeat", type=int, default=3)
    ap.add_argument("--rdflib-timeout", type=float, default=120,
                    help="give up on a query in rdflib after this many seconds (reported as over it)")
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--no-virtuoso", action="store_true")
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    a = ap.parse_args()

    from coopgraph import queries, results
    from coopgraph.store import Store

    a.work.mkdir(parents=True, exist_ok=True)
    store_path = a.store or build_store(a.work, a.partnerships, a.seed)
    names = [n for n in queries.load_all() if not a.only or n in a.only]
    # Each query with its defaults, then with its example parameters (another plan: a country
    # filter once took 90 s where the default took 3 s), named "NAME k=v ...".
    cases: dict[str, tuple[str, dict[str, str]]] = {}
    for n in names:
        cases[n] = (n, {})
        examples = {k: p.example for k, p in queries.get(n).params.items() if p.example}
        if examples:
            cases[" ".join([n, *(f"{k}={v}" for k, v in examples.items())])] = (n, examples)
    report: dict = {"partnerships": None, "triples": None, "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                    "python": platform.python_version(), "queries": {}}
    class StoreLookup:  # how `coopgraph query` resolves a collectivité parameter, in this process
        def __init__(self, store):
            self.store = store

        def select(self, sparql):
            return results.from_oxigraph(self.store.query(sparql))

    with Store(store_path, read_only=True) as store:
        report["partnerships"] = len(store.partnerships())
        for case, (name, given) in cases.items():
            text = queries.bind(queries.get(name), given, StoreLookup(store))

            def run(text=text):
                return len(results.from_oxigraph(store.query(text)).rows)

            warm, rows = timed(run, a.repeat)
            report["queries"][case] = {"rows": rows, "warm_ms": round(warm * 1000, 2)}
            print(f"{case:<40} warm {warm * 1000:8.1f} ms  rows {rows}", file=sys.stderr)

    for case, (name, given) in cases.items():

        def cold(name=name, given=given):
            p = subprocess.run([coopgraph_exe(), "query", name, *[x for k, v in given.items() for x in ("-p", f"{k}={v}")],
                                "--format", "csv", "--store", str(store_path)],
                               capture_output=True, text=True)
            assert p.returncode == 0, p.stderr
            return p.stdout.count("\n") - 1

        t, _ = timed(cold, a.cold_repeat, warmup=1)
        report["queries"][case]["cold_process_ms"] = round(t * 1000, 1)
        print(f"{case:<40} cold {t * 1000:8.1f} ms", file=sys.stderr)

    nt = None
    if not a.no_rdflib or not a.no_virtuoso:
        nt = dump(store_path, a.work)
        report["triples"] = sum(1 for _ in open(nt, "rb"))

    if not a.no_virtuoso:
        sys.path.insert(0, str(ROOT / "tests"))
        from support.virtuoso import Virtuoso

        from coopgraph.endpoint import Endpoint

        with Virtuoso(buffers=170000).start(a.work / "virtuoso") as v:
            t = time.perf_counter()
            v.load_ntriples(nt, "https://w3id.org/coopgraph/bench")
            report["virtuoso_load_s"] = round(time.perf_counter() - t, 1)
            ep = Endpoint(v.sparql_url, timeout=600)
            for case, (name, given) in cases.items():
                text = queries.bind(queries.get(name), given, ep)
                t, rows = timed(lambda text=text: len(ep.select(text).rows), a.repeat)
                q = report["queries"][case]
                q["virtuoso_ms"] = round(t * 1000, 2)
                q["virtuoso_rows"] = rows
                print(f"{case:<40} virtuoso {t * 1000:8.1f} ms  rows {rows}", file=sys.stderr)

    if not a.no_rdflib:
        import rdflib

        g = rdflib.Graph()
        t = time.perf_counter()
        g.parse(nt, format="nt")
        report["rdflib_load_s"] = round(time.perf_counter() - t, 1)
        print(f"rdflib loaded {len(g)} triples in {report['rdflib_load_s']} s", file=sys.stderr)
        for case, (name, given) in cases.items():
            if given.keys() & {k for k, p in queries.get(name).params.items() if p.type == "collectivite"}:
                continue  # resolving a collectivité needs a store or an endpoint
            text = queries.bind(queries.get(name), given)
            q = report["queries"][case]
            try:
                with time_limit(a.rdflib_timeout):
                    t, rows = timed(lambda text=text: len(list(g.query(text))), a.rdflib_repeat, warmup=0)
            except TimeoutError:
                # rdflib joins sub-selects row by row: the shapes that engines with hash joins run
                # fast can take it far longer. Record the bound, not a made-up time.
                q["rdflib_ms"] = f"> {a.rdflib_timeout * 1000:.0f}"
                q["rdflib_ratio"] = f"> {a.rdflib_timeout * 1000 / max(q['warm_ms'], 0.01):.0f}"
                print(f"{case:<40} rdflib over {a.rdflib_timeout:.0f} s: given up", file=sys.stderr)
                continue
            q["rdflib_ms"] = round(t * 1000, 1)
            q["rdflib_rows"] = rows
            q["rdflib_ratio"] = round(t * 1000 / max(q["warm_ms"], 0.01), 1)
            print(f"{case:<40} rdflib {t * 1000:10.1f} ms  ({q['rdflib_ratio']}x)  rows {rows}", file=sys.stderr)

    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "queries.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (a.out / "queries.md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


def markdown(r: dict) -> str:
    lines = [f"# Saved-query latency ({r['partnerships']} synthetic partnerships"
             + (f", {r['triples']:,} triples" if r.get("triples") else "") + ")", "",
             f"Machine: {r['machine']}, Python {r['python']}. Medians. Warm = in-process on the open store "
             "(query + reading every row); cold = a whole `coopgraph query NAME --format csv` process; "
             "rdflib = in-memory rdflib Graph of the same dump; Virtuoso = the same text over HTTP "
             "(SPARQLWrapper, JSON).", "",
             "| query | rows | warm ms | cold process ms | rdflib ms | rdflib / warm | Virtuoso ms |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    for name, q in r["queries"].items():
        lines.append(f"| {name} | {q['rows']} | {q['warm_ms']} | {q.get('cold_process_ms', '')} | "
                     f"{q.get('rdflib_ms', '')} | {q.get('rdflib_ratio', '')} | {q.get('virtuoso_ms', '')} |")
    extra = [f"{k}: {r[k]} s" for k in ("rdflib_load_s", "virtuoso_load_s") if k in r]
    if extra:
        lines += ["", "Loading: " + "; ".join(extra) + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

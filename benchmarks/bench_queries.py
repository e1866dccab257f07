"""Every saved query on an Atlas-scale store: coopgraph as the server and the CLI answer it, beside a
local Virtuoso holding the same dump, measured in the same run; plus search, and ingest against a
plain bulk load.

    python benchmarks/bench_queries.py [--partnerships 15000] [--seed 42] [--work /tmp/coopgraph-bench-queries]
                                       [--repeat 15] [--no-rdflib] [--no-virtuoso] [--no-ingest] [--only NAME ...]
                                       [--rounds N] [--baseline-exe PATH] [--ingest-only]

Builds (once, then reuses) a synthetic corpus with benchmarks/synth.py under --work. Unless
--no-ingest (or --store), ingests it WITH validation into a fresh store (a whole `coopgraph ingest`
process: wall time, peak RSS), then bulk-loads the same quads (the store's N-Quads dump) into a
fresh on-disk pyoxigraph store (a whole process: `Store.bulk_load`), and reports the ratio (wall
time, CPU time, peak memory of the main process and of its whole process tree). --rounds N alternates
the two N times; --baseline-exe times another coopgraph (an older commit's) on the same pages in each
round; --ingest-only stops there (results/ingest.json and ingest.md).

For each saved query, with its defaults and with its example parameters:
- server first / repeated: a warm process as `coopgraph serve` holds it (`coopgraph.open(...,
  read_only=True, memory=True)`, the in-memory copy loaded first): the first request for that
  query and parameters (result cache empty: one measurement), the median of the same answer
  computed again without the cache ("uncached", steadier than one first request), and the median
  of repeated requests (from the result cache);
- disk: in-process on the on-disk store, the saved query's own (plain) text, without cache, memory
  copy or disk plan (`warm_ms`; search-partnerships still takes its candidates from the index):
  what the disk plans save;
- cold: median wall time and peak RSS of a whole `coopgraph query NAME --format csv` process (on
  the disk, with the disk plans), computing its answer (kept answers off), then reading the answer
  an earlier process kept beside the store (answers.py);
- virtuoso: the same text over HTTP (SPARQLWrapper, JSON) on a Virtuoso loaded with the same dump
  (needs virtuoso-t; started and stopped by tests/support/virtuoso.py);
- rdflib (optional): the same text on an in-memory rdflib Graph of the same dump.
Search (Atlas.search, the full-text index): in the warm process (first request, uncached), and the
first search of a fresh process that has just opened the store (wall and CPU time of that call).
Ratios are against Virtuoso measured in the same run. Memory: the RSS the in-memory copy adds to
the warm process, peak RSS of each cold process, Virtuoso's RSS. Writes
benchmarks/results/queries.json and queries.md.

The machine running it may be shared (the dev machine has 2 cores and runs other jobs): absolute
times move with the load; ratios measured in the same run are the figures to read.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# Cases beyond each query's defaults and example: the example words of search-partnerships are not
# in the synthetic titles, so a common word checks the index's candidates at scale too.
EXTRA_CASES = {"search-partnerships": [{"text": "eau"}]}


def coopgraph_exe() -> str:
    exe = Path(sys.executable).with_name("coopgraph")
    return str(exe) if exe.exists() else "coopgraph"


# Runs the command and reports its wall time and peak RSS. A small process of its own: a child
# forked from a big parent (this benchmark holds the in-memory copy) inherits the parent's RSS high
# water mark in ru_maxrss, so the command is started from here instead.
_WRAPPER = """import os, subprocess, sys, time
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(p.pid, 0)
print(time.perf_counter() - t, usage.ru_maxrss, os.waitstatus_to_exitcode(status), file=sys.stderr)
"""


# Words searched (Atlas.search): a place in one page, common words, a phrase and a word in every
# synthetic page ("coopération décentralisée", "de": every match is scored, the worst case).
SEARCH_WORDS = ("Ségou", "eau", "assainissement", "Mali", "lyon", "coopération décentralisée", "programme", "de")

# The first search of a fresh process that has just opened the store (read-only, no in-memory copy):
# wall and CPU ms of that one call, printed as JSON.
_FRESH_SEARCH = """import json, sys, time
import coopgraph
atlas = coopgraph.open(sys.argv[1], read_only=True)
c, t = time.thread_time(), time.perf_counter()
atlas.search(sys.argv[2])
print(json.dumps([(time.perf_counter() - t) * 1000, (time.thread_time() - c) * 1000]))
"""


def fresh_search(store: Path, word: str) -> tuple[float, float]:
    """(wall ms, CPU ms) of the first Atlas.search(word) in a fresh process (_FRESH_SEARCH)."""
    p = subprocess.run([sys.executable, "-c", _FRESH_SEARCH, str(store), word], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    wall, cpu = json.loads(p.stdout)
    return wall, cpu


def peak_rss_of(cmd: list[str], **kwargs) -> tuple[float, float, subprocess.CompletedProcess]:
    """(wall s, peak RSS MB of the command's process, completed process)."""
    p = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True, **kwargs)
    *err, last = p.stderr.rstrip("\n").split("\n")
    wall, rss_kb, code = last.split()
    return (float(wall), int(rss_kb) / 1024, subprocess.CompletedProcess(cmd, int(code), p.stdout, "\n".join(err)))


def rss_mb(pid: int | str = "self") -> tuple[float, float]:
    """(current, peak) resident memory of a process, in MB."""
    cur = peak = 0.0
    with open(f"/proc/{pid}/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                cur = int(line.split()[1]) / 1024
            elif line.startswith("VmHWM:"):
                peak = int(line.split()[1]) / 1024
    return round(cur, 1), round(peak, 1)


def corpus(work: Path, n: int, seed: int) -> Path:
    pages = work / "pages"
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
    return pages


def build_store(work: Path, n: int, seed: int) -> Path:
    store = work / "store"
    if (store / "open").exists():
        return store
    pages = corpus(work, n, seed)
    t = time.perf_counter()
    subprocess.run([coopgraph_exe(), "ingest", "--no-validate", "-q", "--store", str(store), str(pages)], check=True)
    print(f"ingested {n} pages in {time.perf_counter() - t:.0f} s", file=sys.stderr)
    return store


_TREE_SAMPLER = """import os, subprocess, sys, threading, time
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
def tree(pid, pss):
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            if pss:  # smaps_rollup walks the page tables: costly for a big process, read it less often
                with open(f"/proc/{p}/smaps_rollup") as f:
                    total += next(int(x.split()[1]) for x in f if x.startswith("Pss:"))
            else:
                with open(f"/proc/{p}/statm") as f:
                    total += int(f.read().split()[1]) * PAGE_KB
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    todo.extend(int(c) for c in f.read().split())
        except (OSError, ValueError, StopIteration):
            continue
    return total
t = time.perf_counter()
p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
peak = [0, 0]
done = threading.Event()
def sample():
    n = 0
    while not done.is_set():
        peak[0] = max(peak[0], tree(p.pid, False))
        if n % 10 == 0:
            peak[1] = max(peak[1], tree(p.pid, True))
        n += 1
        done.wait(0.05)
th = threading.Thread(target=sample, daemon=True)
th.start()
_, status, usage = os.wait4(p.pid, 0)
wall = time.perf_counter() - t
done.set()
th.join()
cpu = usage.ru_utime + usage.ru_stime
print(wall, cpu, usage.ru_maxrss, peak[0], peak[1], os.waitstatus_to_exitcode(status), file=sys.stderr)
"""


def tree_usage_of(cmd: list[str], **kwargs) -> dict:
    """Wall s, CPU s (the process and its workers), peak RSS MB of the main process, and peak RSS
    and PSS of the whole process tree (RSS sampled every 50 ms, PSS every 0.5 s; RSS counts pages
    that forked workers share with the main process once per process, PSS divides them among the
    processes)."""
    p = subprocess.run([sys.executable, "-c", _TREE_SAMPLER, *cmd], capture_output=True, text=True, **kwargs)
    *err, last = p.stderr.rstrip("\n").split("\n")
    wall, cpu, main_kb, rss_kb, pss_kb, code = last.split()
    return {
        "wall_s": round(float(wall), 1),
        "cpu_s": round(float(cpu), 1),
        "peak_rss_main_mb": round(int(main_kb) / 1024),
        "peak_rss_tree_mb": round(int(rss_kb) / 1024),
        "peak_pss_tree_mb": round(int(pss_kb) / 1024),
        "rc": int(code),
        "stderr": "\n".join(err),
    }


def ingest_against_bulk_load(
    work: Path, n: int, seed: int, rounds: int = 1, baseline_exe: str | None = None
) -> tuple[dict, Path]:
    """Ingest with validation into a fresh store, then a plain bulk load of the same quads, `rounds`
    times alternated (medians reported; the machine is shared, so each round's ratio too); with
    `baseline_exe`, another coopgraph (e.g. an older commit) ingests the same pages in each round."""
    pages = corpus(work, n, seed)
    store = work / "store"
    nq = work / "dump.nq"
    target = work / "bulk-store"
    code = (
        "import sys; from pyoxigraph import Store, RdfFormat\n"
        "s = Store(sys.argv[1]); s.bulk_load(path=sys.argv[2], format=RdfFormat.N_QUADS); s.flush()\n"
    )
    runs: list[dict] = []
    for k in range(rounds):
        run: dict = {"load_average_before": [round(x, 2) for x in os.getloadavg()]}
        exes = [("ingest", coopgraph_exe())] + ([("baseline", baseline_exe)] if baseline_exe else [])
        for name, exe in exes if k % 2 == 0 else exes[::-1]:
            where = store if name == "ingest" else work / "baseline-store"
            shutil.rmtree(where, ignore_errors=True)
            m = tree_usage_of([exe, "ingest", "-q", "--store", str(where), str(pages)])
            assert m.pop("rc") in (0, 1), m["stderr"]  # 1: some pages had problems, the others loaded
            m.pop("stderr")
            run[name] = m
            print(f"round {k + 1}: {name} (validated) {m}", file=sys.stderr)
        if k == 0:
            subprocess.run(
                [coopgraph_exe(), "dump", "--store", str(store), "--format", "nquads", "-o", str(nq)], check=True
            )
        shutil.rmtree(target, ignore_errors=True)
        m = tree_usage_of([sys.executable, "-c", code, str(target), str(nq)])
        assert m.pop("rc") == 0, m["stderr"]
        m.pop("stderr")
        run["bulk_load"] = m
        shutil.rmtree(target, ignore_errors=True)
        run["ingest_over_bulk_load"] = round(run["ingest"]["wall_s"] / m["wall_s"], 2)
        if baseline_exe:
            run["baseline_over_bulk_load"] = round(run["baseline"]["wall_s"] / m["wall_s"], 2)
        print(f"round {k + 1}: bulk_load {m}; ratio {run['ingest_over_bulk_load']}", file=sys.stderr)
        runs.append(run)
    shutil.rmtree(work / "baseline-store", ignore_errors=True)

    def median(part: str, key: str) -> float:
        return round(statistics.median(r[part][key] for r in runs), 1)

    r: dict = {
        "quads": sum(1 for _ in open(nq, "rb")),
        "rounds": runs,
        "ingest_validated_s": median("ingest", "wall_s"),
        "ingest_cpu_s": median("ingest", "cpu_s"),
        "ingest_peak_rss_main_mb": max(x["ingest"]["peak_rss_main_mb"] for x in runs),
        "ingest_peak_rss_tree_mb": max(x["ingest"]["peak_rss_tree_mb"] for x in runs),
        "ingest_peak_pss_tree_mb": max(x["ingest"]["peak_pss_tree_mb"] for x in runs),
        "bulk_load_s": median("bulk_load", "wall_s"),
        "bulk_load_cpu_s": median("bulk_load", "cpu_s"),
        "bulk_load_peak_rss_mb": max(x["bulk_load"]["peak_rss_main_mb"] for x in runs),
        "ingest_over_bulk_load": round(statistics.median(x["ingest_over_bulk_load"] for x in runs), 2),
    }
    if baseline_exe:
        r["baseline_exe"] = baseline_exe
        r["baseline_validated_s"] = median("baseline", "wall_s")
        r["baseline_cpu_s"] = median("baseline", "cpu_s")
        r["baseline_peak_rss_main_mb"] = max(x["baseline"]["peak_rss_main_mb"] for x in runs)
        r["baseline_peak_rss_tree_mb"] = max(x["baseline"]["peak_rss_tree_mb"] for x in runs)
        r["baseline_peak_pss_tree_mb"] = max(x["baseline"]["peak_pss_tree_mb"] for x in runs)
        r["baseline_over_bulk_load"] = round(statistics.median(x["baseline_over_bulk_load"] for x in runs), 2)
    return r, store


def dump(store: Path, work: Path) -> Path:
    nt = work / "dump.nt"
    if not nt.exists() or nt.stat().st_mtime < (store / "generation").stat().st_mtime:
        subprocess.run(
            [coopgraph_exe(), "dump", "--store", str(store), "--format", "ntriples", "-o", str(nt)], check=True
        )
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


def ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def write_results(out: Path, stem: str, report: dict, md: str) -> None:
    """`out/STEM.json` (the report) and `out/STEM.md` (its table), the folder made if need be."""
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (out / f"{stem}.md").write_text(md, encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--partnerships", type=int, default=15000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--work", type=Path, default=Path("/tmp/coopgraph-bench-queries"))
    ap.add_argument("--store", type=Path, help="use this store instead of building one under --work")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--cold-repeat", type=int, default=5)
    ap.add_argument("--rdflib-repeat", type=int, default=3)
    ap.add_argument(
        "--rdflib-timeout",
        type=float,
        default=120,
        help="give up on a query in rdflib after this many seconds (reported as over it)",
    )
    ap.add_argument("--no-rdflib", action="store_true")
    ap.add_argument("--no-virtuoso", action="store_true")
    ap.add_argument(
        "--no-ingest", action="store_true", help="reuse the store under --work (no ingest/bulk-load timing)"
    )
    ap.add_argument("--no-server", action="store_true", help="skip the warm-process (memory copy) measurements")
    ap.add_argument(
        "--ingest-only",
        action="store_true",
        help="only the ingest against bulk load part; writes results/ingest.json and ingest.md",
    )
    ap.add_argument("--rounds", type=int, default=1, help="ingest and bulk load this many times, alternated")
    ap.add_argument(
        "--baseline-exe", help="another coopgraph executable (e.g. an older commit's) to ingest the same pages"
    )
    ap.add_argument("--only", nargs="*")
    ap.add_argument("--out", type=Path, default=HERE / "results")
    a = ap.parse_args()

    import coopgraph
    from coopgraph import engine, queries, results
    from coopgraph.store import Store

    a.work.mkdir(parents=True, exist_ok=True)
    report: dict = {
        "partnerships": None,
        "triples": None,
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "python": platform.python_version(),
        "started": time.strftime("%Y-%m-%dT%H:%M:%S"),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
        "queries": {},
        "search": {},
    }
    if a.ingest_only:
        report["ingest"], _ = ingest_against_bulk_load(a.work, a.partnerships, a.seed, a.rounds, a.baseline_exe)
        report["partnerships"] = a.partnerships
        report["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        write_results(a.out, "ingest", report, ingest_markdown(report))
        print(ingest_markdown(report))
        return 0
    if a.store:
        store_path = a.store
    elif a.no_ingest:
        store_path = build_store(a.work, a.partnerships, a.seed)
    else:
        report["ingest"], store_path = ingest_against_bulk_load(
            a.work, a.partnerships, a.seed, a.rounds, a.baseline_exe
        )
    names = [n for n in queries.load_all() if not a.only or n in a.only]
    # Each query with its defaults, then with its example parameters (another plan: a country
    # filter once took 90 s where the default took 3 s), named "NAME k=v ...".
    cases: dict[str, tuple[str, dict[str, str]]] = {}
    for n in names:
        cases[n] = (n, {})
        examples = {k: p.example for k, p in queries.get(n).params.items() if p.example}
        if examples:
            cases[" ".join([n, *(f"{k}={v}" for k, v in examples.items())])] = (n, examples)
        for extra in EXTRA_CASES.get(n, []):
            cases[" ".join([n, *(f"{k}={v}" for k, v in extra.items())])] = (n, extra)

    class StoreLookup:  # how `coopgraph query` resolves a collectivité parameter, in this process
        def __init__(self, store):
            self.store = store

        def select(self, sparql):
            return results.from_oxigraph(self.store.query(sparql))

    # -- disk, in-process, no cache, the saved (plain) text: what the disk plans are measured against --
    with Store(store_path, read_only=True) as store:
        report["partnerships"] = len(store.partnerships())
        for case, (name, given) in cases.items():
            text = queries.bind(queries.get(name), given, StoreLookup(store))

            def run(text=text, name=name):
                return len(engine.select(store, text, name, cache=None).rows)

            warm, rows = timed(run, a.repeat)
            report["queries"][case] = {"rows": rows, "warm_ms": ms(warm)}
            print(f"{case:<45} disk {warm * 1000:8.1f} ms  rows {rows}", file=sys.stderr)

    # -- the server's way: a warm process with the in-memory copy and the result cache ------------
    if not a.no_server:
        before = rss_mb()[0]
        t = time.perf_counter()
        # Computed answers: not the ones an earlier process kept beside the store (answers.py).
        os.environ["COOPGRAPH_ANSWER_CACHE_MB"] = "0"
        atlas = coopgraph.open(store_path, read_only=True, memory=True)
        del os.environ["COOPGRAPH_ANSWER_CACHE_MB"]
        assert atlas.wait_for_memory(600), "the in-memory copy did not load"
        copy = engine.memory_copy(atlas.store)
        report["server"] = {
            "memory_copy_load_s": round(time.perf_counter() - t, 2),
            "memory_copy_quads": copy.quads,
            "memory_copy_rss_mb": round(rss_mb()[0] - before, 1),
        }
        engine.RESULTS.clear()
        for case, (name, given) in cases.items():
            q = report["queries"][case]
            t = time.perf_counter()
            rows = atlas.query(name, **given)
            q["server_first_ms"] = ms(time.perf_counter() - t)
            text = queries.bind(queries.get(name), given, StoreLookup(atlas.store))
            uncached, _ = timed(
                lambda text=text, name=name: len(engine.select(atlas.store, text, name, cache=None).rows),
                max(3, a.repeat // 3),
                warmup=0,
            )
            q["server_uncached_ms"] = ms(uncached)
            repeated, _ = timed(lambda name=name, given=given: len(atlas.query(name, **given)), a.repeat, warmup=0)
            q["server_repeated_ms"] = ms(repeated)
            assert len(rows) == q["rows"], (case, len(rows), q["rows"])
            print(
                f"{case:<45} server first {q['server_first_ms']:8.1f}  uncached {q['server_uncached_ms']:8.1f}  "
                f"repeated {q['server_repeated_ms']:6.2f} ms",
                file=sys.stderr,
            )
        report["server"]["result_cache_mb"] = round(engine.RESULTS.bytes / 1024 / 1024, 1)
        report["server"]["process_rss_mb"] = rss_mb()[0]
        # Search: the full-text index (Atlas.search) and the saved query it helps.
        for word in SEARCH_WORDS:
            engine.RESULTS.clear()
            t = time.perf_counter()
            found = atlas.search(word)
            first = time.perf_counter() - t
            uncached, _ = timed(lambda word=word: len(engine.search(atlas.store, word, 50, cache=None).rows), a.repeat)
            fresh = [fresh_search(store_path, word) for _ in range(a.cold_repeat)]
            report["search"][word] = {
                "rows": len(found),
                "first_ms": ms(first),
                "uncached_ms": ms(uncached),
                "fresh_first_ms": round(statistics.median(f[0] for f in fresh), 2),
                "fresh_first_cpu_ms": round(statistics.median(f[1] for f in fresh), 2),
            }
            s = report["search"][word]
            print(
                f"search {word!r:<30} {len(found)} rows, first {s['first_ms']:.1f} ms, uncached {s['uncached_ms']:.2f} "
                f"ms, fresh process first {s['fresh_first_ms']:.1f} ms ({s['fresh_first_cpu_ms']:.1f} ms CPU)",
                file=sys.stderr,
            )
        atlas.close()
        del atlas, copy

    # -- cold: a whole `coopgraph query` process, computing its answer, then reading a kept one ----
    for case, (name, given) in cases.items():
        peaks: list[float] = []

        def cold(name=name, given=given, peaks=peaks, env=None):
            wall, peak, p = peak_rss_of(
                [
                    coopgraph_exe(),
                    "query",
                    name,
                    *[x for k, v in given.items() for x in ("-p", f"{k}={v}")],
                    "--format",
                    "csv",
                    "--store",
                    str(store_path),
                ],
                env={**os.environ, **(env or {})},
            )
            assert p.returncode == 0, p.stderr
            peaks.append(peak)
            return p.stdout.count("\n") - 1

        # computed: no answer kept beside the store is read or written
        t, _ = timed(lambda: cold(env={"COOPGRAPH_ANSWER_CACHE_MB": "0"}), a.cold_repeat, warmup=1)
        # kept: the first process computes and keeps the answer (not measured), the next ones read it
        k, _ = timed(cold, a.cold_repeat, warmup=1)
        q = report["queries"][case]
        q["cold_process_ms"] = round(t * 1000, 1)
        q["cold_kept_ms"] = round(k * 1000, 1)
        q["cold_peak_rss_mb"] = round(max(peaks))
        print(
            f"{case:<45} cold {t * 1000:8.1f} ms, kept {k * 1000:6.1f} ms  peak RSS {max(peaks):.0f} MB",
            file=sys.stderr,
        )

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
                q["virtuoso_ms"] = ms(t)
                q["virtuoso_rows"] = rows
                for mode in (
                    "server_first_ms",
                    "server_uncached_ms",
                    "server_repeated_ms",
                    "cold_process_ms",
                    "cold_kept_ms",
                ):
                    if q.get(mode) is not None and t > 0:
                        q[mode.replace("_ms", "_over_virtuoso")] = round(q[mode] / (t * 1000), 2)
                print(f"{case:<45} virtuoso {t * 1000:8.1f} ms  rows {rows}", file=sys.stderr)
            pid = getattr(getattr(v, "_proc", None), "pid", None)
            if pid:
                report["virtuoso_rss_mb"], report["virtuoso_peak_rss_mb"] = rss_mb(pid)

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
                q["rdflib_ms"] = f"> {a.rdflib_timeout * 1000:.0f}"
                q["rdflib_ratio"] = f"> {a.rdflib_timeout * 1000 / max(q['warm_ms'], 0.01):.0f}"
                print(f"{case:<45} rdflib over {a.rdflib_timeout:.0f} s: given up", file=sys.stderr)
                continue
            q["rdflib_ms"] = round(t * 1000, 1)
            q["rdflib_rows"] = rows
            q["rdflib_ratio"] = round(t * 1000 / max(q["warm_ms"], 0.01), 1)
            print(f"{case:<45} rdflib {t * 1000:10.1f} ms  ({q['rdflib_ratio']}x)  rows {rows}", file=sys.stderr)

    report["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    write_results(a.out, "queries", report, markdown(report))
    print(markdown(report))
    return 0


def _f(x, digits: int = 1) -> str:
    if x is None or x == "":
        return ""
    if isinstance(x, str):
        return x
    return f"{x:,.{digits}f}"


def summary(r: dict) -> list[str]:
    """The goals, counted: first answers against Virtuoso, repeated answers, cold processes."""
    qs = list(r["queries"].values())
    out = []
    for key, what in (("server_first_over_virtuoso", "first answer"), ("server_uncached_over_virtuoso", "uncached")):
        ratios = [q[key] for q in qs if isinstance(q.get(key), (int, float))]
        if ratios:
            out.append(
                f"- {what} / Virtuoso: {sum(x <= 1.0 for x in ratios)} of {len(ratios)} cases within 1.0×, "
                f"{sum(x <= 2.0 for x in ratios)} within 2×; highest {max(ratios):.2f}×;"
            )
    rep = [q["server_repeated_ms"] for q in qs if q.get("server_repeated_ms") is not None]
    if rep:
        out.append(
            f"- repeated answers: {sum(x < 10 for x in rep)} of {len(rep)} under 10 ms (slowest {max(rep):.2f} ms);"
        )
    for key, what in (("cold_process_ms", "computing its answer"), ("cold_kept_ms", "reading a kept answer")):
        cold = [q[key] for q in qs if q.get(key) is not None]
        if cold:
            out.append(
                f"- cold `coopgraph query` processes {what}: {sum(x < 1000 for x in cold)} of {len(cold)} "
                f"under 1 s (slowest {max(cold):,.0f} ms);"
            )
    return out


def _ingest_section(ing: dict) -> list[str]:
    rounds = ing.get("rounds", [])
    n = len(rounds)
    lines = [
        "## Ingest against a plain bulk load",
        "",
        f"Medians of {n} alternated round(s); peak memory: the largest of the rounds. *Tree*: the process and "
        "its workers, RSS sampled every 50 ms and PSS every 0.5 s (RSS counts the pages forked workers share "
        "with the main process once per process; PSS shares them out).",
        "",
        "| | wall s | CPU s | peak RSS main / tree MB | peak PSS tree MB |",
        "|---|---:|---:|---:|---:|",
        f"| `coopgraph ingest` with validation, fresh store | {ing['ingest_validated_s']} | "
        f"{ing.get('ingest_cpu_s', '')} | {ing['ingest_peak_rss_main_mb']} / {ing.get('ingest_peak_rss_tree_mb', '')} | "
        f"{ing.get('ingest_peak_pss_tree_mb', '')} |",
    ]
    if ing.get("baseline_exe"):
        lines.append(
            f"| the same with `{ing['baseline_exe']}` (baseline) | {ing['baseline_validated_s']} | "
            f"{ing['baseline_cpu_s']} | {ing['baseline_peak_rss_main_mb']} / {ing['baseline_peak_rss_tree_mb']} | "
            f"{ing['baseline_peak_pss_tree_mb']} |"
        )
    lines += [
        f"| `Store.bulk_load` of the same {ing['quads']:,} quads (its N-Quads dump), fresh on-disk store | "
        f"{ing['bulk_load_s']} | {ing.get('bulk_load_cpu_s', '')} | {ing['bulk_load_peak_rss_mb']} | |",
        "",
        f"Ingest / bulk load: **{ing['ingest_over_bulk_load']}×**"
        + (f" (baseline: {ing['baseline_over_bulk_load']}×)" if ing.get("baseline_exe") else "")
        + (
            "; each round: "
            + ", ".join(str(x["ingest_over_bulk_load"]) for x in rounds)
            + (
                " (baseline: " + ", ".join(str(x["baseline_over_bulk_load"]) for x in rounds) + ")"
                if ing.get("baseline_exe")
                else ""
            )
            if n > 1
            else ""
        )
        + ".",
        "",
    ]
    return lines


def ingest_markdown(r: dict) -> str:
    return "\n".join(
        [
            f"# Ingest against a plain bulk load ({r['partnerships']:,} synthetic partnerships)",
            "",
            f"Run {r.get('started', '')}; machine: {r['machine']}, Python {r['python']}; load average at start "
            f"{r.get('load_average_start')}, at end {r.get('load_average_end')}. The machine is shared with "
            "other jobs: absolute times move with the load; read the ratios, measured in the same round.",
            "",
            *_ingest_section(r["ingest"]),
        ]
    )


def markdown(r: dict) -> str:
    lines = [
        f"# Saved queries: coopgraph beside Virtuoso ({r['partnerships']:,} synthetic partnerships"
        + (f", {r['triples']:,} triples" if r.get("triples") else "")
        + ")",
        "",
        f"Run {r.get('started', '')}; machine: {r['machine']}, Python {r['python']}; load average at start "
        f"{r.get('load_average_start')}, at end {r.get('load_average_end')}. **The machine was shared with other "
        "jobs: absolute times move with the load; read the ratios, measured in the same run.** Medians unless said.",
        "",
        "- *server first*: a warm process as `coopgraph serve` holds it (`coopgraph.open(read_only=True, "
        "memory=True)`, in-memory copy loaded), the first request for the query and parameters (one "
        "measurement); *uncached*: the same answer computed again without the result cache (median); "
        "*repeated*: the same request again (result cache);",
        "- *disk, plain*: in-process on the on-disk store, the saved query's own text, no cache, memory "
        "copy or disk plan; *cold*: a whole `coopgraph query NAME --format csv` process (on the disk, with "
        "the disk plans: wall time, peak RSS), *computed* (kept answers off) and reading the answer an earlier "
        "process *kept* beside the store;",
        "- *Virtuoso*: the same text over HTTP on a local Virtuoso 7 holding the same dump; ratios are "
        "coopgraph / Virtuoso (below 1: coopgraph faster).",
        "",
    ]
    if r.get("ingest"):
        lines += _ingest_section(r["ingest"])
    srv = r.get("server")
    if srv:
        lines += [
            "## Memory",
            "",
            f"- warm process: in-memory copy of {srv['memory_copy_quads']:,} quads loaded in "
            f"{srv['memory_copy_load_s']} s, adding {srv['memory_copy_rss_mb']} MB RSS; process RSS after "
            f"every query {srv['process_rss_mb']} MB (result cache ~{srv['result_cache_mb']} MB by its estimate);",
        ]
        if r.get("virtuoso_rss_mb"):
            lines.append(
                f"- Virtuoso server: RSS {r['virtuoso_rss_mb']} MB (peak {r['virtuoso_peak_rss_mb']} MB), "
                f"170,000 buffers configured;"
            )
        peaks = [q.get("cold_peak_rss_mb") for q in r["queries"].values() if q.get("cold_peak_rss_mb")]
        if peaks:
            lines.append(f"- cold `coopgraph query` processes: peak RSS {min(peaks)}–{max(peaks)} MB.")
        lines.append("")
    lines += [
        "## Every saved query (ms)",
        "",
        "| query | rows | server first | uncached | repeated | disk, plain | cold, computed | cold, kept | Virtuoso | first / V | uncached / V | cold / V |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, q in r["queries"].items():
        lines.append(
            f"| {name} | {q['rows']} | {_f(q.get('server_first_ms'))} | {_f(q.get('server_uncached_ms'))} | "
            f"{_f(q.get('server_repeated_ms'), 2)} | {_f(q.get('warm_ms'))} | {_f(q.get('cold_process_ms'), 0)} | "
            f"{_f(q.get('cold_kept_ms'), 0)} | "
            f"{_f(q.get('virtuoso_ms'))} | {_f(q.get('server_first_over_virtuoso'), 2)} | "
            f"{_f(q.get('server_uncached_over_virtuoso'), 2)} | {_f(q.get('cold_process_over_virtuoso'), 2)} |"
        )
    lines += ["", *summary(r)]
    if r.get("search"):
        lines += [
            "",
            "## Search (`Atlas.search`, full-text index)",
            "",
            "*first*: the first search for the words in the warm process above (result cache emptied); *uncached*: "
            "the same search again without the result cache (median); *fresh process*: the first search of a "
            "process that has just opened the store read-only (median of the cold runs; CPU: that call's own CPU "
            "time, which the load moves less).",
            "",
            "| words | rows | first ms | uncached ms | fresh process first ms | its CPU ms |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for w, s in r["search"].items():
            lines.append(
                f"| {w} | {s['rows']} | {_f(s['first_ms'], 2)} | {_f(s['uncached_ms'], 2)} | "
                f"{_f(s.get('fresh_first_ms'), 2)} | {_f(s.get('fresh_first_cpu_ms'), 2)} |"
            )
    if any("rdflib_ms" in q for q in r["queries"].values()):
        lines += [
            "",
            "## rdflib (in-memory Graph of the same dump)",
            "",
            "| query | rdflib ms | rdflib / disk |",
            "|---|---:|---:|",
        ]
        for name, q in r["queries"].items():
            if "rdflib_ms" in q:
                lines.append(f"| {name} | {q['rdflib_ms']} | {q.get('rdflib_ratio', '')} |")
    extra = [f"{k}: {r[k]} s" for k in ("rdflib_load_s", "virtuoso_load_s") if k in r]
    if extra:
        lines += ["", "Loading: " + "; ".join(extra) + "."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())

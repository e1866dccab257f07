#!/usr/bin/env python3
"""coopgraph benchmark suite: ingest, validation, saved queries and dumps at Atlas scale.

    python benchmarks/run.py [--sizes 1500 15000 [150000]] [--seed 1] [--repeat 3]
                             [--baselines-up-to 1500] [--only ingest validate queries dumps]

For each size, on SYNTHETIC pages (benchmarks/synth.py, reused from benchmarks/out/ between runs):
- ingest: `coopgraph ingest --no-validate` as a whole process into a fresh store, --repeat times
  (median): wall time, pages/s, triples/s, CPU time, peak RSS of the main process and of the
  whole process tree (main + workers, sampled), store size on disk; once more with validation;
- validate: benchmarks/bench_validate.py's measure() (full validation by the fast engine; pyshacl over
  the whole graph as the baseline) run on the store just built;
- queries: benchmarks/bench_queries.py (every saved query warm in-process, cold as a whole
  `coopgraph query` process, rdflib in-memory as the baseline) on the same store;
- dumps: Turtle and N-Triples, in-process (`Store.dump`) and as a whole `coopgraph dump`
  process, against rdflib's serialisers on the same triples.
Baselines (pyshacl, rdflib) run only up to --baselines-up-to partnerships: above, each would take
far longer than a few minutes, and the report says they were not measured.

Writes benchmarks/results/run.json and run.md (machine described, load average recorded: the
dev machine is shared, so read ratios measured in the same run before absolute seconds).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

# Targets of issue #6 (2-core machine)
TARGETS = {
    "ingest_15000_s": 30.0,
    "ingest_150000_s": 300.0,
    "ingest_rss_mb": 1536.0,
    "query_warm_ms": {15000: 50.0, 150000: 500.0},
    "validate_speedup_15000": 10.0,
    "turtle_dump_15000_s": 5.0,
}


def log(msg: str) -> None:
    print(f"[run {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def coopgraph_exe() -> str:
    exe = Path(sys.executable).with_name("coopgraph")
    return str(exe) if exe.exists() else "coopgraph"


# -- machine -----------------------------------------------------------------------------------
def machine() -> dict:
    cpu = ""
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = 0
    try:
        for line in open("/proc/meminfo", encoding="utf-8"):
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    except OSError:
        pass
    versions = {}
    for mod in ("pyoxigraph", "rdflib", "pyshacl"):
        try:
            from importlib.metadata import version

            versions[mod] = version(mod)
        except Exception:
            versions[mod] = None
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mb": mem,
        "os": platform.platform(),
        "python": platform.python_version(),
        "versions": versions,
        "commit": commit,
        "filesystem_of_work": _fs_type(HERE / "out"),
    }


def _fs_type(path: Path) -> str:
    path.mkdir(parents=True, exist_ok=True)
    p = subprocess.run(["df", "--output=fstype", str(path)], capture_output=True, text=True)
    return p.stdout.split()[-1] if p.returncode == 0 and p.stdout.split() else "?"


def loadavg() -> list[float]:
    try:
        return [float(x) for x in open("/proc/loadavg").read().split()[:3]]
    except OSError:
        return []


# -- process measurement -----------------------------------------------------------------------
def _tree_rss_kb(pid: int) -> int:
    """RSS of a process and all its descendants (shared pages counted in each: an upper bound)."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total


def measure(cmd: list[str], env: dict | None = None) -> dict:
    """Run a command; wall time, CPU time (with its children), peak RSS (main; tree, sampled)."""
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    peak = [0]
    main_cpu = [0.0]
    done = threading.Event()
    tick = os.sysconf("SC_CLK_TCK")

    def sample() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
            try:  # the main process's own CPU time (wait4 adds its workers')
                fields = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()
                main_cpu[0] = (int(fields[11]) + int(fields[12])) / tick
            except (OSError, ValueError, IndexError):
                pass
            done.wait(0.05)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    out_chunks: list[bytes] = []
    err_chunks: list[bytes] = []
    readers = [
        threading.Thread(target=lambda: out_chunks.append(proc.stdout.read()), daemon=True),
        threading.Thread(target=lambda: err_chunks.append(proc.stderr.read()), daemon=True),
    ]
    for r in readers:
        r.start()
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t
    done.set()
    th.join()
    for r in readers:
        r.join()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {
        "wall_s": wall,
        "cpu_s": ru.ru_utime + ru.ru_stime,
        "cpu_main_s": main_cpu[0],
        "rss_main_mb": ru.ru_maxrss / 1024,
        "rss_tree_mb": peak[0] / 1024,
        "rc": proc.returncode,
        "stdout": b"".join(out_chunks).decode("utf-8", "replace"),
        "stderr": b"".join(err_chunks).decode("utf-8", "replace"),
    }


def du_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


# -- corpus --------------------------------------------------------------------------------------
def corpus(work: Path, n: int, seed: int) -> Path:
    """Synthetic pages, generated once per (size, seed, generator version) and reused."""
    stamp = hashlib.sha256((HERE / "synth.py").read_bytes()).hexdigest()[:12]
    out = work / f"corpus-{n}-s{seed}"
    marker = out / ".synth-version"
    if marker.exists() and marker.read_text() == stamp:
        return out
    shutil.rmtree(out, ignore_errors=True)
    log(f"generating {n} synthetic pages in {out}")
    subprocess.run(
        [sys.executable, str(HERE / "synth.py"), "--partnerships", str(n), "--seed", str(seed), "--out", str(out)],
        check=True,
    )
    marker.write_text(stamp)
    return out


# -- ingest ------------------------------------------------------------------------------------------
def bench_ingest(n: int, pages: Path, work: Path, repeat: int, with_validation: bool) -> tuple[dict, Path]:
    runs = []
    store = work / f"store-{n}"
    for k in range(repeat):
        shutil.rmtree(store, ignore_errors=True)
        la = loadavg()
        m = measure([coopgraph_exe(), "ingest", "--no-validate", "-q", "--store", str(store), str(pages)])
        if m["rc"] not in (0, 1):
            raise SystemExit(f"ingest failed ({m['rc']}): {m['stderr'][-2000:]}")
        m["loadavg_before"] = la
        m.pop("stdout"), m.pop("stderr")
        runs.append(m)
        log(
            f"ingest {n}: run {k + 1}/{repeat} {m['wall_s']:.1f} s, cpu {m['cpu_s']:.1f} s, "
            f"rss main {m['rss_main_mb']:.0f} MB, tree {m['rss_tree_mb']:.0f} MB (load {la})"
        )
    from coopgraph.store import Store

    with Store(store, read_only=True) as s:
        loaded = len(s.partnerships())
        triples = s.count()
        personal = s.personal_count()
    wall = statistics.median(r["wall_s"] for r in runs)
    row = {
        "pages": n,
        "loaded": loaded,
        "triples": triples,
        "personal_triples": personal,
        "runs": runs,
        "wall_s": round(wall, 2),
        "cpu_s": round(statistics.median(r["cpu_s"] for r in runs), 2),
        "cpu_main_s": round(statistics.median(r["cpu_main_s"] for r in runs), 2),
        "pages_per_s": round(loaded / wall, 1),
        "triples_per_s": round(triples / wall),
        "rss_main_mb": round(max(r["rss_main_mb"] for r in runs)),
        "rss_tree_mb": round(max(r["rss_tree_mb"] for r in runs)),
        "store_mb": round(du_mb(store), 1),
    }
    if with_validation:
        vstore = work / f"store-{n}-validated"
        shutil.rmtree(vstore, ignore_errors=True)
        m = measure([coopgraph_exe(), "ingest", "-q", "--store", str(vstore), str(pages)])
        row["validated"] = {
            "wall_s": round(m["wall_s"], 2),
            "cpu_s": round(m["cpu_s"], 2),
            "rc": m["rc"],
            "pages_per_s": round(loaded / m["wall_s"], 1),
            "rss_tree_mb": round(m["rss_tree_mb"]),
        }
        log(f"ingest {n} with validation: {m['wall_s']:.1f} s")
        shutil.rmtree(vstore, ignore_errors=True)
    return row, store


# -- validation --------------------------------------------------------------------------------------
def _module(name: str):
    path = HERE / f"{name}.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def bench_validate(n: int, seed: int, store: Path, baselines: bool, partitioned: bool) -> dict:
    """Full validation (fast engine) and the pyshacl whole-graph baseline on the store just built,
    by bench_validate.py's measure(); its per-partnership pass (the per-page check's cost, minutes
    at 15,000 pages) only when `partitioned`."""
    row = _module("bench_validate").measure(store, baselines, partitioned)
    return {"partnerships": n, "source": "benchmarks/bench_validate.py measure()", **row}


# -- queries -----------------------------------------------------------------------------------------
def bench_queries(n: int, store: Path, work: Path, baselines: bool, repeat: int) -> dict:
    script = HERE / "bench_queries.py"
    out = work / f"queries-{n}"
    out.mkdir(parents=True, exist_ok=True)
    if script.exists():
        cmd = [
            sys.executable,
            str(script),
            "--store",
            str(store),
            "--work",
            str(out),
            "--out",
            str(out),
            "--no-virtuoso",
            "--repeat",
            str(max(repeat, 15)),
            "--cold-repeat",
            "5",
            "--rdflib-repeat",
            "1",
            "--rdflib-timeout",
            "30",
        ]
        if not baselines:
            cmd.append("--no-rdflib")
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            return {"error": p.stderr[-3000:], "source": "benchmarks/bench_queries.py"}
        r = json.loads((out / "queries.json").read_text(encoding="utf-8"))
        r["source"] = "benchmarks/bench_queries.py"
        return r
    from coopgraph import queries, results
    from coopgraph.store import Store

    r: dict = {"queries": {}, "source": "run.py fallback (warm only)"}
    with Store(store, read_only=True) as s:
        for name in queries.load_all():
            text = queries.get(name).text
            times = []
            for _ in range(repeat + 1):
                t = time.perf_counter()
                rows = len(results.from_oxigraph(s.query(text)).rows)
                times.append(time.perf_counter() - t)
            r["queries"][name] = {"rows": rows, "warm_ms": round(statistics.median(times[1:]) * 1000, 2)}
    return r


# -- dumps -----------------------------------------------------------------------------------------
def bench_dumps(n: int, store: Path, work: Path, baselines: bool, repeat: int) -> dict:
    from coopgraph.store import Store

    row: dict = {}
    target = work / f"dump-{n}"
    with Store(store, read_only=True) as s:
        triples = s.count()
        for fmt, ext in (("turtle", "ttl"), ("ntriples", "nt")):
            times = []
            for _ in range(repeat):
                t = time.perf_counter()
                with open(target.with_suffix("." + ext), "wb") as fh:
                    s.dump(fh, fmt)
                times.append(time.perf_counter() - t)
            size = target.with_suffix("." + ext).stat().st_size
            wall = statistics.median(times)
            # The baseline in the same run: the same dump read from the database, not the N-Triples cache.
            t = time.perf_counter()
            with open(target.with_suffix(".db." + ext), "wb") as fh:
                s.dump(fh, fmt, use_cache=False)
            from_db = time.perf_counter() - t
            target.with_suffix(".db." + ext).unlink()
            row[fmt] = {
                "wall_s": round(wall, 2),
                "triples_per_s": round(triples / wall),
                "mb_per_s": round(size / 2**20 / wall, 1),
                "size_mb": round(size / 2**20, 1),
                "from_database_s": round(from_db, 2),
                "database_over_cache": round(from_db / wall, 1),
            }
            log(f"dump {n} {fmt}: {wall:.2f} s in-process ({from_db:.2f} s read from the database)")
    m = measure(
        [
            coopgraph_exe(),
            "dump",
            "--store",
            str(store),
            "--format",
            "turtle",
            "-o",
            str(target.with_suffix(".cli.ttl")),
        ]
    )
    row["turtle"]["process_wall_s"] = round(m["wall_s"], 2)
    target.with_suffix(".cli.ttl").unlink(missing_ok=True)
    if baselines:
        import rdflib

        g = rdflib.Graph()
        t = time.perf_counter()
        g.parse(target.with_suffix(".nt"), format="nt")
        row["rdflib_load_s"] = round(time.perf_counter() - t, 2)
        for fmt, rfmt in (("turtle", "turtle"), ("ntriples", "nt")):
            t = time.perf_counter()
            with open(target.with_suffix(".rdflib"), "wb") as fh:
                g.serialize(fh, format=rfmt)
            wall = time.perf_counter() - t
            row[fmt]["rdflib_s"] = round(wall, 2)
            row[fmt]["rdflib_over_coopgraph"] = round(wall / row[fmt]["wall_s"], 1)
            log(f"dump {n} {fmt}: rdflib {wall:.1f} s")
        target.with_suffix(".rdflib").unlink(missing_ok=True)
        del g
    for ext in ("ttl", "nt"):
        target.with_suffix("." + ext).unlink(missing_ok=True)
    return row


# -- the other scripts' own reports -------------------------------------------------------------
def gathered(results: Path) -> dict:
    """benchmarks/results/{validate,queries,publish}.* as their owners last wrote them."""
    out = {}
    for name in ("validate", "queries", "publish"):
        js, md = results / f"{name}.json", results / f"{name}.md"
        if md.exists():
            out[name] = {
                "written": dt.datetime.fromtimestamp(md.stat().st_mtime).isoformat(timespec="minutes"),
                "markdown": md.read_text(encoding="utf-8"),
                "json": json.loads(js.read_text(encoding="utf-8")) if js.exists() else None,
            }
    return out


# -- report ----------------------------------------------------------------------------------------
def _fmt(x, unit: str = "") -> str:
    if x is None or x == "":
        return "—"
    if isinstance(x, float):
        x = f"{x:,.2f}" if x < 100 else f"{x:,.0f}"
    elif isinstance(x, int):
        x = f"{x:,}"
    return f"{x}{unit}"


def verdicts(report: dict) -> list[tuple[str, str, str]]:
    out = []
    sizes = {r["pages"]: r for r in report["sizes"]}

    def ok(b: bool) -> str:
        return "met" if b else "**missed**"

    for n, key in ((15000, "ingest_15000_s"), (150000, "ingest_150000_s")):
        r = sizes.get(n, {}).get("ingest")
        if r:
            out.append(
                (f"ingest {n:,} pages < {TARGETS[key]:.0f} s", f"{r['wall_s']} s", ok(r["wall_s"] < TARGETS[key]))
            )
            out.append(
                (
                    f"ingest {n:,}: peak RSS < 1.5 GB",
                    f"{r['rss_tree_mb']} MB (tree), {r['rss_main_mb']} MB (main)",
                    ok(r["rss_tree_mb"] < TARGETS["ingest_rss_mb"]),
                )
            )
    for n, limit in TARGETS["query_warm_ms"].items():
        q = sizes.get(n, {}).get("queries", {}).get("queries")
        if q:
            worst = max(q.items(), key=lambda kv: kv[1]["warm_ms"])
            out.append(
                (
                    f"every saved query warm < {limit:.0f} ms at {n:,}",
                    f"slowest {worst[0]} {worst[1]['warm_ms']} ms",
                    ok(worst[1]["warm_ms"] < limit),
                )
            )
    g = report.get("gathered", {})
    gq = (g.get("queries") or {}).get("json") or {}
    for n, limit in TARGETS["query_warm_ms"].items():
        if gq.get("partnerships") == n and not sizes.get(n, {}).get("queries") and gq.get("queries"):
            worst = max(gq["queries"].items(), key=lambda kv: kv[1]["warm_ms"])
            over = sum(1 for q in gq["queries"].values() if q["warm_ms"] >= limit)
            out.append(
                (
                    f"every saved query warm < {limit:.0f} ms at {n:,} (bench_queries.py's run)",
                    f"slowest {worst[0]} {worst[1]['warm_ms']} ms; {over} of {len(gq['queries'])} over",
                    ok(over == 0),
                )
            )
    gv = (g.get("validate") or {}).get("json") or {}
    if not sizes.get(15000, {}).get("validate"):
        for r in gv.get("runs", []):
            if r.get("ratio_pyshacl_over_fast"):
                out.append(
                    (
                        f"full validation ≥ 10× faster than pyshacl (bench_validate.py's run at {r['partnerships']:,}; "
                        "15,000 not measured: pyshacl alone would take hours)",
                        f"{r['ratio_pyshacl_over_fast']}× ({r['fast_s']} s against {r['pyshacl_s']} s)",
                        ok(r["ratio_pyshacl_over_fast"] >= TARGETS["validate_speedup_15000"]),
                    )
                )
    v = sizes.get(15000, {}).get("validate")
    if v and v.get("ratio_pyshacl_over_fast"):
        out.append(
            (
                "full validation at 15,000 ≥ 10× faster than pyshacl",
                f"{v['ratio_pyshacl_over_fast']}×",
                ok(v["ratio_pyshacl_over_fast"] >= TARGETS["validate_speedup_15000"]),
            )
        )
    d = sizes.get(15000, {}).get("dumps")
    if d:
        out.append(
            (
                "Turtle dump of the 15,000 store < 5 s",
                f"{d['turtle']['wall_s']} s",
                ok(d["turtle"]["wall_s"] < TARGETS["turtle_dump_15000_s"]),
            )
        )
    return out


def markdown(report: dict) -> str:
    m = report["machine"]
    L = [
        "# coopgraph benchmarks",
        "",
        f"Run {report['started']} → {report['finished']}, commit `{m['commit']}`. Machine: {m['cpu']}, "
        f"{m['cores']} cores, {m['memory_mb'] // 1024} GB RAM, {m['filesystem_of_work']} file system; Python "
        f"{m['python']}, pyoxigraph {m['versions']['pyoxigraph']}, rdflib {m['versions']['rdflib']}, "
        f"pyshacl {m['versions']['pyshacl']}. Load average at start {report['loadavg_start']}, at end "
        f"{report['loadavg_end']} (the machine is shared: compare ratios measured in the same run).",
        "",
        "All data is **synthetic** (benchmarks/synth.py, seed "
        f"{report['seed']}): never real Atlas data. Times are wall-clock medians of {report['repeat']} runs "
        "unless said otherwise.",
        "",
    ]
    L += ["## Targets", "", "| target | measured | |", "|---|---|---|"]
    L += [f"| {a} | {b} | {c} |" for a, b, c in verdicts(report)]
    L += [
        "",
        "## Ingest (`coopgraph ingest --no-validate`, whole process, fresh store)",
        "",
        "| pages | wall s | pages/s | triples | triples/s | CPU s all / main | peak RSS main / tree MB | store MB | with validation s |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in report["sizes"]:
        r = s.get("ingest")
        if r:
            L.append(
                f"| {r['loaded']:,} | {r['wall_s']} | {_fmt(r['pages_per_s'])} | {r['triples']:,} | "
                f"{r['triples_per_s']:,} | {r['cpu_s']} / {r['cpu_main_s']} | {r['rss_main_mb']} / {r['rss_tree_mb']} | {r['store_mb']} | "
                f"{r.get('validated', {}).get('wall_s', '—')} |"
            )
    L += [
        "",
        "Peak RSS: *main* is the ingest process itself; *tree* adds its worker processes, sampled every "
        "50 ms, counting pages they share with the main process in each (an upper bound).",
        "",
    ]
    if any(s.get("validate") for s in report["sizes"]):
        L += [
            "## Validation (full store)",
            "",
            "| partnerships | triples | fast engine s | pyshacl whole graph s | ratio | same results | per-page check ms |",
            "|---:|---:|---:|---:|---:|---|---:|",
        ]
    for s in report["sizes"]:
        v = s.get("validate")
        if v:
            L.append(
                f"| {s['pages']:,} | {_fmt(v.get('triples'))} | {v.get('fast_s')} | {v.get('pyshacl_s', 'not measured')} | "
                f"{_fmt(v.get('ratio_pyshacl_over_fast'), '×') if v.get('ratio_pyshacl_over_fast') else '—'} | "
                f"{v.get('pyshacl_same', '—')} | {v.get('ingest_check_ms_per_page', '—')} |"
            )
    L += ["", "## Saved queries (median ms)", ""]
    sizes_q = [s for s in report["sizes"] if s.get("queries", {}).get("queries")]
    if sizes_q:
        names = list(sizes_q[0]["queries"]["queries"])
        head = (
            "| query | "
            + " | ".join(f"warm {s['pages']:,} | cold {s['pages']:,} | rdflib {s['pages']:,}" for s in sizes_q)
            + " |"
        )
        L += [head, "|---|" + "---:|" * (3 * len(sizes_q))]
        for name in names:
            cells = []
            for s in sizes_q:
                q = s["queries"]["queries"].get(name, {})
                cells += [_fmt(q.get("warm_ms")), _fmt(q.get("cold_process_ms")), _fmt(q.get("rdflib_ms"))]
            L.append(f"| {name} | " + " | ".join(cells) + " |")
        L += [
            "",
            "warm: in-process on the open embedded store, query + reading every row; cold: a whole "
            "`coopgraph query NAME --format csv` process (Python start-up included); rdflib: the same text on an "
            "in-memory rdflib Graph of the same triples (one run).",
        ]
    L += [
        "",
        "## Dumps",
        "",
        "coopgraph s: `Store.dump` from the N-Triples cache (the default); database s: the same dump "
        "read from the on-disk database (the cache bypassed), in the same run.",
        "",
        "| partnerships | format | coopgraph s | triples/s | MB/s | size MB | `coopgraph dump` process s | database s | database / coopgraph | rdflib s | rdflib / coopgraph |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in report["sizes"]:
        d = s.get("dumps")
        if d:
            for fmt in ("turtle", "ntriples"):
                x = d[fmt]
                L.append(
                    f"| {s['pages']:,} | {fmt} | {x['wall_s']} | {x['triples_per_s']:,} | {x['mb_per_s']} | "
                    f"{x['size_mb']} | {x.get('process_wall_s', '—')} | {x.get('from_database_s', '—')} | "
                    f"{_fmt(x.get('database_over_cache'), '×') if x.get('database_over_cache') else '—'} | "
                    f"{x.get('rdflib_s', 'not measured')} | "
                    f"{_fmt(x.get('rdflib_over_coopgraph'), '×') if x.get('rdflib_over_coopgraph') else '—'} |"
                )
    skipped = [s["pages"] for s in report["sizes"] if s["pages"] > report["baselines_up_to"]]
    if skipped:
        L += [
            "",
            f"Baselines (pyshacl, rdflib) not measured at {', '.join(f'{n:,}' for n in skipped)} partnerships: "
            "each would take far longer than a few minutes (and rdflib needs several GB per million triples); "
            f"they are measured up to {report['baselines_up_to']:,}.",
        ]
    for name, g in report.get("gathered", {}).items():
        body = g["markdown"].splitlines()
        title = body[0].lstrip("# ").strip() if body and body[0].startswith("#") else name
        L += [
            "",
            f"## From benchmarks/results/{name}.md (bench_{name}.py, written {g['written']})",
            "",
            f"*{title}*",
            "",
        ] + [("#" + x if x.startswith("#") else x) for x in body[1:]]
    if report.get("notes"):
        L += ["", "## Notes", ""] + [f"- {x}" for x in report["notes"]]
    return "\n".join(L) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[1500, 15000])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=3, help="runs per measurement (median); 1 above 15,000")
    ap.add_argument(
        "--baselines-up-to",
        type=int,
        default=1500,
        help="measure pyshacl and rdflib baselines only up to this many partnerships",
    )
    ap.add_argument(
        "--validated-ingest-up-to",
        type=int,
        default=1500,
        help="also time an ingest with per-page validation up to this size (slow: minutes at 15,000)",
    )
    ap.add_argument(
        "--partitioned-up-to",
        type=int,
        default=1500,
        help="run bench_validate.py's per-partnership pass up to this size (slow: minutes at 15,000)",
    )
    ap.add_argument(
        "--only",
        nargs="+",
        choices=["ingest", "validate", "queries", "dumps"],
        default=["ingest", "validate", "queries", "dumps"],
    )
    ap.add_argument("--work", type=Path, default=HERE / "out")
    ap.add_argument("--results", type=Path, default=HERE / "results")
    ap.add_argument("--note", action="append", default=[], help="a line for the report's notes")
    ap.add_argument(
        "--merge", action="store_true", help="keep the parts of results/run.json that this run does not measure"
    )
    a = ap.parse_args(argv)

    work = a.work / "run"
    work.mkdir(parents=True, exist_ok=True)
    report = {
        "started": dt.datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "seed": a.seed,
        "repeat": a.repeat,
        "baselines_up_to": a.baselines_up_to,
        "loadavg_start": loadavg(),
        "sizes": [],
        "notes": a.note,
    }
    previous = {}
    if a.merge and (a.results / "run.json").exists():
        old = json.loads((a.results / "run.json").read_text(encoding="utf-8"))
        previous = {s["pages"]: s for s in old.get("sizes", [])}
        report["notes"] = old.get("notes", []) + [x for x in a.note if x not in old.get("notes", [])]
        report["merged_from"] = old.get("merged_from", []) + [old.get("started")]
    for n in a.sizes:
        repeat = a.repeat if n <= 15000 else 1
        baselines = n <= a.baselines_up_to
        pages = corpus(a.work, n, a.seed)
        size: dict = {**previous.pop(n, {}), "pages": n, "repeat": repeat}
        store = work / f"store-{n}"
        if "ingest" in a.only or not (store / "open").exists():
            size["ingest"], store = bench_ingest(n, pages, work, repeat, with_validation=n <= a.validated_ingest_up_to)
        if "validate" in a.only:
            log(f"validate {n}")
            size["validate"] = bench_validate(n, a.seed, store, baselines, n <= a.partitioned_up_to)
        if "queries" in a.only:
            log(f"queries {n}")
            size["queries"] = bench_queries(n, store, work, baselines, a.repeat)
        if "dumps" in a.only:
            size["dumps"] = bench_dumps(n, store, work, baselines, repeat)
        report["sizes"].append(size)
        report["sizes"].sort(key=lambda x: x["pages"])
        _write(a.results, report)  # after each size: a long run leaves partial results behind
    report["sizes"] = sorted([*report["sizes"], *previous.values()], key=lambda x: x["pages"])
    report["gathered"] = gathered(a.results)
    report["finished"] = dt.datetime.now().isoformat(timespec="seconds")
    report["loadavg_end"] = loadavg()
    _write(a.results, report)
    print(markdown(report))
    return 0


def _write(results: Path, report: dict) -> None:
    results.mkdir(parents=True, exist_ok=True)
    report.setdefault("finished", "(running)")
    report.setdefault("loadavg_end", loadavg())
    (results / "run.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    (results / "run.md").write_text(markdown(report), encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

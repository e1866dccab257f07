"""Every command, every option, bad values: a message, never a traceback (issue #12, case 3).

The commands and their options are read from the installed CLI itself, so an option added later is
covered without editing this file. Each option gets the bad values of its kind (paths: missing,
a file where a folder is expected and the reverse, below a file, impossible to create, empty, too
long; a store that is not a store, a damaged store, a read-only store; choices: unknown, empty;
numbers: negative, zero, huge, not a number; text: empty, huge, with a line break), one at a time,
the other arguments valid. Each run is the real `coopgraph` in a subprocess; it must exit 0, 1 or 2
with no 'Traceback' anywhere in its output and, when it fails, say why on standard error.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess

import click
import pytest

from conftest import SEED, coopgraph_exe
from coopgraph.cli import main

HUGE = "x" * 100_000  # below the kernel's limit for one argument (128 KiB)
CLOSED = "http://127.0.0.1:9/sparql"  # the discard port: nothing listens, refused at once

# Valid arguments for each command, so that only the value under test is wrong. Nothing here
# reaches the network: endpoints point at a closed local port.
BASE = {
    "ingest": ["{seed}"],
    "dump": [],
    "link": ["--report"],
    "publish": ["{tmp}/release"],
    "push": ["--endpoint", CLOSED, "--graph", "http://example.org/g", "--timeout", "2"],
    "query": ["stats"],
    "sparql": ["ASK {}"],
    "stats": [],
    "validate": [],
}

STORES = [
    "{missing}",
    "{afile}",
    "{below_file}",
    "{notastore}",
    "{damaged}",
    "{open_is_file}",
    "{readonly}",
    "/proc/coopgraph-store",
    "",
    HUGE,
]
FOLDERS = ["{missing}/x", "{afile}", "{below_file}", "/proc/coopgraph-out", "", HUGE]
OUTPUTS = ["{missing}/x.txt", "{adir}", "{below_file}", "/proc/coopgraph-out.ttl", "", HUGE]
INPUTS = [*OUTPUTS, "{fifo}", "{binary}"]  # a FIFO nobody writes to must not block a reader
CHOICES = ["nope", ""]
NUMBERS = ["-1", "0", "1e999", "nan", "abc", "", "9" * 30]
TEXTS = ["", HUGE, "a\nb", "http://", "ftp://x/y", "x" * 300]
SPARQL = [
    "",
    HUGE,
    "SELEKT * WHERE {}",
    "SELECT * WHERE { ?s foo:bar ?o }",
    "@{missing}",
    "@{adir}",
    "@{binary}",
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "DROP ALL",
]


def values_for(command: str, p: click.Parameter) -> list[str]:
    if p.name == "store_path":
        return STORES
    if command == "sparql" and p.name == "query":
        return SPARQL
    t = p.type
    if isinstance(t, click.Path):
        if not t.file_okay:
            return FOLDERS
        return OUTPUTS if p.name == "output" else INPUTS
    if isinstance(t, click.Choice):
        return CHOICES
    if isinstance(t, (click.types.IntParamType, click.types.FloatParamType)):
        return NUMBERS
    return TEXTS


def cases() -> list[tuple[str, list[str], dict, int | None]]:
    out = []
    for name, cmd in sorted(main.commands.items()):
        if name not in BASE:
            continue  # serve runs until stopped (tests/server/ checks its options); export is a group
        for p in cmd.params:
            if isinstance(p, click.Option) and (p.is_flag or p.count):
                continue  # a flag has no value to get wrong
            for value in values_for(name, p):
                if isinstance(p, click.Argument):  # the command's only argument
                    args = [name, value]
                elif p.name == "store_path":
                    args = [name, *BASE[name], "--store", value]
                else:
                    args = [name, *BASE[name], p.opts[-1], value]
                # An empty path is the current folder to pathlib: it must be refused, not used.
                expect = 2 if isinstance(p.type, click.Path) and value == "" else None
                out.append((name, args, {}, expect))
    # Settings read from the environment.
    for var, bad in (
        ("COOPGRAPH_STORE", "{afile}"),
        ("COOPGRAPH_LOCK_WAIT", "abc"),
        ("COOPGRAPH_LOCK_WAIT", "-5"),
        ("COOPGRAPH_LOCK_WAIT", "1e999"),
        ("COOPGRAPH_JOBS", "abc"),
        ("COOPGRAPH_JOBS", "0"),
        ("COOPGRAPH_JOBS", "-3"),
    ):
        for name in ("ingest", "stats", "dump"):
            out.append((name, [name, *BASE[name]], {var: bad}, 2 if var == "COOPGRAPH_STORE" else None))
    # Whole command lines a person mistypes.
    for args in (
        ["nope"],
        [""],
        ["ingest"],
        ["query"],
        ["sparql"],
        ["ingest", "{seed}", "{missing}"],
        ["ingest", "{adir}"],
        ["ingest", "{binary}"],
        ["validate", "{binary}"],
        ["validate", "{missing}"],
        ["validate", "{afile}"],
        ["query", "nope"],
        ["query", "stats", "-p", "nope"],
        ["query", "stats", "-p", "a=b"],
        ["query", "sanitation-cofunders", "-p", "country="],
        ["query", "sanitation-cofunders", "-p", "country=" + HUGE],
        ["query", "funding-by-year", "-p", "year=1e999"],
        ["sparql", "INSERT DATA { <a:a> <a:b> <a:c> }", "--allow-update", "--store", "{readonly}"],
        ["dump", "-o", "{afile_ro}"],
        ["publish", "{afile}"],
        ["publish", "{readonly}/x", "--store", "{readonly}"],
        ["link", "--wikidata", "--wikidata-endpoint", CLOSED, "--timeout", "1"],
    ):
        out.append((args[0] if args and args[0] in BASE else "-", args, {}, None))
    # A missing input is a usage error, as the README says.
    out.append(("ingest", ["ingest", "{seed}", "{missing}"], {}, 2))
    out.append(("validate", ["validate", "{missing}"], {}, 2))
    return out


CASES = cases()


@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, str]:
    d = tmp_path_factory.mktemp("bad-values")
    good = d / "store"
    env = {**os.environ, "COOPGRAPH_STORE": str(good)}
    r = subprocess.run([coopgraph_exe(), "ingest", "--quiet", str(SEED)], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (d / "afile").write_text("not a store\n")
    (d / "afile_ro").write_text("read-only\n")
    os.chmod(d / "afile_ro", stat.S_IRUSR)
    (d / "adir").mkdir()
    (d / "binary").write_bytes(bytes(range(256)) * 4)
    (d / "notastore").mkdir()
    (d / "notastore" / "notes.txt").write_text("x")
    (d / "damaged" / "open").mkdir(parents=True)
    (d / "damaged" / "open" / "CURRENT").write_text("garbage")
    (d / "open_is_file").mkdir()
    (d / "open_is_file" / "open").write_text("x")
    shutil.copytree(good, d / "readonly")
    for root, dirs, files in os.walk(d / "readonly"):
        for f in files:
            os.chmod(os.path.join(root, f), stat.S_IRUSR)
        os.chmod(root, stat.S_IRUSR | stat.S_IXUSR)
    os.mkfifo(d / "fifo")
    return {
        "seed": str(SEED),
        "tmp": str(d),
        "good": str(good),
        "afile": str(d / "afile"),
        "afile_ro": str(d / "afile_ro"),
        "adir": str(d / "adir"),
        "below_file": str(d / "afile" / "below"),
        "notastore": str(d / "notastore"),
        "damaged": str(d / "damaged"),
        "open_is_file": str(d / "open_is_file"),
        "readonly": str(d / "readonly"),
        "binary": str(d / "binary"),
        "fifo": str(d / "fifo"),
    }


def _fill(arg: str, places: dict[str, str]) -> str:
    return arg.format(**places) if "{" in arg and "}" in arg and len(arg) < 200 and " " not in arg else arg


@pytest.mark.parametrize(
    "command,args,env,expect", CASES, ids=[f"{i}-{c}-{'_'.join(a)[:60]}" for i, (c, a, _, _) in enumerate(CASES)]
)
def test_bad_value_gives_a_message_not_a_traceback(places, tmp_path, command, args, env, expect):
    places = {**places, "missing": str(tmp_path / "no" / "such")}  # missing for this case, whatever others made
    argv = [_fill(a, places) for a in args]
    full_env = {
        **os.environ,
        "COOPGRAPH_STORE": places["good"],
        "COOPGRAPH_LOCK_WAIT": "2",
        **{k: _fill(v, places) for k, v in env.items()},
    }
    # Run in a folder of its own: a value that slipped through as "the current folder" writes there.
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    p = subprocess.run(
        [coopgraph_exe(), *argv],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=300,
        stdin=subprocess.DEVNULL,
        cwd=cwd,
    )
    shown = (
        f"coopgraph {' '.join(a[:80] for a in argv)} (env {env})\nexit {p.returncode}\n"
        f"{p.stderr[-3000:]}{p.stdout[-1000:] if 'Traceback' in p.stdout else ''}"
    )
    no_traceback = "Traceback" not in p.stderr and "Traceback" not in p.stdout
    assert no_traceback, shown
    assert p.returncode in (0, 1, 2), shown
    if expect is not None:
        assert p.returncode == expect, shown
    if p.returncode:
        said = bool(p.stderr.strip())
        assert said, shown
        short = len(p.stderr) < 20_000 + sum(map(len, argv))  # a message (quoting the value), not a dump
        assert short, shown
    if expect == 2:
        assert not any(cwd.iterdir()), f"{shown}\nwrote in the current folder: {sorted(cwd.iterdir())}"

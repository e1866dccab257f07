"""The store survives SIGKILL and a second process (issue #8, "Store").

* `coopgraph ingest` killed with SIGKILL at random points leaves a store that opens, in which
  every partnership is whole (the same quads as after an uninterrupted ingest) or absent; running
  the ingest again completes it.
* Two coopgraph processes on one store: a second writer waits for the lock or fails with a clear
  message ($COOPGRAPH_LOCK_WAIT seconds); read-only commands open the store read-only, so they
  run while a writer holds it; nothing is corrupted.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from conftest import CLI, coopgraph_exe
from robust_support import graphs_of, synth_cli, synth_corpus  # noqa: F401  (fixtures)

PARTNERSHIP = "<https://w3id.org/coopgraph/graph/partnership/"
PERSONAL = "<https://w3id.org/coopgraph/graph/personal/"


def _start(c: CLI, *args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [coopgraph_exe(), *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "COOPGRAPH_STORE": str(c.store), **(env or {})},
        start_new_session=True,
    )


def _kill_tree(p: subprocess.Popen) -> None:
    """SIGKILL the ingest, then any worker it left (its own process group, which this test made)."""
    p.send_signal(signal.SIGKILL)
    p.wait(timeout=60)
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _check_whole_or_absent(c: CLI, reference: dict[str, frozenset[str]]) -> tuple[int, int]:
    graphs = graphs_of(c)
    whole = 0
    for g, lines in graphs.items():
        if g.startswith(PARTNERSHIP) or g.startswith(PERSONAL):
            assert g in reference, f"{g}: a graph the full ingest does not make"
            assert lines == reference[g], (
                f"{g} is not whole: {len(reference[g] - lines)} quads missing, {len(lines - reference[g])} extra"
            )
            whole += g.startswith(PARTNERSHIP)
    # Every partnership node of the open data has its graph (no stray partnership in 'entities').
    stored = {row["p"] for row in c.rows("SELECT ?p WHERE { ?p a cg:Partnership }")}
    assert len(stored) == whole
    return whole, sum(1 for g in reference if g.startswith(PARTNERSHIP))


def test_sigkill_during_ingest_then_rerun(tmp_path, synth_corpus, synth_cli):  # noqa: F811
    reference = graphs_of(synth_cli)
    rnd = random.Random(8)
    # Kill points are drawn within the time a whole ingest takes on this machine (measured, not
    # asserted), so they land in its stages: start-up, reference data, parsing, bulk loads.
    t0 = time.monotonic()
    assert CLI(tmp_path / "timing")("ingest", "--quiet", synth_corpus, timeout=900).code == 0
    span = time.monotonic() - t0
    c = CLI(tmp_path / "store")
    seen = []
    # The first kills hit a new store (reference data, first batch); the later ones hit --force
    # re-ingests over a complete store (graphs removed, then reloaded).
    for attempt in range(6):
        args = ["ingest", "--quiet", synth_corpus] + (["--force"] if attempt >= 3 else [])
        delay = rnd.uniform(0.3, span)
        p = _start(c, *args)
        time.sleep(delay)
        finished = p.poll() is not None
        _kill_tree(p)
        r = c("stats")  # the store opens
        assert r.code == 0, r.err
        whole, total = _check_whole_or_absent(c, reference)
        seen.append((round(delay, 1), "finished" if finished else "killed", whole))
        if attempt in (2, 5):
            r = c("ingest", "--quiet", synth_corpus, timeout=900)  # re-running completes it
            assert r.code == 0, r.err[-2000:]
            assert graphs_of(c) == reference
    print("kill points (s, outcome, whole partnerships):", seen)


def _hold_lock(c: CLI) -> subprocess.Popen:
    """Another coopgraph process holding the store open for writing until told to stop."""
    code = (
        "import sys; from coopgraph.store import Store; s = Store(sys.argv[1]); "
        "print('locked', flush=True); sys.stdin.readline(); s.close()"
    )
    p = subprocess.Popen(
        [sys.executable, "-c", code, str(c.store)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert p.stdout.readline().strip() == "locked"
    return p


def _release(p: subprocess.Popen) -> None:
    p.stdin.write("\n")
    p.stdin.flush()
    assert p.wait(timeout=60) == 0


def test_second_writer_fails_clearly_or_waits(cli, synth_corpus, tmp_path):  # noqa: F811
    from conftest import SEED

    assert cli("ingest", SEED).code == 0
    before = graphs_of(cli)
    holder = _hold_lock(cli)
    try:
        r = cli("ingest", "--force", SEED, env={"COOPGRAPH_LOCK_WAIT": "1"})
        assert r.code == 2, r
        assert "in use by another coopgraph process" in r.err and "Traceback" not in r.err
        r = cli(
            "sparql",
            "--allow-update",
            "INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> 1 } }",
            env={"COOPGRAPH_LOCK_WAIT": "0"},
        )
        assert r.code == 2 and "in use by another coopgraph process" in r.err, r
        # Read-only commands open the store read-only: they run beside the writer.
        assert cli("stats").code == 0
        assert cli("dump", "--format", "nquads").code == 0
        assert cli.rows("SELECT (COUNT(*) AS ?n) WHERE { ?p a cg:Partnership }") == [{"n": "1"}]
        assert cli("query", "stats").code == 0
        assert cli("validate").code in (0, 1)
        assert cli("link", "--report").code == 0
        assert cli("publish", tmp_path / "release", "--date", "2024-01-01").code == 0
        # A writer given time waits for the lock, then does its work.
        waiting = _start(cli, "ingest", "--force", SEED, env={"COOPGRAPH_LOCK_WAIT": "120"})
        time.sleep(2)
        assert waiting.poll() is None, "the second writer did not wait"
    finally:
        _release(holder)
    out, err = waiting.communicate(timeout=300)
    assert waiting.returncode == 0, err
    assert graphs_of(cli) == before
    r = cli("ingest", SEED, env={"COOPGRAPH_LOCK_WAIT": "soon"})
    assert r.code == 2 and "COOPGRAPH_LOCK_WAIT" in r.err, r


def test_two_ingests_at_once(tmp_path, synth_corpus, synth_cli):  # noqa: F811
    reference = graphs_of(synth_cli)
    c = CLI(tmp_path / "store")
    a = _start(c, "ingest", "--quiet", synth_corpus)
    b = _start(c, "ingest", "--quiet", "--force", synth_corpus)
    for p in (a, b):
        out, err = p.communicate(timeout=900)
        assert p.returncode == 0, err[-2000:]
        assert "Traceback" not in err
    assert graphs_of(c) == reference

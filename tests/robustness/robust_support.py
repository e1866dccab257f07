"""Shared fixtures of the robustness tests: the synthetic corpus and a store holding it whole.

Imported by the test modules that use them (`from robust_support import synth_cli`): a second
conftest.py would clash with tests/conftest.py. Each is built once per session, in the session's
base temporary folder, whichever module asks first.
"""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from conftest import CLI, REPO


@pytest.fixture(scope="session")
def synth_corpus(tmp_path_factory) -> Path:
    """`benchmarks/synth.py --partnerships 200 --seed 3`: synthetic pages (never real data)."""
    out = tmp_path_factory.getbasetemp() / "robust-synth-corpus"
    if (out / "synth-000200.txt").exists():
        return out
    p = subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "synth.py"),
            "--partnerships",
            "200",
            "--seed",
            "3",
            "--out",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stderr
    return out


@pytest.fixture(scope="session")
def synth_cli(tmp_path_factory, synth_corpus) -> CLI:
    """A store holding the whole synthetic corpus, ingested in one uninterrupted run. Read only."""
    c = CLI(tmp_path_factory.getbasetemp() / "robust-synth-store")
    done = tmp_path_factory.getbasetemp() / "robust-synth-store.done"
    if not done.exists():
        r = c("ingest", "--quiet", synth_corpus, timeout=900)
        assert r.code == 0, r.err[-3000:]
        done.write_text("ok")
    return c


GENERATED_AT = "<http://www.w3.org/ns/prov#generatedAtTime>"


def graphs_of(c: CLI, personal: bool = True) -> dict[str, frozenset[str]]:
    """Named graph → its N-Quads lines, ingest timestamps left out (they differ between runs)."""
    args = ["dump", "--format", "nquads"] + (["--include-personal-data"] if personal else [])
    r = c(*args, timeout=600)
    assert r.code == 0, r.err
    found: dict[str, set[str]] = defaultdict(set)
    for line in r.out.splitlines():
        if not line.strip() or GENERATED_AT in line:
            continue
        graph = line.rstrip(" .").rsplit(" ", 1)[-1]
        found[graph].add(line)
    return {g: frozenset(v) for g, v in found.items()}

"""The fast engine gives exactly pyshacl's results, whole or partitioned, on a multi-page graph."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import PAGES, REPO, SEED


def _keys(run) -> list:
    assert run.code in (0, 1), run.err
    return sorted(
        (
            x["focusNode"],
            x["path"] or "",
            x["value"] or "",
            x["sourceShape"],
            x["sourceConstraintComponent"],
            x["severity"],
            tuple(sorted(x["messages"].items())),
        )
        for g in run.json["groups"]
        for x in g["results"]
    )


@pytest.fixture(scope="module")
def multi(tmp_path_factory):
    from conftest import CLI

    d = tmp_path_factory.mktemp("multi")
    pages = d / "pages"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "synth.py"),
            "--partnerships",
            "30",
            "--seed",
            "1",
            "--out",
            str(pages),
        ],
        check=True,
        capture_output=True,
    )
    # Variants of the real page that parse but break shapes (years out of range, end before start).
    text = SEED.read_text(encoding="utf-8")
    (pages / "variant-1920.txt").write_text(
        text.replace("Coopération décentralisée Angoulême – Ségou 2020-2021", "Variante 1920").replace(
            "Année de début du partenariat\n2020", "Année de début du partenariat\n1920"
        ),
        encoding="utf-8",
    )
    c = CLI(d / "store")
    r = c("ingest", "--no-validate", "-q", pages, PAGES, SEED)
    assert "Traceback" not in r.err
    return c


def test_validate_fast_equals_pyshacl_and_partitioned(multi):
    fast = _keys(multi("validate", "--format", "json"))
    ref = _keys(multi("validate", "--format", "json", "--engine", "pyshacl"))
    part = _keys(multi("validate", "--format", "json", "--partitioned"))
    assert len(fast) > 50  # warnings on new themes, infos on unlinked names, ...
    assert fast == ref
    assert fast == part
    assert any(k[5] == "Violation" for k in fast)


def test_validate_same_report_whole_or_partitioned(multi):
    whole = multi("validate", "--format", "text", "--lang", "en")
    part = multi("validate", "--format", "text", "--lang", "en", "--partitioned")
    assert whole.out == part.out and whole.code == part.code == 1


def test_validate_files_same_with_both_engines(multi, tmp_path):
    out = tmp_path / "all.nt"
    assert multi("dump", "--format", "ntriples", "-o", out).code == 0
    fast = _keys(multi("validate", out, "--format", "json"))
    ref = _keys(multi("validate", out, "--format", "json", "--engine", "pyshacl"))
    assert fast == ref == _keys(multi("validate", "--format", "json"))

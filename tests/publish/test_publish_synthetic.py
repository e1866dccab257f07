"""A release built from synthetic pages says so, on the landing page and in its description."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO, SEED


def test_synthetic_release_is_marked(cli, tmp_path):
    pages = tmp_path / "synth"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "synth.py"),
            "--partnerships",
            "5",
            "--seed",
            "2",
            "--out",
            str(pages),
        ],
        check=True,
        capture_output=True,
    )
    assert cli("ingest", "--no-validate", SEED, pages).code == 0
    r = cli("publish", tmp_path / "out")
    assert r.code == 0, r.err
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'id="synthetic"' in html and "5 partenariat(s)" in html and "not real data" in html
    desc = (tmp_path / "out" / "dataset.ttl").read_text(encoding="utf-8")
    assert "WARNING: 5 partnership(s) come from synthetic pages" in desc


def test_real_release_is_not_marked(seed_cli, tmp_path):
    r = seed_cli("publish", tmp_path / "out")
    assert r.code == 0, r.err
    assert 'id="synthetic"' not in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "synthetic pages" not in (tmp_path / "out" / "dataset.ttl").read_text(encoding="utf-8")

"""Ingest validates pages in batches: each page must get exactly what it gets when checked alone."""

from __future__ import annotations

import subprocess
import sys

from coopgraph.atlas.parser import parse_file
from coopgraph.link.page import link_page
from coopgraph.rdf.convert import convert
from coopgraph.store import PageData
from coopgraph.validate import ingest_check, page_check
from conftest import PAGES, REPO, SEED


def converted_pages(tmp_path):
    out = tmp_path / "synth"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "synth.py"),
            "--partnerships",
            "60",
            "--seed",
            "5",
            "--out",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    files = [SEED, *sorted(PAGES.glob("fixture-*.txt")), *sorted(out.rglob("*.txt"))]
    pages = []
    for f in files:
        r = parse_file(f)
        assert r.ok, f
        links, _ = link_page(r.partnership, str(f))
        pages.append((str(f), convert(r.partnership, links)))
    return pages


def test_batch_check_equals_page_by_page(tmp_path):
    pages = converted_pages(tmp_path)
    # A page that breaks a shape: a negative amount cannot come from the parser, so make one.
    from pyoxigraph import Literal, Quad
    from coopgraph.rdf.namespaces import SCHEMA, XSD

    bad_file, bad = pages[1]
    bad.page = [
        Quad(q.subject, q.predicate, Literal("-5.0", datatype=XSD.decimal), q.graph_name)
        if q.predicate == SCHEMA.amount
        else q
        for q in bad.page
    ]
    alone = {c.key: sorted(map(str, page_check(c, f))) for f, c in pages}
    batch = ingest_check([PageData.of(c) for _, c in pages], {c.key: f for f, c in pages})
    together = {key: sorted(map(str, problems)) for key, problems in batch.items()}
    assert together == alone
    assert any("error" in p for p in alone[bad.key])  # the broken page is caught in the batch too
    assert sum(len(v) for v in alone.values()) > 50  # synthetic pages carry new-concept warnings

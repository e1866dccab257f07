"""The N-Triples cache beside the store (`ntriples-cache.sqlite`) gives the dumps the store gives.

Dumps and releases copy the N-Triples that ingest kept, instead of decoding the whole store. These
tests hold it to what a dump of the store itself says, through every way the store changes: ingest,
re-ingest of a changed page, a SPARQL Update, an interrupted writer, a store made before the cache.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from pyoxigraph import RdfFormat, parse

from conftest import CLI, PAGES, SEED

CACHE = "ntriples-cache.sqlite"
FORMATS = {
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "turtle": RdfFormat.TURTLE,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
LILLE = PAGES / "fixture-lille-dakar-terminated.txt"
MAIN_THEME_ROW = "Environnement, Climat et Energie | Eau et déchets | Assainissement | 3 |\n"


def _cache_valid(store) -> bool:
    db = sqlite3.connect(store / CACHE)
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'valid'").fetchone()
    finally:
        db.close()
    return bool(row and row[0] == "1")


def _dump(cli: CLI, tmp_path, fmt: str, name: str) -> set[str]:
    out = tmp_path / f"{name}.{fmt}"
    r = cli("dump", "--format", fmt, "-o", out)
    assert r.code == 0, r.err
    return {str(q) for q in parse(path=str(out), format=FORMATS[fmt])}


def _from_store(cli: CLI, tmp_path, fmt: str) -> set[str]:
    """The same dump read from the store itself: the cache moved away for the time of it."""
    cache = cli.store / CACHE
    aside = tmp_path / "cache-aside.sqlite"
    cache.rename(aside)
    try:
        return _dump(cli, tmp_path, fmt, "store")
    finally:
        aside.rename(cache)


@pytest.fixture
def pages(tmp_path):
    """The real page, the fixture pages, and a page that names its main theme again among the
    other themes (the same triple twice: the store keeps it once, and so must a dump)."""
    twice = tmp_path / "pages" / "fixture-lille-theme-twice.txt"
    twice.parent.mkdir()
    text = LILLE.read_text(encoding="utf-8")
    header = "Thématique éligible | Sous-thématique | Sous-sous-thématique | Priorité |\n---|---|---|---|\n"
    assert header in text
    twice.write_text(
        text.replace(header, header + MAIN_THEME_ROW).replace("Lille – Dakar", "Lille – Dakar (bis)"), encoding="utf-8"
    )
    return [SEED, *sorted(PAGES.glob("fixture-*.txt")), twice]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_from_the_cache_is_the_store(cli, tmp_path, pages, fmt):
    assert cli("ingest", *pages).code == 0
    assert _cache_valid(cli.store)
    cached = _dump(cli, tmp_path, fmt, "cached")
    assert len(cached) > 5000
    assert cached == _from_store(cli, tmp_path, fmt)


def test_ntriples_lines_are_the_stores_triples_each_once(cli, tmp_path, pages):
    assert cli("ingest", *pages).code == 0
    out = tmp_path / "all.nt"
    assert cli("dump", "--format", "ntriples", "-o", out).code == 0
    lines = out.read_bytes().splitlines()
    assert len(lines) == len(set(lines))  # the repeated theme is not written twice
    stored = cli.rows(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g != <https://w3id.org/coopgraph/graph/meta>) }"
    )
    assert len(lines) == int(stored[0]["n"])


def test_a_changed_page_replaces_its_graph_in_the_dump(cli, tmp_path):
    page = tmp_path / "lille.txt"
    text = LILLE.read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    assert cli("ingest", SEED, page).code == 0
    assert "croissance urbaine rapide" in text  # the context: not part of the partnership's identity
    page.write_text(text.replace("croissance urbaine rapide", "croissance démographique soutenue"), encoding="utf-8")
    assert cli("ingest", page).code == 0
    dumped = tmp_path / "d.nt"
    assert cli("dump", "--format", "ntriples", "-o", dumped).code == 0
    data = dumped.read_text(encoding="utf-8")
    assert "croissance démographique soutenue" in data
    assert "croissance urbaine rapide" not in data
    assert _cache_valid(cli.store)
    assert _dump(cli, tmp_path, "nquads", "cached") == _from_store(cli, tmp_path, "nquads")


def test_an_update_is_in_the_next_dump(cli, tmp_path):
    assert cli("ingest", SEED).code == 0
    r = cli(
        "sparql",
        "--allow-update",
        "INSERT DATA { GRAPH <https://w3id.org/coopgraph/graph/extra> "
        '{ <https://example.org/a> <https://example.org/b> "ajouté à la main" } }',
    )
    assert r.code == 0, r.err
    assert _cache_valid(cli.store)  # rebuilt from the store when the update's process closed it
    cached = _dump(cli, tmp_path, "nquads", "cached")
    assert any("ajouté à la main" in q and "graph/extra" in q for q in cached)
    assert cached == _from_store(cli, tmp_path, "nquads")


def test_a_writer_that_dies_mid_write_leaves_the_store_in_charge(cli, tmp_path):
    assert cli("ingest", SEED).code == 0
    # A writer that has started (the cache marked stale), changed the store, and died.
    code = (
        "import os, sys; from coopgraph.store import Store\n"
        "s = Store(sys.argv[1]); s.cache.begin()\n"
        "s.update('INSERT DATA { <https://example.org/x> <https://example.org/y> \"écrit puis mort\" }')\n"
        "s.open.flush(); os._exit(1)\n"
    )
    died = subprocess.run([sys.executable, "-c", code, str(cli.store)], capture_output=True, text=True)
    assert died.returncode == 1, died.stderr
    assert not _cache_valid(cli.store)
    out = tmp_path / "after.nt"
    assert cli("dump", "--format", "ntriples", "-o", out).code == 0
    assert "écrit puis mort" in out.read_text(encoding="utf-8")  # read from the store, not the stale cache
    assert cli("ingest", SEED).code == 0  # the next writer (here: nothing to load) rebuilds the cache
    assert _cache_valid(cli.store)
    assert "écrit puis mort" in "".join(_dump(cli, tmp_path, "ntriples", "rebuilt"))


def test_a_store_without_a_cache_still_dumps_and_gets_one(cli, tmp_path):
    assert cli("ingest", SEED).code == 0
    (cli.store / CACHE).unlink()  # as a store made by an earlier coopgraph
    before = _dump(cli, tmp_path, "turtle", "no-cache")
    assert len(before) > 4000
    assert not (cli.store / CACHE).exists()  # a dump only reads
    assert cli("ingest", SEED).code == 0
    assert _cache_valid(cli.store)
    assert _dump(cli, tmp_path, "turtle", "cached") == before


def test_a_damaged_cache_is_ignored_then_replaced(cli, tmp_path):
    assert cli("ingest", SEED).code == 0
    expected = _dump(cli, tmp_path, "ntriples", "before")
    (cli.store / CACHE).write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (cli.store / (CACHE + suffix)).unlink(missing_ok=True)
    assert _dump(cli, tmp_path, "ntriples", "damaged") == expected  # read from the database
    r = cli("ingest", SEED)  # a writer starts a new cache and fills it when it closes
    assert r.code == 0, r.err
    assert _cache_valid(cli.store)
    assert _dump(cli, tmp_path, "ntriples", "after") == expected

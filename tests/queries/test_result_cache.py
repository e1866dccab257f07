"""Repeated answers come from the process's result cache (engine.py), and never outlive the store
state they were computed on: a writer that closed the store, or a write through the same handle,
gives the next question a fresh answer."""

from __future__ import annotations

import coopgraph
from coopgraph import engine, results

from conftest import CLI, PAGES, SEED

LILLE = PAGES / "fixture-lille-dakar-terminated.txt"


def test_a_repeated_question_is_answered_from_the_cache(seed_cli):
    with coopgraph.open(seed_cli.store, read_only=True) as atlas:
        first = atlas.query("funders-ranking")
        hits = engine.RESULTS.hits
        again = atlas.query("funders-ranking")
        assert engine.RESULTS.hits == hits + 1
        assert again == first and again.variables == first.variables
        again[0]["funder"] = "changed by the caller"  # a caller's copy: the cache is not touched
        assert atlas.query("funders-ranking") == first
        other = atlas.query("funders-ranking", country="Mali")  # another binding, another entry
        assert other.table is not first.table


def test_a_writer_that_closed_the_store_gives_fresh_answers(tmp_path):
    cli = CLI(tmp_path / "store")
    assert cli("ingest", SEED).code == 0
    with coopgraph.open(cli.store, read_only=True) as atlas:
        before = atlas.query("countries")
        assert atlas.query("countries") == before
    assert cli("ingest", LILLE).code == 0  # another process writes: Senegal joins
    with coopgraph.open(cli.store, read_only=True) as atlas:
        after = atlas.query("countries")
    assert after != before
    assert {r["country"] for r in before} < {r["country"] for r in after}


def test_a_write_through_the_same_handle_gives_fresh_answers(tmp_path):
    with coopgraph.open(tmp_path / "store") as atlas:
        atlas.ingest([SEED])
        before = atlas.query("stats")
        assert atlas.query("stats") == before
        atlas.ingest([LILLE])
        assert atlas.query("stats")[0]["partnerships"] == before[0]["partnerships"] + 1
        atlas.update("DELETE WHERE { GRAPH ?g { ?p a <https://w3id.org/coopgraph/ontology#Partnership> } }")
        assert atlas.query("stats")[0]["partnerships"] == 0


def test_the_cache_is_bounded_and_drops_the_least_recently_used():
    cache = engine.ResultCache(max_bytes=40_000)
    table = results.Table(["x"], [[results.Cell("v" * 100, "literal")] for _ in range(10)])
    size = engine._size(table)
    assert 0 < size <= 10_000
    for i in range(4):
        cache.put(("k", i), table, size)
    cache.get(("k", 0))  # used: kept
    for i in range(4, 8):
        cache.put(("k", i), table, size)
    assert cache.bytes <= 40_000
    assert cache.get(("k", 0)) is table and cache.get(("k", 1)) is None
    cache.put(("huge",), table, 20_001)  # over half the budget: not kept
    assert cache.get(("huge",)) is None


CASES = [
    ("sanitation-cofunders", {}),
    ("sanitation-cofunders", {"country": "Sénégal"}),
    ("funders-ranking", {"country": "Mali", "year": "2021"}),
    ("funding-by-year", {}),
    ("search-partnerships", {"text": "EAU"}),
    ("partners-of", {}),
    ("stats", {}),
    ("countries", {}),
    ("themes-by-country", {"country": "Mali"}),
    ("one-percent-funding", {}),
    ("sdg-coverage", {}),
]


def test_the_in_memory_copy_gives_the_disks_rows_and_follows_writes(tmp_path):
    cli = CLI(tmp_path / "store")
    assert cli("ingest", SEED, *sorted(PAGES.glob("fixture-*.txt"))).code == 0
    with coopgraph.open(cli.store, read_only=True, memory=False) as disk:
        expected = {(n, tuple(p.items())): disk.query(n, **p) for n, p in CASES}
        disk_every = disk.sparql("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g")
    engine.RESULTS.clear()
    with coopgraph.open(cli.store, read_only=True, memory=True) as atlas:
        assert atlas.wait_for_memory(120)
        copy = engine.memory_copy(atlas.store)
        assert copy.quads > 5000 and engine.reader(atlas.store) is copy.db
        for (n, p), rows in expected.items():
            assert atlas.query(n, **dict(p)) == rows, n
        # any query reads the copy, and the copy holds every graph the disk holds
        every = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
        assert atlas.sparql(every) == disk_every and len(disk_every) > 3
        assert copy.quads == len(atlas.store.open)
    engine.RESULTS.clear()
    with coopgraph.open(cli.store, memory=True) as atlas:  # a writer: a new copy after each write
        assert atlas.wait_for_memory(120)
        first = engine.memory_copy(atlas.store)
        before = atlas.query("stats")[0]["partnerships"]
        atlas.update(
            "DELETE { GRAPH ?g { ?p a <https://w3id.org/coopgraph/ontology#Partnership> } } "
            "WHERE { GRAPH ?g { ?p a <https://w3id.org/coopgraph/ontology#Partnership> ; "
            '<http://purl.org/dc/terms/title> ?t FILTER(CONTAINS(STR(?t), "Ségou")) } }'
        )
        assert atlas.wait_for_memory(120)
        assert engine.memory_copy(atlas.store) is not first
        assert atlas.query("stats")[0]["partnerships"] == before - 1

"""Tests of tests/support/virtuoso.py against a real Virtuoso server.

Also pins down the Virtuoso SPARQL-JSON quirks documented in
support/virtuoso.py, so that a Virtuoso upgrade that changes them is noticed.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from support.virtuoso import Virtuoso, VirtuosoError

XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
EX = "http://example.org/coop/"

NT = f"""\
<{EX}a> <{EX}amount> "12.50"^^<{XSD}decimal> .
<{EX}b> <{EX}amount> "3"^^<{XSD}decimal> .
<{EX}a> <{EX}year> "2019"^^<{XSD}gYear> .
<{EX}b> <{EX}year> "2021"^^<{XSD}gYear> .
<{EX}a> <{RDFS_LABEL}> "Coop A"@en .
<{EX}a> <{RDFS_LABEL}> "Coopérative A"@fr .
<{EX}b> <{RDFS_LABEL}> "Coop B" .
<{EX}a> <{EX}member> "true"^^<{XSD}boolean> .
"""
N_TRIPLES = 8


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still "exists"; check /proc for its state
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def test_start_load_query_gsp_stop(tmp_path: Path) -> None:
    nt = tmp_path / "dump.nt"
    nt.write_text(NT, encoding="utf-8")
    graph = EX + "graph"

    t0 = time.monotonic()
    v = Virtuoso()
    with v.start(tmp_path / "db"):
        t_started = time.monotonic()
        pid = v.pid
        assert pid is not None and _pid_alive(pid)
        assert v.sparql_url.startswith("http://127.0.0.1:")
        assert v.sparql_url.endswith("/sparql")

        assert v.load_ntriples(nt, graph) == N_TRIPLES
        t_loaded = time.monotonic()
        rows = v.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
        assert int(rows[0]["n"]["value"]) == N_TRIPLES

        rows = v.query(f"SELECT ?s ?amount WHERE {{ GRAPH <{graph}> {{ ?s <{EX}amount> ?amount }} }} ORDER BY ?s")
        assert [(r["s"]["value"], r["amount"]["value"]) for r in rows] == [
            (EX + "a", "12.5"),  # canonical form: "12.50" -> "12.5"
            (EX + "b", "3"),
        ]
        assert all(r["amount"]["datatype"] == XSD + "decimal" for r in rows)

        # loading again adds (set semantics: no duplicates); clear empties
        assert v.load_ntriples(nt, graph) == N_TRIPLES
        v.clear_graph(graph)
        assert v.count(graph) == 0

        # a parse error is reported, not swallowed
        bad = tmp_path / "bad.nt"
        bad.write_text('<http://x/s> <http://x/p> "unterminated .\n', encoding="utf-8")
        with pytest.raises(VirtuosoError, match="SP029|loader"):
            v.load_ntriples(bad, EX + "bad")

        # Graph Store Protocol write, Digest auth as dba/dba
        gsp_graph = EX + "gsp"
        turtle = f'@prefix ex: <{EX}> .\nex:x ex:label "pushed"@en ; ex:amount 1.5 .\nex:y ex:label "also pushed" .\n'
        assert v.gsp_put(gsp_graph, turtle) in (200, 201, 204)
        assert v.count(gsp_graph) == 3
        assert v.gsp_put(gsp_graph, f"<{EX}z> <{EX}p> 1 .") in (200, 201, 204)  # PUT replaces
        assert v.count(gsp_graph) == 1
        assert v.gsp_post(gsp_graph, turtle) in (200, 201, 204)  # POST merges
        assert v.count(gsp_graph) == 4

        # without credentials GSP writes are refused
        status, _ = v.http(
            "PUT",
            v.gsp_graph_url(gsp_graph, auth=False),
            turtle.encode(),
            {"Content-Type": "text/turtle"},
            auth=False,
        )
        assert status in (401, 403)
        # Basic auth is not accepted by /sparql-graph-crud-auth (Digest only)
        status, _ = v.http(
            "PUT", v.gsp_graph_url(gsp_graph), turtle.encode(), {"Content-Type": "text/turtle"}, auth=False
        )
        assert status == 401

        # SPARQL Update through /sparql-auth
        v.update(f"INSERT DATA {{ GRAPH <{EX}upd> {{ <{EX}s> <{EX}p> 42 }} }}")
        assert v.count(EX + "upd") == 1
    t_stopped = time.monotonic()

    assert not v.running
    assert not _pid_alive(pid)
    v.stop()  # idempotent
    print(
        f"\nvirtuoso start {t_started - t0:.2f}s, load {t_loaded - t_started:.2f}s, "
        f"whole test incl. stop {t_stopped - t0:.2f}s"
    )


def test_start_timeout_reports_log_and_leaves_no_process(tmp_path: Path) -> None:
    v = Virtuoso(startup_timeout=0.05)  # far too short: start() must give up
    with pytest.raises(VirtuosoError, match="did not answer") as info:
        v.start(tmp_path)
    assert "virtuoso.stdout" in str(info.value) or "no Virtuoso log" in str(info.value)
    assert v.pid is None and not v.running
    assert not [p for p in _virtuoso_pids() if str(tmp_path) in _cmdline(p)]


def _virtuoso_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and "virtuoso-t" in _cmdline(int(p.name))]


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def test_missing_graph_iri_rejected(virtuoso: Virtuoso) -> None:
    with pytest.raises(ValueError):
        virtuoso.clear_graph("not an iri")


def test_session_fixture_and_virtuoso_quirks(virtuoso: Virtuoso, tmp_path: Path) -> None:
    """Pins how Virtuoso 7.2 writes SPARQL JSON results, which differs from
    the standard / pyoxigraph (see the module docstring of support.virtuoso)."""
    graph = EX + "quirks"
    nt = tmp_path / "q.nt"
    nt.write_text(NT + f'<{EX}c> <{EX}note> "typed"^^<{XSD}string> .\n', encoding="utf-8")
    virtuoso.clear_graph(graph)
    virtuoso.load_ntriples(nt, graph)

    rows = virtuoso.query(f"SELECT ?p ?o WHERE {{ GRAPH <{graph}> {{ <{EX}a> ?p ?o }} }} ORDER BY ?p ?o")
    by_p = {}
    for r in rows:
        by_p.setdefault(r["p"]["value"], []).append(r["o"])
    # typed literals use the SPARQL 1.0 "typed-literal" type
    assert by_p[EX + "amount"] == [{"type": "typed-literal", "datatype": XSD + "decimal", "value": "12.5"}]
    assert by_p[EX + "year"] == [{"type": "typed-literal", "datatype": XSD + "gYear", "value": "2019"}]
    # booleans come back as 1/0, not true/false
    assert by_p[EX + "member"] == [{"type": "typed-literal", "datatype": XSD + "boolean", "value": "1"}]
    assert {o["xml:lang"]: o["value"] for o in by_p[RDFS_LABEL]} == {"en": "Coop A", "fr": "Coopérative A"}
    assert all(o["type"] == "literal" for o in by_p[RDFS_LABEL])

    # explicit ^^xsd:string is kept as a datatype and does NOT match a plain "typed"
    rows = virtuoso.query(f"SELECT ?o WHERE {{ GRAPH <{graph}> {{ <{EX}c> <{EX}note> ?o }} }}")
    assert rows == [{"o": {"type": "typed-literal", "datatype": XSD + "string", "value": "typed"}}]
    assert virtuoso.query(f'SELECT ?s WHERE {{ GRAPH <{graph}> {{ ?s <{EX}note> "typed" }} }}') == []

    # aggregates over decimals stay xsd:decimal; COUNT is xsd:integer
    rows = virtuoso.query(
        f"SELECT (SUM(?a) AS ?sum) (AVG(?a) AS ?avg) (COUNT(?a) AS ?n) "
        f"WHERE {{ GRAPH <{graph}> {{ ?s <{EX}amount> ?a }} }}"
    )
    assert rows[0]["sum"] == {"type": "typed-literal", "datatype": XSD + "decimal", "value": "15.5"}
    assert rows[0]["avg"]["value"] == "7.75"
    assert rows[0]["n"] == {"type": "typed-literal", "datatype": XSD + "integer", "value": "2"}

    # boolean-valued expressions are xsd:integer 1/0; integer division truncates
    rows = virtuoso.query("SELECT (1 < 2 AS ?lt) (1/3 AS ?div) WHERE {}")
    assert rows[0]["lt"] == {"type": "typed-literal", "datatype": XSD + "integer", "value": "1"}
    assert rows[0]["div"] == {"type": "typed-literal", "datatype": XSD + "integer", "value": "0"}

    # gYear: FILTER comparison works, YEAR() gives xsd:integer
    rows = virtuoso.query(
        f"SELECT ?y (YEAR(?y) AS ?yy) WHERE {{ GRAPH <{graph}> {{ ?s <{EX}year> ?y }} "
        f'FILTER(?y > "2020"^^<{XSD}gYear>) }}'
    )
    assert [(r["y"]["value"], r["yy"]["value"], r["yy"]["datatype"]) for r in rows] == [
        ("2021", "2021", XSD + "integer")
    ]

    # GROUP_CONCAT drops language tags; order inside the group is unspecified
    rows = virtuoso.query(
        f'SELECT (GROUP_CONCAT(?l; separator="|") AS ?ls) WHERE {{ GRAPH <{graph}> {{ <{EX}a> <{RDFS_LABEL}> ?l }} }}'
    )
    assert rows[0]["ls"]["type"] == "literal" and "xml:lang" not in rows[0]["ls"]
    assert sorted(rows[0]["ls"]["value"].split("|")) == ["Coop A", "Coopérative A"]

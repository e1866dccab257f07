"""Every saved query gives the same rows on a real Virtuoso endpoint (`--endpoint`) as on the
embedded store, on the real page plus the hand-written fixture pages (several countries, themes,
statuses, "1%" amounts, a terminated partnership).

Rows are compared in order (every query sorts with tie-breakers); numbers numerically, other
terms by value, since Virtuoso canonicalises lexical forms and says "typed-literal".
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from conftest import PAGES, SEED, CLI

GRAPH = "https://w3id.org/coopgraph/test/queries-dump"
NUMERIC = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("integer", "decimal", "double", "float", "long", "int")}

# Each saved query with its defaults, and with parameters that exercise the other code paths.
CASES = [
    ("sanitation-cofunders", []),
    ("sanitation-cofunders", ["country=Sénégal"]),
    ("partnerships-by-country", []),
    ("partnerships-by-country", ["country=VNM"]),
    ("partners-of", []),
    ("partners-of", ["collectivite=Ville de Lille"]),
    ("funders-ranking", []),
    ("funders-ranking", ["country=Mali"]),
    ("funders-ranking", ["year=2021"]),
    ("funding-by-year", []),
    ("funding-by-year", ["country=SN"]),
    ("sdg-coverage", []),
    ("sdg-coverage", ["country=Mali"]),
    ("themes-by-country", []),
    ("themes-by-country", ["country=Burkina Faso"]),
    ("one-percent-funding", []),
    ("one-percent-funding", ["country=Sénégal"]),
    ("stale-status", []),
    ("stale-status", ["asOf=2024-01-01"]),
    ("countries", []),
    ("search-partnerships", []),
    ("search-partnerships", ["text=EAU"]),
    ("stats", []),
]


@pytest.fixture(scope="module")
def loaded(tmp_path_factory, virtuoso):
    store = CLI(tmp_path_factory.mktemp("virtuoso-cmp") / "store")
    r = store("ingest", SEED, *sorted(PAGES.glob("fixture-*.txt")))
    assert r.code == 0, r.err
    dump = store.store.parent / "dump.nt"
    assert store("dump", "--format", "ntriples", "-o", dump).code == 0
    virtuoso.clear_graph(GRAPH)
    assert virtuoso.load_ntriples(dump, GRAPH) > 4000
    yield store, virtuoso
    virtuoso.clear_graph(GRAPH)


def _norm(cell: dict | None):
    if cell is None:
        return None
    if cell.get("datatype") in NUMERIC:
        return Decimal(cell["value"])
    return cell["value"]


def _rows(run) -> tuple[list[str], list[list]]:
    assert run.code == 0, run.err
    data = run.json
    variables = data["head"]["vars"]
    return variables, [[_norm(b.get(v)) for v in variables] for b in data["results"]["bindings"]]


@pytest.mark.parametrize("name,params", CASES, ids=[f"{n}{'-' + '-'.join(p) if p else ''}" for n, p in CASES])
def test_same_rows_on_virtuoso(loaded, name, params):
    store, virtuoso = loaded
    args = ["query", name, *[x for p in params for x in ("-p", p)], "--format", "json"]
    local_vars, local = _rows(store(*args))
    remote_vars, remote = _rows(store(*args, "--endpoint", virtuoso.sparql_url))
    assert remote_vars == local_vars
    assert remote == local
    assert local or name in ("one-percent-funding",), f"{name} {params}: no rows on this data"

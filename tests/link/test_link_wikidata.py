"""`coopgraph link --wikidata` against a real local SPARQL endpoint (Virtuoso) holding Wikidata-shaped data.

The fixture (tests/fixtures/wikidata/, see its README) has one item per key for most entities, a
dissolved item sharing Angoulême's INSEE code (ignored), two items with Est Ensemble's SIREN
(ambiguous) and none for Montreuil 93048 (not found).
"""

import socket
from pathlib import Path

import pytest

from conftest import PAGES, SEED

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "wikidata" / "wikidata-sample.ttl"
GRAPH = "http://example.org/coopgraph-tests/wikidata"
WD = "http://www.wikidata.org/entity/"
LINKS = """SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/coopgraph/graph/links> { ?s ?p ?o } } ORDER BY ?s"""


@pytest.fixture(scope="module")
def endpoint(virtuoso):
    virtuoso.clear_graph(GRAPH)
    virtuoso.load_turtle(FIXTURE, GRAPH)
    return virtuoso.sparql_url


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/sparql"  # nothing listens there any more


def test_wikidata_links_and_cache(cli, endpoint):
    r = cli("ingest", SEED, PAGES / "fixture-montreuil-est-ensemble.txt")
    assert r.code == 0, r.err
    r = cli("link", "--wikidata", "--wikidata-endpoint", endpoint, "--delay", "0.2", "--batch-size", "1")
    assert r.code == 0, r.err
    got = {(x["s"], x["p"].rsplit("#", 1)[-1], x["o"]) for x in cli.rows(LINKS)}
    assert got == {
        ("https://w3id.org/coopgraph/id/commune/16015", "sameAs", WD + "Q99016015"),
        ("https://w3id.org/coopgraph/id/epci/200071827", "sameAs", WD + "Q99200071"),
        ("http://publications.europa.eu/resource/authority/country/MLI", "exactMatch", WD + "Q912"),
        ("http://publications.europa.eu/resource/authority/country/VNM", "exactMatch", WD + "Q881"),
    }
    assert "ept 200057875 (Est Ensemble) ambiguous: several items Q99200057, Q99200058" in r.err
    assert "commune 93048 (Montreuil): no current item" in r.err
    # Two codes for each of P1616, P298 and P374, one code per query (--batch-size 1): 6 requests.
    assert "4 link(s) stored" in r.err and "6 request(s)" in r.err and "0 answer(s) from the cache" in r.err

    # The report shows them; what has no link is listed.
    data = cli("link", "--format", "json").json
    assert data["counts"]["wikidata"] == {"linked": 4, "unmatched": 2}

    # A second run asks nothing and gives the same graph.
    before = cli("dump", "--format", "ntriples").out
    again = cli("link", "--wikidata", "--wikidata-endpoint", endpoint)
    assert again.code == 0, again.err
    assert "0 request(s)" in again.err and "6 answer(s) from the cache" in again.err
    assert sorted(cli("dump", "--format", "ntriples").out.splitlines()) == sorted(before.splitlines())


def test_offline_fails_clearly_and_changes_nothing(cli, endpoint):
    assert cli("ingest", SEED).code == 0
    assert cli("link", "--wikidata", "--wikidata-endpoint", endpoint, "--delay", "0").code == 0
    before = cli("dump", "--format", "nquads").out
    url = _closed_port_url()
    r = cli("link", "--wikidata", "--wikidata-endpoint", url, "--timeout", "5")
    assert r.code == 1
    assert f"cannot reach the SPARQL endpoint {url}" in r.err and "Nothing was changed" in r.err
    assert cli("dump", "--format", "nquads").out == before
    # --refresh on the good endpoint still works after the failure.
    r = cli("link", "--wikidata", "--wikidata-endpoint", endpoint, "--refresh", "--delay", "0")
    assert r.code == 0 and "3 link(s) stored" in r.err, r.err


def test_usage_errors(cli):
    assert cli("ingest", SEED).code == 0
    r = cli("link", "--wikidata", "--wikidata-endpoint", "ftp://example.org/sparql")
    assert r.code == 2 and "not an http(s) URL" in r.err
    r = cli("link", "--wikidata-endpoint", "http://127.0.0.1:9/sparql")
    assert r.code == 2 and "needs --wikidata" in r.err

"""`coopgraph push` against a real Virtuoso (Graph Store HTTP Protocol, HTTP Digest auth)."""

from __future__ import annotations

import json
import math
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from coopgraph.resources import queries_dir
from conftest import CLI

AUTH = {"COOPGRAPH_ENDPOINT_USER": "dba", "COOPGRAPH_ENDPOINT_PASSWORD": "dba"}
NO_AUTH = {"COOPGRAPH_ENDPOINT_USER": "", "COOPGRAPH_ENDPOINT_PASSWORD": "", "NETRC": "/nonexistent"}


def dump_lines(cli: CLI, tmp_path: Path) -> int:
    out = tmp_path / "dump.nt"
    assert cli("dump", "-f", "ntriples", "-o", out).code == 0
    return sum(1 for ln in out.read_bytes().splitlines() if ln.strip())


def remote_rows(virtuoso, query: str, graph: str) -> tuple[list[str], list[dict]]:
    """A query on Virtuoso with the pushed graph as the default graph (SPARQL protocol)."""
    data = urllib.parse.urlencode({"query": query, "default-graph-uri": graph}).encode()
    req = urllib.request.Request(
        virtuoso.sparql_url,
        data=data,
        method="POST",
        headers={"Accept": "application/sparql-results+json", "Content-Type": "application/x-www-form-urlencoded"},
    )
    with urllib.request.urlopen(req, timeout=120) as resp:
        doc = json.loads(resp.read())
    return doc["head"]["vars"], doc["results"]["bindings"]


def normal(cell: dict | None):
    """A value comparable across engines (Virtuoso canonicalises numbers, booleans, tags)."""
    if cell is None:
        return None
    v = cell["value"]
    dt = cell.get("datatype", "")
    if dt.endswith("#boolean"):
        return v in ("true", "1")
    try:
        d = Decimal(v)
        if d.is_finite() and (dt or cell["type"] in ("literal", "typed-literal")):
            return round(d, 6)
    except InvalidOperation:
        pass
    return v


def row_set(variables: list[str], bindings: list[dict]) -> list[tuple]:
    return sorted((tuple(normal(b.get(v)) for v in variables) for b in bindings), key=repr)


@pytest.fixture
def graph(virtuoso, request):
    iri = f"https://w3id.org/coopgraph/test/{request.node.name}"
    yield iri
    virtuoso.clear_graph(iri)


def test_push_replace_then_merge_and_chunks(seed_cli: CLI, virtuoso, graph: str, tmp_path: Path):
    n = dump_lines(seed_cli, tmp_path)
    r = seed_cli("push", "--endpoint", virtuoso.gsp_auth_url, "--graph", graph, "--replace", env=AUTH)
    assert r.code == 0, r.err
    assert f"Pushed {n:,} triples" in r.out and "dba" not in r.out + r.err
    assert virtuoso.count(graph) == n
    # again, replacing, in chunks: same graph, several requests
    r = seed_cli(
        "push", "--endpoint", virtuoso.gsp_auth_url, "--graph", graph, "--replace", "--chunk-size", "1000", env=AUTH
    )
    assert r.code == 0, r.err
    assert f"in {math.ceil(n / 1000)} request(s)" in r.out
    assert virtuoso.count(graph) == n
    # adding the same triples (POST) changes nothing: an RDF graph is a set
    r = seed_cli("push", "--endpoint", virtuoso.gsp_auth_url, "--graph", graph, env=AUTH)
    assert r.code == 0, r.err
    assert virtuoso.count(graph) == n


def test_push_never_sends_personal_data(seed_cli: CLI, virtuoso, graph: str):
    assert seed_cli("push", "--endpoint", virtuoso.gsp_auth_url, "--graph", graph, "--replace", env=AUTH).code == 0
    rows = virtuoso.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{
        {{ ?s a <http://schema.org/Person> }} UNION {{ ?s <http://schema.org/email> ?e }} }} }}""")
    assert int(rows[0]["n"]["value"]) == 0


def test_push_with_netrc(seed_cli: CLI, virtuoso, graph: str, tmp_path: Path):
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine {virtuoso.host} login dba password dba\n")
    netrc.chmod(0o600)
    r = seed_cli(
        "push", "--endpoint", virtuoso.gsp_auth_url, "--graph", graph, "--replace", env={**NO_AUTH, "NETRC": str(netrc)}
    )
    assert r.code == 0, r.err
    assert virtuoso.count(graph) > 4000


def test_refusals_are_clear_and_keep_secrets(seed_cli: CLI, virtuoso, graph: str):
    secret = "not-the-password-42"
    r = seed_cli(
        "push",
        "--endpoint",
        virtuoso.gsp_auth_url,
        "--graph",
        graph,
        env={"COOPGRAPH_ENDPOINT_USER": "dba", "COOPGRAPH_ENDPOINT_PASSWORD": secret},
    )
    assert r.code == 1
    assert "refused" in r.err or "authentication" in r.err, r.err
    assert secret not in r.out + r.err
    r = seed_cli("push", "--endpoint", virtuoso.gsp_auth_url, "--graph", graph, env=NO_AUTH)
    assert r.code == 1 and "without credentials" in r.err, r.err
    # the anonymous endpoint answers 403 to writes
    r = seed_cli("push", "--endpoint", virtuoso.gsp_url, "--graph", graph, env=NO_AUTH)
    assert r.code == 1 and "HTTP 40" in r.err, r.err
    assert virtuoso.count(graph) == 0
    # nothing listens there
    r = seed_cli("push", "--endpoint", "http://127.0.0.1:9/gsp", "--graph", graph, env=NO_AUTH)
    assert r.code == 1 and "cannot reach" in r.err, r.err


def test_usage_errors(seed_cli: CLI):
    assert seed_cli("push", "--endpoint", "ftp://x", "--graph", "https://g").code == 2
    assert seed_cli("push", "--endpoint", "http://h/gsp", "--graph", "not an iri").code == 2
    assert seed_cli("push", "--endpoint", "http://u:p@h/gsp", "--graph", "https://g").code == 2
    r = seed_cli(
        "push",
        "--endpoint",
        "http://h/gsp",
        "--graph",
        "https://g",
        env={"COOPGRAPH_ENDPOINT_USER": "x", "COOPGRAPH_ENDPOINT_PASSWORD": ""},
    )
    assert r.code == 2 and "both" in r.err


def saved_queries() -> list[str]:
    folder = queries_dir()
    return sorted(f.name[:-3] for f in folder.iterdir() if f.name.endswith(".rq"))


def test_stats_is_among_the_saved_queries():
    assert "stats" in saved_queries()


@pytest.fixture(scope="module")
def pushed(seed_cli: CLI, virtuoso):
    iri = "https://w3id.org/coopgraph/test/saved-queries"
    r = seed_cli("push", "--endpoint", virtuoso.gsp_auth_url, "--graph", iri, "--replace", env=AUTH)
    assert r.code == 0, r.err
    yield iri
    virtuoso.clear_graph(iri)


@pytest.mark.parametrize("name", saved_queries())
def test_saved_queries_give_the_same_rows_on_virtuoso(seed_cli: CLI, virtuoso, pushed: str, name: str):
    text = (queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
    local = seed_cli("sparql", text, "--format", "json")
    assert local.code == 0, local.err
    lv, lb = local.json["head"]["vars"], local.json["results"]["bindings"]
    rv, rb = remote_rows(virtuoso, text, pushed)
    assert rv == lv
    assert row_set(rv, rb) == row_set(lv, lb)
    if name == "stats":
        row = dict(zip(lv, row_set(lv, lb)[0]))
        assert row["partnerships"] == 1 and row["funders"] == 9 and row["totalEUR"] == 137988

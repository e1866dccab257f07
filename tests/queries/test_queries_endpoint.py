"""`--endpoint`: saved and ad-hoc queries on a real remote endpoint (Virtuoso), and clear errors when
the endpoint is down, slow, missing, answers an error or refuses the credentials. Credentials come
only from the environment or a netrc file and never appear in the output."""

from __future__ import annotations

import socket

import pytest


GRAPH = "https://w3id.org/coopgraph/test/endpoint"
PASSWORD = "dba"  # the throw-away test server's; checked below never to be printed


@pytest.fixture
def remote(cli, virtuoso):
    """A CLI whose local store is empty: whatever it answers comes from the endpoint."""
    virtuoso.clear_graph(GRAPH)
    yield cli, virtuoso
    virtuoso.clear_graph(GRAPH)


def _no_secret(run) -> None:
    assert PASSWORD + "@" not in run.out + run.err and "wrong-pass" not in run.out + run.err


def test_saved_query_on_the_endpoint_without_a_local_store(remote, tmp_path):
    cli, v = remote
    nt = tmp_path / "one.nt"
    nt.write_text(
        "<urn:coop:p> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        "<https://w3id.org/coopgraph/ontology#Partnership> .\n",
        encoding="utf-8",
    )
    v.load_ntriples(nt, GRAPH)
    r = cli("query", "stats", "--endpoint", v.sparql_url, "--format", "csv")
    assert r.code == 0, r.err
    assert not cli.store.exists()  # the local store was never created nor needed
    assert int(r.out.splitlines()[1].split(",")[0]) >= 1


def test_endpoint_down(cli):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = cli("query", "stats", "--endpoint", f"http://127.0.0.1:{port}/sparql")
    assert r.code == 1 and f"cannot reach http://127.0.0.1:{port}/sparql" in r.err


def test_endpoint_that_never_answers(cli):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(5)  # accepts connections, never answers
        r = cli("query", "stats", "--endpoint", f"http://127.0.0.1:{s.getsockname()[1]}/sparql", "--timeout", "1")
    assert r.code == 1 and "did not answer within 1 s" in r.err


def test_no_endpoint_at_that_path(cli, virtuoso):
    r = cli("query", "stats", "--endpoint", virtuoso.base_url + "/no-sparql-here")
    assert r.code == 1 and "404" in r.err


def test_endpoint_error_is_reported_with_its_reason(cli, virtuoso):
    r = cli("sparql", "SELECT * WHERE { ?s ?p }", "--endpoint", virtuoso.sparql_url)
    assert r.code == 1 and "malformed" in r.err and "SP030" in r.err


def test_bad_parameter_is_refused_before_any_request(cli):
    r = cli("query", "sanitation-cofunders", "-p", "country=Atlantis", "--endpoint", "http://127.0.0.1:9/sparql")
    assert r.code == 2 and "unknown country" in r.err


def test_credentials_in_the_url_are_refused_and_not_echoed(cli, virtuoso):
    url = virtuoso.sparql_auth_url.replace("http://", f"http://dba:{PASSWORD}@")
    r = cli("query", "stats", "--endpoint", url)
    assert r.code == 2 and "COOPGRAPH_ENDPOINT_USER" in r.err
    _no_secret(r)


def test_digest_credentials_from_the_environment(remote):
    cli, v = remote
    env = {
        "COOPGRAPH_ENDPOINT_USER": "dba",
        "COOPGRAPH_ENDPOINT_PASSWORD": PASSWORD,
        "COOPGRAPH_ENDPOINT_AUTH": "digest",
    }
    r = cli("sparql", "ASK { }", "--endpoint", v.sparql_auth_url, env=env)
    assert r.code == 0 and r.out.strip() == "true", r.err
    r = cli(
        "sparql", "ASK { }", "--endpoint", v.sparql_auth_url, env={**env, "COOPGRAPH_ENDPOINT_PASSWORD": "wrong-pass"}
    )
    assert r.code == 1 and "refused the credentials" in r.err
    _no_secret(r)
    r = cli("sparql", "ASK { }", "--endpoint", v.sparql_auth_url)
    assert r.code == 1 and "refused the credentials" in r.err


def test_credentials_from_a_netrc_file(remote, tmp_path):
    cli, v = remote
    netrc = tmp_path / "netrc"
    netrc.write_text(f"machine 127.0.0.1 login dba password {PASSWORD}\n", encoding="utf-8")
    netrc.chmod(0o600)
    r = cli(
        "sparql",
        "ASK { }",
        "--endpoint",
        v.sparql_auth_url,
        env={"NETRC": str(netrc), "COOPGRAPH_ENDPOINT_AUTH": "digest"},
    )
    assert r.code == 0 and r.out.strip() == "true", r.err
    home = tmp_path / "home"
    home.mkdir()
    (home / ".netrc").write_text(netrc.read_text(), encoding="utf-8")
    (home / ".netrc").chmod(0o600)
    r = cli(
        "sparql",
        "ASK { }",
        "--endpoint",
        v.sparql_auth_url,
        env={"HOME": str(home), "COOPGRAPH_ENDPOINT_AUTH": "digest"},
    )
    assert r.code == 0 and r.out.strip() == "true", r.err


def test_update_on_the_endpoint_refused_unless_allowed(remote):
    cli, v = remote
    env = {
        "COOPGRAPH_ENDPOINT_USER": "dba",
        "COOPGRAPH_ENDPOINT_PASSWORD": PASSWORD,
        "COOPGRAPH_ENDPOINT_AUTH": "digest",
    }
    insert = f"INSERT DATA {{ GRAPH <{GRAPH}> {{ <urn:coop:a> <urn:coop:b> <urn:coop:c> }} }}"
    ask = f"ASK {{ GRAPH <{GRAPH}> {{ <urn:coop:a> ?p ?o }} }}"
    r = cli("sparql", insert, "--endpoint", v.sparql_auth_url, env=env)
    assert r.code == 2 and "--allow-update" in r.err
    assert cli("sparql", ask, "--endpoint", v.sparql_url).out.strip() == "false"
    r = cli("sparql", insert, "--endpoint", v.sparql_auth_url, "--allow-update", env=env)
    assert r.code == 0, r.err
    assert cli("sparql", ask, "--endpoint", v.sparql_url).out.strip() == "true"

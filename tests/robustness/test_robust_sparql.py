"""`coopgraph sparql` guards: no SERVICE call unless --allow-service, no SPARQL Update unless
--allow-update, whatever the spelling (case, comments, strings, IRIs, names, escapes, updates
hidden beside a query form). Proved against a real HTTP server on 127.0.0.1 that counts every
request it gets, and a real store whose content is compared before and after.
"""

from __future__ import annotations

import http.server
import threading

import pytest
from hypothesis import given, settings, strategies as st

from conftest import CLI, SEED

from coopgraph.sparql import is_update, uses_service


class Recorder:
    """A SPARQL-looking HTTP server that records each request (and answers an empty result)."""

    def __init__(self):
        self.hits: list[str] = []
        rec = self

        class H(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                n = int(self.headers.get("Content-Length") or 0)
                rec.hits.append(self.path + " " + self.rfile.read(n).decode("latin-1"))
                body = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def rec():
    r = Recorder()
    yield r
    r.close()


@pytest.fixture(scope="module")
def store_cli(tmp_path_factory) -> CLI:
    c = CLI(tmp_path_factory.mktemp("sparql-guard") / "store")
    assert c("ingest", SEED).code == 0
    return c


def _fingerprint(c: CLI) -> str:
    r = c("dump", "--format", "nquads")
    assert r.code == 0
    return "\n".join(sorted(r.out.splitlines()))


# --- SERVICE ------------------------------------------------------------------------------------
def service_queries(url: str) -> dict[str, str]:
    return {
        "plain": f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "lowercase": f"select * where {{ service <{url}> {{ ?s ?p ?o }} }}",
        "mixed case, silent": f"SELECT * WHERE {{ SeRvIcE SILENT <{url}> {{ ?s ?p ?o }} }}",
        "no spaces": f"SELECT*{{SERVICE<{url}>{{?s?p?o}}}}",
        "variable endpoint": f"SELECT * WHERE {{ VALUES ?e {{ <{url}> }} SERVICE ?e {{ ?s ?p ?o }} }}",
        "prefixed endpoint": f"PREFIX ep: <{url.rsplit('/', 1)[0]}/> SELECT * WHERE {{ SERVICE ep:sparql {{ ?s ?p ?o }} }}",
        "after a comment": f"# SERVICE is not used here, honest\nSELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "after a string with '#'": f'SELECT * WHERE {{ BIND("a#b" AS ?x) SERVICE <{url}> {{ ?s ?p ?o }} }}',
        "after an IRI with '#'": f"SELECT * WHERE {{ ?s a <http://x.org/o#C> . SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "in a subquery": f"SELECT * WHERE {{ {{ SELECT ?s WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
        "inside OPTIONAL": f"SELECT * WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
        # '<' as less-than, then a '>' further on: once read as one IRI, which hid SERVICE (oxigraph
        # cannot call a variable endpoint, but a remote endpoint can).
        "between < and >": (f"SELECT*{{VALUES?e{{<{url}>}}BIND(0 AS ?x)FILTER(?x<1)SERVICE?e{{?s?p?o}}FILTER(?x>-1)}}"),
        "in an ASK": f"ASK {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "in a CONSTRUCT": f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
        "after a long string": f'SELECT * WHERE {{ BIND("""x\n"y"\n""" AS ?z) SERVICE <{url}> {{ ?s ?p ?o }} }}',
    }


def test_every_service_spelling_is_refused_and_calls_nothing(store_cli, rec):
    for name, q in service_queries(rec.url).items():
        assert uses_service(q), name
        before = len(rec.hits)
        r = store_cli("sparql", q)
        assert r.code == 2 and "--allow-service" in r.err, (name, r)
        assert len(rec.hits) == before, f"{name}: the store called the endpoint"


def test_service_allowed_when_asked(store_cli, rec):
    before = len(rec.hits)
    r = store_cli("sparql", "--allow-service", service_queries(rec.url)["plain"])
    assert r.code == 0, r.err
    assert len(rec.hits) == before + 1  # the store really calls out: the guard is what stops it


def test_service_failure_is_a_message_not_a_traceback(store_cli):
    # Port 9 (discard) is refused by oxigraph's HTTP client; port 1 has nothing listening.
    for url in ("http://127.0.0.1:9/sparql", "http://127.0.0.1:1/sparql"):
        r = store_cli("sparql", "--allow-service", f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
        assert r.code == 2 and "the query failed" in r.err, r


def test_service_refused_for_a_remote_endpoint_too(store_cli, rec):
    before = len(rec.hits)
    r = store_cli("sparql", "--endpoint", rec.url, service_queries("http://127.0.0.1:1/x")["plain"])
    assert r.code == 2 and "--allow-service" in r.err, r
    assert len(rec.hits) == before


# --- updates ------------------------------------------------------------------------------------
UPDATES = {
    "insert data": "INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "lowercase": "insert data { <http://e/a> <http://e/b> <http://e/c> }",
    "delete where": "DELETE WHERE { ?s ?p ?o }",
    "drop all": "DROP ALL",
    "clear silent": "clear silent default",
    "load": "LOAD <http://127.0.0.1:1/evil.ttl>",
    "copy/move/add": "COPY DEFAULT TO <http://e/g> ; MOVE <http://e/g> TO DEFAULT ; ADD DEFAULT TO <http://e/h>",
    "create": "CREATE GRAPH <http://e/g>",
    "with ... delete": "WITH <http://e/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "insert with a subquery": "INSERT { ?s a <http://e/X> } WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 1 } }",
    "update after a query": "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "';'-separated": "INSERT DATA { <http://e/a> <http://e/b> 'SELECT' } ; DELETE WHERE { ?s ?p ?o }",
    "after a comment": "# SELECT * WHERE {}\nDELETE WHERE { ?s ?p ?o }",
    "after a prologue": "PREFIX select: <http://e/> BASE <http://e/> DELETE WHERE { ?s ?p ?o }",
    "query form in a string": "DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(?o != 'SELECT') }",
    "codepoint escape": "\\u0044ELETE WHERE { ?s ?p ?o }",
}


def test_every_update_spelling_is_refused_and_changes_nothing(store_cli):
    before = _fingerprint(store_cli)
    for name, q in UPDATES.items():
        assert is_update(q), name
        r = store_cli("sparql", q)
        assert r.code == 2 and "--allow-update" in r.err, (name, r)
    assert _fingerprint(store_cli) == before


def test_updates_refused_for_a_remote_endpoint(store_cli, rec):
    before = len(rec.hits)
    for name in ("insert with a subquery", "update after a query", "lowercase"):
        r = store_cli("sparql", "--endpoint", rec.url, UPDATES[name])
        assert r.code == 2 and "--allow-update" in r.err, (name, r)
    assert len(rec.hits) == before, "an update reached the endpoint"


def test_allowed_update_changes_the_store(cli):
    assert cli("ingest", SEED).code == 0
    r = cli("sparql", "--allow-update", "INSERT DATA { GRAPH <http://e/g> { <http://e/a> <http://e/b> 'x' } }")
    assert r.code == 0, r.err
    assert cli.rows("SELECT ?o WHERE { <http://e/a> <http://e/b> ?o }") == [{"o": "x"}]


# --- no false alarms: keywords inside strings, IRIs, comments and names ---------------------------
READS = {
    "keyword in a string": "SELECT * WHERE { ?s ?p 'DELETE WHERE SERVICE INSERT' }",
    "keyword in a long string": 'SELECT * WHERE { ?s ?p """\nDROP ALL ; SERVICE <x> {}\n""" }',
    "keyword in a comment": "SELECT * WHERE { ?s ?p ?o } # then DROP ALL and SERVICE <http://x>",
    "keyword in an IRI": "SELECT * WHERE { ?s <http://e/insert/delete#SERVICE> ?o }",
    "keyword as a variable": "SELECT ?service ?insert ?drop WHERE { ?service ?insert ?drop } LIMIT 1",
    "keyword as a prefixed name": "PREFIX service: <http://e/> SELECT * WHERE { ?s a schema:Service ; service:add ?o }",
    "'#' in a string, then a quote": 'SELECT * WHERE { ?s ?p "a # \'b" }',
    "less-than comparisons": "SELECT * WHERE { ?s ?p ?o FILTER(?o<3 && ?o>1) }",
}


def test_keywords_in_strings_iris_comments_and_names_are_not_alarms(store_cli):
    for name, q in READS.items():
        assert not is_update(q) and not uses_service(q), name
        r = store_cli("sparql", q)
        assert r.code == 0, (name, r.err)


_LIT = st.text(alphabet=st.sampled_from(list("abc SERVICE INSERT DELETE DROP#<>{};?:'") + ["\n"]), max_size=40)


@settings(max_examples=1000, derandomize=True, database=None, deadline=None)
@given(_LIT)
def test_keywords_inside_literals_and_comments_never_trigger(text):
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    q1 = f'SELECT * WHERE {{ ?s ?p "{esc}" }}'
    q2 = f"SELECT * WHERE {{ ?s ?p ?o }} #{text.splitlines()[0] if text.strip() else ''}\n"
    for q in (q1, q2):
        assert not is_update(q) and not uses_service(q), q


@settings(max_examples=1000, derandomize=True, database=None, deadline=None)
@given(
    st.sampled_from(["SERVICE <http://127.0.0.1:1/>", "SERVICE ?e", "service silent <http://h/>"]),
    st.sampled_from(["", "# c\n", " ", "\n\t", "\r\n"]),
    st.sampled_from(['BIND("#" AS ?a) ', "?s <http://x#y> ?o . ", "FILTER(?o<1) ", "", "{ } "]),
)
def test_service_found_whatever_surrounds_it(service, space, before):
    q = f"SELECT * WHERE {{ {before}{space}{service}{space}{{ ?s ?p ?o }} }}"
    assert uses_service(q), q


def test_query_file_that_is_not_utf8(store_cli, tmp_path):
    f = tmp_path / "q.rq"
    f.write_bytes("SELECT * WHERE { ?s ?p 'é' }".encode("cp1252"))
    r = store_cli("sparql", f"@{f}")
    assert r.code == 2 and "not UTF-8" in r.err, r

"""Remote endpoints under failure, against real HTTP servers started here on 127.0.0.1 and the real
Virtuoso: retries with backoff on 5xx (queries only), timeouts, clear errors on 4xx, and no
credential ever printed, logged or written to a dump — even when the server echoes the request.
"""

from __future__ import annotations

import base64
import http.server
import threading
import time

import pytest

from conftest import SEED

USER, PASSWORD = "coop-user", "s3cret-Pa55-robust"
TOKEN = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
API_KEY = "k3y-in-the-query-string"
CREDS = {"COOPGRAPH_ENDPOINT_USER": USER, "COOPGRAPH_ENDPOINT_PASSWORD": PASSWORD}
EMPTY = b'{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal","value":"7"}}]}}'


class Scripted:
    """An HTTP server answering from a script: each request takes the next (status, body) until the
    last, which repeats; status None means never answer (hang). Every request is recorded."""

    def __init__(self, script):
        self.script = list(script)
        self.requests: list[dict] = []
        self.release = threading.Event()
        me = self

        class H(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n).decode("latin-1")
                me.requests.append(
                    {"t": time.monotonic(), "auth": self.headers.get("Authorization"), "path": self.path, "body": body}
                )
                status, payload = me.script[min(len(me.requests), len(me.script)) - 1]
                if status is None:
                    me.release.wait(60)
                    return
                # An indiscreet server: its answer echoes the request's headers and body.
                payload = payload.replace(b"ECHO", f"{dict(self.headers)} {self.path} {body}".encode())
                self.send_response(status)
                self.send_header("Content-Type", "application/sparql-results+json" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = _answer

            def log_message(self, *a):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/sparql"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve():
    made = []

    def make(*script):
        s = Scripted(script)
        made.append(s)
        return s

    yield make
    for s in made:
        s.close()


def _no_secret(r) -> None:
    text = r.out + r.err
    for secret in (PASSWORD, TOKEN, API_KEY):
        assert secret not in text, f"a credential was printed: {text[-800:]}"


def test_500_then_200_is_retried_with_backoff(cli, serve):
    s = serve((500, b"busy ECHO"), (500, b"busy ECHO"), (200, EMPTY))
    r = cli("sparql", "SELECT (7 AS ?n) {}", "--endpoint", s.url, "--format", "csv", env=CREDS)
    assert r.code == 0, r.err
    assert r.out.splitlines() == ["n", "7"]
    assert len(s.requests) == 3  # two retries (after 0.5 s, then 1 s: not asserted, timing)
    _no_secret(r)


def test_5xx_that_persists_gives_up_with_a_clear_message(cli, serve):
    s = serve((503, b"maintenance ECHO"))
    r = cli("query", "countries", "--endpoint", s.url, env=CREDS)
    assert r.code == 1, r
    assert "HTTP 503" in r.err and "tried 4 times" in r.err, r.err
    assert len(s.requests) == 4
    _no_secret(r)


def test_updates_are_not_retried(cli, serve):
    s = serve((500, b"oops ECHO"), (204, b""))
    r = cli("sparql", "--allow-update", "INSERT DATA { <http://e/a> <http://e/b> 1 }", "--endpoint", s.url, env=CREDS)
    assert r.code == 1 and "HTTP 500" in r.err, r
    assert len(s.requests) == 1  # a half-applied update must not run twice
    _no_secret(r)


@pytest.mark.parametrize(
    "status,expect",
    [
        (401, "refused the credentials"),
        (403, "refused"),
        (400, "malformed"),
        (404, "404"),
        (414, "too long"),
        (418, "HTTP 418"),
    ],
)
def test_4xx_is_a_clear_error_without_retry(cli, serve, status, expect):
    s = serve((status, b"no: ECHO"))
    r = cli("query", "countries", "--endpoint", s.url + "?apikey=" + API_KEY, env=CREDS)
    assert r.code == 1, r
    assert expect in r.err and r.err.startswith("Error: "), r.err
    assert len(s.requests) == 1
    _no_secret(r)


def test_a_hanging_endpoint_times_out(cli, serve):
    s = serve((None, b""))
    r = cli("sparql", "ASK {}", "--endpoint", s.url, "--timeout", "1", env=CREDS, timeout=60)
    assert r.code == 1 and "did not answer within 1 s" in r.err, r
    _no_secret(r)


def test_garbage_and_refused_connections(cli, serve):
    s = serve((200, b"<html>ECHO</html>"))
    r = cli("sparql", "ASK {}", "--endpoint", s.url, env=CREDS)
    assert r.code == 1 and "did not answer with SPARQL JSON results" in r.err, r
    _no_secret(r)
    s.close()
    r = cli("sparql", "ASK {}", "--endpoint", s.url, env=CREDS)
    assert r.code == 1 and "cannot reach" in r.err, r
    _no_secret(r)


def test_credentials_sent_but_never_shown(cli, serve, tmp_path):
    """The server gets the credentials (basic auth); nothing the user sees or keeps holds them."""
    s = serve((500, b"ECHO"), (200, EMPTY))
    r = cli("sparql", "SELECT (7 AS ?n) {}", "--endpoint", s.url + "?apikey=" + API_KEY, env=CREDS)
    assert r.code == 0
    assert s.requests[0]["auth"] == "Basic " + TOKEN
    # A local store and its dump, written in the same environment, hold no trace of them either.
    assert cli("ingest", SEED, env=CREDS).code == 0
    out = tmp_path / "dump.trig"
    assert cli("dump", "--format", "trig", "--include-personal-data", "-o", out, env=CREDS).code == 0
    data = out.read_text(encoding="utf-8") + "".join(
        p.read_bytes().decode("latin-1") for p in cli.store.rglob("*") if p.is_file()
    )
    for secret in (PASSWORD, TOKEN, API_KEY):
        assert secret not in data
    bad = cli("sparql", "ASK {}", "--endpoint", f"http://{USER}:{PASSWORD}@127.0.0.1:1/sparql")
    assert bad.code == 2
    bad2 = cli("sparql", "ASK {}", "--endpoint", f"ftp://{USER}:{PASSWORD}@127.0.0.1/x")
    assert bad2.code == 2
    for run in (r, bad, bad2):
        _no_secret(run)


def test_virtuoso_wrong_password_and_good_one(cli, virtuoso):
    env = {
        "COOPGRAPH_ENDPOINT_USER": "dba",
        "COOPGRAPH_ENDPOINT_PASSWORD": PASSWORD,
        "COOPGRAPH_ENDPOINT_AUTH": "digest",
    }
    r = cli("query", "countries", "--endpoint", virtuoso.sparql_auth_url, env=env)
    assert r.code == 1 and "refused the credentials" in r.err, r
    _no_secret(r)
    ok = {**env, "COOPGRAPH_ENDPOINT_PASSWORD": virtuoso.dba_password}
    r = cli("query", "countries", "--endpoint", virtuoso.sparql_auth_url, env=ok)
    assert r.code == 0, r.err
    # A query Virtuoso itself rejects: its error comes back as one clear line, no retry storm.
    r = cli("sparql", "SELECT * WHERE { ?s ?p }", "--endpoint", virtuoso.sparql_url)
    assert r.code in (1, 2) and r.err.startswith("Error: "), r

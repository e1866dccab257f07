"""Options and surroundings of `coopgraph serve`: reload on store change, --base-url, a missing store, static files."""

from __future__ import annotations

from conftest import CLI, PAGES, SEED
from serving import Server


def test_reloads_when_an_ingest_changes_the_store(cli: CLI, tmp_path):
    assert cli("ingest", SEED).code == 0
    server = Server(cli.store, tmp_path / "serve.log", "--workers", "1")
    try:
        assert server.get("/queries/stats.csv").text.splitlines()[1].startswith("1,")
        assert server.get("/id/commune/59350", "text/html").status_code == 404  # Lille: not yet
        page = server.get("/id/commune/16015", "text/html")
        etag = page.headers["etag"]
        assert server.get("/id/commune/16015", "text/html", headers={"If-None-Match": etag}).status_code == 304
        r = cli("ingest", PAGES / "fixture-lille-dakar-terminated.txt")  # a writer, while the server reads
        assert r.code == 0, r.err
        assert server.get("/queries/stats.csv").text.splitlines()[1].startswith("2,")
        again = server.get("/id/commune/16015", "text/html", headers={"If-None-Match": etag})
        assert again.status_code == 200 and again.headers["etag"] != etag  # the store changed: a new answer
        assert server.get("/", "text/html").text.count('id="fig-partnerships"><strong>2</strong>') == 1
        lille = server.get("/search", "application/json", params={"q": "Lille"}).json()["results"]
        assert lille
    finally:
        server.stop()
    assert "Traceback" not in server.log


def test_base_url_in_links_and_openapi(cli: CLI, tmp_path):
    assert cli("ingest", SEED).code == 0
    server = Server(cli.store, tmp_path / "serve.log", "--base-url", "https://data.example.org/cg/")
    try:
        home = server.get("/", "text/html").text
        assert 'href="https://data.example.org/cg/id/commune/16015"' in home
        assert 'href="https://data.example.org/cg/static/coopgraph.css"' in home
        page = server.get("/id/commune/16015", "text/html").text
        assert 'href="https://data.example.org/cg/id/partnership/307acb298e1fad1f"' in page
        assert server.get("/openapi.json").json()["servers"] == [{"url": "https://data.example.org/cg"}]
        # the map's scripts, data and click target (the partner's page) behind the proxy too
        map_page = server.get("/map", "text/html").text
        assert 'src="https://data.example.org/cg/static/map/coopgraph-map.js"' in map_page
        assert '"data": "https://data.example.org/cg/map/data.json", "base": "https://data.example.org/cg"' in map_page
    finally:
        server.stop()


def test_refuses_a_missing_store_without_a_traceback(cli: CLI, tmp_path):
    r = cli("serve", "--store", tmp_path / "nothing", "--port", "0")
    assert r.code == 2 and "no store at" in r.err


def test_static_files_only_from_the_package(cli: CLI, tmp_path):
    assert cli("ingest", SEED).code == 0
    server = Server(cli.store, tmp_path / "serve.log")
    try:
        for path in ("/static/../../../../etc/passwd", "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fapp.py"):
            r = server.get(path)
            assert r.status_code == 404 and "root:" not in r.text, path
        assert server.request("HEAD", "/").status_code == 200
        assert server.get("/static/yasgui/LICENSE").text.startswith("MIT License")
    finally:
        server.stop()


def test_an_answer_too_large_for_a_worker_gets_a_507_and_the_server_goes_on(cli: CLI, tmp_path):
    assert cli("ingest", SEED).code == 0
    server = Server(cli.store, tmp_path / "serve.log", "--worker-memory-mb", "300", "--timeout", "60")
    try:
        huge = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 5000000"  # ~44 million rows without the cap
        r = server.get("/sparql", "text/csv", params={"query": huge}, timeout=300)
        # A 507 within seconds (the worker never prints a Rust backtrace: with RUST_BACKTRACE=1 set, the
        # panic's backtrace allocated under the limit and hung). Should an engine thread still get stuck,
        # the time limit stops it (504). Either way: refused, and the server goes on.
        assert (r.status_code, "LIMIT" in r.text or "time limit" in r.text) in ((507, True), (504, True)), r.text
        after = server.get("/sparql", "text/csv", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
        assert after.status_code == 200 and after.text.splitlines()[0] == "n"
        assert all("Traceback" not in x.text for x in server.seen)  # the log may hold the dying worker's
    finally:
        server.stop()

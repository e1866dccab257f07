"""The server follows the store: an ingest while it runs shows up without a restart."""

from __future__ import annotations

from conftest import CLI, PAGES, SEED
from serving import Server


def test_reloads_when_an_ingest_changes_the_store(cli: CLI, tmp_path):
    assert cli("ingest", SEED).code == 0
    server = Server(cli.store, tmp_path / "serve.log", "--workers", "1")
    try:
        assert server.get("/queries/stats.csv").text.splitlines()[1].startswith("1,")
        assert server.get("/id/commune/59350", "text/html").status_code == 404  # Lille: not yet
        r = cli("ingest", PAGES / "fixture-lille-dakar-terminated.txt")  # a writer, while the server reads
        assert r.code == 0, r.err
        assert server.get("/queries/stats.csv").text.splitlines()[1].startswith("2,")
        assert server.get("/", "text/html").text.count('id="fig-partnerships"><strong>2</strong>') == 1
        lille = server.get("/search", "application/json", params={"q": "Lille"}).json()["results"]
        assert lille
    finally:
        server.stop()
    assert "Traceback" not in server.log

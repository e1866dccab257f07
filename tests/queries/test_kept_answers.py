"""Answers kept beside the store (`answers.sqlite`): a later process reads what an earlier one
computed on the same store state, and never an answer of another state: after ingest, re-ingest of
a changed page, a SPARQL Update, a writer killed mid-write, a damaged file.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from conftest import CLI, PAGES, SEED

FILE = "answers.sqlite"
FIXTURES = sorted(PAGES.glob("fixture-*.txt"))
PARTNERSHIPS = "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p a <https://w3id.org/coopgraph/ontology#Partnership> }"


def kept(cli: CLI) -> tuple[str, int]:
    """(valid flag, number of answers) of the file."""
    db = sqlite3.connect(cli.store / FILE)
    try:
        valid = db.execute("SELECT value FROM meta WHERE key = 'valid'").fetchone()
        n = db.execute("SELECT COUNT(*) FROM answer").fetchone()[0]
        return (valid[0] if valid else "", n)
    finally:
        db.close()


def stats(cli: CLI) -> dict:
    r = cli("query", "stats", "--format", "json")
    assert r.code == 0, r.err
    return {k: v["value"] for k, v in r.json["results"]["bindings"][0].items()}


def forge(cli: CLI, partnerships: str) -> None:
    """Rewrite every kept `stats` answer to say `partnerships`: what a process that reads the file shows."""
    code = (
        "import sqlite3, sys\n"
        "from coopgraph.answers import decode, encode\n"
        "db = sqlite3.connect(sys.argv[1])\n"
        "for key, body in db.execute('SELECT key, body FROM answer').fetchall():\n"
        "    t = decode(body)\n"
        "    if 'partnerships' in t.variables and 'sdgTargets' in t.variables:\n"
        "        i = t.variables.index('partnerships')\n"
        "        c = t.rows[0][i]\n"
        "        t.rows[0][i] = type(c)(sys.argv[2], c.kind, c.datatype, c.lang)\n"
        "        db.execute('UPDATE answer SET body = ? WHERE key = ?', (encode(t), key))\n"
        "db.commit()\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code, str(cli.store / FILE), partnerships], capture_output=True, text=True
    )
    assert p.returncode == 0, p.stderr


def test_a_later_process_reads_the_answer_an_earlier_one_kept(cli):
    assert cli("ingest", SEED, *FIXTURES).code == 0
    assert kept(cli) == ("1", 0)  # the writer left an empty file for its generation
    first = stats(cli)
    assert first["partnerships"] == str(len(FIXTURES) + 1)
    assert kept(cli)[1] >= 1
    forge(cli, "999")
    assert stats(cli)["partnerships"] == "999"  # read back, not computed again
    # a SPARQL query of the user's own is answered from the store as ever
    assert cli.rows(PARTNERSHIPS) == [{"n": str(len(FIXTURES) + 1)}]


def test_every_write_forgets_the_kept_answers(cli, tmp_path):
    page = tmp_path / "segou.txt"
    text = SEED.read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    assert cli("ingest", page).code == 0
    assert stats(cli)["partnerships"] == "1"
    forge(cli, "999")
    # ingest of a new page
    assert cli("ingest", FIXTURES[0]).code == 0
    assert kept(cli) == ("1", 0)
    assert stats(cli)["partnerships"] == "2"
    # re-ingest of a changed page
    title = "Coopération décentralisée Angoulême – Ségou 2020-2021"
    assert title in text
    page.write_text(text.replace(title, "Pirogues et jardins du fleuve"), encoding="utf-8")
    before = cli("query", "partners-of", "--format", "csv")
    assert before.code == 0 and kept(cli)[1] >= 1
    assert cli("ingest", page).code == 0
    assert kept(cli) == ("1", 0)
    # a SPARQL Update
    forge(cli, "999")
    stats(cli)
    r = cli(
        "sparql",
        "--allow-update",
        "DELETE WHERE { GRAPH ?g { ?p a <https://w3id.org/coopgraph/ontology#Partnership> } }",
    )
    assert r.code == 0, r.err
    assert kept(cli) == ("1", 0)
    assert stats(cli)["partnerships"] == "0"


def test_a_writer_killed_mid_write_leaves_no_answer_trusted(cli):
    assert cli("ingest", SEED, *FIXTURES).code == 0
    assert stats(cli)["partnerships"] == str(len(FIXTURES) + 1)
    code = (
        "import os, sys; from coopgraph.store import Store\n"
        "s = Store(sys.argv[1]); s.cache.begin()\n"
        "s.update('DELETE WHERE { GRAPH ?g { ?p a <https://w3id.org/coopgraph/ontology#Partnership> } }')\n"
        "s.open.flush(); os._exit(1)\n"
    )
    died = subprocess.run([sys.executable, "-c", code, str(cli.store)], capture_output=True, text=True)
    assert died.returncode == 1, died.stderr
    assert kept(cli)[0] == "0"
    # the answer kept before the write is not read, the new one not kept: the file describes no state
    assert stats(cli)["partnerships"] == "0"
    assert kept(cli) == ("0", 1)
    assert cli("ingest", SEED).code == 0  # the next writer starts the file again
    assert kept(cli) == ("1", 0)
    assert stats(cli)["partnerships"] == "1"


def test_a_damaged_file_is_ignored_then_replaced(cli):
    assert cli("ingest", SEED).code == 0
    (cli.store / FILE).write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (cli.store / (FILE + suffix)).unlink(missing_ok=True)
    assert stats(cli)["partnerships"] == "1"
    assert cli("ingest", SEED).code == 0
    assert kept(cli) == ("1", 0)
    assert stats(cli)["partnerships"] == "1" and kept(cli)[1] == 1


def test_no_answer_is_kept_when_told_not_to(cli):
    assert cli("ingest", SEED).code == 0
    r = cli("query", "stats", "--format", "json", env={"COOPGRAPH_ANSWER_CACHE_MB": "0"})
    assert r.code == 0, r.err
    assert kept(cli) == ("1", 0)

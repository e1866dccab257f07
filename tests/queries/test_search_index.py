"""The full-text index beside the store (`search.sqlite`) holds what the store holds, through every
way the store changes: ingest, re-ingest of a changed page, a label another page adds to a shared
partner, a SPARQL Update, a writer killed mid-write, a store made before the index.

"What the store holds" is checked against an index built from the store itself, and
`search-partnerships` (answered with the index's help) against the same query run as plain SPARQL.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest

from conftest import CLI, PAGES, SEED

from coopgraph.search import FORMAT

INDEX = "search.sqlite"
FIXTURES = sorted(PAGES.glob("fixture-*.txt"))
CHECK = """
import json, sys
import coopgraph
from coopgraph.search import SearchIndex
with coopgraph.open(sys.argv[1], read_only=True) as atlas:
    fresh = SearchIndex(None)
    fresh.rebuild(atlas.store.open)
    index = atlas.store.search
    with index.reading(atlas.store.opened_generation) as usable:
        on_disk = index.documents() if usable else None
        consistent = index.consistent() if usable else None
        answers = {q: index.search(q) for q in sys.argv[2:]} if usable else None
    found = {q: [[r["partnership"], r["title"]] for r in atlas.search(q)] for q in sys.argv[2:]}
    print(json.dumps({"usable": usable, "same": on_disk == fresh.documents(), "n": len(fresh.documents()),
                      "consistent": consistent, "found": found,
                      "same_answers": answers == {q: fresh.search(q) for q in sys.argv[2:]}}))
"""


def check(cli: CLI, *words: str) -> dict:
    """The index on disk: usable for the store's state, equal to one built from the store (the
    texts it holds, and its full-text indexes exactly over them), and what Atlas.search finds for
    `words` (in a fresh process, as a reader). `in_step`: all of it, and the index's answers to
    `words` (order, scores, snippets) are those of an index built from the store."""
    p = subprocess.run([sys.executable, "-c", CHECK, str(cli.store), *words], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    import json

    out = json.loads(p.stdout)
    out["stderr"] = p.stderr
    out["in_step"] = out["usable"] and out["same"] and out["consistent"] and out["same_answers"]
    return out


def titles(found: list) -> set[str]:
    return {t for _, t in found}


def plain_rows(cli: CLI, text: str) -> list[dict]:
    """search-partnerships as plain SPARQL (the bound text through `coopgraph sparql`: no index)."""
    shown = cli("query", "search-partnerships", "-p", f"text={text}", "--show")
    assert shown.code == 0, shown.err
    return cli.rows(shown.out)


def saved_rows(cli: CLI, text: str) -> list[dict]:
    r = cli("query", "search-partnerships", "-p", f"text={text}", "--format", "json")
    assert r.code == 0, r.err
    return [{k: v["value"] for k, v in b.items()} for b in r.json["results"]["bindings"]]


def test_after_ingest_the_index_is_the_store_and_ignores_accents_and_case(cli):
    assert cli("ingest", SEED, *FIXTURES).code == 0
    out = check(cli, "Ségou", "segou", "SEGOU", "sÉgOu", "angouleme", "Balanzan", "eau potable", "zzzz")
    assert out["in_step"] and out["n"] == len(FIXTURES) + 1
    assert "stale" not in out["stderr"]
    f = out["found"]
    assert titles(f["Ségou"]) == {"Coopération décentralisée Angoulême – Ségou 2020-2021"}
    assert f["segou"] == f["SEGOU"] == f["sÉgOu"] == f["Ségou"]
    assert f["angouleme"] and f["Balanzan"]  # a French collectivité's and a foreign partner's name
    assert f["zzzz"] == []
    assert all(len(found) == len(set(found and [p for p, _ in found])) for found in f.values())


def test_a_funders_name_is_found(cli):
    assert cli("ingest", SEED).code == 0
    funders = cli.rows(
        "SELECT DISTINCT ?l WHERE { ?f <http://schema.org/funder> ?o . "
        "?o <http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    )
    assert funders
    # a funder word that is nowhere in the page's own texts
    texts = SEED.read_text(encoding="utf-8").split("Nom du financeur")[0].lower()
    words = [w for r in funders for w in r["l"].split() if len(w) > 3 and w.lower() not in texts]
    assert words, funders
    assert check(cli, words[0])["found"][words[0]]


@pytest.mark.parametrize("text", ["EAU", "Ségou", "assainissement", "dakar", "de", "é"])
def test_search_partnerships_gives_the_plain_querys_rows(cli, text):
    assert cli("ingest", SEED, *FIXTURES).code == 0
    assert saved_rows(cli, text) == plain_rows(cli, text)


def test_a_changed_page_replaces_its_document(cli, tmp_path):
    page = tmp_path / "segou.txt"
    text = SEED.read_text(encoding="utf-8")
    assert "intercommunalité Balanzan" in text
    page.write_text(text, encoding="utf-8")
    assert cli("ingest", page, *FIXTURES).code == 0
    assert check(cli, "pirogues")["found"]["pirogues"] == []
    page.write_text(text.replace("intercommunalité Balanzan", "intercommunalité des pirogues"), encoding="utf-8")
    assert cli("ingest", page).code == 0
    out = check(cli, "pirogues", "Sébougou")
    assert out["in_step"]
    assert titles(out["found"]["pirogues"]) == {"Coopération décentralisée Angoulême – Ségou 2020-2021"}
    assert saved_rows(cli, "pirogues") == plain_rows(cli, "pirogues") == []  # not in title or summary
    assert saved_rows(cli, "Ségou") == plain_rows(cli, "Ségou")


def test_a_label_another_page_adds_to_a_shared_partner_reaches_every_document(cli, tmp_path):
    other = tmp_path / "jardins.txt"
    text = SEED.read_text(encoding="utf-8")
    assert "\nAngoulême | ![]() |" in text
    other.write_text(
        text.replace("\nAngoulême | ![]() |", "\nVille d'Angoulême | ![]() |").replace(
            "Coopération décentralisée Angoulême – Ségou 2020-2021", "Angoulême – Ségou : jardins"
        ),
        encoding="utf-8",
    )
    assert cli("ingest", SEED).code == 0
    assert cli("ingest", other).code == 0
    out = check(cli, "ville angouleme")
    assert out["in_step"]
    # the same commune (one node): the name the second page wrote is the first one's partner's too
    assert titles(out["found"]["ville angouleme"]) == {
        "Angoulême – Ségou : jardins",
        "Coopération décentralisée Angoulême – Ségou 2020-2021",
    }


def test_a_fresh_store_ingested_in_several_batches_gets_the_same_index(cli, tmp_path, monkeypatch):
    """Into an empty index, ingest builds the full-text indexes once at the end of the run: the
    result is the index the store describes, with a later batch's label reaching an earlier
    batch's document, as when each batch is indexed as it is written (a second run)."""
    import coopgraph
    import coopgraph.ingest

    other = tmp_path / "jardins.txt"
    text = SEED.read_text(encoding="utf-8")
    other.write_text(
        text.replace("\nAngoulême | ![]() |", "\nVille d'Angoulême | ![]() |").replace(
            "Coopération décentralisée Angoulême – Ségou 2020-2021", "Angoulême – Ségou : jardins"
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(coopgraph.ingest, "BATCH", 1)  # one load, and one index write, a page
    with coopgraph.open(cli.store) as atlas:
        assert atlas.ingest([SEED, *FIXTURES, other], jobs=1).loaded == len(FIXTURES) + 2
    words = ("ville angouleme", "Ségou", "assainissement", "coopération")
    out = check(cli, *words)
    assert out["in_step"] and out["n"] == len(FIXTURES) + 2
    assert titles(out["found"]["ville angouleme"]) == {
        "Angoulême – Ségou : jardins",
        "Coopération décentralisée Angoulême – Ségou 2020-2021",
    }
    two_runs = CLI(tmp_path / "two-runs")
    assert two_runs("ingest", SEED).code == 0
    assert two_runs("ingest", *FIXTURES, other).code == 0
    again = check(two_runs, *words)
    assert again["in_step"] and again["found"] == out["found"]


def test_an_update_is_in_the_index(cli):
    assert cli("ingest", SEED, *FIXTURES).code == 0
    r = cli(
        "sparql",
        "--allow-update",
        "DELETE { GRAPH ?g { ?p <http://purl.org/dc/terms/title> ?t } } "
        'INSERT { GRAPH ?g { ?p <http://purl.org/dc/terms/title> "Mangroves et rizières"@fr } } '
        'WHERE { GRAPH ?g { ?p <http://purl.org/dc/terms/title> ?t FILTER(CONTAINS(?t, "Ségou")) } }',
    )
    assert r.code == 0, r.err
    out = check(cli, "rizieres", "Ségou")
    assert out["in_step"]  # rebuilt from the store when the update's process closed it
    assert titles(out["found"]["rizieres"]) == {"Mangroves et rizières"}
    assert "Coopération décentralisée Angoulême – Ségou 2020-2021" not in titles(out["found"]["Ségou"])
    assert saved_rows(cli, "RIZI") == plain_rows(cli, "RIZI") != []


def test_a_writer_killed_mid_write_never_leaves_a_stale_answer(cli):
    assert cli("ingest", SEED, *FIXTURES).code == 0
    code = (
        "import os, sys; from coopgraph.store import Store\n"
        "s = Store(sys.argv[1]); s.cache.begin()\n"
        "s.update('DELETE { GRAPH ?g { ?p <http://purl.org/dc/terms/title> ?t } } "
        'INSERT { GRAPH ?g { ?p <http://purl.org/dc/terms/title> "Pirogues du fleuve"@fr } } '
        'WHERE { GRAPH ?g { ?p <http://purl.org/dc/terms/title> ?t FILTER(CONTAINS(?t, "Ségou")) } }\')\n'
        "s.open.flush(); os._exit(1)\n"
    )
    died = subprocess.run([sys.executable, "-c", code, str(cli.store)], capture_output=True, text=True)
    assert died.returncode == 1, died.stderr
    db = sqlite3.connect(cli.store / INDEX)
    assert db.execute("SELECT value FROM meta WHERE key = 'valid'").fetchone()[0] == "0"
    db.close()
    out = check(cli, "pirogues")
    assert not out["usable"]  # the reader did not trust the index ...
    assert titles(out["found"]["pirogues"]) == {"Pirogues du fleuve"}  # ... and answered from the store
    assert saved_rows(cli, "Pirogues") == plain_rows(cli, "Pirogues") != []
    assert cli("ingest", SEED).code == 0  # the next writer (nothing to load) rebuilds the index
    out = check(cli, "pirogues")
    assert out["in_step"] and titles(out["found"]["pirogues"]) == {"Pirogues du fleuve"}


def test_a_store_without_an_index_still_searches_and_gets_one(cli):
    assert cli("ingest", SEED).code == 0
    (cli.store / INDEX).unlink()
    for suffix in ("-wal", "-shm"):
        (cli.store / (INDEX + suffix)).unlink(missing_ok=True)
    out = check(cli, "Ségou")
    assert not out["usable"] and out["found"]["Ségou"]
    assert not (cli.store / INDEX).exists()  # a reader only reads
    assert saved_rows(cli, "Ségou") == plain_rows(cli, "Ségou")
    assert cli("ingest", SEED).code == 0
    out = check(cli, "Ségou")
    assert out["in_step"] and out["found"]["Ségou"]


def test_a_damaged_index_is_ignored_then_replaced(cli):
    assert cli("ingest", SEED).code == 0
    (cli.store / INDEX).write_bytes(b"not a database at all" * 100)
    for suffix in ("-wal", "-shm"):
        (cli.store / (INDEX + suffix)).unlink(missing_ok=True)
    assert saved_rows(cli, "Ségou") == plain_rows(cli, "Ségou") != []
    assert cli("ingest", SEED).code == 0
    out = check(cli, "Ségou")
    assert out["in_step"]


# An index as coopgraph 0.x wrote it before FORMAT 2 (its own copy of the texts in `words`, no
# `format` in meta), or as a later version might: marked valid for the store's generation, and
# holding a partnership the store does not have. Never trusted, then replaced.
OLD_LAYOUT = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE page (pid INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
                   abstract TEXT NOT NULL, texts TEXT NOT NULL);
CREATE VIRTUAL TABLE words USING fts5(title, texts, names, tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE subs USING fts5(title, abstract, tokenize = 'trigram');
INSERT INTO page VALUES (1, 'https://w3id.org/coopgraph/id/partnership/ghost', 'Fantôme', '', '');
INSERT INTO words (rowid, title, texts, names) VALUES (1, 'Fantôme', 'Ségou', '');
INSERT INTO subs (rowid, title, abstract) VALUES (1, 'Fantôme', 'Ségou');
"""


@pytest.mark.parametrize("fmt", [None, "99"])
def test_an_index_of_another_format_is_never_trusted_and_is_rebuilt(cli, fmt):
    assert cli("ingest", SEED).code == 0
    generation = (cli.store / "generation").read_text().strip()
    for suffix in ("", "-wal", "-shm"):
        (cli.store / (INDEX + suffix)).unlink(missing_ok=True)
    db = sqlite3.connect(cli.store / INDEX)
    db.executescript(OLD_LAYOUT)
    meta = {"valid": "1", "generation": generation, **({"format": fmt} if fmt else {})}
    db.executemany("INSERT INTO meta VALUES (?, ?)", meta.items())
    db.commit()
    db.close()
    out = check(cli, "fantome", "Ségou")
    assert not out["usable"] and "stale" in out["stderr"]  # answered from an index built from the store
    assert out["found"]["fantome"] == [] and titles(out["found"]["Ségou"]) == {
        "Coopération décentralisée Angoulême – Ségou 2020-2021"
    }
    assert saved_rows(cli, "Fantôme") == plain_rows(cli, "Fantôme") == []
    assert cli("ingest", SEED).code == 0  # the next writer starts the file again and fills it
    out = check(cli, "fantome", "Ségou")
    assert out["in_step"] and out["found"]["fantome"] == [] and out["found"]["Ségou"]
    db = sqlite3.connect(cli.store / INDEX)
    assert db.execute("SELECT value FROM meta WHERE key = 'format'").fetchone() == (FORMAT,)
    db.close()


def test_ranking_weighs_the_title_and_is_the_same_each_time(cli):
    assert cli("ingest", SEED, *FIXTURES).code == 0
    out = check(cli, "assainissement", "Ségou assainissement", "coopération")
    assert out["in_step"]
    f = out["found"]
    # in the Lille – Dakar title; only in the Angoulême – Ségou page's texts
    assert [t for _, t in f["assainissement"]][:2] == [
        "Coopération décentralisée Lille – Dakar : assainissement des quartiers 2016-2019",
        "Coopération décentralisée Angoulême – Ségou 2020-2021",
    ]
    assert titles(f["Ségou assainissement"]) == {"Coopération décentralisée Angoulême – Ségou 2020-2021"}
    assert check(cli, "coopération")["found"] == {"coopération": f["coopération"]}  # a word in most pages

"""Messages a person can act on (issue #12, cases 3 and 4), through the installed CLI.

Each case of the issue: a file given as the store, a dump to a missing folder, SPARQL syntax errors
in words, a missing input path (exit 2), an empty csv answer, validate's json saying what "valid"
means, a second writer saying it waits, plain `coopgraph`, help on every option, validate's formats.
"""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from conftest import CLI, SEED, coopgraph_exe

import coopgraph
from coopgraph.cli import main


def test_a_file_as_the_store_is_a_usage_error(tmp_path):
    (tmp_path / "afile").write_text("x")
    r = CLI(tmp_path / "afile")("ingest", SEED)  # COOPGRAPH_STORE=<a file>
    assert r.code == 2
    assert "is a file, not a store folder" in r.err and "--store" in r.err
    r = CLI(tmp_path / "store")("ingest", "--store", tmp_path / "afile", SEED)
    assert r.code == 2 and "is a file, not a store folder" in r.err


def test_dump_to_a_missing_folder(seed_cli, tmp_path):
    r = seed_cli("dump", "-o", tmp_path / "no" / "such" / "x.ttl")
    assert r.code == 2
    assert r.err.strip().splitlines() == [
        f"Error: cannot write {tmp_path / 'no' / 'such' / 'x.ttl'}: No such file or directory"
    ]


def test_sparql_unknown_prefix_is_named_briefly(seed_cli):
    r = seed_cli("sparql", "SELECT * WHERE { ?s foo:bar ?o }")
    assert r.code == 2
    lines = (r.out + r.err).strip().splitlines()
    assert len(lines) <= 4, lines
    assert "line 1, column 21: unknown prefix foo:" in r.err
    assert "\\u{" not in r.err  # not the parser's Unicode ranges


@pytest.mark.parametrize(
    "query,said",
    [
        (
            "SELEKT * WHERE { ?s ?p ?o }",
            "line 1, column 1: 'SELEKT' is not a query form: expected SELECT, CONSTRUCT, ASK or DESCRIBE",
        ),
        ("PREFIX x: <http://x/>\nSELEKT * {}", "line 2, column 1: 'SELEKT' is not a query form"),
        ("", "the query is empty: expected SELECT, CONSTRUCT, ASK or DESCRIBE"),
        ("SELECT * WHERE { ?s ?p ?o ", "line 1, column 16: '{' opened here is never closed (expected '}')"),
        ("SELECT * WHERE { ?s ?p ?o } }", "line 1, column 29: '}' closes nothing that is open"),
        ('SELECT * WHERE {\n  ?s ?p "abc }', "line 2, column 9: a string opened here never ends"),
        ("ASK { ?s <http://a b> ?o }", "line 1, column 10: invalid IRI '<http://a b>'"),
        ("SELECT * WHERE { ?s ?p ?o } LIMIT x", "line 1, column 35: found 'x': expected"),
        ("SELECT ?s WHERE { ?s ?p ?o } ORDER ?s", "line 1, column 38: the query ends too early: expected BY"),
    ],
)
def test_sparql_syntax_errors_in_words(seed_cli, query, said):
    r = seed_cli("sparql", query)
    assert r.code == 2 and said in r.err, r.err
    assert len(r.err.strip().splitlines()) == 1 and "[_]" not in r.err, r.err


def test_update_syntax_error_in_words(cli):
    assert cli("ingest", SEED).code == 0
    r = cli("sparql", "--allow-update", "DELETE WHERE { ?s foo:x ?o }")
    assert r.code == 2 and "invalid SPARQL Update at line 1, column 19: unknown prefix foo:" in r.err


def test_the_api_gives_the_same_words(seed_cli):
    with coopgraph.open(seed_cli.store, read_only=True) as atlas:
        with pytest.raises(coopgraph.CoopgraphError) as e:
            atlas.sparql("SELECT * WHERE { ?s foo:bar ?o }")
    assert "line 1, column 21: unknown prefix foo:" in str(e.value)


def test_a_missing_input_path_is_a_usage_error(cli, tmp_path):
    r = cli("ingest", SEED, tmp_path / "nope.txt")
    assert r.code == 2 and f"no such file or folder: {tmp_path / 'nope.txt'}" in r.err
    assert not cli.store.exists()  # nothing was read, no store was made
    r = cli("ingest", "")
    assert r.code == 2 and "an empty path" in r.err
    r = cli("validate", tmp_path / "nope.ttl")
    assert r.code == 2 and "does not exist" in r.err


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json"])
def test_an_empty_answer_says_so(seed_cli, fmt):
    r = seed_cli("sparql", "SELECT ?s WHERE { ?s a cg:NoSuchClass }", "--format", fmt)
    assert r.code == 0 and "0 rows" in r.err
    r = seed_cli("query", "sanitation-cofunders", "-p", "country=Japon", "--format", fmt)
    assert r.code == 0 and "0 rows" in r.err
    r = seed_cli("sparql", "SELECT ?s WHERE { ?s a cg:Partnership }", "--format", fmt)
    assert r.code == 0 and "0 rows" not in r.err


def test_validate_json_says_warnings_do_not_make_data_invalid(seed_cli):
    r = seed_cli("validate", "--format", "json")
    assert r.code == 0
    doc = r.json
    assert doc["valid"] is True and doc["conforms"] is False  # the real page has one warning
    assert doc["summary"]["warnings"] == 1 and doc["summary"]["violations"] == 0
    assert "warnings and infos alone do not make the data invalid" in doc["meaning"]


def test_a_second_writer_says_it_waits(cli):
    assert cli("ingest", SEED).code == 0
    code = (
        "import sys; from coopgraph.store import Store; s = Store(sys.argv[1]); "
        "print('locked', flush=True); sys.stdin.readline(); s.close()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", code, str(cli.store)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        r = cli("ingest", SEED, env={"COOPGRAPH_LOCK_WAIT": "1"})
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)
    assert r.code == 2
    assert r.err.count("is in use by another coopgraph process; waiting up to 1 s") == 1
    assert "(waited 1 s); try again when it has finished" in r.err


def test_plain_coopgraph_prints_help_and_succeeds():
    p = subprocess.run([coopgraph_exe()], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr
    assert "Usage: coopgraph" in p.stdout and "Commands:" in p.stdout and "ingest" in p.stdout


def test_every_option_has_a_help_text():
    missing = [
        f"{name} {p.opts[-1]}"
        for name, cmd in main.commands.items()
        for p in cmd.params
        if isinstance(p, click.Option) and not (p.help or "").strip()
    ]
    assert not missing, missing
    for name, cmd in main.commands.items():
        for p in cmd.params:
            if "--format" in p.opts:
                out = subprocess.run([coopgraph_exe(), name, "--help"], capture_output=True, text=True).stdout
                block = out[out.index("--format") :].split("\n  -", 1)[0]
                assert len(block.split()) > 3, (name, block)  # the choices and words about them


def test_validate_help_lists_every_format_it_reads():
    from coopgraph.validate import _FILE_FORMATS

    out = subprocess.run([coopgraph_exe(), "validate", "--help"], capture_output=True, text=True).stdout
    for ext in _FILE_FORMATS:
        assert f"{ext}," in out or f"{ext})" in out, ext
    for name in ("Turtle", "N-Triples", "JSON-LD", "N-Quads", "TriG", "RDF/XML"):
        assert name in out

"""The Python API (coopgraph.open → Atlas) on the real page and a real store, in-process.

Each method is checked against what the CLI gives for the same store, so the two faces cannot
drift; errors are CoopgraphError subclasses, never tracebacks from deeper down.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import CLI, PAGES, REPO, SEED

import coopgraph
from coopgraph import api


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    """A store holding the real page, made through the API. Tests must not change it."""
    path = tmp_path_factory.mktemp("api") / "store"
    with coopgraph.open(path) as atlas:
        report = atlas.ingest([SEED])
    assert (report.files, report.loaded, report.failed, report.errors) == (1, 1, [], [])
    return path


@pytest.fixture
def atlas(store: Path):
    with coopgraph.open(store, read_only=True) as a:
        yield a


def test_the_public_names_are_documented():
    for name in coopgraph.__all__:
        obj = getattr(coopgraph, name)
        if callable(obj):
            assert obj.__doc__ and obj.__doc__.strip(), name
    for cls in (api.Atlas, api.Remote, api.Rows):
        for attr, member in vars(cls).items():
            if callable(member) and not attr.startswith("_"):
                assert member.__doc__ and member.__doc__.strip(), f"{cls.__name__}.{attr}"


def test_ingest_reports_like_the_cli_and_skips_unchanged_pages(tmp_path):
    with coopgraph.open(tmp_path / "s") as atlas:
        first = atlas.ingest([str(SEED), PAGES / "bad-missing-country.txt", tmp_path / "nowhere"])
        again = atlas.ingest([SEED])
        assert len(atlas.partnerships()) == 1
    assert (first.files, first.loaded) == (2, 1)
    assert sorted(first.failed) == sorted([str(PAGES / "bad-missing-country.txt"), str(tmp_path / "nowhere")])
    assert first.errors and all(p.severity == "error" for p in first.errors)
    assert (again.loaded, again.unchanged) == (0, 1)


def test_ingest_can_hand_each_problem_over_as_it_is_found(tmp_path):
    # Synthetic pages, some faulty (errors) and all with new theme values (warnings), converted by two
    # worker processes: handed over one by one, the problems are the ones a kept report holds, in the
    # same order, and the report keeps only their counts.
    pages = tmp_path / "pages"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "synth.py"), "--partnerships", "240", "--seed", "3"]
        + ["--faults", "0.1", "--out", str(pages)],
        check=True,
        capture_output=True,
    )
    with coopgraph.open(tmp_path / "kept") as atlas:
        kept = atlas.ingest([pages], jobs=2)
    seen: list = []
    with coopgraph.open(tmp_path / "streamed") as atlas:
        streamed = atlas.ingest([pages], jobs=2, on_problem=seen.append)
    assert kept.errors and kept.warnings
    assert [str(p) for p in seen] == [str(p) for p in kept.problems]
    assert streamed.problems == [] and streamed.errors == [] and streamed.warnings == []
    assert (streamed.error_count, streamed.warning_count) == (len(kept.errors), len(kept.warnings))
    assert (kept.error_count, kept.warning_count) == (len(kept.errors), len(kept.warnings))
    assert (streamed.loaded, sorted(streamed.failed)) == (kept.loaded, sorted(kept.failed))


def test_ingest_validates_by_default_like_the_cli(tmp_path):
    # A page the parser accepts but the shapes reject (a start year of 1920) stays out unless validate=False.
    bad = tmp_path / "start-1920.txt"
    bad.write_text(
        SEED.read_text(encoding="utf-8").replace(
            "Année de début du partenariat\n2020", "Année de début du partenariat\n1920"
        ),
        encoding="utf-8",
    )
    with coopgraph.open(tmp_path / "checked") as atlas:
        checked = atlas.ingest([bad])
        assert atlas.partnerships() == []
    assert checked.failed == [str(bad)]
    assert any("SHACL violation" in str(p) and "cg:startYear" in str(p) for p in checked.errors)
    with coopgraph.open(tmp_path / "unchecked") as atlas:
        unchecked = atlas.ingest([bad], validate=False)
        assert len(atlas.partnerships()) == 1
    assert (unchecked.loaded, unchecked.failed) == (1, [])


def test_saved_query_rows_are_typed_python_values(atlas):
    rows = atlas.query("sanitation-cofunders", country="Mali")
    assert isinstance(rows, list) and len(rows) == 9 and all(isinstance(r, dict) for r in rows)
    assert rows.variables == ["funder", "funderLabel", "partnerships", "totalEUR"]
    meae = next(r for r in rows if r["funderLabel"] == "Ministère de l'Europe et des Affaires étrangères")
    assert meae["totalEUR"] == decimal.Decimal("37688") and isinstance(meae["totalEUR"], decimal.Decimal)
    assert meae["partnerships"] == 1 and isinstance(meae["partnerships"], int)
    assert meae["funder"].startswith("https://w3id.org/coopgraph/id/")
    assert sum(r["totalEUR"] for r in rows) == 137988
    # Every spelling the CLI takes, and Python values for typed parameters.
    assert atlas.query("sanitation-cofunders", country="MLI") == rows
    years = atlas.query("funding-by-year", country="Mali")
    assert years and all(isinstance(r["year"], int) for r in years if r.get("year") is not None)


def test_rows_match_the_cli_output(store, atlas):
    cli = CLI(store)
    r = cli("query", "partners-of", "-p", "collectivite=16015", "--format", "json")
    assert r.code == 0, r.err
    rows = atlas.query("partners-of", collectivite="Angoulême")
    out = io.StringIO()
    rows.write(out, "json")
    assert json.loads(out.getvalue()) == r.json
    csv_out = io.StringIO()
    atlas.query("partners-of", collectivite=16015).write(csv_out, "csv")
    assert csv_out.getvalue() == cli("query", "partners-of", "-p", "collectivite=16015", "-f", "csv").out


def test_to_pandas(atlas):
    import pandas as pd  # in the test extra: this test runs, it is never skipped

    df = atlas.query("sanitation-cofunders", country="Mali").to_pandas()
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["funder", "funderLabel", "partnerships", "totalEUR"]
    assert len(df) == 9 and df["totalEUR"].sum() == 137988


def test_to_pandas_without_pandas_is_a_coopgraph_error(store):
    code = (
        "import sys; sys.modules['pandas'] = None\nimport coopgraph\n"
        f"with coopgraph.open({str(store)!r}, read_only=True) as a:\n"
        "    try:\n        a.query('stats').to_pandas()\n"
        "    except coopgraph.CoopgraphError as e:\n        print(e)\n"
    )
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and "pip install pandas" in p.stdout, p.stderr


def test_to_python_types():
    cell = api._results.Cell
    x = api.XSD
    assert api.to_python(None) is None
    assert api.to_python(cell("2021", "literal", x + "gYear")) == 2021
    assert api.to_python(cell("2021-03-04", "literal", x + "date")) == dt.date(2021, 3, 4)
    assert api.to_python(cell("1.5", "literal", x + "double")) == 1.5
    assert api.to_python(cell("true", "literal", x + "boolean")) is True
    assert api.to_python(cell("maybe", "literal", x + "boolean")) == "maybe"
    assert api.to_python(cell("12.50", "literal", x + "decimal")) == decimal.Decimal("12.50")
    assert api.to_python(cell("x", "literal", x + "integer")) == "x"  # ill-typed: the lexical form
    assert api.to_python(cell("Ségou", "literal", None, "fr")) == "Ségou"


def test_sparql_select_ask_construct(atlas):
    rows = atlas.sparql("SELECT ?t WHERE { ?p a cg:Partnership ; dcterms:title ?t }")
    assert rows == [{"t": "Coopération décentralisée Angoulême – Ségou 2020-2021"}]
    assert atlas.sparql("ASK { ?p a cg:Partnership }") is True
    triples = atlas.sparql("CONSTRUCT { ?p dcterms:title ?t } WHERE { ?p a cg:Partnership ; dcterms:title ?t }")
    assert len(triples) == 1 and triples[0].object.value.startswith("Coopération")


def test_sparql_refusals_and_errors_are_coopgraph_errors(atlas):
    with pytest.raises(coopgraph.UpdateRefused, match=r"update\(\)"):
        atlas.sparql("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    with pytest.raises(coopgraph.ServiceRefused, match="allow_service=True"):
        atlas.sparql("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    with pytest.raises(coopgraph.SparqlError, match="invalid SPARQL"):
        atlas.sparql("SELECT WHERE {")
    with pytest.raises(coopgraph.StoreError, match="writable"):
        atlas.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    for call, exc in [
        (lambda: atlas.query("no-such-query"), coopgraph.QueryError),
        (lambda: atlas.query("sanitation-cofunders", country="Atlantis"), coopgraph.QueryError),
        (lambda: atlas.query("sanitation-cofunders", contry="Mali"), coopgraph.QueryError),
        (lambda: atlas.query("funders-ranking", year="21"), coopgraph.QueryError),
        (lambda: atlas.validate(engine="slow"), coopgraph.OptionError),
        (lambda: atlas.dump(io.BytesIO(), "xml"), coopgraph.OptionError),
        (lambda: atlas.publish("x", licence="mine"), coopgraph.OptionError),
    ]:
        with pytest.raises(exc) as info:
            call()
        assert isinstance(info.value, coopgraph.CoopgraphError)


def test_read_only_store(store, tmp_path):
    with pytest.raises(coopgraph.StoreError, match="no store"):
        coopgraph.open(tmp_path / "missing", read_only=True)
    assert not (tmp_path / "missing").exists()
    with coopgraph.open(store, read_only=True) as a, coopgraph.open(store, read_only=True) as b:
        assert a.partnerships() == b.partnerships()  # readers share a store
        with pytest.raises(coopgraph.StoreError, match="writable"):
            a.ingest([SEED])
        assert "read-only" in repr(a)


def test_generation_changes_when_a_writer_closes(tmp_path):
    with coopgraph.open(tmp_path / "s") as w:
        w.ingest([SEED])
    with coopgraph.open(tmp_path / "s", read_only=True) as r:
        before = r.generation()
        assert before
        with coopgraph.open(tmp_path / "s") as w:
            w.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 'c' } }")
        assert r.generation() != before


def test_update_and_apply_on_a_writable_store(tmp_path):
    with coopgraph.open(tmp_path / "s") as atlas:
        atlas.ingest([SEED])
        atlas.update("INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> 'c' } }")
        assert atlas.sparql("ASK { <urn:a> <urn:b> 'c' }") is True
        with pytest.raises(coopgraph.QueryError, match="not a SPARQL Update"):
            atlas.apply("stats")


def test_stats_match_the_cli(store, atlas):
    figures = atlas.stats()
    assert figures["partnerships"] == 1 and figures["totalEUR"] == 137988
    assert figures["triples"] == atlas.store.count() > 0 and figures["personal_triples"] > 0
    out = CLI(store)("stats").out
    assert f"{'triples':>22}  {figures['triples']}" in out


def test_search(atlas):
    rows = atlas.search("Ségou")
    assert len(rows) == 1 and "Ségou" in str(rows[0])
    assert atlas.search("Ségou", limit=0) == []
    assert atlas.search("zzzz-no-such-word") == []


def test_validate_the_store_and_files(atlas, tmp_path):
    report = atlas.validate()
    assert report.valid and report.violations == [] and report.checked == 1
    assert atlas.validate(partitioned=True).results == report.results
    nt = tmp_path / "seed.nt"
    atlas.dump(nt, "ntriples")
    files = coopgraph.validate_files([nt])
    assert files.valid and files.checked == 1
    broken = tmp_path / "broken.nt"
    broken.write_text(
        "\n".join(
            line
            for line in nt.read_text(encoding="utf-8").splitlines()
            if "Coopération décentralisée Angoulême – Ségou" not in line
        )
        + "\n",
        encoding="utf-8",
    )
    bad = coopgraph.validate_files([broken])
    assert not bad.valid and bad.violations and not bad.conforms
    (tmp_path / "junk.ttl").write_text("this is not turtle", encoding="utf-8")
    with pytest.raises(coopgraph.InputError, match="junk.ttl"):
        coopgraph.validate_files([tmp_path / "junk.ttl"])


def test_dump_to_a_path_and_a_stream_matches_the_cli(store, atlas, tmp_path):
    buf = io.BytesIO()
    atlas.dump(buf, "ntriples")
    atlas.dump(tmp_path / "a.nt", "ntriples")
    cli_out = tmp_path / "cli.nt"
    assert CLI(store)("dump", "-f", "ntriples", "-o", cli_out).code == 0
    assert buf.getvalue() == (tmp_path / "a.nt").read_bytes() == cli_out.read_bytes()
    assert b"@" not in b"".join(line for line in buf.getvalue().splitlines() if b"email" in line.lower())
    with pytest.raises(coopgraph.OutputError, match="cannot write"):
        atlas.dump(tmp_path / "no" / "such" / "dir" / "x.nt", "ntriples")


def test_publish(atlas, tmp_path):
    result = atlas.publish(tmp_path / "release", date="2026-01-02", base_url="https://example.org/data")
    names = {f.name for f in result.files}
    assert {"coopgraph.nt.gz", "coopgraph.ttl", "coopgraph.jsonld"} <= names
    ttl = (tmp_path / "release" / "dataset.ttl").read_text(encoding="utf-8")
    assert "https://example.org/data/coopgraph.ttl" in ttl and "2026-01-02" in ttl
    assert result.figures.stat("partnerships") == 1
    assert not (tmp_path / "release" / "coopgraph-personal.nt.gz").exists()
    (tmp_path / "file").write_text("x")
    with pytest.raises(coopgraph.OutputError, match="not a folder"):
        atlas.publish(tmp_path / "file")
    with pytest.raises(coopgraph.OptionError, match="base_url"):
        atlas.publish(tmp_path / "r2", base_url="ftp://x")


def test_push_errors_are_coopgraph_errors(atlas, monkeypatch):
    monkeypatch.setenv("NETRC", "/nonexistent")
    for var in ("COOPGRAPH_ENDPOINT_USER", "COOPGRAPH_ENDPOINT_PASSWORD"):
        monkeypatch.delenv(var, raising=False)
    with pytest.raises(coopgraph.OptionError, match="absolute IRI"):
        atlas.push("http://127.0.0.1:9/gsp", "not an iri")
    with pytest.raises(coopgraph.PushError, match="cannot reach"):
        atlas.push("http://127.0.0.1:9/gsp", "https://example.org/g", timeout=2)
    monkeypatch.setenv("COOPGRAPH_ENDPOINT_USER", "someone")
    with pytest.raises(coopgraph.CredentialsError, match="both"):
        atlas.push("http://127.0.0.1:9/gsp", "https://example.org/g")


def test_show_query_needs_no_store():
    text = coopgraph.show_query("sanitation-cofunders", country="Mali")
    assert text.startswith("# country (country) = Mali") and "VALUES ?country" in text
    assert "sanitation-cofunders" in coopgraph.list_queries()


def test_remote_refuses_credentials_in_the_url_and_reports_failures():
    with pytest.raises(coopgraph.OptionError, match="COOPGRAPH_ENDPOINT_USER"):
        coopgraph.remote("http://u:secret@127.0.0.1:9/sparql")
    ep = coopgraph.remote("http://127.0.0.1:9/sparql", timeout=2)
    with pytest.raises(coopgraph.EndpointError, match="cannot reach"):
        ep.sparql("ASK {}")
    with pytest.raises(coopgraph.QueryError, match="unknown country"):
        ep.query("sanitation-cofunders", country="Atlantis")  # checked before any request


def test_a_script_on_stdin_publishes_without_a_traceback(store, tmp_path):
    # multiprocessing's "spawn" re-imports __main__: from stdin that failed with FileNotFoundError '<stdin>'.
    script = (
        f"import coopgraph\nwith coopgraph.open({str(store)!r}, read_only=True) as a:\n"
        f"    r = a.publish({str(tmp_path / 'rel')!r})\nprint(r.figures.stat('partnerships'))\n"
    )
    p = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert p.returncode == 0 and p.stdout.strip() == "1", p.stderr
    assert "Traceback" not in p.stderr and "Error" not in p.stderr, p.stderr

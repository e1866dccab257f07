"""`coopgraph validate` on the real page: the store, files without a store, formats, exit codes."""

from __future__ import annotations


import pytest
import rdflib


SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
TITLE = "Coopération décentralisée Angoulême – Ségou 2020-2021"


@pytest.fixture(scope="module")
def seed_dump(seed_cli, tmp_path_factory):
    d = tmp_path_factory.mktemp("dumps")
    for fmt, ext in (("ntriples", "nt"), ("turtle", "ttl"), ("jsonld", "jsonld")):
        r = seed_cli("dump", "--format", fmt, "-o", d / f"seed.{ext}")
        assert r.code == 0, r.err
    return d


def test_validate_real_page_has_no_violation(seed_cli):
    r = seed_cli("validate", "--format", "json")
    assert r.code == 0, r.out
    doc = r.json
    assert doc["summary"]["violations"] == 0
    assert doc["summary"]["partnerships"] == 1
    # The one thing flagged: "En cours" while the end date (2021-12-31) is past.
    results = [x for g in doc["groups"] for x in g["results"]]
    assert {(x["severity"], x["path"]) for x in results} <= {("Warning", "<http://schema.org/endDate>")}


def test_validate_text_groups_by_partnership_with_source(seed_cli):
    r = seed_cli("validate", "--lang", "en")
    assert r.code == 0
    assert f"Partnership: {TITLE}" in r.out
    assert "source page: atlas-angouleme-segou.txt" in r.out
    assert "WARNING" in r.out and "schema:endDate" in r.out and "end date is in the past" in r.out
    assert "1 partnership(s) checked: 0 violation(s), 1 warning(s)" in r.out.splitlines()[-1]
    fr = seed_cli("validate", "--lang", "fr")
    assert "la date de fin est passée" in fr.out


def test_validate_fail_on_warning_exits_1(seed_cli):
    assert seed_cli("validate", "--fail-on", "warning").code == 1


def test_validate_turtle_is_a_shacl_report(seed_cli):
    r = seed_cli("validate", "--format", "turtle")
    assert r.code == 0
    g = rdflib.Graph().parse(data=r.out, format="turtle")
    report = next(g.subjects(rdflib.RDF.type, SH.ValidationReport))
    assert g.value(report, SH.conforms) == rdflib.Literal(False)  # SHACL: a warning is a result too
    res = list(g.objects(report, SH.result))
    assert len(res) == 1 and g.value(res[0], SH.resultSeverity) == SH.Warning


@pytest.mark.parametrize("ext", ["nt", "ttl", "jsonld"])
def test_validate_file_without_store(ext, seed_dump, cli, tmp_path):
    r = cli("validate", seed_dump / f"seed.{ext}", env={"COOPGRAPH_STORE": str(tmp_path / "nowhere")})
    assert r.code == 0, r.out + r.err
    assert not (tmp_path / "nowhere").exists()


def test_validate_file_without_title_exits_1(seed_dump, cli, tmp_path):
    nt = (seed_dump / "seed.nt").read_text(encoding="utf-8")
    f = tmp_path / "notitle.nt"
    f.write_text("\n".join(x for x in nt.splitlines() if TITLE not in x) + "\n", encoding="utf-8")
    r = cli("validate", f, "--lang", "en")
    assert r.code == 1
    assert "VIOLATION" in r.out and "dcterms:title" in r.out and "title" in r.out.lower()
    assert "source page: atlas-angouleme-segou.txt" in r.out
    assert "Partnership: (no title)" in r.out


def test_validate_usage_errors_exit_2(cli, tmp_path):
    assert cli("validate", tmp_path / "missing.ttl").code == 2
    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix : <urn:x#> .\n:a :b \n", encoding="utf-8")
    r = cli("validate", bad)
    assert r.code == 2 and "bad.ttl" in r.err
    odd = tmp_path / "data.csv"
    odd.write_text("a,b\n", encoding="utf-8")
    r = cli("validate", odd)
    assert r.code == 2 and "unknown RDF format" in r.err
    r = cli("validate")  # no store at all
    assert r.code == 2 and "no store" in r.err
    assert cli("validate", "--format", "xml").code == 2

"""`coopgraph publish` carries both exports as distributions described in DCAT-AP:
iati-activities.xml (IATI 2.03) and coopgraph-tables.zip (CSV + datapackage.json)."""

from __future__ import annotations

import zipfile

from frictionless import validate
from rdflib import Graph, URIRef
from rdflib.namespace import DCAT, DCTERMS

from support import iati

BASE = "https://data.example.org/coopgraph/"


def test_publish_has_iati_and_tables(seed_cli, tmp_path):
    out = tmp_path / "release"
    r = seed_cli("publish", out, "--base-url", BASE, "--date", "2026-01-15")
    assert r.code == 0, r.err
    assert "iati-activities.xml" in r.out and "coopgraph-tables.zip" in r.out
    xml = out / "iati-activities.xml"
    assert iati.schema_errors(xml) == [] and iati.code_errors(xml) == []
    [act] = iati.activities(xml)
    assert iati.transactions_total(act) == 137988 and act.find("contact-info") is None
    with zipfile.ZipFile(out / "coopgraph-tables.zip") as z:
        assert "datapackage.json" in z.namelist() and "fundings.csv" in z.namelist()
        z.extractall(tmp_path / "unzipped")
    report = validate(str(tmp_path / "unzipped" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    g = Graph().parse(out / "dataset.ttl", format="turtle")
    ds = URIRef(BASE + "#dataset")
    urls = {str(g.value(d, DCAT.downloadURL)): d for d in g.objects(ds, DCAT.distribution)}
    iati_d = urls[BASE + "iati-activities.xml"]
    assert g.value(iati_d, DCTERMS.conformsTo) == URIRef("https://iatistandard.org/en/iati-standard/203/")
    assert str(g.value(iati_d, DCAT.mediaType)).endswith("application/xml")
    tables_d = urls[BASE + "coopgraph-tables.zip"]
    assert str(g.value(tables_d, DCAT.packageFormat)).endswith("application/zip")
    assert str(g.value(tables_d, DCAT.mediaType)).endswith("text/csv")
    assert "iati-activities.xml" in (out / "index.html").read_text(encoding="utf-8")


def test_publish_exports_are_reproducible_and_never_personal(seed_cli, tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert seed_cli("publish", a, "-q", "--include-personal-data").code == 0
    assert seed_cli("publish", b, "-q", "--date", "2020-02-02").code == 0
    for name in ("iati-activities.xml", "coopgraph-tables.zip"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name  # release date is not in them
    text = (a / "iati-activities.xml").read_text(encoding="utf-8")
    assert "<contact-info" not in text and "COQUARD" not in text

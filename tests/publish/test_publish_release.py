"""`coopgraph publish` on the real page: files, DCAT-AP conformance, formats, determinism, personal data."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from importlib import resources
from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

from conftest import CLI, PAGES

VOID = Namespace("http://rdfs.org/ns/void#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
BASE = "https://data.example.org/coopgraph/"
DATE = "2024-05-17"


@pytest.fixture(scope="module")
def release(seed_cli: CLI, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("release") / "out"
    r = seed_cli("publish", out, "--base-url", BASE, "--date", DATE)
    assert r.code == 0, r.err
    assert "Published 1 partnership(s)" in r.out
    return out


def description(release: Path) -> Graph:
    return Graph().parse(release / "dataset.ttl", format="turtle")


def test_publish_writes_every_file(release: Path):
    names = {p.name for p in release.iterdir()}
    assert {
        "coopgraph.nt.gz",
        "coopgraph.ttl",
        "coopgraph.jsonld",
        "context.jsonld",
        "ontology.ttl",
        "schemes.ttl",
        "dataset.ttl",
        "dataset.rdf",
        "index.html",
        "ontology.html",
    } <= names
    assert not any("personal" in n for n in names)


def test_distributions_hold_the_same_graph(release: Path, seed_cli: CLI, tmp_path: Path):
    dump = tmp_path / "dump.nt"
    assert seed_cli("dump", "-f", "ntriples", "-o", dump).code == 0
    expected = set(dump.read_bytes().splitlines())
    nt = gzip.decompress((release / "coopgraph.nt.gz").read_bytes()).splitlines()
    assert nt == sorted(nt), "the N-Triples are sorted, so releases diff line by line"
    assert set(nt) == expected
    ttl = Graph().parse(release / "coopgraph.ttl", format="turtle")
    # The JSON-LD names its context by a relative reference, resolved next to the file.
    jsonld = Graph().parse(release / "coopgraph.jsonld", format="json-ld")
    ref = Graph().parse(data=b"\n".join(nt).decode(), format="nt")
    assert len(ttl) == len(ref) == len(jsonld) == len(expected)
    assert set(ttl) == set(ref) == set(jsonld)
    doc = json.loads((release / "coopgraph.jsonld").read_text(encoding="utf-8"))
    assert doc["@context"] == "context.jsonld"
    ctx = json.loads((release / "context.jsonld").read_text(encoding="utf-8"))["@context"]
    assert ctx["cg"] == "https://w3id.org/coopgraph/ontology#"
    partnership = next(n for n in doc["@graph"] if "cg:Partnership" in n.get("@type", []))
    assert partnership["dcterms:title"]["@value"].startswith("Coopération décentralisée Angoulême")


def test_turtle_is_prefixed_and_readable(release: Path):
    text = (release / "coopgraph.ttl").read_text(encoding="utf-8")
    assert "@prefix cg: <https://w3id.org/coopgraph/ontology#> ." in text
    assert "cg:Partnership" in text
    # sorted input: each subject is written once
    subjects = re.findall(r"^(\S+) ", text, re.M)
    subjects = [s for s in subjects if s != "@prefix"]
    assert len(subjects) == len(set(subjects))


def test_ontology_schemes_and_shapes_files(release: Path):
    onto = Graph().parse(release / "ontology.ttl", format="turtle")
    assert (
        URIRef("https://w3id.org/coopgraph/ontology#Partnership"),
        RDF.type,
        URIRef("http://www.w3.org/2002/07/owl#Class"),
    ) in onto
    schemes = Graph().parse(release / "schemes.ttl", format="turtle")
    water = URIRef("https://w3id.org/coopgraph/id/theme/environnement-climat-et-energie/eau-et-dechets")
    assert (
        water,
        URIRef("http://www.w3.org/2004/02/skos/core#inScheme"),
        URIRef("https://w3id.org/coopgraph/id/scheme/themes"),
    ) in schemes
    if (release / "shapes.ttl").exists():
        shapes = Graph().parse(release / "shapes.ttl", format="turtle")
        assert any(shapes.subjects(RDF.type, URIRef("http://www.w3.org/ns/shacl#NodeShape")))


def test_description_conforms_to_the_official_dcat_ap_3_shapes(release: Path):
    shapes = Graph()
    folder = resources.files("coopgraph.data") / "dcat-ap"
    for name in ("dcat-ap-3.0.0-shapes.ttl", "dcat-ap-3.0.0-range.ttl"):
        shapes.parse(data=folder.joinpath(name).read_bytes(), format="turtle")
    assert len(shapes) > 1000
    for fmt, name in (("turtle", "dataset.ttl"), ("xml", "dataset.rdf")):
        g = Graph().parse(release / name, format=fmt)
        conforms, _, text = pyshacl.validate(g, shacl_graph=shapes, inference="none")
        assert conforms, text
    # ... and the shapes do bite: the same description without titles does not conform.
    g = description(release)
    g.remove((None, DCTERMS.title, None))
    conforms, _, _ = pyshacl.validate(g, shacl_graph=shapes, inference="none")
    assert not conforms


def test_shipped_shapes_are_the_official_ones_with_their_source():
    folder = resources.files("coopgraph.data") / "dcat-ap"
    # sha256 of the files published by SEMICeu/DCAT-AP (releases/3.0.0/html/shacl/), copied unchanged
    official = {
        "dcat-ap-3.0.0-shapes.ttl": "1a033f9936fc3ba3eae1107c398ff8664f4475046bf185132b8097b45aaf7715",
        "dcat-ap-3.0.0-range.ttl": "24d3bfd0fa17a3d0e877c9ebb91c8174124e5038538e1bf081b2cb679ad0f1b2",
    }
    for name, digest in official.items():
        assert hashlib.sha256(folder.joinpath(name).read_bytes()).hexdigest() == digest, name
    readme = folder.joinpath("README.md").read_text(encoding="utf-8")
    assert "SEMICeu/DCAT-AP" in readme and "EUPL" in readme


def test_description_content(release: Path):
    g = description(release)
    ds = URIRef(BASE + "#dataset")
    assert (ds, RDF.type, DCAT.Dataset) in g and (ds, RDF.type, VOID.Dataset) in g
    assert {t.language for t in g.objects(ds, DCTERMS.title)} == {"fr", "en"}
    assert {t.language for t in g.objects(ds, DCTERMS.description)} == {"fr", "en"}
    assert g.value(ds, DCTERMS.license) == URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
    assert g.value(ds, DCTERMS.publisher) is not None
    assert g.value(ds, DCTERMS.issued) == Literal(DATE, datatype=XSD.date)
    assert g.value(ds, DCTERMS.modified) == Literal(DATE, datatype=XSD.date)
    period = g.value(ds, DCTERMS.temporal)
    assert str(g.value(period, DCAT.startDate)) <= "2020" <= str(g.value(period, DCAT.endDate))
    spatial = set(g.objects(ds, DCTERMS.spatial))
    assert URIRef("http://publications.europa.eu/resource/authority/country/MLI") in spatial
    assert URIRef("http://publications.europa.eu/resource/authority/country/FRA") in spatial
    assert any(g.objects(ds, DCAT.theme))
    # triples and entities
    nt = gzip.decompress((release / "coopgraph.nt.gz").read_bytes()).splitlines()
    assert int(g.value(ds, VOID.triples)) == len(nt)
    assert int(g.value(ds, VOID.entities)) >= 1 + 2 + 2 + 15  # partnership, partners, fundings, ...
    # every distribution: media type, size and SHA-256 of the file as written
    import hashlib

    dists = list(g.objects(ds, DCAT.distribution))
    assert len(dists) >= 6
    for d in dists:
        url = str(g.value(d, DCAT.downloadURL))
        assert url.startswith(BASE)
        path = release / url[len(BASE) :]
        assert path.exists(), url
        assert g.value(d, DCAT.mediaType) is not None
        assert int(g.value(d, DCAT.byteSize)) == path.stat().st_size
        ck = g.value(d, SPDX.checksum)
        assert str(g.value(ck, SPDX.checksumValue)) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_void_linksets_count_the_links(release: Path):
    g = description(release)
    ds = URIRef(BASE + "#dataset")
    nt = gzip.decompress((release / "coopgraph.nt.gz").read_bytes()).decode().splitlines()
    ours = [ln for ln in nt if ln.startswith("<https://w3id.org/coopgraph/id/")]
    by_target = {}
    for ls in g.objects(ds, VOID.subset):
        if (ls, RDF.type, VOID.Linkset) not in g:
            continue
        target = str(g.value(ls, VOID.objectsTarget))
        pred = str(g.value(ls, VOID.linkPredicate))
        n = int(g.value(ls, VOID.triples))
        assert n > 0 and (ls, VOID.subjectsTarget, ds) in g
        by_target.setdefault(target.rsplit("#target-", 1)[-1], {})[pred] = n
    cg = "https://w3id.org/coopgraph/ontology#"
    mali = sum(1 for ln in ours if f"<{cg}country> <http://publications.europa.eu/resource/authority/country/" in ln)
    assert by_target["eu-countries"][cg + "country"] == mali == 2
    geonames = sum(
        1 for ln in ours if "<http://www.w3.org/2004/02/skos/core#exactMatch> <https://sws.geonames.org/" in ln
    )
    assert by_target["geonames"]["http://www.w3.org/2004/02/skos/core#exactMatch"] == geonames == 2  # Ségou, Angoulême
    targets = sum(1 for ln in ours if f"<{cg}sdgTarget> <http://metadata.un.org/sdg/" in ln)
    assert by_target["un-sdg"][cg + "sdgTarget"] == targets == 5
    insee = sum(1 for ln in ours if "<http://rdf.insee.fr/def/geo#codeINSEE> " in ln)
    assert insee >= 1 and by_target["insee"]["http://rdf.insee.fr/def/geo#codeINSEE"] == insee


def test_same_store_twice_gives_the_same_files(seed_cli: CLI, tmp_path: Path):
    a, b = tmp_path / "a", tmp_path / "b"
    assert seed_cli("publish", a, "-q").code == 0
    assert seed_cli("publish", b, "-q", env={"SOURCE_DATE_EPOCH": "1700000000"}).code == 0
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    date = re.compile(rb"\d{4}-\d{2}-\d{2}")
    for p in (f for f in a.rglob("*") if f.is_file()):  # map/ included
        x, y = p.read_bytes(), (b / p.relative_to(a)).read_bytes()
        if x != y:  # only the dates that say when may differ
            assert p.name in ("dataset.ttl", "dataset.rdf", "index.html"), p.name
            assert date.sub(b"DATE", x) == date.sub(b"DATE", y), p.name
    assert b'"2023-11-14"^^xsd:date' in (b / "dataset.ttl").read_bytes()


def test_options_and_bad_input(seed_cli: CLI, tmp_path: Path):
    r = seed_cli("publish", tmp_path / "o", "--licence", "odbl-1.0", "--publisher", "Ville d'Exemple", "-q")
    assert r.code == 0, r.err
    g = description(tmp_path / "o")
    assert URIRef("https://opendatacommons.org/licenses/odbl/1-0/") in set(g.objects(None, DCTERMS.license))
    assert (
        "Ville d&#x27;Exemple" in (tmp_path / "o" / "index.html").read_text()
        or "Ville d'Exemple" in (tmp_path / "o" / "index.html").read_text()
    )
    for args in (["--base-url", "not a url"], ["--licence", "whatever"], ["--date", "2024-13-45"]):
        r = seed_cli("publish", tmp_path / "bad", *args)
        assert r.code == 2, (args, r.err)
        assert "Error" in r.err
    f = tmp_path / "file"
    f.write_text("x")
    assert seed_cli("publish", f).code == 2


def test_publish_of_a_missing_store_is_a_usage_error(tmp_path: Path):
    r = CLI(tmp_path / "nothing")("publish", tmp_path / "out")
    assert r.code == 2 and "no store" in r.err


def test_publish_several_pages(cli: CLI, tmp_path: Path):
    pages = sorted(p for p in PAGES.glob("fixture-*.txt"))
    assert cli("ingest", *pages).code in (0, 1)
    r = cli("publish", tmp_path / "out", "-q")
    assert r.code == 0, r.err
    g = description(tmp_path / "out")
    n = int(g.value(URIRef("https://w3id.org/coopgraph/dataset/#dataset"), VOID.triples))
    assert n == len(gzip.decompress((tmp_path / "out" / "coopgraph.nt.gz").read_bytes()).splitlines())


def test_wikidata_links_get_their_linkset(cli: CLI, tmp_path: Path):
    from conftest import SEED

    assert cli("ingest", SEED).code == 0
    r = cli(
        "sparql",
        "--allow-update",
        """INSERT DATA { GRAPH <https://w3id.org/coopgraph/graph/links> {
        <https://w3id.org/coopgraph/id/commune/16015> <http://www.w3.org/2002/07/owl#sameAs> <http://www.wikidata.org/entity/Q1000> .
        <http://publications.europa.eu/resource/authority/country/MLI> <http://www.w3.org/2004/02/skos/core#exactMatch> <http://www.wikidata.org/entity/Q912> .
    } }""",
    )
    assert r.code == 0, r.err
    assert cli("publish", tmp_path / "out", "-q").code == 0
    g = description(tmp_path / "out")
    wd = {
        str(g.value(ls, VOID.linkPredicate)): int(g.value(ls, VOID.triples))
        for ls in g.subjects(VOID.objectsTarget, URIRef("https://w3id.org/coopgraph/dataset/#target-wikidata"))
    }
    assert wd == {"http://www.w3.org/2002/07/owl#sameAs": 1, "http://www.w3.org/2004/02/skos/core#exactMatch": 1}

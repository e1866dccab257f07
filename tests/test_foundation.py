"""The foundation, through the real CLI on the real Atlas page."""

from __future__ import annotations

import re
from decimal import Decimal

import pyoxigraph
import pytest
import rdflib
from rdflib.compare import isomorphic

from conftest import PAGES, SEED

P = (
    "PREFIX cg: <https://w3id.org/coopgraph/ontology#> PREFIX schema: <http://schema.org/> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX prov: <http://www.w3.org/ns/prov#> "
)


def test_partners(seed_cli):
    french = seed_cli.rows(P + "SELECT ?l WHERE { ?p cg:frenchPartner ?f . ?f rdfs:label ?l } ORDER BY ?l")
    assert [r["l"] for r in french] == ["Angoulême", "Communauté d'agglomération du Grand Angoulême"]
    foreign = seed_cli.rows(
        P
        + """SELECT ?l ?country WHERE { ?p cg:foreignPartner ?f . ?f rdfs:label ?l ;
        cg:country/skos:prefLabel ?country FILTER(LANG(?country) = "fr") } ORDER BY ?l"""
    )
    assert [(r["l"], r["country"]) for r in foreign] == [("Intercommunalité Balanzan", "Mali"), ("Ségou", "Mali")]


def test_fundings(seed_cli):
    rows = seed_cli.rows(
        P
        + """SELECT (COUNT(?f) AS ?n) (COUNT(DISTINCT ?who) AS ?funders) (SUM(?a) AS ?total)
        WHERE { ?f a cg:Funding ; schema:funder ?who ; schema:amount ?a }"""
    )
    assert rows == [{"n": "15", "funders": "9", "total": "137988"}]
    meae = seed_cli.rows(
        P
        + """SELECT (SUM(?a) AS ?total) (MIN(?y) AS ?from) (MAX(?y) AS ?to) WHERE {
        ?f schema:funder/rdfs:label "Ministère de l'Europe et des Affaires étrangères" ; schema:amount ?a ; cg:year ?y }"""
    )
    assert meae == [{"total": "37688", "from": "2020", "to": "2021"}]
    one_pct = seed_cli.rows(
        P
        + """SELECT ?a1 ?a2 ?a3 ?amount WHERE { ?f schema:funder/rdfs:label "Angoulême" ;
        cg:year "2020"^^<http://www.w3.org/2001/XMLSchema#gYear> ; schema:amount ?amount ;
        cg:onePercentAmount1 ?a1 ; cg:onePercentAmount2 ?a2 ; cg:onePercentAmount3 ?a3 }"""
    )
    assert [(Decimal(r["a1"]), Decimal(r["a2"]), Decimal(r["a3"]), Decimal(r["amount"])) for r in one_pct] == [
        (4165, 0, 2890, 4500)
    ]


def test_partner_that_funds_is_one_node(seed_cli):
    rows = seed_cli.rows(P + "SELECT DISTINCT ?f WHERE { ?p cg:frenchPartner ?f . ?g schema:funder ?f }")
    assert len(rows) == 2  # Angoulême and the agglomération both fund and are partners


def test_themes_dates_status_sdg(seed_cli):
    main = seed_cli.rows(P + "SELECT ?l WHERE { ?p cg:mainTheme/skos:prefLabel ?l }")
    assert main == [{"l": "Gouvernance locale et appui institutionnel"}]
    others = seed_cli.rows(
        P
        + """SELECT ?prio ?l WHERE { ?p cg:themeAssignment ?a . ?a cg:priority ?prio ;
        cg:theme/skos:prefLabel ?l } ORDER BY ?prio"""
    )
    assert [r["prio"] for r in others] == ["1", "2", "3", "4"]
    assert others[0]["l"] == "Eau et déchets" and others[3]["l"].startswith("Infrastructures")
    facts = seed_cli.rows(
        P
        + """SELECT ?start ?end ?status ?sig WHERE { ?p a cg:Partnership ; cg:startYear ?start ;
        schema:endDate ?end ; cg:firstSignatureYear ?sig ; cg:status/skos:prefLabel ?status }"""
    )
    assert facts == [{"start": "2020", "end": "2021-12-31", "status": "En cours", "sig": "2019"}]
    targets = seed_cli.rows(P + "SELECT ?t WHERE { ?p cg:sdgTarget ?t } ORDER BY ?t")
    assert sorted(r["t"].rsplit("/", 1)[1] for r in targets) == sorted(["3.7", "3.9", "5.3", "6.3", "11.6"])
    goals = seed_cli.rows(P + "SELECT ?g WHERE { ?p cg:sdgGoal ?g }")
    assert sorted(int(r["g"].rsplit("/", 1)[1]) for r in goals) == [3, 5, 6, 11]


def test_text_sections_once_without_noise(seed_cli):
    rows = seed_cli.rows(
        P
        + """SELECT ?c ?h ?o ?d WHERE { ?p cg:context ?c ; cg:history ?h ; cg:objective ?o ;
        dcterms:description ?d }"""
    )
    assert len(rows) == 1
    for text in rows[0].values():
        paragraphs = text.splitlines()
        assert len(paragraphs) == len(set(paragraphs)) or text.count(paragraphs[1]) == 1
        assert "pagination" not in text and "![]()" not in text
    assert rows[0]["c"].count("Sur la base des 17 nouveaux") == 1
    assert rows[0]["o"].count("Le principal objectif à long terme") == 1
    dump = seed_cli("dump", "--format", "ntriples").out
    assert "pagination.page" not in dump and "![]()" not in dump


def test_provenance(seed_cli):
    rows = seed_cli.rows(
        P
        + """SELECT ?file ?sha ?t WHERE { ?p prov:wasDerivedFrom ?s ; prov:generatedAtTime ?t .
        ?s cg:fileName ?file ; cg:sha256 ?sha }"""
    )
    assert rows[0]["file"] == "atlas-angouleme-segou.txt"
    import hashlib

    assert rows[0]["sha"] == hashlib.sha256(SEED.read_bytes()).hexdigest()


@pytest.mark.parametrize("fmt,parse_as", [("turtle", "turtle"), ("ntriples", "nt"), ("jsonld", "json-ld")])
def test_dumps_parse_back_to_the_same_graph(seed_cli, tmp_path, fmt, parse_as):
    ref = tmp_path / "ref.nt"
    assert seed_cli("dump", "--format", "ntriples", "-o", ref).code == 0
    out = tmp_path / f"dump.{fmt}"
    r = seed_cli("dump", "--format", fmt, "-o", out)
    assert r.code == 0, r.err
    g_ref = rdflib.Graph().parse(ref, format="nt")
    g = rdflib.Graph().parse(out, format=parse_as)
    assert len(g) == len(g_ref) > 500
    assert isomorphic(g, g_ref)
    ox_format = {
        "turtle": pyoxigraph.RdfFormat.TURTLE,
        "ntriples": pyoxigraph.RdfFormat.N_TRIPLES,
        "jsonld": pyoxigraph.RdfFormat.JSON_LD,
    }[fmt]
    ox = set(pyoxigraph.parse(path=str(out), format=ox_format))
    assert len(ox) == len(g_ref)


def test_nquads_keeps_graphs(seed_cli, tmp_path):
    out = tmp_path / "d.nq"
    assert seed_cli("dump", "--format", "nquads", "-o", out).code == 0
    graphs = {q.graph_name.value for q in pyoxigraph.parse(path=str(out), format=pyoxigraph.RdfFormat.N_QUADS)}
    assert any(g.startswith("https://w3id.org/coopgraph/graph/partnership/") for g in graphs)
    assert not any("personal" in g for g in graphs)


EMAIL = re.compile(r"[\w.+-]+(@|\[at\])[\w-]+\.[\w.]+")


def test_personal_data_apart(seed_cli, tmp_path):
    for fmt in ("turtle", "ntriples", "nquads", "jsonld"):
        text = seed_cli("dump", "--format", fmt).out
        assert not EMAIL.search(text), fmt
        for name in ("COQUARD", "CHOUAT", "Diarra", "Moustapha"):
            assert name not in text, (fmt, name)
    with_personal = seed_cli("dump", "--format", "nquads", "--include-personal-data").out
    assert "emma.coquard@diplomatie.gouv.fr" in with_personal and "Diarra" in with_personal
    graphs = {
        q.graph_name.value
        for q in pyoxigraph.parse(with_personal.encode(), format=pyoxigraph.RdfFormat.N_QUADS)
        if "Diarra" in str(q.object)
    }
    assert graphs and all(g.startswith("https://w3id.org/coopgraph/graph/personal/") for g in graphs)
    # and a query over the open graph cannot reach it
    assert seed_cli.rows("SELECT ?e WHERE { ?s <http://schema.org/email> ?e }") == []


def test_reingest_changes_nothing(cli):
    assert cli("ingest", SEED).code == 0
    first = cli("dump", "--format", "nquads").out
    r = cli("ingest", SEED)
    assert r.code == 0 and "1 unchanged" in r.out
    assert cli("dump", "--format", "nquads").out == first
    r = cli("ingest", "--force", SEED)  # re-converted: same triples, a new ingest time only
    assert r.code == 0
    again = cli("dump", "--format", "nquads").out
    strip = lambda s: sorted(l for l in s.splitlines() if "generatedAtTime" not in l)
    assert strip(again) == strip(first)


def test_malformed_page_is_named_and_the_rest_loads(cli, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("Titre\n\nnot an atlas page\n", encoding="utf-8")
    r = cli("ingest", bad, SEED)
    assert r.code == 1
    assert "bad.txt" in r.err and "title" in r.err
    assert "1 loaded" in r.out
    assert cli.rows("SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/coopgraph/ontology#Partnership> }") == [
        {"n": "1"}
    ]


@pytest.mark.parametrize(
    "name,expected",
    [
        ("bad-amount-nc.txt", "is not a number"),
        ("bad-impossible-date.txt", "not a real date"),
        ("bad-missing-country.txt", "has no country"),
        ("bad-not-a-page.html", "not an Atlas page"),
        ("bad-empty.txt", "empty file"),
    ],
)
def test_bad_fixture_pages_get_one_clear_line(cli, name, expected):
    r = cli("ingest", PAGES / name)
    assert r.code == 1
    lines = [line for line in r.err.splitlines() if name in line and "error" in line]
    assert lines and expected in lines[0], r.err
    m = re.match(rf".*{re.escape(name)}(:(\d+))?: error:", lines[0])
    assert m, lines[0]


def test_line_numbers_point_at_the_faulty_row(cli):
    r = cli("ingest", PAGES / "bad-amount-nc.txt")
    line_no = int(re.search(r"bad-amount-nc\.txt:(\d+): error", r.err).group(1))
    line = (PAGES / "bad-amount-nc.txt").read_text(encoding="utf-8").splitlines()[line_no - 1]
    assert "N/C" in line


def test_missing_path_and_usage_errors(cli, tmp_path):
    r = cli("stats")
    assert r.code == 2 and "no store" in r.err
    r = cli("ingest", tmp_path / "nope.txt")
    assert r.code == 2 and "no such file" in r.err
    assert cli("dump", "--format", "xml").code == 2


def test_folder_ingest_and_stats(cli):
    r = cli("ingest", PAGES)
    assert r.code == 1  # the bad-* pages fail...
    assert "fixture-lille-dakar-terminated.txt" not in r.err.split("Not loaded:")[-1]
    st = cli("stats", "--format", "json").json
    row = {k: v["value"] for k, v in st["results"]["bindings"][0].items()}
    assert int(row["partnerships"]) >= 7  # ...and every good fixture loads


def test_sparql_csv_header_and_read_only(seed_cli):
    r = seed_cli("sparql", "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--format", "csv")
    assert r.code == 0 and r.out.splitlines()[0] == "n"
    r = seed_cli("sparql", "DELETE WHERE { ?s ?p ?o }")
    assert r.code == 2 and "--allow-update" in r.err
    r = seed_cli("sparql", "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    assert r.code == 2 and "SERVICE" in r.err
    r = seed_cli("sparql", "SELEKT nothing")
    assert r.code == 2 and "invalid SPARQL" in r.err


def test_values_never_seen_are_kept_as_flagged_concepts(cli):
    r = cli("ingest", PAGES / "fixture-new-values.txt")
    assert r.code == 0
    for label in ("Suspendu", "Jumelage", "Sport", "Equipements sportifs"):
        assert f"kept as a new concept: {label!r}" in r.err
    rows = cli.rows(
        P
        + """SELECT ?status ?form WHERE { ?p cg:status ?s ; cg:form ?f .
        ?s skos:prefLabel ?status ; cg:provisional true . ?f skos:prefLabel ?form ; cg:provisional true }"""
    )
    assert rows == [{"status": "Suspendu", "form": "Jumelage"}]
    chain = cli.rows(P + """SELECT ?l WHERE { ?p cg:mainTheme ?t . ?t skos:broader* ?b . ?b skos:prefLabel ?l }""")
    assert {r["l"] for r in chain} == {"Sport", "Sport et développement", "Equipements sportifs"}


def test_curated_schemes_match_minted_iris():
    """ontology/themes.ttl is generated with the converter's own IRI code: every label path maps back."""
    import coopgraph.rdf.iris as iris
    from coopgraph import resources

    g = rdflib.Graph().parse(data=resources.ontology_file("themes.ttl").read_text(encoding="utf-8"), format="turtle")
    SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
    concepts = set(g.subjects(rdflib.RDF.type, SKOS.Concept))
    assert len(concepts) > 20
    for c in concepts:
        path, node = [], c
        while node is not None:
            path.insert(0, str(g.value(node, SKOS.prefLabel)))
            node = g.value(node, SKOS.broader)
        assert iris.theme(tuple(path)) == str(c)


def test_email_in_free_text_is_masked(cli, tmp_path):
    page = tmp_path / "with-email.txt"
    text = SEED.read_text(encoding="utf-8").replace(
        "Objectifs locaux :", "Objectifs locaux (contact : jean.dupont@ville-angouleme.fr, ou marie[at]segou.ml) :", 1
    )
    page.write_text(text, encoding="utf-8")
    assert cli("ingest", page).code == 0
    dump = cli("dump", "--format", "ntriples").out
    assert "jean.dupont" not in dump and "marie[at]" not in dump
    assert "contact : [courriel retiré], ou [courriel retiré]" in dump

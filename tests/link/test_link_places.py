"""Places: foreign partners linked to GeoNames, French collectivités given a point, through the CLI
(the real page and fixture-places-kayes.txt), plus the resolver on the forms the Atlas writes."""

from __future__ import annotations

import pytest

from conftest import CLI, PAGES, SEED

KAYES = PAGES / "fixture-places-kayes.txt"
GN = "https://sws.geonames.org/"
Q = (
    "PREFIX cg: <https://w3id.org/coopgraph/ontology#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> PREFIX geo: <http://www.opengis.net/ont/geosparql#> "
    "PREFIX wgs: <http://www.w3.org/2003/01/geo/wgs84_pos#> "
)


def test_segou_is_geonames_2451478_with_a_point(seed_cli, tmp_path):
    out = tmp_path / "seed.nt"
    assert seed_cli("dump", "--format", "ntriples", "-o", out).code == 0
    nt = out.read_text(encoding="utf-8")
    segou = "<https://w3id.org/coopgraph/id/foreign/mli/segou>"
    assert f"{segou} <http://www.w3.org/2004/02/skos/core#exactMatch> <{GN}2451478/> ." in nt
    assert (
        f'{segou} <http://www.w3.org/2003/01/geo/wgs84_pos#lat> "13.4317"^^<http://www.w3.org/2001/XMLSchema#decimal> .'
        in nt
    )
    assert (
        f'{segou} <http://www.w3.org/2003/01/geo/wgs84_pos#long> "-6.2157"^^<http://www.w3.org/2001/XMLSchema#decimal> .'
        in nt
    )
    assert (
        "<https://w3id.org/coopgraph/id/foreign/mli/segou/geometry> <http://www.opengis.net/ont/geosparql#asWKT> "
        '"POINT(-6.2157 13.4317)"^^<http://www.opengis.net/ont/geosparql#wktLiteral> .'
    ) in nt
    rows = seed_cli.rows(
        Q
        + """SELECT ?code ?div ?fc WHERE { <https://w3id.org/coopgraph/id/foreign/mli/segou>
        cg:firstLevelDivision ?d . ?d cg:divisionCode ?code ; rdfs:label ?div .
        <https://sws.geonames.org/2451478/> <https://www.geonames.org/ontology#featureCode> ?fc }"""
    )
    assert rows == [{"code": "ML.05", "div": "Ségou", "fc": "https://www.geonames.org/ontology#P.PPLA"}]


def test_intercommunality_stays_unlinked_and_reported(seed_cli):
    rows = seed_cli.rows(
        Q
        + """SELECT ?s ?note WHERE { ?x rdfs:label "Intercommunalité Balanzan" ;
        cg:placeStatus ?s ; cg:placeNote ?note FILTER NOT EXISTS { ?x skos:exactMatch ?m } }"""
    )
    assert len(rows) == 1 and rows[0]["s"] == "unmatched" and "grouping" in rows[0]["note"]
    r = seed_cli("link", "--report")
    assert r.code == 0, r.err
    section = r.out.split("Foreign places (GeoNames):", 1)[1].split("\n\n", 1)[0]
    assert section.startswith(" 1 linked, 1 unmatched")
    assert "Ségou (Mali) → https://sws.geonames.org/2451478/" in section
    assert "unmatched  Intercommunalité Balanzan (Mali)" in section


def test_french_partners_placed_commune_exact_epci_at_its_main_commune(seed_cli):
    rows = seed_cli.rows(
        Q
        + """SELECT ?c ?st ?pl ?m ?at ?lat WHERE { ?p cg:frenchPartner ?c .
        ?c cg:placeStatus ?st ; cg:placement ?pl ; wgs:lat ?lat
        OPTIONAL { ?c skos:exactMatch ?m } OPTIONAL { ?c cg:placedAt ?at } } ORDER BY ?c"""
    )
    assert rows == [
        {
            "c": "https://w3id.org/coopgraph/id/commune/16015",
            "st": "linked",
            "pl": "place",
            "m": GN + "3037598/",
            "lat": "45.64997",
        },
        {
            "c": "https://w3id.org/coopgraph/id/epci/200071827",
            "st": "placed",
            "pl": "main-commune",
            "at": GN + "3037598/",
            "lat": "45.64997",
        },
    ]


@pytest.fixture(scope="module")
def kayes(tmp_path_factory) -> CLI:
    c = CLI(tmp_path_factory.mktemp("kayes") / "store")
    r = c("ingest", KAYES, SEED)
    assert r.code == 0, r.err
    assert "foreign partner 'Tabia' not placed" in r.err
    return c


def test_regions_are_placed_at_their_capital_never_matched_to_it(kayes):
    rows = kayes.rows(
        Q
        + """SELECT ?name ?st ?pl ?m ?at WHERE { ?p cg:foreignPartner ?x . ?x rdfs:label ?name ;
        cg:placeStatus ?st OPTIONAL { ?x cg:placement ?pl } OPTIONAL { ?x skos:exactMatch ?m }
        OPTIONAL { ?x cg:placedAt ?at } } ORDER BY ?name"""
    )
    got = {r["name"]: (r["st"], r.get("pl"), r.get("m"), r.get("at")) for r in rows}
    assert got["Région de Kayes"] == ("placed", "seat", None, GN + "2455518/")
    assert got["Commune de Kayes"] == ("linked", "place", GN + "2455518/", None)
    assert got["Kayes"] == ("linked", "place", GN + "2259383/", None)  # the one in Congo
    assert got["Région de Fès-Meknès"] == ("placed", "seat", None, GN + "2548885/")
    assert got["Commune d'Ifrane"] == ("linked", "place", GN + "2546917/", None)  # settled by the region
    assert got["Tabia"] == ("ambiguous", None, None, None)
    assert got["Syndicat intercommunal du Guidimakha"] == ("unmatched", None, None, None)
    regions = kayes.rows(
        Q
        + """SELECT ?code WHERE { ?x rdfs:label "Région de Kayes" ;
        cg:firstLevelDivision/cg:divisionCode ?code }"""
    )
    assert regions == [{"code": "ML.03"}]


def test_departement_and_region_at_their_chef_lieu(kayes):
    rows = kayes.rows(
        Q
        + """SELECT ?c ?pl ?at WHERE { ?c cg:placement ?pl ; cg:placedAt ?at
        FILTER(?c IN (<https://w3id.org/coopgraph/id/departement/16>, <https://w3id.org/coopgraph/id/region/75>)) }
        ORDER BY ?c"""
    )
    assert rows == [
        {"c": "https://w3id.org/coopgraph/id/departement/16", "pl": "seat", "at": GN + "3037598/"},
        {"c": "https://w3id.org/coopgraph/id/region/75", "pl": "seat", "at": GN + "3031582/"},
    ]


def test_report_lists_ambiguous_with_candidates_first(kayes):
    r = kayes("link", "--report", "--format", "json")
    assert r.code == 0, r.err
    rows = [x for x in r.json["rows"] if x["kind"] == "place"]
    assert r.json["counts"]["place"] == {"linked": 4, "placed": 2, "ambiguous": 1, "unmatched": 2}
    assert rows[0]["status"] == "ambiguous" and rows[0]["name"] == "Tabia (Maroc)"
    assert "GeoNames 2532214" in rows[0]["detail"] and "GeoNames 2532230" in rows[0]["detail"]


def test_publish_describes_a_geonames_linkset(kayes, tmp_path):
    assert kayes("publish", tmp_path / "out", "-q").code == 0
    ttl = (tmp_path / "out" / "dataset.ttl").read_text(encoding="utf-8")
    assert "#links-geonames-exactmatch> a void:Linkset" in ttl
    assert "#links-geonames-placedat> a void:Linkset" in ttl
    assert 'dcterms:title "GeoNames"' in ttl


def test_validation_passes_with_places(kayes):
    r = kayes("validate")
    assert r.code == 0, r.out + r.err


# -- the resolver on the forms the Atlas writes (the installed package's core API) -----------------
FORMS = [
    ("Ségou", "ML", "linked", 2451478),
    ("Commune de Ségou", "ML", "linked", 2451478),
    ("COMMUNE DE SEGOU", "ML", "linked", 2451478),
    ("Ville de Kayes", "ML", "linked", 2455518),
    ("Mairie de Mopti", "ML", "linked", 2453348),
    ("Commune urbaine de Mopti", "ML", "linked", 2453348),
    ("Tombouctou", "ML", "linked", 2449067),
    ("Ayuntamiento de Sevilla", "ES", "linked", 2510911),
    ("Gmina Kłodzko", "PL", "linked", 3096053),
    ("Kayes (Région de Kayes)", "ML", "linked", 2455518),
    ("Conseil régional de Ségou", "ML", "placed", 2451478),
    ("Région de Kayes", "ML", "placed", 2455518),
    ("Cercle de Kita", "ML", "placed", 2455216),
    ("Intercommunalité Balanzan", "ML", "unmatched", None),
    ("San José", "CR", "ambiguous", None),
    ("Bakoma", "ML", "unmatched", None),
    ("Ségou", None, "unmatched", None),
]


@pytest.mark.parametrize("name,country,status,gid", FORMS)
def test_resolver_forms(name, country, status, gid):
    from coopgraph.link import places

    m = places.resolve_foreign(name, country)
    assert (m.status, m.place.geonames_id if m.place else None) == (status, gid), m
    assert m.exact == (status == "linked")


def test_a_homonym_settled_differently_by_two_pages_makes_two_nodes(tmp_path):
    """ "Commune d'Ifrane" beside "Région de Fès-Meknès" on one page and beside "Région de Béni
    Mellal-Khénifra" on another: two places, so two nodes, each with one point (and the shapes pass)."""
    text = KAYES.read_text(encoding="utf-8")
    other = tmp_path / "fixture-places-ifrane-bis.txt"
    other.write_text(
        text.replace("Région de Fès-Meknès |", "Région de Béni Mellal-Khénifra |").replace(
            "Pointe-Noire : eau potable", "Pointe-Noire (bis) : eau potable"
        ),
        encoding="utf-8",
    )
    c = CLI(tmp_path / "store")
    r = c("ingest", KAYES, other)
    assert r.code == 0, r.err
    rows = c.rows(
        Q
        + """SELECT ?x ?m ?lat WHERE { ?p cg:foreignPartner ?x . ?x rdfs:label ?l ;
        skos:exactMatch ?m ; wgs:lat ?lat FILTER(?l IN ("Commune d'Ifrane", "Tabia")) } ORDER BY ?x"""
    )
    got = {(r["x"].rsplit("/", 2)[-2], r["m"]) for r in rows}
    assert got == {
        ("commune-d-ifrane", GN + "2546917/"),
        ("commune-d-ifrane", GN + "2543394/"),
        ("tabia", GN + "2532214/"),
    }, rows
    assert len({r["x"] for r in rows}) == len(rows) == 3  # one point per node
    assert c("validate").code == 0

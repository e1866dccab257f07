"""Linking on the real page, through the CLI as users run it (the session store holding the seed)."""

CG = (
    "PREFIX cg: <https://w3id.org/coopgraph/ontology#> PREFIX igeo: <http://rdf.insee.fr/def/geo#> "
    "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)


def test_angouleme_commune_codes(seed_cli):
    rows = seed_cli.rows(
        CG
        + """SELECT ?c ?insee ?siren ?kind ?status WHERE {
        ?p cg:frenchPartner ?c . ?c rdfs:label "Angoulême" ; igeo:codeINSEE ?insee ; cg:siren ?siren ;
        cg:collectiviteKind ?kind ; cg:linkStatus ?status }"""
    )
    assert rows == [
        {
            "c": "https://w3id.org/coopgraph/id/commune/16015",
            "insee": "16015",
            "siren": "211600150",
            "kind": "commune",
            "status": "linked",
        }
    ]


def test_grand_angouleme_epci_siren(seed_cli):
    rows = seed_cli.rows(
        CG
        + """SELECT ?c ?siren ?kind ?insee WHERE {
        ?p cg:frenchPartner ?c . ?c rdfs:label "Communauté d'agglomération du Grand Angoulême" ;
        cg:siren ?siren ; cg:collectiviteKind ?kind OPTIONAL { ?c igeo:codeINSEE ?insee } }"""
    )
    assert rows == [{"c": "https://w3id.org/coopgraph/id/epci/200071827", "siren": "200071827", "kind": "epci"}]


def test_mali_eu_country_table(seed_cli):
    rows = seed_cli.rows(
        CG
        + """SELECT DISTINCT ?country ?fr ?a2 ?a3 WHERE {
        ?p cg:foreignPartner/cg:country ?country .
        ?country skos:prefLabel ?fr FILTER(LANG(?fr) = "fr")
        ?country skos:notation ?a2 FILTER(STRLEN(?a2) = 2) ?country skos:notation ?a3 FILTER(STRLEN(?a3) = 3) }"""
    )
    assert rows == [
        {
            "country": "http://publications.europa.eu/resource/authority/country/MLI",
            "fr": "Mali",
            "a2": "ML",
            "a3": "MLI",
        }
    ]
    assert not seed_cli.rows(CG + "SELECT ?c WHERE { ?c cg:provisional true FILTER(CONTAINS(STR(?c), '/country/')) }")


def test_sdg_targets_and_goals_with_french_labels(seed_cli):
    rows = seed_cli.rows(
        CG
        + """SELECT ?t ?g ?label WHERE {
        ?p cg:sdgTarget ?t . ?t skos:broader ?g . ?p cg:sdgGoal ?g .
        ?t skos:prefLabel ?label FILTER(LANG(?label) = "fr") }"""
    )
    base = "http://metadata.un.org/sdg/"
    assert sorted(r["t"] for r in rows) == [base + c for c in ("11.6", "3.7", "3.9", "5.3", "6.3")]
    goals = {r["g"] for r in seed_cli.rows(CG + "SELECT ?g WHERE { ?p cg:sdgGoal ?g }")}
    assert goals == {base + g for g in ("3", "5", "6", "11")}
    label63 = next(r["label"] for r in rows if r["t"].endswith("/6.3"))
    assert label63.startswith("D’ici à 2030, améliorer la qualité de l’eau")
    assert not seed_cli.rows(CG + "SELECT ?x WHERE { ?p cg:unlinkedSdgCode ?x }")


def test_report_on_the_real_page(seed_cli):
    r = seed_cli("link", "--report")
    assert r.code == 0, r.err
    assert "French collectivités: 2 linked" in r.out
    assert "Angoulême → https://w3id.org/coopgraph/id/commune/16015" in r.out
    assert "(INSEE 16015, SIREN 211600150)" in r.out and "(SIREN 200071827)" in r.out
    assert "Countries: 2 linked" not in r.out and "Countries: 1 linked" in r.out
    assert "ODD (UN SDG goals and targets): 9 linked" in r.out
    assert "page: atlas-angouleme-segou.txt" in r.out
    # `coopgraph link` alone is the report.
    assert seed_cli("link").out == r.out

    data = seed_cli("link", "--format", "json").json
    assert data["counts"]["collectivite"] == {"linked": 2}
    assert data["counts"]["country"] == {"linked": 1}
    assert data["counts"]["sdg"] == {"linked": 9}
    assert data["counts"]["wikidata"] == {"not looked up": 3}
    mali = next(x for x in data["rows"] if x["kind"] == "country")
    assert mali["link"].endswith("/country/MLI") and mali["pages"] == ["atlas-angouleme-segou.txt"]

    csv_out = seed_cli("link", "--format", "csv", "--problems-only")
    assert csv_out.code == 0 and csv_out.out.splitlines()[0] == "kind,status,name,link,detail,pages"
    assert "linked" not in {line.split(",")[1] for line in csv_out.out.splitlines()[1:]}


def test_theme_mappings_to_dac_and_sdg(seed_cli):
    rows = seed_cli.rows(
        CG
        + """SELECT ?rel ?m ?notation ?en WHERE {
        <https://w3id.org/coopgraph/id/theme/environnement-climat-et-energie/eau-et-dechets/assainissement> ?rel ?m
        FILTER(?rel IN (skos:closeMatch, skos:relatedMatch))
        OPTIONAL { ?m skos:notation ?notation ; skos:prefLabel ?en FILTER(LANG(?en) = "en") } }"""
    )
    got = {(r["rel"].rsplit("#")[-1], r["m"].rsplit("/", 1)[-1], r.get("en")) for r in rows}
    assert ("closeMatch", "14032", "Basic sanitation") in got
    assert ("closeMatch", "14022", "Sanitation - large systems") in got
    assert (
        "relatedMatch",
        "6",
        "Ensure availability and sustainable management of water and sanitation for all",
    ) in got
    # The DAC codes are a SKOS scheme of their own, in their own graph, codes under categories.
    rows = seed_cli.rows(
        CG
        + """SELECT ?fr ?cat WHERE { GRAPH <https://w3id.org/coopgraph/graph/dac> {
        <https://w3id.org/coopgraph/id/dac-sector/14032> skos:prefLabel ?fr FILTER(LANG(?fr) = "fr")
        <https://w3id.org/coopgraph/id/dac-sector/14032> skos:broader ?cat } }"""
    )
    assert rows and rows[0]["cat"].endswith("/dac-sector/140") and rows[0]["fr"]
    # Every mapping target exists in the store: no dangling closeMatch.
    dangling = seed_cli.rows(
        CG
        + """SELECT ?t ?m WHERE { GRAPH <https://w3id.org/coopgraph/graph/schemes> {
        ?t ?rel ?m FILTER(?rel IN (skos:closeMatch, skos:relatedMatch)) }
        FILTER NOT EXISTS { ?m a skos:Concept } }"""
    )
    assert dangling == []

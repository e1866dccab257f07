"""Homonyms: "Montreuil" is three communes; the page's context decides, or the name is reported."""

from conftest import PAGES, SEED

CG = (
    "PREFIX cg: <https://w3id.org/coopgraph/ontology#> PREFIX igeo: <http://rdf.insee.fr/def/geo#> "
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
)
MONTREUIL = (
    CG
    + """SELECT ?c ?status ?insee WHERE { ?p cg:frenchPartner ?c . ?c rdfs:label "Montreuil" ;
    cg:linkStatus ?status OPTIONAL { ?c igeo:codeINSEE ?insee } }"""
)


def test_montreuil_with_est_ensemble_is_93048(cli):
    r = cli("ingest", PAGES / "fixture-montreuil-est-ensemble.txt")
    assert r.code == 0, r.err
    assert "Montreuil" not in r.err  # linked: no warning
    assert cli.rows(MONTREUIL) == [
        {"c": "https://w3id.org/coopgraph/id/commune/93048", "status": "linked", "insee": "93048"}
    ]
    ept = cli.rows(
        CG
        + """SELECT ?c ?kind ?siren WHERE { ?c rdfs:label "Est Ensemble" ;
        cg:collectiviteKind ?kind ; cg:siren ?siren }"""
    )
    assert ept == [{"c": "https://w3id.org/coopgraph/id/ept/200057875", "kind": "ept", "siren": "200057875"}]
    for other in ("28267", "85148"):
        assert not cli.rows(CG + f'SELECT ?c WHERE {{ ?c igeo:codeINSEE "{other}" }}')


def test_montreuil_alone_is_ambiguous_and_reported(cli):
    r = cli("ingest", PAGES / "fixture-montreuil-alone.txt")
    assert r.code == 0, r.err
    assert "'Montreuil' ambiguous" in r.err
    rows = cli.rows(MONTREUIL)
    assert rows == [{"c": "https://w3id.org/coopgraph/id/collectivite/montreuil", "status": "ambiguous"}]
    assert not cli.rows(CG + "SELECT ?c WHERE { ?c igeo:codeINSEE ?x FILTER(STRSTARTS(?x, '93')) }")

    rep = cli("link", "--report")
    assert rep.code == 0, rep.err
    assert "French collectivités: 1 ambiguous" in rep.out
    block = rep.out.split("French collectivités")[1].split("Countries")[0]
    assert "ambiguous  Montreuil" in block
    for cand in ("commune 28267 Montreuil (28)", "commune 85148 Montreuil (85)", "commune 93048 Montreuil (93)"):
        assert cand in block
    assert "page: fixture-montreuil-alone.txt" in block

    data = cli("link", "--format", "json", "--problems-only").json
    amb = [x for x in data["rows"] if x["kind"] == "collectivite"]
    assert [(x["status"], x["name"], x["pages"]) for x in amb] == [
        ("ambiguous", "Montreuil", ["fixture-montreuil-alone.txt"])
    ]


def test_both_pages_in_one_store_keep_two_nodes(cli):
    r = cli("ingest", PAGES / "fixture-montreuil-alone.txt", PAGES / "fixture-montreuil-est-ensemble.txt", SEED)
    assert r.code == 0, r.err
    got = sorted((x["c"], x["status"]) for x in cli.rows(MONTREUIL))
    assert got == [
        ("https://w3id.org/coopgraph/id/collectivite/montreuil", "ambiguous"),
        ("https://w3id.org/coopgraph/id/commune/93048", "linked"),
    ]
    counts = cli("link", "--format", "json").json["counts"]
    assert counts["collectivite"] == {"linked": 4, "ambiguous": 1}
    assert counts["country"] == {"linked": 2}


def test_unknown_sdg_target_and_country_are_reported_not_linked(cli, tmp_path):
    text = (PAGES / "fixture-montreuil-alone.txt").read_text(encoding="utf-8")
    page = tmp_path / "montreuil-odd-6-9.txt"
    page.write_text(
        text.replace("(ODD 3, cible 3.1)", "(ODD 3, cible 3.1, cible 6.9)").replace("| Mali |", "| Malie |"),
        encoding="utf-8",
    )
    r = cli("ingest", page)
    assert r.code == 0, r.err
    assert "ODD 6.9 does not exist" in r.err and "unknown country 'Malie'" in r.err
    sdg = cli.rows(CG + "SELECT ?x WHERE { { ?p cg:sdgTarget ?x } UNION { ?p cg:sdgGoal ?x } }")
    assert sorted(x["x"] for x in sdg) == ["http://metadata.un.org/sdg/3", "http://metadata.un.org/sdg/3.1"]
    assert cli.rows(CG + "SELECT ?x WHERE { ?p cg:unlinkedSdgCode ?x }") == [{"x": "6.9"}]

    data = cli("link", "--format", "json", "--problems-only").json
    got = {(x["kind"], x["status"], x["name"]): x for x in data["rows"]}
    odd = got[("sdg", "unmatched", "ODD 6.9")]
    assert odd["pages"] == ["montreuil-odd-6-9.txt"] and odd["link"] == ""
    country = got[("country", "unmatched", "Malie")]
    assert "Mali" in country["detail"] and country["pages"] == ["montreuil-odd-6-9.txt"]

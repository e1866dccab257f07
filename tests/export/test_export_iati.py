"""`coopgraph export iati`: the real page field by field, the same numbers as the saved queries,
valid against the IATI 2.03 schema and codelists (real page, fixture pages, a synthetic corpus),
no personal data unless asked, clean errors."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter, defaultdict
from decimal import Decimal

import pytest

from conftest import CLI, PAGES, REPO, SEED
from support import iati

ANGOULEME_FUNDING = [  # the real page's funding table: funder, amount, "1%" columns, year
    ("Ministère de l'Europe et des Affaires étrangères", "18844", None, "2020"),
    ("Ministère de l'Europe et des Affaires étrangères", "18844", None, "2021"),
    ("Angoulême", "4500", ("4165", "0", "2890"), "2020"),
    ("Angoulême", "4500", ("4165", "0", "2890"), "2021"),
    ("CA du Grand Angoulême", "6000", None, "2020"),
    ("CA du Grand Angoulême", "16600", None, "2021"),
    ("Collectivités et partenaires étrangers", "1700", None, "2020"),
    ("Collectivités et partenaires étrangers", "1700", None, "2021"),
    ("Agence de l'Eau Adour Garonne", "57600", None, "2021"),
    ("Comité des Jumelages Angoulême - Villes Etrangères", "5500", None, "2020"),
    ("Comité des Jumelages Angoulême - Villes Etrangères", "1500", None, "2021"),
    ("Musiques Métisses", "200", None, "2020"),
    ("Maison des Peuples et de la Paix", "100", None, "2020"),
    ("Maison des Peuples et de la Paix", "100", None, "2021"),
    ("Atelier de la danse – Katia Seguin", "300", None, "2020"),
]


def narrative(el) -> str:
    return el.findtext("narrative")


@pytest.fixture(scope="module")
def seed_xml(seed_cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("iati") / "seed.xml"
    r = seed_cli("export", "iati", "-o", out)
    assert r.code == 0, r.err
    assert "1 activities, 15 transactions, 137988 EUR" in r.err and "is valid" in r.err
    return out


def test_real_page_is_valid_iati(seed_xml):
    text = seed_xml.read_text(encoding="utf-8")
    assert "<iati-activities" in text and 'version="2.03"' in text
    assert iati.schema_errors(seed_xml) == []
    assert iati.code_errors(seed_xml) == []


def test_real_page_field_by_field(seed_xml):
    [act] = iati.activities(seed_xml)
    assert act.get("default-currency") == "EUR" and act.get(iati.XML_LANG) == "fr"
    assert act.get("linked-data-uri").startswith("https://w3id.org/coopgraph/id/partnership/")
    key = act.get("linked-data-uri").rsplit("/", 1)[-1]
    assert act.findtext("iati-identifier") == f"coopgraph-{key}"
    assert act.find("reporting-org").get("secondary-reporter") == "1"
    assert narrative(act.find("title")) == "Coopération décentralisée Angoulême – Ségou 2020-2021"
    desc = {d.get("type"): narrative(d) for d in act.findall("description")}
    assert desc["1"].startswith("Comme cela a été acté dans la convention")
    assert desc["2"].startswith("Objectifs locaux") and "ODD 3.7, 3.9, 5.3, 6.3, 11.6" in desc["2"]

    roles = defaultdict(list)
    for o in act.findall("participating-org"):
        roles[o.get("role")].append((narrative(o), o.get("ref"), o.get("type")))
    funders = [name for name, _, _ in roles["1"]]
    assert len(funders) == len(set(funders)) == 9  # each funder once
    assert set(funders) == {f for f, *_ in ANGOULEME_FUNDING}
    assert ("Angoulême", "FR-RCS-211600150", "11") in roles["1"]
    assert ("Ministère de l'Europe et des Affaires étrangères", None, "10") in roles["1"]
    assert ("Agence de l'Eau Adour Garonne", None, "15") in roles["1"]
    assert sorted(roles["2"]) == [
        ("Angoulême", "FR-RCS-211600150", "11"),
        ("CA du Grand Angoulême", "FR-RCS-200071827", "11"),
    ]
    assert sorted(roles["4"]) == [("Intercommunalité Balanzan", None, "11"), ("Ségou", None, "11")]

    assert act.find("activity-status").get("code") == "2"  # "En cours"
    assert [(d.get("type"), d.get("iso-date")) for d in act.findall("activity-date")] == [
        ("2", "2020-01-01"),
        ("3", "2021-12-31"),
    ]
    [country] = act.findall("recipient-country")
    assert (country.get("code"), country.get("percentage"), narrative(country)) == ("ML", "100", "Mali")
    sectors = {(s.get("vocabulary"), s.get("code")): Decimal(s.get("percentage")) for s in act.findall("sector")}
    # main theme Gouvernance locale → 15112; Infrastructures culturelles → 16061; Eau et déchets → 140;
    # Santé → 121, 122; Jeunesse & genre has only a partial (relatedMatch) mapping: no sector.
    assert sectors == {
        ("1", "15112"): 50,
        ("1", "16061"): 50,
        ("2", "140"): Decimal("33.34"),
        ("2", "121"): Decimal("33.33"),
        ("2", "122"): Decimal("33.33"),
    }
    tags = [(t.get("vocabulary"), t.get("code")) for t in act.findall("tag")]
    assert tags == [
        ("2", "3"),
        ("2", "5"),
        ("2", "6"),
        ("2", "11"),
        ("3", "3.7"),
        ("3", "3.9"),
        ("3", "5.3"),
        ("3", "6.3"),
        ("3", "11.6"),
    ]

    rows = []
    for t in act.findall("transaction"):
        assert t.find("transaction-type").get("code") == "1"
        value = t.find("value")
        assert value.get("currency") == "EUR"
        year = t.find("transaction-date").get("iso-date")[:4]
        assert value.get("value-date") == f"{year}-01-01"
        ones = tuple(t.get(f"{iati.CG}onePercentAmount{i}") for i in (1, 2, 3))
        rows.append((narrative(t.find("provider-org")), value.text, None if ones == (None,) * 3 else ones, year))
        if ones != (None,) * 3:
            assert "4165" in narrative(t.find("description")) and "hors valeur" in narrative(t.find("description"))
    assert rows == ANGOULEME_FUNDING
    assert iati.transactions_total(act) == 137988  # the "1%" columns are not in it


def test_totals_equal_saved_queries(seed_cli, seed_xml):
    acts = iati.activities(seed_xml)
    by_year: Counter = Counter()
    for act in acts:
        for t in act.findall("transaction"):
            by_year[t.find("transaction-date").get("iso-date")[:4]] += Decimal(t.find("value").text)
    r = seed_cli("query", "funding-by-year", "--format", "json")
    assert r.code == 0, r.err
    expected = {b["year"]["value"]: Decimal(b["totalEUR"]["value"]) for b in r.json["results"]["bindings"]}
    assert dict(by_year) == expected == {"2020": Decimal(37144), "2021": Decimal(100844)}
    r = seed_cli("query", "funders-ranking", "--format", "json")
    ranking = sum(Decimal(b["totalEUR"]["value"]) for b in r.json["results"]["bindings"])
    assert sum(iati.transactions_total(a) for a in acts) == ranking == 137988


def test_no_personal_data_unless_asked(seed_cli, tmp_path):
    plain = tmp_path / "open.xml"
    assert seed_cli("export", "iati", "-o", plain).code == 0
    text = plain.read_text(encoding="utf-8")
    assert "<contact-info" not in text
    for secret in ("COQUARD", "coquard", "Diarra", "ndiarra52", "ariomoustapha", "diplomatie.gouv.fr"):
        assert secret not in text
    personal = tmp_path / "personal.xml"
    r = seed_cli("export", "iati", "-o", personal, "--include-personal-data")
    assert r.code == 0, r.err
    assert "WITH PERSONAL DATA" in r.err
    text = personal.read_text(encoding="utf-8")
    assert "PERSONAL DATA" in text and text.count("<contact-info") == 4
    assert "<person-name><narrative>Emma COQUARD</narrative></person-name>" in text
    assert "<email>ndiarra52@yahoo.fr</email>" in text
    assert iati.schema_errors(personal) == [] and iati.code_errors(personal) == []


def test_reporting_org_and_stable_identifiers(seed_cli, tmp_path):
    env = {"SOURCE_DATE_EPOCH": "1767225600"}
    args = [
        "--reporting-org-ref",
        "FR-RCS-123456789",
        "--reporting-org-name",
        "Ville exemple",
        "--reporting-org-type",
        "11",
        "--primary-reporter",
    ]
    a, b = tmp_path / "a.xml", tmp_path / "b.xml"
    assert seed_cli("export", "iati", "-o", a, *args, env=env).code == 0
    assert seed_cli("export", "iati", "-o", b, *args, env=env).code == 0
    assert a.read_bytes() == b.read_bytes()  # same store, same date: same bytes
    [act] = iati.activities(a)
    assert act.findtext("iati-identifier").startswith("FR-RCS-123456789-")
    rep = act.find("reporting-org")
    assert (rep.get("ref"), rep.get("type"), rep.get("secondary-reporter"), narrative(rep)) == (
        "FR-RCS-123456789",
        "11",
        None,
        "Ville exemple",
    )
    default = tmp_path / "c.xml"
    assert seed_cli("export", "iati", "-o", default).code == 0
    assert (
        iati.activities(default)[0].findtext("iati-identifier").split("-", 1)[1]
        == act.findtext("iati-identifier").rsplit("-", 1)[1]
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--reporting-org-type", "99"], "is not an IATI OrganisationType"),
        (["--reporting-org-ref", "my org/1"], "without spaces"),
    ],
)
def test_bad_reporting_org(seed_cli, tmp_path, args, message):
    r = seed_cli("export", "iati", "-o", tmp_path / "x.xml", *args)
    assert r.code == 2 and message in r.err
    assert not (tmp_path / "x.xml").exists()


def test_bad_output_and_missing_store(seed_cli, cli, tmp_path):
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    r = seed_cli("export", "iati", "-o", a_file / "out.xml")
    assert r.code == 2 and "is not a folder" in r.err
    r = seed_cli("export", "iati", "-o", tmp_path / "missing" / "out.xml")
    assert r.code == 2 and "does not exist" in r.err
    r = seed_cli("export", "iati", "-o", tmp_path)
    assert r.code == 2
    r = cli("export", "iati", "-o", tmp_path / "x.xml")  # a store that was never made
    assert r.code == 2 and "no store" in r.err
    assert not (tmp_path / "x.xml").exists()


def test_fixture_pages_are_valid(cli, tmp_path):
    """Pages with values the real one lacks: finished, suspended, other countries, empty tables."""
    r = cli("ingest", *sorted(PAGES.glob("fixture-*.txt")), SEED)
    assert r.code == 0, r.err
    out = tmp_path / "fixtures.xml"
    r = cli("export", "iati", "-o", out)
    assert r.code == 0, r.err
    assert iati.schema_errors(out) == [] and iati.code_errors(out) == []
    acts = iati.activities(out)
    assert len(acts) == len(list(PAGES.glob("fixture-*.txt"))) + 1
    statuses = Counter(a.find("activity-status").get("code") for a in acts)
    assert statuses["4"] >= 1  # "Terminé" → Closed, with an actual end date
    for a in acts:
        if a.find("activity-status").get("code") == "4":
            assert any(d.get("type") == "4" for d in a.findall("activity-date"))


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> tuple[CLI, object]:
    base = tmp_path_factory.mktemp("synth-iati")
    pages = base / "pages"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "synth.py"),
            "--partnerships",
            "120",
            "--seed",
            "7",
            "--out",
            str(pages),
        ],
        check=True,
        capture_output=True,
    )
    c = CLI(base / "store")
    r = c("ingest", "--no-validate", pages)
    assert r.code == 0, r.err
    out = base / "synthetic.xml"
    r = c("export", "iati", "-o", out)
    assert r.code == 0, r.err
    return c, out


def test_synthetic_corpus_valid_and_numbers(synthetic):
    c, out = synthetic
    assert iati.schema_errors(out) == [] and iati.code_errors(out) == []
    acts = iati.activities(out)
    assert len(acts) == 120
    assert all(a.get(f"{iati.CG}synthetic") == "true" for a in acts)
    assert "SYNTHETIC" in out.read_text(encoding="utf-8")[:400]
    rows = c.rows("""SELECT ?p (SUM(?a) AS ?total) (COUNT(DISTINCT ?funder) AS ?funders) WHERE {
                       ?f a cg:Funding ; schema:fundedItem ?p ; schema:amount ?a ; schema:funder ?funder } GROUP BY ?p""")
    expected = {r["p"]: (Decimal(r["total"]), int(r["funders"])) for r in rows}
    for a in acts:
        total, n_funders = expected[a.get("linked-data-uri")]
        assert iati.transactions_total(a) == total  # the partnership's "Montant en euros" total
        funders = [o for o in a.findall("participating-org") if o.get("role") == "1"]
        assert len(funders) == n_funders  # each funder once
        providers = {narrative(t.find("provider-org")) for t in a.findall("transaction")}
        assert providers == {narrative(o) for o in funders}
        assert len(a.findall("transaction")) == len(a.findall("transaction/value"))
    r = c("query", "funding-by-year", "--format", "json")
    by_year = {b["year"]["value"]: Decimal(b["totalEUR"]["value"]) for b in r.json["results"]["bindings"]}
    mine: Counter = Counter()
    for a in acts:
        for t in a.findall("transaction"):
            mine[t.find("transaction-date").get("iso-date")[:4]] += Decimal(t.find("value").text)
    assert dict(mine) == by_year


def test_python_api(seed_cli, tmp_path):
    import coopgraph
    from coopgraph.export import codelists

    atlas = coopgraph.open(seed_cli.store, read_only=True)
    try:
        result = atlas.export_iati(tmp_path / "api.xml", reporting_org_ref="FR-RCS-123456789")
    finally:
        atlas.close()
    assert (result.activities, result.transactions, result.total) == (1, 15, 137988)
    assert codelists.schema_errors(tmp_path / "api.xml") == [] and codelists.code_errors(tmp_path / "api.xml") == []


def test_hostile_text_stays_valid_xml(cli, tmp_path):
    """Markup characters, a CDATA end, quotes and control characters in a page's text and names."""
    page = SEED.read_text(encoding="utf-8")
    page = page.replace(
        "Coopération décentralisée Angoulême – Ségou 2020-2021", 'Eau & <assainissement> "Ségou" ]]> \x01\x0b fin', 1
    )
    page = page.replace("Musiques Métisses", 'Musiques <Métisses> & "Cie"')
    src = tmp_path / "hostile.txt"
    src.write_text(page, encoding="utf-8")
    r = cli("ingest", "--no-validate", src)
    assert r.code == 0, r.err
    out = tmp_path / "hostile.xml"
    r = cli("export", "iati", "-o", out)
    assert r.code == 0, r.err
    assert iati.schema_errors(out) == [] and iati.code_errors(out) == []
    [act] = iati.activities(out)
    assert narrative(act.find("title")).startswith('Eau & <assainissement> "Ségou" ]]>')
    assert 'Musiques <Métisses> & "Cie"' in {narrative(o) for o in act.findall("participating-org")}
    t = tmp_path / "tables"
    assert cli("export", "tables", "-o", t).code == 0
    from frictionless import validate

    assert validate(str(t / "datapackage.json")).valid


def test_empty_store(cli, tmp_path):
    cli("ingest", PAGES / "bad-empty.txt")  # makes the store, loads nothing
    assert (cli.store / "open").exists()
    r = cli("export", "iati", "-o", tmp_path / "x.xml")
    assert r.code == 1 and "holds no partnership" in r.err
    assert not (tmp_path / "x.xml").exists()
    r = cli("export", "tables", "-o", tmp_path / "t")
    assert r.code == 0, r.err
    from frictionless import validate

    assert validate(str(tmp_path / "t" / "datapackage.json")).valid


def test_new_theme_takes_the_sectors_of_its_broader_theme(cli, tmp_path):
    """A sub-sub-theme first seen in a page has no DAC mapping: it gets its broader theme's."""
    page = SEED.read_text(encoding="utf-8").replace(
        "Environnement, Climat et Energie | Eau et déchets | 1 | |",
        "Environnement, Climat et Energie | Eau et déchets | Latrines publiques | 1 |",
    )
    assert "Latrines publiques" in page
    src = tmp_path / "new-theme.txt"
    src.write_text(page, encoding="utf-8")
    assert cli("ingest", "--no-validate", src).code == 0
    rows = cli.rows('SELECT ?t WHERE { ?t skos:prefLabel "Latrines publiques"@fr ; cg:provisional true }')
    assert len(rows) == 1
    out = tmp_path / "x.xml"
    assert cli("export", "iati", "-o", out).code == 0
    [act] = iati.activities(out)
    assert ("2", "140") in {(s.get("vocabulary"), s.get("code")) for s in act.findall("sector")}
    assert iati.code_errors(out) == []


def test_geonames_links_become_locations(cli, tmp_path):
    """Once another stage links a foreign partner to GeoNames with a WGS84 point, the activity
    gets a location (GeoNames is IATI's geographic vocabulary G1)."""
    assert cli("ingest", SEED).code == 0
    r = cli(
        "sparql",
        "--allow-update",
        """
        PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA { GRAPH <https://w3id.org/coopgraph/graph/links> {
          <https://w3id.org/coopgraph/id/foreign/mli/segou> skos:exactMatch <https://sws.geonames.org/2451185/> ;
              geo:lat "13.4317"^^xsd:decimal ; geo:long "-6.2157"^^xsd:decimal } }""",
    )
    assert r.code == 0, r.err
    out = tmp_path / "x.xml"
    assert cli("export", "iati", "-o", out).code == 0
    assert iati.schema_errors(out) == [] and iati.code_errors(out) == []
    [act] = iati.activities(out)
    [loc] = act.findall("location")  # Balanzan has no link: no location
    assert loc.find("location-id").get("vocabulary") == "G1" and loc.find("location-id").get("code") == "2451185"
    assert narrative(loc.find("name")) == "Ségou"
    assert loc.findtext("point/pos") == "13.4317 -6.2157"
    assert loc.find("point").get("srsName") == "http://www.opengis.net/def/crs/EPSG/0/4326"

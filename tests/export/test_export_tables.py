"""`coopgraph export tables`: tidy CSVs and a Frictionless Data Package that the `frictionless`
validator accepts; the real page field by field; totals equal the saved queries'; GeoNames
columns filled once the links exist; an .xlsx workbook; clean errors."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal

import pytest
from frictionless import validate

from conftest import CLI, REPO, SEED

TABLES = [
    "partnerships",
    "collectivites",
    "partnership_collectivites",
    "funders",
    "fundings",
    "partnership_themes",
    "partnership_sdg_targets",
]


def read(folder, name) -> list[dict]:
    with open(folder / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def seed_tables(seed_cli, tmp_path_factory):
    out = tmp_path_factory.mktemp("tables") / "seed"
    r = seed_cli("export", "tables", "-o", out, "--xlsx")
    assert r.code == 0, r.err
    return out


def test_files_and_frictionless(seed_tables):
    assert sorted(p.name for p in seed_tables.iterdir()) == sorted(
        [f"{t}.csv" for t in TABLES] + ["datapackage.json", "coopgraph-tables.xlsx"]
    )
    pkg = json.loads((seed_tables / "datapackage.json").read_text(encoding="utf-8"))
    assert [r["name"] for r in pkg["resources"]] == TABLES
    for res in pkg["resources"]:
        assert res["schema"]["primaryKey"] and " — " in res["description"]
        for f in res["schema"]["fields"]:
            assert f["type"] in ("string", "integer", "number", "boolean", "date") and " — " in f["description"]
    fks = {
        (r["name"], fk["fields"], fk["reference"]["resource"])
        for r in pkg["resources"]
        for fk in r["schema"].get("foreignKeys", [])
    }
    assert ("fundings", "funder_id", "funders") in fks and ("fundings", "partnership_id", "partnerships") in fks
    report = validate(str(seed_tables / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_real_page_field_by_field(seed_tables):
    [p] = read(seed_tables, "partnerships")
    assert p["title"] == "Coopération décentralisée Angoulême – Ségou 2020-2021"
    assert (p["first_signature_year"], p["start_year"], p["end_date"], p["status"]) == (
        "2019",
        "2020",
        "2021-12-31",
        "En cours",
    )
    assert (p["triennial"], p["main_theme"], p["funding_rows"], p["total_eur"]) == (
        "false",
        "Gouvernance locale et appui institutionnel",
        "15",
        "137988",
    )
    # the "1%" columns summed apart, never in total_eur
    assert (p["total_one_percent_1_eur"], p["total_one_percent_2_eur"], p["total_one_percent_3_eur"]) == (
        "8330",
        "0",
        "5780",
    )
    assert p["embassy"] == "Ambassade de France à Bamako" and p["synthetic"] == "false"
    assert p["source_file"] == "atlas-angouleme-segou.txt"
    assert p["iri"].endswith("/" + p["partnership_id"])

    fundings = read(seed_tables, "fundings")
    assert len(fundings) == 15 and [int(f["row"]) for f in fundings] == list(range(1, 16))
    f3 = fundings[2]
    assert (
        f3["funder_id"],
        f3["year"],
        f3["amount_eur"],
        f3["one_percent_1_eur"],
        f3["one_percent_2_eur"],
        f3["one_percent_3_eur"],
    ) == ("commune/16015", "2020", "4500", "4165", "0", "2890")
    f1 = fundings[0]
    assert (f1["year"], f1["amount_eur"], f1["one_percent_1_eur"]) == ("2020", "18844", "")
    assert f1["funder_id"] == "org/ministere-de-l-europe-et-des-affaires-etrangeres"

    coll = {c["collectivite_id"]: c for c in read(seed_tables, "collectivites")}
    assert set(coll) == {
        "commune/16015",
        "epci/200071827",
        "foreign/mli/segou",
        "foreign/mli/intercommunalite-balanzan",
    }
    a = coll["commune/16015"]
    assert (a["side"], a["name"], a["kind"], a["insee_code"], a["siren"], a["iati_org_ref"]) == (
        "french",
        "Angoulême",
        "commune",
        "16015",
        "211600150",
        "FR-RCS-211600150",
    )
    s = coll["foreign/mli/segou"]
    assert (s["side"], s["name"], s["country_code"], s["country_code3"], s["country"]) == (
        "foreign",
        "Ségou",
        "ML",
        "MLI",
        "Mali",
    )
    links = read(seed_tables, "partnership_collectivites")
    assert sorted((x["collectivite_id"], x["side"]) for x in links) == sorted((k, v["side"]) for k, v in coll.items())

    funders = {f["funder_id"]: f for f in read(seed_tables, "funders")}
    assert len(funders) == 9
    assert funders["commune/16015"]["collectivite_id"] == "commune/16015"
    assert funders["org/agence-de-l-eau-adour-garonne"]["total_eur"] == "57600"

    themes = read(seed_tables, "partnership_themes")
    assert [(t["position"], t["main"], t["theme"], t["priority"]) for t in themes] == [
        ("0", "true", "Gouvernance locale et appui institutionnel", ""),
        ("1", "false", "Eau et déchets", "1"),
        ("2", "false", "Jeunesse & genre", "2"),
        ("3", "false", "Santé", "3"),
        ("4", "false", "Infrastructures, équipements et manifestations culturelles", "4"),
    ]
    assert themes[0]["theme_level1"] == "Politique, humanitaire et coopération transfrontalière"
    assert themes[0]["dac_codes"] == "15112" and themes[3]["dac_codes"] == "121 122"

    sdg = [(x["sdg_code"], x["level"], x["goal"]) for x in read(seed_tables, "partnership_sdg_targets")]
    assert sdg == [
        ("3", "goal", "3"),
        ("5", "goal", "5"),
        ("6", "goal", "6"),
        ("11", "goal", "11"),
        ("3.7", "target", "3"),
        ("3.9", "target", "3"),
        ("5.3", "target", "5"),
        ("6.3", "target", "6"),
        ("11.6", "target", "11"),
    ]


def _totals_match_queries(c: CLI, folder) -> None:
    r = c("query", "funders-ranking", "--format", "json")
    assert r.code == 0, r.err
    ranking = {
        b["funder"]["value"]: (
            int(b["partnerships"]["value"]),
            int(b["fundingRows"]["value"]),
            Decimal(b["totalEUR"]["value"]),
        )
        for b in r.json["results"]["bindings"]
    }
    funders = {
        f["iri"]: (int(f["partnerships"]), int(f["funding_rows"]), Decimal(f["total_eur"]))
        for f in read(folder, "funders")
    }
    assert funders == ranking
    r = c("query", "funding-by-year", "--format", "json")
    by_year = {
        b["year"]["value"]: (Decimal(b["totalEUR"]["value"]), Decimal(b["onePercentEUR"]["value"]))
        for b in r.json["results"]["bindings"]
    }
    mine: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for f in read(folder, "fundings"):
        if f["year"]:
            mine[f["year"]][0] += Decimal(f["amount_eur"] or 0)
            mine[f["year"]][1] += sum(Decimal(f[f"one_percent_{i}_eur"] or 0) for i in (1, 2, 3))
    assert {k: tuple(v) for k, v in mine.items()} == by_year


def test_totals_equal_saved_queries(seed_cli, seed_tables):
    _totals_match_queries(seed_cli, seed_tables)


def test_xlsx_workbook(seed_tables):
    from openpyxl import load_workbook

    wb = load_workbook(seed_tables / "coopgraph-tables.xlsx", read_only=True)
    assert wb.sheetnames == ["lisez-moi", *TABLES]
    rows = list(wb["fundings"].iter_rows(values_only=True))
    assert rows[0][:7] == ("funding_id", "iri", "partnership_id", "row", "funder_id", "year", "amount_eur")
    assert len(rows) == 16 and sum(r[6] for r in rows[1:]) == 137988  # numbers, not text


def test_geonames_and_points_when_linked(cli, tmp_path):
    """Another stage links foreign partners to GeoNames (skos:exactMatch) with WGS84 points:
    the columns fill as soon as the links are in the store."""
    assert cli("ingest", SEED).code == 0
    r = cli(
        "sparql",
        "--allow-update",
        """
        PREFIX geo: <http://www.w3.org/2003/01/geo/wgs84_pos#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
        INSERT DATA { GRAPH <https://w3id.org/coopgraph/graph/links> {
          <https://w3id.org/coopgraph/id/foreign/mli/segou> skos:exactMatch <https://sws.geonames.org/2451185/> ;
              geo:lat "13.4317"^^xsd:decimal ; geo:long "-6.2157"^^xsd:decimal .
          <https://w3id.org/coopgraph/id/commune/16015> owl:sameAs <http://www.wikidata.org/entity/Q6524> } }""",
    )
    assert r.code == 0, r.err
    out = tmp_path / "t"
    assert cli("export", "tables", "-o", out).code == 0
    coll = {c["collectivite_id"]: c for c in read(out, "collectivites")}
    s = coll["foreign/mli/segou"]
    assert (s["geonames_id"], s["latitude"], s["longitude"]) == ("2451185", "13.4317", "-6.2157")
    assert coll["commune/16015"]["wikidata_id"] == "Q6524"
    assert coll["foreign/mli/intercommunalite-balanzan"]["geonames_id"] == ""
    assert validate(str(out / "datapackage.json")).valid


def test_synthetic_corpus(tmp_path):
    pages = tmp_path / "pages"
    subprocess.run(
        [
            sys.executable,
            str(REPO / "benchmarks" / "synth.py"),
            "--partnerships",
            "80",
            "--seed",
            "11",
            "--out",
            str(pages),
        ],
        check=True,
        capture_output=True,
    )
    c = CLI(tmp_path / "store")
    assert c("ingest", "--no-validate", pages, SEED).code == 0
    out = tmp_path / "tables"
    r = c("export", "tables", "-o", out)
    assert r.code == 0, r.err
    report = validate(str(out / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    ps = read(out, "partnerships")
    assert len(ps) == 81 and sum(p["synthetic"] == "true" for p in ps) == 80
    assert "synthetic pages" in (out / "datapackage.json").read_text(encoding="utf-8")
    _totals_match_queries(c, out)
    totals = defaultdict(Decimal)
    for f in read(out, "fundings"):
        totals[f["partnership_id"]] += Decimal(f["amount_eur"] or 0)
    assert all(Decimal(p["total_eur"]) == totals[p["partnership_id"]] for p in ps)
    r = c("stats", "--format", "json")
    stats = {k: v["value"] for k, v in r.json["results"]["bindings"][0].items()}
    assert sum(Decimal(p["total_eur"]) for p in ps) == Decimal(stats["totalEUR"])
    assert len(read(out, "fundings")) == int(stats["fundingRows"])


def test_bad_output_and_missing_store(seed_cli, cli, tmp_path):
    a_file = tmp_path / "plain-file"
    a_file.write_text("x")
    r = seed_cli("export", "tables", "-o", a_file)
    assert r.code == 2 and "file" in r.err
    r = seed_cli("export", "tables", "-o", a_file / "sub")
    assert r.code == 2 and "cannot write" in r.err
    r = cli("export", "tables", "-o", tmp_path / "t")
    assert r.code == 2 and "no store" in r.err


def test_python_api(seed_cli, tmp_path):
    import coopgraph

    with coopgraph.open(seed_cli.store, read_only=True) as atlas:
        result = atlas.export_tables(tmp_path / "api")
    assert result.rows["fundings"] == 15 and (tmp_path / "api" / "datapackage.json").exists()

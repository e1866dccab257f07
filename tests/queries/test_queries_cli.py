"""`coopgraph query`: listing, running, formats, parameters bound as RDF terms, clear errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import CLI, PAGES, SEED

NAMES = [
    "sanitation-cofunders",
    "partnerships-by-country",
    "partners-of",
    "funders-ranking",
    "funding-by-year",
    "sdg-coverage",
    "themes-by-country",
    "one-percent-funding",
    "stale-status",
]


@pytest.fixture(scope="module")
def rich(tmp_path_factory) -> CLI:
    """The real page and the hand-written fixture pages: six countries. Tests must not change it."""
    c = CLI(tmp_path_factory.mktemp("rich") / "store")
    r = c("ingest", SEED, *sorted(PAGES.glob("fixture-*.txt")))
    assert r.code == 0, r.err
    return c


def csv_rows(out: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(out)))


def test_list_names_summaries_and_parameters(seed_cli):
    r = seed_cli("query", "--list")
    assert r.code == 0, r.err
    for name in NAMES:
        assert name in r.out
    assert "country=Mali" in r.out and "[year]" in r.out and "collectivite=" in r.out
    assert "Funders that co-finance water and sanitation" in r.out


def test_sanitation_cofunders_on_the_real_page(seed_cli):
    r = seed_cli("query", "sanitation-cofunders", "-p", "country=Mali", "--format", "csv")
    assert r.code == 0, r.err
    assert r.out.splitlines()[0] == "funder,funderLabel,partnerships,totalEUR"
    rows = csv_rows(r.out)
    assert len(rows) == 9
    by_label = {row["funderLabel"]: row for row in rows}
    meae = by_label["Ministère de l'Europe et des Affaires étrangères"]
    assert float(meae["totalEUR"]) == 37688 and meae["partnerships"] == "1"
    # Only the "Montant en euros" column: Angoulême's "1%" amounts (4165, 0, 2890 a year) are not added.
    assert float(by_label["Angoulême"]["totalEUR"]) == 9000
    assert sum(float(row["totalEUR"]) for row in rows) == 137988
    totals = [float(row["totalEUR"]) for row in rows]
    assert totals == sorted(totals, reverse=True)


@pytest.mark.parametrize("spelling", ["mali", "MALI", "ML", "mli", "  Mali "])
def test_country_spellings_give_identical_output(seed_cli, spelling):
    ref = seed_cli("query", "sanitation-cofunders", "-p", "country=Mali", "--format", "csv").out
    r = seed_cli("query", "sanitation-cofunders", "-p", f"country={spelling}", "--format", "csv")
    assert r.code == 0, r.err
    assert r.out == ref


def test_country_french_english_accents_codes(rich):
    outs = {
        v: rich("query", "partnerships-by-country", "-p", f"country={v}", "--format", "csv")
        for v in ["Sénégal", "senegal", "Senegal", "SN", "SEN"]
    }
    assert all(r.code == 0 for r in outs.values()), [r.err for r in outs.values()]
    assert len({r.out for r in outs.values()}) == 1
    rows = csv_rows(outs["SN"].out)
    assert len(rows) == 1 and "Dakar" in rows[0]["title"]
    viet = rich("query", "partnerships-by-country", "-p", "country=Vietnam", "--format", "csv")
    assert viet.code == 0 and len(csv_rows(viet.out)) == 1


def test_unknown_country_is_a_clear_usage_error(seed_cli):
    r = seed_cli("query", "sanitation-cofunders", "-p", "country=Malli")
    assert r.code == 2
    assert "unknown country 'Malli'" in r.err and "Mali" in r.err
    assert r.out == ""


@pytest.mark.parametrize(
    "value", ['Mali" } #', "Mali } UNION { ?s ?p ?o }", "<http://x> # Mali", 'ML"@fr', "Mali\n} #"]
)
def test_hostile_country_values_change_nothing(seed_cli, value):
    """Either the value reads as a country name (punctuation is ignored, as in "Mali (Ségou)") and the
    answer is exactly Mali's, or it is refused; the query itself never changes."""
    mali = seed_cli("query", "sanitation-cofunders", "-p", "country=Mali", "--format", "csv").out
    r = seed_cli("query", "sanitation-cofunders", "-p", f"country={value}", "--format", "csv")
    if r.code == 0:
        assert r.out == mali
    else:
        assert r.code == 2 and "unknown country" in r.err and r.out == ""


@pytest.mark.parametrize("value", ['" ) || true || ("', 'x" } ?s ?p ?o . #', "} } #", "\\\" '''", "\n}\n#"])
def test_hostile_text_is_a_literal(seed_cli, value):
    """A string parameter holding quotes, braces or # stays one literal: no match, no error."""
    r = seed_cli("query", "search-partnerships", "-p", f"text={value}", "--format", "json")
    assert r.code == 0, r.err
    assert r.json["results"]["bindings"] == []
    shown = seed_cli("query", "search-partnerships", "-p", f"text={value}", "--show")
    assert shown.code == 0, shown.err
    values_line = [line for line in shown.out.splitlines() if line.strip().startswith("VALUES ?text")]
    assert len(values_line) == 1


def test_text_parameter_matches_case_insensitively(seed_cli):
    r = seed_cli("query", "search-partnerships", "-p", "text=SÉGOU", "--format", "csv")
    assert r.code == 0, r.err
    assert len(csv_rows(r.out)) == 1


def test_formats(seed_cli):
    tsv = seed_cli("query", "funding-by-year", "--format", "tsv")
    assert tsv.code == 0 and tsv.out.splitlines()[0] == "year\tpartnerships\tfundingRows\ttotalEUR\tonePercentEUR"
    assert tsv.out.splitlines()[1:] == ["2020\t1\t8\t37144\t7055", "2021\t1\t7\t100844\t7055"]
    js = seed_cli("query", "funding-by-year", "--format", "json")
    data = json.loads(js.out)
    assert data["head"]["vars"][0] == "year"
    first = data["results"]["bindings"][0]
    assert first["year"] == {"type": "literal", "value": "2020", "datatype": "http://www.w3.org/2001/XMLSchema#gYear"}
    table = seed_cli("query", "funding-by-year")
    assert "(2 rows)" in table.out


def test_show_prints_the_query_with_its_parameters(seed_cli):
    r = seed_cli("query", "sanitation-cofunders", "--show", "-p", "country=Sénégal")
    assert r.code == 0, r.err
    assert "country (country) = Sénégal" in r.out
    assert "VALUES ?country { <http://publications.europa.eu/resource/authority/country/SEN> }" in r.out
    plain = seed_cli("query", "sanitation-cofunders", "--show")
    assert "#+ summary:" in plain.out and "country/MLI" in plain.out


def test_partners_of_by_name_code_or_siren(seed_cli):
    outs = [
        seed_cli("query", "partners-of", "-p", f"collectivite={v}", "--format", "csv")
        for v in ["Angoulême", "angouleme", "ANGOULÊME", "16015", "211600150"]
    ]
    assert all(r.code == 0 for r in outs), [r.err for r in outs]
    assert len({r.out for r in outs}) == 1
    rows = csv_rows(outs[0].out)
    assert {r["partnerLabel"] for r in rows} == {
        "Ségou",
        "Intercommunalité Balanzan",
        "Communauté d'agglomération du Grand Angoulême",
    }
    assert {r["countryLabel"] for r in rows if r["side"] == "foreign"} == {"Mali"}
    epci = seed_cli("query", "partners-of", "-p", "collectivite=CA du Grand Angoulême", "--format", "csv")
    assert {r["partnerLabel"] for r in csv_rows(epci.out)} >= {"Angoulême"}


def test_partners_of_unknown_collectivite(seed_cli):
    r = seed_cli("query", "partners-of", "-p", "collectivite=Angoulem")
    assert r.code == 2 and "closest known names: Angoulême" in r.err
    r = seed_cli("query", "partners-of", "-p", "collectivite=99999")
    assert r.code == 2 and "INSEE code" in r.err
    r = seed_cli("query", "partners-of", "-p", 'collectivite=Angoul" } UNION { ?p ?x ?partner } #')
    assert r.code == 2 and "no French collectivité named" in r.err and r.out == ""


def test_optional_parameters(rich):
    every = csv_rows(rich("query", "funders-ranking", "--format", "csv").out)
    mali = csv_rows(rich("query", "funders-ranking", "-p", "country=Mali", "--format", "csv").out)
    y2021 = csv_rows(rich("query", "funders-ranking", "-p", "country=Mali", "-p", "year=2021", "--format", "csv").out)
    assert len(every) > len(mali) > 0 and 0 < len(y2021) <= len(mali)
    meae = next(r for r in y2021 if r["funderLabel"].startswith("Ministère de l'Europe"))
    assert float(meae["totalEUR"]) == 18844 + 12000  # Angoulême–Ségou and Montreuil's Mali partnership
    bad = rich("query", "funders-ranking", "-p", "year=twenty")
    assert bad.code == 2 and "expected a year" in bad.err


def test_stale_status(rich):
    today = csv_rows(rich("query", "stale-status", "--format", "csv").out)
    assert any("Angoulême" in r["title"] for r in today)
    assert all("Lille" not in r["title"] for r in today)  # "Terminé": not stale
    before = csv_rows(rich("query", "stale-status", "-p", "asOf=2021-12-31", "--format", "csv").out)
    assert before == []  # the end date itself is not past
    r = rich("query", "stale-status", "-p", "asOf=2021-02-30")
    assert r.code == 2 and "YYYY-MM-DD" in r.err


def test_sdg_and_themes_and_one_percent(rich):
    sdg = csv_rows(rich("query", "sdg-coverage", "--format", "csv").out)
    codes = [r["code"] for r in sdg]
    assert codes.index("6") < codes.index("6.2") < codes.index("6.3") < codes.index("11")
    themes = csv_rows(rich("query", "themes-by-country", "-p", "country=SEN", "--format", "csv").out)
    assert {r["themeLabel"] for r in themes} >= {"Assainissement"}
    one = csv_rows(rich("query", "one-percent-funding", "--format", "csv").out)
    lille = [r for r in one if r["funderLabel"] == "Ville de Lille"]
    assert [
        (r["year"], float(r["onePercent1"]), float(r["onePercent3"]), float(r["onePercentEUR"])) for r in lille
    ] == [("2017", 10000, 5000, 15000)]


def test_sanitation_follows_the_theme_hierarchy_and_sdg_targets(rich):
    # Dakar: main theme "Assainissement" (under "Eau et déchets") and target 6.2; 4 distinct funders.
    rows = csv_rows(rich("query", "sanitation-cofunders", "-p", "country=Sénégal", "--format", "csv").out)
    assert len(rows) == 5
    assert sum(float(r["totalEUR"]) for r in rows) == 142000.5


def test_usage_errors(seed_cli):
    r = seed_cli("query", "sanitation-cofunder")
    assert r.code == 2 and "sanitation-cofunders" in r.err
    r = seed_cli("query", "sanitation-cofunders", "-p", "pays=Mali")
    assert r.code == 2 and "no parameter 'pays'" in r.err and "country" in r.err
    r = seed_cli("query", "sanitation-cofunders", "-p", "Mali")
    assert r.code == 2 and "key=value" in r.err
    r = seed_cli("query")
    assert r.code == 2 and "--list" in r.err


def test_sparql_update_refused_unless_allowed(cli):
    assert cli("ingest", SEED).code == 0
    r = cli("sparql", "INSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert r.code == 2 and "--allow-update" in r.err
    assert cli("sparql", "ASK { <urn:a> ?p ?o }").out.strip() == "false"
    r = cli("sparql", "INSERT DATA { <urn:a> <urn:b> <urn:c> }", "--allow-update")
    assert r.code == 0, r.err

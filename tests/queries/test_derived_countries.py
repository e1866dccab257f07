"""cg:inCountry, written at ingest, is cg:foreignPartner/cg:country with each country once: the
saved queries ask "in Mali" with one triple pattern and never count a partnership twice for two
partners in the same country (the real page has two, Ségou and Balanzan). It lives in the
partnership's graph, replaced with it (a partner's country is part of the partnership's key)."""

from __future__ import annotations

from conftest import PAGES, SEED

PATH = (
    "SELECT DISTINCT ?p ?c WHERE { ?p a <https://w3id.org/coopgraph/ontology#Partnership> ; "
    "<https://w3id.org/coopgraph/ontology#foreignPartner>/<https://w3id.org/coopgraph/ontology#country> ?c }"
)
DERIVED = "SELECT ?p ?c WHERE { ?p <https://w3id.org/coopgraph/ontology#inCountry> ?c }"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"


def pairs(cli, query: str) -> list[tuple[str, str]]:
    return sorted((r["p"], r["c"]) for r in cli.rows(query))


def saved(cli, name: str, *params: str) -> list[dict]:
    args = [a for p in params for a in ("-p", p)]
    r = cli("query", name, *args, "--format", "json")
    assert r.code == 0, r.err
    return [{k: v["value"] for k, v in b.items()} for b in r.json["results"]["bindings"]]


def test_in_country_is_the_partners_countries_each_once(cli):
    assert cli("ingest", SEED, *sorted(PAGES.glob("fixture-*.txt"))).code == 0
    derived = pairs(cli, DERIVED)
    assert len(derived) == len(set(derived)) > 5  # a list of rows: no pair twice
    assert derived == pairs(cli, PATH)


def test_a_partnership_with_two_partners_in_a_country_counts_once(cli):
    text = SEED.read_text(encoding="utf-8")
    assert "Ségou | Mali |" in text and "Intercommunalité Balanzan | Mali |" in text
    assert cli("ingest", SEED).code == 0
    # one page: the country's answers are the whole graph's, not twice its amounts
    assert saved(cli, "funders-ranking", "country=Mali") == saved(cli, "funders-ranking")
    assert saved(cli, "funding-by-year", "country=Mali") == saved(cli, "funding-by-year")
    assert saved(cli, "sdg-coverage", "country=ML") == saved(cli, "sdg-coverage")
    assert [r["partnerships"] for r in saved(cli, "countries")] == ["1"]


def test_a_partnership_with_partners_in_two_countries_is_in_both(cli, tmp_path):
    page = tmp_path / "segou.txt"
    text = SEED.read_text(encoding="utf-8")
    page.write_text(
        text.replace("Intercommunalité Balanzan | Mali |", "Intercommunalité Balanzan | Burkina Faso |"),
        encoding="utf-8",
    )
    assert cli("ingest", page).code == 0
    derived = pairs(cli, DERIVED)
    assert {c for _, c in derived} == {COUNTRY + "MLI", COUNTRY + "BFA"}
    assert derived == pairs(cli, PATH)
    burkina = saved(cli, "funding-by-year", "country=Burkina Faso")
    assert burkina == saved(cli, "funding-by-year", "country=Mali") == saved(cli, "funding-by-year") != []
    assert sorted(r["partnerships"] for r in saved(cli, "countries")) == ["1", "1"]

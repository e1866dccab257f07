"""cg:inTheme, written at ingest, is the closure of dcterms:subject over skos:broader: the saved
queries may ask "under Eau et déchets, at any level" with one triple pattern, and get what the
property path would give. It lives in the partnership's graph, so a re-ingest replaces it."""

from __future__ import annotations

from conftest import PAGES, SEED

CLOSURE = (
    "SELECT DISTINCT ?p ?t WHERE { ?p a <https://w3id.org/coopgraph/ontology#Partnership> ; "
    "<http://purl.org/dc/terms/subject>/<http://www.w3.org/2004/02/skos/core#broader>* ?t }"
)
DERIVED = "SELECT DISTINCT ?p ?t WHERE { ?p <https://w3id.org/coopgraph/ontology#inTheme> ?t }"
EAU = "https://w3id.org/coopgraph/id/theme/environnement-climat-et-energie/eau-et-dechets"


def pairs(cli, query: str) -> set[tuple[str, str]]:
    return {(r["p"], r["t"]) for r in cli.rows(query)}


def test_in_theme_is_the_closure_of_the_themes(cli):
    # fixture-new-values names themes outside the curated scheme (provisional concepts)
    assert cli("ingest", SEED, *sorted(PAGES.glob("fixture-*.txt"))).code == 0
    derived = pairs(cli, DERIVED)
    assert len(derived) > 20
    assert derived == pairs(cli, CLOSURE)


def test_a_re_ingested_page_replaces_its_closure(cli, tmp_path):
    page = tmp_path / "segou.txt"
    text = SEED.read_text(encoding="utf-8")
    row = "Environnement, Climat et Energie | Eau et déchets | 1 | |\n"
    assert row in text
    page.write_text(text, encoding="utf-8")
    assert cli("ingest", page).code == 0
    assert any(t == EAU for _, t in pairs(cli, DERIVED))
    page.write_text(text.replace(row, ""), encoding="utf-8")
    assert cli("ingest", page).code == 0
    derived = pairs(cli, DERIVED)
    assert derived == pairs(cli, CLOSURE)
    assert all(t != EAU for _, t in derived)

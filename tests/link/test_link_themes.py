"""The theme → DAC / SDG mapping table (coopgraph/link/themes.py) and what build_schemes wrote from it."""

import pyoxigraph

from coopgraph import resources
from coopgraph.link import sdg, sectors, themes
from coopgraph.rdf import iris

SKOS = "http://www.w3.org/2004/02/skos/core#"


def _themes_graph():
    return list(
        pyoxigraph.parse(resources.ontology_file("themes.ttl").read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)
    )


def test_every_mapping_points_at_an_existing_code():
    ms = themes.mappings()
    assert len(ms) > 30
    for m in ms:
        assert m.relation in ("closeMatch", "relatedMatch")
        if m.scheme == "dac":
            assert sectors.dac_sector(m.code) or sectors.dac_category(m.code), m
            assert m.code not in sectors.withdrawn(), m
        else:
            assert m.scheme == "sdg" and sdg.goal_exists(m.code), m
            assert m.relation == "relatedMatch"  # a theme serves a goal; it is never the goal


def test_the_shipped_scheme_holds_exactly_the_table():
    concepts = {t.subject.value for t in _themes_graph() if t.object.value == SKOS + "Concept"}
    written = {
        (t.subject.value, t.predicate.value.removeprefix(SKOS), t.object.value)
        for t in _themes_graph()
        if t.predicate.value in (SKOS + "closeMatch", SKOS + "relatedMatch")
    }
    expected = {
        (iris.theme(m.theme), m.relation, iris.dac_sector(m.code) if m.scheme == "dac" else iris.sdg(m.code))
        for m in themes.mappings()
    }
    assert written == expected  # run scripts/build_schemes.py after editing the table
    assert {s for s, _r, _o in written} <= concepts


def test_water_and_sanitation():
    by = {(m.theme[-1], m.scheme, m.code): m.relation for m in themes.mappings()}
    assert by[("Assainissement", "dac", "14032")] == "closeMatch"
    assert by[("Eau potable", "dac", "14031")] == "closeMatch"
    assert by[("Eau et déchets", "sdg", "6")] == "relatedMatch"
    assert not any(m.theme[-1] == "Coopération transfrontalière" for m in themes.mappings())  # no clear match

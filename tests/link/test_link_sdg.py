"""SDG goals and targets from the UN SDG KOS shipped in the package."""

import pyoxigraph
import rdflib

from coopgraph.link import sdg
from coopgraph.link.sectors import all_sectors, dac_sector


def test_targets_and_goals():
    assert sdg.target_exists("6.3")
    assert not sdg.target_exists("6.9")
    assert sdg.target_exists("6.a") and sdg.target_exists("6.A") and sdg.target_exists("06.03")
    assert sdg.goal_exists("6") and sdg.goal_exists("17")
    assert not sdg.goal_exists("18") and not sdg.goal_exists("6.3") and not sdg.target_exists("6")
    assert not sdg.target_exists("cible") and not sdg.goal_exists("")


def test_iris_and_labels():
    assert sdg.sdg_iri("6.3") == "http://metadata.un.org/sdg/6.3"
    assert sdg.sdg_iri("6") == sdg.SDG_BASE + "6"
    labels = sdg.labels("6.3")
    assert labels["fr"].startswith("D’ici à 2030, améliorer la qualité de l’eau")
    assert labels["en"].startswith("By 2030, improve water quality")
    try:
        sdg.sdg_iri("6.9")
    except ValueError:
        pass
    else:
        raise AssertionError("6.9 does not exist")


def test_shipped_turtle_is_goals_and_targets_only():
    path = sdg.sdg_kos_path()
    g = rdflib.Graph().parse(data=path.read_text(encoding="utf-8"), format="turtle")
    sdgo = rdflib.Namespace("http://metadata.un.org/sdg/ontology#")
    goals = set(g.subjects(rdflib.RDF.type, sdgo.Goal))
    targets = set(g.subjects(rdflib.RDF.type, sdgo.Target))
    assert len(goals) == 17 and len(targets) == 169
    assert not set(g.subjects(rdflib.RDF.type, sdgo.Indicator))
    t63 = rdflib.URIRef(sdg.SDG_BASE + "6.3")
    assert (t63, rdflib.SKOS.broader, rdflib.URIRef(sdg.SDG_BASE + "6")) in g
    assert (rdflib.URIRef(sdg.SDG_BASE + "6"), rdflib.SKOS.narrower, t63) in g
    # The line-oriented reader in sdg.py agrees with a real parser on every label.
    for s in goals | targets:
        code = str(s)[len(sdg.SDG_BASE) :]
        for lit in g.objects(s, rdflib.SKOS.prefLabel):
            assert sdg.labels(code)[lit.language] == str(lit)
    # pyoxigraph (the store) reads it too.
    store = pyoxigraph.Store()
    store.load(path.read_bytes(), format=pyoxigraph.RdfFormat.TURTLE)
    assert len(store) == len(g)


def test_dac_sectors():
    code, en, fr = dac_sector("14030")
    assert code == "14030" and en.startswith("Basic drinking water") and fr
    assert dac_sector(14032)[1] == "Basic sanitation"
    assert dac_sector("99999") is None
    assert len(all_sectors()) > 300

"""Each disk plan (src/coopgraph/disk_plans/) gives its saved query's rows, with and without
parameters: the engine may run either on the disk, and the answer must not depend on which."""

from __future__ import annotations

import pytest

import coopgraph
from coopgraph import engine, queries, results

from conftest import CLI, PAGES, SEED

PLANS = [n for n in queries.load_all() if engine.disk_plan(n) is not None]
PARAMS = {"country": ["Mali", "Sénégal", "VNM", "Burkina Faso"], "year": ["2021", "2019"], "asOf": ["2024-01-01"]}


@pytest.fixture(scope="module")
def atlas(tmp_path_factory):
    cli = CLI(tmp_path_factory.mktemp("plans") / "store")
    assert cli("ingest", SEED, *sorted(PAGES.glob("fixture-*.txt"))).code == 0
    with coopgraph.open(cli.store, read_only=True, memory=False) as a:
        yield a


def cases(name: str) -> list[dict[str, str]]:
    out: list[dict[str, str]] = [{}]
    params = queries.get(name).params
    for p in params:
        out += [{p: v} for v in PARAMS.get(p, [])]
    if len(params) > 1:
        out.append({p: PARAMS[p][0] for p in params if p in PARAMS})
    return out


def test_the_plans_that_matter_exist():
    assert {"sanitation-cofunders", "funders-ranking", "funding-by-year", "stats"} <= set(PLANS)


@pytest.mark.parametrize("name", PLANS)
def test_a_disk_plan_gives_its_saved_querys_rows(atlas, name):
    store = atlas.store
    lookup = coopgraph.api._StoreLookup(store)
    for given in cases(name):
        plain = queries.bind(queries.get(name), given, lookup)
        plan = queries.bind(engine.disk_plan(name), given, lookup)
        assert plan != plain
        expected = results.from_oxigraph(store.query(plain)).rows
        assert results.from_oxigraph(store.query(plan)).rows == expected, (name, given)
        assert expected or name == "one-percent-funding", (name, given)
        # and what the engine answers on the disk is that
        assert engine.select(store, plain, name, cache=None, given=given, lookup=lookup).rows == expected

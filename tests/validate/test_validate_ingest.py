"""`coopgraph ingest` validates each page before storing it: violations keep it out, named with
their reasons; the other pages load; nothing is lost silently."""

from __future__ import annotations

from conftest import PAGES, SEED

TITLE = "Coopération décentralisée Angoulême – Ségou 2020-2021"


def _count(cli) -> int:
    return int(
        cli.rows("SELECT (COUNT(*) AS ?n) WHERE { ?p a <https://w3id.org/coopgraph/ontology#Partnership> }")[0]["n"]
    )


def test_validate_ingest_bad_fixture_pages_named_and_rest_loads(cli):
    r = cli("ingest", PAGES)
    assert r.code == 1
    for name, reason in (
        ("bad-amount-nc.txt", "'N/C' is not a number"),
        ("bad-impossible-date.txt", "'31/02/2021' is not a real date"),
        ("bad-missing-country.txt", "has no country"),
    ):
        lines = [x for x in r.err.splitlines() if name in x and "error" in x]
        assert lines and any(reason in x for x in lines), (name, r.err)
    not_loaded = [x for x in r.err.splitlines() if x.startswith("Not loaded:")][0]
    assert "bad-amount-nc.txt" in not_loaded and "fixture-" not in not_loaded
    good = sorted(p.name for p in PAGES.glob("fixture-*.txt"))
    assert _count(cli) == len(good)
    # new values are kept and flagged by the shapes, never rejected
    assert "fixture-new-values.txt: warning: SHACL warning: cg:status" in r.err


def test_validate_ingest_rejects_a_page_that_breaks_a_shape(cli, tmp_path):
    text = SEED.read_text(encoding="utf-8")
    bad = tmp_path / "start-1920.txt"
    bad.write_text(
        text.replace(TITLE, "Variante 1920").replace(
            "Année de début du partenariat\n2020", "Année de début du partenariat\n1920"
        ),
        encoding="utf-8",
    )
    r = cli("ingest", bad, SEED)
    assert r.code == 1
    err = [x for x in r.err.splitlines() if "start-1920.txt" in x and "error" in x]
    assert any("SHACL violation" in x and "cg:startYear" in x and "1950 and 2100" in x for x in err), r.err
    assert "Not loaded: " in r.err and "start-1920.txt" in r.err.splitlines()[-1]
    assert _count(cli) == 1  # the real page loaded
    # the real page's own warning is reported, not fatal
    assert "SHACL warning: schema:endDate" in r.err
    r = cli("ingest", "--no-validate", bad)
    assert r.code == 0 and _count(cli) == 2

"""The server in headless Chromium (Debian's): home, a partnership, a collectivité, the query
editor running a query, search; links followed, screenshots kept, no console error anywhere.

Screenshots go to $COOPGRAPH_TEST_ARTIFACTS/serve-browser (default: tests/artifacts/serve-browser)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from cdp import Browser, chromium
from conftest import CLI, SEED, TESTS_DIR
from serving import Server

OUT = Path(os.environ.get("COOPGRAPH_TEST_ARTIFACTS") or TESTS_DIR / "artifacts") / "serve-browser"
PATH = "/id/partnership/307acb298e1fad1f"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if chromium() is None:
        pytest.fail("chromium is not installed: run .ci/install-system-deps.sh", pytrace=False)
    cli = CLI(tmp_path_factory.mktemp("browser") / "store")
    assert cli("ingest", SEED).code == 0
    server = Server(cli.store, tmp_path_factory.mktemp("log") / "serve.log")
    browser = Browser(tmp_path_factory.mktemp("profile"))
    yield server, browser
    browser.close()
    server.stop()


def shot(browser: Browser, name: str) -> None:
    data = browser.screenshot(OUT / f"{name}.png")
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def text(browser: Browser, selector: str) -> str:
    return browser.eval(f"(document.querySelector({json.dumps(selector)}) || {{}}).textContent || ''")


def test_home_then_a_funder(site):
    server, b = site
    b.goto(server.base + "/")
    assert text(b, "h1") == "Atlas français de la coopération décentralisée"
    assert text(b, "#fig-funders strong") == "9"
    shot(b, "home")
    b.eval("document.querySelector('#funders a').click()")
    b.wait_for("location.pathname.startsWith('/id/') && document.readyState === 'complete'")
    assert b.eval("location.pathname") == "/id/org/agence-de-l-eau-adour-garonne"
    assert text(b, "h1") == "Agence de l'Eau Adour Garonne"
    assert "Ségou" in text(b, "#gifts")
    assert b.errors() == []


def test_partnership_page_then_its_collectivite(site):
    server, b = site
    b.goto(server.base + PATH)
    assert text(b, "h1") == "Coopération décentralisée Angoulême – Ségou 2020-2021"
    assert b.eval("document.querySelectorAll('tr.funding').length") == 15
    shot(b, "partnership")
    b.eval("[...document.querySelectorAll('#properties a')].find(a => a.textContent === 'Angoulême').click()")
    b.wait_for("location.pathname === '/id/commune/16015' && document.readyState === 'complete'")
    assert text(b, "h1") == "Angoulême"
    assert "Coopération décentralisée Angoulême – Ségou 2020-2021" in text(b, "#inbound")
    shot(b, "collectivite")
    assert b.errors() == []


def test_query_editor_runs_a_query_and_shows_rows(site):
    server, b = site
    b.goto(server.base + "/sparql")
    b.wait_for("!!document.querySelector('.yasqe .CodeMirror') && !!window.coopgraphYasgui")
    assert "PREFIX cg:" in b.eval("coopgraphYasgui.getTab().getYasqe().getValue()")
    # a saved query from the examples opens in a tab of its own, then runs
    b.eval("document.querySelector('a.example[data-name=\"sanitation-cofunders\"]').click()")
    b.wait_for("coopgraphYasgui.getTab().getYasqe().getValue().includes('schema:fundedItem')")
    b.eval("coopgraphYasgui.getTab().getYasqe().query()")
    b.wait_for("document.querySelectorAll('.yasr tbody tr').length > 0", timeout=60)
    rows = b.eval("[...document.querySelectorAll('.yasr tbody tr')].map(tr => tr.textContent)")
    assert len(rows) == 9 and any("Ministère de l'Europe" in r for r in rows)
    shot(b, "sparql-editor")
    assert b.errors() == []


def test_search_from_the_home_page(site):
    server, b = site
    b.goto(server.base + "/")
    b.eval(
        "document.querySelector('#home-search input[name=q]').value = 'ségou'; document.querySelector('#home-search').submit()"
    )
    b.wait_for("location.pathname === '/search' && document.readyState === 'complete'")
    b.wait_for("!!document.querySelector('#results a')")
    shot(b, "search")
    b.eval(f"document.querySelector('#results a[href=\"{PATH}\"]').click()")
    b.wait_for(f"location.pathname === '{PATH}' && document.readyState === 'complete'")
    assert "Ségou" in text(b, "h1")
    assert b.errors() == []


def test_map_draws_the_partners_and_a_click_opens_the_partners_page(site):
    server, b = site
    b.goto(server.base + "/")
    b.eval("document.querySelector('#map a[href=\"/map\"]').click()")  # from the home page
    b.wait_for("location.pathname === '/map' && document.readyState === 'complete'")
    b.wait_for("document.getElementById('map').getAttribute('data-ready') === 'true'")
    assert b.eval("document.querySelectorAll('path.cg-country[data-a3]').length") > 150  # the world's countries
    # the real page's placed partners: Ségou abroad (Balanzan has no known place), Angoulême and
    # its agglomeration (placed at Angoulême) in the France inset
    assert b.eval("[...document.querySelectorAll('circle.cg-partner')].map(c => c.dataset.id)") == [
        "https://w3id.org/coopgraph/id/foreign/mli/segou"
    ]
    assert sorted(b.eval("[...document.querySelectorAll('circle.cg-french')].map(c => c.dataset.id)")) == [
        "https://w3id.org/coopgraph/id/commune/16015",
        "https://w3id.org/coopgraph/id/epci/200071827",
    ]
    fill = b.eval(
        "Object.fromEntries([...document.querySelectorAll('path.cg-country')]"
        ".filter(p => ['MLI', 'BRA'].includes(p.dataset.a3)).map(p => [p.dataset.a3, p.getAttribute('fill')]))"
    )
    assert fill["MLI"] != "#d7dde6" and fill["BRA"] == "#d7dde6"  # Mali has a partnership, Brazil none
    assert b.eval("document.querySelector('path.cg-country[data-a3=MLI]').dataset.partnerships") == "1"
    assert b.eval("document.getElementById('map').dataset.points") == "1"
    shot(b, "map")
    b.eval("document.querySelector('circle.cg-partner').dispatchEvent(new MouseEvent('click', {bubbles: true}))")
    b.wait_for("location.pathname === '/id/foreign/mli/segou' && document.readyState === 'complete'")
    assert text(b, "h1") == "Ségou"
    assert b.errors() == []

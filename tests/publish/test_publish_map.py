"""The landing page's map in headless Chromium: the real page and the fixture pages, published, then
drawn offline (every host name unresolvable), clicked, filtered, and photographed."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import CLI, PAGES, REPO, SEED
from test_publish_browser import FLAGS, Links, chromium

# Any request that would leave the machine fails, and a failed load is a console error.
OFFLINE = ["--host-resolver-rules=MAP * ~NOTFOUND", "--enable-logging=stderr", "--v=0"]
ARTIFACTS = Path(os.environ.get("COOPGRAPH_TEST_ARTIFACTS", REPO / "tests" / "artifacts"))


def run(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    r = subprocess.run(
        [chromium(), *FLAGS, *OFFLINE, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    console = [line for line in r.stderr.splitlines() if ":CONSOLE" in line]
    assert console == [], console  # no error, no failed load, and nothing else either
    return r


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> tuple[Path, CLI]:
    cli = CLI(tmp_path_factory.mktemp("map") / "store")
    r = cli("ingest", SEED, *sorted(PAGES.glob("fixture-*.txt")))
    assert r.code == 0, r.err
    out = tmp_path_factory.mktemp("map") / "out"
    assert cli("publish", out, "-q").code == 0
    return out, cli


def placed_partners(cli: CLI) -> set[str]:
    rows = cli.rows("""SELECT DISTINCT ?x WHERE { ?p <https://w3id.org/coopgraph/ontology#foreignPartner> ?x .
                       ?x <http://www.w3.org/2003/01/geo/wgs84_pos#lat> ?lat }""")
    return {r["x"] for r in rows}


def with_script(release: Path, name: str, script: str) -> Path:
    """The landing page with one more script at the end (a user's clicks, played by the browser)."""
    html = (release / "index.html").read_text(encoding="utf-8")
    page = release / name
    page.write_text(html.replace("</body>", f"<script>{script}</script>\n</body>"), encoding="utf-8")
    return page


def test_map_draws_countries_one_mark_per_placed_partner_and_colours_mali(release, tmp_path):
    out, cli = release
    dom = run(out / "index.html", tmp_path, "--dump-dom").stdout
    countries = re.findall(r'<path class="cg-country"[^>]*data-a3="([A-Z0-9]*)"[^>]*fill="([^"]+)"', dom)
    assert len(countries) >= 170  # Natural Earth 1:110m: 177 countries
    fill = dict(countries)
    assert fill["MLI"] != "#d7dde6" and fill["BRA"] == "#d7dde6"  # Mali has partnerships, Brazil none
    marks = re.findall(r'<circle class="cg-partner[^"]*" data-index="\d+" data-id="([^"]+)"', dom)
    expected = placed_partners(cli)
    assert len(expected) >= 10 and "https://w3id.org/coopgraph/id/foreign/mli/segou" in expected
    assert sorted(marks) == sorted(expected)  # one mark each, no more
    assert "https://w3id.org/coopgraph/id/foreign/mli/intercommunalite-balanzan" not in marks  # not placed
    french = re.findall(r'<circle class="cg-french[^"]*" data-index="\d+" data-id="([^"]+)"', dom)
    assert "https://w3id.org/coopgraph/id/commune/16015" in french
    m = re.search(r'id="partnership-map"[^>]*data-partnerships="(\d+)" data-points="(\d+)"', dom)
    assert m and int(m.group(2)) == len(expected)
    parser = Links()
    parser.feed(dom)
    assert parser.external_loads == []
    for src in re.findall(r'<script src="([^"]+)"', dom):
        assert (out / src).is_file(), src


def test_click_lists_the_partnerships_and_draws_the_lines(release, tmp_path):
    out, _ = release
    page = with_script(
        out,
        "click.html",
        """
        document.querySelector('circle.cg-partner[data-id$="/foreign/mli/segou"]')
          .dispatchEvent(new MouseEvent("click", {bubbles: true}));
        document.body.setAttribute("data-list-after-foreign", document.getElementById("cg-map-list").textContent);
        document.querySelector('circle.cg-french[data-id$="/region/75"]')
          .dispatchEvent(new MouseEvent("click", {bubbles: true}));""",
    )
    dom = run(page, tmp_path, "--dump-dom").stdout
    first = re.search(r'data-list-after-foreign="([^"]*)"', dom).group(1)
    assert "Ségou (Mali)" in first and "Coopération décentralisée Angoulême – Ségou 2020-2021" in first
    listing = re.search(r'<div class="cg-map-list" id="cg-map-list"[^>]*>(.*?)</div>', dom, re.S).group(1)
    assert "Région Nouvelle-Aquitaine (France)" in listing and "Kayes, Fès-Meknès" in listing
    assert 'href="https://w3id.org/coopgraph/id/partnership/' in listing
    # Nouvelle-Aquitaine's partners on the map: both Kayes, Kayes (Congo), Ifrane, Fès-Meknès (Tabia and the
    # syndicate have no point)
    assert len(re.findall(r'<path class="cg-line"', dom)) == 5


def test_filters_by_country_and_theme(release, tmp_path):
    out, _ = release
    page = with_script(
        out,
        "filter.html",
        """
        var s = document.getElementById("cg-filter-country"); s.value = "HTI";
        s.dispatchEvent(new Event("change"));
        var m = document.getElementById("partnership-map");
        document.body.setAttribute("data-haiti", m.getAttribute("data-partnerships") + "/" + m.getAttribute("data-points"));
        s.value = ""; s.dispatchEvent(new Event("change"));
        var t = document.getElementById("cg-filter-theme");
        t.value = Array.from(t.options).find(o => o.text.startsWith("Politique")).value;
        t.dispatchEvent(new Event("change"));""",
    )
    dom = run(page, tmp_path, "--dump-dom").stdout
    assert 'data-haiti="1/1"' in dom  # Villeurbanne – Jacmel
    m = re.search(r'id="partnership-map"[^>]*data-partnerships="(\d+)" data-points="(\d+)"', dom)
    data = json.loads((out / "map" / "data.js").read_text(encoding="utf-8").split("=", 1)[1].rstrip().rstrip(";"))
    politics = data["themes"].index("Politique, humanitaire et coopération transfrontalière")
    assert int(m.group(1)) == sum(1 for p in data["partnerships"] if p["theme"] == politics) >= 2
    assert 'class="cg-partner' in dom and 'data-id="https://w3id.org/coopgraph/id/foreign/mli/segou"' in dom


def test_render_map_hands_clicks_to_the_server(release, tmp_path):
    """A web server gives renderMap an onClick: the click is handed over with the partner and its
    partnerships, and no list is drawn."""
    out, _ = release
    page = with_script(
        out,
        "onclick.html",
        """
        var el = document.createElement("div"); el.id = "served-map"; document.body.appendChild(el);
        renderMap(el, window.COOPGRAPH_MAP_DATA, {onClick: function (e) {
          document.body.setAttribute("data-clicked", e.kind + "|" + e.partner.id + "|" + e.partnerships.length); }});
        el.querySelector('circle.cg-partner[data-id$="/foreign/mli/segou"]')
          .dispatchEvent(new MouseEvent("click", {bubbles: true}));""",
    )
    dom = run(page, tmp_path, "--dump-dom").stdout
    assert 'data-clicked="foreign|https://w3id.org/coopgraph/id/foreign/mli/segou|1"' in dom


def test_map_screenshot_is_kept(release, tmp_path):
    out, _ = release
    shot = tmp_path / "map.png"
    run(out / "index.html", tmp_path, f"--screenshot={shot}", "--window-size=1100,1500")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, ARTIFACTS / "landing-page-map.png")


def test_map_data_is_json_with_consistent_indexes(release):
    """The core function the web server calls: a JSON-able dict whose indexes point where they say."""
    from coopgraph.publish.mapdata import map_data
    from coopgraph.store import Store

    out, cli = release
    data = json.loads(json.dumps(map_data(Store(cli.store, read_only=True))))
    assert set(data) == {"partnerships", "foreign", "french", "countries", "themes"}
    assert len(data["partnerships"]) == 9
    segou = next(p for p in data["partnerships"] if "Angoulême – Ségou" in p["title"])
    assert sorted(data["foreign"][i]["name"] for i in segou["foreign"]) == ["Intercommunalité Balanzan", "Ségou"]
    assert sorted(data["french"][i]["name"] for i in segou["french"]) == [
        "Angoulême",
        "Communauté d'agglomération du Grand Angoulême",
    ]
    assert data["themes"][segou["theme"]] == "Politique, humanitaire et coopération transfrontalière"
    s = next(f for f in data["foreign"] if f["name"] == "Ségou")
    assert (s["lat"], s["lon"], s["country"], s["placement"]) == (13.4317, -6.2157, "MLI", "place")
    assert data["countries"]["MLI"] == "Mali"
    published = json.loads((out / "map" / "data.js").read_text(encoding="utf-8").split("=", 1)[1].rstrip().rstrip(";"))
    assert published == data

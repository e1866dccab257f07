"""The landing page and the ontology page in a real headless browser (Debian's chromium)."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import CLI

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]


def chromium() -> str:
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        pytest.fail("chromium is not installed: run .ci/install-system-deps.sh", pytrace=False)
    return exe


def browse(page: Path, tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    profile = tmp_path / f"profile-{len(list(tmp_path.iterdir()))}"
    return subprocess.run(
        [chromium(), *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()],
        capture_output=True,
        text=True,
        timeout=120,
    )


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()
        self.external_loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        # anything the browser would fetch by itself must be local: no external service
        for key in ("src",) + (("href",) if tag == "link" and a.get("rel") not in ("alternate",) else ()):
            if a.get(key) and urlsplit(a[key]).scheme in ("http", "https"):
                self.external_loads.append(a[key])


@pytest.fixture(scope="module")
def release(seed_cli: CLI, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("browser") / "out"
    assert seed_cli("publish", out, "-q").code == 0
    return out


def test_landing_page_renders_with_figures_chart_and_downloads(release: Path, tmp_path: Path):
    r = browse(release / "index.html", tmp_path, "--dump-dom")
    assert r.returncode == 0, r.stderr[-2000:]
    dom = r.stdout
    assert "<h1" in dom and "Atlas français de la coopération décentralisée" in dom
    # key figures of the real page: 1 partnership, 2 + 2 collectivités, 1 country, 9 funders, 137,988 EUR
    figure = lambda key: re.search(rf'id="fig-{key}"><strong>([^<]+)</strong>', dom).group(1).replace("\u202f", "")
    assert figure("partnerships") == "1"
    assert figure("french") == "2" and figure("foreign") == "2"
    assert figure("countries") == "1" and figure("funders") == "9"
    assert figure("total") == "137988"
    # the chart, drawn inline: one bar for Mali
    chart = re.search(r'<svg id="country-chart".*?</svg>', dom, re.S).group(0)
    assert chart.count("<rect") == 1 and "Mali" in chart
    years = re.search(r'<section id="years">.*?</section>', dom, re.S).group(0)
    assert ">2020<" in years and ">2021<" in years
    for name in ("coopgraph.nt.gz", "coopgraph.ttl", "coopgraph.jsonld", "dataset.ttl", "ontology.html"):
        assert f'href="{name}"' in dom
    assert "Licence Ouverte" in dom and "SELECT" in dom


def test_landing_page_screenshot(release: Path, tmp_path: Path):
    shot = tmp_path / "index.png"
    r = browse(release / "index.html", tmp_path, f"--screenshot={shot}", "--window-size=1200,1800")
    assert r.returncode == 0, r.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


@pytest.mark.parametrize("page", ["index.html", "ontology.html"])
def test_links_resolve_to_the_files_and_nothing_is_fetched_from_elsewhere(release: Path, tmp_path: Path, page: str):
    r = browse(release / page, tmp_path, "--dump-dom")
    assert r.returncode == 0, r.stderr[-2000:]
    parser = Links()
    parser.feed(r.stdout)
    assert parser.external_loads == []
    local = [h for h in parser.hrefs if not urlsplit(h).scheme]
    assert local
    for href in local:
        path, _, fragment = href.partition("#")
        if path:
            assert (release / unquote(path)).is_file(), href
        if fragment and not path:
            assert fragment in parser.ids, href


def test_ontology_page_documents_classes_and_properties(release: Path, tmp_path: Path):
    r = browse(release / "ontology.html", tmp_path, "--dump-dom")
    assert r.returncode == 0
    dom = r.stdout
    for term in ("Partnership", "Funding", "FrenchCollectivite", "frenchPartner", "sdgTarget", "year"):
        assert f'id="{term}"' in dom, term
    assert "Partenariat" in dom and "org:OrganizationalCollaboration" in dom
    assert "Eau et déchets" in dom  # the theme scheme

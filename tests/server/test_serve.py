"""`coopgraph serve` as users get it: the installed CLI starts a real server on a loopback port,
the tests talk HTTP to it. The store holds the real page and a fixture page whose texts hold
markup (tests/fixtures/markup/fixture-script-title.txt)."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
import time
from collections import defaultdict
from decimal import Decimal

import pytest
from pyoxigraph import RdfFormat, parse

from conftest import CLI, PAGES, REPO, SEED
from serving import Server

PARTNERSHIP = "https://w3id.org/coopgraph/id/partnership/307acb298e1fad1f"
PATH = "/id/partnership/307acb298e1fad1f"
SANITATION = (REPO / "queries" / "sanitation-cofunders.rq").read_text(encoding="utf-8")
LONG_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # ~10^11 rows: minutes
TIMEOUT = 6


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> CLI:
    cli = CLI(tmp_path_factory.mktemp("serve") / "store")
    r = cli("ingest", SEED, PAGES.parent / "markup" / "fixture-script-title.txt")
    assert r.code == 0, r.err
    return cli


@pytest.fixture(scope="module")
def server(store: CLI, tmp_path_factory):
    s = Server(store.store, tmp_path_factory.mktemp("log") / "serve.log", "--timeout", str(TIMEOUT), "--workers", "3")
    yield s
    s.stop()


@pytest.fixture(scope="module")
def personal_values(store: CLI) -> set[str]:
    """The names and e-mail addresses of the personal database, as dumped by the CLI."""
    r = store("dump", "--format", "nquads", "--include-personal-data")
    assert r.code == 0, r.err
    found = set()
    for line in r.out.splitlines():
        if "/graph/personal/" in line and re.search(r"<http://schema.org/(name|givenName|familyName|email)>", line):
            m = re.search(r'"((?:[^"\\]|\\.)*)"', line)
            if m and len(m.group(1)) >= 4:
                found.add(m.group(1))
    assert any("@" in v or "[at]" in v for v in found), found  # the scan below has something to look for
    return found


def bindings(r) -> list[dict]:
    return [{k: v["value"] for k, v in b.items()} for b in r.json()["results"]["bindings"]]


# --- home, CORS, logs ----------------------------------------------------------------------------
def test_home_page_figures_links_and_search_box(server: Server):
    r = server.get("/", "text/html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    html = r.text
    assert re.search(r'id="fig-partnerships"><strong>2</strong>', html)
    assert 'action="/search"' in html
    assert 'href="/queries/partnerships-by-country?country=MLI"' in html  # countries
    assert 'href="/id/org/ministere-de-l-europe-et-des-affaires-etrangeres"' in html  # funders
    assert 'href="/id/theme/environnement-climat-et-energie"' in html  # themes
    assert 'href="/queries/sanitation-cofunders"' in html and 'href="/sparql"' in html
    assert "<script" not in html  # readable without JavaScript
    assert 'id="synthetic"' not in html  # real pages only: no synthetic-data banner


def test_cors_open_for_get(server: Server):
    r = server.get("/queries/stats.json", headers={"Origin": "https://notebook.example"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    pre = server.request(
        "OPTIONS", "/sparql", headers={"Origin": "https://x.example", "Access-Control-Request-Method": "GET"}
    )
    assert pre.status_code == 200 and "GET" in pre.headers["access-control-allow-methods"]


# --- saved queries, /sparql and the partnership page agree ----------------------------------------
def test_sanitation_cofunders_agree_across_queries_sparql_and_the_page(server: Server, store: CLI):
    api = server.get("/queries/sanitation-cofunders?country=Mali", "application/sparql-results+json")
    assert api.status_code == 200 and api.headers["content-type"].startswith("application/sparql-results+json")
    rows = bindings(api)
    assert len(rows) == 9
    # the same as the CLI, and as /sparql running the query's text
    cli = list(
        csv.DictReader(io.StringIO(store("query", "sanitation-cofunders", "-p", "country=Mali", "--format", "csv").out))
    )
    assert [(r["funder"], Decimal(r["totalEUR"])) for r in cli] == [(r["funder"], Decimal(r["totalEUR"])) for r in rows]
    sparql = server.post(
        "/sparql",
        content=SANITATION.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"},
    )
    assert sparql.status_code == 200 and bindings(sparql) == rows
    # the partnership's page lists the same funders with the same sums
    page = server.get(PATH, "text/html").text
    sums: dict[str, Decimal] = defaultdict(Decimal)
    for href, amount in re.findall(r'<tr class="funding"><td><a href="([^"]+)">.*?data-amount="([^"]*)"', page, re.S):
        sums["https://w3id.org/coopgraph" + href] += Decimal(amount or 0)
    assert sums == {r["funder"]: Decimal(r["totalEUR"]) for r in rows}
    mae = next(r for r in rows if "Europe" in r["funderLabel"])
    assert Decimal(mae["totalEUR"]) == 37688


def test_saved_query_formats_suffixes_and_html(server: Server):
    csv_r = server.get("/queries/sanitation-cofunders.csv?country=MLI")
    assert csv_r.headers["content-type"].startswith("text/csv")
    lines = csv_r.text.strip().splitlines()
    assert lines[0] == "funder,funderLabel,partnerships,totalEUR" and len(lines) == 10
    assert server.get("/queries/sanitation-cofunders?country=ML", "text/csv").text == csv_r.text
    assert len(bindings(server.get("/queries/sanitation-cofunders.json?country=mali"))) == 9
    tsv = server.get("/queries/sanitation-cofunders.tsv?country=Mali").text.splitlines()
    assert tsv[0] == "?funder\t?funderLabel\t?partnerships\t?totalEUR" and tsv[1].startswith("<https://w3id.org/")
    html = server.get("/queries/sanitation-cofunders?country=Mali", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert html.status_code == 200 and html.text.count("<tr>") == 10 and 'name="country" value="Mali"' in html.text
    assert 'href="/queries/sanitation-cofunders.csv?country=Mali"' in html.text
    listing = server.get("/queries", "application/json").json()
    assert {q["name"] for q in listing} >= {"sanitation-cofunders", "partners-of", "funders-ranking"}


def test_saved_query_errors_are_the_clis(server: Server, store: CLI):
    r = server.get("/queries/sanitation-cofunders?country=Atlantis", "application/json")
    cli = store("query", "sanitation-cofunders", "-p", "country=Atlantis")
    assert r.status_code == 400 and "unknown country 'Atlantis'" in r.text
    assert r.text.strip() in cli.err
    r = server.get("/queries/sanitation-cofunders?colour=blue", "text/csv")
    assert r.status_code == 400 and "no parameter 'colour'" in r.text
    r = server.get("/queries/partners-of?collectivite=Nowhere-sur-Mer", "text/html")
    assert r.status_code == 400 and "no French collectivité named" in r.text and 'class="error"' in r.text
    r = server.get("/queries/partners-of?collectivite=16015", "application/sparql-results+json")
    assert r.status_code == 200 and bindings(r)
    r = server.get("/queries/sanitation-cofunder")
    assert r.status_code == 404 and "did you mean sanitation-cofunders" in r.text


def test_openapi_from_the_query_headers(server: Server, store: CLI):
    doc = server.get("/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    listed = [line.split()[0] for line in store("query", "--list").out.splitlines() if line and not line[0].isspace()]
    for name in listed:
        assert f"/queries/{name}" in doc["paths"], name
    op = doc["paths"]["/queries/sanitation-cofunders"]["get"]
    assert op["operationId"] == "sanitation_cofunders" and "water" in op["tags"]
    (country,) = op["parameters"]
    assert country["name"] == "country" and country["schema"]["default"] == "Mali" and country["example"] == "Sénégal"
    assert "application/sparql-results+json" in op["responses"]["200"]["content"]


# --- the SPARQL 1.1 protocol ----------------------------------------------------------------------
TITLES = "SELECT ?t WHERE { ?p a cg:Partnership ; dcterms:title ?t } ORDER BY ?t"


@pytest.mark.parametrize(
    "accept,ctype",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
    ],
)
def test_sparql_select_formats(server: Server, accept, ctype):
    r = server.get("/sparql", accept, params={"query": TITLES})
    assert r.status_code == 200 and r.headers["content-type"].startswith(ctype)
    assert "Ségou" in r.text and r.headers["vary"].startswith("Accept")
    if ctype == "application/sparql-results+xml":
        assert '<variable name="t"/>' in r.text and "&lt;script&gt;" in r.text


def test_sparql_get_post_form_and_body_agree(server: Server):
    accept = {"Accept": "application/sparql-results+json"}
    a = server.get("/sparql", params={"query": TITLES}, headers=dict(accept))
    b = server.post("/sparql", data={"query": TITLES}, headers=accept)
    c = server.post("/sparql", content=TITLES.encode(), headers={**accept, "Content-Type": "application/sparql-query"})
    assert a.status_code == b.status_code == c.status_code == 200
    assert bindings(a) == bindings(b) == bindings(c) and len(bindings(a)) == 2
    assert (
        server.get("/sparql", params={"query": TITLES, "format": "csv"}).headers["content-type"].startswith("text/csv")
    )


def test_sparql_ask_and_graph_formats(server: Server):
    ask = server.get("/sparql", "application/sparql-results+json", params={"query": "ASK { ?p a cg:Partnership }"})
    assert ask.json() == {"head": {}, "boolean": True}
    construct = f"CONSTRUCT {{ <{PARTNERSHIP}> dcterms:title ?t }} WHERE {{ <{PARTNERSHIP}> dcterms:title ?t }}"
    for accept, fmt in [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", RdfFormat.JSON_LD),
    ]:
        r = server.get("/sparql", accept, params={"query": construct})
        assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
        triples = list(parse(r.content, format=fmt))
        assert len(triples) == 1 and "Ségou" in triples[0].object.value
    assert server.get("/sparql", "image/png", params={"query": TITLES}).status_code == 406


def test_sparql_service_description(server: Server):
    r = server.get("/sparql", "text/turtle")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    triples = list(parse(r.content, format=RdfFormat.TURTLE))
    assert any(t.predicate.value.endswith("#endpoint") and t.object.value == server.base + "/sparql" for t in triples)


def test_sparql_refusals_change_nothing(server: Server):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = bindings(server.get("/sparql", "application/json", params={"query": count}))
    update = "INSERT DATA { <urn:a> <urn:b> <urn:c> }"
    assert server.post("/sparql", data={"update": update}).status_code == 403
    assert (
        server.post(
            "/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"}
        ).status_code
        == 403
    )
    r = server.get("/sparql", params={"query": update})
    assert r.status_code == 400 and "Update" in r.text
    r = server.get("/sparql", params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"})
    assert r.status_code == 400 and "SERVICE" in r.text
    r = server.get("/sparql", params={"query": "SELECT * WHERE { ?s foo:bar ?o }"})
    assert r.status_code == 400 and "invalid SPARQL" in r.text and "Traceback" not in r.text
    assert server.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"}).status_code == 415
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 1_100_000
    assert (
        server.post("/sparql", content=big.encode(), headers={"Content-Type": "application/sparql-query"}).status_code
        == 413
    )
    assert server.get("/sparql", "application/json").status_code == 400  # no query
    assert bindings(server.get("/sparql", "application/json", params={"query": count})) == before


def test_sparql_html_pages_show_the_first_thousand_rows(server: Server):
    r = server.get("/sparql", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", "format": "html"})
    assert r.status_code == 200 and r.text.count("<tr>") == 1 + 1000
    total = int(re.search(r"1000 ligne\(s\) / row\(s\) sur / of (\d+)", r.text).group(1))
    csv_rows = server.get("/sparql", "text/csv", params={"query": "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"}).text
    assert total == len(list(csv.reader(io.StringIO(csv_rows)))) - 1 > 1000


def test_query_editor_for_browsers(server: Server):
    r = server.get("/sparql", "text/html,application/xhtml+xml")
    assert r.status_code == 200 and "yasgui" in r.text.lower()
    assert "https://" not in re.sub(r'(href|src)="/[^"]*"', "", "".join(re.findall(r"<(?:script|link)[^>]*>", r.text)))
    assert 'data-name="sanitation-cofunders"' in r.text and "PREFIX cg:" in r.text
    js = server.get(re.search(r'<script src="([^"]+yasgui[^"]+)"', r.text).group(1))
    assert js.status_code == 200 and len(js.content) > 100_000


# --- a page for every IRI ---------------------------------------------------------------------
def test_partnership_page(server: Server):
    r = server.get(PATH, "text/html")
    assert r.status_code == 200 and r.headers["vary"].startswith("Accept")
    html = r.text
    assert '<h1 id="label">Coopération décentralisée Angoulême – Ségou 2020-2021</h1>' in html
    assert 'href="/id/commune/16015">Angoulême</a>' in html  # properties as readable links
    assert 'href="/id/foreign/mli/segou">Ségou</a>' in html
    assert 'href="http://metadata.un.org/sdg/6.3"' in html  # external links as links
    assert 'href="/ontology#Partnership">' in html
    assert html.count('<tr class="funding">') == 15


def test_collectivite_page_shows_its_partnerships_and_fundings(server: Server):
    html = server.get("/id/commune/16015", "text/html").text
    assert '<h1 id="label">Angoulême</h1>' in html and "211600150" in html
    inbound = html[html.index('id="inbound"') :]
    assert f'href="{PATH}">Coopération décentralisée Angoulême – Ségou 2020-2021</a>' in inbound
    gifts = html[html.index('id="gifts"') : html.index('id="properties"')]
    assert gifts.count("<tr>") == 3  # header + its two funding rows
    foreign = server.get("/id/foreign/mli/segou", "text/html").text
    assert 'href="http://publications.europa.eu/resource/authority/country/MLI"' in foreign


@pytest.mark.parametrize(
    "accept,fmt",
    [
        ("text/turtle", RdfFormat.TURTLE),
        ("application/n-triples", RdfFormat.N_TRIPLES),
        ("application/ld+json", RdfFormat.JSON_LD),
    ],
)
def test_iri_as_rdf_by_content_negotiation(server: Server, accept, fmt):
    r = server.get(PATH, accept)
    assert (
        r.status_code == 200 and r.headers["content-type"].startswith(accept) and r.headers["vary"].startswith("Accept")
    )
    triples = list(parse(r.content, format=fmt))
    assert {t.subject.value for t in triples} == {PARTNERSHIP}
    assert any("Ségou" in t.object.value for t in triples if t.predicate.value.endswith("/title"))


def test_ontology_terms_and_schemes_answer(server: Server):
    html = server.get("/ontology", "text/html").text
    assert 'id="Partnership"' in html and 'id="foreignPartner"' in html
    ttl = server.get("/ontology", "text/turtle")
    assert any(t.subject.value.endswith("#Partnership") for t in parse(ttl.content, format=RdfFormat.TURTLE))
    scheme = server.get("/id/scheme/themes", "text/html").text
    assert 'href="/id/theme/environnement-climat-et-energie/eau-et-dechets"' in scheme
    theme = server.get("/id/theme/environnement-climat-et-energie/eau-et-dechets", "text/turtle")
    assert theme.status_code == 200 and b"skos:prefLabel" in theme.content


@pytest.mark.parametrize(
    "path",
    [
        "/id/partnership/0000000000000000",
        "/id/person/abc",
        "/id/nothing",
        "/id/partnership/x%3E%20%3Cy",
        "/nothing-here",
    ],
)
def test_not_found(server: Server, path):
    for accept in ("text/html", "text/turtle"):
        r = server.get(path, accept)
        assert r.status_code == 404, (path, accept)


# --- the partners map ----------------------------------------------------------------------------
def test_map_page_loads_its_scripts_from_the_package(server: Server):
    assert 'href="/map"' in server.get("/", "text/html").text  # the home page links to it
    r = server.get("/map", "text/html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in r.headers["content-security-policy"]
    srcs = re.findall(r'<script src="([^"]+)" defer></script>', r.text)
    assert srcs == [
        "/static/map/d3.min.js",
        "/static/map/topojson-client.min.js",
        "/static/map/world-110m.js",
        "/static/map/france-50m.js",
        "/static/map/coopgraph-map.js",
        "/static/map-page.js",
    ]
    # no inline script (the CSP would refuse it): the only other <script> is the page's JSON settings
    assert r.text.count("<script") == len(srcs) + 1 and '<script type="application/json" id="map-config">' in r.text
    config = json.loads(re.search(r'id="map-config">(.*?)</script>', r.text, re.S).group(1))
    assert config == {"data": "/map/data.json", "base": "", "iriBase": "https://w3id.org/coopgraph/"}
    for src in srcs:
        s = server.get(src)
        assert s.status_code == 200 and "javascript" in s.headers["content-type"], src
    assert b"renderMap" in server.get("/static/map/coopgraph-map.js").content
    assert server.get("/static/map/LICENSE-d3").status_code == 200  # the licences travel with the code
    assert server.get("/static/map/nothing.js").status_code == 404


def test_map_data_is_the_stores_partners_with_their_places(server: Server, store: CLI):
    r = server.get("/map/data.json")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    stats = bindings(server.get("/queries/stats.json"))[0]
    assert len(data["partnerships"]) == int(stats["partnerships"]) == 2
    assert len(data["foreign"]) == int(stats["foreignCollectivites"]) == 3
    assert len(data["french"]) == int(stats["frenchCollectivites"]) == 4
    assert data["countries"] == {"MLI": "Mali", "SEN": "Sénégal"}
    segou = next(i for i, n in enumerate(data["foreign"]) if n["id"].endswith("/foreign/mli/segou"))
    s = data["foreign"][segou]
    assert (s["name"], s["lat"], s["lon"], s["country"], s["placement"]) == ("Ségou", 13.4317, -6.2157, "MLI", "place")
    balanzan = next(n for n in data["foreign"] if n["id"].endswith("/intercommunalite-balanzan"))
    assert balanzan["lat"] is None and balanzan["lon"] is None  # no place known: not on the map
    p = next(p for p in data["partnerships"] if p["id"] == PARTNERSHIP)
    assert p["title"] == "Coopération décentralisée Angoulême – Ségou 2020-2021"
    assert segou in p["foreign"] and len(p["foreign"]) == 2
    assert {data["french"][i]["name"] for i in p["french"]} == {
        "Angoulême",
        "Communauté d'agglomération du Grand Angoulême",
    }
    assert data["themes"][p["theme"]] == "Politique, humanitaire et coopération transfrontalière"  # its main theme
    # the page's text with markup comes back as plain JSON strings, never as HTML
    assert any("<" in q["title"] for q in data["partnerships"] if q["id"] != PARTNERSHIP)
    import coopgraph

    with coopgraph.open(store.store, read_only=True) as atlas:  # the core call the route is a face of
        assert data == json.loads(json.dumps(atlas.map_data()))
    again = server.get("/map/data.json", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304  # same store generation: nothing recomputed


# --- search, escaping -----------------------------------------------------------------------------
def test_search_html_and_json(server: Server):
    html = server.get("/search?q=Ségou").text  # raw UTF-8 in the URL, as curl sends it
    assert f'href="{PATH}"' in html and "Ségou" in html
    data = server.get("/search", "application/json", params={"q": "SÉGOU"}).json()
    assert data["q"] == "SÉGOU" and any(
        r.get("partnership") == PARTNERSHIP or PARTNERSHIP in r.values() for r in data["results"]
    )
    assert server.get("/search", params={"q": "zzzznothing", "format": "json"}).json()["results"] == []
    assert server.get("/search", params={"q": "x", "limit": "many"}).status_code == 400


def test_text_from_pages_is_escaped(server: Server):
    key = bindings(
        server.get(
            "/sparql",
            "application/json",
            params={"query": 'SELECT ?p WHERE { ?p dcterms:title ?t FILTER(CONTAINS(?t, "coopgraph-xss")) }'},
        )
    )[0]["p"]
    pages = [
        server.get(key.replace("https://w3id.org/coopgraph", ""), "text/html").text,
        server.get("/search", params={"q": "quartiers"}).text,
        server.get("/queries/partnerships-by-country?country=SN", "text/html").text,
        server.get("/sparql", "text/html", params={"query": TITLES}).text,
    ]
    funder = server.get("/id/org/fonds-img-src-x-onerror-alert-2-artois", "text/html")
    assert funder.status_code == 200
    pages.append(funder.text)
    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#34;coopgraph-xss&#34;)&lt;/script&gt;" in pages[0]
    assert "&lt;img src=x onerror=alert(2)&gt;" in pages[4]


# --- safe on the internet -------------------------------------------------------------------------
def test_a_long_query_is_stopped_while_others_are_answered(server: Server):
    result = {}

    def long():
        result["r"] = server.post("/sparql", data={"query": LONG_QUERY}, headers={"Accept": "text/csv"})

    t = threading.Thread(target=long)
    t.start()
    answered = []
    while t.is_alive() and len(answered) < 6:
        # each one a new question (nothing from the answer cache): a free worker must answer it
        if len(answered) % 2:  # a page (the page lane), or a query (the query lane's other worker)
            r = server.get(PATH, "text/turtle", params={"n": len(answered)})
        else:
            r = server.get(
                "/sparql",
                "text/csv",
                params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} # {len(answered)}"},
            )
        answered.append((r.status_code, t.is_alive()))
    t.join(TIMEOUT * 10)
    assert len(answered) == 6 and all(code == 200 for code, _ in answered)
    assert all(alive for _, alive in answered)  # answered while the long query was still running
    r = result["r"]
    assert r.status_code == 504 and "time limit" in r.text
    # the stopped worker was replaced: two queries at once are still answered
    both = [None, None]
    ts = [
        threading.Thread(
            target=lambda i=i: both.__setitem__(
                i, server.get("/sparql", "text/csv", params={"query": f"ASK {{ ?s ?p ?o }} # after {i}"})
            )
        )
        for i in (0, 1)
    ]
    [x.start() for x in ts]
    [x.join(120) for x in ts]
    assert [b.status_code for b in both] == [200, 200]


def test_one_log_line_per_request(server: Server):
    server.get("/search?q=logcheck")
    for _ in range(100):  # the line is written once the response has gone out
        lines = [line for line in server.log.splitlines() if '"GET /search?q=logcheck"' in line]
        if lines:
            break
        time.sleep(0.1)
    assert len(lines) == 1 and re.search(r'" 200 \d+B \d+ms$', lines[0])
    assert re.search(r'"POST /sparql" 504 \d+B \d+ms', server.log)


def test_zz_no_stack_trace_and_no_personal_data_in_any_response(server: Server, personal_values: set[str]):
    # a few more responses that would show personal data if it leaked
    server.get("/sparql", "text/csv", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    server.get("/sparql", "text/turtle", params={"query": "DESCRIBE ?x WHERE { ?x ?p ?o }"})
    server.get("/search", "application/json", params={"q": "Martin"})
    assert len(server.seen) > 60
    for r in server.seen:
        body = r.text
        assert "Traceback" not in body and 'File "' not in body, (r.url, body[:300])
        for value in personal_values:
            assert value not in body, (r.url, value)

"""The data of the partnerships map, as one JSON-able dict (read from the store by SPARQL).

One core function for every face: `coopgraph publish` writes it next to the landing page
(``map/data.js``), the web server can serve it as JSON; the drawing is
``static/map/coopgraph-map.js`` (``renderMap(element, data, options)``).

Shape (lists are indexed, so 15,000 partnerships stay a few MB)::

    {"partnerships": [{"id": IRI, "title": str, "theme": index in themes | None,
                       "french": [index in french], "foreign": [index in foreign]}],
     "foreign": [{"id": IRI, "name": str, "country": "MLI", "lat": 13.43 | None, "lon": ..., "placement": str}],
     "french":  [{"id": IRI, "name": str, "kind": "commune" | ... | None, "lat": ..., "lon": ..., "placement": str}],
     "countries": {"MLI": "Mali", ...},   # alpha-3 (EU table) -> French label
     "themes": ["Environnement, Climat et Energie", ...]}
"""

from __future__ import annotations

from ..rdf import iris
from ..rdf.namespaces import CG, DCTERMS, RDFS, SKOS, WGS84

_P = (
    f"PREFIX cg: <{CG.base}> PREFIX dcterms: <{DCTERMS.base}> PREFIX rdfs: <{RDFS.base}> "
    f"PREFIX skos: <{SKOS.base}> PREFIX wgs: <{WGS84.base}>\n"
)
_THEME_PREFIX = iris.ID + "theme/"


def _v(term) -> str | None:
    return None if term is None else term.value


def _nodes(store, link: str, cls: str, extra: str = "") -> tuple[list[dict], dict[str, int], list[tuple[str, str]]]:
    """Partners linked by `link` (cg:foreignPartner / cg:frenchPartner): their list, index, and edges."""
    out: list[dict] = []
    index: dict[str, int] = {}
    q = f"""SELECT ?x (MIN(?l) AS ?label) (SAMPLE(?la) AS ?lat) (SAMPLE(?lo) AS ?lon) (SAMPLE(?pl) AS ?placement)
                   {extra and "(SAMPLE(?e) AS ?extra)"}
            WHERE {{ ?x a {cls} ; rdfs:label ?l .
                     OPTIONAL {{ ?x wgs:lat ?la ; wgs:long ?lo }} OPTIONAL {{ ?x cg:placement ?pl }}
                     {extra} }} GROUP BY ?x ORDER BY ?x"""
    for row in store.query(_P + q):
        iri = row["x"].value
        lat, lon = _v(row["lat"]), _v(row["lon"])
        node = {
            "id": iri,
            "name": row["label"].value,
            "lat": float(lat) if lat else None,
            "lon": float(lon) if lon else None,
            "placement": _v(row["placement"]),
        }
        if extra:
            node["extra"] = _v(row["extra"])
        index[iri] = len(out)
        out.append(node)
    edges = [(r["p"].value, r["x"].value) for r in store.query(_P + f"SELECT ?p ?x WHERE {{ ?p {link} ?x }}")]
    return out, index, edges


def map_data(store) -> dict:
    """Everything the map draws, from a `Store` (or anything with `.query(sparql)` returning pyoxigraph
    solutions over the union of the graphs)."""
    foreign, f_index, f_edges = _nodes(
        store, "cg:foreignPartner", "cg:ForeignCollectivite", "OPTIONAL { ?x cg:country ?e }"
    )
    for n in foreign:
        country = n.pop("extra") or ""
        n["country"] = country.removeprefix(iris.EU_COUNTRY_BASE) if country.startswith(iris.EU_COUNTRY_BASE) else None
    french, r_index, r_edges = _nodes(
        store, "cg:frenchPartner", "cg:FrenchCollectivite", "OPTIONAL { ?x cg:collectiviteKind ?e }"
    )
    for n in french:
        n["kind"] = n.pop("extra")
    theme_labels = {
        r["t"].value: r["l"].value
        for r in store.query(
            _P
            + f"""
        SELECT ?t ?l WHERE {{ ?t skos:topConceptOf <{iris.THEME_SCHEME}> ; skos:prefLabel ?l }}"""
        )
    }
    themes: list[str] = []
    theme_index: dict[str, int] = {}
    partnerships: dict[str, dict] = {}
    for r in store.query(
        _P
        + """SELECT ?p (SAMPLE(?t) AS ?title) (SAMPLE(?m) AS ?main)
                                 WHERE { ?p a cg:Partnership ; dcterms:title ?t OPTIONAL { ?p cg:mainTheme ?m } }
                                 GROUP BY ?p ORDER BY ?p"""
    ):
        theme = None
        main = _v(r["main"])
        if main and main.startswith(_THEME_PREFIX):
            top = _THEME_PREFIX + main[len(_THEME_PREFIX) :].split("/", 1)[0]
            label = theme_labels.get(top)
            if label:
                theme = theme_index.setdefault(label, len(themes))
                if theme == len(themes):
                    themes.append(label)
        partnerships[r["p"].value] = {
            "id": r["p"].value,
            "title": r["title"].value,
            "theme": theme,
            "french": [],
            "foreign": [],
        }
    for edges, index, key in ((f_edges, f_index, "foreign"), (r_edges, r_index, "french")):
        for p, x in edges:
            if p in partnerships and x in index:
                partnerships[p][key].append(index[x])
    for entry in partnerships.values():
        entry["french"].sort()
        entry["foreign"].sort()
    codes = sorted({n["country"] for n in foreign if n["country"]})
    countries = {}
    if codes:
        values = " ".join(f"<{iris.EU_COUNTRY_BASE}{c}>" for c in codes)
        for r in store.query(
            _P
            + f"""SELECT ?c (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?c {{ {values} }}
                                          ?c skos:prefLabel ?l FILTER(LANG(?l) = "fr") }} GROUP BY ?c"""
        ):
            countries[r["c"].value.removeprefix(iris.EU_COUNTRY_BASE)] = r["label"].value
    return {
        "partnerships": list(partnerships.values()),
        "foreign": foreign,
        "french": french,
        "countries": countries,
        "themes": themes,
    }

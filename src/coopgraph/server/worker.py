"""What runs in a query worker process: one read-only Atlas, one job at a time.

pyoxigraph cannot interrupt a query from another thread, so each query runs in a worker process
that the server kills when it runs past its time limit (see pool.py). A worker reopens the store
when its generation changes (an ingest closed it), so the server follows the data without a restart.
Everything that reads the store runs here; the web process only renders.
"""

from __future__ import annotations

import os
import re
import sys
import traceback
from typing import Any

from .. import CoopgraphError, QueryError, SparqlError, StoreError, open as open_atlas
from ..rdf import iris
from ..results import Cell, Table
from . import formats

_atlas = None
_generation = None
_allow_service = False

LABELS = ("rdfs:label", "skos:prefLabel", "dcterms:title", "schema:name")
LABEL_PATH = "|".join(LABELS)
INBOUND_LIMIT = 500
HTML_ROWS = 1000  # rows of a query's answer shown in a page (CSV and JSON give them all)
_IRI_OK = re.compile(r"[^\s<>\"{}|\\^`]+")


def _open(path: str):
    global _atlas, _generation
    atlas = open_atlas(path, read_only=True)
    _generation = atlas.store.generation()
    old, _atlas = _atlas, atlas
    if old is not None:
        old.close()


def _fresh():
    """Reopen the store when a writer has changed it since we opened it."""
    if _atlas.store.generation() != _generation:
        try:
            _open(str(_atlas.path))
        except CoopgraphError as e:  # mid-write: keep answering from the old view
            print(f"coopgraph serve: store reload postponed: {e}", file=sys.stderr)
    return _atlas


def main(conn, store_path: str, allow_service: bool, memory_mb: int = 0) -> None:
    """A worker's loop: receive (job, args), send back a result; errors are results too."""
    global _allow_service
    _allow_service = allow_service
    # A panic in the engine (an allocation refused under the memory limit) must not try to print
    # a backtrace: that allocates too, and can leave the worker stuck instead of failing.
    os.environ["RUST_BACKTRACE"] = "0"
    if memory_mb:
        # A query whose answer would not fit fails here (MemoryError, or the worker dies and is
        # replaced) instead of pushing the machine into swap before the time limit stops it.
        import resource

        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    try:
        _open(store_path)
    except CoopgraphError as e:
        conn.send(("error", 503, str(e)))
        return
    conn.send(("ready", os.getpid()))
    while True:
        try:
            job, args = conn.recv()
        except (EOFError, OSError, KeyboardInterrupt):
            return
        try:
            result = JOBS[job](_fresh(), *args)
            if not (isinstance(result, tuple) and result and result[0] == "error"):
                result = ("value", result)
        except StoreError as e:
            result = ("error", 503, str(e))
        except (QueryError, SparqlError) as e:
            result = ("error", 400, str(e))
        except CoopgraphError as e:
            result = ("error", 400, str(e))
        except MemoryError:
            result = ("error", 507, "the answer is too large for this server; add a LIMIT or select fewer rows")
        except Exception:  # a bug: logged here, never shown to the client
            traceback.print_exc(file=sys.stderr)
            result = ("error", 500, "internal error (logged by the server)")
        conn.send(result)


# --- jobs ----------------------------------------------------------------------------------------
def _answer(res: Any, accept: str | None, fmt_param: str | None):
    """A query's answer in the negotiated format: ('ok', content type, bytes) or ('table', Table)."""
    if isinstance(res, bool):
        fmt = formats.choose(accept, formats.RESULT_TYPES, fmt_param, html=False)
        if fmt is None or fmt == "html":
            return _not_acceptable(formats.RESULT_TYPES)
        return ("ok", formats.CONTENT_TYPE[fmt], formats.write_boolean(res, fmt))
    if isinstance(res, list) and not hasattr(res, "table"):  # CONSTRUCT / DESCRIBE: triples
        fmt = formats.choose(accept, formats.GRAPH_TYPES, fmt_param, html=False)
        if fmt is None or fmt == "html":
            return _not_acceptable(formats.GRAPH_TYPES)
        return ("ok", formats.CONTENT_TYPE[fmt], formats.write_graph(res, fmt))
    fmt = formats.choose(accept, formats.RESULT_TYPES, fmt_param)
    if fmt is None:
        return _not_acceptable(formats.RESULT_TYPES)
    if fmt == "html":  # a page shows the first rows only: the web process renders it
        t = res.table
        return ("table", Table(t.variables, t.rows[:HTML_ROWS]), len(t.rows))
    return ("ok", formats.CONTENT_TYPE[fmt], formats.write_table(res.table, fmt))


def _not_acceptable(table: dict[str, str]):
    return (
        "error",
        406,
        "none of the formats in your Accept header can be given; ask for one of "
        + ", ".join(t for t in table if t != "text/html"),
    )


def job_sparql(atlas, text: str, accept: str | None, fmt_param: str | None):
    return _answer(atlas.sparql(text, allow_service=_allow_service), accept, fmt_param)


def job_saved(atlas, name: str, params: dict[str, str], accept: str | None, fmt_param: str | None):
    return _answer(atlas.query(name, **params), accept, fmt_param)


def job_search(atlas, text: str, limit: int):
    rows = atlas.search(text, limit=limit)
    return ("table", rows.table, len(rows))


def _cells(atlas, text: str) -> list[dict[str, Cell | None]]:
    rows = atlas.sparql(text)
    t = rows.table
    return [dict(zip(t.variables, r)) for r in t.rows]


def _pick_label(cells: list[Cell | None]) -> str | None:
    """The French label, else one without language, else English, else any."""
    rank = {"fr": 0, None: 1, "": 1, "en": 2}
    found = [c for c in cells if c is not None]
    if not found:
        return None
    return sorted(found, key=lambda c: (rank.get(c.lang, 3), c.value))[0].value


def check_iri(iri: str) -> bool:
    return bool(_IRI_OK.fullmatch(iri))


def _labels(atlas, nodes: set[str], path: str = LABEL_PATH) -> dict[str, str]:
    """Labels of many nodes at once: one VALUES block (an OPTIONAL over a property path would make
    the engine read every label of the graph)."""
    found: dict[str, list] = {}
    nodes = sorted(n for n in nodes if check_iri(n))
    for i in range(0, len(nodes), 500):
        values = " ".join(f"<{n}>" for n in nodes[i : i + 500])
        for r in _cells(atlas, f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s {path} ?l }}"):
            found.setdefault(r["s"].value, []).append(r["l"])
    return {k: _pick_label(v) for k, v in found.items()}


def job_describe(atlas, iri: str) -> dict | None:
    """What an IRI's page shows: labels and types, properties, inbound links (counted, the first
    INBOUND_LIMIT of each shown), and a partnership's fundings or a funder's gifts."""
    if not check_iri(iri):
        return None
    out_rows = _cells(atlas, f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}")
    counts = _cells(atlas, f"SELECT ?p (COUNT(?s) AS ?n) WHERE {{ ?s ?p <{iri}> }} GROUP BY ?p")
    if not out_rows and not counts:
        return None
    inbound_rows = {}
    for c in counts:
        p = c["p"].value
        # the first ones in the store's order (ORDER BY over thousands of IRIs takes seconds)
        inbound_rows[p] = list(
            dict.fromkeys(
                r["s"].value
                for r in _cells(atlas, f"SELECT ?s WHERE {{ ?s <{p}> <{iri}> }} LIMIT {INBOUND_LIMIT}")
                if r["s"].kind == "uri"
            )
        )
    predicates = {r["p"].value for r in out_rows} | set(inbound_rows)
    plabels = {**KNOWN_LABELS, **_labels(atlas, predicates, "rdfs:label")}
    labels = _labels(
        atlas,
        {r["o"].value for r in out_rows if r["o"].kind == "uri"}
        | {s for subjects in inbound_rows.values() for s in subjects},
    )
    props: dict[str, dict] = {}
    for r in out_rows:
        p = props.setdefault(r["p"].value, {"iri": r["p"].value, "label": plabels.get(r["p"].value), "values": {}})
        o = r["o"]
        p["values"][(o.kind, o.value, o.lang, o.datatype)] = {
            "cell": o,
            "label": labels.get(o.value) if o.kind == "uri" else None,
        }
    properties = []
    for p in props.values():
        values = sorted(
            p["values"].values(), key=lambda v: (v["cell"].kind != "literal", (v["label"] or v["cell"].value).lower())
        )
        properties.append({"iri": p["iri"], "label": p["label"], "values": values})
    # the title first, then the texts, then the links; by label within each
    properties.sort(
        key=lambda p: (
            p["iri"] not in _LABEL_IRIS,
            any(v["cell"].kind == "uri" for v in p["values"]),
            (p["label"] or p["iri"]).lower(),
        )
    )
    own = [v["cell"] for p in properties if p["iri"] in _LABEL_IRIS for v in p["values"]]
    types = next((p["values"] for p in properties if p["iri"] == RDF_TYPE), [])
    properties = [p for p in properties if p["iri"] != RDF_TYPE]
    inbound = []
    for c in sorted(counts, key=lambda r: r["p"].value):
        p = c["p"].value
        if p in (SCHEMA_FUNDED_ITEM, SCHEMA_FUNDER):  # shown as the fundings tables instead
            continue
        items = sorted(
            ({"iri": s, "label": labels.get(s)} for s in inbound_rows[p]),
            key=lambda x: (x["label"] or x["iri"]).lower(),
        )
        inbound.append({"iri": p, "label": plabels.get(p), "count": int(c["n"].value), "items": items})
    fundings = (
        _cells(
            atlas,
            f"""SELECT ?f ?funder ?funderLabel ?amount ?currency ?year WHERE {{
        ?f schema:fundedItem <{iri}> ; schema:funder ?funder .
        OPTIONAL {{ ?funder rdfs:label ?funderLabel }} OPTIONAL {{ ?f schema:amount ?amount }}
        OPTIONAL {{ ?f schema:currency ?currency }} OPTIONAL {{ ?f cg:year ?year }} }}
        ORDER BY ?year ?funderLabel ?f""",
        )
        if SCHEMA_FUNDED_ITEM in inbound_rows
        else []
    )
    gifts = (
        _cells(
            atlas,
            f"""SELECT ?f ?p ?title ?amount ?year WHERE {{
        {{ SELECT ?f WHERE {{ ?f schema:funder <{iri}> }} LIMIT {INBOUND_LIMIT} }}
        ?f schema:fundedItem ?p . OPTIONAL {{ ?p dcterms:title ?title }}
        OPTIONAL {{ ?f schema:amount ?amount }} OPTIONAL {{ ?f cg:year ?year }} }}
        ORDER BY ?title ?year ?f""",
        )
        if SCHEMA_FUNDER in inbound_rows
        else []
    )
    return {
        "iri": iri,
        "label": _pick_label(own),
        "types": types,
        "properties": properties,
        "inbound": inbound,
        "fundings": fundings,
        "gifts": gifts,
    }


# Readable names for the terms of other vocabularies the graph uses (ours have rdfs:label in the ontology).
KNOWN_LABELS = {
    "http://www.w3.org/2000/01/rdf-schema#label": "libellé",
    "http://www.w3.org/2004/02/skos/core#prefLabel": "libellé préféré",
    "http://www.w3.org/2004/02/skos/core#altLabel": "autre libellé",
    "http://www.w3.org/2004/02/skos/core#broader": "concept plus large",
    "http://www.w3.org/2004/02/skos/core#narrower": "concept plus précis",
    "http://www.w3.org/2004/02/skos/core#inScheme": "dans le schéma",
    "http://www.w3.org/2004/02/skos/core#topConceptOf": "concept de tête de",
    "http://www.w3.org/2004/02/skos/core#hasTopConcept": "concept de tête",
    "http://www.w3.org/2004/02/skos/core#notation": "notation",
    "http://www.w3.org/2004/02/skos/core#closeMatch": "correspondance proche",
    "http://www.w3.org/2004/02/skos/core#exactMatch": "correspondance exacte",
    "http://www.w3.org/2004/02/skos/core#relatedMatch": "correspondance associée",
    "http://www.w3.org/2004/02/skos/core#editorialNote": "note éditoriale",
    "http://www.w3.org/2004/02/skos/core#definition": "définition",
    "http://purl.org/dc/terms/title": "titre",
    "http://purl.org/dc/terms/abstract": "résumé",
    "http://purl.org/dc/terms/description": "description",
    "http://purl.org/dc/terms/subject": "thématique",
    "http://schema.org/amount": "montant",
    "http://schema.org/currency": "devise",
    "http://schema.org/funder": "financeur",
    "http://schema.org/fundedItem": "partenariat financé",
    "http://schema.org/endDate": "date de fin",
    "http://schema.org/startDate": "date de début",
    "http://rdf.insee.fr/def/geo#codeINSEE": "code INSEE",
    "http://www.w3.org/ns/prov#wasDerivedFrom": "source",
    "http://www.w3.org/ns/prov#generatedAtTime": "converti le",
    "http://www.w3.org/2002/07/owl#sameAs": "même ressource que",
}

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SCHEMA_FUNDED_ITEM = "http://schema.org/fundedItem"
SCHEMA_FUNDER = "http://schema.org/funder"
_LABEL_IRIS = {
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
    "http://schema.org/name",
}


def job_rdf(atlas, iri: str, fmt: str):
    """The IRI's description (its own triples; the links to it when it has none) in an RDF format."""
    if not check_iri(iri):
        return None
    triples = atlas.sparql(f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}")
    if not triples:
        triples = atlas.sparql(f"CONSTRUCT {{ ?s ?p <{iri}> }} WHERE {{ ?s ?p <{iri}> }} LIMIT 10000")
    if not triples:
        return None
    return ("ok", formats.CONTENT_TYPE[fmt], formats.write_graph(triples, fmt))


def job_ontology(atlas, fmt: str):
    triples = atlas.sparql(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{iris.G_ONTOLOGY}> {{ ?s ?p ?o }} }}")
    body = formats.write_graph(triples, "turtle" if fmt == "html" else fmt)
    if fmt == "html":
        from ..publish.pages import ontology_page

        return ("ok", formats.CONTENT_TYPE["html"], ontology_page(body, None, "Licence Ouverte / Etalab 2.0").encode())
    return ("ok", formats.CONTENT_TYPE[fmt], body)


def job_home(atlas):
    """Key figures and the lists the home page links to (cached by the server per generation)."""
    row = atlas.query("stats")  # not atlas.stats(): that also counts personal data, which we never open
    stats = dict(row[0]) if row else {}
    stats["triples"] = atlas.store.count()
    countries = atlas.query("countries")
    # the 25 largest funders (funders-ranking ranks them all: 5 s at 15,000 partnerships)
    funders = atlas.sparql("""SELECT ?funder (MIN(STR(?l)) AS ?funderLabel) ?partnerships ?totalEUR WHERE {
        { SELECT ?funder (COUNT(DISTINCT ?p) AS ?partnerships) (SUM(COALESCE(?a, 0)) AS ?totalEUR) WHERE {
            { SELECT ?g ?funder WHERE { ?g schema:funder ?funder } }
            { SELECT ?g ?p WHERE { ?g schema:fundedItem ?p } }
            OPTIONAL { SELECT ?g ?a WHERE { ?g schema:amount ?a } } }
          GROUP BY ?funder ORDER BY DESC(?totalEUR) STR(?funder) LIMIT 25 }
        OPTIONAL { ?funder rdfs:label ?l } }
        GROUP BY ?funder ?partnerships ?totalEUR ORDER BY DESC(?totalEUR) STR(?funder)""")
    # partnerships per top theme: the (theme, sub-concept) pairs first, then one join
    themes = _cells(
        atlas,
        f"""SELECT ?t ?label ?n WHERE {{
        {{ SELECT ?t ?label WHERE {{ ?t skos:topConceptOf <{iris.THEME_SCHEME}> ; skos:prefLabel ?label }} }}
        OPTIONAL {{ SELECT ?t (COUNT(DISTINCT ?p) AS ?n) WHERE {{
            {{ SELECT ?sub ?t WHERE {{ ?t skos:topConceptOf <{iris.THEME_SCHEME}> . ?sub skos:broader* ?t }} }}
            ?p dcterms:subject ?sub }} GROUP BY ?t }} }}
        ORDER BY DESC(?n) ?label""",
    )
    synthetic = atlas.sparql("ASK { ?source cg:synthetic true }")  # pages made by benchmarks/synth.py
    return {
        "stats": stats,
        "synthetic": synthetic,
        "countries": countries.table,
        "funders": funders.table,
        "funder_count": int(stats.get("funders") or 0),
        "themes": themes,
        "generation": _generation,
    }


def job_map(atlas):
    """The map's data (Atlas.map_data()) as JSON bytes: encoded here, so the web process only
    sends them (a few MB at 15,000 partnerships)."""
    import json

    return (
        "ok",
        "application/json",
        json.dumps(atlas.map_data(), ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
    )


JOBS = {
    "sparql": job_sparql,
    "saved": job_saved,
    "search": job_search,
    "describe": job_describe,
    "rdf": job_rdf,
    "ontology": job_ontology,
    "home": job_home,
    "map": job_map,
}

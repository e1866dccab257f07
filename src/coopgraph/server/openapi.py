"""An OpenAPI 3 description of the server, generated from the saved queries' `#+` headers
(summary, description, tags, params with type, default and example), as grlc does."""

from __future__ import annotations

from .. import __version__

_SCHEMA = {
    "year": {"type": "integer", "minimum": 1000, "maximum": 9999},
    "integer": {"type": "integer"},
    "date": {"type": "string", "format": "date"},
    "iri": {"type": "string", "format": "uri"},
}
_RESULTS = {
    "application/sparql-results+json": {"schema": {"type": "object"}},
    "text/csv": {"schema": {"type": "string"}},
    "text/tab-separated-values": {"schema": {"type": "string"}},
    "text/html": {"schema": {"type": "string"}},
}
_ERR = {
    "description": "an unknown parameter or value (the message says what was expected)",
    "content": {"text/plain": {"schema": {"type": "string"}}},
}


def _value(p, v):
    if v is None:
        return None
    if p.type in ("year", "integer"):
        try:
            return int(v)
        except ValueError:
            return v
    return v


def describe(queries: dict, base_url: str = "") -> dict:
    paths: dict = {}
    for name, q in queries.items():
        params = []
        for p in q.params.values():
            schema = dict(_SCHEMA.get(p.type, {"type": "string"}))
            if p.default is not None:
                schema["default"] = _value(p, p.default)
            desc = p.description or p.name
            if p.type == "country":
                desc += " (a French or English name, or an ISO code such as ML or MLI)"
            elif p.type == "collectivite":
                desc += " (a name, an INSEE code or a SIREN)"
            param = {
                "name": p.name,
                "in": "query",
                "required": False,
                "description": desc,
                "schema": schema,
                "x-coopgraph-type": p.type,
            }
            if p.example is not None:
                param["example"] = _value(p, p.example)
            params.append(param)
        tags = q.meta.get("tags") or []
        op = {
            "operationId": name.replace("-", "_"),
            "summary": q.summary or name,
            "description": q.description,
            "tags": [str(t) for t in tags] if isinstance(tags, list) else [],
            "parameters": params,
            "responses": {
                "200": {"description": "the query's rows (SPARQL 1.1 results)", "content": _RESULTS},
                "400": _ERR,
                "504": {"description": "the query ran past the time limit"},
            },
        }
        paths[f"/queries/{name}"] = {"get": op}
    paths["/sparql"] = {
        "get": {
            "operationId": "sparql",
            "summary": "SPARQL 1.1 Protocol query (read-only)",
            "parameters": [{"name": "query", "in": "query", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": {
                    "description": "SELECT/ASK results or a CONSTRUCT/DESCRIBE graph",
                    "content": {**_RESULTS, "text/turtle": {}, "application/n-triples": {}, "application/ld+json": {}},
                },
                "400": _ERR,
                "403": {"description": "SPARQL Update is refused"},
            },
        }
    }
    paths["/search"] = {
        "get": {
            "operationId": "search",
            "summary": "Full-text search (accents and case ignored), best first",
            "parameters": [
                {"name": "q", "in": "query", "required": True, "schema": {"type": "string"}},
                {
                    "name": "limit",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "default": 50, "maximum": 200},
                },
            ],
            "responses": {"200": {"description": "matches", "content": {"application/json": {}, "text/html": {}}}},
        }
    }
    paths["/id/{path}"] = {
        "get": {
            "operationId": "resource",
            "summary": "What the graph says about one of its IRIs",
            "parameters": [{"name": "path", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {
                "200": {
                    "description": "the resource",
                    "content": {
                        "text/html": {},
                        "text/turtle": {},
                        "application/n-triples": {},
                        "application/ld+json": {},
                    },
                },
                "404": {"description": "the graph holds nothing about this IRI"},
            },
        }
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "coopgraph: the Atlas of French decentralised cooperation",
            "version": __version__,
            "description": "Saved SPARQL queries as an API (parameters as in the coopgraph CLI), the "
            "SPARQL endpoint, search and the graph's resources. Read-only.",
        },
        "servers": [{"url": base_url.rstrip("/") or "/"}],
        "paths": paths,
    }

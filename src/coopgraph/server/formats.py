"""Content negotiation and the SPARQL result formats (JSON, XML, CSV, TSV) written from a
results.Table; RDF graphs are written by pyoxigraph."""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape as xml_escape, quoteattr

from pyoxigraph import RdfFormat, serialize

from ..rdf.namespaces import PREFIXES
from ..results import Cell, Table

XSD = "http://www.w3.org/2001/XMLSchema#"

# media type -> format name, in the server's order of preference (first: the default)
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "ntriples",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "text/plain": "ntriples",
    "text/html": "html",
}
CONTENT_TYPE = {
    "json": "application/sparql-results+json; charset=utf-8",
    "xml": "application/sparql-results+xml; charset=utf-8",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "turtle": "text/turtle; charset=utf-8",
    "ntriples": "application/n-triples; charset=utf-8",
    "jsonld": "application/ld+json; charset=utf-8",
    "rdfxml": "application/rdf+xml; charset=utf-8",
    "html": "text/html; charset=utf-8",
}
RDF_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
# ?format= short names, as many endpoints take them
FORMAT_PARAM = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "html": "html",
    "turtle": "turtle",
    "ttl": "turtle",
    "ntriples": "ntriples",
    "nt": "ntriples",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "rdfxml": "rdfxml",
    "rdf": "rdfxml",
}


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    out = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            k, _, v = f.partition("=")
            if k.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(v)))
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q))
    return out


def negotiate(accept: str | None, offers: list[str]) -> str | None:
    """The offered media type the client prefers (q-values, then the server's order); the first
    offer when there is no Accept header; None when nothing offered is acceptable."""
    if not accept or not accept.strip():
        return offers[0]
    ranges = _parse_accept(accept)
    best, best_q = None, 0.0
    for offer in offers:
        main = offer.split("/")[0]
        q, spec = None, -1
        for rng, rq in ranges:
            s = 2 if rng == offer else 1 if rng == main + "/*" else 0 if rng == "*/*" else -1
            if s > spec:
                q, spec = rq, s
        if q is not None and q > best_q:
            best, best_q = offer, q
    return best


def choose(accept: str | None, table: dict[str, str], fmt_param: str | None = None, html: bool = True) -> str | None:
    """A format name from ?format= or else the Accept header; None: not acceptable (406)."""
    names = set(table.values())
    if fmt_param:
        f = FORMAT_PARAM.get(fmt_param.lower())
        return f if f in names else None
    offers = [t for t in table if html or table[t] != "html"]
    # text/html is only chosen when asked for by name (browsers do), never through */*
    t = negotiate(accept, offers)
    if t == "text/html" and "text/html" not in (accept or "").lower():
        t = negotiate(accept, [o for o in offers if o != "text/html"])
    return table[t] if t else None


# --- SELECT / ASK --------------------------------------------------------------------------------
def _nt(c: Cell) -> str:
    if c.kind == "uri":
        return f"<{c.value}>"
    if c.kind == "bnode":
        return f"_:{c.value}"
    s = c.value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    if c.lang:
        return f'"{s}"@{c.lang}'
    if c.datatype and c.datatype != XSD + "string":
        return f'"{s}"^^<{c.datatype}>'
    return f'"{s}"'


def write_table(table: Table, fmt: str) -> bytes:
    if fmt == "json":
        doc = {
            "head": {"vars": table.variables},
            "results": {
                "bindings": [
                    {v: c.to_json() for v, c in zip(table.variables, row) if c is not None} for row in table.rows
                ]
            },
        }
        return json.dumps(doc, ensure_ascii=False).encode("utf-8")
    if fmt == "csv":  # SPARQL 1.1 CSV: plain values, CRLF
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\r\n")
        w.writerow(table.variables)
        for row in table.rows:
            w.writerow(["" if c is None else c.value for c in row])
        return buf.getvalue().encode("utf-8")
    if fmt == "tsv":  # SPARQL 1.1 TSV: terms in their N-Triples/Turtle form
        lines = ["\t".join("?" + v for v in table.variables)]
        lines += ["\t".join("" if c is None else _nt(c) for c in row) for row in table.rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    if fmt == "xml":
        out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n<head>']
        out += [f"<variable name={quoteattr(v)}/>" for v in table.variables]
        out.append("</head>\n<results>")
        for row in table.rows:
            out.append("<result>")
            for v, c in zip(table.variables, row):
                if c is None:
                    continue
                if c.kind == "uri":
                    term = f"<uri>{xml_escape(c.value)}</uri>"
                elif c.kind == "bnode":
                    term = f"<bnode>{xml_escape(c.value)}</bnode>"
                elif c.lang:
                    term = f"<literal xml:lang={quoteattr(c.lang)}>{xml_escape(c.value)}</literal>"
                elif c.datatype and c.datatype != XSD + "string":
                    term = f"<literal datatype={quoteattr(c.datatype)}>{xml_escape(c.value)}</literal>"
                else:
                    term = f"<literal>{xml_escape(c.value)}</literal>"
                out.append(f"<binding name={quoteattr(v)}>{term}</binding>")
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    raise ValueError(fmt)


def write_boolean(value: bool, fmt: str) -> bytes:
    word = "true" if value else "false"
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        return (
            f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    return f"_askResult\r\n{word}\r\n".encode() if fmt == "csv" else f"?_askResult\n{word}\n".encode()


def write_graph(triples, fmt: str) -> bytes:
    buf = io.BytesIO()
    kwargs = {"prefixes": PREFIXES} if fmt in ("turtle", "jsonld", "rdfxml") else {}
    serialize(triples, buf, format=RDF_FORMATS[fmt], **kwargs)
    return buf.getvalue()

"""The two engines: "fast" runs the compiled checks on pyoxigraph; "pyshacl" copies the graph
into rdflib and runs the reference implementation. Both give the same results."""

from __future__ import annotations

import io
import re
from collections.abc import Iterable

import rdflib
from pyoxigraph import NamedNode, RdfFormat, serialize

from .compiler import RDF_TYPE, SH, SUBCLASS, _lang, _n3, checks, shapes_graph
from .result import Result

_TYPE = re.compile(r"@@TYPE\((\S+) <([^>]+)>\)@@")


def _typed(queries: Iterable[str], query) -> list[str]:
    """Resolve `x rdf:type/rdfs:subClassOf* C` against the graph's own class hierarchy (SHACL's
    meaning) as plain rdf:type patterns: a property path there makes pyoxigraph scan every type."""
    subs: dict[str, list[str]] = {}
    queries = list(queries)
    for c in sorted({m[2] for q in queries for m in _TYPE.finditer(q)}):
        subs[c] = [c] + sorted(
            r["s"].value for r in query(f"SELECT DISTINCT ?s WHERE {{ ?s <{SUBCLASS}>+ <{c}> FILTER(isIRI(?s)) }}")
        )

    def repl(m: re.Match) -> str:
        return " UNION ".join(f"{{ {m[1]} <{RDF_TYPE}> <{k}> }}" for k in subs[m[2]])

    return [_TYPE.sub(repl, q) for q in queries]


def resolve(store) -> list[str]:
    """The compiled checks' texts with class membership resolved against this store's hierarchy."""
    return _typed((c.query for c in checks()), _query_of(store))


def _query_of(store):
    return (
        store.query if hasattr(store, "partnerships") else (lambda q: store.query(q, use_default_graph_as_union=True))
    )


def run_fast(store, resolved: list[str] | None = None) -> list[Result]:
    """Every result of the shapes on a pyoxigraph store (or coopgraph Store), by compiled SPARQL.
    `resolved`: the texts `resolve(store)` gave for a store whose class hierarchy has not changed
    since (ingest's scratch store reuses them for every batch)."""
    query = _query_of(store)
    texts = resolved if resolved is not None else resolve(store)
    rows = [(c, r) for c, text in zip(checks(), texts) for r in query(text)]
    found: set[Result] = set()
    for c, row in rows:
        value = row["value"] if c.has_value else None
        path = c.path
        if c.component == "SPARQLConstraintComponent":
            p = row["path"]
            path = f"<{p.value}>" if isinstance(p, NamedNode) else None
        found.add(
            Result(
                str(row["this"]),
                path,
                str(value) if value is not None else None,
                c.shape,
                c.component,
                c.severity,
                c.messages,
            )
        )
    return sorted(found, key=Result.sort_key)


def _rdflib_graph(triples: Iterable) -> rdflib.Graph:
    buf = io.BytesIO()
    serialize(triples, buf, format=RdfFormat.N_TRIPLES)
    g = rdflib.Graph()
    g.parse(data=buf.getvalue(), format="nt")
    return g


def run_pyshacl(triples: Iterable) -> list[Result]:
    """The reference: the whole graph in rdflib, validated by pyshacl."""
    import pyshacl

    data = _rdflib_graph(triples)
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none", allow_warnings=True)
    langs = {str(m): _lang(m) for m in shapes_graph().objects(None, SH.message)}
    found: set[Result] = set()
    # Only the report's own results: pyshacl also types the nested sh:detail results of sh:node.
    for r in report.objects(None, SH.result):
        path = report.value(r, SH.resultPath)
        if isinstance(path, rdflib.BNode):
            path = f"^<{report.value(path, SH.inversePath)}>"
        elif path is not None:
            path = f"<{path}>"
        value = report.value(r, SH.value)
        shape = report.value(r, SH.sourceShape)
        comp = str(report.value(r, SH.sourceConstraintComponent)).removeprefix(str(SH))
        # pyshacl drops the language tags of SPARQL constraints' messages: put them back.
        messages = tuple(
            sorted((m.language or langs.get(str(m), ""), str(m)) for m in report.objects(r, SH.resultMessage))
        )
        if (
            comp != "SPARQLConstraintComponent"
            and value is not None
            and comp in ("MinCountConstraintComponent", "MaxCountConstraintComponent", "HasValueConstraintComponent")
            and path is not None
        ):
            value = None  # pyshacl adds no value for these when a path is set; keep it uniform
        found.add(
            Result(
                _n3(report.value(r, SH.focusNode)),
                path,
                _n3(value) if value is not None else None,
                str(shape),
                comp,
                str(report.value(r, SH.resultSeverity)).removeprefix(str(SH)),
                messages,
            )
        )
    return sorted(found, key=Result.sort_key)


def _triples(store) -> Iterable:
    return store.triples() if hasattr(store, "triples") else _distinct_triples(store)


def _distinct_triples(store) -> Iterable:
    seen = set()
    for q in store.quads_for_pattern(None, None, None, None):
        if q.triple not in seen:
            seen.add(q.triple)
            yield q.triple


def validate(store, engine: str = "fast") -> list[Result]:
    """Every result of the shapes on a store (coopgraph Store or pyoxigraph Store), by `engine`."""
    return run_fast(store) if engine == "fast" else run_pyshacl(_triples(store))


__all__ = ["resolve", "run_fast", "run_pyshacl", "validate"]

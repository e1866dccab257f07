"""SHACL validation: the shapes in shapes/, run fast on pyoxigraph, or by pyshacl as the reference.

Two engines give the same results (tests/validate/test_validate_engines.py checks it):
- "fast" (default): each constraint of the shapes is compiled once into a SPARQL SELECT that
  returns the failing (focus node, value) pairs, run by pyoxigraph on the store (or on a small
  in-memory store for files and for one page at ingest). No graph is copied into Python.
- "pyshacl": the whole graph is copied into rdflib and handed to pyshacl. Slow; the reference.
The compiler covers the subset of SHACL the shapes use (listed at the top of the shapes file);
a shape using anything else is refused when the shapes are loaded, never silently skipped.

Reference data (ontology, schemes, SDG KOS, countries) comes from the package, so validating a
file needs no store.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat, Store as OxStore, parse, serialize

from .errors import InputError
from . import resources
from .rdf import iris
from .rdf.namespaces import PREFIXES
from .records import Problem

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD = "http://www.w3.org/2001/XMLSchema#"
SEVERITIES = ("Violation", "Warning", "Info")

# Lexical forms a well-typed literal must have (SHACL's sh:datatype also rejects ill-typed literals).
_LEXICAL = {
    XSD + "decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "gYear": r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "boolean": r"^(true|false|1|0)$",
    XSD + "date": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "dateTime": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
_CASTS = {XSD + "date", XSD + "dateTime"}  # a date must also exist (no 31 February)


class ShapesError(Exception):
    """The shapes use SHACL that the fast engine does not compile."""


@dataclass(frozen=True)
class Result:
    """One validation result. Terms are in N-Triples form; the path is `<p>` or `^<p>`."""

    focus: str
    path: str | None
    value: str | None
    shape: str
    component: str  # local name: "MinCountConstraintComponent"
    severity: str  # "Violation", "Warning" or "Info"
    messages: tuple[tuple[str, str], ...]  # (language, text), sorted

    def message(self, lang: str = "en") -> str:
        for want in (lang, "en", "fr", ""):
            for lg, text in self.messages:
                if lg == want:
                    return text
        return self.component

    def sort_key(self) -> tuple:
        return (self.focus, self.path or "", self.value or "", self.shape, self.component, self.severity,
                self.messages)

    def key(self) -> tuple:
        return (self.focus, self.path, self.value, self.shape, self.component, self.severity)


# ---------------------------------------------------------------------------------------------
# Shapes and reference data
# ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    g = rdflib.Graph()
    for f in sorted(resources.shapes_dir().iterdir(), key=lambda f: f.name):
        if f.name.endswith(".ttl"):
            g.parse(data=f.read_bytes(), format="turtle")
    return g


@lru_cache(maxsize=1)
def reference_quads() -> tuple[Quad, ...]:
    from .link import refgraphs

    out: list[Quad] = []
    for graph, load in refgraphs.reference_graphs().items():
        g = NamedNode(graph)
        out.extend(Quad(t.subject, t.predicate, t.object, g) for t in parse(load(), format=RdfFormat.TURTLE))
    return tuple(out)


def _n3(term) -> str:
    """N-Triples form of an rdflib or pyoxigraph term, the same whichever library made it."""
    if isinstance(term, (rdflib.URIRef,)):
        term = NamedNode(str(term))
    elif isinstance(term, rdflib.BNode):
        term = BlankNode(str(term))
    elif isinstance(term, rdflib.Literal):
        if term.language:
            term = Literal(str(term), language=term.language)
        else:
            term = Literal(str(term), datatype=NamedNode(str(term.datatype or XSD + "string")))
    return str(term)


def _sparql_term(term) -> str:
    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return _n3(term)
    raise ShapesError(f"unsupported term in shapes: {term!r}")


def _str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


# ---------------------------------------------------------------------------------------------
# The compiler: shapes → one SPARQL SELECT per constraint
# ---------------------------------------------------------------------------------------------

@dataclass
class Check:
    shape: str
    component: str
    severity: str
    messages: tuple[tuple[str, str], ...]
    path: str | None
    query: str  # SELECT ?this ?value ?path
    has_value: bool


_SUPPORTED = {SH[x] for x in (
    "targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode", "property", "path", "class",
    "datatype", "nodeKind", "minCount", "maxCount", "in", "hasValue", "pattern", "flags", "minInclusive",
    "languageIn", "lessThanOrEquals", "node", "sparql", "severity", "message", "name", "description",
    "deactivated", "order", "group")} | {rdflib.RDF.type}


class _Compiler:
    def __init__(self, g: rdflib.Graph):
        self.g = g
        self.n = 0

    def var(self, name: str) -> str:
        self.n += 1
        return f"?_{name}{self.n}"

    def path_of(self, shape) -> tuple[str | None, object]:
        p = self.g.value(shape, SH.path)
        if p is None:
            return None, None
        if isinstance(p, rdflib.URIRef):
            return f"<{p}>", p
        inv = self.g.value(p, SH.inversePath)
        if isinstance(inv, rdflib.URIRef) and len(list(self.g.predicate_objects(p))) == 1:
            return f"^<{inv}>", p
        raise ShapesError(f"{shape}: only a property or [ sh:inversePath property ] is supported as sh:path")

    @staticmethod
    def triple(path: str, f: str, v: str) -> str:
        return f"{v} {path[1:]} {f} ." if path.startswith("^") else f"{f} {path} {v} ."

    def constraints(self, shape, f: str, v: str) -> list[tuple[str, str, bool]]:
        """(component, group graph pattern matching when `f` violates it, binds `v`?) per constraint."""
        g = self.g
        for p in set(g.predicates(shape)):
            if p not in _SUPPORTED:
                raise ShapesError(f"{shape}: {p} is not supported by the fast validator")
        path, _ = self.path_of(shape)
        if path:
            vn = self.triple(path, f, v)
        else:
            vn, v = "", f  # a node shape's own constraints apply to the focus node itself
        out: list[tuple[str, str, bool]] = []
        for c in g.objects(shape, SH["class"]):
            out.append(("ClassConstraintComponent", f"{vn} FILTER NOT EXISTS {{ @@TYPE({v} <{c}>)@@ }}", True))
        for d in g.objects(shape, SH.datatype):
            test = f"!isLiteral({v}) || !sameTerm(datatype({v}), <{d}>)"
            if str(d) in _LEXICAL:
                test += f" || !regex(str({v}), {_str(_LEXICAL[str(d)])})"
            if str(d) in _CASTS:
                test += f" || !COALESCE(isLiteral(<{d}>(str({v}))), false)"
            out.append(("DatatypeConstraintComponent", f"{vn} FILTER({test})", True))
        for k in g.objects(shape, SH.nodeKind):
            fn = {SH.IRI: "isIRI", SH.Literal: "isLiteral", SH.BlankNode: "isBlank"}.get(k)
            if fn is None:
                raise ShapesError(f"{shape}: sh:nodeKind {k} is not supported")
            out.append(("NodeKindConstraintComponent", f"{vn} FILTER(!{fn}({v}))", True))
        if not path and (g.value(shape, SH.minCount) is not None or g.value(shape, SH.maxCount) is not None):
            raise ShapesError(f"{shape}: sh:minCount/maxCount need a path")
        for n in g.objects(shape, SH.minCount):
            n = int(n)
            if n == 1:
                out.append(("MinCountConstraintComponent", f"FILTER NOT EXISTS {{ {vn} }}", False))
            elif n > 1:
                c = self.var("n")
                out.append(("MinCountConstraintComponent",
                            f"{{ SELECT {f} (COUNT(DISTINCT {v}) AS {c}) WHERE {{ {{ {f} ?_any ?_o }} UNION {{ ?_s ?_any {f} }} "
                            f"OPTIONAL {{ {vn} }} }} GROUP BY {f} }} FILTER({c} < {n})", False))
        for n in g.objects(shape, SH.maxCount):
            v2 = self.var("v")
            vn2 = self.triple(path, f, v2)
            if int(n) == 1:
                out.append(("MaxCountConstraintComponent", f"{vn} {vn2} FILTER(!sameTerm({v}, {v2}))", False))
            else:
                c = self.var("n")
                out.append(("MaxCountConstraintComponent",
                            f"{{ SELECT {f} (COUNT(DISTINCT {v2}) AS {c}) WHERE {{ {vn2} }} GROUP BY {f} }} "
                            f"FILTER({c} > {int(n)})", False))
        for lst in g.objects(shape, SH["in"]):
            members = list(rdflib.collection.Collection(g, lst))
            test = " || ".join(f"sameTerm({v}, {_sparql_term(m)})" for m in members) or "false"
            out.append(("InConstraintComponent", f"{vn} FILTER(!({test}))", True))
        for hv in g.objects(shape, SH.hasValue):
            if path:
                out.append(("HasValueConstraintComponent",
                            f"FILTER NOT EXISTS {{ {self.triple(path, f, _sparql_term(hv))} }}", False))
            else:
                out.append(("HasValueConstraintComponent", f"FILTER(!sameTerm({f}, {_sparql_term(hv)}))", True))
        for pat in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = f"str({v}), {_str(str(pat))}" + (f", {_str(str(flags))}" if flags else "")
            out.append(("PatternConstraintComponent", f"{vn} FILTER(isBlank({v}) || !regex({args}))", True))
        for m in g.objects(shape, SH.minInclusive):
            out.append(("MinInclusiveConstraintComponent",
                        f"{vn} FILTER(COALESCE(!({v} >= {_sparql_term(m)}), true))", True))
        for lst in g.objects(shape, SH.languageIn):
            langs = [str(x) for x in rdflib.collection.Collection(g, lst)]
            test = " || ".join(f"langMatches(lang({v}), {_str(x)})" for x in langs) or "false"
            out.append(("LanguageInConstraintComponent",
                        f"{vn} FILTER(!isLiteral({v}) || lang({v}) = \"\" || !({test}))", True))
        for other in g.objects(shape, SH.lessThanOrEquals):
            o = self.var("o")
            out.append(("LessThanOrEqualsConstraintComponent",
                        f"{vn} {f} <{other}> {o} . FILTER(COALESCE(!({v} <= {o}), true))", True))
        for node in g.objects(shape, SH.node):
            inner = self.node_violation(node, v)
            out.append(("NodeConstraintComponent", f"{vn} FILTER EXISTS {{ {inner} }}", True))
        return out

    def node_violation(self, node, f: str) -> str:
        """A pattern that matches when `f` does not conform to the node shape `node`."""
        branches = []
        for shape in [node, *self.g.objects(node, SH.property)]:
            v = self.var("v")
            branches += [f"{{ {pat} }}" for _, pat, _ in self.constraints(shape, f, v)]
        if self.g.value(node, SH.sparql) is not None:
            raise ShapesError(f"{node}: sh:sparql inside sh:node is not supported")
        return " UNION ".join(branches) or "FILTER(false)"

    def targets(self, shape) -> str:
        g, parts = self.g, []
        for c in g.objects(shape, SH.targetClass):
            parts.append(f"{{ @@TYPE(?this <{c}>)@@ }}")
        for p in g.objects(shape, SH.targetSubjectsOf):
            parts.append(f"{{ ?this <{p}> ?_ts }}")
        for p in g.objects(shape, SH.targetObjectsOf):
            parts.append(f"{{ ?_to <{p}> ?this }}")
        nodes = [_sparql_term(n) for n in g.objects(shape, SH.targetNode)]
        if nodes:
            parts.append(f"{{ VALUES ?this {{ {' '.join(nodes)} }} }}")
        return " UNION ".join(parts)

    def severity(self, shape) -> str:
        s = self.g.value(shape, SH.severity)
        return str(s).removeprefix(str(SH)) if s is not None else "Violation"

    def messages(self, node) -> tuple[tuple[str, str], ...]:
        return tuple(sorted((m.language or "", str(m)) for m in self.g.objects(node, SH.message)))

    def prefixes(self, constraint) -> str:
        lines = []
        for decl_owner in self.g.objects(constraint, SH.prefixes):
            for d in self.g.objects(decl_owner, SH.declare):
                lines.append(f"PREFIX {self.g.value(d, SH.prefix)}: <{self.g.value(d, SH.namespace)}>")
        return "\n".join(sorted(set(lines)))

    def compile(self) -> list[Check]:
        g, checks = self.g, []
        for shape in sorted({s for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
                             for s in g.subjects(p, None)}, key=str):
            if g.value(shape, SH.deactivated) == rdflib.Literal(True):
                continue
            target = self.targets(shape)
            for sub in [shape, *sorted(g.objects(shape, SH.property), key=str)]:
                if g.value(sub, SH.deactivated) == rdflib.Literal(True):
                    continue
                if not isinstance(sub, rdflib.URIRef):
                    raise ShapesError(f"every shape needs an IRI (a blank node under {shape})")
                path, _ = self.path_of(sub)
                for comp, pat, has_value in self.constraints(sub, "?this", "?value"):
                    if not path and has_value:
                        pat += " BIND(?this AS ?value)"
                    checks.append(Check(str(sub), comp, self.severity(sub), self.messages(sub), path,
                                        f"SELECT DISTINCT ?this {'?value' if has_value else ''} WHERE "
                                        f"{{ {{ {target} }} {pat} }}", has_value))
            for c in g.objects(shape, SH.sparql):
                select = str(g.value(c, SH.select)).replace("$this", "?this")
                messages = self.messages(c) or self.messages(shape)
                checks.append(Check(str(shape), "SPARQLConstraintComponent", self.severity(shape), messages, None,
                                    f"{self.prefixes(c)}\nSELECT DISTINCT ?this ?value ?path WHERE "
                                    f"{{ {{ {target} }} {{ {select} }} }}", True))
        return checks


@lru_cache(maxsize=1)
def checks() -> tuple[Check, ...]:
    return tuple(_Compiler(shapes_graph()).compile())


# ---------------------------------------------------------------------------------------------
# Engines
# ---------------------------------------------------------------------------------------------

def _path_n3(term) -> str | None:
    if term is None:
        return None
    s = str(term)
    return s if s.startswith("<") or s.startswith("^") else f"<{term.value}>"


_TYPE = re.compile(r"@@TYPE\((\S+) <([^>]+)>\)@@")


def _typed(queries: Iterable[str], query) -> list[str]:
    """Resolve `x rdf:type/rdfs:subClassOf* C` against the graph's own class hierarchy (SHACL's
    meaning) as plain rdf:type patterns: a property path there makes pyoxigraph scan every type."""
    subs: dict[str, list[str]] = {}
    queries = list(queries)
    for c in sorted({m[2] for q in queries for m in _TYPE.finditer(q)}):
        subs[c] = [c] + sorted(r["s"].value for r in query(f"SELECT DISTINCT ?s WHERE {{ ?s <{SUBCLASS}>+ <{c}> "
                                                             f"FILTER(isIRI(?s)) }}"))

    def repl(m: re.Match) -> str:
        return " UNION ".join(f"{{ {m[1]} <{RDF_TYPE}> <{k}> }}" for k in subs[m[2]])
    return [_TYPE.sub(repl, q) for q in queries]


def run_fast(store) -> list[Result]:
    """Every result of the shapes on a pyoxigraph store (or coopgraph Store), by compiled SPARQL."""
    query = store.query if hasattr(store, "partnerships") else (
        lambda q: store.query(q, use_default_graph_as_union=True))
    if isinstance(store, OxStore) and id(store) in _resolved:
        texts = _resolved[id(store)]
    else:
        texts = _typed((c.query for c in checks()), query)
        if isinstance(store, OxStore) and store is getattr(_scratch, "store", None):
            _resolved[id(store)] = texts  # the scratch store's hierarchy is the packaged ontology's
    rows = [(c, r) for c, text in zip(checks(), texts) for r in query(text)]
    found: set[Result] = set()
    for c, row in rows:
        value = row["value"] if c.has_value else None
        path = c.path
        if c.component == "SPARQLConstraintComponent":
            p = row["path"]
            path = f"<{p.value}>" if isinstance(p, NamedNode) else None
        found.add(Result(str(row["this"]), path, str(value) if value is not None else None,
                         c.shape, c.component, c.severity, c.messages))
    return sorted(found, key=Result.sort_key)


def _rdflib_graph(triples: Iterable) -> rdflib.Graph:
    import io

    buf = io.BytesIO()
    serialize(triples, buf, format=RdfFormat.N_TRIPLES)
    g = rdflib.Graph()
    g.parse(data=buf.getvalue(), format="nt")
    return g


def run_pyshacl(triples: Iterable) -> list[Result]:
    """The reference: the whole graph in rdflib, validated by pyshacl."""
    import pyshacl

    data = _rdflib_graph(triples)
    _, report, _ = pyshacl.validate(data, shacl_graph=shapes_graph(), inference="none",
                                    allow_warnings=True)
    langs = {str(m): m.language or "" for m in shapes_graph().objects(None, SH.message)}
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
        messages = tuple(sorted((m.language or langs.get(str(m), ""), str(m))
                                for m in report.objects(r, SH.resultMessage)))
        if comp != "SPARQLConstraintComponent" and value is not None and comp in (
                "MinCountConstraintComponent", "MaxCountConstraintComponent", "HasValueConstraintComponent") \
                and path is not None:
            value = None  # pyshacl adds no value for these when a path is set; keep it uniform
        found.add(Result(_n3(report.value(r, SH.focusNode)), path, _n3(value) if value is not None else None,
                         str(shape), comp, str(report.value(r, SH.resultSeverity)).removeprefix(str(SH)),
                         messages))
    return sorted(found, key=Result.sort_key)


# ---------------------------------------------------------------------------------------------
# What to validate: the store, files, one page
# ---------------------------------------------------------------------------------------------

_FILE_FORMATS = {".ttl": RdfFormat.TURTLE, ".turtle": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES,
                 ".ntriples": RdfFormat.N_TRIPLES, ".jsonld": RdfFormat.JSON_LD, ".json": RdfFormat.JSON_LD,
                 ".nq": RdfFormat.N_QUADS, ".trig": RdfFormat.TRIG, ".rdf": RdfFormat.RDF_XML,
                 ".owl": RdfFormat.RDF_XML}


def file_formats_help() -> str:
    """'Turtle (.ttl, .turtle), N-Triples (.nt, .ntriples), ...': every extension load_files reads."""
    names = {RdfFormat.TURTLE: "Turtle", RdfFormat.N_TRIPLES: "N-Triples", RdfFormat.JSON_LD: "JSON-LD",
             RdfFormat.N_QUADS: "N-Quads", RdfFormat.TRIG: "TriG", RdfFormat.RDF_XML: "RDF/XML"}
    by_format: dict = {}
    for ext, fmt in _FILE_FORMATS.items():
        by_format.setdefault(fmt, []).append(ext)
    return ", ".join(f"{names.get(f, f.name)} ({', '.join(exts)})" for f, exts in by_format.items())


def load_files(paths: Iterable[Path]) -> OxStore:
    """An in-memory store with the files and the packaged reference data."""
    store = OxStore()
    store.bulk_extend(reference_quads())
    for i, path in enumerate(paths):
        fmt = _FILE_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise InputError(f"{path}: unknown RDF format (expected {file_formats_help()})")
        g = NamedNode(f"{iris.GRAPH}file/{i}")
        if not path.is_file():  # a FIFO would block forever, a device never end
            raise InputError(f"{path}: not a regular file")
        try:
            data = path.read_bytes()
            if fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG):
                store.bulk_extend(list(parse(data, format=fmt)))
            else:
                store.bulk_extend([Quad(t.subject, t.predicate, t.object, g) for t in parse(data, format=fmt)])
        except (SyntaxError, ValueError) as e:
            raise InputError(f"{path}: not valid {fmt.name}: {e}") from None
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror}") from None
    return store


def _triples(store) -> Iterable:
    return store.triples() if hasattr(store, "triples") else _distinct_triples(store)


def _distinct_triples(store) -> Iterable:
    seen = set()
    for q in store.quads_for_pattern(None, None, None, None):
        if q.triple not in seen:
            seen.add(q.triple)
            yield q.triple


def validate(store, engine: str = "fast") -> list[Result]:
    return run_fast(store) if engine == "fast" else run_pyshacl(_triples(store))


class _Scratch:
    """An in-memory store holding the reference data, reused for one page at a time."""

    def __init__(self):
        self.store = OxStore()
        self.store.bulk_extend(reference_quads())
        self.ref_graphs = {q.graph_name for q in reference_quads()}

    def run(self, quads: Iterable[Quad]) -> list[Result]:
        quads = list(quads)
        self.store.extend(quads)
        try:
            return run_fast(self.store)
        finally:
            for g in {q.graph_name for q in quads} - self.ref_graphs:
                self.store.remove_graph(g)


_scratch: _Scratch | None = None
_resolved: dict[int, list[str]] = {}


def validate_page(quads: Iterable[Quad]) -> list[Result]:
    """Validate one partnership: its page graph and the shared nodes it describes."""
    global _scratch
    if _scratch is None:
        _scratch = _Scratch()
    return _scratch.run(quads)


def page_check(converted, file: str | None = None) -> list[Problem]:
    """Check one converted page: violations keep it out (errors), warnings are reported."""
    results = validate_page([*converted.page, *converted.entities])
    return to_problems(results, str(converted.partnership), file or converted.key)


def to_problems(results: Iterable[Result], partnership: str, where: str) -> list[Problem]:
    out = []
    for r in results:
        if r.severity == "Info":
            continue
        subject = "" if r.focus == partnership else f"{short(r.focus)} "
        what = f"{subject}{short(r.path) if r.path else ''}".strip()
        value = f" = {short(r.value)}" if r.value else ""
        out.append(Problem(where, None, f"SHACL {r.severity.lower()}: {what}{value}: {r.message('en')}",
                           "error" if r.severity == "Violation" else "warning"))
    return out


def check_batch(pages: list) -> dict[str, list[Result]]:
    """Validate a batch of converted pages (`store.PageData`) at once, as ingest does.

    One run of the compiled shapes over the whole batch costs about what one page costs alone,
    so this is what makes validation at ingest cheap. Each result goes to the pages that own its
    focus node: a page owns its partnership, fundings, theme assignments and source, and shares
    the entity nodes it refers to (directly, or through the broader concepts of its themes).
    Entity descriptions are the same whichever page writes them, so a page gets the results it
    would get if validated alone.
    """
    global _scratch
    if _scratch is None:
        _scratch = _Scratch()
    data = b"".join(b"".join(p.entities) + p.page for p in pages)
    graphs = {NamedNode(p.graph): p.key for p in pages}
    store = _scratch.store
    store.load(data, format=RdfFormat.N_QUADS)
    try:
        results = run_fast(store)
        by_key: dict[str, list[Result]] = defaultdict(list)
        owners: dict[str, set[str]] = {}
        for r in results:
            if r.focus not in owners:
                owners[r.focus] = _owners(store, r.focus, graphs)
            for key in owners[r.focus]:
                by_key[key].append(r)
        return by_key
    finally:
        for g in [*graphs, NamedNode(iris.G_ENTITIES)]:
            store.remove_graph(g)


def ingest_check(pages: list, files: dict[str, str]) -> dict[str, list[Problem]]:
    """The ingest hook (see ingest.BatchCheck): each page's violations (errors) and warnings."""
    by_key = check_batch(pages)
    return {p.key: to_problems(by_key.get(p.key, []), f"<{iris.partnership(p.key)}>", files.get(p.key, p.key))
            for p in pages}


def _owners(store: OxStore, focus: str, graphs: dict[NamedNode, str]) -> set[str]:
    if not (focus.startswith("<") and focus.endswith(">")):
        return set()
    frontier, seen, keys = [NamedNode(focus[1:-1])], set(), set()
    ent = NamedNode(iris.G_ENTITIES)
    while frontier and len(seen) < 1000:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for q in store.quads_for_pattern(node, None, None, None):
            if q.graph_name in graphs:  # a node described in a page graph belongs to that page
                keys.add(graphs[q.graph_name])
                break
        for q in store.quads_for_pattern(None, None, node, None):
            if q.graph_name in graphs:
                keys.add(graphs[q.graph_name])
            elif q.graph_name == ent:  # e.g. a provisional theme reached through a narrower one
                frontier.append(q.subject)
    return keys


def partition_quads(store, key: str) -> list[Quad]:
    """One partnership's graph plus the shared nodes it names, as ingest would check it."""
    g = NamedNode(iris.partnership_graph(key))
    ent = NamedNode(iris.G_ENTITIES)
    page = list(store.open.quads_for_pattern(None, None, None, g))
    nodes = {q.object for q in page if isinstance(q.object, NamedNode)}
    out = list(page)
    for n in nodes:
        out.extend(store.open.quads_for_pattern(n, None, None, ent))
    return out


def validate_partitioned(store) -> list[Result]:
    found: set[Result] = set()
    for key in sorted(store.partnerships()):
        found.update(validate_page(partition_quads(store, key)))
    return sorted(found, key=Result.sort_key)


# ---------------------------------------------------------------------------------------------
# The report for people
# ---------------------------------------------------------------------------------------------

def short(n3: str | None) -> str:
    if not n3:
        return ""
    inverse = n3.startswith("^")
    s = n3[1:] if inverse else n3
    if s.startswith("<") and s.endswith(">"):
        iri = s[1:-1]
        for prefix, base in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(base) and "/" not in iri[len(base):] and "#" not in iri[len(base):]:
                s = f"{prefix}:{iri[len(base):]}"
                break
        else:
            s = f"<{iri}>"
    else:
        for prefix in ("xsd", "rdf"):
            s = s.replace(f"^^<{PREFIXES[prefix]}", f"^^{prefix}:").removesuffix(">") if f"^^<{PREFIXES[prefix]}" in s else s
        if len(s) > 80:
            s = s[:77] + "…"
    return ("^" if inverse else "") + s


@dataclass
class Group:
    partnership: str | None  # IRI (N-Triples form) or None for shared nodes
    title: str | None = None
    source: str | None = None
    results: list[Result] = field(default_factory=list)


@dataclass
class Report:
    results: list[Result]
    groups: list[Group]
    checked: int  # partnerships in the validated graph
    labels: dict[str, str]

    def count(self, severity: str) -> int:
        return sum(1 for r in self.results if r.severity == severity)

    @property
    def conforms(self) -> bool:
        """SHACL's meaning: no result of any severity."""
        return not self.results

    @property
    def violations(self) -> list[Result]:
        """The results that make the data invalid."""
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        """Results worth a look that do not make the data invalid."""
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def valid(self) -> bool:
        """No violation: warnings and infos alone leave the data valid (what exit code 0 means)."""
        return not self.violations

    def fails(self, fail_on: str) -> bool:
        worst = SEVERITIES[: SEVERITIES.index(fail_on.capitalize()) + 1]
        return any(r.severity in worst for r in self.results)

    def summary(self) -> str:
        bad = sum(1 for g in self.groups if g.partnership and g.results)
        return (f"{self.checked} partnership(s) checked: {self.count('Violation')} violation(s), "
                f"{self.count('Warning')} warning(s), {self.count('Info')} info(s); "
                f"{bad} partnership(s) with results"
                + ("; conforms." if self.conforms else
                   "; no violation." if not self.count("Violation") else "; does NOT conform."))


def _rows(query, sparql: str):
    return list(query(sparql))


def build_report(store, results: list[Result]) -> Report:
    """Group results by partnership, with its title and source page, read from the same graph."""
    query = store.query if hasattr(store, "partnerships") else (
        lambda q: store.query(q, use_default_graph_as_union=True))
    cg, schema = iris.ONTOLOGY, "http://schema.org/"
    owner: dict[str, set[str]] = defaultdict(set)
    focus = sorted({r.focus for r in results if r.focus.startswith("<")})
    for i in range(0, len(focus), 2000):
        values = " ".join(focus[i:i + 2000])
        for row in query(f"""SELECT DISTINCT ?f ?p WHERE {{ VALUES ?f {{ {values} }}
                {{ ?f a <{cg}Partnership> BIND(?f AS ?p) }}
                UNION {{ ?p <{cg}themeAssignment>|<http://www.w3.org/ns/prov#wasDerivedFrom> ?f }}
                UNION {{ ?f <{schema}fundedItem> ?p }} }}"""):
            owner[str(row["f"])].add(str(row["p"]))
    checked = int(next(iter(query(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{cg}Partnership> }}")))["n"].value)
    groups: dict[str | None, Group] = {}
    for r in results:
        for p in sorted(owner.get(r.focus) or [None]):
            groups.setdefault(p, Group(p)).results.append(r)
    parts = [p for p in groups if p]
    labels: dict[str, str] = {}
    for i in range(0, len(parts), 2000):
        values = " ".join(parts[i:i + 2000])
        for row in query(f"""SELECT ?p (SAMPLE(?t) AS ?title) (SAMPLE(?fn) AS ?file) WHERE {{ VALUES ?p {{ {values} }}
                OPTIONAL {{ ?p <http://purl.org/dc/terms/title> ?t }}
                OPTIONAL {{ ?p <http://www.w3.org/ns/prov#wasDerivedFrom>/<{cg}fileName> ?fn }} }} GROUP BY ?p"""):
            g = groups[str(row["p"])]
            g.title = row["title"].value if row["title"] is not None else None
            g.source = row["file"].value if row["file"] is not None else None
    shared = sorted({r.focus for r in groups.get(None, Group(None)).results if r.focus.startswith("<")})
    for i in range(0, len(shared), 2000):
        values = " ".join(shared[i:i + 2000])
        for row in query(f"""SELECT ?f (SAMPLE(?l) AS ?label) WHERE {{ VALUES ?f {{ {values} }}
                ?f <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l
                }} GROUP BY ?f"""):
            labels[str(row["f"])] = row["label"].value
    order = sorted(groups.values(), key=lambda g: (g.partnership is None, g.title or "", g.partnership or ""))
    for g in order:
        g.results.sort(key=lambda r: (SEVERITIES.index(r.severity), r.focus, r.path or "", r.value or "", r.shape))
    return Report(results, order, checked, labels)


def write_text(report: Report, out, lang: str = "en") -> None:
    def line(s: str = "") -> None:
        out.write(s + "\n")

    for g in report.groups:
        if g.partnership:
            line(f"Partnership: {g.title or '(no title)'}")
            line(f"  {g.partnership[1:-1]}")
            line(f"  source page: {g.source or '(unknown)'}")
        else:
            line("Shared nodes (collectivités, funders, embassies, concepts):")
        for r in g.results:
            node = "" if r.focus == g.partnership else f"{short(r.focus)}"
            if not g.partnership and r.focus in report.labels:
                node += f" ({report.labels[r.focus]})"
            where = " ".join(x for x in (node, short(r.path)) if x) or "(node)"
            line(f"  {r.severity.upper():<9} {where}")
            if r.value:
                line(f"            value: {short(r.value)}")
            line(f"            {r.message(lang)}")
        line()
    line(report.summary())


def write_json(report: Report, out, lang: str = "en") -> None:
    def res(r: Result, g: Group) -> dict:
        return {"severity": r.severity, "focusNode": r.focus, "path": r.path, "value": r.value,
                "message": r.message(lang), "messages": {lg: t for lg, t in r.messages},
                "sourceShape": r.shape, "sourceConstraintComponent": r.component}

    # "conforms" is SHACL's word (no result at all, warnings included); "valid" is what the exit
    # code says (no violation). Both, and a sentence, so that no one reads a warning as a failure.
    doc = {"valid": report.valid,
           "conforms": report.conforms,
           "meaning": ("valid: no violation (warnings and infos alone do not make the data invalid; "
                       "exit code 0 unless --fail-on warning). conforms: SHACL's stricter sense, "
                       "no result of any severity."),
           "summary": {"partnerships": report.checked, "violations": report.count("Violation"),
                       "warnings": report.count("Warning"), "infos": report.count("Info"),
                       "text": report.summary()},
           "groups": [{"partnership": g.partnership[1:-1] if g.partnership else None, "title": g.title,
                       "source": g.source, "results": [res(r, g) for r in g.results]}
                      for g in report.groups]}
    json.dump(doc, out, ensure_ascii=False, indent=2)
    out.write("\n")


def write_turtle(report: Report, out) -> None:
    """The standard SHACL validation report (sh:ValidationReport)."""
    g = rdflib.Graph()
    g.bind("sh", SH)
    for prefix, base in PREFIXES.items():
        g.bind(prefix, base)
    g.bind("cgsh", "https://w3id.org/coopgraph/shapes#")
    rep = rdflib.BNode()
    g.add((rep, rdflib.RDF.type, SH.ValidationReport))
    g.add((rep, SH.conforms, rdflib.Literal(report.conforms)))

    def term(n3: str):
        return next(iter(rdflib.Graph().parse(data=f"<urn:s> <urn:p> {n3} .", format="nt").objects()))

    for r in report.results:
        node = rdflib.BNode()
        g.add((rep, SH.result, node))
        g.add((node, rdflib.RDF.type, SH.ValidationResult))
        g.add((node, SH.focusNode, term(r.focus)))
        if r.path:
            if r.path.startswith("^"):
                p = rdflib.BNode()
                g.add((p, SH.inversePath, term(r.path[1:])))
                g.add((node, SH.resultPath, p))
            else:
                g.add((node, SH.resultPath, term(r.path)))
        if r.value:
            g.add((node, SH.value, term(r.value)))
        g.add((node, SH.sourceShape, rdflib.URIRef(r.shape)))
        g.add((node, SH.sourceConstraintComponent, SH[r.component]))
        g.add((node, SH.resultSeverity, SH[r.severity]))
        for lg, text in r.messages:
            g.add((node, SH.resultMessage, rdflib.Literal(text, lang=lg or None)))
    out.write(g.serialize(format="turtle"))

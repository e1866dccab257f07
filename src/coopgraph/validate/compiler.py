"""The SHACL → SPARQL compiler: each constraint of the shapes becomes one SELECT returning the
failing (focus node, value) pairs. It covers the subset of SHACL the shapes use (listed at the
top of the shapes file); a shape using anything else is refused when the shapes are loaded,
never silently skipped."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode

from .. import resources

SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
SUBCLASS = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
XSD = "http://www.w3.org/2001/XMLSchema#"

# Lexical forms a well-typed literal must have (SHACL's sh:datatype also rejects ill-typed literals).
_LEXICAL = {
    XSD + "decimal": r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)$",
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "gYear": r"^-?[0-9]{4,}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD + "boolean": r"^(true|false|1|0)$",
    XSD + "date": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})?$",
    XSD
    + "dateTime": r"^-?[0-9]{4,}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$",
}
_CASTS = {XSD + "date", XSD + "dateTime"}  # a date must also exist (no 31 February)


class ShapesError(Exception):
    """The shapes use SHACL that the fast engine does not compile."""


@lru_cache(maxsize=1)
def shapes_graph() -> rdflib.Graph:
    """The packaged SHACL shapes (shapes/*.ttl), parsed once per process."""
    g = rdflib.Graph()
    for f in sorted(resources.shapes_dir().iterdir(), key=lambda f: f.name):
        if f.name.endswith(".ttl"):
            g.parse(data=f.read_bytes(), format="turtle")
    return g


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


def _int(node: object) -> int:
    """An integer literal of the shapes (sh:minCount 1) as an int."""
    return int(str(node))


def _lang(node: object) -> str:
    """The language tag of a literal, "" when it has none (or is not a literal)."""
    return (node.language or "") if isinstance(node, rdflib.Literal) else ""


def _str(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


@dataclass
class Check:
    shape: str
    component: str
    severity: str
    messages: tuple[tuple[str, str], ...]
    path: str | None
    query: str  # SELECT ?this ?value ?path
    has_value: bool


_SUPPORTED = {
    SH[x]
    for x in (
        "targetClass",
        "targetSubjectsOf",
        "targetObjectsOf",
        "targetNode",
        "property",
        "path",
        "class",
        "datatype",
        "nodeKind",
        "minCount",
        "maxCount",
        "in",
        "hasValue",
        "pattern",
        "flags",
        "minInclusive",
        "languageIn",
        "lessThanOrEquals",
        "node",
        "sparql",
        "severity",
        "message",
        "name",
        "description",
        "deactivated",
        "order",
        "group",
    )
} | {rdflib.RDF.type}


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
            kinds: dict[object, str] = {SH.IRI: "isIRI", SH.Literal: "isLiteral", SH.BlankNode: "isBlank"}
            fn = kinds.get(k)
            if fn is None:
                raise ShapesError(f"{shape}: sh:nodeKind {k} is not supported")
            out.append(("NodeKindConstraintComponent", f"{vn} FILTER(!{fn}({v}))", True))
        if not path and (g.value(shape, SH.minCount) is not None or g.value(shape, SH.maxCount) is not None):
            raise ShapesError(f"{shape}: sh:minCount/maxCount need a path")
        for node in g.objects(shape, SH.minCount):
            n = _int(node)
            if n == 1:
                out.append(("MinCountConstraintComponent", f"FILTER NOT EXISTS {{ {vn} }}", False))
            elif n > 1:
                cnt = self.var("n")
                out.append(
                    (
                        "MinCountConstraintComponent",
                        f"{{ SELECT {f} (COUNT(DISTINCT {v}) AS {cnt}) WHERE {{ {{ {f} ?_any ?_o }} UNION {{ ?_s ?_any {f} }} "
                        f"OPTIONAL {{ {vn} }} }} GROUP BY {f} }} FILTER({cnt} < {n})",
                        False,
                    )
                )
        for node in g.objects(shape, SH.maxCount):
            n = _int(node)
            v2 = self.var("v")
            assert path is not None  # checked above: a count needs a path
            vn2 = self.triple(path, f, v2)
            if n == 1:
                out.append(("MaxCountConstraintComponent", f"{vn} {vn2} FILTER(!sameTerm({v}, {v2}))", False))
            else:
                cnt = self.var("n")
                out.append(
                    (
                        "MaxCountConstraintComponent",
                        f"{{ SELECT {f} (COUNT(DISTINCT {v2}) AS {cnt}) WHERE {{ {vn2} }} GROUP BY {f} }} "
                        f"FILTER({cnt} > {n})",
                        False,
                    )
                )
        for lst in g.objects(shape, SH["in"]):
            members = list(rdflib.collection.Collection(g, lst))
            test = " || ".join(f"sameTerm({v}, {_sparql_term(m)})" for m in members) or "false"
            out.append(("InConstraintComponent", f"{vn} FILTER(!({test}))", True))
        for hv in g.objects(shape, SH.hasValue):
            if path:
                out.append(
                    (
                        "HasValueConstraintComponent",
                        f"FILTER NOT EXISTS {{ {self.triple(path, f, _sparql_term(hv))} }}",
                        False,
                    )
                )
            else:
                out.append(("HasValueConstraintComponent", f"FILTER(!sameTerm({f}, {_sparql_term(hv)}))", True))
        for pat in g.objects(shape, SH.pattern):
            flags = g.value(shape, SH.flags)
            args = f"str({v}), {_str(str(pat))}" + (f", {_str(str(flags))}" if flags else "")
            out.append(("PatternConstraintComponent", f"{vn} FILTER(isBlank({v}) || !regex({args}))", True))
        for m in g.objects(shape, SH.minInclusive):
            out.append(
                ("MinInclusiveConstraintComponent", f"{vn} FILTER(COALESCE(!({v} >= {_sparql_term(m)}), true))", True)
            )
        for lst in g.objects(shape, SH.languageIn):
            langs = [str(x) for x in rdflib.collection.Collection(g, lst)]
            test = " || ".join(f"langMatches(lang({v}), {_str(x)})" for x in langs) or "false"
            out.append(
                ("LanguageInConstraintComponent", f'{vn} FILTER(!isLiteral({v}) || lang({v}) = "" || !({test}))', True)
            )
        for other in g.objects(shape, SH.lessThanOrEquals):
            o = self.var("o")
            out.append(
                (
                    "LessThanOrEqualsConstraintComponent",
                    f"{vn} {f} <{other}> {o} . FILTER(COALESCE(!({v} <= {o}), true))",
                    True,
                )
            )
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
        return tuple(sorted((_lang(m), str(m)) for m in self.g.objects(node, SH.message)))

    def prefixes(self, constraint) -> str:
        lines = []
        for decl_owner in self.g.objects(constraint, SH.prefixes):
            for d in self.g.objects(decl_owner, SH.declare):
                lines.append(f"PREFIX {self.g.value(d, SH.prefix)}: <{self.g.value(d, SH.namespace)}>")
        return "\n".join(sorted(set(lines)))

    def compile(self) -> list[Check]:
        g, checks = self.g, []
        for shape in sorted(
            {
                s
                for p in (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
                for s in g.subjects(p, None)
            },
            key=str,
        ):
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
                    checks.append(
                        Check(
                            str(sub),
                            comp,
                            self.severity(sub),
                            self.messages(sub),
                            path,
                            f"SELECT DISTINCT ?this {'?value' if has_value else ''} WHERE {{ {{ {target} }} {pat} }}",
                            has_value,
                        )
                    )
            for c in g.objects(shape, SH.sparql):
                select = str(g.value(c, SH.select)).replace("$this", "?this")
                messages = self.messages(c) or self.messages(shape)
                checks.append(
                    Check(
                        str(shape),
                        "SPARQLConstraintComponent",
                        self.severity(shape),
                        messages,
                        None,
                        f"{self.prefixes(c)}\nSELECT DISTINCT ?this ?value ?path WHERE "
                        f"{{ {{ {target} }} {{ {select} }} }}",
                        True,
                    )
                )
        return checks


@lru_cache(maxsize=1)
def checks() -> tuple[Check, ...]:
    return tuple(_Compiler(shapes_graph()).compile())


__all__ = ["SH", "Check", "ShapesError", "checks", "shapes_graph"]

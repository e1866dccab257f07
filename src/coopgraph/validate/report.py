"""The report for people: results grouped by partnership (title, source page), written as text,
JSON or the standard SHACL validation report in Turtle."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field

import rdflib

from ..rdf import iris
from ..rdf.namespaces import PREFIXES
from .compiler import SH
from .result import SEVERITIES, Result


def short(n3: str | None) -> str:
    if not n3:
        return ""
    inverse = n3.startswith("^")
    s = n3[1:] if inverse else n3
    if s.startswith("<") and s.endswith(">"):
        iri = s[1:-1]
        for prefix, base in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
            if iri.startswith(base) and "/" not in iri[len(base) :] and "#" not in iri[len(base) :]:
                s = f"{prefix}:{iri[len(base) :]}"
                break
        else:
            s = f"<{iri}>"
    else:
        for prefix in ("xsd", "rdf"):
            s = (
                s.replace(f"^^<{PREFIXES[prefix]}", f"^^{prefix}:").removesuffix(">")
                if f"^^<{PREFIXES[prefix]}" in s
                else s
            )
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
        return (
            f"{self.checked} partnership(s) checked: {self.count('Violation')} violation(s), "
            f"{self.count('Warning')} warning(s), {self.count('Info')} info(s); "
            f"{bad} partnership(s) with results"
            + (
                "; conforms."
                if self.conforms
                else "; no violation."
                if not self.count("Violation")
                else "; does NOT conform."
            )
        )


def build_report(store, results: list[Result]) -> Report:
    """Group results by partnership, with its title and source page, read from the same graph."""
    query = (
        store.query if hasattr(store, "partnerships") else (lambda q: store.query(q, use_default_graph_as_union=True))
    )
    cg, schema = iris.ONTOLOGY, "http://schema.org/"
    owner: dict[str, set[str]] = defaultdict(set)
    focus = sorted({r.focus for r in results if r.focus.startswith("<")})
    for i in range(0, len(focus), 2000):
        values = " ".join(focus[i : i + 2000])
        for row in query(f"""SELECT DISTINCT ?f ?p WHERE {{ VALUES ?f {{ {values} }}
                {{ ?f a <{cg}Partnership> BIND(?f AS ?p) }}
                UNION {{ ?p <{cg}themeAssignment>|<http://www.w3.org/ns/prov#wasDerivedFrom> ?f }}
                UNION {{ ?f <{schema}fundedItem> ?p }} }}"""):
            owner[str(row["f"])].add(str(row["p"]))
    checked = int(next(iter(query(f"SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE {{ ?p a <{cg}Partnership> }}")))["n"].value)
    groups: dict[str | None, Group] = {}
    for r in results:
        for p in sorted(owner[r.focus]) if owner.get(r.focus) else [None]:
            groups.setdefault(p, Group(p)).results.append(r)
    parts = [p for p in groups if p]
    labels: dict[str, str] = {}
    for i in range(0, len(parts), 2000):
        values = " ".join(parts[i : i + 2000])
        for row in query(f"""SELECT ?p (SAMPLE(?t) AS ?title) (SAMPLE(?fn) AS ?file) WHERE {{ VALUES ?p {{ {values} }}
                OPTIONAL {{ ?p <http://purl.org/dc/terms/title> ?t }}
                OPTIONAL {{ ?p <http://www.w3.org/ns/prov#wasDerivedFrom>/<{cg}fileName> ?fn }} }} GROUP BY ?p"""):
            g = groups[str(row["p"])]
            g.title = row["title"].value if row["title"] is not None else None
            g.source = row["file"].value if row["file"] is not None else None
    shared = sorted({r.focus for r in groups.get(None, Group(None)).results if r.focus.startswith("<")})
    for i in range(0, len(shared), 2000):
        values = " ".join(shared[i : i + 2000])
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
        return {
            "severity": r.severity,
            "focusNode": r.focus,
            "path": r.path,
            "value": r.value,
            "message": r.message(lang),
            "messages": {lg: t for lg, t in r.messages},
            "sourceShape": r.shape,
            "sourceConstraintComponent": r.component,
        }

    # "conforms" is SHACL's word (no result at all, warnings included); "valid" is what the exit
    # code says (no violation). Both, and a sentence, so that no one reads a warning as a failure.
    doc = {
        "valid": report.valid,
        "conforms": report.conforms,
        "meaning": (
            "valid: no violation (warnings and infos alone do not make the data invalid; "
            "exit code 0 unless --fail-on warning). conforms: SHACL's stricter sense, "
            "no result of any severity."
        ),
        "summary": {
            "partnerships": report.checked,
            "violations": report.count("Violation"),
            "warnings": report.count("Warning"),
            "infos": report.count("Info"),
            "text": report.summary(),
        },
        "groups": [
            {
                "partnership": g.partnership[1:-1] if g.partnership else None,
                "title": g.title,
                "source": g.source,
                "results": [res(r, g) for r in g.results],
            }
            for g in report.groups
        ],
    }
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


__all__ = ["Group", "Report", "build_report", "short", "write_json", "write_text", "write_turtle"]

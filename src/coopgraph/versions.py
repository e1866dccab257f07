"""What a new version of a stored partnership changes, and whether the change looks like a loss.

Ingest calls this only for partnerships already in the store whose page bytes changed, so a first
ingest and a re-ingest of unchanged pages never pay for it. Both versions are read from their RDF
(the stored graph, and the N-Quads about to replace it), so they are compared the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from .rdf import iris
from .rdf.namespaces import CG, DCTERMS, RDF, RDFS, SCHEMA

# A replacement is refused (unless forced) when it keeps less than this share of the stored
# version's statements, or of its funding rows (for a version that had at least MIN_ROWS rows).
KEEP_AT_LEAST = 0.5
MIN_ROWS = 4


@dataclass
class Version:
    """The parts of one partnership version a person checks first."""

    title: str = ""
    statements: int = 0
    rows: int = 0
    total: Decimal = Decimal(0)
    funders: dict[str, Decimal] = field(default_factory=dict)  # funder IRI → amount
    french: set[str] = field(default_factory=set)
    foreign: set[str] = field(default_factory=set)


def summarise(quads) -> Version:
    v = Version()
    fundings: dict = {}
    for q in quads:
        v.statements += 1
        p, o = q.predicate, q.object
        if p == DCTERMS.title and isinstance(o, Literal):
            v.title = o.value
        elif p == RDF.type and o == CG.Funding:
            fundings.setdefault(q.subject, [None, Decimal(0)])
        elif p == SCHEMA.funder:
            fundings.setdefault(q.subject, [None, Decimal(0)])[0] = o.value
        elif p == SCHEMA.amount and isinstance(o, Literal):
            try:
                fundings.setdefault(q.subject, [None, Decimal(0)])[1] = Decimal(o.value)
            except InvalidOperation:
                pass
        elif p == CG.frenchPartner:
            v.french.add(o.value)
        elif p == CG.foreignPartner:
            v.foreign.add(o.value)
    v.rows = len(fundings)
    for funder, amount in fundings.values():
        v.total += amount
        if funder:
            v.funders[funder] = v.funders.get(funder, Decimal(0)) + amount
    return v


def stored_version(store, graph: str) -> Version:
    return summarise(store.open.quads_for_pattern(None, None, None, NamedNode(graph)))


def new_version(page_nquads: bytes) -> Version:
    return summarise(parse(page_nquads, format=RdfFormat.N_QUADS))


def labels(store, nodes: set[str], entity_lines: list[bytes]) -> dict[str, str]:
    """Names to show for funder/partner IRIs: from the new page's entity lines, else the store."""
    out: dict[str, str] = {}
    label = RDFS.label.value
    if entity_lines:
        for q in parse(b"".join(x for x in entity_lines if b"rdf-schema#label>" in x), format=RdfFormat.N_QUADS):
            if q.predicate.value == label and q.subject.value in nodes:
                out.setdefault(q.subject.value, q.object.value)
    entities = NamedNode(iris.G_ENTITIES)
    for n in nodes - out.keys():
        for q in store.open.quads_for_pattern(NamedNode(n), RDFS.label, None, entities):
            out[n] = q.object.value
            break
        else:
            out[n] = n.rsplit("/", 1)[-1]
    return out


@dataclass
class Change:
    """One stored partnership replaced by a new version of its page."""

    file: str
    title: str
    old: Version
    new: Version
    names: dict[str, str]

    @property
    def suspicious(self) -> bool:
        o, n = self.old, self.new
        if o.statements and n.statements < KEEP_AT_LEAST * o.statements:
            return True
        return o.rows >= MIN_ROWS and n.rows < KEEP_AT_LEAST * o.rows

    def details(self) -> str:
        o, n = self.old, self.new
        parts = []
        if (o.rows, o.total) != (n.rows, n.total):
            parts.append(f"funding rows {o.rows} → {n.rows}, total {_eur(o.total)} → {_eur(n.total)}")
        gone = sorted(self.names[f] for f in o.funders.keys() - n.funders.keys())
        new = sorted(self.names[f] for f in n.funders.keys() - o.funders.keys())
        if gone or new:
            parts.append(
                f"funders {len(o.funders)} → {len(n.funders)}"
                + (f" (removed: {_list(gone)})" if gone else "")
                + (f" (added: {_list(new)})" if new else "")
            )
        for what, a, b in (("French partners", o.french, n.french), ("foreign partners", o.foreign, n.foreign)):
            gone = sorted(self.names[x] for x in a - b)
            new = sorted(self.names[x] for x in b - a)
            if gone:
                parts.append(f"{what} removed: {_list(gone)}")
            if new:
                parts.append(f"{what} added: {_list(new)}")
        if not parts:
            parts.append("funding and partners unchanged")
        parts.append(f"statements {o.statements} → {n.statements}")
        return "; ".join(parts)

    def __str__(self) -> str:
        return f"{self.file}: replaced the stored version of {self.title!r}: {self.details()}"


def _eur(amount: Decimal) -> str:
    whole = amount.quantize(Decimal(1)) if amount == amount.to_integral_value() else amount
    return f"{whole:,} €".replace(",", " ")


def _list(names: list[str], at_most: int = 5) -> str:
    more = f" and {len(names) - at_most} more" if len(names) > at_most else ""
    return ", ".join(names[:at_most]) + more


def compare(store, file: str, graph: str, page_nquads: bytes, entity_lines: list[bytes]) -> Change:
    old = stored_version(store, graph)
    new = new_version(page_nquads)
    nodes = (set(old.funders) ^ set(new.funders)) | (old.french ^ new.french) | (old.foreign ^ new.foreign)
    return Change(file, new.title or old.title, old, new, labels(store, nodes, entity_lines))

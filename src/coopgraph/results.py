"""SPARQL SELECT results as a small table, from the embedded store or a remote endpoint,
written as a text table, CSV, TSV or SPARQL 1.1 JSON results."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from typing import IO, Any, NamedTuple

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, serialize

from .rdf.namespaces import PREFIXES

XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int", "nonNegativeInteger")}


class Cell(NamedTuple):
    # A tuple, not a dataclass: an answer of 10,000 rows makes 50,000 of them (4x faster to build).
    value: str
    kind: str  # "uri" | "literal" | "bnode"
    datatype: str | None = None
    lang: str | None = None

    @property
    def numeric(self) -> bool:
        return self.kind == "literal" and self.datatype in _NUMERIC

    def to_json(self) -> dict:
        d: dict = {"type": self.kind, "value": self.value}
        if self.lang:
            d["xml:lang"] = self.lang
        elif self.datatype and self.datatype != XSD + "string":
            d["datatype"] = self.datatype
        return d

    def short(self) -> str:
        if self.kind == "uri":
            for prefix, base in PREFIXES.items():
                if self.value.startswith(base) and len(self.value) > len(base):
                    return f"{prefix}:{self.value[len(base) :]}"
        if self.kind == "bnode":
            return f"_:{self.value}"
        return self.value


@dataclass
class Table:
    variables: list[str]
    rows: list[list[Cell | None]]

    def column(self, name: str) -> list[Cell | None]:
        i = self.variables.index(name)
        return [r[i] for r in self.rows]


def cell_from_term(term) -> Cell | None:
    if term is None:
        return None
    if isinstance(term, NamedNode):
        return Cell(term.value, "uri")
    if isinstance(term, BlankNode):
        return Cell(term.value, "bnode")
    if isinstance(term, Literal):
        return Cell(term.value, "literal", term.datatype.value if not term.language else None, term.language)
    return Cell(str(term), "literal")


def from_oxigraph(solutions) -> Table:
    variables = [v.value for v in solutions.variables]
    rows = [[cell_from_term(s[v]) for v in variables] for s in solutions]
    return Table(variables, rows)


def from_sparql_json(data: dict) -> Table:
    variables = list(data.get("head", {}).get("vars", []))
    rows: list[list[Cell | None]] = []
    for b in data.get("results", {}).get("bindings", []):
        row: list[Cell | None] = []
        for v in variables:
            t = b.get(v)
            if t is None:
                row.append(None)
                continue
            kind = {"typed-literal": "literal"}.get(t["type"], t["type"])
            row.append(Cell(t["value"], kind, t.get("datatype"), t.get("xml:lang")))
        rows.append(row)
    return Table(variables, rows)


def write(table: Table, fmt: str, out: IO[str]) -> int:
    """Write the table as json, csv, tsv or a text table; returns the number of rows."""
    if fmt == "json":
        json.dump(
            {
                "head": {"vars": table.variables},
                "results": {
                    "bindings": [{v: c.to_json() for v, c in zip(table.variables, row) if c} for row in table.rows]
                },
            },
            out,
            ensure_ascii=False,
            indent=1,
        )
        out.write("\n")
    elif fmt in ("csv", "tsv"):
        # Plain values with a header row of the variable names: what spreadsheets and pandas expect.
        if fmt == "csv":
            w = csv.writer(out, lineterminator="\n")
            w.writerow(table.variables)
            for row in table.rows:
                w.writerow(["" if c is None else c.value for c in row])
        else:
            clean = lambda s: s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
            out.write("\t".join(table.variables) + "\n")
            for row in table.rows:
                out.write("\t".join("" if c is None else clean(c.value) for c in row) + "\n")
    else:
        out.write(render_table(table))
    return len(table.rows)


def render_table(table: Table, max_width: int = 60) -> str:
    def show(c: Cell | None) -> str:
        s = "" if c is None else c.short().replace("\n", " ")
        return s if len(s) <= max_width else s[: max_width - 1] + "…"

    cells = [[show(c) for c in row] for row in table.rows]
    widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(table.variables)]
    numeric = [
        bool(table.rows) and all(c is None or c.numeric for c in (r[i] for r in table.rows))
        for i in range(len(table.variables))
    ]
    buf = io.StringIO()
    fmt_row = lambda vals: "  ".join(v.rjust(w) if n else v.ljust(w) for v, w, n in zip(vals, widths, numeric)).rstrip()
    buf.write(fmt_row(table.variables) + "\n")
    buf.write("  ".join("-" * w for w in widths) + "\n")
    for r in cells:
        buf.write(fmt_row(r) + "\n")
    buf.write(f"({len(table.rows)} row{'s' if len(table.rows) != 1 else ''})\n")
    return buf.getvalue()


def write_answer(answer: Any, fmt: str, out: IO[str]) -> int | None:
    """Write any query answer: ASK as true/false (or SPARQL JSON), a table as `write` does,
    CONSTRUCT/DESCRIBE triples as Turtle with the usual prefixes whatever `fmt`. Returns the
    number of rows of a table (None for the others)."""
    if isinstance(answer, bool):
        if fmt == "json":
            out.write('{"head": {}, "boolean": %s}\n' % ("true" if answer else "false"))
        else:
            out.write(("true" if answer else "false") + "\n")
        return None
    if isinstance(answer, Table):
        return write(answer, fmt, out)
    out.write((serialize(answer, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b"").decode("utf-8"))
    return None

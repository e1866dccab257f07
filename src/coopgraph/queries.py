"""Saved SPARQL queries: one `.rq` file each, with a `#+` YAML header (grlc's syntax; not a
grlc API: grlc reads parameters from `?_name` variables, coopgraph binds `VALUES` blocks).

The file is valid SPARQL as it stands (the header is comments); its defaults live in the body,
so it runs unchanged in any SPARQL editor. Each parameter's `type` is checked when the queries
are loaded.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Protocol

import yaml

from . import resources
from .errors import QueryError
from .sparql import is_update

if TYPE_CHECKING:
    from .results import Cell, Table


@dataclass
class SavedQuery:
    name: str
    text: str
    meta: dict = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return str(self.meta.get("summary", "")).strip()

    @property
    def description(self) -> str:
        return str(self.meta.get("description", "")).strip()

    @property
    def params(self) -> dict[str, "Param"]:
        raw = self.meta.get("params") or {}
        return {str(k): Param.from_meta(str(k), v or {}) for k, v in raw.items()}

    @property
    def is_update(self) -> bool:
        return is_update(self.text)


def parse_header(text: str) -> dict:
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        return {}
    # "#+ key: value": strip the one space after the marker, keep deeper indentation for YAML.
    body = "\n".join(line[1:] if line.startswith(" ") else line for line in lines)
    meta = yaml.safe_load(body) or {}
    return meta if isinstance(meta, dict) else {}


@lru_cache(maxsize=1)
def load_all() -> dict[str, SavedQuery]:
    """The saved queries shipped with the package, by name, checked (see `load_folder`)."""
    return load_folder(resources.queries_dir())


def load_folder(folder: Traversable) -> dict[str, SavedQuery]:
    """The `.rq` files of a folder by name, each checked: QueryError (naming the file) for a
    header that is not YAML, a parameter of unknown type, or one with no `VALUES ?name` line."""
    found = {}
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".rq"):
            text = f.read_text(encoding="utf-8")
            try:
                meta = parse_header(text)
            except yaml.YAMLError as e:
                raise QueryError(f"{f.name}: the #+ header is not valid YAML: {e}") from None
            q = SavedQuery(f.name[:-3], text, meta)
            check(q, f.name)
            found[q.name] = q
    return found


def check(query: SavedQuery, where: str) -> None:
    """QueryError unless every declared parameter has a known type and a VALUES line to bind."""
    raw = query.meta.get("params") or {}
    if not isinstance(raw, dict):
        raise QueryError(f"{where}: 'params' must map each parameter name to its description")
    for name, meta in raw.items():
        if meta is not None and not isinstance(meta, dict):
            raise QueryError(f"{where}: parameter {name!r}: expected type, description, default, example")
        kind = str((meta or {}).get("type", "string"))
        if kind not in TYPES:
            raise QueryError(
                f"{where}: parameter {name!r} has an unknown type {kind!r} (known types: {', '.join(TYPES)})"
            )
        if not any(
            _values_block(str(name)).search(line)
            for line in query.text.splitlines()
            if not line.lstrip().startswith("#")
        ):
            raise QueryError(f"{where}: parameter {name!r} has no 'VALUES ?{name} {{ ... }}' line to bind it")


def get(name: str) -> SavedQuery:
    queries = load_all()
    if name not in queries:
        import difflib

        near = difflib.get_close_matches(name, list(queries), n=3)
        raise QueryError(
            f"no saved query named {name!r}"
            + (f"; did you mean {', '.join(near)}?" if near else "")
            + " ('coopgraph query --list' lists them)"
        )
    return queries[name]


# --- parameters ---------------------------------------------------------------------------------
# A parameter is declared in the header (`params:` with type, default, example) and bound in the
# body by a one-variable `VALUES ?name { ... }` block holding its default (`UNDEF` when optional).
# Binding replaces that block with one built from a parsed RDF term (pyoxigraph's N3 form), so a
# value a person typed is never spliced into the query text.

XSD = "http://www.w3.org/2001/XMLSchema#"
TYPES = ("country", "collectivite", "year", "date", "integer", "string", "iri")


@dataclass
class Param:
    name: str
    type: str = "string"
    description: str = ""
    default: str | None = None
    example: str | None = None

    @classmethod
    def from_meta(cls, name: str, meta: dict) -> "Param":
        d = meta.get("default")
        e = meta.get("example")
        return cls(
            name,
            str(meta.get("type", "string")),
            str(meta.get("description", "")).strip(),
            None if d is None else str(d),
            None if e is None else str(e),
        )

    @property
    def optional(self) -> bool:
        return self.default is None


class Lookup(Protocol):
    """Where a parameter that names something in the graph is looked up (local store or endpoint)."""

    def select(self, sparql: str) -> Table: ...


def _values_block(name: str) -> re.Pattern:
    return re.compile(r"VALUES\s+\?" + re.escape(name) + r"\s*\{[^{}]*\}", re.IGNORECASE)


def bind(query: SavedQuery, given: dict[str, str], lookup: Lookup | None = None) -> str:
    """The query text with each given parameter bound as an RDF term (the others keep their default)."""
    params = query.params
    unknown = sorted(set(given) - set(params))
    if unknown:
        known = ", ".join(params) or "none"
        raise QueryError(
            f"query {query.name!r} has no parameter {', '.join(map(repr, unknown))} (its parameters: {known})"
        )
    text = query.text
    for name, value in given.items():
        term = to_term(params[name], value, lookup)
        pattern = _values_block(name)
        body_lines = [
            i for i, line in enumerate(text.splitlines()) if pattern.search(line) and not line.lstrip().startswith("#")
        ]
        if not body_lines:
            raise QueryError(
                f"query {query.name!r}: expected a 'VALUES ?{name} {{ ... }}' line for parameter {name!r}, found none"
            )
        lines = text.splitlines(keepends=True)
        # A query may scope the same parameter in several groups (a VALUES line in each): all get it.
        block = f"VALUES ?{name} {{ {term} }}"
        for i in body_lines:
            # Spliced by position: the term's N3 text is inserted as is, never read as a regex template.
            m = pattern.search(lines[i])
            assert m is not None  # body_lines are the lines where the pattern matched
            lines[i] = lines[i][: m.start()] + block + lines[i][m.end() :]
        text = "".join(lines)
    return text


def to_term(param: Param, value: str, lookup: Lookup | None = None):
    """A parameter value as a pyoxigraph term, or QueryError with what was expected."""
    from pyoxigraph import Literal, NamedNode

    v = value.strip()
    kind = param.type
    if kind == "country":
        return NamedNode(resolve_country(v).iri)
    if kind == "collectivite":
        return NamedNode(resolve_collectivite(v, lookup))
    if kind == "year":
        if not re.fullmatch(r"\d{4}", v):
            raise QueryError(f"parameter {param.name}: expected a year such as 2021, got {value!r}")
        return Literal(v, datatype=NamedNode(XSD + "gYear"))
    if kind == "date":
        try:
            datetime.date.fromisoformat(v) if re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) else int("x")
        except ValueError:
            raise QueryError(f"parameter {param.name}: expected a date YYYY-MM-DD, got {value!r}") from None
        return Literal(v, datatype=NamedNode(XSD + "date"))
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d+", v):
            raise QueryError(f"parameter {param.name}: expected a whole number, got {value!r}")
        return Literal(str(int(v)), datatype=NamedNode(XSD + "integer"))
    if kind == "iri":
        try:
            return NamedNode(v)
        except ValueError as e:
            raise QueryError(f"parameter {param.name}: not an IRI ({e}): {value!r}") from None
    if not v:
        raise QueryError(f"parameter {param.name}: empty value")
    return Literal(value)  # string: kept exactly as typed, as a plain literal


def resolve_country(text: str):
    from .link.countries import resolve_country as resolve, suggest_countries

    found = resolve(text)
    if found is None:
        near = suggest_countries(text, n=5)
        raise QueryError(
            f"unknown country {text!r}"
            + (f"; closest known names: {', '.join(near)}" if near else "")
            + " (a French or English name, or an ISO code such as ML or MLI)"
        )
    return found


_COLLECTIVITES = """PREFIX cg: <https://w3id.org/coopgraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX igeo: <http://rdf.insee.fr/def/geo#>
SELECT DISTINCT ?c ?name WHERE {
  ?c a cg:FrenchCollectivite .
  %s
}"""


def resolve_collectivite(text: str, lookup: Lookup | None) -> str:
    """A French collectivité's IRI from its INSEE code, SIREN, name as written or official name."""
    from pyoxigraph import Literal

    from .link.names import fold

    if lookup is None:
        raise QueryError("a collectivité is looked up in the store: run the query, not --show alone")
    v = text.strip()
    if re.fullmatch(r"\d{9}", v):
        where = f"VALUES ?code {{ {Literal(v)} }} ?c cg:siren ?code . OPTIONAL {{ ?c rdfs:label ?name }}"
        what = "SIREN"
    elif re.fullmatch(r"\d{2,3}|2[AB]|\d[\dAB]\d{3}", v, re.IGNORECASE):
        where = f"VALUES ?code {{ {Literal(v.upper())} }} ?c igeo:codeINSEE ?code . OPTIONAL {{ ?c rdfs:label ?name }}"
        what = "INSEE code"
    else:
        what = None
    if what:
        rows = lookup.select(_COLLECTIVITES % where).rows
        iris = sorted({_bound(r[0]) for r in rows})
        if not iris:
            raise QueryError(f"no French collectivité in the data has the {what} {v!r}")
        return iris[0] if len(iris) == 1 else _ambiguous(v, rows)
    # A name: exact spelling first (one index look-up), else compare folded names (accents, case).
    exact = lookup.select(
        _COLLECTIVITES
        % (f"VALUES ?given {{ {Literal(v)} }} ?c rdfs:label|skos:prefLabel ?given . BIND(?given AS ?name)")
    ).rows
    if len({_bound(r[0]) for r in exact}) == 1:
        return _bound(exact[0][0])
    rows = exact or lookup.select(_COLLECTIVITES % "?c rdfs:label|skos:prefLabel ?name .").rows
    key = fold(v)
    matches = [r for r in rows if r[1] is not None and fold(r[1].value) == key]
    if len({_bound(r[0]) for r in matches}) == 1:
        return _bound(matches[0][0])
    if matches:
        return _ambiguous(v, matches)
    import difflib

    names = sorted({r[1].value for r in rows if r[1] is not None})
    by_key = {fold(n): n for n in names}
    near = [by_key[k] for k in difflib.get_close_matches(key, list(by_key), n=5, cutoff=0.6)]
    raise QueryError(
        f"no French collectivité named {v!r} in the data"
        + (f"; closest known names: {', '.join(near)}" if near else "")
        + " (give a name, an INSEE code or a SIREN)"
    )


def _bound(cell: Cell | None) -> str:
    assert cell is not None  # ?c is bound in every row of these look-ups
    return cell.value


def _ambiguous(text: str, rows) -> str:
    options = sorted({(_bound(r[0]), r[1].value if r[1] else "") for r in rows})
    listed = "; ".join(f"{name} <{iri}>" for iri, name in options[:8])
    raise QueryError(f"{text!r} names several collectivités: {listed}. Give an INSEE code or a SIREN")


def describe_params(query: SavedQuery) -> str:
    """`country=Mali` / `[year]`: a short form for --list."""
    out = []
    for p in query.params.values():
        out.append(f"{p.name}={p.default}" if p.default is not None else f"[{p.name}]")
    return " ".join(out)


def show(query: SavedQuery, given: dict[str, str], lookup: Lookup | None = None) -> str:
    """What `coopgraph query --show` prints: a comment line per parameter (its type and value,
    or its default), then the text with the given parameters bound."""
    text = bind(query, given, lookup) if given else query.text
    lines = []
    for p in query.params.values():
        if p.name in given:
            value = given[p.name]
        else:
            value = f"(default: {p.default})" if p.default is not None else "(optional, not set)"
        ex = f"  e.g. {p.example}" if p.example else ""
        lines.append(f"# {p.name} ({p.type}) = {value}{ex}")
    return ("\n".join(lines) + "\n\n" if lines else "") + text.rstrip("\n") + "\n"

"""The Python API: everything the CLI and the server do, as documented calls.

    import coopgraph
    with coopgraph.open("atlas-store") as atlas:
        report = atlas.ingest(["pages/"])            # validates like the CLI
        rows = atlas.query("sanitation-cofunders", country="Mali")
        rows = atlas.sparql("SELECT ?t WHERE { ?p dcterms:title ?t }")
        result = atlas.validate()
        atlas.publish("release/")

Defaults are the CLI's; errors a person can act on are `coopgraph.CoopgraphError` subclasses.
The faces (cli.py, the server) only parse input, call this module and render.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, Any

from . import queries as _queries
from . import results as _results
from .errors import CoopgraphError
from .rdf.namespaces import PREFIXES
from .store import Store, StoreError

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger",
                               "nonPositiveInteger", "negativeInteger", "unsignedInt", "unsignedLong")}


def to_python(cell: _results.Cell | None) -> Any:
    """A result cell as a plain Python value: IRIs and strings as str, xsd:integer as int,
    xsd:decimal as Decimal (amounts stay exact), xsd:double/float as float, xsd:boolean as bool,
    xsd:date as datetime.date, xsd:gYear as int; None when unbound; the lexical form when ill-typed."""
    if cell is None:
        return None
    if cell.kind != "literal" or not cell.datatype:
        return cell.value
    d, v = cell.datatype, cell.value
    try:
        if d in _INTEGERS or d == XSD + "gYear":
            return int(v)
        if d == XSD + "decimal":
            return decimal.Decimal(v)
        if d in (XSD + "double", XSD + "float"):
            return float(v)
        if d == XSD + "boolean":
            return v in ("true", "1")
        if d == XSD + "date":
            return dt.date.fromisoformat(v)
        if d == XSD + "dateTime":
            return dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except (ValueError, decimal.InvalidOperation):
        return v
    return v


class Rows(list):
    """A query's answer: a list of dicts (variable → plain Python value), in the query's order.

    `.variables` lists the columns; `.table` keeps the RDF terms (for SPARQL JSON, CSV, HTML).
    `.to_pandas()` makes a DataFrame when pandas is installed (pandas is not a dependency).
    """

    def __init__(self, table: _results.Table):
        # A cached table (engine.py) keeps its converted rows: a repeated answer only copies them.
        converted = getattr(table, "python_rows", None)
        if converted is None:
            converted = [{v: to_python(c) for v, c in zip(table.variables, row)} for row in table.rows]
            table.python_rows = converted
        super().__init__(dict(r) for r in converted)
        self.variables: list[str] = list(table.variables)
        self.table = table

    def to_pandas(self):
        try:
            import pandas as pd
        except ImportError:
            raise CoopgraphError("to_pandas() needs pandas: pip install pandas") from None
        return pd.DataFrame(list(self), columns=self.variables)

    def write(self, out: IO[str], fmt: str = "csv") -> None:
        """Write as table, csv, tsv or json (SPARQL 1.1 JSON results), as the CLI does."""
        _results.write(self.table, fmt, out)


class _StoreLookup:
    """Look-ups for parameters that name something in the graph (a collectivité by name)."""

    def __init__(self, store: Store):
        self.store = store

    def select(self, sparql: str) -> _results.Table:
        return _results.from_oxigraph(self.store.query(sparql))

    def update(self, sparql: str) -> None:
        self.store.update(sparql)


def list_queries() -> dict[str, _queries.SavedQuery]:
    """The saved queries shipped with the package, by name (each has .summary, .params, .text)."""
    return dict(_queries.load_all())


class Atlas:
    """An open coopgraph store. Use `coopgraph.open()`; close it (or use `with`) when done."""

    def __init__(self, path: str | Path | None = None, *, read_only: bool = False, wait: float | None = None,
                 memory: bool | None = None):
        from . import engine

        self.store = Store(path, read_only=read_only, wait=wait)
        self.path = self.store.path
        self.read_only = read_only
        # A long-lived process answers from an in-memory copy of the open graph (engine.py).
        self.store.memory = engine.memory_wanted() if memory is None else memory
        if self.store.memory:
            engine.memory_copy(self.store)  # start loading now; the disk answers until it is ready

    # -- lifecycle ---------------------------------------------------------------------------
    def wait_for_memory(self, timeout: float | None = None) -> bool:
        """Wait until the in-memory copy (memory=True) is loaded; False if there is none."""
        from . import engine

        copy = engine.memory_copy(self.store)
        return copy.wait(timeout) if copy is not None else False

    def close(self) -> None:
        copy = getattr(self.store, "_memory_copy", None)
        if copy is not None:
            copy.ready.wait()  # it reads the store: let it finish before the store closes
        if self.store.open is not None:
            self.store.close()

    def __enter__(self) -> "Atlas":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<coopgraph.Atlas {str(self.path)!r}{' read-only' if self.read_only else ''}>"

    def _writable(self, what: str) -> None:
        if self.read_only:
            raise StoreError(f"{what} needs a writable store; open it without read_only=True")

    # -- writing -----------------------------------------------------------------------------
    def ingest(self, paths: Iterable[str | Path], *, validate: bool = True, force: bool = False,
               on_file: Callable[[Path], None] | None = None, jobs: int | None = None):
        """Read Atlas pages (files, or folders of *.txt pages) into the store, as `coopgraph ingest`.

        Each page is validated against the SHACL shapes before it is stored (`validate=False`
        skips it); a page with errors is reported and not loaded, the others load. A page cut
        short is such an error; a new version of a stored partnership that loses most of it is
        refused unless `force=True`. Returns an IngestReport: .files, .loaded, .unchanged,
        .failed (files), .problems, .errors, .warnings, .replaced (what each new version changed).
        """
        from .ingest import ingest as run

        self._writable("ingest")
        check = None
        if validate:
            from .validate import ingest_check as check
        return run(self.store, [Path(p) for p in paths], force=force, check=check, on_file=on_file, jobs=jobs)

    # -- reading -----------------------------------------------------------------------------
    def query(self, name: str, /, **params: Any) -> Rows:
        """Run the saved query `name` with its parameters (values as the CLI takes them:
        country="Mali" or "MLI", collectivite="16015", year=2021). Raises QueryError for an
        unknown query, parameter or value."""
        q = _queries.get(name)
        if q.is_update:
            raise _queries.QueryError(f"{name} is a SPARQL Update; run it with coopgraph query --allow-update")
        from . import engine

        lookup = _StoreLookup(self.store)
        given = {k: str(v) for k, v in params.items()}
        text = _queries.bind(q, given, lookup)
        return Rows(engine.select(self.store, text, name, given=given, lookup=lookup))

    def sparql(self, text: str, *, allow_service: bool = False):
        """Run a SPARQL query on the open graph, with the CLI's prefixes (cg:, dcterms:, skos:, ...).

        SELECT gives Rows; ASK a bool; CONSTRUCT/DESCRIBE a list of pyoxigraph Triples. Updates
        and SERVICE calls are refused (SparqlError) unless allowed: use `update()` to change data.
        """
        from pyoxigraph import QueryBoolean, QuerySolutions

        from .sparql import SparqlError, explain_syntax_error, is_update, uses_service

        if is_update(text):
            raise SparqlError("this is a SPARQL Update; Atlas.sparql() only reads (use Atlas.update())")
        if uses_service(text) and not allow_service:
            raise SparqlError("SERVICE (a call to another endpoint) is refused; pass allow_service=True to allow it")
        try:
            res = self.store.query(text, prefixes=PREFIXES)
            if isinstance(res, QueryBoolean):
                return bool(res)
            if isinstance(res, QuerySolutions):
                return Rows(_results.from_oxigraph(res))
            return list(res)
        except SyntaxError as e:
            raise SparqlError(explain_syntax_error(text, e)) from None
        except (OSError, RuntimeError) as e:
            raise SparqlError(f"the query failed: {e}") from None

    def update(self, text: str) -> None:
        """Run a SPARQL Update on the open graph (the store must be writable)."""
        from .sparql import SparqlError, explain_syntax_error

        self._writable("a SPARQL Update")
        try:
            self.store.update(text)
        except SyntaxError as e:
            raise SparqlError(explain_syntax_error(text, e, update=True)) from None

    def stats(self) -> dict[str, Any]:
        """Key figures (partnerships, collectivités, countries, funders, amounts) and triple counts."""
        row = self.query("stats")
        figures = dict(row[0]) if row else {}
        figures["triples"] = self.store.count()
        figures["personal_triples"] = self.store.personal_count()
        return figures

    def partnerships(self) -> list[str]:
        """The keys of the stored partnerships."""
        return self.store.partnerships()

    def validate(self, *, engine: str = "fast", partitioned: bool = False):
        """Validate the store against the SHACL shapes, as `coopgraph validate`.

        Returns a Report: .conforms (SHACL: no result at all), .valid (no violation),
        .violations, .warnings, .results, .groups (by partnership), .summary().
        """
        from . import validate as v

        if engine not in ("fast", "pyshacl"):
            raise CoopgraphError(f"unknown validation engine {engine!r}: fast or pyshacl")
        results = v.validate_partitioned(self.store) if partitioned else v.validate(self.store, engine)
        return v.build_report(self.store, results)

    def dump(self, out: IO[bytes] | str | Path, format: str = "turtle", *, include_personal_data: bool = False) -> None:
        """Write the open graph (and personal data only if asked) in an RDF format:
        turtle, ntriples, nquads, trig, jsonld or rdfxml. `out` is a binary stream or a path."""
        from .store import FORMATS

        if format not in FORMATS:
            raise CoopgraphError(f"unknown format {format!r}: one of {', '.join(sorted(FORMATS))}")
        if isinstance(out, (str, Path)):
            try:
                with open(out, "wb") as f:
                    self.store.dump(f, format, include_personal=include_personal_data)
            except OSError as e:
                raise CoopgraphError(f"cannot write {out}: {e.strerror or e}") from None
        else:
            self.store.dump(out, format, include_personal=include_personal_data)

    def publish(self, outdir: str | Path, **options: Any):
        """Write an open-data release to `outdir`, as `coopgraph publish` (options: base_url,
        licence, publisher, publisher_url, sparql_endpoint, date, include_personal)."""
        from .publish import publish, release_date
        from .publish.describe import DEFAULT_BASE_URL, LICENCES, Options

        licence = options.get("licence", "etalab-2.0")
        if licence not in LICENCES and not str(licence).startswith(("http://", "https://")):
            raise CoopgraphError(f"unknown licence {licence!r}: use one of {', '.join(LICENCES)} or a licence IRI")
        options.setdefault("base_url", DEFAULT_BASE_URL)
        options.setdefault("date", release_date())
        options["licence"] = licence
        outdir = Path(outdir)
        if outdir.exists() and not outdir.is_dir():
            raise CoopgraphError(f"{outdir} exists and is not a folder")
        try:
            return publish(self.store, outdir, Options(**options))
        except OSError as e:
            raise CoopgraphError(f"cannot write to {outdir}: {e.strerror or e}") from None
        except TypeError as e:
            raise CoopgraphError(f"publish: {e}") from None

    def map_data(self) -> dict[str, Any]:
        """What the map of the partnerships draws, as a JSON-able dict: partnerships (title, top
        theme, indexes of their French and foreign partners), partners with their point (lat/lon,
        or None) and how it was placed, country labels, themes. See publish/mapdata.py for the shape;
        `coopgraph publish` writes it as map/data.js, `coopgraph serve` as /map/data.json."""
        from .publish.mapdata import map_data

        return map_data(self.store)

    def search(self, text: str, *, limit: int = 50) -> Rows:
        """Partnerships whose title, texts or partner/funder names hold every word of `text`
        (accents and case ignored), best first: columns partnership, title, score (bm25, higher
        is better) and snippet (the matching words in [brackets]). From the full-text index
        beside the store (search.py), kept in step with every write."""
        from . import engine

        return Rows(engine.search(self.store, text, limit))

    # -- exports (IATI, tables) ----------------------------------------------------------------
    def export_iati(self, path: str | Path, *, reporting_org_ref: str | None = None,
                    reporting_org_name: str | None = None, reporting_org_type: str | None = None,
                    secondary_reporter: bool = True, include_personal_data: bool = False):
        """Write the partnerships as IATI 2.03 activities to `path`, as `coopgraph export iati`.

        Returns an IatiResult (.activities, .transactions, .total, .skipped). Check the file with
        coopgraph.export.codelists.schema_errors(path) and .code_errors(path)."""
        from .export.iati import DEFAULT_NAME, DEFAULT_REF, DEFAULT_TYPE, ReportingOrg, export_iati

        rep = ReportingOrg(reporting_org_ref or DEFAULT_REF,
                           reporting_org_name or (reporting_org_ref or DEFAULT_NAME),
                           reporting_org_type or DEFAULT_TYPE, secondary=secondary_reporter)
        return export_iati(self.store, path, reporting=rep, include_personal=include_personal_data)

    def export_tables(self, outdir: str | Path, *, xlsx: bool = False):
        """Write tidy CSV tables and a Frictionless datapackage.json to `outdir` (and an .xlsx
        workbook if asked), as `coopgraph export tables`. Returns a TablesResult (.files, .rows)."""
        from .export.tables import export_tables

        return export_tables(self.store, outdir, xlsx=xlsx)


def open(path: str | Path | None = None, *, read_only: bool = False, wait: float | None = None,  # noqa: A001
         memory: bool | None = None) -> Atlas:
    """Open (or create) the store at `path` (default: $COOPGRAPH_STORE, else ~/.local/share/coopgraph/store).

    read_only=True only reads (many readers may share a store; a missing store is an error).
    A writer waits up to `wait` seconds (default $COOPGRAPH_LOCK_WAIT, else 30) for another one.
    memory=True (default $COOPGRAPH_MEMORY): for long-lived processes such as a server, answer
    queries from an in-memory copy of the open graph, loaded in the background (about 0.3 GB and
    a few seconds per 1,000,000 triples); `atlas.wait_for_memory()` waits for it.
    """
    return Atlas(path, read_only=read_only, wait=wait, memory=memory)

"""The Python API: everything the CLI and the server do, as documented calls.

    import coopgraph
    with coopgraph.open("atlas-store") as atlas:     # creates the store if missing
        report = atlas.ingest(["pages/"])            # validates like the CLI
        rows = atlas.query("sanitation-cofunders", country="Mali")
        rows = atlas.sparql("SELECT ?t WHERE { ?p dcterms:title ?t }")
        result = atlas.validate()
        atlas.publish("release/")

Defaults are the CLI's; every error a person can act on is a `coopgraph.CoopgraphError`
subclass (see coopgraph.errors). The faces (the `coopgraph` command, the server) only parse
input, call this module and render what it returns.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from . import queries as _queries
from . import results as _results
from . import sparql as _sparql
from .errors import CoopgraphError, OptionError, OutputError, QueryError, ServiceRefused, StoreError, UpdateRefused
from .store import FORMATS, Store

if TYPE_CHECKING:
    from pyoxigraph import Triple

    from .endpoint import Endpoint
    from .export.iati import IatiResult
    from .export.tables import TablesResult
    from .ingest import IngestReport
    from .publish import Result as PublishResult
    from .push import Report as PushReport
    from .records import Problem
    from .validate import Report

__all__ = [
    "Atlas",
    "Remote",
    "Rows",
    "Stats",
    "list_queries",
    "open",
    "remote",
    "show_query",
    "to_python",
    "validate_files",
]

XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {
    XSD + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
ENGINES = ("fast", "pyshacl")
DUMP_FORMATS = tuple(sorted(FORMATS))  # turtle, ntriples, nquads, trig, jsonld, rdfxml


def to_python(cell: _results.Cell | None) -> Any:
    """A result cell as a plain Python value.

    IRIs, blank nodes and strings give str; xsd:integer (and its subtypes) and xsd:gYear give
    int; xsd:decimal gives decimal.Decimal (amounts stay exact); xsd:double/float give float;
    xsd:boolean gives bool; xsd:date gives datetime.date and xsd:dateTime datetime.datetime.
    An unbound variable gives None; an ill-typed literal keeps its lexical form (a str).
    """
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
            if v not in ("true", "false", "1", "0"):
                return v
            return v in ("true", "1")
        if d == XSD + "date":
            return dt.date.fromisoformat(v)
        if d == XSD + "dateTime":
            return dt.datetime.fromisoformat(v.replace("Z", "+00:00"))
    except (ValueError, decimal.InvalidOperation):
        return v
    return v


class Rows(list[dict[str, Any]]):
    """A query's answer: a list of dicts (variable → plain Python value, see `to_python`), in the
    query's order.

    `.variables` lists the columns; `.table` keeps the RDF terms (for SPARQL JSON, CSV, HTML);
    `.write(out, fmt)` writes them as the CLI does; `.to_pandas()` makes a DataFrame when pandas
    is installed (pandas is not a dependency of coopgraph).
    """

    def __init__(self, table: _results.Table) -> None:
        # A cached table (engine.py) keeps its converted rows: a repeated answer only copies them.
        converted = getattr(table, "python_rows", None)
        if converted is None:
            converted = [{v: to_python(c) for v, c in zip(table.variables, row)} for row in table.rows]
            table.python_rows = converted  # type: ignore[attr-defined]
        super().__init__(dict(r) for r in converted)
        self.variables: list[str] = list(table.variables)
        self.table = table

    def to_pandas(self) -> Any:
        """A pandas.DataFrame with one column per variable, in order (CoopgraphError without pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise CoopgraphError("to_pandas() needs pandas: pip install pandas") from None
        return pd.DataFrame(list(self), columns=self.variables)

    def write(self, out: IO[str], fmt: str = "csv") -> int:
        """Write as `table`, `csv`, `tsv` or `json` (SPARQL 1.1 JSON results), as the CLI does;
        returns the number of rows."""
        return _results.write(self.table, fmt, out)


class Stats(dict[str, Any]):
    """Key figures (a dict: partnerships, collectivites, countries, funders, totalEUR, ...,
    triples, personal_triples); `.rows` keeps the `stats` saved query's answer."""

    def __init__(self, rows: Rows, triples: int, personal_triples: int) -> None:
        super().__init__(dict(rows[0]) if rows else {})
        self["triples"] = triples
        self["personal_triples"] = personal_triples
        self.rows = rows


class _StoreLookup:
    """Where a saved query's parameter that names something in the graph (a collectivité by
    name) is looked up: the embedded store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def select(self, sparql: str) -> _results.Table:
        return _results.from_oxigraph(self.store.query(sparql))


def list_queries() -> dict[str, _queries.SavedQuery]:
    """The saved queries shipped with the package, by name (each has .summary, .params, .text)."""
    return dict(_queries.load_all())


def _given(params: dict[str, Any]) -> dict[str, str]:
    # Values as the CLI takes them: Python values are written as text (2021 → "2021").
    return {k: v.isoformat() if isinstance(v, dt.date) else str(v) for k, v in params.items()}


def show_query(name: str, /, **params: Any) -> str:
    """The saved query's text as `coopgraph query NAME --show` prints it: a comment line per
    parameter, then the text with the given parameters bound. Needs no store, unless a
    parameter names a collectivité (then use `Atlas.show`)."""
    return _queries.show(_queries.get(name), _given(params), None)


def _saved(name: str, params: dict[str, Any], lookup: _queries.Lookup | None, *, update: bool) -> str:
    q = _queries.get(name)
    if q.is_update and not update:
        raise QueryError(f"{name} is a SPARQL Update; run it with apply() (coopgraph query --allow-update)")
    if update and not q.is_update:
        raise QueryError(f"{name} is not a SPARQL Update; run it with query()")
    return _queries.bind(q, _given(params), lookup)


class Atlas:
    """An open coopgraph store. Make one with `coopgraph.open()`; close it (or use `with`) when done.

    `.store` is the underlying `coopgraph.store.Store`, `.path` its folder.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        read_only: bool = False,
        wait: float | None = None,
        memory: bool | None = None,
        on_wait: Callable[[str], None] | None = None,
    ) -> None:
        from . import engine

        # on_wait(message): told once when a writer waits for another process (the CLI prints it).
        self.store = Store(path, read_only=read_only, wait=wait, on_wait=on_wait)
        self.path: Path = self.store.path
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
        """Close the store (a writer flushes its data and bumps the store's generation)."""
        copy = getattr(self.store, "_memory_copy", None)
        if copy is not None:
            copy.ready.wait()  # it reads the store: let it finish before the store closes
        if self.store.open is not None:
            self.store.close()

    def __enter__(self) -> Atlas:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<coopgraph.Atlas {str(self.path)!r}{' read-only' if self.read_only else ''}>"

    def _writable(self, what: str) -> None:
        if self.read_only:
            raise StoreError(f"{what} needs a writable store; open it without read_only=True")

    # -- writing -----------------------------------------------------------------------------
    def ingest(
        self,
        paths: Iterable[Any],
        *,
        validate: bool = True,
        force: bool = False,
        on_file: Callable[[Path], None] | None = None,
        on_problem: Callable[[Problem], None] | None = None,
        jobs: int | None = None,
    ) -> IngestReport:
        """Read Atlas pages (files, or folders of *.txt pages) into the store, as `coopgraph ingest`.

        Each page is validated against the SHACL shapes before it is stored (`validate=False`
        skips it); a page with errors is reported and not loaded, the others load. A page cut
        short is such an error; a new version of a stored partnership that loses most of it is
        refused unless `force=True`. Pages whose bytes are already stored are skipped unless `force`. `on_file` is called with each file
        read (for a progress bar); `jobs` worker processes convert the pages (default:
        $COOPGRAPH_JOBS, else one per core, when there are enough pages).

        Returns an IngestReport: .files, .loaded, .unchanged, .failed (files), .problems,
        .errors, .warnings, .error_count, .warning_count, .replaced (what each new version
        changed). With `on_problem`, each problem is passed to it as soon as it is found, in file
        order, and not kept in the report (.problems stays empty; the counts are kept): what to
        use on a large corpus, where keeping every warning costs memory.
        """
        from .ingest import ingest as run
        from .records import Problem

        self._writable("ingest")
        from .validate import ingest_check

        check = ingest_check if validate else None
        items = [p if isinstance(p, Problem) else Path(p) for p in paths]
        return run(self.store, items, force=force, check=check, on_file=on_file, on_problem=on_problem, jobs=jobs)

    def update(self, text: str, *, allow_service: bool = False) -> None:
        """Run a SPARQL Update on the store (which must be writable). SERVICE calls are refused
        (ServiceRefused) unless `allow_service`."""
        self._writable("a SPARQL Update")
        _sparql.run_local(self.store, text, allow_update=True, allow_service=allow_service)

    def apply(self, name: str, /, **params: Any) -> None:
        """Run the saved SPARQL Update `name` with its parameters (the store must be writable)."""
        self._writable(f"the saved update {name}")
        text = _saved(name, params, _StoreLookup(self.store), update=True)
        self.store.update(text)

    # -- reading -----------------------------------------------------------------------------
    def query(self, name: str, /, **params: Any) -> Rows:
        """Run the saved query `name` (see `list_queries()`) with its parameters.

        Values are taken as the CLI takes them: country="Mali" (or "MLI", "ML"),
        collectivite="16015" (an INSEE code, a SIREN or a name), year=2021. Raises QueryError
        for an unknown query, parameter or value.
        """
        from . import engine

        lookup = _StoreLookup(self.store)
        text = _saved(name, params, lookup, update=False)
        try:
            return Rows(engine.select(self.store, text, name, given=_given(params), lookup=lookup))
        except SyntaxError as e:
            raise QueryError(f"saved query {name}: {_sparql.explain_syntax_error(text, e)}") from None

    def show(self, name: str, /, **params: Any) -> str:
        """Like `show_query`, looking up in this store the parameters that name something in it."""
        return _queries.show(_queries.get(name), _given(params), _StoreLookup(self.store))

    def sparql(self, text: str, *, allow_service: bool = False) -> Rows | bool | list[Triple]:
        """Run a SPARQL query on the open graph with the CLI's prefixes (cg:, dcterms:, skos:, ...).

        SELECT gives Rows; ASK a bool; CONSTRUCT/DESCRIBE a list of pyoxigraph Triples.
        Updates are refused (UpdateRefused: use `update()`), and so are SERVICE calls
        (ServiceRefused) unless `allow_service`. Invalid SPARQL raises SparqlError.
        """
        from . import engine

        self._refuse(text, allow_service, "Atlas")
        # A long-lived process reads its in-memory copy once loaded (an exact copy of the open data).
        answer = _sparql.run_local(self.store, text, allow_service=allow_service, db=engine.reader(self.store))
        return Rows(answer) if isinstance(answer, _results.Table) else answer  # type: ignore[return-value]

    @staticmethod
    def _refuse(text: str, allow_service: bool, who: str) -> None:
        if _sparql.uses_service(text) and not allow_service:
            raise ServiceRefused()
        if _sparql.is_update(text):
            raise UpdateRefused(f"this is a SPARQL Update; {who}.sparql() only reads (use {who}.update())")

    def stats(self) -> Stats:
        """Key figures (partnerships, collectivités, countries, funders, amounts) and triple counts,
        as `coopgraph stats`."""
        return Stats(self.query("stats"), self.store.count(), self.store.personal_count())

    def generation(self) -> str:
        """A stamp that changes each time a writer closes the store: long-lived readers (the
        server, caches of answers) compare it to know when to reopen or forget what they derived."""
        return self.store.generation()

    def partnerships(self) -> list[str]:
        """The keys of the stored partnerships (unordered)."""
        return self.store.partnerships()

    def push(
        self,
        endpoint: str,
        graph: str,
        *,
        replace: bool = False,
        chunk_size: int = 50_000,
        timeout: float = 300.0,
        on_chunk: Callable[[int, int], None] | None = None,
    ) -> PushReport:
        """Upload the open graph to a remote triple store (SPARQL 1.1 Graph Store HTTP Protocol),
        as `coopgraph push`: into the named graph `graph`, replacing its content (PUT) when
        `replace`, else adding to it (POST); `chunk_size` triples per request, `timeout` seconds
        each; `on_chunk(sent, total)` after each request. Personal data is never pushed.

        Credentials follow coopgraph.credentials; the endpoint's authentication is checked before
        any triple is read. OptionError for a bad URL or graph IRI, CredentialsError, PushError
        when the endpoint refuses or cannot be reached. Returns a Report (.triples, .requests,
        .seconds, .auth).
        """
        from . import push as pushing
        from .publish import dumps

        target = pushing.Target.make(endpoint, graph, timeout=timeout)
        auth = pushing.prepare(target)
        lines = dumps.sorted_lines(self.store)
        return pushing.push_lines(target, lines, replace=replace, chunk_size=chunk_size, on_chunk=on_chunk, auth=auth)

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

    def validate(self, *, engine: str = "fast", partitioned: bool = False) -> Report:
        """Validate the store against the SHACL shapes, as `coopgraph validate`.

        `engine` is "fast" (shapes compiled to SPARQL) or "pyshacl" (the reference, slow);
        `partitioned` checks each partnership on its own with the shared nodes it names, as
        ingest does (fast engine only). Returns a Report: .conforms (SHACL's meaning: no result
        at all), .valid (no violation), .violations, .warnings, .results, .groups (by
        partnership), .summary().
        """
        from . import validate as v

        if engine not in ENGINES:
            raise OptionError(f"unknown validation engine {engine!r}: fast or pyshacl")
        if partitioned and engine != "fast":
            raise OptionError("partitioned validation works with the fast engine only")
        results = v.validate_partitioned(self.store) if partitioned else v.validate(self.store, engine)
        return v.build_report(self.store, results)

    def dump(
        self,
        out: IO[bytes] | str | Path,
        format: str = "turtle",
        *,  # noqa: A002
        include_personal_data: bool = False,
    ) -> None:
        """Write the open graph in an RDF format: turtle, ntriples, nquads, trig, jsonld or rdfxml.

        `out` is a binary stream or a path. Personal data (contacts, volunteers) is left out
        unless `include_personal_data`.
        """
        if format not in DUMP_FORMATS:
            raise OptionError(f"unknown format {format!r}: one of {', '.join(DUMP_FORMATS)}")
        if isinstance(out, (str, Path)):
            try:
                with Path(out).open("wb") as f:
                    self.store.dump(f, format, include_personal=include_personal_data)
            except OSError as e:
                raise OutputError(f"cannot write {out}: {e.strerror or e}") from None
        else:
            self.store.dump(out, format, include_personal=include_personal_data)

    def publish(
        self,
        outdir: str | Path,
        *,
        base_url: str | None = None,
        licence: str = "etalab-2.0",
        publisher: str = "coopgraph",
        publisher_url: str = "https://w3id.org/coopgraph/",
        sparql_endpoint: str | None = None,
        date: dt.date | str | None = None,
        include_personal_data: bool = False,
    ) -> PublishResult:
        """Write an open-data release of the graph to `outdir`, as `coopgraph publish`.

        `base_url` is where the folder will be served (default https://w3id.org/coopgraph/dataset/);
        `licence` one of etalab-2.0, odbl-1.0, cc-by-4.0, cc0-1.0 or a licence IRI; `date` the
        release date (default: $SOURCE_DATE_EPOCH, else today). Personal data is published only
        with `include_personal_data`, in a file of its own. Returns a publish Result
        (.files, .figures, .timings, .removed); PublishError when the release cannot conform.
        """
        from .publish import publish, release_date
        from .publish.describe import DEFAULT_BASE_URL, LICENCES, Options

        if licence not in LICENCES and not licence.startswith(("http://", "https://")):
            raise OptionError(f"unknown licence {licence!r}: use one of {', '.join(LICENCES)} or a licence IRI")
        if isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date)
            except ValueError:
                raise OptionError(f"the release date must be YYYY-MM-DD, got {date!r}") from None
        if sparql_endpoint:
            _http_url(sparql_endpoint, "sparql_endpoint")
        outdir = Path(outdir)
        if outdir.exists() and not outdir.is_dir():
            raise OutputError(f"{outdir} exists and is not a folder")
        opts = Options(
            base_url=_http_url(base_url, "base_url") if base_url else DEFAULT_BASE_URL,
            licence=licence,
            publisher=publisher,
            publisher_url=publisher_url,
            date=date or release_date(),
            sparql_endpoint=sparql_endpoint,
            include_personal=include_personal_data,
        )
        try:
            return publish(self.store, outdir, opts)
        except OSError as e:
            raise OutputError(f"cannot write to {outdir}: {e.strerror or e}") from None

    # -- exports (IATI, tables) ----------------------------------------------------------------
    def export_iati(
        self,
        path: str | Path,
        *,
        reporting_org_ref: str | None = None,
        reporting_org_name: str | None = None,
        reporting_org_type: str | None = None,
        secondary_reporter: bool = True,
        include_personal_data: bool = False,
    ) -> IatiResult:
        """Write the partnerships as IATI 2.03 activities to `path`, as `coopgraph export iati`.

        Returns an IatiResult (.activities, .transactions, .total, .skipped). Check the file with
        coopgraph.export.codelists.schema_errors(path) and .code_errors(path)."""
        from .export.iati import DEFAULT_NAME, DEFAULT_REF, DEFAULT_TYPE, ReportingOrg, export_iati

        rep = ReportingOrg(
            reporting_org_ref or DEFAULT_REF,
            reporting_org_name or (reporting_org_ref or DEFAULT_NAME),
            reporting_org_type or DEFAULT_TYPE,
            secondary=secondary_reporter,
        )
        return export_iati(self.store, path, reporting=rep, include_personal=include_personal_data)

    def export_tables(self, outdir: str | Path, *, xlsx: bool = False) -> TablesResult:
        """Write tidy CSV tables and a Frictionless datapackage.json to `outdir` (and an .xlsx
        workbook if asked), as `coopgraph export tables`. Returns a TablesResult (.files, .rows)."""
        from .export.tables import export_tables

        return export_tables(self.store, outdir, xlsx=xlsx)


def _http_url(url: str, what: str) -> str:
    """An http(s) URL ending with a slash, or OptionError."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c in url for c in ' <>"{}|\\^`'):
        raise OptionError(f"{what} must be an http(s) URL, got {url!r}")
    return url if url.endswith("/") else url + "/"


def validate_files(paths: Iterable[str | Path], *, engine: str = "fast") -> Report:
    """Validate RDF files (Turtle, N-Triples, JSON-LD, N-Quads, TriG, RDF/XML) against the
    shapes, with the packaged reference data: no store needed. InputError for a file that
    cannot be read as RDF."""
    from . import validate as v

    if engine not in ENGINES:
        raise OptionError(f"unknown validation engine {engine!r}: fast or pyshacl")
    store = v.load_files([Path(p) for p in paths])
    return v.build_report(store, v.validate(store, engine))


class Remote:
    """A remote SPARQL 1.1 endpoint holding coopgraph data: the same saved queries and SPARQL
    as on a store. Make one with `coopgraph.remote(url)`.

    Credentials follow coopgraph.credentials (environment, else netrc); never in the URL
    (OptionError). Failures of the endpoint raise EndpointError.
    """

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        from .endpoint import Endpoint

        self.endpoint: Endpoint = Endpoint(url, timeout=timeout)
        self.url = self.endpoint.display

    def __repr__(self) -> str:
        return f"<coopgraph.Remote {self.url!r}>"

    def query(self, name: str, /, **params: Any) -> Rows:
        """Run the saved query `name` on the endpoint (parameters as for `Atlas.query`)."""
        return Rows(self.endpoint.select(_saved(name, params, self.endpoint, update=False)))

    def show(self, name: str, /, **params: Any) -> str:
        """Like `show_query`, looking up on the endpoint the parameters that name something there."""
        return _queries.show(_queries.get(name), _given(params), self.endpoint)

    def apply(self, name: str, /, **params: Any) -> None:
        """Send the saved SPARQL Update `name` to the endpoint."""
        self.endpoint.update(_saved(name, params, self.endpoint, update=True))

    def sparql(self, text: str, *, allow_service: bool = False) -> Rows | bool:
        """Run a SELECT (Rows) or ASK (bool) query on the endpoint. Updates (use `update()`),
        CONSTRUCT/DESCRIBE and, unless allowed, SERVICE calls are refused (SparqlError)."""
        Atlas._refuse(text, allow_service, "Remote")
        answer = _sparql.run_remote(self.endpoint, text, allow_service=allow_service)
        return Rows(answer) if isinstance(answer, _results.Table) else bool(answer)

    def update(self, text: str, *, allow_service: bool = False) -> None:
        """Send a SPARQL Update to the endpoint (never retried: it must not apply twice)."""
        _sparql.run_remote(self.endpoint, text, allow_update=True, allow_service=allow_service)


def remote(url: str, *, timeout: float = 60.0) -> Remote:
    """A remote SPARQL 1.1 endpoint to run saved queries and SPARQL on (see `Remote`);
    `timeout` is in seconds per request, as `--timeout`."""
    return Remote(url, timeout=timeout)


def open(
    path: str | Path | None = None,
    *,
    read_only: bool = False,
    wait: float | None = None,  # noqa: A001
    memory: bool | None = None,
) -> Atlas:
    """Open (or create) the store at `path`: default $COOPGRAPH_STORE, else
    ~/.local/share/coopgraph/store ($XDG_DATA_HOME is honoured), as the CLI's --store.

    `read_only=True` only reads (many readers may share a store; a missing store is then a
    StoreError). A writer waits up to `wait` seconds (default $COOPGRAPH_LOCK_WAIT, else 30) for
    another writer to finish. `memory=True` (default $COOPGRAPH_MEMORY): for long-lived processes
    such as a server, answer queries from an in-memory copy of the open graph, loaded in the
    background (about 0.3 GB and a few seconds per 1,000,000 triples); `atlas.wait_for_memory()`
    waits for it.
    """
    return Atlas(path, read_only=read_only, wait=wait, memory=memory)

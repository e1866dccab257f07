"""A throw-away, real OpenLink Virtuoso SPARQL endpoint for the test-suite.

Needs the Debian packages ``virtuoso-opensource-7-bin`` and
``virtuoso-opensource-7-common`` (``virtuoso-t`` and ``isql-vt``); install them
with ``.ci/install-system-deps.sh``.  Nothing system-wide is used: every
instance gets a fresh database in the folder given to :meth:`Virtuoso.start`,
listens on free ports bound to 127.0.0.1 only, and is stopped by
:meth:`Virtuoso.stop` (terminate, then kill the whole process group).

Usage::

    with Virtuoso().start(tmp_path) as v:
        v.load_ntriples("dump.nt", "http://example.org/graph")
        rows = v.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
        int(rows[0]["n"]["value"])

Endpoints (all on ``http://127.0.0.1:<http_port>``)
---------------------------------------------------
``/sparql``
    Read-only SPARQL 1.1 query endpoint for anonymous users (``sparql_url``).
    Anonymous SPARQL Update is refused unless :meth:`enable_anonymous_update`
    was called.
``/sparql-auth``
    Same endpoint, HTTP **Digest** authentication; user ``dba`` (password
    ``dba`` by default) may run SPARQL Update there (:meth:`update`).
``/sparql-graph-crud-auth?graph-uri=<IRI>``
    SPARQL 1.1 Graph Store HTTP Protocol, writable out of the box with HTTP
    **Digest** auth as ``dba``/``dba`` (``gsp_auth_url``).  Basic auth is
    rejected with 401.  Verified: ``PUT`` (replace) and ``POST`` (merge) of
    ``text/turtle`` answer 201, ``DELETE`` answers 200, ``GET`` returns Turtle.
    From Python: ``urllib.request.HTTPDigestAuthHandler``,
    ``requests.auth.HTTPDigestAuth`` or SPARQLWrapper's ``setHTTPAuth(DIGEST)``.
``/sparql-graph-crud?graph-uri=<IRI>``
    Same protocol, anonymous (``gsp_url``): ``GET`` works; writes answer 403
    (``SQ110 ... Permission denied for delete from DB.DBA.RDF_QUAD``) unless
    :meth:`enable_anonymous_update` was called, which runs
    ``GRANT SPARQL_UPDATE TO "SPARQL"`` and
    ``DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7)``.

Loading
-------
:meth:`load_ntriples` copies the file into the database folder (which is in
``DirsAllowed``) and runs Virtuoso's bulk loader (``ld_dir`` +
``rdf_loader_run()``), then checks ``DB.DBA.load_list`` for a parse error and
raises :class:`VirtuosoError` if there is one.  ``.gz`` files are accepted.

Virtuoso quirks seen with this build (7.2.5, Debian bookworm) in SPARQL JSON
results — see tests/test_virtuoso_support.py for the checked ones:

* literals with a datatype come back as ``"type": "typed-literal"`` (SPARQL
  1.0 style); the standard (and pyoxigraph) say ``"literal"``.
* a literal written ``"x"^^xsd:string`` keeps ``datatype: xsd:string``, a plain
  ``"x"`` has no datatype; pyoxigraph returns both without a datatype.
* lexical forms are canonicalised: ``"12.50"^^xsd:decimal`` -> ``"12.5"``,
  ``"1.0"^^xsd:decimal`` -> ``"1"``, ``"007"^^xsd:integer`` -> ``"7"``,
  ``"1.5E0"^^xsd:double`` -> ``"1.5"``, ``"true"^^xsd:boolean`` -> ``"1"``,
  ``"-0044"^^xsd:gYear`` -> ``"-044"``; language tags are lower-cased
  (``@en-GB`` -> ``en-gb``).
* boolean-valued *expressions* (``?a < ?b``, ``LANGMATCHES``, ``?f = true``)
  come back as ``xsd:integer`` ``1``/``0``, not ``xsd:boolean``.
* ``1/3`` is integer division (``xsd:integer 0``; standard: ``xsd:decimal``
  ``0.333...``), ``10/2`` is ``xsd:integer 5`` (standard: decimal).
* a gYear comparison works in ``FILTER`` but, projected as
  ``(?y > "2020"^^xsd:gYear AS ?gt)``, gives 0 for 2021.  ``YEAR(?gYear)``
  gives ``xsd:integer`` like the standard.
* ``ORDER BY`` over mixed kinds differs from the standard order (Virtuoso:
  plain strings, IRIs, language-tagged, then typed literals with numbers,
  booleans, gYears and dates interleaved by value).  Sort on one kind and add
  tie-breakers when comparing rows between engines.
* ``GROUP_CONCAT`` drops language tags (pyoxigraph keeps the tag when all
  values share it), accepts numbers (pyoxigraph leaves it unbound: use
  ``STR()``), and the order inside a group differs between engines.
* blank nodes come back as ``nodeID://b10000``.
* the JSON ``head`` has an extra ``"link": []`` and ``results`` extra
  ``"distinct"``/``"ordered"`` keys.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import weakref
from pathlib import Path
from typing import Any

__all__ = ["Virtuoso", "VirtuosoError", "virtuoso_binaries", "INSTALL_HINT"]

INSTALL_HINT = (
    "Virtuoso is not installed: run `sudo bash .ci/install-system-deps.sh` "
    "(Debian packages virtuoso-opensource-7-bin and virtuoso-opensource-7-common)."
)

_HOST = "127.0.0.1"


class VirtuosoError(RuntimeError):
    """Virtuoso failed to start, to load, or an isql statement failed."""


def virtuoso_binaries() -> tuple[str, str]:
    """Return the paths of (``virtuoso-t``, ``isql-vt``) or raise VirtuosoError."""
    server = shutil.which("virtuoso-t")
    isql = shutil.which("isql-vt") or shutil.which("isql-v")
    if not server or not isql:
        raise VirtuosoError(INSTALL_HINT)
    return server, isql


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((_HOST, 0))
        return s.getsockname()[1]


def _check_iri(iri: str) -> str:
    if not iri or re.search(r'[\s<>"{}|\\^`\']', iri):
        raise ValueError(f"not a usable IRI: {iri!r}")
    return iri


def _sql_str(value: str) -> str:
    return "'" + str(value).replace("'", "''") + "'"


_LIVE: "weakref.WeakSet[Virtuoso]" = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:  # last line of defence against leftover servers
    for v in list(_LIVE):
        try:
            v.stop()
        except Exception:
            pass


_INI_TEMPLATE = """\
; generated by tests/support/virtuoso.py - throw-away test database
[Database]
DatabaseFile       = {d}/virtuoso.db
ErrorLogFile       = {d}/virtuoso.log
LockFile           = {d}/virtuoso.lck
TransactionFile    = {d}/virtuoso.trx
xa_persistent_file = {d}/virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = {d}/virtuoso-temp.db
TransactionFile    = {d}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort                = {host}:{sql_port}
LiteMode                  = 0
DisableUnixSocket         = 1
DisableTcpSocket          = 0
ServerThreads             = 10
CheckpointInterval        = 0
O_DIRECT                  = 0
CaseMode                  = 2
MaxStaticCursorRows       = 5000
CheckpointAuditTrail      = 0
AllowOSCalls              = 0
SchedulerInterval         = 10
DirsAllowed               = {dirs_allowed}
ThreadCleanupInterval     = 0
ThreadThreshold           = 10
ResourcesCleanupInterval  = 0
FreeTextBatchSize         = 100000
SingleCPU                 = 0
PrefixResultNames         = 0
RdfFreeTextRulesSize      = 100
IndexTreeMaps             = 64
MaxMemPoolSize            = 40000000
MacSpotlight              = 0
; ~8.5 KB per buffer: {buffers} buffers ~ {buffers_mb} MB
NumberOfBuffers           = {buffers}
MaxDirtyBuffers           = {dirty_buffers}
MaxQueryMem               = 256M
VectorSize                = 1000
AdjustVectorSize          = 0
MaxVectorSize             = 1000000
AsyncQueueMaxThreads      = 4
ThreadsPerQuery           = 2

[HTTPServer]
ServerPort                  = {host}:{http_port}
ServerRoot                  = {d}
MaxClientConnections        = 8
DavRoot                     = DAV
EnabledDavVSP               = 0
HTTPProxyEnabled            = 0
TempASPXDir                 = 0
DefaultMailServer           = localhost:25
MaxKeepAlives               = 10
KeepAliveTimeout            = 10
MaxCachedProxyConnections   = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize              = 280000
HttpPrintWarningsInOutput   = 0
Charset                     = UTF-8
MaintenancePageRoot         = {d}
EnableRequestTrap           = 0

[AutoRepair]
BadParentLinks = 0

[Client]
SQL_PREFETCH_ROWS  = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT  = 0
SQL_TXN_TIMEOUT    = 0

[VDB]
ArrayOptimization           = 0
NumArrayParameters          = 10
VDBDisconnectTimeout        = 1000
KeepConnectionOnFixedThread = 0

[Replication]
ServerName   = coopgraph-test
ServerEnable = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime      = 120
DefaultQuery               = SELECT * WHERE {{ ?s ?p ?o }} LIMIT 10
DeferInferenceRulesInit    = 0
"""


class Virtuoso:
    """A private Virtuoso server for tests (context manager).

    ``Virtuoso().start(tmpdir)`` returns ``self``; ``with`` calls :meth:`stop`
    on exit.  :meth:`stop` is idempotent and is also run at interpreter exit.
    """

    def __init__(
        self,
        *,
        dba_password: str = "dba",
        startup_timeout: float = 90.0,
        stop_timeout: float = 15.0,
        buffers: int = 20000,
        dirs_allowed: list[str | os.PathLike[str]] | None = None,
    ) -> None:
        self.dba_user = "dba"
        self.dba_password = dba_password
        self.startup_timeout = startup_timeout
        self.stop_timeout = stop_timeout
        self.buffers = buffers
        self.extra_dirs_allowed = [str(Path(p).resolve()) for p in (dirs_allowed or [])]
        self.host = _HOST
        self.http_port: int | None = None
        self.sql_port: int | None = None
        self.workdir: Path | None = None
        self.startup_seconds: float | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._stdout_file: Any = None
        self._server_bin: str | None = None
        self._isql_bin: str | None = None

    # ------------------------------------------------------------ properties
    @property
    def base_url(self) -> str:
        self._require_running()
        return f"http://{self.host}:{self.http_port}"

    @property
    def sparql_url(self) -> str:
        """Anonymous (read-only) SPARQL endpoint: ``http://127.0.0.1:PORT/sparql``."""
        return self.base_url + "/sparql"

    @property
    def sparql_auth_url(self) -> str:
        """Digest-authenticated SPARQL endpoint (query + update as dba)."""
        return self.base_url + "/sparql-auth"

    @property
    def gsp_url(self) -> str:
        """Anonymous Graph Store Protocol endpoint (read-only by default)."""
        return self.base_url + "/sparql-graph-crud"

    @property
    def gsp_auth_url(self) -> str:
        """Digest-authenticated Graph Store Protocol endpoint (writable as dba)."""
        return self.base_url + "/sparql-graph-crud-auth"

    @property
    def credentials(self) -> tuple[str, str]:
        return (self.dba_user, self.dba_password)

    @property
    def log_path(self) -> Path | None:
        return None if self.workdir is None else self.workdir / "virtuoso.log"

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def gsp_graph_url(self, graph_iri: str, *, auth: bool = True) -> str:
        base = self.gsp_auth_url if auth else self.gsp_url
        return base + "?" + urllib.parse.urlencode({"graph-uri": _check_iri(graph_iri)})

    # -------------------------------------------------------------- lifecycle
    def start(self, tmpdir: str | os.PathLike[str]) -> "Virtuoso":
        """Create a fresh database in *tmpdir* and start the server.

        Blocks until ``/sparql`` answers and the SQL port accepts connections
        (at most ``startup_timeout`` seconds).  Raises :class:`VirtuosoError`
        with the tail of the server log on failure (the process is stopped).
        """
        if self._proc is not None:
            raise VirtuosoError("this Virtuoso instance was already started")
        self._server_bin, self._isql_bin = virtuoso_binaries()
        base = Path(tmpdir).resolve()
        base.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        last_error: VirtuosoError | None = None
        for attempt in range(3):  # retry on a (rare) port race
            workdir = base / ("virtuoso" if attempt == 0 else f"virtuoso-{attempt}")
            if workdir.exists():
                shutil.rmtree(workdir)
            workdir.mkdir(parents=True)
            try:
                self._start_once(workdir, t0)
                self.startup_seconds = time.monotonic() - t0
                _LIVE.add(self)
                return self
            except VirtuosoError as exc:
                last_error = exc
                self.stop()
                if "Address already in use" not in str(exc):
                    break
        assert last_error is not None
        raise last_error

    def _start_once(self, workdir: Path, t0: float) -> None:
        self.workdir = workdir
        self.sql_port = _free_port()
        self.http_port = _free_port()
        while self.http_port == self.sql_port:
            self.http_port = _free_port()
        dirs = [".", str(workdir), *self.extra_dirs_allowed]
        ini = _INI_TEMPLATE.format(
            d=str(workdir),
            host=self.host,
            sql_port=self.sql_port,
            http_port=self.http_port,
            dirs_allowed=", ".join(dirs),
            buffers=self.buffers,
            buffers_mb=self.buffers * 85 // 10000,
            dirty_buffers=self.buffers * 3 // 4,
        )
        ini_path = workdir / "virtuoso.ini"
        ini_path.write_text(ini, encoding="utf-8")
        self._stdout_file = open(workdir / "virtuoso.stdout", "wb")
        self._proc = subprocess.Popen(
            [self._server_bin, "+foreground", "+configfile", str(ini_path)],
            cwd=str(workdir),
            stdin=subprocess.DEVNULL,
            stdout=self._stdout_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # own process group: stop() kills it all
        )
        deadline = t0 + self.startup_timeout
        probe = self.sparql_url + "?" + urllib.parse.urlencode({"query": "ASK {}"})
        while True:
            code = self._proc.poll()
            if code is not None:
                raise VirtuosoError(f"virtuoso-t exited with code {code} during start-up\n{self.log_tail()}")
            if self._http_ok(probe) and self._port_open(self.sql_port):
                return
            if time.monotonic() > deadline:
                raise VirtuosoError(
                    f"virtuoso-t did not answer on {self.sparql_url} within "
                    f"{self.startup_timeout:.0f}s\n{self.log_tail()}"
                )
            time.sleep(0.1)

    @staticmethod
    def _http_ok(url: str) -> bool:
        req = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
        try:
            with urllib.request.urlopen(req, timeout=2) as resp:
                return resp.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def _port_open(self, port: int | None) -> bool:
        try:
            with socket.create_connection((self.host, port), timeout=1):
                return True
        except OSError:
            return False

    def log_tail(self, lines: int = 40) -> str:
        """Last lines of the server's stdout/stderr and error log."""
        out = []
        if self.workdir is not None:
            for name in ("virtuoso.stdout", "virtuoso.log"):
                p = self.workdir / name
                if p.exists():
                    text = p.read_text(encoding="utf-8", errors="replace").splitlines()
                    out.append(f"--- {p} (last {lines} lines) ---")
                    out.extend(text[-lines:])
        return "\n".join(out) or "(no Virtuoso log)"

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL to the process group after
        ``stop_timeout`` seconds.  Safe to call several times."""
        proc, self._proc = self._proc, None
        _LIVE.discard(self)
        if proc is not None:
            try:
                if proc.poll() is None:
                    try:
                        os.killpg(proc.pid, signal.SIGTERM)
                    except ProcessLookupError:
                        pass
                    try:
                        proc.wait(timeout=self.stop_timeout)
                    except subprocess.TimeoutExpired:
                        pass
            finally:
                try:  # anything left in the group (normally nothing)
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        if self._stdout_file is not None:
            self._stdout_file.close()
            self._stdout_file = None

    def __enter__(self) -> "Virtuoso":
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _require_running(self) -> None:
        if self._proc is None or self.http_port is None:
            raise VirtuosoError("Virtuoso is not started")

    # -------------------------------------------------------------------- SQL
    def isql(self, sql: str, *, timeout: float = 600.0) -> str:
        """Run SQL statements (``;``-separated) with ``isql-vt`` as dba.

        Returns isql's output; raises :class:`VirtuosoError` if it reports an
        error (isql-vt itself exits 0 on SQL errors)."""
        self._require_running()
        assert self._isql_bin is not None
        res = subprocess.run(
            [
                self._isql_bin,
                f"{self.host}:{self.sql_port}",
                self.dba_user,
                self.dba_password,
                "VERBOSE=OFF",
                "BANNER=OFF",
                f"exec={sql}",
            ],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            text=True,
        )
        out = res.stdout + res.stderr
        if res.returncode != 0 or "*** Error" in out:
            raise VirtuosoError(f"isql failed (exit {res.returncode}) for:\n{sql}\n{out}")
        return out

    def _isql_values(self, expr: str, rest: str = "") -> list[str]:
        """``SELECT expr rest`` for a one-column, string-valued *expr*;
        returns the values (each marked, so that isql's table decoration can
        be stripped reliably)."""
        out = self.isql(f"SELECT concat('@@<', {expr}) {rest};")
        return [m.group(1).rstrip() for m in re.finditer(r"@@<(.*)$", out, re.M)]

    # --------------------------------------------------------------- loading
    def load_ntriples(self, path: str | os.PathLike[str], graph_iri: str) -> int:
        """Bulk-load an N-Triples file (``.gz`` allowed) into *graph_iri*.

        Triples are added to what the graph already holds (call
        :meth:`clear_graph` first to replace).  Returns the number of triples
        in the graph afterwards.  Raises :class:`VirtuosoError` on a parse
        error."""
        return self._bulk_load(path, graph_iri, ".nt")

    def load_turtle(self, path: str | os.PathLike[str], graph_iri: str) -> int:
        """Same as :meth:`load_ntriples` for a Turtle file."""
        return self._bulk_load(path, graph_iri, ".ttl")

    def _bulk_load(self, path: str | os.PathLike[str], graph_iri: str, ext: str) -> int:
        self._require_running()
        _check_iri(graph_iri)
        src = Path(path)
        if not src.is_file():
            raise FileNotFoundError(src)
        assert self.workdir is not None
        load_dir = self.workdir / "load" / uuid.uuid4().hex
        load_dir.mkdir(parents=True)
        name = "data" + ext + (".gz" if src.suffix == ".gz" else "")
        dst = load_dir / name
        shutil.copyfile(src, dst)
        try:
            self.isql(f"ld_dir({_sql_str(str(load_dir))}, {_sql_str(name)}, {_sql_str(graph_iri)}); rdf_loader_run();")
            state = self._isql_values(
                "cast(ll_state as varchar), '|', coalesce(ll_error, '')",
                f"FROM DB.DBA.load_list WHERE ll_file = {_sql_str(str(dst))}",
            )
        finally:
            shutil.rmtree(load_dir, ignore_errors=True)
        if not state:
            raise VirtuosoError(f"bulk loader did not register {dst}\n{self.log_tail()}")
        ll_state, _, ll_error = state[0].partition("|")
        if ll_error.strip() or ll_state.strip() != "2":
            raise VirtuosoError(f"loading {src} into <{graph_iri}> failed (state {ll_state}): {ll_error}")
        return self.count(graph_iri)

    def clear_graph(self, graph_iri: str) -> None:
        """Remove every triple of *graph_iri* (no error if it is empty)."""
        _check_iri(graph_iri)
        self.isql(f"log_enable(3, 1); SPARQL CLEAR GRAPH <{graph_iri}>;")

    def count(self, graph_iri: str | None = None) -> int:
        """Number of triples in *graph_iri* (or in all graphs) over HTTP SPARQL."""
        where = f"GRAPH <{_check_iri(graph_iri)}> {{ ?s ?p ?o }}" if graph_iri else "GRAPH ?g { ?s ?p ?o }"
        rows = self.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(rows[0]["n"]["value"])

    def enable_anonymous_update(self) -> None:
        """Let anonymous users write: SPARQL Update on ``/sparql`` and GSP
        writes on ``/sparql-graph-crud``.  Test databases only!"""
        self.isql("GRANT SPARQL_UPDATE TO \"SPARQL\"; DB.DBA.RDF_DEFAULT_USER_PERMS_SET('nobody', 7);")

    # ------------------------------------------------------------ SPARQL/HTTP
    def query_json(self, q: str) -> dict[str, Any]:
        """Run a SPARQL query on ``/sparql`` (POST, via SPARQLWrapper) and
        return the decoded SPARQL JSON results document."""
        from SPARQLWrapper import JSON, POST, SPARQLWrapper

        sw = SPARQLWrapper(self.sparql_url)
        sw.setMethod(POST)
        sw.setReturnFormat(JSON)
        sw.setTimeout(120)
        sw.setQuery(q)
        return sw.queryAndConvert()  # type: ignore[return-value]

    def query(self, q: str) -> list[dict[str, dict[str, str]]]:
        """SELECT: the ``results.bindings`` list, as Virtuoso sent it: one dict
        per row, ``var -> {"type", "value", ["datatype" | "xml:lang"]}``;
        unbound variables are absent from the row."""
        return self.query_json(q)["results"]["bindings"]

    def ask(self, q: str) -> bool:
        return bool(self.query_json(q)["boolean"])

    def _opener(self, url: str) -> urllib.request.OpenerDirector:
        mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        mgr.add_password(None, url, self.dba_user, self.dba_password)
        return urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(mgr))

    def http(
        self,
        method: str,
        url: str,
        data: bytes | None = None,
        headers: dict[str, str] | None = None,
        *,
        auth: bool = True,
    ) -> tuple[int, bytes]:
        """Plain HTTP request (Digest auth as dba when *auth*); returns
        ``(status, body)`` and does not raise on HTTP error statuses."""
        req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
        opener = self._opener(url) if auth else urllib.request.build_opener()
        try:
            with opener.open(req, timeout=120) as resp:
                return resp.status, resp.read()
        except urllib.error.HTTPError as err:
            return err.code, err.read()

    def update(self, q: str) -> None:
        """SPARQL 1.1 Update on ``/sparql-auth`` as dba (Digest auth)."""
        status, body = self.http(
            "POST",
            self.sparql_auth_url,
            urllib.parse.urlencode({"update": q}).encode(),
            {"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"},
        )
        if status >= 300:
            raise VirtuosoError(f"SPARQL update failed: HTTP {status}\n{body.decode(errors='replace')}")

    def gsp_put(self, graph_iri: str, data: bytes | str, content_type: str = "text/turtle") -> int:
        """Graph Store Protocol PUT (replace graph) as dba; returns the status."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        status, body = self.http("PUT", self.gsp_graph_url(graph_iri), data, {"Content-Type": content_type})
        if status >= 300:
            raise VirtuosoError(f"GSP PUT failed: HTTP {status}\n{body.decode(errors='replace')}")
        return status

    def gsp_post(self, graph_iri: str, data: bytes | str, content_type: str = "text/turtle") -> int:
        """Graph Store Protocol POST (merge into graph) as dba; returns the status."""
        if isinstance(data, str):
            data = data.encode("utf-8")
        status, body = self.http("POST", self.gsp_graph_url(graph_iri), data, {"Content-Type": content_type})
        if status >= 300:
            raise VirtuosoError(f"GSP POST failed: HTTP {status}\n{body.decode(errors='replace')}")
        return status

    def __repr__(self) -> str:
        state = f"http://{self.host}:{self.http_port}" if self.running else "stopped"
        return f"<Virtuoso {state} workdir={self.workdir}>"

"""The web face: Starlette routes that parse a request, run one job on a query worker, render.

Routes: / (home), /sparql (SPARQL 1.1 Protocol; the YASGUI editor for browsers), /queries and
/queries/{name} (saved queries as an API), /openapi.json, /id/... (a page or RDF for every
IRI the project mints), /ontology, /search, /map and /map/data.json (the partners map). Read-only: personal data is never opened.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
import time
import traceback
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from urllib.parse import parse_qsl, urlencode

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__, list_queries, open as open_atlas
from ..rdf import iris
from ..rdf.namespaces import PREFIXES
from ..results import Cell, Table
from . import formats
from .cache import AnswerCache
from .pool import JobFailed, Pool

MAX_BODY = 1_000_000  # bytes of a request body (a SPARQL query); more gets 413
MAX_SEARCH = 200
# Run by the page lane; the others by the query lane. Search is an index look-up (the full-text
# index beside the store answers in milliseconds), so it runs with the pages.
PAGE_JOBS = {"describe", "rdf", "ontology", "home", "search"}


@dataclass
class Options:
    store: str
    base_url: str = ""  # prefix of the links in pages; "" = this server's root
    timeout: float = 30.0
    workers: int = 2
    allow_service: bool = False
    cache_mb: float = 128  # answers kept while the store does not change; 0: none
    worker_memory_mb: int = 4096  # data memory of each worker process (0: no limit)


# --- rendering helpers ---------------------------------------------------------------------------
class Render:
    def __init__(self, base_url: str):
        self.base = base_url.rstrip("/")
        self.env = Environment(
            loader=PackageLoader("coopgraph.server", "templates"),
            autoescape=select_autoescape(["html"]),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        self.env.globals.update(
            url=self.url, term=self.term, link=self.link, num=self.num, version=__version__, curie=self.curie
        )

    def url(self, path: str) -> str:
        return self.base + path

    def href(self, iri: str) -> str | None:
        """Where a link to this IRI goes: our own IRIs to this server, others as they are."""
        if iri.startswith(iris.BASE):
            return self.url("/" + iri[len(iris.BASE) :])
        if iri.startswith(("http://", "https://")):
            return iri
        return None  # urn:, mailto:, javascript: ... are shown, never linked

    def curie(self, iri: str) -> str:
        if iri.startswith(iris.ID):
            return iri[len(iris.ID) :]
        return Cell(iri, "uri").short()

    def link(self, iri: str, label: str | None = None) -> Markup:
        text = escape(label or self.curie(iri))
        href = self.href(iri)
        if href is None:
            return Markup(f"<code>{text}</code>")
        ext = "" if iri.startswith(iris.BASE) else ' class="external"'
        return Markup(f'<a href="{escape(href)}"{ext}>{text}</a>')

    def num(self, value) -> str:
        try:
            d = Decimal(str(value))
        except (InvalidOperation, ValueError):
            return str(value)
        return f"{d:,.0f}".replace(",", "\u202f") if d == d.to_integral_value() else f"{d:,.2f}".replace(",", "\u202f")

    def term(self, cell: Cell | None, label: str | None = None) -> Markup:
        if cell is None:
            return Markup("")
        if cell.kind == "uri":
            return self.link(cell.value, label)
        if cell.kind == "bnode":
            return Markup(f"<code>_:{escape(cell.value)}</code>")
        out = f'<span class="lit">{escape(cell.value)}</span>'
        if cell.numeric:
            out = f'<span class="lit num">{escape(cell.value)}</span>'
        if cell.lang:
            out += f' <small class="lang">@{escape(cell.lang)}</small>'
        elif cell.datatype and not cell.numeric and cell.datatype != formats.XSD + "string":
            out += f' <small class="dt">{escape(Cell(cell.datatype, "uri").short())}</small>'
        return Markup(out)

    def page(self, template: str, status: int = 200, headers: dict | None = None, **ctx) -> HTMLResponse:
        html = self.env.get_template(template).render(**ctx)
        return HTMLResponse(html, status_code=status, headers=headers)


def _wants_html(request: Request) -> bool:
    return (
        formats.choose(
            request.headers.get("accept"),
            {"text/html": "html", "application/json": "json"},
            request.query_params.get("format"),
        )
        == "html"
    )


# --- the application -----------------------------------------------------------------------------
def create_app(opts: Options) -> Starlette:
    r = Render(opts.base_url)
    state: dict = {}

    def error(request: Request, status: int, message: str, html: bool | None = None) -> Response:
        if html is None:
            html = "text/html" in request.headers.get("accept", "")
        if html:
            return r.page("error.html", status=status, status_code=status, message=message)
        return Response(message + "\n", status_code=status, media_type="text/plain; charset=utf-8")

    async def run(request: Request, job: str, *args):
        # Same store generation, same job: same answer (see cache.py).
        app = request.app
        key = (job, *(tuple(sorted(a.items())) if isinstance(a, dict) else a for a in args))
        pool = app.state.pages if job in PAGE_JOBS else app.state.queries
        return await app.state.cache.get(key, app.state.atlas.store.generation(), lambda: pool.run(job, *args))

    async def read_body(request: Request) -> bytes:
        size = int(request.headers.get("content-length") or 0)
        if size > MAX_BODY:
            raise HTTPException(413, f"request body over {MAX_BODY:,} bytes")
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY:
                raise HTTPException(413, f"request body over {MAX_BODY:,} bytes")
        return body

    # -- home
    async def home(request: Request) -> Response:
        data = await run(request, "home")
        queries = [(n, q) for n, q in list_queries().items() if not q.is_update]
        return r.page("home.html", data=data, stats=data["stats"], queries=queries)

    # -- SPARQL protocol
    async def sparql(request: Request) -> Response:
        params = dict(request.query_params)
        query = params.get("query")
        if request.method == "POST":
            ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
            body = await read_body(request)
            if ctype == "application/x-www-form-urlencoded":
                try:
                    form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
                except UnicodeDecodeError:
                    return error(request, 400, "the form is not UTF-8")
                if "update" in form:
                    return error(request, 403, "this endpoint is read-only: SPARQL Update is refused")
                params.update(form)
                query = form.get("query", query)
            elif ctype == "application/sparql-query":
                try:
                    query = body.decode("utf-8")
                except UnicodeDecodeError:
                    return error(request, 400, "the query is not UTF-8")
            elif ctype == "application/sparql-update":
                return error(request, 403, "this endpoint is read-only: SPARQL Update is refused")
            else:
                return error(
                    request,
                    415,
                    "POST a query as application/x-www-form-urlencoded (query=...) or as application/sparql-query",
                )
        if "update" in params:
            return error(request, 403, "this endpoint is read-only: SPARQL Update is refused")
        if not query or not query.strip():
            if _wants_html(request):
                return editor(request)
            if request.method != "POST" and "text/turtle" in request.headers.get("accept", ""):
                return service_description(request)
            return error(
                request,
                400,
                "no query: give one as ?query=..., a form field 'query' or an application/sparql-query body",
            )
        try:
            res = await run(request, "sparql", query, request.headers.get("accept"), params.get("format"))
        except JobFailed as e:
            return error(request, e.status, e.message)
        if res[0] == "table":
            return r.page("results.html", table=res[1], total=res[2], query=query, headers={"Vary": "Accept"})
        return Response(res[2], media_type=res[1], headers={"Vary": "Accept"})

    def service_description(request: Request) -> Response:
        """SPARQL 1.1 Service Description of the endpoint, for clients that discover endpoints."""
        endpoint = str(request.url_for("sparql")) if not opts.base_url.startswith("http") else r.url("/sparql")
        ttl = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .
@prefix formats: <http://www.w3.org/ns/formats/> .
[] a sd:Service ;
  sd:endpoint <{endpoint}> ;
  sd:supportedLanguage sd:SPARQL11Query ;
  sd:feature sd:UnionDefaultGraph ;
  sd:resultFormat formats:SPARQL_Results_JSON, formats:SPARQL_Results_XML, formats:SPARQL_Results_CSV,
    formats:SPARQL_Results_TSV, formats:Turtle, formats:N-Triples, formats:JSON-LD, formats:RDF_XML .
"""
        return Response(ttl, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})

    def editor(request: Request) -> Response:
        examples = [
            {"name": n, "summary": q.summary, "text": q.text} for n, q in list_queries().items() if not q.is_update
        ]
        prefixes = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
        config = {
            "endpoint": r.url("/sparql"),
            "prefixes": prefixes,
            "examples": examples,
            "query": prefixes + "\nSELECT ?partnership ?title WHERE {\n  ?partnership a cg:Partnership ;"
            " dcterms:title ?title .\n}\nLIMIT 20\n",
        }
        return r.page(
            "editor.html",
            config=json.dumps(config, ensure_ascii=False).replace("</", "<\\/"),
            examples=examples,
            prefixes=prefixes,
        )

    # -- saved queries
    def visible_queries():
        return {n: q for n, q in list_queries().items() if not q.is_update}

    async def queries_index(request: Request) -> Response:
        found = visible_queries()
        if not _wants_html(request):
            return JSONResponse(
                [
                    {
                        "name": n,
                        "summary": q.summary,
                        "description": q.description,
                        "params": {
                            p.name: {
                                "type": p.type,
                                "description": p.description,
                                "default": p.default,
                                "example": p.example,
                            }
                            for p in q.params.values()
                        },
                        "url": r.url(f"/queries/{n}"),
                    }
                    for n, q in found.items()
                ]
            )
        return r.page("queries.html", queries=found)

    async def saved_query(request: Request) -> Response:
        name = request.path_params["name"]
        fmt = None
        for suffix in ("json", "csv", "tsv"):
            if name.endswith("." + suffix):
                name, fmt = name[: -len(suffix) - 1], suffix
        found = visible_queries()
        if name not in found:
            import difflib

            near = difflib.get_close_matches(name, list(found), n=3)
            return error(
                request,
                404,
                f"no saved query named {name!r}"
                + (f"; did you mean {', '.join(near)}?" if near else "")
                + " (see /queries)",
            )
        q = found[name]
        given = {k: v for k, v in request.query_params.items() if not (k == "format" and k not in q.params)}
        if fmt is None and "format" not in q.params:
            fmt = request.query_params.get("format")
        wants = formats.choose(request.headers.get("accept"), formats.RESULT_TYPES, fmt)
        if wants is None:
            return error(
                request,
                406,
                "ask for application/sparql-results+json, text/csv, text/tab-separated-values or text/html",
            )
        html = wants == "html"
        try:
            res = await run(request, "saved", name, given, request.headers.get("accept"), fmt)
        except JobFailed as e:
            if html:
                return r.page(
                    "query.html",
                    status=e.status,
                    name=name,
                    q=q,
                    given=given,
                    table=None,
                    message=e.message,
                    links=_links(name, given),
                )
            return error(request, e.status, e.message, html=False)
        if res[0] == "table":
            return r.page(
                "query.html",
                name=name,
                q=q,
                given=given,
                table=res[1],
                total=res[2],
                message=None,
                links=_links(name, given),
                headers={"Vary": "Accept"},
            )
        return Response(res[2], media_type=res[1], headers={"Vary": "Accept"})

    def _links(name: str, given: dict) -> dict:
        qs = ("?" + urlencode(given)) if given else ""
        return {f: r.url(f"/queries/{name}.{f}{qs}") for f in ("json", "csv", "tsv")}

    async def openapi(request: Request) -> Response:
        if "openapi" not in state:
            from .openapi import describe

            state["openapi"] = describe(visible_queries(), opts.base_url)
        return JSONResponse(state["openapi"])

    # -- IRIs
    async def resource(request: Request) -> Response:
        iri = iris.ID + request.path_params["path"]
        return await _describe(request, iri)

    async def _describe(request: Request, iri: str) -> Response:
        fmt = formats.choose(request.headers.get("accept"), formats.GRAPH_TYPES, request.query_params.get("format"))
        vary = {"Vary": "Accept"}
        if fmt is None:
            return error(request, 406, "ask for text/html, text/turtle, application/n-triples or application/ld+json")
        try:
            if fmt == "html":
                data = await run(request, "describe", iri)
                if data is None:
                    return r.page(
                        "error.html",
                        status=404,
                        status_code=404,
                        headers=vary,
                        message=f"the graph holds nothing about {iri}",
                    )
                return r.page(
                    "resource.html",
                    d=data,
                    headers=vary,
                    alternates={f: f"?format={f}" for f in ("turtle", "ntriples", "jsonld")},
                )
            res = await run(request, "rdf", iri, fmt)
        except JobFailed as e:
            return error(request, e.status, e.message)
        if res is None:
            return Response(
                f"the graph holds nothing about {iri}\n",
                status_code=404,
                headers=vary,
                media_type="text/plain; charset=utf-8",
            )
        return Response(res[2], media_type=res[1], headers=vary)

    async def ontology(request: Request) -> Response:
        fmt = formats.choose(request.headers.get("accept"), formats.GRAPH_TYPES, request.query_params.get("format"))
        if fmt is None:
            return error(request, 406, "ask for text/html, text/turtle, application/n-triples or application/ld+json")
        try:
            res = await run(request, "ontology", fmt)
        except JobFailed as e:
            return error(request, e.status, e.message)
        return Response(res[2], media_type=res[1], headers={"Vary": "Accept"})

    # -- the map of the partners: the page loads its data from /map/data.json (7 MB at 15,000
    # partnerships: too big to put in the home page), drawn by the same script as the published release
    async def map_page(request: Request) -> Response:
        config = {"data": r.url("/map/data.json"), "base": r.url(""), "iriBase": iris.BASE}
        return r.page("map.html", config=json.dumps(config))

    async def map_json(request: Request) -> Response:
        try:
            res = await run(request, "map")
        except JobFailed as e:
            return error(request, e.status, e.message, html=False)
        return Response(res[2], media_type=res[1])

    # -- search
    async def search(request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        try:
            limit = max(1, min(MAX_SEARCH, int(request.query_params.get("limit", 50))))
        except ValueError:
            return error(request, 400, "limit must be a whole number")
        html = (
            _wants_html(request)
            if request.query_params.get("format") or "json" in request.headers.get("accept", "")
            else True
        )
        if len(q) > 500:
            return error(request, 400, "the search text is too long (500 characters at most)", html)
        table = None
        if q:
            try:
                table = (await run(request, "search", q, limit))[1]
            except JobFailed as e:
                return error(request, e.status, e.message, html)
        if not html:
            rows = (
                []
                if table is None
                else [{v: (c.value if c else None) for v, c in zip(table.variables, row)} for row in table.rows]
            )
            return JSONResponse({"q": q, "limit": limit, "results": rows}, headers={"Vary": "Accept"})
        return r.page(
            "search.html", q=q, table=table, limit=limit, headers={"Vary": "Accept"}, label_col=_label_column(table)
        )

    async def not_found(request: Request, exc: HTTPException) -> Response:
        return error(request, exc.status_code, exc.detail if isinstance(exc.detail, str) else "error")

    async def crashed(request: Request, exc: Exception) -> Response:
        traceback.print_exception(exc, file=sys.stderr)
        return error(request, 500, "internal error (logged by the server)")

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        app.state.atlas = open_atlas(opts.store, read_only=True)  # only for its generation stamp
        app.state.cache = AnswerCache(int(opts.cache_mb * 1024 * 1024))
        # Two lanes: pages (short look-ups) never wait behind long queries and searches.
        page_workers = max(1, opts.workers // 2)
        app.state.pages = Pool(opts.store, page_workers, opts.timeout, opts.allow_service, opts.worker_memory_mb)
        app.state.queries = Pool(
            opts.store, max(1, opts.workers - page_workers), opts.timeout, opts.allow_service, opts.worker_memory_mb
        )
        await app.state.pages.start()
        await app.state.queries.start()
        print(f"coopgraph serve: {opts.workers} query worker(s) ready on {opts.store}", file=sys.stderr, flush=True)
        # the home page's figures take seconds at Atlas scale: compute them now, in the background
        warm = asyncio.ensure_future(
            app.state.cache.get(("home",), app.state.atlas.store.generation(), lambda: app.state.pages.run("home"))
        )
        warm.add_done_callback(lambda f: f.cancelled() or f.exception())
        try:
            yield
        finally:
            c = app.state.cache
            print(
                f"coopgraph serve: {c.hits + c.misses} answers, {c.hits} from the cache, "
                f"{app.state.pages.killed + app.state.queries.killed} worker(s) replaced (time limit, memory)",
                file=sys.stderr,
                flush=True,
            )
            await app.state.pages.close()
            await app.state.queries.close()
            app.state.atlas.close()

    static = StaticFiles(directory=str(resources.files("coopgraph.server") / "static"))
    routes = [
        Route("/", home),
        Route("/sparql", sparql, methods=["GET", "POST", "HEAD"], name="sparql"),
        Route("/queries", queries_index),
        Route("/queries/{name}", saved_query),
        Route("/openapi.json", openapi),
        Route("/ontology", ontology),
        Route("/id/{path:path}", resource),
        Route("/search", search),
        Route("/map", map_page),
        Route("/map/data.json", map_json),
        Route("/favicon.ico", lambda request: Response(status_code=204)),
        Mount("/static/map", StaticFiles(directory=str(resources.files("coopgraph") / "static" / "map"))),
        Mount("/static", static, name="static"),
    ]
    middleware = [
        Middleware(RequestLog),
        Middleware(Guard),
        Middleware(Revalidate),
        Middleware(
            CORSMiddleware,
            allow_origins=["*"],
            allow_methods=["GET", "HEAD", "POST"],
            allow_headers=["Accept", "Content-Type"],
            max_age=86400,
        ),
    ]
    return Starlette(
        routes=routes,
        middleware=middleware,
        lifespan=lifespan,
        exception_handlers={HTTPException: not_found, Exception: crashed},
    )


def _label_column(table: Table | None) -> str | None:
    if table is None:
        return None
    for name in ("label", "title", "name"):
        if name in table.variables:
            return name
    return None


# --- middleware (plain ASGI) ---------------------------------------------------------------------
class RequestLog:
    """One line per request on stderr: client, method, path, status, bytes, milliseconds."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status, size = [500], [0]

        async def sending(message):
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            elif message["type"] == "http.response.body":
                size[0] += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            qs = scope.get("query_string", b"").decode("latin-1")
            path = scope["path"] + ("?" + qs[:200] + ("…" if len(qs) > 200 else "") if qs else "")
            client = (scope.get("client") or ("-",))[0]
            print(
                f'{client} "{scope["method"]} {path}" {status[0]} {size[0]}B {1000 * (time.perf_counter() - start):.0f}ms',
                file=sys.stderr,
                flush=True,
            )


class Guard:
    """Limits and headers for every response: no over-long URL, no sniffing, a strict CSP."""

    CSP = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    )

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if len(scope.get("query_string", b"")) + len(scope.get("raw_path", b"")) > 65_536:
            return await Response("URL too long\n", status_code=414)(scope, receive, send)
        for k, v in scope.get("headers", []):
            if k == b"content-length" and v.isdigit() and int(v) > MAX_BODY:
                return await Response(f"request body over {MAX_BODY:,} bytes\n", status_code=413)(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"x-content-type-options", b"nosniff"),
                    (b"content-security-policy", self.CSP.encode()),
                    (b"referrer-policy", b"no-referrer"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, sending)


class Revalidate:
    """ETags for GET answers: an answer depends only on the store generation, the URL and the Accept
    header, so a client (or a proxy) that sends back the ETag gets a 304 without any query running."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"].startswith("/static/"):
            return await self.app(scope, receive, send)
        import hashlib

        headers = dict(scope.get("headers", []))
        atlas = scope["app"].state.atlas
        key = "\x1f".join(
            [
                __version__,
                atlas.store.generation(),
                scope["path"],
                scope.get("query_string", b"").decode("latin-1"),
                headers.get(b"accept", b"").decode("latin-1"),
            ]
        )
        etag = f'W/"{hashlib.sha256(key.encode()).hexdigest()[:24]}"'
        if etag in headers.get(b"if-none-match", b"").decode("latin-1"):
            return await Response(status_code=304, headers={"ETag": etag, "Vary": "Accept"})(scope, receive, send)

        async def sending(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"etag", etag.encode()), (b"cache-control", b"no-cache")],
                }
            await send(message)

        await self.app(scope, receive, sending)

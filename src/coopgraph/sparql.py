"""Ad-hoc SPARQL on the store: read-only by default, no federated calls unless allowed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from pyoxigraph import QueryBoolean, QuerySolutions, QueryTriples, RdfFormat, serialize

from . import results
from .rdf.namespaces import PREFIXES
from .store import Store

_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
_STRINGS_AND_COMMENTS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|'
                                   r"'(?:\\.|[^'\\\n])*'|<[^<>\s]*>|#[^\n]*")


class SparqlError(Exception):
    pass


def _code_only(q: str) -> str:
    """The query without strings, IRIs and comments, so keywords inside them do not count."""
    return _STRINGS_AND_COMMENTS.sub(" ", q)


def is_update(q: str) -> bool:
    code = _code_only(q)
    # An update has no query form; a query may still say "DELETE" nowhere outside strings.
    return bool(_UPDATE.search(code)) and not re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", code, re.I)


def uses_service(q: str) -> bool:
    return bool(_SERVICE.search(_code_only(q)))


def run_sparql(store_path: Path | None, query: str, fmt: str, *, allow_update: bool, allow_service: bool,
               out: IO[str]) -> None:
    if uses_service(query) and not allow_service:
        raise SparqlError("SERVICE (a call to another endpoint) is refused; pass --allow-service to allow it")
    if is_update(query):
        if not allow_update:
            raise SparqlError("this is a SPARQL Update, and the store is opened read-only; "
                              "pass --allow-update to change the store")
        with Store(store_path) as store:
            try:
                store.update(query)
            except SyntaxError as e:
                raise SparqlError(f"invalid SPARQL Update: {e}") from None
        out.write("Update applied.\n")
        return
    with Store(store_path, read_only=True) as store:
        try:
            res = store.query(query, prefixes=PREFIXES)
        except SyntaxError as e:
            raise SparqlError(f"invalid SPARQL: {e}") from None
        except OSError as e:
            raise SparqlError(f"the query failed: {e}") from None
        if isinstance(res, QueryBoolean):
            if fmt == "json":
                out.write('{"head": {}, "boolean": %s}\n' % ("true" if bool(res) else "false"))
            else:
                out.write(("true" if bool(res) else "false") + "\n")
        elif isinstance(res, QueryTriples):
            data = serialize(res, format=RdfFormat.TURTLE, prefixes=PREFIXES)
            out.write(data.decode("utf-8"))
        else:
            results.write(results.from_oxigraph(res), fmt, out)


def run_remote(url: str, query: str, fmt: str, *, allow_update: bool, timeout: float, out: IO[str]) -> None:
    """The same on a remote SPARQL 1.1 endpoint (SPARQLWrapper); SELECT and ASK results only."""
    import click

    from .cli_common import UsageProblem
    from .commands.query import EndpointFailed
    from .endpoint import Endpoint, EndpointError

    try:
        ep = Endpoint(url, timeout=timeout)
    except ValueError as e:
        raise UsageProblem(str(e)) from None
    try:
        if is_update(query):
            if not allow_update:
                raise UsageProblem("this is a SPARQL Update, refused unless --allow-update")
            ep.update(query)
            click.echo("Update sent.", err=True)
            return
        if re.search(r"\b(CONSTRUCT|DESCRIBE)\b", _code_only(query), re.I):
            raise UsageProblem("--endpoint runs SELECT and ASK queries; CONSTRUCT/DESCRIBE only on the store")
        data = ep.select_json(query)
    except EndpointError as e:
        raise EndpointFailed(str(e)) from None
    if "boolean" in data:
        if fmt == "json":
            out.write('{"head": {}, "boolean": %s}\n' % ("true" if data["boolean"] else "false"))
        else:
            out.write(("true" if data["boolean"] else "false") + "\n")
        return
    results.write(results.from_sparql_json(data), fmt, out)

"""Ad-hoc SPARQL on the store: read-only by default, no federated calls unless allowed."""

from __future__ import annotations

import re
from pathlib import Path
from typing import IO

from pyoxigraph import QueryBoolean, QueryTriples, RdfFormat, serialize

from .errors import CoopgraphError
from . import results
from .rdf.namespaces import PREFIXES
from .store import Store

_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
# Strings, IRIs and comments, as SPARQL's grammar lexes them: an IRI has no space, quote, brace,
# pipe, caret, backquote or backslash, so a '<' comparison cannot swallow code up to a later '>'.
_STRINGS_AND_COMMENTS = re.compile(r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|'
                                   r"'(?:\\.|[^'\\\n])*'|<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n\r]*")
# Variables and prefixed names (?service, schema:Service) are names, not keywords.
_NAMES = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+|[\w.\-]*:[\w.\-:%\\]*")
# Codepoint escapes (\u0053ERVICE): some engines decode them before parsing the query.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


class SparqlError(CoopgraphError):
    pass


def _code_only(q: str) -> str:
    """The query's keywords and punctuation: strings, IRIs, comments and names removed."""
    return _NAMES.sub(" ", _STRINGS_AND_COMMENTS.sub(" ", q))


def _codes(q: str) -> list[str]:
    # Read both as written and with codepoint escapes decoded: whichever way the engine reads
    # the text, a keyword hidden by the other reading is still seen.
    decoded = _ESCAPE.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), q)
    return [_code_only(q)] + ([_code_only(decoded)] if decoded != q else [])


def is_update(q: str) -> bool:
    # Any update keyword outside strings, IRIs, comments and names makes it an update, even
    # beside a query form ("INSERT {...} WHERE { { SELECT ... } }", "SELECT ...; DROP ALL"):
    # an endpoint given such a text as an update would run it.
    return any(_UPDATE.search(code) for code in _codes(q))


def uses_service(q: str) -> bool:
    return any(_SERVICE.search(code) for code in _codes(q))


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
            _write_local(store.query(query, prefixes=PREFIXES), fmt, out)
        except SyntaxError as e:
            raise SparqlError(f"invalid SPARQL: {e}") from None
        except (OSError, RuntimeError) as e:
            # Raised while the solutions are read too (a SERVICE endpoint that fails or answers
            # garbage): a message, never a traceback.
            raise SparqlError(f"the query failed: {e}") from None


def _write_local(res, fmt: str, out: IO[str]) -> None:
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


def run_remote(url: str, query: str, fmt: str, *, allow_update: bool, timeout: float, out: IO[str],
               allow_service: bool = False) -> None:
    """The same on a remote SPARQL 1.1 endpoint (SPARQLWrapper); SELECT and ASK results only."""
    import click

    from .cli_common import UsageProblem
    from .commands.query import EndpointFailed
    from .endpoint import Endpoint, EndpointError

    if uses_service(query) and not allow_service:
        # The remote endpoint would call the other host on our behalf: the same rule as locally.
        raise UsageProblem("SERVICE (a call to another endpoint) is refused; pass --allow-service to allow it")
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

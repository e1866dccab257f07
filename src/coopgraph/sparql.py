"""Ad-hoc SPARQL on the store or a remote endpoint: read-only by default, no federated calls
unless allowed. The guards read the query as SPARQL's grammar lexes it (strings, IRIs, comments
and names set aside), so no spelling of an update or SERVICE keyword slips through."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Union

from pyoxigraph import QueryBoolean, QuerySolutions, Triple

from . import results
from .errors import ServiceRefused, SparqlError, UpdateRefused
from .rdf.namespaces import PREFIXES

if TYPE_CHECKING:
    from .endpoint import Endpoint
    from .store import Store

# What a query gives: ASK a bool, SELECT a table, CONSTRUCT/DESCRIBE triples, an update None.
Answer = Union[bool, results.Table, list[Triple], None]

_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b", re.IGNORECASE)
_SERVICE = re.compile(r"\bSERVICE\b", re.IGNORECASE)
# Strings, IRIs and comments, as SPARQL's grammar lexes them: an IRI has no space, quote, brace,
# pipe, caret, backquote or backslash, so a '<' comparison cannot swallow code up to a later '>'.
_STRINGS_AND_COMMENTS = re.compile(
    r'"""[\s\S]*?"""|\'\'\'[\s\S]*?\'\'\'|"(?:\\.|[^"\\\n])*"|'
    r"'(?:\\.|[^'\\\n])*'|<[^<>\"{}|^`\\\x00-\x20]*>|#[^\n\r]*"
)
# Variables and prefixed names (?service, schema:Service) are names, not keywords. A prefixed name
# is only tried where a run of name characters starts: tried at every position of a long run
# without a colon, the search was quadratic (a 100,000-character word took minutes).
_NAMES = re.compile(r"[?$][\w\u00b7\u0300-\u036f\u203f\u2040]+|(?<![\w.\-])[\w.\-]*:[\w.\-:%\\]*")
# Codepoint escapes (\u0053ERVICE): some engines decode them before parsing the query.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


# -- syntax errors a person can act on ------------------------------------------------------------
# pyoxigraph reports "error at L:C: expected <the parser's alternatives>", alternatives that are
# often Unicode ranges or internal rule names. explain_syntax_error() says it in words: where, and
# what is wrong (an unknown prefix, a misspelt query form, an unclosed brace or string...).
QUERY_FORMS = "SELECT, CONSTRUCT, ASK or DESCRIBE"
UPDATE_FORMS = "INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE or ADD"
_AT = re.compile(r"error at (\d+):(\d+): expected (.*)", re.S)
_PREFIX_DECL = re.compile(r"\bPREFIX\s+([A-Za-z][\w.\-]*)?:", re.I)
_PREFIXED = re.compile(r"(?<![\w?$:.\-])([A-Za-z][\w\-]*(?:\.[\w\-]+)*)?:(?=[\w%\\]|\s|[;,.)}\]]|$)")
_WORD = re.compile(r"[A-Za-z_][\w\-]*|\S")
_PROLOGUE = re.compile(r"(?:\s*(?:PREFIX\s+(?:[A-Za-z][\w.\-]*)?:|BASE\b))*\s*", re.I)


def _masked(q: str) -> str:
    """The query with strings, IRIs and comments blanked out, same length (offsets still match)."""
    return _STRINGS_AND_COMMENTS.sub(lambda m: " " * len(m.group(0)), q)


def _where(q: str, offset: int) -> str:
    line = q.count("\n", 0, offset) + 1
    col = offset - (q.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {col}"


def _offset(q: str, line: int, col: int) -> int:
    lines = q.split("\n")
    line = max(1, min(line, len(lines)))
    return min(sum(len(x) + 1 for x in lines[: line - 1]) + col - 1, len(q))


def _alternatives(expected: str) -> list[str]:
    """The parser's alternatives that mean something to a person (keywords, punctuation)."""
    out = []
    for alt in re.findall(r'"(?:\\.|[^"\\])*"|\[[^\]]*\]|[A-Za-z][\w ]*', expected):
        alt = alt.strip()
        if alt.startswith("[") or " " in alt or alt in ("one of", "LATERAL"):
            continue  # character classes and internal rule names ("Prefix not found")
        if alt.startswith('"'):
            alt = "'" + alt[1:-1].replace('\\"', '"').replace("\\\\", "\\") + "'"
        if alt not in out:
            out.append(alt)
    return out


def explain_syntax_error(query: str, error: Exception, *, update: bool = False) -> str:
    """One line: where the query is wrong and what is wrong, in words."""
    what = "invalid SPARQL Update" if update else "invalid SPARQL"
    m = _AT.match(str(error))
    code = _masked(query)
    words = [(w.start(), w.group(0)) for w in _WORD.finditer(code)]
    # Skip the prologue (PREFIX p: <iri>, BASE <iri>; IRIs are blanked) to find the query form.
    head = _PROLOGUE.match(code)
    prologue = head.end() if head else 0  # the pattern matches the empty string: always a match
    words_after = [(k, w) for k, w in words if k >= prologue]
    if not words_after:
        forms = UPDATE_FORMS if update else QUERY_FORMS
        return f"{what}: the query is empty: expected {forms}"
    first_at, first = words_after[0]
    if first.upper() == "PREFIX":
        return f"{what} at {_where(query, first_at)}: a PREFIX declaration reads PREFIX name: <IRI>"
    form_words = (
        {"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"}
        if not update
        else {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
    )
    if first.upper() not in form_words:
        expected = UPDATE_FORMS if update else QUERY_FORMS
        return f"{what} at {_where(query, first_at)}: {first!r} is not a query form: expected {expected}"
    if m is None:
        return f"{what}: {str(error).splitlines()[0][:200]}"
    at = _offset(query, int(m.group(1)), int(m.group(2)))
    expected = m.group(3)
    if "Prefix not found" in expected:
        declared = {d or "" for d in _PREFIX_DECL.findall(code)} | set(PREFIXES)
        unknown = [
            (u.start(), u.group(1) or "")
            for u in _PREFIXED.finditer(code)
            if (u.group(1) or "") not in declared and u.start() <= at
        ]
        if unknown:
            pos, name = unknown[-1]
            return (
                f"{what} at {_where(query, pos)}: unknown prefix {name}: — declare it "
                f"(PREFIX {name}: <...>) or use a predeclared one: {', '.join(sorted(PREFIXES))}"
            )
    if "IRI parsing failed" in expected:
        start = query.rfind("<", 0, at)
        start = start if start >= 0 else at
        end = query.find(">", start)
        iri = query[start : end + 1 if end >= 0 else at + 1].strip()[:80]
        return (
            f"{what} at {_where(query, start)}: invalid IRI {iri!r}: an IRI is absolute (scheme:...) "
            "and has no spaces, quotes, braces or backslashes"
        )
    # Unclosed strings, braces and parentheses are found on the masked text.
    opened = []
    for k, ch in enumerate(code):
        if ch in "{(":
            opened.append((k, ch))
        elif ch in "})":
            if not opened or opened[-1][1] != {"}": "{", ")": "("}[ch]:
                return f"{what} at {_where(query, k)}: {ch!r} closes nothing that is open"
            opened.pop()
    for quote in ('"', "'"):
        k = code.find(quote)
        if k >= 0:
            return f"{what} at {_where(query, k)}: a string opened here never ends (expected a closing {quote!r})"
    if opened and at >= len(query.rstrip()):
        k, ch = opened[-1]
        close = "}" if ch == "{" else ")"
        return f"{what} at {_where(query, k)}: {ch!r} opened here is never closed (expected {close!r})"
    alts = _alternatives(expected)
    token = next((w for s_, w in words if s_ >= at), None) if at < len(query.rstrip()) else None
    found = f"found {token!r}" if token else "the query ends too early"
    hint = f": expected {', '.join(alts[:12])}" if alts else ""
    return f"{what} at {_where(query, min(at, len(query)))}: {found}{hint}"


def _code_only(q: str) -> str:
    """The query's keywords and punctuation: strings, IRIs, comments and names removed."""
    return _NAMES.sub(" ", _STRINGS_AND_COMMENTS.sub(" ", q))


def _codes(q: str) -> list[str]:
    # Read both as written and with codepoint escapes decoded: whichever way the engine reads
    # the text, a keyword hidden by the other reading is still seen.
    decoded = _ESCAPE.sub(lambda m: chr(min(int(m.group(1) or m.group(2), 16), 0x10FFFF)), q)
    return [_code_only(q)] + ([_code_only(decoded)] if decoded != q else [])


def is_update(q: str) -> bool:
    """True when the text holds a SPARQL Update keyword outside strings, IRIs, comments and names."""
    # Any update keyword outside strings, IRIs, comments and names makes it an update, even
    # beside a query form ("INSERT {...} WHERE { { SELECT ... } }", "SELECT ...; DROP ALL"):
    # an endpoint given such a text as an update would run it.
    return any(_UPDATE.search(code) for code in _codes(q))


def uses_service(q: str) -> bool:
    """True when the text holds a SERVICE keyword (a call to another endpoint)."""
    return any(_SERVICE.search(code) for code in _codes(q))


def is_graph_query(q: str) -> bool:
    """True for CONSTRUCT and DESCRIBE (they give triples, not a table)."""
    return bool(re.search(r"\b(CONSTRUCT|DESCRIBE)\b", _code_only(q), re.IGNORECASE))


def guard(q: str, *, allow_update: bool, allow_service: bool) -> None:
    """Refuse a SERVICE call (ServiceRefused) or an update (UpdateRefused) unless allowed."""
    if uses_service(q) and not allow_service:
        raise ServiceRefused()
    if is_update(q) and not allow_update:
        raise UpdateRefused()


def run_local(
    store: Store, q: str, *, allow_update: bool = False, allow_service: bool = False, db: Any = None
) -> Answer:
    """Run a query (with the CLI's prefixes) or, when allowed, an update on an embedded store.

    `db`: where to read instead of the store's database (its in-memory copy, engine.reader)."""
    guard(q, allow_update=allow_update, allow_service=allow_service)
    if is_update(q):
        try:
            store.update(q)
        except SyntaxError as e:
            raise SparqlError(explain_syntax_error(q, e, update=True)) from None
        return None
    try:
        if db is not None and db is not store.open:
            res = db.query(q, prefixes=PREFIXES, use_default_graph_as_union=True)
        else:
            res = store.query(q, prefixes=PREFIXES)
        if isinstance(res, QueryBoolean):
            return bool(res)
        if isinstance(res, QuerySolutions):
            return results.from_oxigraph(res)
        return list(res)
    except SyntaxError as e:
        raise SparqlError(explain_syntax_error(q, e)) from None
    except (OSError, RuntimeError) as e:
        # Raised while the solutions are read too (a SERVICE endpoint that fails or answers
        # garbage): a message, never a traceback.
        raise SparqlError(f"the query failed: {e}") from None


def run_remote(endpoint: Endpoint, q: str, *, allow_update: bool = False, allow_service: bool = False) -> Answer:
    """The same on a remote SPARQL 1.1 endpoint: SELECT and ASK, or an update when allowed.

    The SERVICE rule holds there too: the remote endpoint would call the other host on our behalf.
    Raises EndpointError when the endpoint fails (down, too slow, refused)."""
    guard(q, allow_update=allow_update, allow_service=allow_service)
    if is_update(q):
        endpoint.update(q)
        return None
    if is_graph_query(q):
        raise SparqlError("a remote endpoint runs SELECT and ASK queries here; CONSTRUCT/DESCRIBE only on the store")
    data = endpoint.select_json(q)
    if "boolean" in data:
        return bool(data["boolean"])
    return results.from_sparql_json(data)

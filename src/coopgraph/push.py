"""Upload the graph to a remote triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

`PUT ?graph=IRI` replaces a graph and `POST ?graph=IRI` adds to it; a large graph goes as one PUT
(or POST) followed by POSTs of N-Triples chunks, so no request holds the whole graph.
Credentials: COOPGRAPH_ENDPOINT_USER / COOPGRAPH_ENDPOINT_PASSWORD, else ~/.netrc ($NETRC) for
the endpoint's host. Digest or Basic, whichever the server asks for. Never printed or logged.
"""

from __future__ import annotations

import netrc
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

USER_VAR = "COOPGRAPH_ENDPOINT_USER"
PASSWORD_VAR = "COOPGRAPH_ENDPOINT_PASSWORD"


class PushError(Exception):
    """The endpoint refused the upload or could not be reached."""


class PushUsageError(Exception):
    """An option a person must correct (bad URL or IRI, half-given credentials)."""


@dataclass
class Report:
    triples: int
    requests: int
    seconds: float
    auth: str


def _credentials(host: str) -> tuple[str, str] | None:
    user, password = os.environ.get(USER_VAR), os.environ.get(PASSWORD_VAR)
    if user or password:
        if not (user and password):
            raise PushUsageError(f"set both {USER_VAR} and {PASSWORD_VAR}, or neither")
        return user, password
    path = os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")
    if os.path.exists(path):
        try:
            auth = netrc.netrc(path).authenticators(host)
        except (netrc.NetrcParseError, OSError) as e:
            # The parse error can quote the offending line: say where, never what.
            raise PushUsageError(f"cannot read {path}: {type(e).__name__}"
                                 + (f" at line {e.lineno}" if getattr(e, "lineno", None) else "")) from None
        if auth and auth[0] and auth[2]:
            return auth[0], auth[2]
    return None


@dataclass
class Target:
    endpoint: str
    graph: str
    credentials: tuple[str, str] | None
    timeout: float
    param: str = "graph"  # the standard's query parameter

    @classmethod
    def make(cls, endpoint: str, graph: str, timeout: float = 300.0) -> "Target":
        parts = urllib.parse.urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise PushUsageError(f"--endpoint must be an http(s) URL, got {endpoint!r}")
        if parts.username or parts.password:
            raise PushUsageError("put credentials in COOPGRAPH_ENDPOINT_USER / COOPGRAPH_ENDPOINT_PASSWORD "
                                 "or ~/.netrc, not in the URL")
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", graph):
            raise PushUsageError(f"--graph must be an absolute IRI, got {graph!r}")
        return cls(endpoint, graph, _credentials(parts.hostname), timeout)

    @property
    def safe_url(self) -> str:
        return self.endpoint

    def url(self) -> str:
        sep = "&" if urllib.parse.urlsplit(self.endpoint).query else "?"
        return self.endpoint + sep + urllib.parse.urlencode({self.param: self.graph})

    def opener(self) -> urllib.request.OpenerDirector:
        handlers: list = []
        if self.credentials:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            mgr.add_password(None, self.endpoint, *self.credentials)
            # Both: each answers only its own kind of challenge.
            handlers += [urllib.request.HTTPDigestAuthHandler(mgr), urllib.request.HTTPBasicAuthHandler(mgr)]
        return urllib.request.build_opener(*handlers)


def _explain(status: int, body: bytes, target: Target) -> str:
    text = re.sub(r"<[^>]+>", " ", body.decode("utf-8", errors="replace"))
    text = " ".join(text.split())[:300]
    who = "with the credentials given" if target.credentials else \
        f"without credentials (set {USER_VAR} / {PASSWORD_VAR}, or add the host to ~/.netrc)"
    if status in (401, 403):
        return f"the endpoint refused the upload {who}: HTTP {status}" + (f" — {text}" if text else "")
    if status == 404:
        return f"no Graph Store endpoint at {target.endpoint} (HTTP 404)"
    return f"the endpoint answered HTTP {status}" + (f" — {text}" if text else "")


class _Unsupported(Exception):
    pass


def push_lines(target: Target, lines: list[bytes], *, replace: bool, chunk_size: int = 50_000,
               on_chunk: Callable[[int, int], None] | None = None) -> Report:
    """Send sorted N-Triples lines. N-Triples is a subset of Turtle: a server that does not take
    application/n-triples gets the same bytes as text/turtle."""
    t0 = time.perf_counter()
    opener = target.opener()
    total, requests, done = len(lines), 0, 0
    content_type = "application/n-triples"
    chunks = [lines[i:i + chunk_size] for i in range(0, total, chunk_size)] or [[]]
    for i, chunk in enumerate(chunks):
        method = "PUT" if (replace and i == 0) else "POST"
        data = b"\n".join(chunk) + (b"\n" if chunk else b"")
        req_ct = content_type
        while True:
            try:
                _send_ct(target, opener, method, data, req_ct)
                break
            except _Unsupported:
                if req_ct == "text/turtle":
                    raise PushError("the endpoint accepts neither application/n-triples nor text/turtle") from None
                req_ct = content_type = "text/turtle"
        requests += 1
        done += len(chunk)
        if on_chunk:
            on_chunk(done, total)
    return Report(total, requests, time.perf_counter() - t0,
                  "authenticated" if target.credentials else "anonymous")


def _send_ct(target: Target, opener, method: str, data: bytes, content_type: str) -> None:
    req = urllib.request.Request(target.url(), data=data, method=method, headers={"Content-Type": content_type})
    try:
        with opener.open(req, timeout=target.timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as e:
        body = e.read() if e.fp else b""
        if e.code == 415:
            raise _Unsupported() from None
        raise PushError(_explain(e.code, body, target)) from None
    except urllib.error.URLError as e:
        raise PushError(f"cannot reach {target.endpoint}: {e.reason}") from None
    except ValueError as e:  # urllib: "AbstractDigestAuthHandler does not support ..." and the like
        raise PushError(f"authentication with {target.endpoint} failed: {e}") from None
    except OSError as e:
        raise PushError(f"cannot reach {target.endpoint}: {e}") from None

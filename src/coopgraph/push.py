"""Upload the graph to a remote triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

`PUT ?graph=IRI` replaces a graph and `POST ?graph=IRI` adds to it; a large graph goes as one PUT
(or POST) followed by POSTs of N-Triples chunks, so no request holds the whole graph.
Credentials follow coopgraph.credentials (COOPGRAPH_ENDPOINT_USER / COOPGRAPH_ENDPOINT_PASSWORD,
else ~/.netrc or $NETRC for the endpoint's host). Digest or Basic, whichever the server asks for.
Never printed or logged.
"""

from __future__ import annotations

import base64
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass

from . import credentials
from .credentials import ENV_PASSWORD as PASSWORD_VAR
from .credentials import ENV_USER as USER_VAR
from .errors import OptionError, PushError

# An option a person must correct (bad URL or IRI); half-given credentials raise CredentialsError.
PushUsageError = OptionError


@dataclass
class Report:
    triples: int
    requests: int
    seconds: float
    auth: str


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
            raise PushUsageError(
                "put credentials in COOPGRAPH_ENDPOINT_USER / COOPGRAPH_ENDPOINT_PASSWORD or ~/.netrc, not in the URL"
            )
        if not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$", graph):
            raise PushUsageError(f"--graph must be an absolute IRI, got {graph!r}")
        return cls(endpoint, graph, credentials.for_host(parts.hostname), timeout)

    @property
    def safe_url(self) -> str:
        return self.endpoint

    def url(self) -> str:
        sep = "&" if urllib.parse.urlsplit(self.endpoint).query else "?"
        return self.endpoint + sep + urllib.parse.urlencode({self.param: self.graph})


class _Auth:
    """Sends the Authorization header with each request, before the server asks.

    A server that refuses an upload without credentials may answer 401 and close the connection
    while a large body is still being sent: the client then sees a broken pipe, never the
    challenge. So the challenge is fetched once with a bodiless HEAD, and every upload carries
    its answer (Digest, computed by urllib's own handler, or Basic) from the first byte.
    """

    def __init__(self, target: Target):
        self.target = target
        self.scheme: str | None = None
        self.challenge: dict | None = None
        self.digest: urllib.request.HTTPDigestAuthHandler | None = None
        if target.credentials:
            mgr = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            mgr.add_password(None, target.endpoint, *target.credentials)
            self.digest = urllib.request.HTTPDigestAuthHandler(mgr)

    def probe(self) -> None:
        """Learn how the endpoint authenticates (nothing is sent but a HEAD)."""
        self.scheme = self.challenge = None
        req = urllib.request.Request(self.target.url(), method="HEAD")
        try:
            with urllib.request.urlopen(req, timeout=self.target.timeout):
                return  # no authentication asked for
        except urllib.error.HTTPError as e:
            if e.code != 401:
                return  # e.g. 405 for HEAD: the upload itself will tell
            offers = e.headers.get_all("WWW-Authenticate") or []
        except (urllib.error.URLError, OSError) as e:
            raise PushError(f"cannot reach {self.target.endpoint}: {getattr(e, 'reason', e)}") from None
        for offer in offers:
            kind, _, rest = offer.partition(" ")
            if kind.lower() == "digest":
                self.scheme = "digest"
                self.challenge = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
                return
        if any(o.lower().startswith("basic") for o in offers):
            self.scheme = "basic"
        elif offers:
            self.scheme = "unsupported"

    def sign(self, req: urllib.request.Request) -> None:
        if not self.target.credentials or self.scheme in (None, "unsupported"):
            return
        user, password = self.target.credentials
        if self.scheme == "basic":
            token = base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
            req.add_unredirected_header("Authorization", "Basic " + token)
        else:
            assert self.digest is not None and self.challenge is not None  # made with the credentials; probed
            value = self.digest.get_authorization(req, self.challenge)
            if value:
                req.add_unredirected_header("Authorization", "Digest " + value)


def _explain(status: int, body: bytes, target: Target) -> str:
    text = re.sub(r"<[^>]+>", " ", body.decode("utf-8", errors="replace"))
    text = " ".join(text.split())[:300]
    who = (
        "with the credentials given"
        if target.credentials
        else f"without credentials (set {USER_VAR} / {PASSWORD_VAR}, or add the host to ~/.netrc)"
    )
    if status in (401, 403):
        return f"the endpoint refused the upload {who}: HTTP {status}" + (f" — {text}" if text else "")
    if status == 404:
        return f"no Graph Store endpoint at {target.endpoint} (HTTP 404)"
    return f"the endpoint answered HTTP {status}" + (f" — {text}" if text else "")


class _Unsupported(Exception):
    pass


def prepare(target: Target) -> _Auth:
    """Learn the endpoint's authentication and check the credentials with a signed HEAD, before
    any triple is read or sent: a refusal comes in a second, not after a long upload."""
    auth = _Auth(target)
    auth.probe()
    if auth.scheme == "unsupported":
        raise PushError(f"{target.endpoint} asks for an authentication scheme other than Digest or Basic")
    if auth.scheme and not target.credentials:
        raise PushError(_explain(401, b"", target))
    if auth.scheme:
        req = urllib.request.Request(target.url(), method="HEAD")
        auth.sign(req)
        try:
            with urllib.request.urlopen(req, timeout=target.timeout):
                pass
        except urllib.error.HTTPError as e:
            if e.code == 401:
                raise PushError(_explain(401, b"", target)) from None
        except (urllib.error.URLError, OSError) as e:
            raise PushError(f"cannot reach {target.endpoint}: {getattr(e, 'reason', e)}") from None
    return auth


def push_lines(
    target: Target,
    lines: list[bytes],
    *,
    replace: bool,
    chunk_size: int = 50_000,
    on_chunk: Callable[[int, int], None] | None = None,
    auth: _Auth | None = None,
) -> Report:
    """Send sorted N-Triples lines: PUT (with --replace) or POST, then POSTs of the next chunks.

    N-Triples is a subset of Turtle: a server that does not take application/n-triples (415)
    gets the same bytes as text/turtle."""
    t0 = time.perf_counter()
    if auth is None:
        auth = prepare(target)
    total, requests, done = len(lines), 0, 0
    content_type = "application/n-triples"
    chunks = [lines[i : i + chunk_size] for i in range(0, total, chunk_size)] or [[]]
    for i, chunk in enumerate(chunks):
        method = "PUT" if (replace and i == 0) else "POST"
        data = b"\n".join(chunk) + (b"\n" if chunk else b"")
        retried = False
        while True:
            try:
                _send(target, auth, method, data, content_type)
                break
            except _Unsupported:
                if content_type == "text/turtle":
                    raise PushError("the endpoint accepts neither application/n-triples nor text/turtle") from None
                content_type = "text/turtle"
            except _Stale:
                if retried:  # a fresh challenge did not help: the credentials are refused
                    raise PushError(_explain(401, b"", target)) from None
                retried = True
                auth.probe()
        requests += 1
        done += len(chunk)
        if on_chunk:
            on_chunk(done, total)
    return Report(total, requests, time.perf_counter() - t0, "authenticated" if target.credentials else "anonymous")


class _Stale(Exception):
    """401 after signing: a stale nonce (try once more) or refused credentials."""


def _send(target: Target, auth: _Auth, method: str, data: bytes, content_type: str) -> None:
    req = urllib.request.Request(target.url(), data=data, method=method, headers={"Content-Type": content_type})
    auth.sign(req)
    try:
        with urllib.request.urlopen(req, timeout=target.timeout) as resp:
            resp.read()
    except urllib.error.HTTPError as e:
        body = e.read() if e.fp else b""
        if e.code == 415:
            raise _Unsupported() from None
        if e.code == 401 and target.credentials and auth.scheme not in (None, "unsupported"):
            raise _Stale() from None
        raise PushError(_explain(e.code, body, target)) from None
    except urllib.error.URLError as e:
        raise PushError(f"cannot reach {target.endpoint}: {e.reason}") from None
    except (BrokenPipeError, ConnectionResetError):
        # The server hung up mid-upload: usually a refusal sent before the body was read.
        if target.credentials and auth.scheme not in (None, "unsupported"):
            raise _Stale() from None
        raise PushError(
            f"{target.endpoint} closed the connection during the upload: it refused it "
            f"(check the endpoint, the graph and the credentials)"
        ) from None
    except OSError as e:
        raise PushError(f"cannot reach {target.endpoint}: {e}") from None

"""A remote SPARQL 1.1 endpoint, through SPARQLWrapper.

Credentials follow coopgraph.credentials (COOPGRAPH_ENDPOINT_USER / COOPGRAPH_ENDPOINT_PASSWORD,
else a netrc entry for the endpoint's host); COOPGRAPH_ENDPOINT_AUTH=basic|digest picks the HTTP
scheme. Never from the URL or the command line, and never written in a message.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import time
import urllib.error
import urllib.parse
from dataclasses import dataclass

from . import credentials as _credentials
from . import results
from .credentials import ENV_PASSWORD, ENV_USER
from .errors import CoopgraphError, EndpointError, OptionError, ServerError

ENV_AUTH = "COOPGRAPH_ENDPOINT_AUTH"
DEFAULT_TIMEOUT = 60.0


RETRIES = 3  # further attempts of a query after a 5xx answer
BACKOFF = 0.5  # seconds before the first retry, doubled each time


@dataclass
class Endpoint:
    url: str
    timeout: float = DEFAULT_TIMEOUT
    retries: int = RETRIES
    backoff: float = BACKOFF

    def __post_init__(self) -> None:
        parts = urllib.parse.urlsplit(self.url)
        # Messages name the endpoint without its query string, where API keys tend to live.
        self.display = urllib.parse.urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        if "@" in parts.netloc:
            # Refuse rather than use: a password in a URL ends up in shell history and logs.
            # Checked first, so that no message below repeats the URL with its password.
            raise OptionError(
                "the endpoint URL holds credentials; put them in the environment "
                f"({ENV_USER}, {ENV_PASSWORD}) or in a netrc file instead"
            )
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise OptionError(f"not an http(s) endpoint URL: {self.display!r}")
        self.host = parts.hostname

    # -- credentials ------------------------------------------------------------------------
    def credentials(self) -> tuple[str, str] | None:
        """(user, password) by coopgraph.credentials' rule, or None (anonymous)."""
        return _credentials.for_host(self.host)

    def _wrapper(self, query: str, update: bool = False):
        from SPARQLWrapper import BASIC, DIGEST, JSON, POST, SPARQLWrapper

        sw = SPARQLWrapper(self.url, agent="coopgraph (SPARQLWrapper)")
        sw.setMethod(POST)
        sw.setTimeout(int(max(1, round(self.timeout))))
        if not update:
            sw.setReturnFormat(JSON)
        creds = self.credentials()
        if creds:
            auth = os.environ.get(ENV_AUTH, "basic").strip().lower()
            if auth not in ("basic", "digest"):
                raise EndpointError(f"{ENV_AUTH} must be 'basic' or 'digest', not {auth!r}")
            sw.setHTTPAuth(DIGEST if auth == "digest" else BASIC)
            sw.setCredentials(*creds)
        sw.setQuery(query)
        return sw

    # -- running ----------------------------------------------------------------------------
    def select_json(self, query: str) -> dict:
        # Queries only are retried: an update that failed half-way must not be applied twice.
        delay = self.backoff
        for attempt in range(self.retries + 1):
            try:
                return self._select_once(query)
            except ServerError as e:
                if attempt == self.retries:
                    raise ServerError(f"{e} (tried {attempt + 1} times)") from None
                time.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")  # pragma: no cover

    def _select_once(self, query: str) -> dict:
        sw = self._wrapper(query)
        res = self._call(sw.query)
        try:
            data = json.loads(res.response.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise EndpointError(f"{self.display} did not answer with SPARQL JSON results") from None
        except (socket.timeout, TimeoutError):
            raise EndpointError(f"{self.display} did not answer within {self.timeout:g} s") from None
        if not isinstance(data, dict) or not ("results" in data or "boolean" in data):
            raise EndpointError(f"{self.display} did not answer with SPARQL JSON results")
        return data

    def select(self, query: str) -> results.Table:
        data = self.select_json(query)
        if "boolean" in data:
            return results.Table(
                ["boolean"],
                [[results.Cell("true" if data["boolean"] else "false", "literal", results.XSD + "boolean")]],
            )
        return results.from_sparql_json(data)

    def update(self, query: str) -> None:
        self._call(self._wrapper(query, update=True).query)

    def _scrub(self, text: str) -> str:
        """An error body may echo the request (some servers print its headers): hide the secrets."""
        try:
            creds = self.credentials()
        except CoopgraphError:
            creds = None
        if creds:
            user, password = creds
            token = base64.b64encode(f"{user}:{password}".encode()).decode()
            for secret in (token, password):
                if len(secret) >= 3:
                    text = text.replace(secret, "***")
        return text

    def _call(self, run):
        try:
            return self._call_raw(run)
        except EndpointError as e:  # every message, whatever part of the answer it quotes
            raise type(e)(self._scrub(str(e))) from None

    def _call_raw(self, run):
        from SPARQLWrapper.SPARQLExceptions import (
            EndPointInternalError,
            EndPointNotFound,
            QueryBadFormed,
            SPARQLWrapperException,
            Unauthorized,
            URITooLong,
        )

        where = self.display
        try:
            return run()
        except QueryBadFormed as e:
            raise EndpointError(f"{where} refused the query as malformed: {_detail(e)}") from None
        except Unauthorized:
            raise EndpointError(
                f"{where} refused the credentials (HTTP 401/403); set {ENV_USER} and "
                f"{ENV_PASSWORD} (and {ENV_AUTH}=digest if needed) or a netrc entry"
            ) from None
        except EndPointNotFound:
            raise EndpointError(f"{where} answered 404: no SPARQL endpoint at this URL") from None
        except EndPointInternalError as e:
            raise ServerError(f"{where} failed while running the query (HTTP 500): {_detail(e)}") from None
        except URITooLong:
            raise EndpointError(f"{where} refused the request as too long (HTTP 414)") from None
        except urllib.error.HTTPError as e:
            if e.code in (401, 403):
                raise EndpointError(
                    f"{where} refused access (HTTP {e.code}); check the credentials "
                    f"({ENV_USER}/{ENV_PASSWORD} or netrc)"
                ) from None
            error = ServerError if 500 <= e.code < 600 else EndpointError
            raise error(f"{where} answered HTTP {e.code} {e.reason}") from None
        except urllib.error.URLError as e:
            reason = e.reason
            if isinstance(reason, (socket.timeout, TimeoutError)):
                raise EndpointError(f"{where} did not answer within {self.timeout:g} s") from None
            raise EndpointError(f"cannot reach {where}: {getattr(reason, 'strerror', None) or reason}") from None
        except (socket.timeout, TimeoutError):
            raise EndpointError(f"{where} did not answer within {self.timeout:g} s") from None
        except (ConnectionError, OSError) as e:
            raise EndpointError(f"cannot reach {where}: {e.strerror or e}") from None
        except SPARQLWrapperException as e:
            raise EndpointError(f"{where}: {_detail(e)}") from None


def _detail(e: Exception) -> str:
    """The endpoint's own reason, without SPARQLWrapper's preamble nor the echo of the query."""
    text = str(e)
    if "Response:" in text:
        body = text.split("Response:", 1)[1].strip()
        if body[:2] in ('b"', "b'"):
            try:
                import ast

                body = ast.literal_eval(body).decode("utf-8", "replace")
            except (ValueError, SyntaxError):
                pass
        text = body.split("SPARQL query:", 1)[0]
    else:
        text = str(getattr(e, "msg", "") or text)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    short = " ".join(lines[:3])
    return short[:400] + ("…" if len(short) > 400 else "")

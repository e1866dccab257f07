"""Credentials for remote endpoints: one rule for every command that talks to one.

1. `$COOPGRAPH_ENDPOINT_USER` and `$COOPGRAPH_ENDPOINT_PASSWORD`, when either is set (and not
   empty): both must be set and not empty, else CredentialsError.
2. Otherwise the netrc file (`$NETRC`, else `~/.netrc`), when it exists: the entry for the
   endpoint's host (or its `default` entry). An entry with a login must have a password
   (else CredentialsError); an entry without a login means anonymous.
3. Otherwise none: the request goes anonymous.

Never from the URL or the command line (a password there ends up in shell history and logs),
and never written in a message: errors about a netrc file name its path and line, not its text.
Used by coopgraph.endpoint (SPARQL queries) and coopgraph.push (Graph Store uploads).
"""

from __future__ import annotations

import netrc
import os

from .errors import CredentialsError

ENV_USER = "COOPGRAPH_ENDPOINT_USER"
ENV_PASSWORD = "COOPGRAPH_ENDPOINT_PASSWORD"


def netrc_path() -> str:
    """The netrc file read: $NETRC, else ~/.netrc."""
    return os.environ.get("NETRC") or os.path.join(os.path.expanduser("~"), ".netrc")


def for_host(host: str) -> tuple[str, str] | None:
    """(user, password) for `host` by the rule above, or None for anonymous access."""
    user, password = os.environ.get(ENV_USER) or "", os.environ.get(ENV_PASSWORD) or ""
    if user or password:
        if not (user and password):
            raise CredentialsError(f"set both {ENV_USER} and {ENV_PASSWORD}, or neither")
        return user, password
    path = netrc_path()
    if not os.path.isfile(path):
        return None
    try:
        found = netrc.netrc(path).authenticators(host)
    except (netrc.NetrcParseError, OSError) as e:
        # The parse error can quote the offending line: say where, never what.
        line = getattr(e, "lineno", None)
        raise CredentialsError(
            f"cannot read the netrc file {path}: {type(e).__name__}" + (f" at line {line}" if line else "")
        ) from None
    if not found or not found[0]:
        return None
    if not found[2]:
        raise CredentialsError(f"the netrc file {path} has a login but no password for {host}")
    return found[0], found[2]

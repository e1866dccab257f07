"""Every error coopgraph raises for a person to act on, under one root: `CoopgraphError`.

Each stage has its own subclass so callers can catch narrowly; `except coopgraph.CoopgraphError`
catches them all. The stage modules re-export theirs (`coopgraph.store.StoreError` is
`coopgraph.errors.StoreError`). This module imports nothing of coopgraph: every layer may use it.

`exit_code` is what a command line makes of the error: 2 when the person must change what they
asked (a bad option, an unknown query, a locked store), 1 when what they asked was fine but the
data or a remote service failed. The core never exits; the faces read it.
"""

from __future__ import annotations


class CoopgraphError(Exception):
    """Something a person can correct: a bad path, an unknown query or parameter, a locked store."""

    exit_code = 2


class StoreError(CoopgraphError):
    """A store problem a person can act on (locked, missing, not a coopgraph store)."""


class QueryError(CoopgraphError):
    """A saved query that does not exist, or a parameter a person must correct."""


class SparqlError(CoopgraphError):
    """A SPARQL text that cannot run: invalid, or refused (an update, a SERVICE call)."""


class UpdateRefused(SparqlError):
    """A SPARQL Update where only reading was allowed."""

    def __init__(self, message: str = "this is a SPARQL Update; pass allow_update=True to change data") -> None:
        super().__init__(message)


class ServiceRefused(SparqlError):
    """A SERVICE call (a query to another endpoint) where it was not allowed."""

    def __init__(
        self, message: str = "SERVICE (a call to another endpoint) is refused; pass allow_service=True to allow it"
    ) -> None:
        super().__init__(message)


class InputError(CoopgraphError):
    """A file given to coopgraph cannot be read as what it should be (e.g. RDF to validate)."""


class OutputError(CoopgraphError):
    """A file or folder coopgraph was asked to write cannot be written."""


class OptionError(CoopgraphError):
    """A value given for an option cannot be used (a URL that is not http(s), an IRI that is not absolute)."""


class CredentialsError(CoopgraphError):
    """Credentials for a remote endpoint are half-given or cannot be read (see coopgraph.credentials)."""


class EndpointError(CoopgraphError):
    """A remote SPARQL endpoint is unreachable, too slow, refused the credentials or answered an error."""

    exit_code = 1


class ServerError(EndpointError):
    """The endpoint failed on its side (HTTP 5xx): worth trying again a little later."""


class PushError(CoopgraphError):
    """The triple store refused the upload or could not be reached."""

    exit_code = 1


class PublishError(CoopgraphError):
    """A release could not be made as promised (e.g. its description does not conform to DCAT-AP)."""

    exit_code = 1


class WikidataError(CoopgraphError):
    """The Wikidata endpoint could not be reached or refused; nothing was changed in the store."""

    exit_code = 1


__all__ = [
    "CoopgraphError",
    "CredentialsError",
    "EndpointError",
    "InputError",
    "OptionError",
    "OutputError",
    "PublishError",
    "PushError",
    "QueryError",
    "ServerError",
    "ServiceRefused",
    "SparqlError",
    "StoreError",
    "UpdateRefused",
    "WikidataError",
]

"""coopgraph: the Atlas of French decentralised cooperation as linked open data.

The Python API (see coopgraph.api):

    import coopgraph
    with coopgraph.open("atlas-store") as atlas:
        atlas.ingest(["pages/"])
        rows = atlas.query("sanitation-cofunders", country="Mali")

Every error a person can act on is a `coopgraph.CoopgraphError` (see coopgraph.errors).
"""

__version__ = "0.1.0"

from .api import Atlas, Remote, Rows, Stats, list_queries, open, remote, show_query, validate_files  # noqa: E402
from .errors import (  # noqa: E402
    CoopgraphError,
    CredentialsError,
    EndpointError,
    InputError,
    OptionError,
    OutputError,
    PublishError,
    PushError,
    QueryError,
    ServiceRefused,
    SparqlError,
    StoreError,
    UpdateRefused,
    WikidataError,
)

__all__ = [
    "Atlas",
    "CoopgraphError",
    "CredentialsError",
    "EndpointError",
    "InputError",
    "OptionError",
    "OutputError",
    "PublishError",
    "PushError",
    "QueryError",
    "Remote",
    "Rows",
    "ServiceRefused",
    "SparqlError",
    "Stats",
    "StoreError",
    "UpdateRefused",
    "WikidataError",
    "__version__",
    "list_queries",
    "open",
    "remote",
    "show_query",
    "validate_files",
]

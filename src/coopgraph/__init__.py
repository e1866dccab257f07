"""coopgraph: the Atlas of French decentralised cooperation as linked open data.

The Python API (see coopgraph.api):

    import coopgraph
    with coopgraph.open("atlas-store") as atlas:
        atlas.ingest(["pages/"])
        rows = atlas.query("sanitation-cofunders", country="Mali")
"""

__version__ = "0.1.0"

from .errors import CoopgraphError  # noqa: E402
from .api import Atlas, Rows, list_queries, open  # noqa: E402
from .queries import QueryError  # noqa: E402
from .sparql import SparqlError  # noqa: E402
from .store import StoreError  # noqa: E402

__all__ = ["Atlas", "CoopgraphError", "QueryError", "Rows", "SparqlError", "StoreError", "__version__",
           "list_queries", "open"]

"""The one root of every error coopgraph raises for a person to act on.

Each stage keeps its own subclass (StoreError, QueryError, ...) so callers can catch narrowly;
`except coopgraph.CoopgraphError` catches them all. This module imports nothing of coopgraph:
every layer may use it.
"""

from __future__ import annotations


class CoopgraphError(Exception):
    """Something a person can correct: a bad path, an unknown query or parameter, a locked store."""

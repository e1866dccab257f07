"""coopgraph: the Atlas of French decentralised cooperation as linked open data."""

__version__ = "0.1.0"

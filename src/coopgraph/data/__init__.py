"""Reference data shipped with coopgraph (see README.md here for sources and licences)."""

"""CLI commands of the later stages (validate, query, link, publish/push), one module each.

`coopgraph.cli` registers them; each module only reads options, calls the core and prints.
"""

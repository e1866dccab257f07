"""`coopgraph query`."""

from __future__ import annotations

import click

from ..cli_common import UsageProblem


@click.command(name="query")
def command() -> None:
    """(being built)"""
    raise UsageProblem("'coopgraph query' is not available yet")

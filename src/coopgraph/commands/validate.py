"""`coopgraph validate`."""

from __future__ import annotations

import click

from ..cli_common import UsageProblem


@click.command(name="validate")
def command() -> None:
    """(being built)"""
    raise UsageProblem("'coopgraph validate' is not available yet")

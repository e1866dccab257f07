"""`coopgraph publish`."""

from __future__ import annotations

import click

from ..cli_common import UsageProblem


@click.command(name="publish")
def command() -> None:
    """(being built)"""
    raise UsageProblem("'coopgraph publish' is not available yet")

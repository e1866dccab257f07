"""`coopgraph link`."""

from __future__ import annotations

import click

from ..cli_common import UsageProblem


@click.command(name="link")
def command() -> None:
    """(being built)"""
    raise UsageProblem("'coopgraph link' is not available yet")

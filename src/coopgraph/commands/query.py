"""`coopgraph query`: run a saved query (queries/*.rq) on the store or on a remote endpoint."""

from __future__ import annotations

from pathlib import Path
from typing import IO, TYPE_CHECKING

import click

from ..cli_common import (
    RESULT_FORMAT_HELP,
    Failed,
    UsageProblem,
    atlas_opened,
    endpoint_options,
    face,
    note_if_empty,
    stdout,
    store_option,
)
from ..errors import CoopgraphError

if TYPE_CHECKING:
    from ..api import Atlas, Remote
    from ..queries import SavedQuery

RESULT_FORMATS = ["table", "csv", "tsv", "json"]

EndpointFailed = Failed  # the remote endpoint failed (down, too slow, refused): exit 1


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    given: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageProblem(f"-p expects key=value, got {pair!r}")
        key = key.strip()
        if key in given:
            raise UsageProblem(f"parameter {key!r} given twice")
        given[key] = value
    return given


def _list(out: IO[str]) -> None:
    from .. import queries
    from ..api import list_queries

    found = list_queries()
    width = max(len(n) for n in found)
    for name, q in found.items():
        click.echo(f"{name:<{width}}  {q.summary}", file=out)
        params = queries.describe_params(q)
        if params:
            click.echo(f"{'':<{width}}    parameters: {params}", file=out)


@click.command(name="query")
@click.argument("name", required=False)
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter value (repeatable), e.g. -p country=Mali.",
)
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default="table",
    show_default=True,
    help=RESULT_FORMAT_HELP,
)
@click.option("--list", "list_", is_flag=True, help="List the saved queries with their parameters.")
@click.option("--show", is_flag=True, help="Print the query text (with the parameters given) instead of running it.")
@endpoint_options
@click.option("--allow-update", is_flag=True, help="Allow a saved SPARQL Update to change the data.")
@store_option
def command(
    name: str | None,
    params: tuple[str, ...],
    fmt: str,
    list_: bool,
    show: bool,
    endpoint: str | None,
    timeout: float,
    allow_update: bool,
    store_path: Path | None,
) -> None:
    """Run the saved query NAME (see --list) on the store, or on --endpoint.

    \b
    Examples:
      coopgraph query --list
      coopgraph query sanitation-cofunders -p country=Mali --format csv
      coopgraph query partners-of -p collectivite=16015
      coopgraph query funders-ranking -p country=SEN -p year=2021 --endpoint https://example.org/sparql
    """
    from .. import api, queries

    out = stdout()
    if not name and not list_:
        raise UsageProblem("give the name of a saved query ('coopgraph query --list' lists them)")
    try:
        if list_:
            _list(out)
            return
        assert name is not None
        q = queries.get(name)
        given = _parse_params(params)
        if q.is_update and not allow_update and not show:
            raise UsageProblem(f"{name} is a SPARQL Update; 'query' is read-only unless --allow-update")
        if endpoint:
            _run(api.remote(endpoint, timeout=timeout), q, given, show, fmt, out)
        elif show and not any(p.type == "collectivite" for n, p in q.params.items() if n in given):
            out.write(api.show_query(name, **given))  # nothing to look up in the store: no store needed
        else:
            with atlas_opened(store_path, read_only=not q.is_update) as atlas:
                _run(atlas, q, given, show, fmt, out)
    except CoopgraphError as e:
        raise face(e) from None


def _run(target: Atlas | Remote, q: SavedQuery, given: dict[str, str], show: bool, fmt: str, out: IO[str]) -> None:
    """Show, apply or run: the same on the embedded store (an Atlas) and on an endpoint (a Remote)."""
    if show:
        out.write(target.show(q.name, **given))
    elif q.is_update:
        target.apply(q.name, **given)
        click.echo("Update applied.", err=True)
    else:
        note_if_empty(target.query(q.name, **given).write(out, fmt), fmt)

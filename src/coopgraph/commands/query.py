"""`coopgraph query`: run a saved query (queries/*.rq) on the store or on a remote endpoint."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_common import SECONDS_MAX, Range, UsageProblem, RESULT_FORMAT_HELP, note_if_empty, opened, store_option

RESULT_FORMATS = ["table", "csv", "tsv", "json"]


class EndpointFailed(click.ClickException):
    """The remote endpoint failed (down, too slow, refused): exit 1, the command line was fine."""

    exit_code = 1


class _Local:
    """Look-ups and queries on the embedded store (the union of its graphs)."""

    def __init__(self, store):
        self.store = store

    def select(self, sparql: str, name: str | None = None, given: dict[str, str] | None = None):
        from .. import engine

        return engine.select(self.store, sparql, name, given=given, lookup=self)

    def update(self, sparql: str) -> None:
        self.store.update(sparql)


def _run(q, given: dict[str, str], backend, show: bool, fmt: str, out) -> None:
    """Bind, then show, update or select: the same on the embedded store and on an endpoint."""
    from .. import queries, results

    text = queries.bind(q, given, backend)
    if show:
        out.write(_show(q, given, backend))
    elif q.is_update:
        backend.update(text)
        click.echo("Update applied.", err=True)
    else:
        table = backend.select(text, q.name, given) if isinstance(backend, _Local) else backend.select(text)
        note_if_empty(results.write(table, fmt, out), fmt)


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


def _list(out) -> None:
    from .. import queries

    found = queries.load_all()
    width = max(len(n) for n in found)
    for name, q in found.items():
        click.echo(f"{name:<{width}}  {q.summary}", file=out)
        params = queries.describe_params(q)
        if params:
            click.echo(f"{'':<{width}}    parameters: {params}", file=out)


def _show(q, given: dict[str, str], lookup) -> str:
    from .. import queries

    text = queries.bind(q, given, lookup) if given else q.text
    lines = []
    for p in q.params.values():
        if p.name in given:
            value = given[p.name]
        else:
            value = f"(default: {p.default})" if p.default is not None else "(optional, not set)"
        ex = f"  e.g. {p.example}" if p.example else ""
        lines.append(f"# {p.name} ({p.type}) = {value}{ex}")
    return ("\n".join(lines) + "\n\n" if lines else "") + text.rstrip("\n") + "\n"


@click.command(name="query")
@click.argument("name", required=False)
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter value (repeatable), e.g. -p country=Mali.")
@click.option("-f", "--format", "fmt", type=click.Choice(RESULT_FORMATS), default="table", show_default=True,
              help=RESULT_FORMAT_HELP)
@click.option("--list", "list_", is_flag=True, help="List the saved queries with their parameters.")
@click.option("--show", is_flag=True, help="Print the query text (with the parameters given) instead of running it.")
@click.option("--endpoint", metavar="URL",
              help="Run on this remote SPARQL 1.1 endpoint instead of the store. Credentials only from "
                   "$COOPGRAPH_ENDPOINT_USER/$COOPGRAPH_ENDPOINT_PASSWORD or a netrc file.")
@click.option("--timeout", type=Range(min=1, max=SECONDS_MAX), default=60, show_default=True,
              help="Seconds to wait for the remote endpoint.")
@click.option("--allow-update", is_flag=True, help="Allow a saved SPARQL Update to change the data.")
@store_option
def command(name: str | None, params: tuple[str, ...], fmt: str, list_: bool, show: bool,
            endpoint: str | None, timeout: float, allow_update: bool, store_path: Path | None) -> None:
    """Run the saved query NAME (see --list) on the store, or on --endpoint.

    \b
    Examples:
      coopgraph query --list
      coopgraph query sanitation-cofunders -p country=Mali --format csv
      coopgraph query partners-of -p collectivite=16015
      coopgraph query funders-ranking -p country=SEN -p year=2021 --endpoint https://example.org/sparql
    """
    from .. import queries

    out = click.get_text_stream("stdout")
    if list_:
        _list(out)
        return
    if not name:
        raise UsageProblem("give the name of a saved query ('coopgraph query --list' lists them)")
    try:
        q = queries.get(name)
    except queries.QueryError as e:
        raise UsageProblem(str(e)) from None
    given = _parse_params(params)
    if q.is_update and not allow_update and not show:
        raise UsageProblem(f"{name} is a SPARQL Update; 'query' is read-only unless --allow-update")

    if endpoint:
        from ..endpoint import Endpoint, EndpointError

        try:
            backend = Endpoint(endpoint, timeout=timeout)
        except ValueError as e:
            raise UsageProblem(str(e)) from None
        try:
            _run(q, given, backend, show, fmt, out)
        except queries.QueryError as e:
            raise UsageProblem(str(e)) from None
        except EndpointError as e:
            raise EndpointFailed(str(e)) from None
        return

    if show and not any(p.type == "collectivite" for n, p in q.params.items() if n in given):
        # Nothing to look up in the store: --show works without one.
        try:
            out.write(_show(q, given, None))
        except queries.QueryError as e:
            raise UsageProblem(str(e)) from None
        return
    with opened(store_path, read_only=not q.is_update) as store:
        try:
            _run(q, given, _Local(store), show, fmt, out)
        except queries.QueryError as e:
            raise UsageProblem(str(e)) from None
        except SyntaxError as e:
            from ..sparql import explain_syntax_error

            raise UsageProblem(f"saved query {name}: {explain_syntax_error(q.text, e)}") from None

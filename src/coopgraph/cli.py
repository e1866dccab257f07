"""The `coopgraph` command line. Thin: read options, call the core, print.

Exit codes: 0 success; 1 the data has problems (a page failed, violations); 2 a usage error
(bad option, unknown query, store locked or missing).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from . import __version__
from .api import DUMP_FORMATS, Rows
from .cli_common import (
    RESULT_FORMAT_HELP,
    Group,
    PathType,
    UsageProblem,
    atlas_opened,
    endpoint_options,
    face,
    note_if_empty,
    open_output,
    stdout,
    store_option,
)
from .errors import CoopgraphError


@click.group(cls=Group, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="coopgraph")
@click.pass_context
def main(ctx: click.Context) -> None:
    """coopgraph: the Atlas of French decentralised cooperation as linked open data.

    Ingest Atlas pages into an embedded RDF store, validate it, answer saved queries,
    dump and publish it.
    """
    if ctx.invoked_subcommand is None:  # plain `coopgraph`: the help, and success
        click.echo(ctx.get_help())
        ctx.exit(0)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=PathType(path_type=Path))
@store_option
@click.option(
    "--force",
    is_flag=True,
    help="Re-convert pages even when the same bytes are already stored, and "
    "accept a new version of a stored partnership even when it loses most of it (refused otherwise).",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Validate each partnership against the SHACL shapes before storing it.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors and the summary.")
def ingest(paths: tuple[Path, ...], store_path: Path | None, force: bool, validate: bool, quiet: bool) -> None:
    """Read Atlas pages (files, or folders of *.txt pages) into the store.

    A page with errors is reported (file, line, what was expected) and not loaded; the other
    pages still load. A page cut short (without the volunteers table every Atlas page ends with)
    is such an error. A new version of a stored partnership replaces it, and what it changes is
    listed; one that loses most of it is refused unless --force. Exit code 1 when any page failed.
    """
    from .ingest import collect_files
    from .records import Problem

    missing = [str(p) for p in paths if not os.path.lexists(p)]
    if missing:  # a mistyped path is a usage error: nothing is read, the store is not touched
        raise UsageProblem(
            f"no such file or folder: {', '.join(m or repr(m) for m in missing[:5])}"
            + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        )

    with atlas_opened(store_path, read_only=False) as atlas:
        items = list(collect_files(paths))  # walked once: counted for the progress bar, then read
        total = sum(1 for x in items if isinstance(x, Path))
        show_bar = total >= 50 and sys.stderr.isatty() and not quiet

        # Each problem is printed as it is found (a long ingest shows them as it goes, and none is
        # kept in memory); over the progress bar, the bar's line is cleared first and redrawn after.
        def say(p: Problem) -> None:
            if p.severity == "error" or not quiet:
                click.echo(("\r\x1b[K" if show_bar else "") + str(p), err=True)

        if show_bar:
            with click.progressbar(length=total, label="Ingesting", file=sys.stderr) as bar:
                report = atlas.ingest(
                    items, force=force, validate=validate, on_file=lambda _: bar.update(1), on_problem=say
                )
        else:
            report = atlas.ingest(items, force=force, validate=validate, on_problem=say)
        if quiet and report.replaced:
            click.echo(
                f"{len(report.replaced)} stored partnership(s) replaced by a new version of their page "
                "(run without --quiet to see what changed).",
                err=True,
            )
        elif report.replaced:
            for change in report.replaced:
                click.echo(str(change), err=True)
        stored = len(atlas.partnerships())
        click.echo(
            f"{report.files} page(s) read: {report.loaded} loaded, {report.unchanged} unchanged, "
            f"{len(set(report.failed))} failed; {report.warning_count} warning(s), {report.error_count} error(s). "
            f"Store: {stored} partnership(s), {atlas.store.count()} triples ({atlas.path})."
        )
    if report.failed:
        failed = sorted(set(report.failed))
        more = f" and {len(failed) - 20} more" if len(failed) > 20 else ""
        click.echo("Not loaded: " + ", ".join(failed[:20]) + more, err=True)
        sys.exit(1)


@main.command()
@store_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(DUMP_FORMATS),
    default="turtle",
    show_default=True,
    help="RDF syntax of the dump. nquads and trig keep the named graphs (one per partnership).",
)
@click.option(
    "-o",
    "--output",
    type=PathType(path_type=Path, dir_okay=False),
    help="Write to this file (default: standard output).",
)
@click.option(
    "--include-personal-data",
    is_flag=True,
    help="Also write contacts and volunteers (names, e-mail addresses). Off by default.",
)
def dump(store_path: Path | None, fmt: str, output: Path | None, include_personal_data: bool) -> None:
    """Write the whole graph in an RDF format. Personal data is left out unless asked for."""
    with atlas_opened(store_path, read_only=True) as atlas, open_output(output) as out:
        atlas.dump(out, fmt, include_personal_data=include_personal_data)
    if output:
        click.echo(
            f"Wrote {output} ({output.stat().st_size:,} bytes, {fmt}"
            + (", WITH personal data" if include_personal_data else "")
            + ").",
            err=True,
        )


RESULT_FORMATS = ["table", "csv", "tsv", "json"]


@main.command()
@click.argument("query")
@store_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default="table",
    show_default=True,
    help=RESULT_FORMAT_HELP,
)
@click.option("--allow-update", is_flag=True, help="Allow a SPARQL Update to change the store.")
@click.option("--allow-service", is_flag=True, help="Allow SERVICE calls to other endpoints.")
@endpoint_options
def sparql(
    query: str,
    store_path: Path | None,
    fmt: str,
    allow_update: bool,
    allow_service: bool,
    endpoint: str | None,
    timeout: float,
) -> None:
    """Run a SPARQL query (text, or @FILE) on the store. Read-only unless --allow-update."""
    from .api import remote
    from .results import write_answer
    from .sparql import is_update, uses_service

    if query.startswith("@"):
        try:
            query = Path(query[1:]).read_text(encoding="utf-8")
        except OSError as e:
            raise UsageProblem(f"cannot read {query[1:]}: {e.strerror}") from None
        except UnicodeDecodeError:
            raise UsageProblem(f"cannot read {query[1:]}: not UTF-8 text") from None
    out = stdout()
    try:
        if uses_service(query) and not allow_service:
            raise UsageProblem("SERVICE (a call to another endpoint) is refused; pass --allow-service to allow it")
        if endpoint:
            ep = remote(endpoint, timeout=timeout)
            if is_update(query):
                if not allow_update:
                    raise UsageProblem("this is a SPARQL Update, refused unless --allow-update")
                ep.update(query, allow_service=allow_service)
                click.echo("Update sent.", err=True)
                return
            remote_answer = ep.sparql(query, allow_service=allow_service)
            note_if_empty(
                write_answer(remote_answer.table if isinstance(remote_answer, Rows) else remote_answer, fmt, out), fmt
            )
            return
        if is_update(query):
            if not allow_update:
                raise UsageProblem(
                    "this is a SPARQL Update, and the store is opened read-only; "
                    "pass --allow-update to change the store"
                )
            with atlas_opened(store_path, read_only=False) as atlas:
                atlas.update(query, allow_service=allow_service)
            out.write("Update applied.\n")
            return
        with atlas_opened(store_path, read_only=True) as atlas:
            answer = atlas.sparql(query, allow_service=allow_service)
            note_if_empty(write_answer(answer.table if isinstance(answer, Rows) else answer, fmt, out), fmt)
    except CoopgraphError as e:
        raise face(e) from None


@main.command()
@store_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(RESULT_FORMATS),
    default="table",
    show_default=True,
    help=RESULT_FORMAT_HELP,
)
def stats(store_path: Path | None, fmt: str) -> None:
    """Key figures: partnerships, collectivités, countries, funders, amounts, triples."""
    from .results import write

    with atlas_opened(store_path, read_only=True) as atlas:
        figures = atlas.stats()
        table = figures.rows.table
        if fmt == "table":
            row = table.rows[0]
            for name, cell in zip(table.variables, row):
                click.echo(f"{name:>22}  {cell.value if cell else 0}")
            click.echo(f"{'triples':>22}  {figures['triples']}")
            click.echo(
                f"{'personal triples':>22}  {figures['personal_triples']}  (kept apart, never in a default dump)"
            )
        else:
            write(table, fmt, stdout())


# The other commands live in commands/, one module each; imported last, after `main` exists.
from .commands import export, link, publish, query, serve, validate  # noqa: E402

for _module in (validate, query, link, publish, export, serve):
    main.add_command(_module.command)
main.add_command(publish.push_command)


if __name__ == "__main__":  # pragma: no cover
    main()

"""`coopgraph validate`: check the store, or RDF files, against the SHACL shapes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..cli_common import PathType, UsageProblem, atlas_opened, face, stdout, store_option
from ..errors import CoopgraphError


def _default_lang() -> str:
    return "fr" if os.environ.get("LANG", "").lower().startswith("fr") else "en"


@click.command(name="validate")
@click.argument("files", nargs=-1, type=PathType(path_type=Path, exists=True, dir_okay=False))
@store_option
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "turtle"]),
    default="text",
    show_default=True,
    help="text: for people; json: the results with 'valid' (no violation: warnings alone do not make the "
    "data invalid) and 'conforms' (SHACL: no result at all); turtle: the standard SHACL validation "
    "report.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["violation", "warning", "info"]),
    default="violation",
    show_default=True,
    help="Exit 1 when a result of this severity (or worse) is found.",
)
@click.option(
    "--engine",
    type=click.Choice(["fast", "pyshacl"]),
    default="fast",
    show_default=True,
    help="fast: shapes compiled to SPARQL on pyoxigraph; pyshacl: the reference (slow: copies "
    "the whole graph into rdflib).",
)
@click.option(
    "--partitioned",
    is_flag=True,
    help="Check each partnership on its own with the shared nodes it names, as ingest does (store only, fast engine).",
)
@click.option(
    "--lang", type=click.Choice(["en", "fr"]), default=None, help="Language of the messages (default: from $LANG)."
)
def command(
    files: tuple[Path, ...],
    store_path: Path | None,
    fmt: str,
    fail_on: str,
    engine: str,
    partitioned: bool,
    lang: str | None,
) -> None:
    """Validate the store, or the given RDF files.

    \b
    FILES are read by their extension:
      Turtle (.ttl, .turtle), N-Triples (.nt, .ntriples), JSON-LD (.jsonld, .json),
      N-Quads (.nq), TriG (.trig), RDF/XML (.rdf, .owl).

    Results are grouped by partnership (title, source page), each with the property, the value,
    the message and the severity. Reference data (schemes, SDG KOS, countries) comes from the
    package, so files need no store. Exit codes: 0 no violation, 1 violations (or warnings with
    --fail-on warning), 2 usage error.
    """
    from .. import api
    from .. import validate as v

    lang = lang or _default_lang()
    if partitioned and (files or engine != "fast"):
        raise UsageProblem("--partitioned works on the store with the fast engine only")
    try:
        if files:
            report = api.validate_files(files, engine=engine)
        else:
            with atlas_opened(store_path, read_only=True) as atlas:
                report = atlas.validate(engine=engine, partitioned=partitioned)
    except CoopgraphError as e:
        raise face(e) from None
    out = stdout()
    if fmt == "text":
        v.write_text(report, out, lang)
    elif fmt == "json":
        v.write_json(report, out, lang)
    else:
        v.write_turtle(report, out)
        click.echo(report.summary(), err=True)
    if report.fails(fail_on):
        sys.exit(1)

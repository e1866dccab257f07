"""`coopgraph publish` (an open-data release in a folder) and `coopgraph push` (upload to a triple store)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..cli_common import SECONDS_MAX, PathType, Range, UsageProblem, atlas_opened, face, store_option
from ..errors import CoopgraphError, PublishError, PushError


def _base_url(url: str, option: str = "--base-url") -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    if (
        parts.scheme not in ("http", "https")
        or not parts.netloc
        or any(c in url for c in ' <>"{}|\\^`')
        or not url.isprintable()
    ):
        raise UsageProblem(f"{option} must be an http(s) URL, got {url[:200]!r}")
    return url if url.endswith("/") else url + "/"


@click.command(name="publish")
@click.argument("outdir", type=PathType(path_type=Path, file_okay=False))
@store_option
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Where OUTDIR will be served; download links in the description point there "
    "(default: https://w3id.org/coopgraph/dataset/).",
)
@click.option(
    "--licence",
    "--license",
    "licence",
    default="etalab-2.0",
    show_default=True,
    metavar="NAME|IRI",
    help="Licence of the data: etalab-2.0, odbl-1.0, cc-by-4.0, cc0-1.0, or a licence IRI.",
)
@click.option("--publisher", default="coopgraph", show_default=True, help="Name of the publishing organisation.")
@click.option(
    "--publisher-url",
    default="https://w3id.org/coopgraph/",
    show_default=True,
    metavar="URL",
    help="Home page of the publisher.",
)
@click.option(
    "--sparql-endpoint",
    default=None,
    metavar="URL",
    help="A public SPARQL endpoint serving this data, announced in the VoID description.",
)
@click.option(
    "--date",
    "date",
    default=None,
    metavar="YYYY-MM-DD",
    help="Release date (default: $SOURCE_DATE_EPOCH when set, else today).",
)
@click.option(
    "--include-personal-data",
    is_flag=True,
    help="Also publish contacts and volunteers (names, e-mail addresses), in a file of their own "
    "marked as personal data. Off by default.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
def command(
    outdir: Path,
    store_path: Path | None,
    base_url: str | None,
    licence: str,
    publisher: str,
    publisher_url: str,
    sparql_endpoint: str | None,
    date: str | None,
    include_personal_data: bool,
    quiet: bool,
) -> None:
    """Write an open-data release of the graph to OUTDIR.

    Distributions: coopgraph.nt.gz (sorted N-Triples, gzip), coopgraph.ttl, coopgraph.jsonld (+
    context.jsonld), ontology.ttl, schemes.ttl, shapes.ttl, iati-activities.xml (IATI 2.03),
    coopgraph-tables.zip (CSV tables + Frictionless datapackage.json). Description: dataset.ttl / dataset.rdf
    (DCAT-AP 3.0 and VoID, checked against the DCAT-AP 3.0.0 SHACL shapes). For people: index.html
    and ontology.html. Personal data is left out unless --include-personal-data.
    """
    from ..publish.describe import LICENCES

    if licence not in LICENCES and not licence.startswith(("http://", "https://")):
        raise UsageProblem(f"unknown licence {licence!r}: use one of {', '.join(LICENCES)} or a licence IRI")
    try:
        when = dt.date.fromisoformat(date) if date else None
    except ValueError:
        raise UsageProblem(f"--date expects YYYY-MM-DD, got {date!r}") from None
    if sparql_endpoint:
        _base_url(sparql_endpoint, "--sparql-endpoint")
    _base_url(publisher_url, "--publisher-url")
    if licence.startswith(("http://", "https://")):
        _base_url(licence, "--licence")
    if outdir.exists() and not outdir.is_dir():
        raise UsageProblem(f"{outdir} exists and is not a folder")
    with atlas_opened(store_path, read_only=True) as atlas:
        if not atlas.partnerships():
            click.echo("warning: the store holds no partnership; publishing reference data only", err=True)
        try:
            result = atlas.publish(
                outdir,
                base_url=_base_url(base_url) if base_url else None,
                licence=licence,
                publisher=publisher,
                publisher_url=publisher_url,
                date=when,
                sparql_endpoint=sparql_endpoint,
                include_personal_data=include_personal_data,
            )
        except PublishError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
        except CoopgraphError as e:
            raise face(e) from None
    if not quiet:
        for name in result.removed:
            click.echo(f"removed {outdir / name} (personal data of an earlier release)", err=True)
        for f in result.files:
            mark = "  PERSONAL DATA" if f.personal else ""
            click.echo(f"  {f.name:<26} {f.size:>13,} bytes  sha256 {f.sha256[:16]}…{mark}")
        click.echo(f"  {'dataset.ttl, dataset.rdf':<26} DCAT-AP 3.0 + VoID (conforms to the DCAT-AP 3.0.0 shapes)")
        click.echo(f"  {'index.html':<26} landing page")
    fig = result.figures
    click.echo(
        f"Published {fig.stat('partnerships')} partnership(s), {fig.triples:,} triples, "
        f"{fig.entities:,} entities to {outdir} in {result.timings['total']:.1f} s"
        + (" — WITH personal data in " + outdir.name + "/coopgraph-personal.nt.gz" if include_personal_data else "")
        + "."
    )


@click.command(name="push")
@store_option
@click.option(
    "--endpoint",
    required=True,
    metavar="URL",
    help="SPARQL 1.1 Graph Store HTTP Protocol endpoint, e.g. https://host/sparql-graph-crud-auth.",
)
@click.option("--graph", "graph", required=True, metavar="IRI", help="The named graph to write to.")
@click.option("--replace", is_flag=True, help="Replace the graph's content (HTTP PUT) instead of adding to it (POST).")
@click.option(
    "--chunk-size", default=50_000, show_default=True, type=click.IntRange(min=1), help="Triples per request."
)
@click.option(
    "--timeout", default=300.0, show_default=True, type=Range(min=1, max=SECONDS_MAX), help="Seconds per request."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
def push_command(
    store_path: Path | None, endpoint: str, graph: str, replace: bool, chunk_size: int, timeout: float, quiet: bool
) -> None:
    """Upload the open graph to a remote triple store (SPARQL 1.1 Graph Store HTTP Protocol).

    Credentials come from COOPGRAPH_ENDPOINT_USER / COOPGRAPH_ENDPOINT_PASSWORD, else from
    ~/.netrc (or $NETRC) for the endpoint's host; HTTP Digest and Basic authentication. They are
    never printed. Large graphs go in chunks of --chunk-size triples. Personal data is never pushed.
    Exit code 1 when the endpoint refuses or cannot be reached.
    """

    def progress(done: int, total: int) -> None:
        if not quiet:
            click.echo(f"  sent {done:,}/{total:,} triples", err=True)

    with atlas_opened(store_path, read_only=True) as atlas:
        try:
            report = atlas.push(
                endpoint, graph, replace=replace, chunk_size=chunk_size, timeout=timeout, on_chunk=progress
            )
        except PushError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)
        except CoopgraphError as e:
            raise face(e) from None
    click.echo(
        f"Pushed {report.triples:,} triples in {report.requests} request(s) to graph <{graph}> at "
        f"{endpoint} ({'replaced' if replace else 'added'}; {report.auth}) in {report.seconds:.1f} s."
    )

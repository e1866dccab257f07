"""`coopgraph link`: the link report, and links to Wikidata.

Linking to the COG (INSEE codes, SIREN), the EU country table and the UN SDG KOS happens offline at
ingest (coopgraph/link/page.py); this command reports on it, and adds the Wikidata links, which
need the network.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from ..cli_common import Range, UsageProblem, opened, stdout, store_option


@click.command(name="link")
@store_option
@click.option(
    "--report",
    "want_report",
    is_flag=True,
    help="List, per kind, what is linked, ambiguous and unmatched, with the source page of each "
    "(the default when --wikidata is not given).",
)
@click.option("--problems-only", is_flag=True, help="In the report, leave out what is linked or mapped.")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "tsv", "json"]),
    default="table",
    show_default=True,
    help="Report format.",
)
@click.option(
    "--wikidata",
    is_flag=True,
    help="Find the Wikidata items of the linked communes (INSEE code, P374), EPCI and EPT (SIREN, "
    "P1616) and countries (ISO alpha-3, P298); store them in the graph …/graph/links.",
)
@click.option(
    "--wikidata-endpoint",
    default=None,
    metavar="URL",
    help="SPARQL endpoint to ask (default: https://query.wikidata.org/sparql).",
)
@click.option(
    "--batch-size", type=click.IntRange(1, 500), default=100, show_default=True, help="Codes per Wikidata query."
)
@click.option(
    "--delay",
    type=Range(0, 60),
    default=1.0,
    show_default=True,
    help="Seconds between two Wikidata requests (be polite to a shared service).",
)
@click.option(
    "--timeout", type=Range(1, 600), default=60.0, show_default=True, help="Seconds to wait for one Wikidata answer."
)
@click.option("--refresh", is_flag=True, help="Ask the endpoint again instead of using the local cache.")
def command(
    store_path: Path | None,
    want_report: bool,
    problems_only: bool,
    fmt: str,
    wikidata: bool,
    wikidata_endpoint: str | None,
    batch_size: int,
    delay: float,
    timeout: float,
    refresh: bool,
) -> None:
    """Report on the links to reference data, and link to Wikidata.

    \b
    coopgraph link                   the link report (same as --report)
    coopgraph link --wikidata        find Wikidata items (cached: a second run asks nothing)
    coopgraph link --wikidata --report

    Exit code 1 when the Wikidata endpoint cannot be reached or refuses (nothing is changed then).
    """
    from ..link import report as link_report

    if wikidata_endpoint is not None and not wikidata:
        raise UsageProblem("--wikidata-endpoint needs --wikidata")
    if wikidata:
        _wikidata(store_path, wikidata_endpoint, batch_size, delay, timeout, refresh)
    if want_report or not wikidata:
        with opened(store_path, read_only=True) as store:
            rep = link_report.build(store)
            link_report.write(rep, fmt, stdout(), problems_only=problems_only)


def _wikidata(
    store_path: Path | None, endpoint: str | None, batch_size: int, delay: float, timeout: float, refresh: bool
) -> None:
    from urllib.parse import urlparse

    from ..link import wikidata as wd

    endpoint = endpoint or wd.DEFAULT_ENDPOINT
    u = urlparse(endpoint)
    if u.scheme not in ("http", "https") or not u.netloc:
        raise UsageProblem(f"--wikidata-endpoint {endpoint!r} is not an http(s) URL")
    with opened(store_path, read_only=False) as store:
        store.ensure_reference_data()
        cache = wd.Cache(store.path / wd.CACHE_FILE)
        client = wd.Client(endpoint, batch_size=batch_size, delay=delay, timeout=timeout)
        try:
            outcome = wd.find_links(
                store,
                client,
                cache,
                refresh=refresh,
                on_batch=lambda n, total: click.echo(f"Wikidata: query {n}/{total}", err=True),
            )
        except wd.WikidataError as e:
            click.echo(
                f"Error: {e}. Nothing was changed in the store "
                f"(answers received before the failure are kept in {cache.path.name}).",
                err=True,
            )
            sys.exit(1)
        now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
        n = wd.store_links(store, outcome, endpoint, now)
    for t, qids in outcome.ambiguous:
        click.echo(
            f"Wikidata: {t.kind} {t.code} ({t.label}) ambiguous: several items {', '.join(qids)}; not linked", err=True
        )
    for t in outcome.not_found:
        click.echo(f"Wikidata: {t.kind} {t.code} ({t.label}): no current item with this code", err=True)
    click.echo(
        f"Wikidata: {n} link(s) stored in {wd.iris.G_LINKS}; {len(outcome.ambiguous)} ambiguous, "
        f"{len(outcome.not_found)} not found; {outcome.requests} request(s) to {endpoint}, "
        f"{outcome.cached} answer(s) from the cache.",
        err=True,
    )

"""`coopgraph serve`: a read-only web server over the store (SPARQL endpoint, pages, saved queries)."""

from __future__ import annotations

from pathlib import Path

import click

from ..cli_common import UsageProblem, store_option


@click.command("serve")
@store_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="TCP port to listen on (0: any free port).",
)
@click.option(
    "--base-url",
    metavar="URL",
    default="",
    help="Public address of the server, used in the links of its pages (default: its own root).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=30,
    show_default=True,
    help="Seconds a query may run; past it the query is stopped and the client told.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Worker processes answering at the same time, split in two lanes: pages (half, at least "
    "one) and queries/searches (the rest, at least one).",
)
@click.option("--allow-service", is_flag=True, help="Allow SERVICE calls to other endpoints in /sparql queries.")
@click.option(
    "--cache-mb",
    type=click.FloatRange(min=0),
    default=128,
    show_default=True,
    help="Memory for answers kept until the store changes (0: no cache).",
)
@click.option(
    "--worker-memory-mb",
    type=click.IntRange(min=0),
    default=4096,
    show_default=True,
    help="Memory each worker may use; a query whose answer does not fit gets a 507 (0: no limit).",
)
def command(
    store_path: Path | None,
    host: str,
    port: int,
    base_url: str,
    timeout: float,
    workers: int,
    allow_service: bool,
    cache_mb: float,
    worker_memory_mb: int,
) -> None:
    """Serve the open graph on the web, read-only: a SPARQL endpoint, a page for every IRI, the
    saved queries as an API, search. Personal data is never served. Reloads when the store changes."""
    from .. import StoreError, open as open_atlas
    from ..server import Options, serve
    from ..store import default_path

    path = store_path or default_path()
    try:
        open_atlas(path, read_only=True).close()  # fail now, with a clear message, not in a worker
    except StoreError as e:
        raise UsageProblem(str(e)) from None
    if base_url and not base_url.startswith(("http://", "https://", "/")):
        raise UsageProblem(f"--base-url must start with http://, https:// or /, not {base_url!r}")
    click.echo(
        f"coopgraph serve: http://{host}:{port}/ ({path}, {workers} worker(s), "
        f"time limit {timeout:g} s{', SERVICE allowed' if allow_service else ''})",
        err=True,
    )
    serve(Options(str(path), base_url, timeout, workers, allow_service, cache_mb, worker_memory_mb), host, port)

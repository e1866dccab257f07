"""`coopgraph serve`: the graph on the web (Starlette on uvicorn). See app.py for the routes,
pool.py for the time limit per query, worker.py for what reads the store."""

from __future__ import annotations

from .app import Options, create_app


def serve(opts: Options, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Run the server until interrupted (one uvicorn process; queries run in opts.workers workers)."""
    import uvicorn

    from .http import Utf8UrlProtocol

    uvicorn.run(
        create_app(opts),
        host=host,
        port=port,
        access_log=False,
        log_level="warning",
        timeout_graceful_shutdown=5,
        http=Utf8UrlProtocol,
    )


__all__ = ["Options", "create_app", "serve"]

"""A pool of query worker processes with a time limit per job.

A job past its time limit is stopped the only way pyoxigraph allows: its worker process is
killed, and a fresh one takes its place while the other workers go on answering. Workers come
from a forkserver that has already imported coopgraph, so a replacement is ready in well under
a second (plus the time to open the store read-only).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import sys
from concurrent.futures import ThreadPoolExecutor


class JobFailed(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class _Worker:
    def __init__(self, ctx, store_path: str, allow_service: bool, memory_mb: int):
        from . import worker

        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=worker.main, args=(child, store_path, allow_service, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False

    def kill(self) -> None:
        if self.proc.is_alive():
            self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class Pool:
    def __init__(self, store_path: str, workers: int, timeout: float, allow_service: bool = False, memory_mb: int = 0):
        self.store_path = store_path
        self.size = max(1, workers)
        self.timeout = timeout
        self.allow_service = allow_service
        self.memory_mb = memory_mb
        self.ctx = multiprocessing.get_context("forkserver")
        self.ctx.set_forkserver_preload(["coopgraph.server.worker"])
        # one waiting thread per worker (blocked in recv), plus room for the ones being replaced
        self.threads = ThreadPoolExecutor(max_workers=2 * self.size + 2, thread_name_prefix="coopgraph-wait")
        self.idle: asyncio.Queue[_Worker] = asyncio.Queue()
        self.all: set[_Worker] = set()
        self.killed = 0

    def _spawn(self) -> _Worker:
        w = _Worker(self.ctx, self.store_path, self.allow_service, self.memory_mb)
        self.all.add(w)
        return w

    async def start(self) -> None:
        for _ in range(self.size):
            w = self._spawn()
            await self._wait_ready(w, 120)
            self.idle.put_nowait(w)

    async def _wait_ready(self, w: _Worker, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        msg = await asyncio.wait_for(loop.run_in_executor(self.threads, w.conn.recv), timeout)
        if msg[0] != "ready":
            raise JobFailed(msg[1], msg[2])
        w.ready = True

    async def _replace(self, w: _Worker) -> None:
        loop = asyncio.get_running_loop()
        self.all.discard(w)
        await loop.run_in_executor(self.threads, w.kill)
        self.killed += 1
        fresh = self._spawn()
        try:
            await self._wait_ready(fresh, 120)
        except Exception as e:  # the store is gone or broken: try again with the next job
            print(f"coopgraph serve: a query worker failed to start: {e}", file=sys.stderr)
        self.idle.put_nowait(fresh)

    async def run(self, job: str, *args, timeout: float | None = None):
        """Run a job on a free worker; JobFailed(503) when none is free in time, (504) past the
        time limit, (500) when the worker died."""
        limit = self.timeout if timeout is None else timeout
        loop = asyncio.get_running_loop()
        try:
            w = await asyncio.wait_for(self.idle.get(), limit)
        except asyncio.TimeoutError:
            raise JobFailed(
                503, f"the server is busy: no query worker was free within {limit:g} s; try again later"
            ) from None
        if not w.ready:  # a replacement that failed to start: try another one, answer 503 meanwhile
            asyncio.ensure_future(self._replace(w))
            raise JobFailed(503, "the store could not be opened; try again later")
        try:
            w.conn.send((job, args))
            result = await asyncio.wait_for(loop.run_in_executor(self.threads, w.conn.recv), limit)
        except asyncio.TimeoutError:
            asyncio.ensure_future(self._replace(w))
            raise JobFailed(
                504,
                f"the query ran past the server's time limit ({limit:g} s) and was "
                "stopped; make it more selective (fewer rows, a LIMIT, more specific "
                "patterns)",
            ) from None
        except (EOFError, OSError):
            asyncio.ensure_future(self._replace(w))
            raise JobFailed(
                507, "the query worker stopped (its answer did not fit in its memory); add a LIMIT or select fewer rows"
            ) from None
        except BaseException:  # the request was cancelled (client gone): the worker's state is unknown
            asyncio.ensure_future(self._replace(w))
            raise
        self.idle.put_nowait(w)
        if result[0] == "error":
            raise JobFailed(result[1], result[2])
        return result[1]

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        for w in list(self.all):
            await loop.run_in_executor(self.threads, w.kill)
        self.threads.shutdown(wait=False, cancel_futures=True)

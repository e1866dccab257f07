"""Start the installed `coopgraph serve` on a free loopback port, and talk to it over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from pathlib import Path

import httpx

from conftest import coopgraph_exe


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A real server process. Every response it gives is kept in .seen (for whole-run scans)."""

    def __init__(self, store: Path, log: Path, *args: str):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = open(log, "wb")
        self.proc = subprocess.Popen(
            [coopgraph_exe(), "serve", "--store", str(store), "--host", "127.0.0.1", "--port", str(self.port), *args],
            stdout=self._log,
            stderr=subprocess.STDOUT,
            env={**os.environ},
        )
        self.client = httpx.Client(base_url=self.base, timeout=120)
        self.seen: list[httpx.Response] = []
        deadline = time.monotonic() + 90
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"coopgraph serve exited {self.proc.returncode}: {self.log}")
            try:
                if self.client.get("/favicon.ico").status_code == 204:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, f"the server did not answer in 90 s: {self.log}"
            time.sleep(0.3)

    @property
    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def request(self, method: str, path: str, **kw) -> httpx.Response:
        r = self.client.request(method, path, **kw)
        self.seen.append(r)
        return r

    def get(self, path: str, accept: str | None = None, **kw) -> httpx.Response:
        headers = kw.pop("headers", {})
        if accept:
            headers["Accept"] = accept
        return self.request("GET", path, headers=headers, **kw)

    def post(self, path: str, **kw) -> httpx.Response:
        return self.request("POST", path, **kw)

    def stop(self) -> None:
        self.client.close()
        self.proc.terminate()
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()

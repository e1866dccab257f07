"""Answers kept between requests while the store does not change.

The server only reads, so the same job on the same store generation gives the same answer: keep
the recent ones (least recently used first out, bounded in bytes), share one run between
identical requests that arrive together, and forget everything when the generation changes.
"""

from __future__ import annotations

import asyncio
import sys
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from ..results import Table


def size_of(value: Any) -> int:
    """A rough size in bytes (enough to bound the cache)."""
    if isinstance(value, (bytes, str)):
        return len(value)
    if isinstance(value, Table):
        return 64 + sum(100 * len(r) for r in value.rows)
    if isinstance(value, (tuple, list)):
        return 16 + sum(size_of(v) for v in value)
    if isinstance(value, dict):
        return 64 + sum(size_of(k) + size_of(v) for k, v in value.items())
    return sys.getsizeof(value)


class AnswerCache:
    # largest: one answer kept at most; the map's data (/map/data.json) is 7.2 MB at 15,000 partnerships
    def __init__(self, budget: int = 128 * 1024 * 1024, largest: int = 16 * 1024 * 1024):
        self.budget, self.largest = budget, largest
        self.generation: str | None = None
        self.entries: OrderedDict[tuple, tuple[Any, int]] = OrderedDict()
        self.used = 0
        self.pending: dict[tuple, asyncio.Future] = {}
        self.hits = self.misses = 0

    def _check(self, generation: str) -> None:
        if generation != self.generation:
            self.entries.clear()
            self.used = 0
            self.generation = generation

    async def get(self, key: tuple, generation: str, compute: Callable[[], Awaitable[Any]]) -> Any:
        self._check(generation)
        if key in self.entries:
            self.entries.move_to_end(key)
            self.hits += 1
            return self.entries[key][0]
        if key in self.pending:  # the same question is being answered: wait for that answer
            return await asyncio.shield(self.pending[key])
        self.misses += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[key] = fut
        try:
            value = await compute()
        except BaseException as e:
            fut.set_exception(e)
            fut.exception()  # mark retrieved: waiters re-raise it, nobody else needs to
            raise
        finally:
            self.pending.pop(key, None)
        fut.set_result(value)
        if self.generation == generation and self.budget > 0:
            n = size_of(value)
            if n <= self.largest:
                self.entries[key] = (value, n)
                self.used += n
                while self.used > self.budget and self.entries:
                    _, (_, m) = self.entries.popitem(last=False)
                    self.used -= m
        return value

"""Answers kept beside the store (`STORE/answers.sqlite`), shared by every process that reads it.

Why: a `coopgraph query` process starts cold. On the on-disk database a question over the whole
Atlas (funding by year, countries) takes seconds to compute at 15,000 partnerships, while reading
its answer back takes milliseconds; the server's workers and a restarted server ask the same
questions again. So the first process to compute an answer on a store state keeps it here, and the
next ones, in any process, read it.

Exact, like the other derived files (dumpcache.SidecarFile): the file describes one store
generation (`meta.generation`) and is trusted only while `valid` is set.
- every writer clears `valid` (committed) before it touches the store, and empties the file and
  stamps it with the new generation as it closes; a writer killed in between leaves it cleared;
- a reader uses it only when it reads that very generation and has not written through its handle;
  it adds an answer inside a transaction that checks both again, so an answer computed while a
  writer was at work is never kept.
Bounded by $COOPGRAPH_ANSWER_CACHE_MB (default 64; 0: not used), oldest answers dropped first.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import zlib
from pathlib import Path

from .dumpcache import SidecarFile
from .results import Cell, Table

FILE = "answers.sqlite"
BUDGET_ENV = "COOPGRAPH_ANSWER_CACHE_MB"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS answer (key BLOB PRIMARY KEY, at INTEGER NOT NULL, size INTEGER NOT NULL,
                                   body BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS answer_at ON answer (at);
"""


def budget() -> int:
    try:
        return int(float(os.environ.get(BUDGET_ENV) or 64) * 1024 * 1024)
    except ValueError:
        return 64 * 1024 * 1024


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


def encode(table: Table) -> bytes:
    rows = [[None if c is None else [c.value, c.kind, c.datatype, c.lang] for c in row] for row in table.rows]
    return zlib.compress(json.dumps([table.variables, rows], ensure_ascii=False).encode("utf-8"), 1)


def decode(body: bytes) -> Table:
    variables, rows = json.loads(zlib.decompress(body))
    return Table(variables, [[None if c is None else Cell(*c) for c in row] for row in rows])


class AnswerFile(SidecarFile):
    def __init__(self, store_path: Path, read_only: bool):
        self.path = store_path / FILE
        self.read_only = read_only
        self._db: sqlite3.Connection | None = None
        self._writable = False
        self._lock = threading.Lock()  # one connection, several threads (the server's worker, the API)
        if budget() <= 0:
            return
        if not read_only:
            try:
                self._db = self._connect(self.path)
            except sqlite3.DatabaseError:  # damaged or foreign: derived data, start again
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{self.path}{suffix}").unlink(missing_ok=True)
                try:
                    self._db = self._connect(self.path)
                except sqlite3.Error:
                    self._db = None
            except sqlite3.Error:
                self._db = None
            self._writable = self._db is not None
            return
        if not self.path.exists():  # made by the next writer: a reader never creates it
            return
        try:  # a reader adds answers when it may write the file, and only reads them otherwise
            self._db = sqlite3.connect(
                f"file:{self.path}?mode=rw", uri=True, isolation_level=None, check_same_thread=False, timeout=0.2
            )
            self._db.execute("SELECT 1 FROM meta LIMIT 1")
            self._writable = True
        except sqlite3.Error:
            self.close()
            try:
                self._db = sqlite3.connect(
                    f"file:{self.path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
                )
            except sqlite3.Error:
                self._db = None

    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=2)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # readers see the last completed write, never block it
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def _generation(self) -> str | None:
        assert self._db is not None
        row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return row[0] if row else None

    # -- writers ---------------------------------------------------------------------------------
    def _begin(self) -> None:
        if self._db is not None and self._writable and self.valid():
            self._set_valid(False)

    def _end(self, old_generation: str, new_generation: str, wrote: bool) -> None:
        if self._db is None or not self._writable:
            return
        try:
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                keep = not wrote and self.valid() and self._generation() == old_generation
                if not keep:
                    db.execute("DELETE FROM answer")
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)", (new_generation,))
                self._set_valid(True)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            pass  # the file stays cleared: answers are computed again, never wrong

    # -- readers ---------------------------------------------------------------------------------
    def _get(self, generation: str, text: str) -> Table | None:
        if self._db is None or not generation:
            return None
        db = self._db
        try:
            db.execute("BEGIN")
            try:
                if not self.valid() or self._generation() != generation:
                    return None
                row = db.execute("SELECT body FROM answer WHERE key = ?", (_key(text),)).fetchone()
            finally:
                db.execute("COMMIT")
            return decode(row[0]) if row else None
        except (sqlite3.Error, ValueError, TypeError, zlib.error):
            return None  # unreadable: compute the answer

    def _put(self, generation: str, text: str, table: Table) -> None:
        if self._db is None or not self._writable or not generation:
            return
        body = encode(table)
        limit = budget()
        if len(body) > limit // 4:  # one huge answer would push out all the others
            return
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                if self.valid() and self._generation() == generation:
                    db.execute(
                        "INSERT OR REPLACE INTO answer (key, at, size, body) VALUES (?, ?, ?, ?)",
                        (_key(text), time.time_ns(), len(body), body),
                    )
                    total = db.execute("SELECT COALESCE(SUM(size), 0) FROM answer").fetchone()[0]
                    if total > limit:
                        self._evict(total - limit)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.Error:
            pass  # busy or read-only: the answer is just not kept

    def _evict(self, excess: int) -> None:
        assert self._db is not None
        freed = 0
        for key, size in self._db.execute("SELECT key, size FROM answer ORDER BY at").fetchall():
            if freed >= excess:
                break
            self._db.execute("DELETE FROM answer WHERE key = ?", (key,))
            freed += size

    def count(self) -> int:
        """How many answers are kept (for tests and `stats`)."""
        if self._db is None:
            return 0
        return int(self._db.execute("SELECT COUNT(*) FROM answer").fetchone()[0])

    def begin(self) -> None:
        """Before a write to the store: no answer is trusted until the writer closes."""
        with self._lock:
            self._begin()

    def end(self, old_generation: str, new_generation: str, wrote: bool) -> None:
        """As a writer closes the store (before the store's own stamp): the answers describe
        `new_generation`; those of `old_generation` are kept only when nothing was written."""
        with self._lock:
            self._end(old_generation, new_generation, wrote)

    def get(self, generation: str, text: str) -> Table | None:
        """The answer kept for `text` on the store at `generation`, or None."""
        with self._lock:
            return self._get(generation, text)

    def put(self, generation: str, text: str, table: Table) -> None:
        """Keep `table` as the answer to `text` on the store at `generation` (when the file describes it)."""
        with self._lock:
            self._put(generation, text, table)

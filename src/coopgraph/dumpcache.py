"""The open data as N-Triples, graph by graph, kept beside the store (`STORE/ntriples-cache.sqlite`).

Why: reading pyoxigraph's on-disk store costs about 8 µs a quad (each term is decoded through a
RocksDB look-up), so a dump of the 15,000-partnership store took 10-12 s however it was driven.
Ingest already holds every page as N-Quads; the worker that converted a page also writes it as
compressed N-Triples, and keeping those bytes makes dumps and releases a matter of copying them.

The cache is derived and disposable. It is trusted only while `valid` is set, and every writer
clears `valid` (committed) before it touches the store and sets it again once the store and the
cache agree: a crash in between leaves it cleared, and readers fall back on the store. A writer
that finds it cleared rebuilds it from the store when it closes. Readers read inside one SQLite
transaction (WAL), so they see a state a writer completed, never half of one.
"""

from __future__ import annotations

import contextlib
import sqlite3
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

FILE = "ntriples-cache.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS graph (iri TEXT PRIMARY KEY, nt_zlib BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS entity (line BLOB PRIMARY KEY) WITHOUT ROWID;
"""
ENTITIES = "entity"  # the table holding the shared entities graph, one N-Triples line a triple (a set)


def nquads_to_ntriples(nquads: bytes, graph: str) -> bytes:
    """N-Quads lines all in `graph` (as pyoxigraph writes them) → the same triples as N-Triples.

    A line break inside a literal is written `\\n`, so " <g> .\\n" only ever ends a line."""
    return nquads.replace(b" <" + graph.encode() + b"> .\n", b" .\n")


def ntriples_to_nquads(ntriples: bytes, graph: str) -> bytes:
    """The reverse: put the triples in `graph` ("" : the default graph, left as triples)."""
    if not graph:
        return ntriples
    return ntriples.replace(b" .\n", b" <" + graph.encode() + b"> .\n")


def compress(ntriples: bytes) -> bytes:
    return zlib.compress(ntriples, 1)  # fast: about 4x smaller, and cheap to undo at dump time


class SidecarFile:
    """A SQLite file of derived data beside the store, trusted only while its `meta` table says
    valid = 1 (the dump cache here, the search index in search.py)."""

    _db: sqlite3.Connection | None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    def valid(self) -> bool:
        if self._db is None:
            return False
        try:
            row = self._db.execute("SELECT value FROM meta WHERE key = 'valid'").fetchone()
        except sqlite3.DatabaseError:
            return False  # an old, foreign or damaged file: not trusted
        return bool(row and row[0] == "1")

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: committed whole, or rolled back and the error raised."""
        db = self._db
        assert db is not None
        db.execute("BEGIN")
        try:
            yield db
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _set_valid(self, flag: bool) -> None:
        assert self._db is not None
        self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('valid', ?)", ("1" if flag else "0",))


class DumpCache(SidecarFile):
    def __init__(self, store_path: Path, read_only: bool, new_store: bool = False):
        self.path = store_path / FILE
        self.read_only = read_only
        self._db: sqlite3.Connection | None = None
        # Called at each begin(): other derived data (the search index) that every write invalidates.
        self.on_begin: list = []
        if read_only:
            if self.path.exists():
                self._db = sqlite3.connect(
                    f"file:{self.path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
                )
            return
        try:
            self._db = self._connect()
        except sqlite3.DatabaseError:
            # Not a database we can use (damaged, foreign): it is derived data, start again.
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._db = self._connect()
        if new_store:  # an empty store and an empty cache agree
            self._set_valid(True)

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # readers see the last completed write, never block it
            db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA)
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def begin(self) -> bool:
        """Before a write to the store: clear `valid` (durably). Returns whether it was set."""
        for hook in self.on_begin:
            hook()
        if self._db is None:
            return False
        was = self.valid()
        self._set_valid(False)
        return was

    def end(self, was_valid: bool) -> None:
        """After the store write and the cache updates: the two agree again if they did before."""
        if self._db is not None and was_valid:
            self._set_valid(True)

    # -- writing (only between begin and end) ---------------------------------------------------
    def put_graphs(self, graphs: Iterable[tuple[str, bytes]], entity_lines: Iterable[bytes] = ()) -> None:
        """(graph IRI, compressed N-Triples) pairs, each replacing the graph; entity N-Triples lines."""
        with self._write() as db:
            db.executemany("INSERT OR REPLACE INTO graph (iri, nt_zlib) VALUES (?, ?)", graphs)
            db.executemany("INSERT OR IGNORE INTO entity (line) VALUES (?)", ((x,) for x in entity_lines))

    def drop_graph(self, iri: str) -> None:
        assert self._db is not None
        self._db.execute("DELETE FROM graph WHERE iri = ?", (iri,))

    def clear(self) -> None:
        with self._write() as db:
            db.execute("DELETE FROM graph")
            db.execute("DELETE FROM entity")

    # -- reading ------------------------------------------------------------------------------
    def chunks(self) -> Iterator[tuple[str, bytes]] | None:
        """(graph IRI, N-Triples) for every graph, from one consistent snapshot; None if not valid.

        The shared entities graph comes in chunks named ENTITIES."""
        if self._db is None:
            return None
        db = self._db
        try:
            db.execute("BEGIN")  # one read transaction: the snapshot `valid` describes
        except sqlite3.Error:
            return None  # unreadable here (e.g. a read-only copy of a store): read the database
        if not self.valid():
            db.execute("COMMIT")
            return None

        def read() -> Iterator[tuple[str, bytes]]:
            try:
                for iri, nt in db.execute("SELECT iri, nt_zlib FROM graph ORDER BY iri"):
                    yield iri, zlib.decompress(nt)
                batch: list[bytes] = []
                for (line,) in db.execute("SELECT line FROM entity"):
                    batch.append(line)
                    if len(batch) >= 50_000:
                        yield ENTITIES, b"".join(batch)
                        batch = []
                if batch:
                    yield ENTITIES, b"".join(batch)
            finally:
                db.execute("COMMIT")

        return read()

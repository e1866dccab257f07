"""How saved queries are answered on the embedded store: the text as written, helped by derived data.

The saved queries stay portable SPARQL (they run unchanged on any endpoint); what makes them fast
here lives in this layer, never in their text:
- a result cache (`ResultCache`): a repeated question on an unchanged store is answered from
  memory. Keyed by the query text after binding and by the state of the store the handle reads
  (the generation it was opened at, and the writes made through it since), bounded in bytes (LRU);
- behind it, the answers kept beside the store (answers.py) for that store generation: what one
  process computed, the next `coopgraph query` process or server worker reads back;
- on the on-disk database, a saved query with a *disk plan* (disk_plans/, see its README) runs
  that plan: the same question with its joins arranged for Oxigraph's disk, same rows (tested);
- `search-partnerships` takes its candidates from the full-text index (search.py), then runs the
  saved query itself on those candidates only, so its rows are the query's rows;
- a long-lived process (the server, `coopgraph.open(..., memory=True)`, or $COOPGRAPH_MEMORY=1)
  answers from an in-memory pyoxigraph copy of the open graph (`MemoryCopy`), loaded from the
  N-Triples cache in a background thread, and from the disk until it is ready. On-disk
  pyoxigraph decodes every term through RocksDB; in memory the same plain queries run 2-5x faster.
  The copy is tied to the store state it was loaded for (store_key): a write makes a new one.
Every helper here falls back on the plain query when its derived data is missing or not valid.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import threading
from collections import OrderedDict

from . import results as _results

CACHE_ENV = "COOPGRAPH_RESULT_CACHE_MB"


def _size(table: _results.Table) -> int:
    """A rough count of the bytes a table holds (the cache's budget is in these units), from up to
    500 of its rows (a long answer is counted in a millisecond, not in 70)."""
    rows = table.rows
    sample = rows if len(rows) <= 500 else rows[:: len(rows) // 500]
    n = 0
    for row in sample:
        for c in row:
            n += 72 if c is None else 120 + len(c.value) + len(c.datatype or "")
    n = 64 * (len(rows) + 1) + (n * len(rows)) // max(1, len(sample))
    return 2 * n  # and the same again for the rows as Python values (api.Rows keeps them on the table)


class ResultCache:
    """Answers by (store key, query text), least recently used dropped first beyond `max_bytes`."""

    def __init__(self, max_bytes: int | None = None):
        if max_bytes is None:
            try:
                max_bytes = int(float(os.environ.get(CACHE_ENV) or 256) * 1024 * 1024)
            except ValueError:
                max_bytes = 256 * 1024 * 1024
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple, tuple[object, int]] = OrderedDict()
        self.bytes = 0
        self.hits = self.misses = 0
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            item = self._items.get(key)
            if item is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return item[0]

    def put(self, key: tuple, value, size: int) -> None:
        if size > self.max_bytes // 2:  # one huge answer would push out everything else
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= old[1]
            self._items[key] = (value, size)
            self.bytes += size
            while self.bytes > self.max_bytes and self._items:
                _, (_, s) = self._items.popitem(last=False)
                self.bytes -= s

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)


RESULTS = ResultCache()  # one per process: the CLI, the Python API and the server share it


def store_key(store) -> tuple:
    """What the store handle reads: the same key, the same answers."""
    return (str(store.path.resolve()), store.opened_generation, store.local_writes)


def select(
    store,
    text: str,
    name: str | None = None,
    cache: ResultCache | None = RESULTS,
    given: dict[str, str] | None = None,
    lookup=None,
) -> _results.Table:
    """The rows of SELECT `text` (the saved query `name` bound with `given`, or any query) on `store`.

    On the disk, a saved query with a disk plan (disk_plans/) runs that plan bound with `given`."""
    key = (store_key(store), text)
    if cache is not None:
        hit = cache.get(key)
        if hit is None:
            hit = _kept(store, text)
            if hit is not None:
                cache.put(key, hit, _size(hit))
        if hit is not None:
            return hit
    table = None
    db = reader(store)
    if name == "search-partnerships":
        table = _search_partnerships(store, db, text)
    if table is None:
        run = text
        # A plan is for the whole-Atlas question: with a parameter given (a country), the plain
        # text's index look-ups beat its hash joins (measured at 15,000 partnerships).
        if db is store.open and name is not None and given is not None and not given:
            plan = disk_plan(name)
            if plan is not None:
                from . import queries as _queries

                run = _queries.bind(plan, given, lookup)
        table = _results.from_oxigraph(db.query(run, use_default_graph_as_union=True))
    if cache is not None and store_key(store) == key[0]:
        cache.put(key, table, _size(table))
        if not store.local_writes:
            store.answers.put(store.opened_generation, text, table)
    return table


def _kept(store, text: str) -> _results.Table | None:
    """The answer another process (or this one, earlier) kept for this store state (answers.py)."""
    if store.local_writes:
        return None  # this handle reads a state of its own
    return store.answers.get(store.opened_generation, text)


def search(store, text: str, limit: int = 50, cache: ResultCache | None = RESULTS) -> _results.Table:
    """Full-text search (Atlas.search): partnership, title, score, snippet, best first."""
    from pyoxigraph import NamedNode  # noqa: F401  (the IRIs below come from the store)

    key = (store_key(store), "search", text, int(limit))
    if cache is not None:
        hit = cache.get(key)
        if hit is not None:
            return hit
    found = with_index(store, lambda index: index.search(text, limit))
    if found is None:  # a writer that has written: an index of what it reads now
        from .search import SearchIndex

        index = SearchIndex(None)
        index.rebuild(store.open)
        found = (index.search(text, limit),)
    xsd = "http://www.w3.org/2001/XMLSchema#"
    table = _results.Table(
        ["partnership", "title", "score", "snippet"],
        [
            [
                _results.Cell(iri, "uri"),
                _results.Cell(title, "literal", None, "fr"),
                _results.Cell(repr(score), "literal", xsd + "double"),
                _results.Cell(snip, "literal", None, "fr"),
            ]
            for iri, title, score, snip in found[0]
        ],
    )
    if cache is not None:
        cache.put(key, table, _size(table))
    return table


# -- disk plans ----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=None)
def disk_plan(name: str):
    """The disk plan of saved query `name` (a SavedQuery with the saved query's parameters), or None."""
    from importlib import resources

    from . import queries as _queries

    f = resources.files("coopgraph") / "disk_plans" / f"{name}.rq"
    if not f.is_file():
        return None
    try:
        saved = _queries.get(name)
    except _queries.QueryError:
        return None
    return _queries.SavedQuery(name, f.read_text(encoding="utf-8"), saved.meta)


# -- search-partnerships: candidates from the full-text index, then the saved query on them -------
# Above about a thousand rows, Oxigraph stops looking the VALUES rows up one by one and joins the
# block with every partnership: 1,773 candidates took 1.4 s where 1,000 took 44 ms and the plain
# query 0.4 s (15,000 partnerships, in memory).
MAX_CANDIDATES = 1000
_TEXT_VALUES = re.compile(r"VALUES\s+\?text\s*\{[^{}]*\}", re.IGNORECASE)
_STRING = "http://www.w3.org/2001/XMLSchema#string"


def _search_partnerships(store, db, text: str) -> _results.Table | None:
    found = [m for m in _TEXT_VALUES.finditer(text) if not _in_comment(text, m.start())]
    if len(found) != 1 or "?partnership" not in text:
        return None
    from pyoxigraph import Literal, QuerySolutions
    from pyoxigraph import Store as OxStore

    block = found[0].group(0)
    try:
        solutions = OxStore().query(f"SELECT ?text WHERE {{ {block} }}")
        assert isinstance(solutions, QuerySolutions)
        values = [s["text"] for s in solutions]
    except (SyntaxError, OSError, RuntimeError):
        return None
    if (
        len(values) != 1
        or not isinstance(values[0], Literal)
        or values[0].language
        or values[0].datatype.value != _STRING
    ):
        return None
    found_in = with_index(store, lambda index: index.candidates(values[0].value))
    if found_in is None or found_in[0] is None:
        return None
    candidates = found_in[0]
    if len(candidates) > MAX_CANDIDATES:
        return None  # a common word: the plain query is faster than a VALUES block that long
    from pyoxigraph import NamedNode

    restrict = "VALUES ?partnership { " + " ".join(str(NamedNode(c)) for c in candidates) + " }"
    at = found[0].end()
    return _results.from_oxigraph(db.query(text[:at] + "\n  " + restrict + text[at:], use_default_graph_as_union=True))


def _in_comment(text: str, pos: int) -> bool:
    line_start = text.rfind("\n", 0, pos) + 1
    return "#" in text[line_start:pos]


_PRIVATE: dict[tuple, object] = {}  # store key → an in-memory index built by a reader
_PRIVATE_LOCK = threading.Lock()


def with_index(store, read):
    """(read(index),) on the store's full-text index when it describes the state this handle reads;
    else on a private in-memory index built from the store (once per store state: a writer that
    died, an index from another generation, a store made before the index). None for a writable
    handle that has written (its index is rebuilt when it closes): answer without the index."""
    from .search import SearchIndex

    if not store.read_only and store.local_writes:
        return None
    with store.search.reading(store.opened_generation) as usable:
        if usable:
            return (read(store.search),)
    key = store_key(store)
    with _PRIVATE_LOCK:
        index = _PRIVATE.get(key)
        if index is None:
            print(
                "coopgraph: the search index is missing or stale; building it in memory "
                "(the next writer rebuilds it on disk)",
                file=sys.stderr,
            )
            index = SearchIndex(None)
            index.rebuild(store.open)
            _PRIVATE.clear()
            _PRIVATE[key] = index
        return (read(index),)


# -- the in-memory copy -------------------------------------------------------------------------
MEMORY_ENV = "COOPGRAPH_MEMORY"


def memory_wanted() -> bool:
    return os.environ.get(MEMORY_ENV, "").strip().lower() in ("1", "true", "yes")


class MemoryCopy:
    """The open graph (every graph) in an in-memory pyoxigraph store, loaded in a background thread
    from the store's N-Triples chunks (the cache when valid) and the bookkeeping graph."""

    def __init__(self, store):
        self.key = store_key(store)
        self.db = None
        self.quads = 0
        self.load_seconds = None
        self.error: BaseException | None = None
        self.ready = threading.Event()
        self._thread = threading.Thread(target=self._load, args=(store,), name="coopgraph-memory-copy", daemon=True)
        self._thread.start()

    def _load(self, store) -> None:
        import time

        from pyoxigraph import RdfFormat, Store as OxStore

        from .dumpcache import ntriples_to_nquads
        from .store import BULK_LIMIT

        t = time.perf_counter()
        try:
            db = OxStore()
            batch: list[bytes] = []
            size = 0
            for graph, nt in store.open_chunks():
                batch.append(ntriples_to_nquads(nt, graph))
                size += nt.count(b"\n")
                if size >= BULK_LIMIT:
                    db.bulk_load(b"".join(batch), format=RdfFormat.N_QUADS)
                    batch, size = [], 0
            if batch:
                db.bulk_load(b"".join(batch), format=RdfFormat.N_QUADS)
            # and the bookkeeping graph (not in the chunks), so that any query reads what the disk holds
            from pyoxigraph import NamedNode

            from .rdf import iris

            db.extend(store.open.quads_for_pattern(None, None, None, NamedNode(iris.G_META)))
            self.quads = len(db)
            self.db = db
            self.load_seconds = time.perf_counter() - t
        except BaseException as e:  # the disk answers instead; say why once
            self.error = e
            print(f"coopgraph: no in-memory copy of the store ({e}); answering from the disk", file=sys.stderr)
        finally:
            self.ready.set()

    def wait(self, timeout: float | None = None) -> bool:
        self.ready.wait(timeout)
        return self.db is not None


def memory_copy(store) -> MemoryCopy | None:
    """The store's in-memory copy for the state this handle reads (started if needed)."""
    if not getattr(store, "memory", False):
        return None
    copy = getattr(store, "_memory_copy", None)
    if copy is None or copy.key != store_key(store):
        copy = MemoryCopy(store)  # a write through this handle: the old copy is dropped
        store._memory_copy = copy
    return copy


def reader(store):
    """Where to run a query: the in-memory copy when it is loaded for this state, else the disk."""
    copy = memory_copy(store)
    if copy is not None and copy.ready.is_set() and copy.db is not None:
        return copy.db
    return store.open

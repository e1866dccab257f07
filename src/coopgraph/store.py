"""The embedded on-disk store (pyoxigraph).

A store is a folder with two pyoxigraph databases:
- `open/`: the open data. Reference graphs (ontology, schemes, SDG KOS, countries), the shared
  entities graph, and one named graph per partnership, replaced whole on re-ingest.
- `personal/`: contacts and volunteers, one named graph per partnership. Kept in a database of
  its own so that no query over the open data can ever reach it.
Queries see the union of the open store's graphs as their default graph.
"""

from __future__ import annotations

import hashlib
import io
import itertools
import os
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, QuerySolutions, RdfFormat, parse, serialize
from pyoxigraph import Store as OxStore

from .errors import StoreError
from .answers import AnswerFile
from .records import Problem
from .dumpcache import ENTITIES, DumpCache, compress, nquads_to_ntriples, ntriples_to_nquads
from .rdf import iris
from .reference import reference_graphs
from .rdf.convert import Converted
from .rdf.namespaces import CG, DCTERMS, PREFIXES, PROV
from .search import Docs, SearchIndex, docs_of_converted

ENV_VAR = "COOPGRAPH_STORE"


def default_path() -> Path:
    if os.environ.get(ENV_VAR):
        return Path(os.environ[ENV_VAR])
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "coopgraph" / "store"


FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ntriples": RdfFormat.N_TRIPLES,
    "nquads": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "rdfxml": RdfFormat.RDF_XML,
}
QUAD_FORMATS = {"nquads", "trig"}


def _open(path: Path, read_only: bool, wait: float, on_wait: Callable[[str], None] | None = None) -> OxStore:
    if read_only:
        if not path.exists():
            raise StoreError(f"no store at {path}: run 'coopgraph ingest' first, or pass --store")
        try:
            return OxStore.read_only(str(path))
        except OSError as e:
            raise StoreError(f"cannot open the store at {path} read-only: {e}") from None
        except RuntimeError as e:  # RocksDB's "Corruption: ...": not a database, or a damaged one
            if "Column family not found" in str(e):
                # A writer killed while it created this database, before anything was written to it.
                return OxStore()
            raise StoreError(f"the store at {path.parent} is damaged or not a coopgraph store ({e})") from None
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot create the store at {path.parent}: {e.strerror or e}") from None
    deadline = time.monotonic() + wait
    while True:
        try:
            return OxStore(str(path))
        except RuntimeError as e:
            raise StoreError(f"the store at {path.parent} is damaged or not a coopgraph store ({e})") from None
        except OSError as e:
            if "lock" not in str(e).lower():
                raise StoreError(f"cannot open the store at {path}: {e}") from None
            if time.monotonic() >= deadline:
                raise StoreError(
                    f"the store at {path} is in use by another coopgraph process "
                    f"(waited {wait:.0f} s); try again when it has finished"
                ) from None
            if on_wait is not None:  # once: a person should know why nothing happens
                on_wait(
                    f"the store at {path.parent} is in use by another coopgraph process; waiting up to "
                    f"{wait:.0f} s for it to finish (${LOCK_WAIT_VAR} sets how long)"
                )
                on_wait = None
            time.sleep(0.2)


# oxigraph's bulk loader ends each call with one RocksDB IngestExternalFiles over all its column
# families, which RocksDB records atomically (all files or none, even after a crash), as long as
# the call holds fewer quads than the loader's batch (1,000,000): stay well below it.
BULK_LIMIT = 400_000


@dataclass
class PageData:
    """One converted partnership as N-Quads: cheap to pass between processes, loaded by Rust.

    `entities` keeps one line per quad so that a long ingest can skip the shared nodes it has
    already written (the same N-Quads line is the same quad).
    """

    key: str
    graph: str
    page: bytes
    entities: list[bytes]
    personal: bytes
    page_quads: int
    page_nt_zlib: bytes = b""  # `page` as compressed N-Triples, for the dump cache (made by the worker)
    search: Docs | None = None  # what the search index needs from the page (made by the worker)
    checked: list[Problem] | None = None  # the ingest check's findings, when the worker ran it
    # The entity and page quads as terms, for a check in the process that converted the page
    # (loading terms beats parsing the N-Quads again); that process drops them before sending.
    quads: list[Quad] | None = None

    @classmethod
    def of(cls, c: Converted, keep_quads: bool = False) -> "PageData":
        nq = RdfFormat.N_QUADS
        page = serialize(c.page, format=nq) or b""  # without an output file, serialize returns the bytes
        return cls(
            c.key,
            c.graph.value,
            page,
            (serialize(c.entities, format=nq) or b"").splitlines(keepends=True),
            serialize(c.personal, format=nq) or b"",
            len(c.page),
            compress(_distinct_ntriples(page, c.graph.value)),
            docs_of_converted(c),
            quads=[*c.entities, *c.page] if keep_quads else None,
        )


def _distinct_ntriples(nquads: bytes, graph: str) -> bytes:
    """A page's quads as N-Triples, each once (a page may state a triple twice; the store keeps one)."""
    return b"".join(dict.fromkeys(nquads_to_ntriples(nquads, graph).splitlines(keepends=True)))


def _turtle_of(ntriples: bytes) -> bytes:
    buf = io.BytesIO()
    serialize(
        (q.triple for q in parse(ntriples, format=RdfFormat.N_TRIPLES)), buf, format=RdfFormat.TURTLE, prefixes=PREFIXES
    )
    return buf.getvalue()


def _write_turtle(chunks: Iterator[tuple[str, bytes]], out: IO[bytes], batch: int = 4_000_000) -> None:
    """Turtle from N-Triples chunks, batches written in parallel ($COOPGRAPH_JOBS, else one per
    core; parsing and writing Turtle is most of a dump's time). Each batch is a whole Turtle
    document; all but the first lose their @prefix lines, the same for every batch."""
    import multiprocessing

    def batches() -> Iterator[bytes]:
        parts: list[bytes] = []
        size = 0
        for _, nt in chunks:
            parts.append(nt)
            size += len(nt)
            if size >= batch:
                yield b"".join(parts)
                parts, size = [], 0
        if parts:
            yield b"".join(parts)

    jobs = env_jobs()
    pool = multiprocessing.get_context("fork").Pool(jobs) if jobs > 1 else None
    try:
        docs = pool.imap(_turtle_of, batches()) if pool else map(_turtle_of, batches())
        for i, doc in enumerate(docs):
            start = 0
            while i and doc.startswith(b"@prefix ", start):
                start = doc.index(b"\n", start) + 1
            out.write(doc[start:] if start else doc)
    finally:
        if pool is not None:
            pool.terminate()


def _bulk_load(db: OxStore, parts: list[tuple[int, bytes]]) -> None:
    """Load (quad count, N-Quads) parts, each call below BULK_LIMIT quads, parts never split."""
    chunk: list[bytes] = []
    n = 0
    for count, data in parts:
        if chunk and n + count > BULK_LIMIT:
            db.bulk_load(b"".join(chunk), format=RdfFormat.N_QUADS)
            chunk, n = [], 0
        chunk.append(data)
        n += count
    if chunk:
        db.bulk_load(b"".join(chunk), format=RdfFormat.N_QUADS)


LOCK_WAIT_VAR = "COOPGRAPH_LOCK_WAIT"
JOBS_VAR = "COOPGRAPH_JOBS"


def env_jobs() -> int:
    """Worker processes: $COOPGRAPH_JOBS (at least 1), else one per core."""
    raw = os.environ.get(JOBS_VAR, "").strip()
    if not raw:
        return os.cpu_count() or 1
    try:
        return max(1, int(raw))
    except ValueError:
        raise StoreError(f"${JOBS_VAR} must be a whole number of worker processes, not {raw!r}") from None


def lock_wait() -> float:
    """Seconds a writer waits for another coopgraph process to release the store (default 30)."""
    raw = os.environ.get(LOCK_WAIT_VAR, "").strip()
    if not raw:
        return 30.0
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise StoreError(f"${LOCK_WAIT_VAR} must be a number of seconds, not {raw!r}")
    return value


def _check_folder(path: Path, read_only: bool) -> None:
    """A store path a person mistyped gets a sentence, not an OSError from deep in a library."""
    try:
        if path.exists() and not path.is_dir():
            raise StoreError(
                f"{path} is a file, not a store folder: pass --store DIR (a folder that "
                f"'coopgraph ingest' creates), or set ${ENV_VAR}"
            )
        if read_only:
            if not path.exists():
                raise StoreError(f"no store at {path}: run 'coopgraph ingest' first, or pass --store")
            if not (path / "open").is_dir():
                raise StoreError(f"{path} is not a coopgraph store (no 'open' database in it)")
            return
        path.mkdir(parents=True, exist_ok=True)
    except StoreError:
        raise
    except OSError as e:
        raise StoreError(f"cannot use {path} as a store: {e.strerror or e}") from None


class Store:
    memory: bool = False  # queries answered from an in-memory copy (engine.py); set by coopgraph.api.Atlas

    def __init__(
        self,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        wait: float | None = None,
        on_wait: Callable[[str], None] | None = None,
    ):
        """`on_wait(message)` is called once if a writer has to wait for another one's lock."""
        if wait is None:
            wait = lock_wait()
        self.path = Path(path) if path else default_path()
        self.read_only = read_only
        _check_folder(self.path, read_only)
        if not read_only and self.path.exists() and any(self.path.iterdir()) and not (self.path / "open").exists():
            raise StoreError(f"{self.path} exists and is not a coopgraph store")
        new_store = not read_only and not (self.path / "open").exists()
        # Read before the database is opened: what this handle reads is this state or a later one.
        self.opened_generation = self.generation()
        self.local_writes = 0  # writes through this handle (result caches key on them)
        self._on_wait = on_wait
        self.open = _open(self.path / "open", read_only, wait, on_wait)
        self._personal: OxStore | None = None
        self._wait = wait
        # Opened after the store: a writer holds the store's lock while it writes the cache.
        self.cache = DumpCache(self.path, read_only, new_store)
        # The full-text index (search.py): kept in step by the writes that know what they change
        # (load_pages); any other write to the store clears it, and close() rebuilds it.
        self.search = SearchIndex(self.path, read_only, new_store)
        self._search_in_step = self.search.valid()
        # Answers computed on this store state by any process (answers.py); every write empties them.
        self.answers = AnswerFile(self.path, read_only)
        self._known_write = False
        self.cache.on_begin.append(self._derived_begin)

    @property
    def personal(self) -> OxStore:
        # Opened lazily: most commands never touch personal data.
        if self._personal is None:
            if self.read_only and not (self.path / "personal").exists():
                self._personal = OxStore()  # nothing personal was ever stored: an empty view
            else:
                self._personal = _open(self.path / "personal", self.read_only, self._wait, self._on_wait)
        return self._personal

    def close(self) -> None:
        if not self.read_only:
            self.open.flush()
            if self._personal is not None:
                self._personal.flush()
            if not self.cache.valid():
                self.rebuild_cache()
            stamp = f"{time.time_ns()}-{os.getpid()}"
            if self._search_in_step:
                self.search.end(True, stamp)
            else:
                self.rebuild_search(stamp)
            self.answers.end(self.opened_generation, stamp, wrote=self.local_writes > 0)
            self._bump_generation(stamp)
        self.cache.close()
        self.search.close()
        self.answers.close()
        self.open = None  # type: ignore[assignment]  # pyoxigraph closes on drop
        self._personal = None

    def _derived_begin(self) -> None:
        """Before any write to the store (called by the dump cache's begin)."""
        self.local_writes += 1
        self.search.begin()
        self.answers.begin()
        if not self._known_write:
            self._search_in_step = False  # a write this class does not follow: rebuild at close

    def rebuild_search(self, generation: str | None = None) -> None:
        """Rewrite the full-text index from the store (seconds at Atlas scale)."""
        self.search.begin()
        self.search.rebuild(self.open)
        self.search.end(True, generation)
        self._search_in_step = True

    GENERATION_FILE = "generation"

    def _bump_generation(self, stamp: str) -> None:
        # Written last, after the data is flushed: a reader that sees a new generation can reopen.
        tmp = self.path / (self.GENERATION_FILE + ".tmp")
        tmp.write_text(f"{stamp}\n", encoding="ascii")
        os.replace(tmp, self.path / self.GENERATION_FILE)

    def generation(self) -> str:
        """Changes each time a writer closes the store: long-lived readers (the server, result
        caches) compare it to know when to reopen the store or drop what they derived from it."""
        try:
            return (self.path / self.GENERATION_FILE).read_text(encoding="ascii").strip()
        except OSError:
            return ""

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- reference data ----------------------------------------------------------------------
    def ensure_reference_data(self) -> None:
        """Load the packaged ontology, schemes, SDG KOS and country table, when they changed."""

        for graph, load in reference_graphs().items():
            content = load()
            digest = hashlib.sha256(content).hexdigest()
            g = NamedNode(graph)
            marker = Quad(g, DCTERMS.hasVersion, Literal(digest), NamedNode(iris.G_META))
            if marker in self.open:
                continue
            self._known_write = True  # reference graphs hold no partnership or partner name
            was = self.cache.begin()
            self._known_write = False
            if self.open.contains_named_graph(g):
                self.open.remove_graph(g)
            for old in list(self.open.quads_for_pattern(g, DCTERMS.hasVersion, None, NamedNode(iris.G_META))):
                self.open.remove(old)
            self.open.load(content, format=RdfFormat.TURTLE, to_graph=g)
            self.open.add(marker)
            self.refresh_cached_graph(graph)
            self.cache.end(was)

    # -- partnerships ------------------------------------------------------------------------
    def sources(self) -> dict[str, str]:
        """Partnership IRI → SHA-256 of the page it was read from."""
        q = f"""SELECT ?p ?sha WHERE {{ ?p a <{CG.Partnership.value}> ; <{PROV.wasDerivedFrom.value}> ?s .
                 ?s <{CG.sha256.value}> ?sha }}"""
        solutions = self.open.query(q, use_default_graph_as_union=True)
        assert isinstance(solutions, QuerySolutions)
        return {r["p"].value: r["sha"].value for r in solutions}

    def replace(self, pages: list[Converted]) -> None:
        """Store a batch of partnerships, each replacing its previous version whole."""
        self.load_pages([PageData.of(c) for c in pages])

    def load_pages(self, pages: list[PageData], seen_entities: set[bytes] | None = None) -> None:
        """Store a batch of partnerships (as N-Quads), each replacing its previous version whole.

        Old graphs are removed first (one transaction each), then the batch is bulk-loaded, each
        page's quads within one atomic ingestion (see BULK_LIMIT): a crash leaves each partnership
        either absent or complete, never half-loaded. `seen_entities` (owned by the caller) holds
        the entity lines already stored by this run, which need not be written again.
        """
        pages = list({p.key: p for p in pages}.values())  # the same page twice in a batch: last wins
        self._known_write = True
        was = self.cache.begin()
        self._known_write = False
        personal: list[tuple[int, bytes]] = []
        for p in pages:
            g = NamedNode(p.graph)
            if self.open.contains_named_graph(g):
                self.open.remove_graph(g)
            pg = NamedNode(iris.personal_graph(p.key))
            if p.personal or self.personal.contains_named_graph(pg):
                if self.personal.contains_named_graph(pg):
                    self.personal.remove_graph(pg)
                if p.personal:
                    personal.append((p.personal.count(b"\n"), p.personal))
        parts: list[tuple[int, bytes]] = []
        new_entities: list[bytes] = []
        for p in pages:
            lines = p.entities
            if seen_entities is not None:
                lines = [x for x in lines if x not in seen_entities]
                seen_entities.update(lines)
            new_entities.extend(lines)
            parts.append((len(lines) + p.page_quads, b"".join(lines) + p.page))
        # The bulk loads run in Rust without the GIL: the cache and the search index are written
        # meanwhile (at 150,000 pages these writes, one after the other, set the pace of ingest).
        # Both stay marked not valid until all are done, as before.
        failed: list[BaseException] = []

        def load() -> None:
            try:
                if personal:
                    _bulk_load(self.personal, personal)
                _bulk_load(self.open, parts)
            except BaseException as e:  # re-raised by the caller's thread
                failed.append(e)

        loader = threading.Thread(target=load, name="coopgraph-bulk-load")
        loader.start()
        try:
            if was:
                self.cache.put_graphs(
                    ((p.graph, p.page_nt_zlib or compress(_distinct_ntriples(p.page, p.graph))) for p in pages),
                    nquads_to_ntriples(b"".join(new_entities), iris.G_ENTITIES).splitlines(keepends=True),
                )
            if self._search_in_step:
                if all(p.search is not None for p in pages):
                    docs = Docs()
                    for p in pages:
                        found = p.search
                        assert found is not None  # checked just above
                        docs.pages.update(found.pages)
                        docs.links.update(found.links)
                        docs.labels.update(found.labels)
                    self.search.put(docs)
                else:
                    self._search_in_step = False
        finally:
            loader.join()
        if failed:
            raise failed[0]
        self.cache.end(was)

    def partnerships(self) -> list[str]:
        return [
            g.value.removeprefix(iris.PARTNERSHIP_GRAPH_PREFIX)
            for g in self.open.named_graphs()
            if isinstance(g, NamedNode) and g.value.startswith(iris.PARTNERSHIP_GRAPH_PREFIX)
        ]

    # -- reading -----------------------------------------------------------------------------
    def query(self, sparql: str, **kwargs: Any) -> Any:
        """Run SPARQL on the open data (the union of its graphs unless told otherwise): pyoxigraph's
        QuerySolutions, QueryBoolean or QueryTriples."""
        kwargs.setdefault("use_default_graph_as_union", True)
        return self.open.query(sparql, **kwargs)

    def update(self, sparql: str) -> None:
        self.cache.begin()  # an update may touch any graph: the cache is rebuilt when the store closes
        self.open.update(sparql)

    # -- the N-Triples cache (see dumpcache.py) ------------------------------------------------
    def _graph_ntriples(self, g: NamedNode | BlankNode | DefaultGraph, db: OxStore | None = None) -> bytes:
        buf = io.BytesIO()
        (db or self.open).dump(buf, RdfFormat.N_TRIPLES, from_graph=g)
        return buf.getvalue()

    def refresh_cached_graph(self, graph: str) -> None:
        """After a writer replaced `graph` in the store (between cache.begin and cache.end)."""
        if self.open.contains_named_graph(NamedNode(graph)):
            self.cache.put_graphs([(graph, compress(self._graph_ntriples(NamedNode(graph))))])
        else:
            self.cache.drop_graph(graph)

    def rebuild_cache(self) -> None:
        """Rewrite the N-Triples cache from the store (about as long as one dump from the store)."""
        self.cache.begin()
        self.cache.clear()
        skip = {NamedNode(iris.G_META), NamedNode(iris.G_ENTITIES)}
        graphs = [g for g in self.open.named_graphs() if g not in skip]
        for i in range(0, len(graphs), 1000):
            self.cache.put_graphs((g.value, compress(self._graph_ntriples(g))) for g in graphs[i : i + 1000])
        default = self._graph_ntriples(DefaultGraph())
        if default:
            self.cache.put_graphs([("", compress(default))])
        self.cache.put_graphs([], self._graph_ntriples(NamedNode(iris.G_ENTITIES)).splitlines(keepends=True))
        self.cache.end(True)

    def open_chunks(self, use_cache: bool = True) -> Iterator[tuple[str, bytes]]:
        """(graph IRI, N-Triples) for every graph of the open data but the bookkeeping one ("": the
        default graph): from the cache when it is valid, else read from the store."""
        cached = self.cache.chunks() if use_cache else None
        if cached is not None:
            for iri, nt in cached:
                yield (iris.G_ENTITIES if iri == ENTITIES else iri), nt
            return
        meta = NamedNode(iris.G_META)
        for g in [DefaultGraph(), *self.open.named_graphs()]:
            if g != meta:
                yield ("" if isinstance(g, DefaultGraph) else g.value), self._graph_ntriples(g)

    def personal_chunks(self) -> Iterator[tuple[str, bytes]]:
        """(graph IRI, N-Triples) for every graph of the personal database (never cached)."""
        for g in [DefaultGraph(), *self.personal.named_graphs()]:
            nt = self._graph_ntriples(g, self.personal)
            if nt:
                yield ("" if isinstance(g, DefaultGraph) else g.value), nt

    def triples(self) -> Iterator:
        """Every triple of the open data (each lives in exactly one graph, so no duplicates)."""
        for q in self.open.quads_for_pattern(None, None, None, None):
            if q.graph_name != NamedNode(iris.G_META):
                yield q.triple

    def dump(self, out: IO[bytes], fmt: str, include_personal: bool = False, use_cache: bool = True) -> None:
        """The open data (and the personal data if asked), graph by graph as N-Triples: copied as
        they are for N-Triples and N-Quads, parsed and written again in Rust for the other formats.
        `use_cache=False` reads the database even when the cache is valid (for benchmarks)."""
        chunks = self.open_chunks(use_cache)
        if include_personal:
            chunks = itertools.chain(chunks, self.personal_chunks())
        if fmt == "ntriples":
            for _, nt in chunks:
                out.write(nt)
            return
        if fmt == "nquads":
            for g, nt in chunks:
                out.write(ntriples_to_nquads(nt, g))
            return
        f = FORMATS[fmt]
        if fmt == "turtle":
            return _write_turtle(chunks, out)
        if fmt in QUAD_FORMATS:

            def quads() -> Iterator[Quad]:
                for g, nt in chunks:
                    graph = NamedNode(g) if g else DefaultGraph()
                    for q in parse(nt, format=RdfFormat.N_TRIPLES):
                        yield Quad(q.subject, q.predicate, q.object, graph)

            serialize(quads(), out, format=f, prefixes=PREFIXES)
            return
        prefixes = PREFIXES if fmt in ("rdfxml", "jsonld") else None
        serialize(
            (q.triple for _, nt in chunks for q in parse(nt, format=RdfFormat.N_TRIPLES)),
            out,
            format=f,
            prefixes=prefixes,
        )

    def count(self, graph_prefix: str | None = None) -> int:
        if graph_prefix is None:
            # Every quad but the bookkeeping ones: counted in Rust, not by iterating in Python.
            return len(self.open) - sum(
                1 for _ in self.open.quads_for_pattern(None, None, None, NamedNode(iris.G_META))
            )
        n = 0
        for g in self.open.named_graphs():
            if g.value.startswith(graph_prefix):
                n += sum(1 for _ in self.open.quads_for_pattern(None, None, None, g))
        return n

    def personal_count(self) -> int:
        return len(self.personal)

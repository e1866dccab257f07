"""A full-text index of the partnerships, kept beside the store (`STORE/search.sqlite`, SQLite FTS5).

What it holds, per partnership (as the store holds it, every value of each property):
- `doc` / `doctext`: the title, the summary (dcterms:abstract), the other texts (context,
  history, objective, description) and the names below, once each (the `content` view joins them);
- `link` and `label`: the French collectivités, foreign partners and funders it names, and every
  rdfs:label / skos:prefLabel those nodes have (labels live in the shared entities graph, so a
  page that adds a label to a node changes the documents of every partnership naming it);
- `words`: FTS5 over title / summary / texts / names, `unicode61 remove_diacritics 2` (accents
  and letter case ignored), ranked by bm25 — what `Atlas.search` and the server's search answer from;
- `subs`: FTS5 trigram over title / summary, case-insensitive substrings — only a candidate
  filter for the saved query `search-partnerships` (SPARQL CONTAINS semantics: the engine checks
  each candidate with the saved query itself, so the rows are the query's, see engine.py).
Both full-text indexes are external-content tables over `content`: the texts are stored once (an
FTS5 table holding its own copy doubled the file), and snippets are cut from them.

Like the N-Triples cache (dumpcache.py) it is derived and disposable, and trusted only while its
`valid` flag is set (in a file of this FORMAT): every writer clears it (committed) before it
touches the store — the dump cache's `begin` clears it too, so a write path that forgets this
index still invalidates it — and sets it again once both agree; a crash in between leaves it
cleared, readers then build a private copy from the store, and the next writer rebuilds it when
it closes.
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from pathlib import Path

from .dumpcache import SidecarFile
from .rdf.namespaces import CG, DCTERMS, RDF, RDFS, SCHEMA, SKOS

FILE = "search.sqlite"
# The layout below. A file that does not say this format (one an older coopgraph wrote) is never
# trusted: readers build an index of their own, the next writer starts the file again.
FORMAT = "2"
SCHEMA_SQL = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE doc (pid INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, title TEXT NOT NULL);
CREATE TABLE doctext (pid INTEGER PRIMARY KEY, abstract TEXT NOT NULL, body TEXT NOT NULL, names TEXT NOT NULL);
CREATE TABLE link (pid INTEGER NOT NULL, node TEXT NOT NULL, PRIMARY KEY (pid, node)) WITHOUT ROWID;
CREATE INDEX link_node ON link (node);
CREATE TABLE label (node TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (node, label)) WITHOUT ROWID;
CREATE VIEW content AS SELECT doc.pid AS pid, doc.title AS title, doctext.abstract AS abstract,
    doctext.body AS body, doctext.names AS names FROM doc JOIN doctext ON doctext.pid = doc.pid;
CREATE VIRTUAL TABLE words USING fts5(title, abstract, body, names, content = 'content', content_rowid = 'pid',
    tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE subs USING fts5(title, abstract, content = 'content', content_rowid = 'pid',
    tokenize = 'trigram');
"""
# bm25 weights of words' columns: a word in the title counts most, then in a partner's name.
WEIGHTS = (10.0, 1.0, 1.0, 4.0)
SEP = "\n"  # between several values of one property (a multi-valued title after an update)

TEXT_PROPS = {
    DCTERMS.title.value: "title",
    DCTERMS.abstract.value: "abstract",
    CG.context.value: "texts",
    CG.history.value: "texts",
    CG.objective.value: "texts",
    DCTERMS.description.value: "texts",
}
LINK_PROPS = {CG.frenchPartner.value, CG.foreignPartner.value}
LABEL_PROPS = {RDFS.label.value, SKOS.prefLabel.value}
FUNDER, FUNDED = SCHEMA.funder.value, SCHEMA.fundedItem.value
RDF_TYPE, PARTNERSHIP = RDF.type.value, CG.Partnership.value
PREDICATES = (
    RDF.type,
    *{
        p
        for p in (
            DCTERMS.title,
            DCTERMS.abstract,
            CG.context,
            CG.history,
            CG.objective,
            DCTERMS.description,
            CG.frenchPartner,
            CG.foreignPartner,
            RDFS.label,
            SKOS.prefLabel,
            SCHEMA.funder,
            SCHEMA.fundedItem,
        )
    },
)


@dataclass
class Docs:
    """What the index needs from some triples: partnerships' texts, the nodes they name, labels."""

    pages: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # iri → field → values
    links: dict[str, set[str]] = field(default_factory=dict)  # iri → nodes
    labels: set[tuple[str, str]] = field(default_factory=set)  # (node, label)


def extract(triples: Iterable[tuple[str, str, Any]]) -> Docs:
    """Docs from (subject IRI, predicate IRI, object term) triples; literals' lexical forms."""
    texts: dict[str, dict[str, set[str]]] = {}
    partnerships: set[str] = set()
    links: dict[str, set[str]] = {}
    funder_of: dict[str, set[str]] = {}
    funded: dict[str, set[str]] = {}
    labels: dict[str, set[str]] = {}
    for s, p, o in triples:
        if p == RDF_TYPE:
            if getattr(o, "value", None) == PARTNERSHIP:
                partnerships.add(s)
        elif p in TEXT_PROPS:
            texts.setdefault(s, {}).setdefault(TEXT_PROPS[p], set()).add(o.value)
        elif p in LINK_PROPS:
            links.setdefault(s, set()).add(o.value)
        elif p == FUNDER:
            funder_of.setdefault(s, set()).add(o.value)
        elif p == FUNDED:
            funded.setdefault(s, set()).add(o.value)
        elif p in LABEL_PROPS:
            labels.setdefault(s, set()).add(o.value)
    for f, items in funded.items():
        for item in items:
            links.setdefault(item, set()).update(funder_of.get(f, ()))
    docs = Docs()
    for iri in partnerships:
        t = texts.get(iri, {})
        docs.pages[iri] = {k: sorted(t.get(k, ())) for k in ("title", "abstract", "texts")}
        docs.links[iri] = links.get(iri, set())
    named = set().union(*docs.links.values()) if docs.links else set()
    docs.labels = {(n, v) for n in named for v in labels.get(n, ())}
    return docs


def _triples_of_store(db) -> Iterator[tuple[str, str, object]]:
    """The relevant triples of a pyoxigraph store, every graph but the bookkeeping one."""
    from pyoxigraph import NamedNode

    from .rdf import iris

    meta = NamedNode(iris.G_META)
    for pred in PREDICATES:
        for q in db.quads_for_pattern(None, pred, None, None):
            if q.graph_name != meta and isinstance(q.subject, NamedNode):
                yield q.subject.value, pred.value, q.object


def _triples_of_quads(quads) -> Iterator[tuple[str, str, object]]:
    wanted = set(PREDICATES)  # terms compared as terms: no string made for the quads skipped
    for q in quads:
        p = q.predicate
        if p in wanted:
            s = q.subject
            if hasattr(s, "value"):
                yield s.value, p.value, q.object


def docs_of_converted(c) -> Docs:
    """A converted page's Docs (its page and entity quads), in the ingest worker."""
    return extract(_triples_of_quads([*c.page, *c.entities]))


class SearchIndex(SidecarFile):
    def __init__(self, store_path: Path | None, read_only: bool = False, new_store: bool = False):
        """`store_path=None`: a private in-memory index (built from a store by a reader that found
        the file missing or not valid)."""
        self.path = store_path / FILE if store_path is not None else None
        self.read_only = read_only
        self._db: sqlite3.Connection | None = None
        # put() found the index empty: its full-text indexes wait for _finish (while not valid).
        self._deferred = False
        if self.path is None:
            self._db = self._connect(":memory:")
            return
        if read_only:
            if self.path.exists():
                try:
                    self._db = sqlite3.connect(
                        f"file:{self.path}?mode=ro", uri=True, isolation_level=None, check_same_thread=False
                    )
                except sqlite3.Error:
                    self._db = None
            return
        try:
            self._db = self._connect(self.path)
        except sqlite3.DatabaseError:  # derived data: a damaged file, or one of another format, is started again
            for suffix in ("", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._db = self._connect(self.path)
        if new_store:
            self._set_valid(True)

    @staticmethod
    def _connect(where) -> sqlite3.Connection:
        """A writable connection to an index of this FORMAT (created if the file is new); raises
        sqlite3.DatabaseError for a damaged file or one of another format (see __init__)."""
        db = sqlite3.connect(where, isolation_level=None, check_same_thread=False)
        try:
            if where != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            if db.execute("SELECT count(*) FROM sqlite_schema").fetchone()[0]:
                if _meta(db).get("format") != FORMAT:
                    raise sqlite3.DatabaseError(f"not a search index of format {FORMAT}")
            else:
                db.executescript(SCHEMA_SQL)
                db.execute("INSERT INTO meta (key, value) VALUES ('format', ?)", (FORMAT,))
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

    def valid(self) -> bool:
        """The flag set, in a file of this FORMAT (an index another version of coopgraph wrote is
        never trusted: readers build their own, the next writer starts the file again)."""
        meta = _meta(self._db)
        return meta.get("format") == FORMAT and meta.get("valid") == "1"

    def begin(self) -> bool:
        """Before a write to the store: clear `valid` (durably). Returns whether it was set."""
        if self._db is None or self.read_only:
            return False
        was = self.valid()
        if was:
            self._set_valid(False)
        return was

    def end(self, was_valid: bool, generation: str | None = None) -> None:
        """The index agrees with the store again; `generation`: the store generation it describes
        (written by a writer as it closes the store, just before the store's own stamp)."""
        if self._db is not None and was_valid:
            self._finish()
            if generation is not None:
                self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)", (generation,))
            self._set_valid(True)

    def usable_for(self, generation: str) -> bool:
        """Valid, and describing the store as it was at `generation` (call inside a read transaction)."""
        meta = _meta(self._db)
        return meta.get("format") == FORMAT and meta.get("valid") == "1" and meta.get("generation", "") == generation

    # -- writing ---------------------------------------------------------------------------------
    def put(self, docs: Docs) -> None:
        """Replace the given partnerships' documents; add the labels; refresh every document a new
        label changes. One SQLite transaction.

        `words` and `subs` index the `content` view (external content): a document leaves them
        with the very values it was indexed with ('delete'), before `doc`/`doctext` change."""
        with self._write() as db:
            if not self._deferred and db.execute("SELECT 1 FROM doc LIMIT 1").fetchone() is None:
                # An empty index (a fresh store, a rebuild): `words` and `subs` are built once from
                # the content when the write ends (_finish), not grown and merged batch by batch.
                self._deferred = True
            for table in ("todo (pid INTEGER PRIMARY KEY)", "newlabel (node TEXT, label TEXT)"):
                db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {table}")
                db.execute(f"DELETE FROM {table.split()[0]}")
            # The documents this changes, as they are indexed now: the pages given, and every
            # document naming a node that gains a label.
            db.executemany(
                "INSERT OR IGNORE INTO todo SELECT pid FROM doc WHERE iri = ?", ((iri,) for iri in docs.pages)
            )
            db.executemany("INSERT INTO newlabel VALUES (?, ?)", docs.labels)
            db.execute("""INSERT OR IGNORE INTO todo SELECT link.pid FROM link WHERE link.node IN
                (SELECT n.node FROM newlabel n WHERE NOT EXISTS
                    (SELECT 1 FROM label l WHERE l.node = n.node AND l.label = n.label))""")
            if not self._deferred:
                self._unindex()
            for iri, f in docs.pages.items():
                (pid,) = db.execute(
                    "INSERT INTO doc (iri, title) VALUES (?, ?) "
                    "ON CONFLICT (iri) DO UPDATE SET title = excluded.title RETURNING pid",
                    (iri, SEP.join(f["title"])),
                ).fetchone()
                db.execute(
                    "INSERT INTO doctext (pid, abstract, body, names) VALUES (?, ?, ?, '') "
                    "ON CONFLICT (pid) DO UPDATE SET abstract = excluded.abstract, body = excluded.body",
                    (pid, SEP.join(f["abstract"]), SEP.join(f["texts"])),
                )
                db.execute("INSERT OR IGNORE INTO todo VALUES (?)", (pid,))
                db.execute("DELETE FROM link WHERE pid = ?", (pid,))
                db.executemany(
                    "INSERT INTO link (pid, node) VALUES (?, ?)", ((pid, n) for n in docs.links.get(iri, ()))
                )
            db.execute("INSERT OR IGNORE INTO label SELECT node, label FROM newlabel")
            db.execute("""UPDATE doctext SET names = COALESCE((SELECT group_concat(l.label, char(10)) FROM
                    (SELECT DISTINCT label.label FROM link JOIN label ON label.node = link.node
                     WHERE link.pid = doctext.pid ORDER BY label.label) AS l), '')
                WHERE pid IN (SELECT pid FROM todo)""")
            if not self._deferred:
                self._index()

    def _unindex(self) -> None:
        """The documents in `todo` out of `words` and `subs`, with their current content."""
        db = self._db
        assert db is not None
        db.execute("""INSERT INTO words (words, rowid, title, abstract, body, names)
            SELECT 'delete', pid, title, abstract, body, names FROM content WHERE pid IN (SELECT pid FROM todo)""")
        db.execute("""INSERT INTO subs (subs, rowid, title, abstract)
            SELECT 'delete', pid, title, abstract FROM content WHERE pid IN (SELECT pid FROM todo)""")

    def _finish(self) -> None:
        """Build `words` and `subs` from the content if put() left them to the end (FTS5 'rebuild':
        the same index, token for token, as inserting each document)."""
        if not self._deferred:
            return
        with self._write() as db:
            for fts in ("words", "subs"):
                db.execute(f"INSERT INTO {fts} ({fts}) VALUES ('rebuild')")
        self._deferred = False

    def _index(self) -> None:
        """The documents in `todo` into `words` and `subs`, from their content."""
        db = self._db
        assert db is not None
        db.execute("""INSERT INTO words (rowid, title, abstract, body, names)
            SELECT pid, title, abstract, body, names FROM content WHERE pid IN (SELECT pid FROM todo)""")
        db.execute("""INSERT INTO subs (rowid, title, abstract)
            SELECT pid, title, abstract FROM content WHERE pid IN (SELECT pid FROM todo)""")

    def rebuild(self, db_store) -> None:
        """Rewrite the whole index from a pyoxigraph store (reads only the properties it needs)."""
        docs = extract(_triples_of_store(db_store))
        with self._write() as db:
            for fts in ("words", "subs"):
                db.execute(f"INSERT INTO {fts} ({fts}) VALUES ('delete-all')")
            for table in ("doc", "doctext", "link", "label"):
                db.execute(f"DELETE FROM {table}")
        self.put(docs)
        self._finish()
        self.optimize()

    def optimize(self) -> None:
        """Merge each full-text index into one b-tree (FTS5 'optimize'): fewer segments to read on
        every search; about a second at 15,000 partnerships."""
        assert self._db is not None
        for fts in ("words", "subs"):
            self._db.execute(f"INSERT INTO {fts} ({fts}) VALUES ('optimize')")

    # -- reading ---------------------------------------------------------------------------------
    def reading(self, generation: str | None):
        """A read transaction over one state of the index: yields whether that state describes the
        store at `generation` (None: any valid state; in-memory indexes always do)."""
        import contextlib

        @contextlib.contextmanager
        def tx():
            db = self._db
            if db is None:
                yield False
                return
            if self.path is None:
                yield True
                return
            try:
                db.execute("BEGIN")
            except sqlite3.Error:
                yield False
                return
            try:
                yield self.valid() if generation is None else self.usable_for(generation)
            finally:
                db.execute("COMMIT")

        return tx()

    def documents(self) -> dict[str, tuple[str, str, str, str]]:
        """Partnership IRI → (title, abstract, texts, names) as the index holds them (for tests and checks)."""
        assert self._db is not None
        return {
            iri: (t, a, b, n)
            for iri, t, a, b, n in self._db.execute(
                "SELECT d.iri, c.title, c.abstract, c.body, c.names FROM content c JOIN doc d ON d.pid = c.pid"
            )
        }

    def consistent(self) -> bool:
        """Whether `words` and `subs` index exactly what `doc`/`doctext` hold (FTS5 integrity-check
        against the external content; for tests and checks). The check is an FTS5 command, which
        SQLite only runs on a writable connection: a read-only index opens one for it."""
        assert self._db is not None
        db = self._db
        if self.read_only and self.path is not None:
            db = sqlite3.connect(self.path, isolation_level=None)
        try:
            for fts in ("words", "subs"):
                db.execute(f"INSERT INTO {fts} ({fts}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as e:
            if e.sqlite_errorcode & 0xFF == sqlite3.SQLITE_CORRUPT:
                return False
            raise
        finally:
            if db is not self._db:
                db.close()
        return True

    def search(self, text: str, limit: int = 50) -> list[tuple[str, str, float, str]]:
        """(partnership IRI, title, score, snippet) for the partnerships holding every word of
        `text` in their title, texts or partners' and funders' names (accents and case ignored),
        best first (bm25 with WEIGHTS; equal scores by title, then IRI)."""
        assert self._db is not None
        match = fts_query(text)
        if not match or limit <= 0:
            return []
        db = self._db
        # Every match is scored (bm25 cannot rank what it has not scored), by SQLite's own top-N
        # sort: FTS5's `ORDER BY rank` sorts every match in a cursor of its own, a third slower.
        top = db.execute(
            f"SELECT rowid, bm25(words, {', '.join(map(str, WEIGHTS))}) AS r FROM words "
            "WHERE words MATCH ? ORDER BY r, rowid LIMIT ?",
            (match, int(limit)),
        ).fetchall()
        if not top:
            return []
        # Snippets (FTS5 tokenizes a document to cut one) for the rows kept only.
        kept = {
            pid: (iri, title, snip)
            for pid, snip, iri, title in db.execute(
                "SELECT w.rowid, snippet(words, -1, '[', ']', '…', 12), d.iri, d.title FROM words w "
                f"JOIN doc d ON d.pid = w.rowid WHERE words MATCH ? AND w.rowid IN ({','.join('?' * len(top))})",
                (match, *(pid for pid, _ in top)),
            )
        }
        out = sorted(((r, *kept[pid]) for pid, r in top), key=lambda x: (x[0], x[2], x[1]))
        return [(iri, title, round(-r, 4), snip) for r, iri, title, snip in out]

    def candidates(self, text: str) -> list[str] | None:
        """Partnerships whose title or summary may contain `text` ignoring letter case (a superset
        of SPARQL's CONTAINS(LCASE(...), LCASE(text))); None when the index cannot tell (a text
        under 3 characters, or with characters whose case mapping is not one-to-one)."""
        assert self._db is not None
        if not substring_safe(text):
            return None
        phrase = '"' + text.replace('"', '""') + '"'
        return [
            r[0]
            for r in self._db.execute(
                "SELECT d.iri FROM subs JOIN doc d ON d.pid = subs.rowid WHERE subs MATCH ?", (phrase,)
            )
        ]


def _meta(db: sqlite3.Connection | None) -> dict[str, str]:
    """What an index file says of itself (format, valid, generation); {} when it cannot be read."""
    if db is None:
        return {}
    try:
        return dict(db.execute("SELECT key, value FROM meta"))
    except sqlite3.DatabaseError:
        return {}  # an old, foreign or damaged file: not trusted


_WORD = re.compile(r"\w+", re.UNICODE)


def fts_query(text: str) -> str:
    """Every word of `text` as a quoted FTS5 term (implicit AND): no operator a user typed is read."""
    return " ".join('"' + w + '"' for w in _WORD.findall(text))


def substring_safe(text: str) -> bool:
    """Whether the trigram index's case folding covers SPARQL's LCASE for this text: at least 3
    characters, none a combining mark or control, each lower-casing to one character."""
    if len(text) < 3:
        return False
    for ch in text:
        if len(ch.lower()) != 1 or unicodedata.category(ch)[0] in "MC":
            return False
    return True

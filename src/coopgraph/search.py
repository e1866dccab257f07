"""A full-text index of the partnerships, kept beside the store (`STORE/search.sqlite`, SQLite FTS5).

What it holds, per partnership (as the store holds it, every value of each property):
- `page`: the title, the summary (dcterms:abstract) and the other texts (context, history,
  objective, description);
- `link` and `label`: the French collectivités, foreign partners and funders it names, and every
  rdfs:label / skos:prefLabel those nodes have (labels live in the shared entities graph, so a
  page that adds a label to a node changes the documents of every partnership naming it);
- `words`: FTS5 over title / texts / names, `unicode61 remove_diacritics 2` (accents and letter
  case ignored), ranked by bm25 — what `Atlas.search` and the server's search answer from;
- `subs`: FTS5 trigram over title / summary, case-insensitive substrings — only a candidate
  filter for the saved query `search-partnerships` (SPARQL CONTAINS semantics: the engine checks
  each candidate with the saved query itself, so the rows are the query's, see engine.py).

Like the N-Triples cache (dumpcache.py) it is derived and disposable, and trusted only while its
`valid` flag is set: every writer clears it (committed) before it touches the store — the dump
cache's `begin` clears it too, so a write path that forgets this index still invalidates it —
and sets it again once both agree; a crash in between leaves it cleared, readers then build a
private copy from the store, and the next writer rebuilds it when it closes.
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
SCHEMA_SQL = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS page (pid INTEGER PRIMARY KEY, iri TEXT NOT NULL UNIQUE, title TEXT NOT NULL,
                                 abstract TEXT NOT NULL, texts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS link (pid INTEGER NOT NULL, node TEXT NOT NULL, PRIMARY KEY (pid, node)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS link_node ON link (node);
CREATE TABLE IF NOT EXISTS label (node TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (node, label)) WITHOUT ROWID;
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(title, texts, names,
    tokenize = 'unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE IF NOT EXISTS subs USING fts5(title, abstract, tokenize = 'trigram');
"""
# bm25 weights of words' columns: a word in the title counts most, then in a partner's name.
WEIGHTS = (10.0, 1.0, 4.0)
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
    wanted = {p.value for p in PREDICATES}
    for q in quads:
        if q.predicate.value in wanted and hasattr(q.subject, "value"):
            yield q.subject.value, q.predicate.value, q.object


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
        except sqlite3.DatabaseError:
            for suffix in ("", "-wal", "-shm"):  # derived data: a damaged file is started again
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
            self._db = self._connect(self.path)
        if new_store:
            self._set_valid(True)

    @staticmethod
    def _connect(where) -> sqlite3.Connection:
        db = sqlite3.connect(where, isolation_level=None, check_same_thread=False)
        try:
            if where != ":memory:":
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
            db.executescript(SCHEMA_SQL)
            rank = f"bm25({', '.join(map(str, WEIGHTS))})"
            if (
                where == ":memory:"
                or db.execute("SELECT 1 FROM words_config WHERE k = 'rank' AND v = ?", (rank,)).fetchone() is None
            ):
                db.execute("INSERT INTO words (words, rank) VALUES ('rank', ?)", (rank,))
        except sqlite3.DatabaseError:
            db.close()
            raise
        return db

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
            if generation is not None:
                self._db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES ('generation', ?)", (generation,))
            self._set_valid(True)

    def usable_for(self, generation: str) -> bool:
        """Valid, and describing the store as it was at `generation` (call inside a read transaction)."""
        if not self.valid():
            return False
        assert self._db is not None  # a valid index is open
        row = self._db.execute("SELECT value FROM meta WHERE key = 'generation'").fetchone()
        return (row[0] if row else "") == generation

    # -- writing ---------------------------------------------------------------------------------
    def put(self, docs: Docs) -> None:
        """Replace the given partnerships' documents; add the labels; refresh every document a new
        label changes. One SQLite transaction."""
        assert self._db is not None
        db = self._db
        db.execute("BEGIN")
        try:
            pids = []
            for iri, f in docs.pages.items():
                db.execute(
                    "INSERT INTO page (iri, title, abstract, texts) VALUES (?, ?, ?, ?) "
                    "ON CONFLICT (iri) DO UPDATE SET title = excluded.title, "
                    "abstract = excluded.abstract, texts = excluded.texts",
                    (iri, SEP.join(f["title"]), SEP.join(f["abstract"]), SEP.join(f["texts"])),
                )
                pid = db.execute("SELECT pid FROM page WHERE iri = ?", (iri,)).fetchone()[0]
                pids.append(pid)
                db.execute("DELETE FROM link WHERE pid = ?", (pid,))
                db.executemany(
                    "INSERT INTO link (pid, node) VALUES (?, ?)", ((pid, n) for n in docs.links.get(iri, ()))
                )
            grown: set[str] = set()
            for node, label in docs.labels:
                if db.execute("INSERT OR IGNORE INTO label (node, label) VALUES (?, ?)", (node, label)).rowcount:
                    grown.add(node)
            affected = set(pids)
            if grown:
                db.execute("CREATE TEMP TABLE IF NOT EXISTS grown (node TEXT PRIMARY KEY)")
                db.execute("DELETE FROM grown")
                db.executemany("INSERT OR IGNORE INTO grown VALUES (?)", ((n,) for n in grown))
                affected.update(
                    r[0] for r in db.execute("SELECT DISTINCT pid FROM link WHERE node IN (SELECT node FROM grown)")
                )
            self._refresh(affected)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    def _refresh(self, pids: Iterable[int]) -> None:
        db = self._db
        assert db is not None
        db.execute("CREATE TEMP TABLE IF NOT EXISTS todo (pid INTEGER PRIMARY KEY)")
        db.execute("DELETE FROM todo")
        db.executemany("INSERT OR IGNORE INTO todo VALUES (?)", ((p,) for p in pids))
        db.execute("DELETE FROM words WHERE rowid IN (SELECT pid FROM todo)")
        db.execute("DELETE FROM subs WHERE rowid IN (SELECT pid FROM todo)")
        db.execute("""INSERT INTO words (rowid, title, texts, names)
            SELECT p.pid, p.title, p.abstract || char(10) || p.texts,
                   COALESCE((SELECT group_concat(l.label, char(10)) FROM
                               (SELECT DISTINCT label.label FROM link JOIN label ON label.node = link.node
                                WHERE link.pid = p.pid ORDER BY label.label) AS l), '')
            FROM page p WHERE p.pid IN (SELECT pid FROM todo)""")
        db.execute("""INSERT INTO subs (rowid, title, abstract)
            SELECT pid, title, abstract FROM page WHERE pid IN (SELECT pid FROM todo)""")

    def rebuild(self, db_store) -> None:
        """Rewrite the whole index from a pyoxigraph store (reads only the properties it needs)."""
        docs = extract(_triples_of_store(db_store))
        db = self._db
        assert db is not None
        db.execute("BEGIN")
        try:
            for table in ("page", "link", "label", "words", "subs"):
                db.execute(f"DELETE FROM {table}")
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        self.put(docs)

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

    def documents(self) -> dict[str, tuple[str, str, str]]:
        """Partnership IRI → (title, texts, names) as `words` holds them (for tests and checks)."""
        assert self._db is not None
        return {
            iri: (t, x, n)
            for iri, t, x, n in self._db.execute(
                "SELECT p.iri, w.title, w.texts, w.names FROM words w JOIN page p ON p.pid = w.rowid"
            )
        }

    def search(self, text: str, limit: int = 50) -> list[tuple[str, str, float, str]]:
        """(partnership IRI, title, score, snippet) for the partnerships holding every word of
        `text` in their title, texts or partners' and funders' names (accents and case ignored),
        best first (bm25; ties by title, then IRI)."""
        assert self._db is not None
        match = fts_query(text)
        if not match:
            return []
        # ORDER BY rank (bm25 with WEIGHTS, see _connect): FTS5 ranks inside its own cursor and
        # computes snippets for the rows kept only — a common word matches most partnerships.
        rows = self._db.execute(
            """SELECT rowid, -rank, snippet(words, -1, '[', ']', '…', 12) FROM words
               WHERE words MATCH ? ORDER BY rank LIMIT ?""",
            (match, int(limit)),
        ).fetchall()
        titles = (
            dict(
                self._db.execute(
                    f"SELECT pid, iri || char(0) || title FROM page WHERE pid IN ({','.join('?' * len(rows))})",
                    [r[0] for r in rows],
                ).fetchall()
            )
            if rows
            else {}
        )
        out = []
        for pid, score, snip in rows:
            iri, _, title = titles[pid].partition("\0")
            out.append((iri, title, round(score, 4), snip))
        return out

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
                "SELECT p.iri FROM subs JOIN page p ON p.pid = subs.rowid WHERE subs MATCH ?", (phrase,)
            )
        ]


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

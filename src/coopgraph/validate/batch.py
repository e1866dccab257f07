"""Validation at ingest: pages checked in batches on a scratch store holding the reference data,
each result given to the pages that own its focus node."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from pyoxigraph import NamedNode, Quad, RdfFormat, Store as OxStore

from ..rdf import iris
from ..records import Problem
from .engines import resolve, run_fast
from .files import reference_quads
from .report import short
from .result import Result


class _Scratch:
    """An in-memory store holding the reference data, reused for one page at a time.

    Its class hierarchy is the packaged ontology's whatever page it holds, so the checks are
    resolved against it once and reused, on this store or on any other `fresh()` one."""

    # pyoxigraph's in-memory store keeps what remove_graph removes (as old versions): a store
    # reused for every page made each check slower than the one before (11 → 63 ms a page over
    # 3,000 pages). A new one (~10 ms) every RENEW pages keeps that bounded.
    RENEW = 50

    def __init__(self) -> None:
        self.store = self.fresh()
        self.ref_graphs = {q.graph_name for q in reference_quads()}
        self.resolved = resolve(self.store)
        self._runs = 0

    @staticmethod
    def fresh() -> OxStore:
        """A new in-memory store holding the reference data only."""
        store = OxStore()
        store.bulk_extend(reference_quads())
        return store

    def run(self, quads: Iterable[Quad]) -> list[Result]:
        self._runs += 1
        if self._runs % self.RENEW == 0:
            self.store = self.fresh()
        quads = list(quads)
        self.store.extend(quads)
        try:
            return run_fast(self.store, self.resolved)
        finally:
            for g in {q.graph_name for q in quads} - self.ref_graphs:
                self.store.remove_graph(g)


_scratch: _Scratch | None = None


def validate_page(quads: Iterable[Quad]) -> list[Result]:
    """Validate one partnership: its page graph and the shared nodes it describes."""
    global _scratch
    if _scratch is None:
        _scratch = _Scratch()
    return _scratch.run(quads)


def page_check(converted, file: str | None = None) -> list[Problem]:
    """Check one converted page: violations keep it out (errors), warnings are reported."""
    results = validate_page([*converted.page, *converted.entities])
    return to_problems(results, str(converted.partnership), file or converted.key)


def to_problems(results: Iterable[Result], partnership: str, where: str) -> list[Problem]:
    out = []
    for r in results:
        if r.severity == "Info":
            continue
        subject = "" if r.focus == partnership else f"{short(r.focus)} "
        what = f"{subject}{short(r.path) if r.path else ''}".strip()
        value = f" = {short(r.value)}" if r.value else ""
        out.append(
            Problem(
                where,
                None,
                f"SHACL {r.severity.lower()}: {what}{value}: {r.message('en')}",
                "error" if r.severity == "Violation" else "warning",
            )
        )
    return out


def check_batch(pages: list) -> dict[str, list[Result]]:
    """Validate a batch of converted pages (`store.PageData`) at once, as ingest does.

    One run of the compiled shapes over the whole batch costs about what one page costs alone,
    so this is what makes validation at ingest cheap. Each result goes to the pages that own its
    focus node: a page owns its partnership, fundings, theme assignments and source, and shares
    the entity nodes it refers to (directly, or through the broader concepts of its themes).
    Entity descriptions are the same whichever page writes them, so a page gets the results it
    would get if validated alone.
    """
    global _scratch
    if _scratch is None:
        _scratch = _Scratch()
    graphs = {NamedNode(p.graph): p.key for p in pages}
    # A new store each batch (see _Scratch.RENEW: +50% a batch by 12,000 pages on a reused one).
    store = _Scratch.fresh()
    if all(p.quads is not None for p in pages):
        store.bulk_extend([q for p in pages for q in p.quads])
    else:
        store.load(b"".join(b"".join(p.entities) + p.page for p in pages), format=RdfFormat.N_QUADS)
    results = run_fast(store, _scratch.resolved)
    by_key: dict[str, list[Result]] = defaultdict(list)
    owners: dict[str, set[str]] = {}
    for r in results:
        if r.focus not in owners:
            owners[r.focus] = _owners(store, r.focus, graphs)
        for key in owners[r.focus]:
            by_key[key].append(r)
    return by_key


def ingest_check(pages: list, files: dict[str, str]) -> dict[str, list[Problem]]:
    """The ingest hook (see ingest.BatchCheck): each page's violations (errors) and warnings."""
    by_key = check_batch(pages)
    return {
        p.key: to_problems(by_key.get(p.key, []), f"<{iris.partnership(p.key)}>", files.get(p.key, p.key))
        for p in pages
    }


def _owners(store: OxStore, focus: str, graphs: dict[NamedNode, str]) -> set[str]:
    if not (focus.startswith("<") and focus.endswith(">")):
        return set()
    frontier: list[Any] = [NamedNode(focus[1:-1])]
    seen: set[Any] = set()
    keys: set[str] = set()
    pages: dict[Any, str] = dict(graphs)
    ent = NamedNode(iris.G_ENTITIES)
    while frontier and len(seen) < 1000:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for q in store.quads_for_pattern(node, None, None, None):
            if q.graph_name in pages:  # a node described in a page graph belongs to that page
                keys.add(pages[q.graph_name])
                break
        for q in store.quads_for_pattern(None, None, node, None):
            if q.graph_name in pages:
                keys.add(pages[q.graph_name])
            elif q.graph_name == ent:  # e.g. a provisional theme reached through a narrower one
                frontier.append(q.subject)
    return keys


def partition_quads(store, key: str) -> list[Quad]:
    """One partnership's graph plus the shared nodes it names, as ingest would check it."""
    g = NamedNode(iris.partnership_graph(key))
    ent = NamedNode(iris.G_ENTITIES)
    page = list(store.open.quads_for_pattern(None, None, None, g))
    nodes = {q.object for q in page if isinstance(q.object, NamedNode)}
    out = list(page)
    for n in nodes:
        out.extend(store.open.quads_for_pattern(n, None, None, ent))
    return out


def validate_partitioned(store) -> list[Result]:
    """Each partnership on its own with the shared nodes it names, as ingest checks it."""
    found: set[Result] = set()
    for key in sorted(store.partnerships()):
        found.update(validate_page(partition_quads(store, key)))
    return sorted(found, key=Result.sort_key)


__all__ = [
    "check_batch",
    "ingest_check",
    "page_check",
    "partition_quads",
    "to_problems",
    "validate_page",
    "validate_partitioned",
]

"""The graph's distributions: sorted N-Triples (gzip), readable Turtle, compact JSON-LD.

Everything starts from one list of N-Triples lines sorted as bytes: the order depends only on
the triples, so two releases of the same store are byte-identical and two releases of different
stores diff line by line (subject, then predicate, then object).
"""

from __future__ import annotations

import gzip
import io
import itertools
import json
from pathlib import Path

from pyoxigraph import RdfFormat, parse, serialize

from ..rdf.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def sorted_lines(store, include_personal: bool = False, personal_only: bool = False) -> list[bytes]:
    """Every open triple (graph by graph, each dumped by pyoxigraph in Rust) as sorted N-Triples lines."""
    buf = io.BytesIO()
    chunks = store.personal_chunks() if personal_only else store.open_chunks()  # open: from the cache
    if include_personal and not personal_only:
        chunks = itertools.chain(chunks, store.personal_chunks())
    for _, nt in chunks:
        buf.write(nt)
    lines = buf.getvalue().split(b"\n")
    lines = sorted(set(lines))
    if lines and lines[0] == b"":
        lines.pop(0)
    return lines


def ntriples_bytes(lines: list[bytes]) -> bytes:
    return b"\n".join(lines) + b"\n" if lines else b""


def write_gzip(data: bytes, path: Path, level: int = 6) -> None:
    # mtime=0 and no file name in the header: the same bytes in, the same bytes out.
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=level) as gz,
    ):
        gz.write(data)


# Turtle prefixes: without cgid:, whose local names ("partnership/KEY/funding/3") Turtle could
# only write with escaped slashes; full IRIs read better. JSON-LD keeps it (no escaping there).
TURTLE_PREFIXES = {k: v for k, v in PREFIXES.items() if k != "cgid"}


def write_turtle(nt: bytes, path: Path, prefixes: dict[str, str] = TURTLE_PREFIXES) -> None:
    # pyoxigraph's Turtle writer groups consecutive triples of one subject (and predicate):
    # fed in sorted order, each subject is written once, as a readable block.
    with open(path, "wb") as out:
        serialize(parse(nt, format=RdfFormat.N_TRIPLES), out, format=RdfFormat.TURTLE, prefixes=prefixes)


# -- JSON-LD -------------------------------------------------------------------------------------


def context_document(prefixes: dict[str, str] = PREFIXES) -> dict:
    """The published JSON-LD context: the same prefixes as the Turtle, so keys read the same."""
    return {"@context": {p: prefixes[p] for p in sorted(prefixes)}}


class Compactor:
    """IRIs as compact IRIs (prefix:local) of the context, on UTF-8 bytes."""

    def __init__(self, prefixes: dict[str, str]):
        # Longest namespace first, so a short namespace never shadows a longer match.
        self._items = sorted(((p.encode(), base.encode()) for p, base in prefixes.items()), key=lambda kv: -len(kv[1]))
        self._first = tuple(base for _, base in self._items)
        self._cache: dict[bytes, bytes] = {}

    def iri(self, value: bytes) -> bytes:
        """A JSON string (quotes included)."""
        if value.startswith(self._first):
            for prefix, base in self._items:
                if value.startswith(base) and len(value) > len(base) and not value[len(base) :].startswith(b"//"):
                    return b'"' + prefix + b":" + value[len(base) :] + b'"'
        return b'"' + value + b'"'

    def vocab(self, value: bytes) -> bytes:
        """Predicates, classes and datatypes: few and repeated, so cached."""
        c = self._cache.get(value)
        if c is None:
            c = self._cache[value] = self.iri(value)
        return c


class LineStats:
    """Counts gathered while the JSON-LD pass reads every triple anyway: typed resources minted
    by coopgraph (entities, class partitions) and links from them to other datasets."""

    def __init__(self, id_space: str, targets: dict[str, dict]):
        self.id = id_space.encode()
        self.ns = {ns.encode(): name for name, t in targets.items() for ns in t["namespaces"]}
        self.ns_tuple = tuple(self.ns)
        self.literal_preds = {p.encode(): name for name, t in targets.items() for p in t["predicates"]}
        self.entities = 0
        self.classes: dict[bytes, int] = {}
        self.links: dict[tuple[str | None, bytes], int] = {}

    def target_of(self, iri: bytes) -> str | None:
        for ns, name in self.ns.items():
            if iri.startswith(ns):
                return name
        return None


RDF_TYPE_B = RDF_TYPE.encode()


def write_jsonld(
    lines: list[bytes],
    path: Path,
    context_ref: str,
    prefixes: dict[str, str] = PREFIXES,
    stats: LineStats | None = None,
) -> None:
    """Compact JSON-LD, one node object per subject, in the order of the sorted N-Triples.

    Built from the N-Triples bytes directly: an N-Triples string literal, as pyoxigraph writes it
    (UTF-8, escapes \\ \" \n \r \t \b \f \\uXXXX), is already a valid JSON string, and IRIs
    hold no quote or backslash. That keeps 10^6 triples in seconds, not tens of seconds.
    The context is referenced, not inlined: `context_ref` is resolved against the document's
    own address, so the file works both as downloaded next to context.jsonld and as served.
    """
    comp = Compactor(prefixes)
    with open(path, "wb") as out:
        out.write(b'{"@context":' + json.dumps(context_ref).encode() + b',\n"@graph":[')
        write = out.write
        subject: bytes | None = None
        types: list[bytes] = []
        props: dict[bytes, list[bytes]] = {}
        first = True
        typed_ours = False

        def flush() -> None:
            nonlocal first
            assert subject is not None
            parts = [b'{"@id":' + (comp.iri(subject) if not subject.startswith(b"_:") else b'"' + subject + b'"')]
            if types:
                parts.append(b'"@type":' + (types[0] if len(types) == 1 else b"[" + b",".join(types) + b"]"))
            for key, values in props.items():
                parts.append(key + b":" + (values[0] if len(values) == 1 else b"[" + b",".join(values) + b"]"))
            write((b"\n" if first else b",\n") + b",".join(parts) + b"}")
            first = False

        for ln in lines:
            if ln[:1] == b"<":
                i = ln.index(b"> <")
                s = ln[1:i]
            else:  # blank node subject
                i = ln.index(b" ") - 1
                s = ln[: i + 1]
            j = ln.index(b"> ", i + 3)
            p = ln[i + 3 : j]
            o = ln[j + 2 : -2] if ln.endswith(b" .") else ln[j + 2 :].rstrip(b" .")
            if s != subject:
                if subject is not None:
                    flush()
                    if typed_ours and stats is not None:
                        stats.entities += 1
                subject, types, props, typed_ours = s, [], {}, False
            ours = stats is not None and s.startswith(stats.id)
            if o[:1] == b"<":
                iri = o[1:-1]
                if p == RDF_TYPE_B:
                    types.append(comp.vocab(iri))
                    if ours:
                        assert stats is not None
                        typed_ours = True
                        stats.classes[iri] = stats.classes.get(iri, 0) + 1
                    continue
                value = b'{"@id":' + comp.iri(iri) + b"}"
                if stats is not None and iri.startswith(stats.ns_tuple):
                    # A link: from a coopgraph resource, or from another dataset's copy (an EU
                    # country's Wikidata item); never inside one dataset (SDG target -> goal).
                    target = stats.target_of(iri)
                    if ours or (s.startswith(stats.ns_tuple) and stats.target_of(s) != target):
                        link = (target, p)
                        stats.links[link] = stats.links.get(link, 0) + 1
            elif o[:1] == b'"':
                k = o.rindex(b'"')
                lex, rest = o[: k + 1], o[k + 1 :]
                if not rest:
                    value = lex
                elif rest[:1] == b"@":
                    value = b'{"@value":' + lex + b',"@language":"' + rest[1:] + b'"}'
                else:
                    value = b'{"@value":' + lex + b',"@type":' + comp.vocab(rest[3:-1]) + b"}"
                if ours and stats is not None and p in stats.literal_preds:
                    link = (stats.literal_preds[p], p)
                    stats.links[link] = stats.links.get(link, 0) + 1
            else:
                value = b'{"@id":"' + o + b'"}'
            key = comp.vocab(p)
            if key in props:
                props[key].append(value)
            else:
                props[key] = [value]
        if subject is not None:
            flush()
            if typed_ours and stats is not None:
                stats.entities += 1
        write(b"\n]}\n")

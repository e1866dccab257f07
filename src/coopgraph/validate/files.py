"""What to validate when it is not the store: RDF files, with the packaged reference data."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Store as OxStore, parse

from ..errors import InputError
from ..rdf import iris
from ..reference import reference_graphs


@lru_cache(maxsize=1)
def reference_quads() -> tuple[Quad, ...]:
    """The reference graphs (ontology, schemes, SDG KOS, countries, DAC codes) as quads."""
    out: list[Quad] = []
    for graph, load in reference_graphs().items():
        g = NamedNode(graph)
        out.extend(Quad(t.subject, t.predicate, t.object, g) for t in parse(load(), format=RdfFormat.TURTLE))
    return tuple(out)


_FILE_FORMATS = {
    ".ttl": RdfFormat.TURTLE,
    ".turtle": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".ntriples": RdfFormat.N_TRIPLES,
    ".jsonld": RdfFormat.JSON_LD,
    ".json": RdfFormat.JSON_LD,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
}


def file_formats_help() -> str:
    """'Turtle (.ttl, .turtle), N-Triples (.nt, .ntriples), ...': every extension load_files reads."""
    names = {
        RdfFormat.TURTLE: "Turtle",
        RdfFormat.N_TRIPLES: "N-Triples",
        RdfFormat.JSON_LD: "JSON-LD",
        RdfFormat.N_QUADS: "N-Quads",
        RdfFormat.TRIG: "TriG",
        RdfFormat.RDF_XML: "RDF/XML",
    }
    by_format: dict = {}
    for ext, fmt in _FILE_FORMATS.items():
        by_format.setdefault(fmt, []).append(ext)
    return ", ".join(f"{names.get(f, f.name)} ({', '.join(exts)})" for f, exts in by_format.items())


def load_files(paths: Iterable[Path]) -> OxStore:
    """An in-memory store with the files and the packaged reference data."""
    store = OxStore()
    store.bulk_extend(reference_quads())
    for i, path in enumerate(paths):
        fmt = _FILE_FORMATS.get(path.suffix.lower())
        if fmt is None:
            raise InputError(f"{path}: unknown RDF format (expected {file_formats_help()})")
        g = NamedNode(f"{iris.GRAPH}file/{i}")
        if not path.is_file():  # a FIFO would block forever, a device never end
            raise InputError(f"{path}: not a regular file")
        try:
            data = path.read_bytes()
            if fmt in (RdfFormat.N_QUADS, RdfFormat.TRIG):
                store.bulk_extend(list(parse(data, format=fmt)))
            else:
                store.bulk_extend([Quad(t.subject, t.predicate, t.object, g) for t in parse(data, format=fmt)])
        except (SyntaxError, ValueError) as e:
            raise InputError(f"{path}: not valid {fmt.name}: {e}") from None
        except OSError as e:
            raise InputError(f"{path}: cannot read: {e.strerror}") from None
    return store


__all__ = ["file_formats_help", "load_files", "reference_quads"]

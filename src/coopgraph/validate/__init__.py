"""SHACL validation: the shapes in shapes/, run fast on pyoxigraph, or by pyshacl as the reference.

Two engines give the same results (tests/validate/test_validate_engines.py checks it):
- "fast" (default): each constraint of the shapes is compiled once into a SPARQL SELECT that
  returns the failing (focus node, value) pairs, run by pyoxigraph on the store (or on a small
  in-memory store for files and for one page at ingest). No graph is copied into Python.
- "pyshacl": the whole graph is copied into rdflib and handed to pyshacl. Slow; the reference.
The compiler covers the subset of SHACL the shapes use (listed at the top of the shapes file);
a shape using anything else is refused when the shapes are loaded, never silently skipped.

Reference data (ontology, schemes, SDG KOS, countries) comes from the package, so validating a
file needs no store.

The package, by job: compiler.py (shapes → SPARQL), engines.py (fast and pyshacl), files.py (RDF
files to validate), batch.py (validation at ingest), report.py (grouping and writers).
"""

from __future__ import annotations

from ..errors import InputError
from .batch import (
    check_batch,
    ingest_check,
    page_check,
    partition_quads,
    to_problems,
    validate_page,
    validate_partitioned,
)
from .compiler import Check, ShapesError, checks, shapes_graph
from .engines import run_fast, run_pyshacl, validate
from .files import _FILE_FORMATS, file_formats_help, load_files, reference_quads  # noqa: F401 (tests read the table)
from .report import Group, Report, build_report, short, write_json, write_text, write_turtle
from .result import SEVERITIES, Result

__all__ = [
    "SEVERITIES",
    "Check",
    "Group",
    "InputError",
    "Report",
    "Result",
    "ShapesError",
    "build_report",
    "check_batch",
    "checks",
    "file_formats_help",
    "ingest_check",
    "load_files",
    "page_check",
    "partition_quads",
    "reference_quads",
    "run_fast",
    "run_pyshacl",
    "short",
    "shapes_graph",
    "to_problems",
    "validate",
    "validate_page",
    "validate_partitioned",
    "write_json",
    "write_text",
    "write_turtle",
]

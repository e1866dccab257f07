"""Files shipped inside the package: ontology, shapes, saved queries, reference data.

In the source tree they live at the top (ontology/, shapes/, queries/); the wheel carries them
under coopgraph/ (see pyproject.toml). Both layouts are found here, installed first.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path


def _dir(name: str) -> Traversable:
    packaged = resources.files("coopgraph") / name
    if packaged.is_dir():
        return packaged
    # Running from a source checkout (e.g. scripts/): the top-level folder.
    return Path(__file__).resolve().parents[2] / name


def ontology_file(name: str) -> Traversable:
    return _dir("ontology") / name


def shapes_dir() -> Traversable:
    return _dir("shapes")


def queries_dir() -> Traversable:
    return _dir("queries")


def data_file(name: str) -> Traversable:
    return resources.files("coopgraph.data") / name


@functools.lru_cache(maxsize=None)
def data_table(name: str) -> tuple[dict[str, str], ...]:
    """A TSV file of coopgraph.data as rows (header names as keys), read once per process."""
    text = data_file(name).read_text(encoding="utf-8")
    return tuple(csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\"))

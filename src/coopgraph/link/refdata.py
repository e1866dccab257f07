"""Load the reference data shipped in ``coopgraph.data`` (built by scripts/build_refdata.py).

Everything is read through importlib.resources so it works from an installed wheel, and cached:
the files are read once per process.
"""

from __future__ import annotations

import functools
import json
from importlib.resources import files
from importlib.resources.abc import Traversable

from .. import resources

PACKAGE = "coopgraph.data"


def data_file(name: str) -> Traversable:
    return files(PACKAGE) / name


@functools.lru_cache(maxsize=None)
def cog() -> dict:
    """The COG tables as lists of rows; column names are in ``cog()["meta"]["columns"]``."""
    return json.loads(data_file("cog.json").read_text(encoding="utf-8"))


def _tsv(name: str) -> list[dict[str, str]]:
    return list(resources.data_table(name))


@functools.lru_cache(maxsize=None)
def countries() -> tuple[dict[str, str], ...]:
    return tuple(_tsv("countries.tsv"))


@functools.lru_cache(maxsize=None)
def dac_sectors() -> tuple[dict[str, str], ...]:
    return tuple(_tsv("dac-sectors.tsv"))


def sdg_kos_file() -> Traversable:
    return data_file("sdg-kos.ttl")

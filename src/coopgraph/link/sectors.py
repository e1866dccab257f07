"""OECD DAC 5-digit purpose codes (IATI "Sector" codelist), with English and French names."""

from __future__ import annotations

import functools

from coopgraph.link import refdata

__all__ = ["dac_sector", "all_sectors"]


@functools.lru_cache(maxsize=1)
def _by_code() -> dict[str, tuple[str, str, str]]:
    return {r["code"]: (r["code"], r["name_en"], r["name_fr"]) for r in refdata.dac_sectors()}


def dac_sector(code: str | int) -> tuple[str, str, str] | None:
    """ "14030" -> ("14030", "Basic drinking water supply and basic sanitation", "..."), else None."""
    return _by_code().get(str(code).strip())


def all_sectors() -> list[tuple[str, str, str]]:
    return list(_by_code().values())

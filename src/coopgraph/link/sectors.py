"""OECD DAC 5-digit purpose codes (IATI "Sector" codelist), with English and French names."""

from __future__ import annotations

import functools

from coopgraph.link import refdata

__all__ = ["dac_sector", "all_sectors", "dac_category", "all_categories", "withdrawn"]


@functools.lru_cache(maxsize=1)
def _by_code() -> dict[str, tuple[str, str, str]]:
    return {r["code"]: (r["code"], r["name_en"], r["name_fr"]) for r in refdata.dac_sectors()}


def dac_sector(code: str | int) -> tuple[str, str, str] | None:
    """ "14030" -> ("14030", "Basic drinking water supply and basic sanitation", "..."), else None."""
    return _by_code().get(str(code).strip())


def all_sectors() -> list[tuple[str, str, str]]:
    return list(_by_code().values())


@functools.lru_cache(maxsize=1)
def _categories() -> dict[str, tuple[str, str, str]]:
    """3-digit DAC categories ("140" -> ("140", "Water Supply & Sanitation", "...")), from the codes' rows."""
    out: dict[str, tuple[str, str, str]] = {}
    for r in refdata.dac_sectors():
        out.setdefault(r["category"], (r["category"], r["category_name_en"], r["category_name_fr"]))
    return out


def dac_category(code: str | int) -> tuple[str, str, str] | None:
    return _categories().get(str(code).strip())


def all_categories() -> list[tuple[str, str, str]]:
    return list(_categories().values())


def category_of(code: str) -> str | None:
    for r in refdata.dac_sectors():
        if r["code"] == code:
            return r["category"]
    return None


@functools.lru_cache(maxsize=1)
def withdrawn() -> frozenset[str]:
    return frozenset(r["code"] for r in refdata.dac_sectors() if r["status"] != "active")

"""Resolve a country written freely (French or English name, ISO code) to the EU country table.

IRIs are those of the EU Publications Office authority table
(http://publications.europa.eu/resource/authority/country/MLI), the one the EU and data.gouv.fr
use in DCAT-AP. Only current entries are known; deprecated ones (Zaïre, Haute-Volta) are not.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass

from coopgraph.link import refdata
from coopgraph.link.names import fold

__all__ = ["Country", "resolve_country", "suggest_countries", "all_countries"]


@dataclass(frozen=True)
class Country:
    iri: str
    alpha2: str | None
    alpha3: str  # the EU table's code: ISO 3166-1 alpha-3, except 1A0 (Kosovo), FQ0 (ISO ATF), CPT
    label_fr: str
    label_en: str


# Alpha-3 codes people write for entries the EU table codes differently (ISO 3166-1 / UN usage).
_CODE_ALIASES = {"ATF": "FQ0", "XKX": "1A0", "UNK": "1A0"}
# Usual names the EU table does not hold (written here, from common French/English usage).
_NAME_ALIASES = {
    "ivory coast": "CIV",
    "rdc": "COD",
    "drc": "COD",
    "rd congo": "COD",
    "congo kinshasa": "COD",
    "republique democratique du congo": "COD",
    "congo brazzaville": "COG",
    "territoires palestiniens": "PSE",
    "palestinian territories": "PSE",
    "macedoine": "MKD",
    "macedonia": "MKD",
    "turkey": "TUR",
    "guinee conakry": "GIN",
    "bosnie": "BIH",
    "east timor": "TLS",
    "gambia": "GMB",
    "salvador": "SLV",
    "vatican": "VAT",
    "ile maurice": "MUS",
    "sao tome": "STP",
    "grande bretagne": "GBR",
    "great britain": "GBR",
    "uae": "ARE",
    "burkina": "BFA",
}


@functools.lru_cache(maxsize=1)
def _tables() -> tuple[tuple[Country, ...], dict[str, Country], dict[str, Country]]:
    countries: list[Country] = []
    by_name: dict[str, Country] = {}
    by_code: dict[str, Country] = {}
    clashes: set[str] = set()
    for row in refdata.countries():
        c = Country(row["iri"], row["alpha2"] or None, row["alpha3"], row["label_fr"], row["label_en"])
        countries.append(c)
        by_code[c.alpha3] = c
        if c.alpha2:
            by_code[c.alpha2] = c
        for extra in filter(None, row["other_codes"].split("|")):
            by_code.setdefault(extra, c)
        # Preferred labels first so an alt label of another country never overrides them.
        for label in (c.label_fr, c.label_en):
            by_name[fold(label)] = c
            for part in label.split("/"):  # "Myanmar/Birmanie"
                by_name.setdefault(fold(part), c)
    for row in refdata.countries():
        c = by_code[row["alpha3"]]
        for label in filter(None, row["alt_labels"].split("|")):
            k = fold(label)
            if k in by_name and by_name[k] != c:
                clashes.add(k)
            by_name.setdefault(k, c)
    for k in clashes:  # an alt label shared by two countries designates neither
        if not any(fold(x) == k for c in countries for x in (c.label_fr, c.label_en)):
            by_name.pop(k, None)
    for alias, code in _CODE_ALIASES.items():
        by_code.setdefault(alias, by_code[code])
    for alias, code in _NAME_ALIASES.items():
        by_name.setdefault(alias, by_code[code])
    return tuple(countries), by_name, by_code


def resolve_country(text: str) -> Country | None:
    """ "Mali", "mali", "ML", "MLI", "Sénégal", "Cote d’Ivoire", "Ivory Coast" -> the Country, else None."""
    text = (text or "").strip()
    if not text:
        return None
    _all, by_name, by_code = _tables()
    if text.isalnum() and len(text) in (2, 3) and text.upper() in by_code:
        # A code only when it is not also a name ("Mali" is 4 letters; "Oman" too; "UK" is a code).
        return by_code[text.upper()]
    k = fold(text)
    if k in by_name:
        return by_name[k]
    # "République du Mali", "Mali (Région de Ségou)": try without a leading article / trailing note.
    for variant in (
        k.removeprefix("la ").removeprefix("le ").removeprefix("les ").removeprefix("l "),
        fold(text.split("(")[0]),
    ):
        if variant in by_name:
            return by_name[variant]
    return None


def suggest_countries(text: str, n: int = 5) -> list[str]:
    """The known country names closest to ``text`` (for error messages)."""
    countries, _by_name, _ = _tables()
    names = {fold(x): x for c in countries for x in (c.label_fr, c.label_en)}
    return [names[k] for k in difflib.get_close_matches(fold(text), list(names), n=n, cutoff=0.5)]


def all_countries() -> list[Country]:
    return list(_tables()[0])

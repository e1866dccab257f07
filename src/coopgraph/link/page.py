"""Link one page's records to reference data, before conversion to RDF.

Offline and deterministic: French collectivités to the COG (INSEE codes, SIREN), countries to
the EU country table, ODD codes to the UN SDG KOS. What cannot be linked is reported as a
warning (never a silent wrong link) and kept in the graph as written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..records import Partnership, Problem
from . import cog, countries, places, sdg
from .places import PlaceMatch


@dataclass
class PageLinks:
    french: dict[str, "cog.CollectiviteMatch"] = field(default_factory=dict)  # name as written → match
    countries: dict[str, "countries.Country | None"] = field(default_factory=dict)  # as written → country
    sdg_known: dict[str, bool] = field(default_factory=dict)  # "6.3" → exists in the KOS
    # (name, country) as written → where the foreign partner is; French name → its point
    places: dict[tuple[str, str], PlaceMatch] = field(default_factory=dict)
    french_places: dict[str, PlaceMatch] = field(default_factory=dict)


def link_page(p: Partnership, file: str) -> tuple[PageLinks, list[Problem]]:
    links = PageLinks()
    problems: list[Problem] = []
    partners = [f.name for f in p.french_partners]
    for m in cog.resolve_french_partners(partners):
        links.french[m.name] = m
        if m.status != "linked":
            problems.append(
                Problem(
                    file,
                    None,
                    f"French partner {m.name!r} {m.status}"
                    + (f": {m.reason}" if m.reason else "")
                    + (f" (candidates: {', '.join(m.candidates)})" if m.candidates else ""),
                    "warning",
                )
            )
    # Funders that are collectivités named on this page are the partners themselves; others are
    # linked only when the name resolves on its own, with the page's partners as context.
    known = {f.name for f in p.french_partners}
    others = sorted({f.funder for f in p.fundings} - known)
    if others:
        for m in cog.resolve_french_partners(partners + others, explain=False)[len(partners) :]:
            if m.status == "linked":
                links.french[m.name] = m
    for fo in p.foreign_partners:
        if fo.country not in links.countries:
            c = countries.resolve_country(fo.country)
            links.countries[fo.country] = c
            if c is None:
                near = countries.suggest_countries(fo.country)
                problems.append(
                    Problem(
                        file,
                        None,
                        f"unknown country {fo.country!r}" + (f" (closest: {', '.join(near)})" if near else ""),
                        "warning",
                    )
                )
    _place_partners(p, links, file, problems)
    for mention in p.sdg_mentions:
        ok = sdg.target_exists(mention.code) if mention.is_target else sdg.goal_exists(mention.code)
        links.sdg_known[mention.code] = ok
        if not ok:
            problems.append(
                Problem(
                    file, mention.line, f"ODD {mention.code} does not exist in the UN SDG KOS; not linked", "warning"
                )
            )
    # A goal is linked when written as such, or through a target that exists: "ODD 6.9" (no such
    # target) says nothing sure about goal 6.
    for g in p.sdg_goals:
        via_target = any(m.is_target and m.goal == g and links.sdg_known.get(m.code) for m in p.sdg_mentions)
        links.sdg_known.setdefault(g, sdg.goal_exists(g) and via_target)
    return links, problems


def _place_partners(p: Partnership, links: PageLinks, file: str, problems: list[Problem]) -> None:
    for name, m in links.french.items():
        if m.status == "linked":
            pm = places.place_french(m.kind, m.insee, m.siren, name)
            if pm is not None:
                links.french_places[name] = pm
    for fo in p.foreign_partners:
        c = links.countries.get(fo.country)
        # The page's other words for divisions of that country: its other partners, the country cell.
        context = [x.name for x in p.foreign_partners if x is not fo and x.country == fo.country] + [fo.country]
        placed = places.resolve_foreign(fo.name, c.alpha2 if c else None, context)
        links.places[(fo.name, fo.country)] = placed
        if placed.status == "ambiguous":
            problems.append(
                Problem(
                    file,
                    None,
                    f"foreign partner {fo.name!r} not placed: {placed.reason} "
                    f"(candidates: {'; '.join(placed.candidates[:5])}"
                    + (f"; +{len(placed.candidates) - 5}" if len(placed.candidates) > 5 else "")
                    + ")",
                    "warning",
                )
            )

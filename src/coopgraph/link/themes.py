"""Atlas themes → OECD DAC purpose codes (IATI Sector codelist) and UN SDG goals.

The table below is the one place that says how a theme of the Atlas scheme matches the two
international classifications. scripts/build_schemes.py writes it into ontology/themes.ttl as SKOS
mapping triples, so it is data in the graph, not code the queries depend on.

Rules followed (a wrong mapping is worse than none):
- ``skos:closeMatch`` to a DAC code or category when its scope is, to a reader, the theme's scope
  ("Assainissement" ≈ 14032 Basic sanitation + 14022 Sanitation - large systems);
- ``skos:relatedMatch`` to a DAC code that covers only part of the theme, and to the SDG goal a
  theme serves (a theme is a sector of work, a goal an objective: related, never the same);
- nothing where no match is clear (cross-border cooperation, social and solidarity economy, the
  broad top themes): `coopgraph link --report` lists those concepts as unmapped.
DAC references are 5-digit purpose codes or 3-digit categories, minted as coopgraph concepts by
:func:`coopgraph.rdf.iris.dac_sector` (the OECD publishes no IRIs for them).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Mapping", "THEME_MAPPINGS", "mappings"]

CLOSE, RELATED = "closeMatch", "relatedMatch"

POL = "Politique, humanitaire et coopération transfrontalière"
ENV = "Environnement, Climat et Energie"
EDU = "Education, Social et Recherche"
CUL = "Culture et Patrimoine"
ECO = "Développement économique"
URB = "Urbanisme et aménagement du territoire"
WATER = (ENV, "Eau et déchets")

# theme path (labels as in scripts/build_schemes.py) → [(relation, "dac:CODE" | "sdg:GOAL"), ...]
THEME_MAPPINGS: dict[tuple[str, ...], list[tuple[str, str]]] = {
    (POL, "Gouvernance locale et appui institutionnel"): [
        (CLOSE, "dac:15112"),  # Decentralisation and support to subnational government
        (RELATED, "sdg:16"),
        (RELATED, "sdg:11"),
    ],
    (POL, "Aide humanitaire et reconstruction"): [
        (CLOSE, "dac:720"),  # Emergency Response
        (CLOSE, "dac:730"),
    ],  # Reconstruction Relief & Rehabilitation
    (POL, "Démocratie, droits humains et citoyenneté"): [
        (CLOSE, "dac:15150"),  # Democratic participation and civil society
        (CLOSE, "dac:15160"),  # Human rights
        (RELATED, "sdg:16"),
    ],
    WATER: [(CLOSE, "dac:140"), (RELATED, "sdg:6")],  # Water Supply & Sanitation (waste included: 14050)
    (*WATER, "Eau potable"): [
        (CLOSE, "dac:14031"),  # Basic drinking water supply
        (CLOSE, "dac:14021"),  # Water supply - large systems
        (RELATED, "sdg:6"),
    ],
    (*WATER, "Assainissement"): [
        (CLOSE, "dac:14032"),  # Basic sanitation
        (CLOSE, "dac:14022"),  # Sanitation - large systems
        (RELATED, "sdg:6"),
    ],
    (*WATER, "Gestion des déchets"): [
        (CLOSE, "dac:14050"),  # Waste management/disposal
        (RELATED, "sdg:11"),
        (RELATED, "sdg:12"),
    ],  # 11.6 municipal waste, 12.5 waste generation
    (ENV, "Climat et énergie"): [
        (RELATED, "dac:231"),  # Energy Policy (climate has no DAC code: it is a Rio marker)
        (RELATED, "dac:232"),  # Energy generation, renewable sources
        (RELATED, "sdg:7"),
        (RELATED, "sdg:13"),
    ],
    (ENV, "Biodiversité et ressources naturelles"): [
        (CLOSE, "dac:41030"),  # Biodiversity
        (RELATED, "dac:41020"),  # Biosphere protection
        (RELATED, "sdg:15"),
        (RELATED, "sdg:14"),
    ],
    (EDU, "Jeunesse & genre"): [
        (RELATED, "dac:15170"),  # Women's rights organisations ... (the gender half only)
        (RELATED, "sdg:5"),
    ],
    (EDU, "Santé"): [(CLOSE, "dac:121"), (CLOSE, "dac:122"), (RELATED, "sdg:3")],  # Health, General; Basic Health
    (EDU, "Education et formation"): [
        (CLOSE, "dac:111"),  # Education, Level Unspecified
        (RELATED, "dac:112"),
        (RELATED, "dac:113"),  # Basic; Secondary (incl. 11330 vocational training)
        (RELATED, "sdg:4"),
    ],
    (EDU, "Enseignement supérieur et recherche"): [
        (CLOSE, "dac:114"),  # Post-Secondary Education
        (RELATED, "sdg:4"),
    ],
    (CUL, "Infrastructures, équipements et manifestations culturelles"): [
        (CLOSE, "dac:16061")
    ],  # Culture and recreation
    (CUL, "Patrimoine"): [
        (RELATED, "dac:16061"),
        (RELATED, "sdg:11"),
    ],  # target 11.4: protect the world's cultural and natural heritage
    (ECO, "Agriculture et sécurité alimentaire"): [
        (CLOSE, "dac:311"),  # Agriculture
        (RELATED, "dac:520"),  # Development Food Assistance
        (RELATED, "sdg:2"),
    ],
    (ECO, "Tourisme"): [(CLOSE, "dac:332"), (RELATED, "sdg:8")],  # Tourism; target 8.9
    (URB, "Aménagement urbain"): [
        (CLOSE, "dac:43030"),  # Urban development and management
        (RELATED, "sdg:11"),
    ],
    (URB, "Mobilité et transports"): [
        (CLOSE, "dac:210"),  # Transport & Storage
        (RELATED, "sdg:11"),
        (RELATED, "sdg:9"),
    ],
}


@dataclass(frozen=True)
class Mapping:
    theme: tuple[str, ...]
    relation: str  # "closeMatch" | "relatedMatch"
    scheme: str  # "dac" | "sdg"
    code: str


def mappings() -> list[Mapping]:
    return [Mapping(path, rel, *ref.split(":", 1)) for path, refs in THEME_MAPPINGS.items() for rel, ref in refs]

"""The graph as tidy tables: CSV files and a Frictionless Data Package (`datapackage.json`).

One file per kind of thing, one row per thing, one column per fact; the tables are linked by
identifier columns (declared as primary and foreign keys in the Table Schemas) and each row
carries its IRI too, so a spreadsheet user and a linked-data user can meet. Numbers are plain
(`35000`, `1500.5`: no thousands separator, a dot for decimals), text is UTF-8, every file has a
header. The "1%" amounts have columns of their own and are never added to `amount_eur`.

Optionally the same tables as one `.xlsx` workbook (needs openpyxl: `pip install coopgraph[xlsx]`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import CoopgraphError
from .graph import Org, Snapshot, local_id, read
from .iati import coordinate, amount, organisation_ref, organisation_type

DATAPACKAGE = "datapackage.json"


class TablesExportError(CoopgraphError):
    """The tables cannot be written (unwritable folder, openpyxl missing for --xlsx)."""


@dataclass
class Field:
    name: str
    type: str  # Frictionless Table Schema type
    fr: str
    en: str
    required: bool = False
    unique: bool = False

    def schema(self) -> dict:
        d: dict = {"name": self.name, "type": self.type, "description": f"{self.fr} — {self.en}"}
        if self.type == "number":
            d["bareNumber"] = True
        constraints = {}
        if self.required:
            constraints["required"] = True
        if self.unique:
            constraints["unique"] = True
        if constraints:
            d["constraints"] = constraints
        return d


@dataclass
class Table:
    name: str
    title_fr: str
    title_en: str
    fr: str
    en: str
    fields: list[Field]
    primary_key: list[str]
    foreign_keys: list[tuple[str, str, str]] = field(default_factory=list)  # (field, table, field)
    rows: list[list] = field(default_factory=list)

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def resource(self) -> dict:
        schema: dict = {
            "fields": [f.schema() for f in self.fields],
            "primaryKey": self.primary_key,
            "missingValues": [""],
        }
        if self.foreign_keys:
            schema["foreignKeys"] = [
                {"fields": f, "reference": {"resource": t, "fields": rf}} for f, t, rf in self.foreign_keys
            ]
        return {
            "name": self.name,
            "path": self.file,
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "title": f"{self.title_fr} — {self.title_en}",
            "description": f"{self.fr} — {self.en}",
            "schema": schema,
        }


def _f(name, type_, fr, en, **kw) -> Field:
    return Field(name, type_, fr, en, **kw)


PID = _f(
    "partnership_id",
    "string",
    "Identifiant du partenariat (la clé qui termine son IRI)",
    "Partnership identifier (the key its IRI ends with)",
    required=True,
)
ONE = [
    _f(
        f"one_percent_{i}_eur",
        "number",
        f"Montant « 1 % », colonne {i} du tableau de financement de l'Atlas (libellée « Montant 1% Eau (Loi Oudin "
        "2005) »), en euros, conservé par position ; jamais ajouté au montant",
        f"'1%' amount, column {i} of the Atlas funding table (labelled 'Montant 1% Eau (Loi Oudin 2005)'), in "
        "euros, kept by position; never added to the amount",
    )
    for i in (1, 2, 3)
]


def _tables() -> list[Table]:
    return [
        Table(
            "partnerships",
            "Partenariats",
            "Partnerships",
            "Un partenariat de coopération décentralisée par ligne, tel que l'Atlas le décrit",
            "One decentralised cooperation partnership per row, as the Atlas describes it",
            [
                _f("partnership_id", "string", PID.fr, PID.en, required=True, unique=True),
                _f(
                    "iri",
                    "string",
                    "IRI du partenariat dans le graphe coopgraph",
                    "Partnership IRI in the coopgraph graph",
                    required=True,
                ),
                _f("title", "string", "Titre", "Title"),
                _f(
                    "summary",
                    "string",
                    "Résumé (coupé à environ 200 caractères par l'Atlas)",
                    "Summary (cut at about 200 characters by the Atlas)",
                ),
                _f(
                    "first_signature_year",
                    "integer",
                    "Année de première signature de la convention",
                    "Year the first agreement was signed",
                ),
                _f("start_year", "integer", "Année de début du partenariat", "Start year"),
                _f("end_date", "date", "Date de fin du partenariat", "End date"),
                _f(
                    "status",
                    "string",
                    "Statut (« En cours », « Terminé », ...)",
                    "Status ('En cours' = running, 'Terminé' = finished, ...)",
                ),
                _f("form", "string", "Forme du partenariat", "Form of the partnership"),
                _f(
                    "triennial",
                    "boolean",
                    "Relève de l'appel à projets triennal du ministère",
                    "Part of the ministry's triennial call for projects",
                ),
                _f(
                    "main_theme",
                    "string",
                    "Thématique principale (niveau le plus fin donné)",
                    "Main theme (narrowest level given)",
                ),
                _f(
                    "embassy",
                    "string",
                    "Poste diplomatique qui suit le partenariat",
                    "Embassy following the partnership",
                ),
                _f("funding_rows", "integer", "Nombre de lignes de financement", "Number of funding rows"),
                _f(
                    "total_eur",
                    "number",
                    "Somme des « Montant en euros » des lignes de financement",
                    "Sum of the funding rows' 'Montant en euros'",
                ),
                *[
                    _f(f"total_{f.name}", "number", f"Somme de la colonne : {f.fr}", f"Sum of the column: {f.en}")
                    for f in ONE
                ],
                _f("context", "string", "Texte « Contexte »", "'Contexte' (context) text"),
                _f("history", "string", "Texte « Historique »", "'Historique' (history) text"),
                _f("objective", "string", "Texte « Objectif du partenariat »", "'Objectif' (objective) text"),
                _f(
                    "description",
                    "string",
                    "Texte « Description détaillée du partenariat »",
                    "'Description détaillée' (detailed description) text",
                ),
                _f("source_file", "string", "Fichier de la page de l'Atlas lue", "File of the Atlas page read"),
                _f(
                    "synthetic",
                    "boolean",
                    "Vrai pour une page synthétique (tests de performance) : pas une donnée réelle",
                    "True for a synthetic page (benchmarks): not real data",
                ),
            ],
            ["partnership_id"],
        ),
        Table(
            "collectivites",
            "Collectivités",
            "Local authorities",
            "Les collectivités françaises et étrangères partenaires, avec leurs codes et, quand ils sont connus, "
            "leurs liens GeoNames et Wikidata et leurs coordonnées",
            "French and foreign partner local authorities, with their codes and, when known, their GeoNames and "
            "Wikidata links and coordinates",
            [
                _f(
                    "collectivite_id",
                    "string",
                    "Identifiant (l'IRI après …/id/ : commune/16015, foreign/mli/segou)",
                    "Identifier (the IRI after …/id/: commune/16015, foreign/mli/segou)",
                    required=True,
                    unique=True,
                ),
                _f("iri", "string", "IRI dans le graphe coopgraph", "IRI in the coopgraph graph", required=True),
                _f(
                    "side",
                    "string",
                    "french (collectivité française) ou foreign (étrangère)",
                    "french (French collectivité) or foreign",
                    required=True,
                ),
                _f("name", "string", "Nom tel que l'Atlas l'écrit", "Name as the Atlas writes it"),
                _f("official_name", "string", "Nom officiel (INSEE), si relié", "Official name (INSEE), if linked"),
                _f(
                    "kind",
                    "string",
                    "commune, epci, ept, departement ou region",
                    "commune, epci, ept, departement or region",
                ),
                _f("insee_code", "string", "Code officiel géographique (INSEE)", "INSEE official geographic code"),
                _f("siren", "string", "Numéro SIREN", "SIREN number"),
                _f(
                    "link_status",
                    "string",
                    "linked, ambiguous ou unmatched (relié au COG ou non)",
                    "linked, ambiguous or unmatched (to the official geographic code)",
                ),
                _f(
                    "iati_org_ref",
                    "string",
                    "Identifiant d'organisation IATI (FR-RCS-SIREN), si un SIREN est connu",
                    "IATI organisation identifier (FR-RCS-SIREN), when a SIREN is known",
                ),
                _f(
                    "country_code",
                    "string",
                    "Pays : code ISO 3166-1 alpha-2 (collectivités étrangères)",
                    "Country: ISO 3166-1 alpha-2 code (foreign collectivités)",
                ),
                _f(
                    "country_code3",
                    "string",
                    "Pays : code alpha-3 de la table des pays de l'UE",
                    "Country: alpha-3 code of the EU country table",
                ),
                _f("country", "string", "Nom du pays (français)", "Country name (French)"),
                _f("geonames_id", "string", "Identifiant GeoNames, si relié", "GeoNames id, if linked"),
                _f("latitude", "number", "Latitude (WGS84), si connue", "Latitude (WGS84), when known"),
                _f("longitude", "number", "Longitude (WGS84), si connue", "Longitude (WGS84), when known"),
                _f("wikidata_id", "string", "Élément Wikidata (Q…), si relié", "Wikidata item (Q…), if linked"),
            ],
            ["collectivite_id"],
        ),
        Table(
            "partnership_collectivites",
            "Partenaires de chaque partenariat",
            "Partners of each partnership",
            "Quelles collectivités (françaises, étrangères) prennent part à quel partenariat",
            "Which local authorities (French, foreign) take part in which partnership",
            [
                PID,
                _f(
                    "collectivite_id",
                    "string",
                    "Identifiant de la collectivité",
                    "Local authority identifier",
                    required=True,
                ),
                _f("side", "string", "french ou foreign", "french or foreign", required=True),
            ],
            ["partnership_id", "collectivite_id"],
            [
                ("partnership_id", "partnerships", "partnership_id"),
                ("collectivite_id", "collectivites", "collectivite_id"),
            ],
        ),
        Table(
            "funders",
            "Financeurs",
            "Funders",
            "Les financeurs nommés dans les tableaux de financement, avec leurs totaux ; une collectivité qui "
            "finance a aussi sa ligne dans collectivites (même identifiant)",
            "Funders named in the funding tables, with their totals; a collectivité that funds also has its row in "
            "collectivites (same identifier)",
            [
                _f(
                    "funder_id",
                    "string",
                    "Identifiant (l'IRI après …/id/)",
                    "Identifier (the IRI after …/id/)",
                    required=True,
                    unique=True,
                ),
                _f("iri", "string", "IRI dans le graphe coopgraph", "IRI in the coopgraph graph", required=True),
                _f("name", "string", "Nom tel que l'Atlas l'écrit", "Name as the Atlas writes it"),
                _f(
                    "collectivite_id",
                    "string",
                    "La collectivité, quand le financeur en est une",
                    "The collectivité, when the funder is one",
                ),
                _f(
                    "iati_org_type",
                    "string",
                    "Type d'organisation IATI (10 État, 11 collectivité, 15 autre secteur "
                    "public, 22 ONG nationale, ...) quand le nom le dit",
                    "IATI organisation type (10 government, 11 local government, 15 other public sector, 22 national "
                    "NGO, ...) when the name says so",
                ),
                _f("partnerships", "integer", "Partenariats financés", "Partnerships funded"),
                _f("funding_rows", "integer", "Lignes de financement", "Funding rows"),
                _f("total_eur", "number", "Somme de ses « Montant en euros »", "Sum of its 'Montant en euros'"),
            ],
            ["funder_id"],
            [("collectivite_id", "collectivites", "collectivite_id")],
        ),
        Table(
            "fundings",
            "Lignes de financement",
            "Funding rows",
            "Une ligne par ligne du tableau « Financement du partenariat » ; les trois montants « 1 % » ont "
            "leurs colonnes et ne sont pas compris dans amount_eur",
            "One row per row of the page's funding table; the three '1%' amounts have their own columns and are "
            "not included in amount_eur",
            [
                _f(
                    "funding_id",
                    "string",
                    "Identifiant : partnership_id, tiret, numéro de la ligne",
                    "Identifier: partnership_id, dash, row number",
                    required=True,
                    unique=True,
                ),
                _f("iri", "string", "IRI dans le graphe coopgraph", "IRI in the coopgraph graph", required=True),
                PID,
                _f("row", "integer", "Numéro de la ligne dans le tableau de la page", "Row number in the page's table"),
                _f("funder_id", "string", "Identifiant du financeur", "Funder identifier"),
                _f("year", "integer", "Année", "Year"),
                _f("amount_eur", "number", "« Montant en euros »", "'Montant en euros' (amount in euros)"),
                *ONE,
            ],
            ["funding_id"],
            [("partnership_id", "partnerships", "partnership_id"), ("funder_id", "funders", "funder_id")],
        ),
        Table(
            "partnership_themes",
            "Thématiques des partenariats",
            "Partnership themes",
            "La thématique principale (position 0) et les autres thématiques (1, 2, ...) de chaque partenariat",
            "The main theme (position 0) and the other themes (1, 2, ...) of each partnership",
            [
                PID,
                _f(
                    "position",
                    "integer",
                    "0 : thématique principale ; 1, 2, ... : autres thématiques dans l'ordre de la page",
                    "0: main theme; 1, 2, ...: other themes in page order",
                    required=True,
                ),
                _f("main", "boolean", "Thématique principale", "Main theme"),
                _f(
                    "priority",
                    "integer",
                    "Priorité donnée par la page (autres thématiques)",
                    "Priority given by the page",
                ),
                _f(
                    "theme_id",
                    "string",
                    "Identifiant du concept (l'IRI après …/id/)",
                    "Concept identifier (IRI after …/id/)",
                ),
                _f(
                    "theme_iri",
                    "string",
                    "IRI du concept dans le schéma des thématiques",
                    "Concept IRI in the theme scheme",
                ),
                _f("theme", "string", "Libellé (niveau le plus fin donné)", "Label (narrowest level given)"),
                _f(
                    "level",
                    "integer",
                    "Niveau : 1 thématique, 2 sous-thématique, 3 sous-sous-thématique",
                    "Level: 1 theme, 2 sub-theme, 3 sub-sub-theme",
                ),
                _f("theme_level1", "string", "Thématique", "Theme"),
                _f("theme_level2", "string", "Sous-thématique", "Sub-theme"),
                _f("theme_level3", "string", "Sous-sous-thématique", "Sub-sub-theme"),
                _f(
                    "dac_codes",
                    "string",
                    "Codes CAD de l'OCDE correspondants (skos:closeMatch), séparés par des espaces",
                    "Matching OECD DAC codes (skos:closeMatch), space-separated",
                ),
                _f(
                    "provisional",
                    "boolean",
                    "Valeur vue pour la première fois dans une page, pas encore dans le schéma",
                    "Value first seen in a page, not yet in the scheme",
                ),
            ],
            ["partnership_id", "position"],
            [("partnership_id", "partnerships", "partnership_id")],
        ),
        Table(
            "partnership_sdg_targets",
            "ODD des partenariats",
            "Partnership SDGs",
            "Les objectifs (level goal) et cibles (level target) de développement durable que le texte de la page nomme",
            "The Sustainable Development Goals (level goal) and targets (level target) the page's text names",
            [
                PID,
                _f(
                    "sdg_code",
                    "string",
                    "Code ODD : 6 (objectif) ou 6.3 (cible)",
                    "SDG code: 6 (goal) or 6.3 (target)",
                    required=True,
                ),
                _f("level", "string", "goal (objectif) ou target (cible)", "goal or target", required=True),
                _f("goal", "integer", "L'objectif dont relève le code", "The goal the code belongs to"),
                _f("sdg_iri", "string", "IRI dans le SDG KOS des Nations unies", "IRI in the UN SDG KOS"),
                _f("label_fr", "string", "Libellé français (SDG KOS)", "French label (SDG KOS)"),
                _f("label_en", "string", "Libellé anglais (SDG KOS)", "English label (SDG KOS)"),
            ],
            ["partnership_id", "sdg_code"],
            [("partnership_id", "partnerships", "partnership_id")],
        ),
    ]


def _num(d: Decimal | None) -> str:
    return "" if d is None else amount(d)


def _year(v: str | None) -> str:
    return v[:4] if v and v[:4].isdigit() else ""


def _bool(v: bool | None) -> str:
    return "" if v is None else ("true" if v else "false")


def _fill(snap: Snapshot, tables: dict[str, Table]) -> None:
    sdg_iri = "http://metadata.un.org/sdg/"
    partners_seen: set[str] = set()
    funder_stats: dict[str, list] = {}  # id -> [partnerships set, rows, total]
    for p in snap.ordered():
        key = p.key
        totals: list[Decimal | None] = [None, None, None]
        for f in p.fundings:
            for i, v in enumerate(f.one_percent):
                if v is not None:
                    totals[i] = (totals[i] or Decimal(0)) + v
        tables["partnerships"].rows.append(
            [
                key,
                p.iri,
                p.title,
                p.abstract or "",
                _year(p.first_signature_year),
                _year(p.start_year),
                (p.end_date or "")[:10],
                snap.label(p.status) or "",
                snap.label(p.form) or "",
                _bool(p.triennial),
                snap.label(p.main_theme) or "",
                snap.embassies.get(p.embassy or "", ""),
                len(p.fundings),
                amount(p.total()),
                *(_num(t) for t in totals),
                p.context or "",
                p.history or "",
                p.objective or "",
                p.description or "",
                snap.source_files.get(p.source or "", ""),
                _bool(snap.is_synthetic(p)),
            ]
        )
        for side, members in (("french", p.french), ("foreign", p.foreign)):
            for member in dict.fromkeys(members):
                tables["partnership_collectivites"].rows.append([key, local_id(member), side])
                partners_seen.add(member)
        for f in p.fundings:
            fid = local_id(f.funder) if f.funder else ""
            tables["fundings"].rows.append(
                [
                    f"{key}-{f.index}",
                    f.iri,
                    key,
                    f.index,
                    fid,
                    _year(f.year),
                    _num(f.amount),
                    *(_num(v) for v in f.one_percent),
                ]
            )
            if f.funder:
                st = funder_stats.setdefault(f.funder, [set(), 0, Decimal(0)])
                st[0].add(p.iri)
                st[1] += 1
                st[2] += f.amount or Decimal(0)
        others = 0
        for use in p.themes:
            if use.main:
                pos = 0
            else:
                others += 1
                pos = others
            path = _theme_path(snap, use.theme)
            c = snap.concept(use.theme)
            dac = " ".join(m.rstrip("/").rsplit("/", 1)[-1] for m in sorted(c.close_matches)) if c else ""
            tables["partnership_themes"].rows.append(
                [
                    key,
                    pos,
                    _bool(use.main),
                    "" if use.priority is None else use.priority,
                    local_id(use.theme),
                    use.theme,
                    snap.label(use.theme) or "",
                    len(path),
                    *(path + ["", "", ""])[:3],
                    dac,
                    _bool(c.provisional if c else False),
                ]
            )
        for level, codes in (("goal", p.sdg_goals), ("target", p.sdg_targets)):
            for code in dict.fromkeys(codes):
                c = snap.concept(sdg_iri + code)
                tables["partnership_sdg_targets"].rows.append(
                    [
                        key,
                        code,
                        level,
                        code.split(".")[0],
                        sdg_iri + code,
                        (c.label_fr or "") if c else "",
                        (c.label_en or "") if c else "",
                    ]
                )
    for iri in sorted(partners_seen | {o.iri for o in snap.orgs.values() if o.french or o.foreign}):
        if iri not in snap.orgs:
            continue
        tables["collectivites"].rows.append(_collectivite_row(snap, snap.orgs[iri]))
    for iri in sorted(funder_stats):
        o = snap.orgs.get(iri) or Org(iri)
        ps, rows, total = funder_stats[iri]
        coll = local_id(iri) if (o.french or o.foreign) else ""
        tables["funders"].rows.append(
            [
                local_id(iri),
                iri,
                o.label or o.pref_label or "",
                coll,
                organisation_type(o) or "",
                len(ps),
                rows,
                amount(total),
            ]
        )


def _theme_path(snap: Snapshot, iri: str) -> list[str]:
    path: list[str] = []
    node: str | None = iri
    seen: set[str] = set()
    while node and node not in seen:
        seen.add(node)
        path.append(snap.label(node) or "")
        c = snap.concept(node)
        node = c.broader if c else None
    return list(reversed(path))


def _collectivite_row(snap: Snapshot, o: Org) -> list:
    c = snap.concept(o.country)
    return [
        o.id,
        o.iri,
        "french" if o.french else "foreign",
        o.label,
        o.pref_label or "",
        o.kind or "",
        o.insee or "",
        o.siren or "",
        o.link_status or "",
        organisation_ref(o) or "",
        (c.alpha2() or "") if c else "",
        (c.alpha3() or "") if c else "",
        c.label if c else "",
        o.geonames or "",
        coordinate(o.lat, 90) or "",
        coordinate(o.long, 180) or "",
        o.wikidata or "",
    ]


@dataclass
class TablesResult:
    outdir: Path
    files: list[Path]
    rows: dict[str, int]


def build_tables(snap: Snapshot) -> list[Table]:
    tables = _tables()
    _fill(snap, {t.name: t for t in tables})
    return tables


def datapackage(
    tables: list[Table],
    snap: Snapshot,
    *,
    licence: tuple[str, str, str] | None = None,
    created: dt.datetime | None = None,
) -> dict:
    from ..publish.describe import LICENCES

    name, (path, title) = ("etalab-2.0", LICENCES["etalab-2.0"]) if licence is None else (licence[0], licence[1:])
    synthetic = sum(1 for p in snap.partnerships.values() if snap.is_synthetic(p))
    warn = (
        (
            f" ATTENTION : {synthetic} partenariat(s) viennent de pages synthétiques (tests de performance), pas "
            f"de données réelles (colonne synthetic). — WARNING: {synthetic} partnership(s) come from synthetic "
            "pages (benchmarks), not real data (column synthetic)."
        )
        if synthetic
        else ""
    )
    pkg = {
        "profile": "tabular-data-package",
        "name": "coopgraph-atlas-tables",
        "title": "Atlas français de la coopération décentralisée — tables — French decentralised cooperation "
        "Atlas — tables",
        "description": (
            "Les partenariats de coopération décentralisée des collectivités françaises lus dans "
            "l'Atlas du ministère de l'Europe et des Affaires étrangères, en tables reliées par des "
            "identifiants (les mêmes données que le graphe coopgraph, dont chaque ligne donne l'IRI). "
            "Sans données personnelles. — Decentralised cooperation partnerships of French local "
            "authorities from the Ministry for Europe and Foreign Affairs' Atlas, as tables linked by "
            "identifiers (the same data as the coopgraph graph; each row gives its IRI). No personal "
            "data."
        )
        + warn,
        "licenses": [{"name": name, "path": path, "title": title}],
        "sources": [
            {"title": "Atlas français de la coopération décentralisée et des autres actions extérieures (MEAE, DAECT)"}
        ],
        "keywords": [
            "coopération décentralisée",
            "collectivités territoriales",
            "ODD",
            "decentralised cooperation",
            "local authorities",
            "SDG",
        ],
        "created": (created or dt.datetime.now(dt.timezone.utc))
        .astimezone(dt.timezone.utc)
        .replace(microsecond=0)
        .isoformat()
        .replace("+00:00", "Z"),
        "resources": [t.resource() for t in tables],
    }
    return pkg


def _write_csv(path: Path, table: Table) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow([c.name for c in table.fields])
        w.writerows(table.rows)


def write_xlsx(path: Path, tables: list[Table]) -> None:
    try:
        from openpyxl import Workbook
    except ImportError:
        raise TablesExportError("the .xlsx workbook needs openpyxl: pip install 'coopgraph[xlsx]'") from None
    wb = Workbook(write_only=True)
    about = wb.create_sheet("lisez-moi")
    about.append(["table", "description"])
    for t in tables:
        about.append([t.name, f"{t.fr} — {t.en}"])
    for t in tables:
        ws = wb.create_sheet(t.name[:31])
        ws.append([c.name for c in t.fields])
        kinds = [c.type for c in t.fields]
        for row in t.rows:
            ws.append([_cell(v, k) for v, k in zip(row, kinds)])
    wb.save(str(path))


def _cell(v, kind: str):
    """Numbers as numbers in the workbook (so sums work), the rest as text."""
    if v == "" or v is None:
        return None
    if kind == "integer":
        return int(v)
    if kind == "number":
        d = Decimal(str(v))
        return int(d) if d == d.to_integral_value() else float(d)
    if kind == "boolean":
        return v == "true"
    return v


def write_tables(
    snap: Snapshot,
    outdir: str | Path,
    *,
    xlsx: bool = False,
    licence: tuple[str, str, str] | None = None,
    created: dt.datetime | None = None,
) -> TablesResult:
    outdir = Path(outdir)
    tables = build_tables(snap)
    files: list[Path] = []
    try:
        if outdir.exists() and not outdir.is_dir():
            raise TablesExportError(f"{outdir} exists and is not a folder")
        outdir.mkdir(parents=True, exist_ok=True)
        for t in tables:
            _write_csv(outdir / t.file, t)
            files.append(outdir / t.file)
        pkg = datapackage(tables, snap, licence=licence, created=created)
        tmp = outdir / f".{DATAPACKAGE}.part"
        tmp.write_text(json.dumps(pkg, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, outdir / DATAPACKAGE)
        files.append(outdir / DATAPACKAGE)
        if xlsx:
            write_xlsx(outdir / "coopgraph-tables.xlsx", tables)
            files.append(outdir / "coopgraph-tables.xlsx")
    except OSError as e:
        raise TablesExportError(f"cannot write to {outdir}: {e.strerror or e}") from None
    return TablesResult(outdir, files, {t.name: len(t.rows) for t in tables})


def export_tables(
    store,
    outdir: str | Path,
    *,
    xlsx: bool = False,
    licence: tuple[str, str, str] | None = None,
    created: dt.datetime | None = None,
) -> TablesResult:
    """Read `store` in bulk and write the tidy tables and datapackage.json into `outdir`."""
    if xlsx:
        try:
            import openpyxl  # noqa: F401
        except ImportError:
            raise TablesExportError("the .xlsx workbook needs openpyxl: pip install 'coopgraph[xlsx]'") from None
    return write_tables(read(store), outdir, xlsx=xlsx, licence=licence, created=created)


def write_tables_zip(
    snap: Snapshot, path: str | Path, *, licence: tuple[str, str, str] | None = None, created: dt.datetime | None = None
) -> dict[str, int]:
    """The CSV tables and datapackage.json in one zip file (for `coopgraph publish`). Entries carry
    `created` (or 1980-01-01) as their time, so the same data gives the same bytes."""
    import io
    import zipfile

    tables = build_tables(snap)
    stamp = (created or dt.datetime(1980, 1, 1)).timetuple()[:6]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:

        def put(name: str, data: bytes) -> None:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)

        for t in tables:
            buf = io.StringIO()
            w = csv.writer(buf, lineterminator="\n")
            w.writerow([c.name for c in t.fields])
            w.writerows(t.rows)
            put(t.file, buf.getvalue().encode("utf-8"))
        pkg = datapackage(tables, snap, licence=licence, created=created)
        put(DATAPACKAGE, (json.dumps(pkg, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return {t.name: len(t.rows) for t in tables}

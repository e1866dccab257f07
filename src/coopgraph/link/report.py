"""`coopgraph link --report`: what is linked, ambiguous and unmatched, per kind, with its source page.

Everything is read from the store, which records each outcome at ingest:
- French collectivités: ``cg:linkStatus`` on the node; for ambiguous and unmatched names the
  candidates and the reason are worked out again by the (offline, deterministic) resolver, from the
  names of the French partners of the same page, so the report says what a person can do;
- countries: a foreign partner's ``cg:country`` is an EU table IRI, or a local concept with
  ``cg:provisional true`` when the name was unknown;
- foreign places: ``cg:placeStatus`` on a foreign partner (linked: ``skos:exactMatch`` a GeoNames
  place; placed: ``cg:placedAt`` its seat, an approximation; ambiguous / unmatched: ``cg:placeNote``
  says why, with the candidates);
- ODD: ``cg:sdgTarget`` / ``cg:sdgGoal`` IRIs, and ``cg:unlinkedSdgCode`` for codes the UN SDG KOS
  does not have;
- themes: the concepts the partnerships use, with or without a DAC / SDG mapping;
- Wikidata: the links of ``…/graph/links`` (after `coopgraph link --wikidata`).
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from typing import IO

from ..rdf import iris
from ..rdf.namespaces import CG, DCTERMS, PROV, RDFS, SCHEMA, SKOS
from . import cog, countries, wikidata

KINDS = ("collectivite", "country", "place", "sdg", "theme", "wikidata")
TITLES = {
    "collectivite": "French collectivités",
    "country": "Countries",
    "place": "Foreign places (GeoNames)",
    "sdg": "ODD (UN SDG goals and targets)",
    "theme": "Themes (DAC / SDG mappings)",
    "wikidata": "Wikidata",
}
COLUMNS = ["kind", "status", "name", "link", "detail", "pages"]


@dataclass
class Row:
    kind: str
    status: str  # linked | ambiguous | unmatched (themes: mapped | unmapped; wikidata: also "not looked up")
    name: str  # as written / as known
    link: str = ""  # the IRI or code linked to
    detail: str = ""
    pages: list[str] = field(default_factory=list)  # source file names


@dataclass
class Report:
    rows: list[Row]
    wikidata_run: bool

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {k: {} for k in KINDS}
        for r in self.rows:
            out[r.kind][r.status] = out[r.kind].get(r.status, 0) + 1
        return out


P = {
    "cg": CG.base,
    "prov": PROV.base,
    "rdfs": RDFS.base,
    "skos": SKOS.base,
    "schema": SCHEMA.base,
    "dcterms": DCTERMS.base,
    "igeo": "http://rdf.insee.fr/def/geo#",
}
PREFIXES = "".join(f"PREFIX {k}: <{v}>\n" for k, v in P.items())


def _q(store, text: str):
    return store.query(PREFIXES + text)


def _v(row, name: str) -> str:
    t = row[name]
    return t.value if t is not None else ""


def _collectivites(store) -> list[Row]:
    # Every page naming the node, as a partner or as a funder.
    sols = _q(
        store,
        """
        SELECT ?c ?status ?kind ?insee ?siren ?pref ?label ?file WHERE {
          ?c cg:linkStatus ?status ; rdfs:label ?label .
          OPTIONAL { ?c cg:collectiviteKind ?kind } OPTIONAL { ?c igeo:codeINSEE ?insee }
          OPTIONAL { ?c cg:siren ?siren } OPTIONAL { ?c skos:prefLabel ?pref }
          OPTIONAL { { ?p cg:frenchPartner ?c } UNION { ?f schema:funder ?c ; schema:fundedItem ?p }
                     ?p prov:wasDerivedFrom/cg:fileName ?file } }""",
    )
    nodes: dict[str, dict] = {}
    for s in sols:
        n = nodes.setdefault(
            _v(s, "c"),
            {
                "status": _v(s, "status"),
                "kind": _v(s, "kind"),
                "insee": _v(s, "insee"),
                "siren": _v(s, "siren"),
                "pref": _v(s, "pref"),
                "labels": set(),
                "pages": set(),
            },
        )
        n["labels"].add(_v(s, "label"))
        if _v(s, "file"):
            n["pages"].add(_v(s, "file"))
    # The French partners of each page, to resolve unlinked names again with their context.
    partners: dict[str, list[str]] = defaultdict(list)
    for s in _q(
        store,
        """SELECT DISTINCT ?file ?label WHERE {
                            ?p cg:frenchPartner ?c ; prov:wasDerivedFrom/cg:fileName ?file .
                            ?c rdfs:label ?label }""",
    ):
        partners[_v(s, "file")].append(_v(s, "label"))
    rows = []
    for iri, n in nodes.items():
        name = min(n["labels"])
        if n["status"] == "linked":
            codes = [f"INSEE {n['insee']}" if n["insee"] else "", f"SIREN {n['siren']}" if n["siren"] else ""]
            detail = f"{n['kind']} {n['pref']}".strip() + (" (" + ", ".join(c for c in codes if c) + ")")
            rows.append(Row("collectivite", "linked", name, iri, detail, sorted(n["pages"])))
            continue
        detail = ""
        for page in sorted(n["pages"]) or [""]:
            names = sorted(set(partners.get(page, [])) | n["labels"])
            for m in cog.resolve_french_partners(names):
                if m.name in n["labels"] and m.status == n["status"]:
                    detail = (m.reason or "") + (f" [candidates: {'; '.join(m.candidates)}]" if m.candidates else "")
                    break
            if detail:
                break
        rows.append(Row("collectivite", n["status"], name, iri, detail, sorted(n["pages"])))
    return rows


def _countries(store) -> list[Row]:
    sols = _q(
        store,
        """
        SELECT ?country ?prov ?clabel ?written ?file WHERE {
          ?p cg:foreignPartner ?fc ; prov:wasDerivedFrom/cg:fileName ?file .
          ?fc cg:country ?country .
          OPTIONAL { ?country cg:provisional ?prov }
          OPTIONAL { ?country skos:prefLabel ?clabel FILTER(LANG(?clabel) = "fr") } }""",
    )
    by: dict[str, Row] = {}
    for s in sols:
        iri = _v(s, "country")
        provisional = _v(s, "prov") in ("true", "1")
        if iri not in by:
            label = _v(s, "clabel") or iri.rsplit("/", 1)[-1]
            if provisional or not iri.startswith(iris.EU_COUNTRY_BASE):
                near = countries.suggest_countries(label)
                by[iri] = Row(
                    "country",
                    "unmatched",
                    label,
                    "",
                    "not in the EU country table" + (f"; closest: {', '.join(near)}" if near else ""),
                )
            else:
                c = countries.resolve_country(iri.rsplit("/", 1)[-1])
                codes = f"{c.alpha2}, {c.alpha3}" if c and c.alpha2 else iri.rsplit("/", 1)[-1]
                by[iri] = Row("country", "linked", label, iri, codes)
        if _v(s, "file") not in by[iri].pages:
            by[iri].pages.append(_v(s, "file"))
    return sorted(by.values(), key=lambda r: (r.status != "unmatched", r.name))


def _places(store) -> list[Row]:
    by: dict[str, Row] = {}
    for s in _q(
        store,
        """
        SELECT ?fc ?label ?status ?gn ?gname ?placement ?note ?country ?file WHERE {
          ?p cg:foreignPartner ?fc ; prov:wasDerivedFrom/cg:fileName ?file .
          ?fc cg:placeStatus ?status ; rdfs:label ?label ; cg:country ?c .
          OPTIONAL { ?c skos:prefLabel ?country FILTER(LANG(?country) = "fr") }
          OPTIONAL { ?fc skos:exactMatch|cg:placedAt ?gn FILTER(STRSTARTS(STR(?gn), "https://sws.geonames.org/"))
                     OPTIONAL { ?gn <https://www.geonames.org/ontology#name> ?gname } }
          OPTIONAL { ?fc cg:placement ?placement } OPTIONAL { ?fc cg:placeNote ?note } }""",
    ):
        iri = _v(s, "fc")
        status = _v(s, "status")
        row = by.get(iri)
        # A node described by several pages keeps the best outcome (a page may settle a homonym).
        if row is None or _RANK[status] < _RANK[row.status]:
            name = _v(s, "label") + (f" ({_v(s, 'country')})" if _v(s, "country") else "")
            if status in ("linked", "placed"):
                detail = _v(s, "gname") + (
                    " — the point of its seat, an approximation" if _v(s, "placement") == "seat" else ""
                )
            else:
                detail = _v(s, "note")
            row = by[iri] = Row("place", status, name, _v(s, "gn"), detail, row.pages if row else [])
        if _v(s, "file") not in row.pages:
            row.pages.append(_v(s, "file"))
    return sorted(by.values(), key=lambda r: (_RANK[r.status], r.name))


_RANK = {"linked": 2, "placed": 3, "ambiguous": 0, "unmatched": 1}


def _sdg(store) -> list[Row]:
    by: dict[tuple[str, str], Row] = {}
    for s in _q(
        store,
        """
        SELECT ?what ?x ?label ?file WHERE {
          ?p prov:wasDerivedFrom/cg:fileName ?file .
          { ?p cg:sdgTarget ?x BIND("target" AS ?what) } UNION { ?p cg:sdgGoal ?x BIND("goal" AS ?what) }
          UNION { ?p cg:unlinkedSdgCode ?x BIND("unlinked" AS ?what) }
          OPTIONAL { ?x skos:prefLabel ?label FILTER(LANG(?label) = "fr") } }""",
    ):
        what, x = _v(s, "what"), _v(s, "x")
        if what == "unlinked":
            row = by.setdefault(
                (what, x), Row("sdg", "unmatched", f"ODD {x}", "", "no such goal or target in the UN SDG KOS")
            )
        else:
            code = x.removeprefix(iris.SDG_BASE)
            label = _v(s, "label")
            row = by.setdefault(
                (what, x),
                Row("sdg", "linked", f"ODD {code}", x, f"{what}: {label[:90]}" + ("…" if len(label) > 90 else "")),
            )
        if _v(s, "file") not in row.pages:
            row.pages.append(_v(s, "file"))

    def order(r: Row):
        code = r.name.removeprefix("ODD ")
        return (r.status != "unmatched", [int(p) if p.isdigit() else 99 for p in code.split(".")], code)

    return sorted(by.values(), key=order)


def _themes(store) -> list[Row]:
    by: dict[str, Row] = {}
    for s in _q(
        store,
        """
        SELECT ?t ?label ?prov ?rel ?m ?file WHERE {
          ?p dcterms:subject ?t ; prov:wasDerivedFrom/cg:fileName ?file .
          FILTER(STRSTARTS(STR(?t), "https://w3id.org/coopgraph/id/theme/"))
          OPTIONAL { ?t skos:prefLabel ?label } OPTIONAL { ?t cg:provisional ?prov }
          OPTIONAL { ?t ?rel ?m FILTER(?rel IN (skos:closeMatch, skos:relatedMatch)) } }""",
    ):
        t = _v(s, "t")
        row = by.setdefault(t, Row("theme", "unmapped", _v(s, "label"), t, ""))
        if _v(s, "m"):
            row.status = "mapped"
            rel = _v(s, "rel").rsplit("#", 1)[-1]
            m = _v(s, "m")
            short = ("DAC " + m.rsplit("/", 1)[-1]) if "/dac-sector/" in m else ("SDG " + m.removeprefix(iris.SDG_BASE))
            item = f"{rel} {short}"
            if item not in row.detail.split("; "):
                row.detail = "; ".join(sorted(x for x in (*row.detail.split("; "), item) if x))
        elif _v(s, "prov") in ("true", "1") and not row.detail:
            row.detail = "provisional concept (not in the curated scheme): no mapping"
        if _v(s, "file") not in row.pages:
            row.pages.append(_v(s, "file"))
    for r in by.values():
        if r.status == "unmapped" and not r.detail:
            r.detail = "no clear DAC / SDG match"
    return sorted(by.values(), key=lambda r: (r.status != "unmapped", r.link))


def _wikidata(store) -> tuple[list[Row], bool]:
    ran = bool(_q(store, f"ASK {{ GRAPH <{iris.G_META}> {{ <{iris.G_LINKS}> dcterms:modified ?d }} }}"))
    found: dict[str, str] = {}
    for s in _q(store, f"""SELECT ?s ?o WHERE {{ GRAPH <{iris.G_LINKS}> {{ ?s ?p ?o }} }}"""):
        found[_v(s, "s")] = _v(s, "o")
    rows = []
    for t in wikidata.targets(store):
        name = f"{t.label} ({t.kind} {t.code})"
        if t.node in found:
            rows.append(Row("wikidata", "linked", name, found[t.node], f"{t.node}"))
        else:
            rows.append(
                Row(
                    "wikidata",
                    "unmatched" if ran else "not looked up",
                    name,
                    "",
                    "no single current Wikidata item with this code" if ran else "run 'coopgraph link --wikidata'",
                )
            )
    return sorted(rows, key=lambda r: (r.status == "linked", r.name)), ran


def build(store) -> Report:
    wd_rows, ran = _wikidata(store)
    rows = _collectivites(store)
    rows.sort(key=lambda r: ({"ambiguous": 0, "unmatched": 1}.get(r.status, 2), r.name, r.link))
    rows += _countries(store) + _places(store) + _sdg(store) + _themes(store) + wd_rows
    for r in rows:
        r.pages.sort()
    return Report(rows, ran)


# -- output -----------------------------------------------------------------------------------


def write(report: Report, fmt: str, out: IO[str], problems_only: bool = False) -> None:
    ok = {"linked", "placed", "mapped"}
    rows = [r for r in report.rows if not (problems_only and r.status in ok)]
    if fmt == "json":
        json.dump({"counts": report.counts(), "rows": [asdict(r) for r in rows]}, out, ensure_ascii=False, indent=1)
        out.write("\n")
        return
    if fmt in ("csv", "tsv"):
        w = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r.kind, r.status, r.name, r.link, r.detail, " ".join(r.pages)])
        return
    counts = report.counts()
    for kind in KINDS:
        c = counts[kind]
        summary = ", ".join(f"{n} {s}" for s, n in sorted(c.items(), key=lambda x: (x[0] not in ok, x[0]))) or "none"
        out.write(f"{TITLES[kind]}: {summary}\n")
        for r in (r for r in rows if r.kind == kind):
            link = f" → {r.link}" if r.link and r.kind != "theme" else ""
            out.write(f"  {r.status:<10} {r.name}{link}\n")
            if r.detail:
                out.write(f"             {r.detail}\n")
            if r.pages:
                out.write(f"             page: {', '.join(r.pages)}\n")
        out.write("\n")

#!/usr/bin/env python3
"""Build the reference data shipped in src/coopgraph/data/ from a folder of the published sources.

The package reads nothing outside itself at run time, so this script extracts the few fields the
linkers need into small files that live inside the package. Run it again when a source changes:

    python scripts/build_refdata.py VOCAB_DIR    # the sources, laid out as listed in src/coopgraph/data/README.md

Only the standard library and rdflib (for the SDG Turtle) are used. Output is deterministic
(sorted, no timestamps) so that a rebuild from the same sources gives an empty git diff.
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "coopgraph" / "data"

# --------------------------------------------------------------------------------------------
# COG (@etalab/decoupage-administratif)
# --------------------------------------------------------------------------------------------


def _rows_json(header: dict, tables: dict[str, list]) -> str:
    """JSON with one row per line: compact, yet a rebuild shows a readable git diff."""
    parts = ["{", f'"meta": {json.dumps(header, ensure_ascii=False)},']
    names = list(tables)
    for i, name in enumerate(names):
        rows = tables[name]
        parts.append(f'"{name}": [')
        parts.extend(
            json.dumps(r, ensure_ascii=False, separators=(",", ":")) + ("," if j < len(rows) - 1 else "")
            for j, r in enumerate(rows)
        )
        parts.append("]" + ("," if i < len(names) - 1 else ""))
    parts.append("}")
    return "\n".join(parts) + "\n"


def build_cog(vocab: Path) -> None:
    src = vocab / "cog"
    communes = json.loads((src / "communes.json").read_text(encoding="utf-8"))
    # Keep only "commune-actuelle": the legal collectivités. Arrondissements municipaux (Paris,
    # Lyon, Marseille) are not collectivités and are dropped. Communes déléguées / associées are
    # former communes merged into a commune nouvelle: kept apart ("former") so that an old page
    # naming one can be linked to its current commune, never confused with a current one.
    current = sorted(
        (
            [c["code"], c["nom"], c["departement"], c["region"], c.get("siren"), c.get("population")]
            for c in communes
            if c["type"] == "commune-actuelle"
        ),
        key=lambda r: r[0],
    )
    former = sorted(
        (
            [c["code"], c["nom"], c["chefLieu"], c["type"].removeprefix("commune-")]
            for c in communes
            if c["type"] in ("commune-deleguee", "commune-associee")
        ),
        key=lambda r: (r[0], r[1]),
    )
    epci = sorted(
        (
            [e["code"], e["nom"], e["type"], sorted(m["code"] for m in e["membres"])]
            for e in json.loads((src / "epci.json").read_text(encoding="utf-8"))
        ),
        key=lambda r: r[0],
    )
    ept = sorted(
        (
            [e["code"], e["nom"], sorted(m["code"] for m in e["membres"])]
            for e in json.loads((src / "ept.json").read_text(encoding="utf-8"))
        ),
        key=lambda r: r[0],
    )
    deps = [
        [d["code"], d["nom"], d["region"], d["zone"], d["typeLiaison"]]
        for d in json.loads((src / "departements.json").read_text(encoding="utf-8"))
    ]
    regs = [
        [r["code"], r["nom"], r["zone"], r["typeLiaison"]]
        for r in json.loads((src / "regions.json").read_text(encoding="utf-8"))
    ]
    meta = {
        "source": "npm @etalab/decoupage-administratif 6.0.0 (data/), Licence Ouverte (Etalab)",
        "columns": {
            "communes": ["insee", "name", "departement", "region", "siren", "population"],
            "former_communes": ["insee", "name", "current_commune_insee", "type"],
            "epci": ["siren", "name", "type", "member_insee"],
            "ept": ["siren", "name", "member_insee"],
            # typeLiaison: INSEE code of the article used after "de" (0 "de ", 1 "d'", 2 "du ",
            # 3 "de la ", 4 "des ", 5 "de l'", 6 "des "), to write "Département de la Charente".
            "departements": ["code", "name", "region", "zone", "typeLiaison"],
            "regions": ["code", "name", "zone", "typeLiaison"],
        },
    }
    text = _rows_json(
        meta,
        {
            "communes": current,
            "former_communes": former,
            "epci": epci,
            "ept": ept,
            "departements": deps,
            "regions": regs,
        },
    )
    (OUT / "cog.json").write_text(text, encoding="utf-8")
    shutil.copyfile(src / "LICENSE-decoupage-administratif", OUT / "LICENSE-decoupage-administratif")
    print(
        f"cog.json: {len(current)} communes, {len(former)} former, {len(epci)} EPCI, {len(ept)} EPT, "
        f"{len(deps)} départements, {len(regs)} régions"
    )


# --------------------------------------------------------------------------------------------
# Countries (EU Publications Office authority table)
# --------------------------------------------------------------------------------------------

NS = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "at": "http://publications.europa.eu/ontology/authority/",
    "dc": "http://purl.org/dc/elements/1.1/",
}
RDF_ABOUT = f"{{{NS['rdf']}}}about"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
AT_DEPRECATED = f"{{{NS['at']}}}deprecated"

# The table has no ISO alpha-2 notation. Its TED / TED_SCHEMA legacy codes are alpha-2 codes,
# ISO 3166-1 except for these, fixed here (ISO 3166-1; Kosovo uses the user-assigned XK).
ALPHA2_FIXES = {"GBR": "GB", "1A0": "XK", "UMI": "UM"}
# Not countries: the European Union and the "provisional data" placeholder.
SKIP = {"EUR", "OP_DATPRO"}


def build_countries(vocab: Path) -> None:
    root = ET.parse(vocab / "eu-op" / "countries-skos.rdf").getroot()
    rows = []
    for c in root.findall("skos:Concept", NS):
        iri = c.get(RDF_ABOUT)
        code = iri.rsplit("/", 1)[1]
        if c.get(AT_DEPRECATED) != "false" or code in SKIP:
            continue  # deprecated (Zaïre, Haute-Volta, ...) and non-country entries stay out
        ted = sorted(
            {
                m.findtext("at:legacy-code", namespaces=NS)
                for m in c.iter(f"{{{NS['at']}}}MappedCode")
                if m.findtext("dc:source", namespaces=NS) in ("TED", "TED_SCHEMA")
            }
        )
        alpha2 = ALPHA2_FIXES.get(code) or (ted[0] if len(ted) == 1 and len(ted[0]) == 2 and ted[0].isalpha() else "")

        def labels(tag: str, lang: str, c=c) -> list[str]:  # c bound now: used within this iteration
            return [e.text.strip() for e in c.findall(f"skos:{tag}", NS) if e.get(XML_LANG) == lang and e.text]

        pref_fr, pref_en = labels("prefLabel", "fr"), labels("prefLabel", "en")
        alts = []
        for tag in ("altLabel", "hiddenLabel"):
            for lang in ("fr", "en"):
                # hiddenLabels hold inflected fragments too ("française", "of the ..."): keep only
                # those that read as a name (capitalised).
                alts += [a for a in labels(tag, lang) if tag == "altLabel" or a[:1].isupper()]
        # Legacy alpha-2 codes that differ from ISO (UK for GBR) are still what people write.
        extra_codes = [t for t in ted if t != alpha2]
        seen = {pref_fr[0], pref_en[0]}
        alt_unique = [a for a in alts if not (a in seen or seen.add(a))]
        rows.append([iri, code, alpha2, pref_fr[0], pref_en[0], "|".join(alt_unique), "|".join(extra_codes)])
    rows.sort(key=lambda r: r[1])
    with (OUT / "countries.tsv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
        w.writerow(["iri", "alpha3", "alpha2", "label_fr", "label_en", "alt_labels", "other_codes"])
        w.writerows(rows)
    print(f"countries.tsv: {len(rows)} current countries and territories")


# --------------------------------------------------------------------------------------------
# SDG goals and targets (UN SDG KOS)
# --------------------------------------------------------------------------------------------


def build_sdg(vocab: Path) -> None:
    from rdflib import RDF, SKOS, Graph, Namespace, URIRef

    SDGO = Namespace("http://metadata.un.org/sdg/ontology#")
    src = Graph().parse(vocab / "un-sdg-kos" / "sdg-kos-goals-targets-indicators.ttl", format="turtle")
    scheme = URIRef("http://metadata.un.org/sdg")
    keep = set(src.subjects(RDF.type, SDGO.Goal)) | set(src.subjects(RDF.type, SDGO.Target))
    out = Graph()
    out.bind("sdg", "http://metadata.un.org/sdg/")
    out.bind("sdgo", SDGO)
    out.bind("skos", SKOS)
    out.add((scheme, RDF.type, SKOS.ConceptScheme))
    for o in src.objects(scheme, SKOS.prefLabel):
        out.add((scheme, SKOS.prefLabel, o))
    lit_props = {SKOS.prefLabel, SKOS.altLabel, SKOS.note}
    rel_props = {SKOS.broader, SKOS.narrower, SDGO.hasTarget, SDGO.isTargetOf}
    for s in keep:
        # SKOS allows one prefLabel per language; the source gives target 12.3 a second, truncated
        # English one ("By 2030,d"). Keep the longest per language.
        best: dict[str, object] = {}
        for o in src.objects(s, SKOS.prefLabel):
            lang = getattr(o, "language", None)
            if lang in ("fr", "en") and len(str(o)) > len(str(best.get(lang, ""))):
                best[lang] = o
        for o in best.values():
            out.add((s, SKOS.prefLabel, o))
        for p, o in src.predicate_objects(s):
            if p == SKOS.prefLabel:
                continue
            if p == RDF.type or p in (SKOS.inScheme, SKOS.topConceptOf, SKOS.notation):
                out.add((s, p, o))
            elif p in lit_props and getattr(o, "language", None) in ("fr", "en"):
                out.add((s, p, o))
            elif p in rel_props and o in keep:  # goal <-> target only: indicators are left out
                out.add((s, p, o))
        if (s, RDF.type, SDGO.Goal) in src:
            out.add((scheme, SKOS.hasTopConcept, s))
    header = (
        "# UN SDG goals and targets (indicators left out), extracted by scripts/build_refdata.py from\n"
        "# UNStats/LOD4Stats sdg-data/sdg-kos-goals-targets-indicators.ttl (commit 0ae578ba, 2020-05-28).\n"
        '# Free reuse with citation: Joshi, Gonzalez Morales, Klarman, Helton (2019), "A Knowledge\n'
        '# Organization System for the United Nations Sustainable Development Goals", http://metadata.un.org/sdg\n'
    )
    body = out.serialize(format="turtle")
    (OUT / "sdg-kos.ttl").write_text(header + body, encoding="utf-8")
    n_goal = sum(1 for _ in out.subjects(RDF.type, SDGO.Goal))
    n_target = sum(1 for _ in out.subjects(RDF.type, SDGO.Target))
    print(f"sdg-kos.ttl: {n_goal} goals, {n_target} targets, {len(out)} triples")


# --------------------------------------------------------------------------------------------
# OECD DAC sectors (IATI codelists)
# --------------------------------------------------------------------------------------------


def _iati_items(path: Path) -> list[dict]:
    items = []
    for it in ET.parse(path).getroot().iter("codelist-item"):
        names = {n.get(XML_LANG, "en"): (n.text or "").strip() for n in it.findall("name/narrative")}
        items.append(
            {
                "code": it.findtext("code").strip(),
                "category": (it.findtext("category") or "").strip(),
                "status": it.get("status", "active"),
                "en": names.get("en", ""),
                "fr": names.get("fr", ""),
            }
        )
    return items


def build_sectors(vocab: Path) -> None:
    cats = {c["code"]: c for c in _iati_items(vocab / "iati" / "SectorCategory.xml")}
    sectors = sorted(_iati_items(vocab / "iati" / "Sector.xml"), key=lambda s: s["code"])
    with (OUT / "dac-sectors.tsv").open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE, escapechar="\\")
        w.writerow(["code", "category", "name_en", "name_fr", "status", "category_name_en", "category_name_fr"])
        for s in sectors:
            cat = cats.get(s["category"], {})
            w.writerow([s["code"], s["category"], s["en"], s["fr"], s["status"], cat.get("en", ""), cat.get("fr", "")])
    shutil.copyfile(vocab / "iati" / "LICENSE", OUT / "LICENSE-iati")
    print(f"dac-sectors.tsv: {len(sectors)} sectors in {len(cats)} categories")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("vocab", help="the folder of sources (cog/, eu-op/, un-sdg-kos/, iati/ and a PROVENANCE.md)")
    args = ap.parse_args(argv)
    vocab = Path(args.vocab).resolve()
    if not (vocab / "PROVENANCE.md").is_file():
        print(f"error: {vocab} does not look like the folder of sources (no PROVENANCE.md)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    build_cog(vocab)
    build_countries(vocab)
    build_sdg(vocab)
    build_sectors(vocab)
    return 0


if __name__ == "__main__":
    sys.exit(main())

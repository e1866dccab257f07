"""Every shape, broken by the smallest change to the real page's graph, is reported on the right
node, property and severity (`coopgraph validate FILE`, no store needed)."""

from __future__ import annotations

import re

import pytest
import rdflib

from conftest import REPO

CG = "https://w3id.org/coopgraph/ontology#"
ID = "https://w3id.org/coopgraph/id/"
SHS = "https://w3id.org/coopgraph/shapes#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SCHEMA = "http://schema.org/"
DCT = "http://purl.org/dc/terms/"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
PROV = "http://www.w3.org/ns/prov#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SHAPES = REPO / "shapes" / "coopgraph-shapes.ttl"


@pytest.fixture(scope="module")
def seed_nt(seed_cli, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("dump") / "seed.nt"
    r = seed_cli("dump", "--format", "ntriples", "-o", out)
    assert r.code == 0, r.err
    return out.read_text(encoding="utf-8")


def _p(nt: str) -> str:
    return re.search(r"<(https://w3id\.org/coopgraph/id/partnership/[0-9a-f]{16})> <" + re.escape(TYPE), nt)[1]


def _src(nt: str) -> str:
    return re.search(r"<(https://w3id\.org/coopgraph/id/source/[0-9a-f]+)>", nt)[1]


T = "<https://w3id.org/coopgraph/id/theme/environnement-climat-et-energie/eau-et-dechets>"
STATUS = f"<{ID}status/en-cours>"
FORM = f"<{ID}form/projet-de-cooperation-decentralisee>"
COMMUNE = f"<{ID}commune/16015>"
SEGOU = f"<{ID}foreign/mli/segou>"
EMBASSY = f"<{ID}embassy/ambassade-de-france-a-bamako>"
TRUE = f'"true"^^<{XSD}boolean>'


def lit(v: str, dt: str) -> str:
    return f'"{v}"^^<{XSD}{dt}>'


# name: (focus, path, shape, severity, remove (regex on a line, {P} {F} {A} {S} filled), add lines)
# P = the partnership, F = its funding 1, A = its theme assignment 1, S = its source page.
CASES = {
    "title missing": ("P", DCT + "title", "Partnership-title", "Violation", r"^<{P}> <" + DCT + "title>", []),
    "two abstracts": (
        "P",
        DCT + "abstract",
        "Partnership-abstract",
        "Violation",
        None,
        ["<{P}> <" + DCT + 'abstract> "Autre résumé"@fr .'],
    ),
    "context without language": (
        "P",
        CG + "context",
        "Partnership-context",
        "Violation",
        None,
        ["<{P}> <" + CG + 'context> "texte" .'],
    ),
    "history without language": (
        "P",
        CG + "history",
        "Partnership-history",
        "Violation",
        r"^<{P}> <" + CG + "history>",
        ["<{P}> <" + CG + 'history> "texte" .'],
    ),
    "objective without language": (
        "P",
        CG + "objective",
        "Partnership-objective",
        "Violation",
        r"^<{P}> <" + CG + "objective>",
        ["<{P}> <" + CG + 'objective> "texte" .'],
    ),
    "two descriptions": (
        "P",
        DCT + "description",
        "Partnership-description",
        "Violation",
        None,
        ["<{P}> <" + DCT + 'description> "Autre"@fr .'],
    ),
    "signature year 1920": (
        "P",
        CG + "firstSignatureYear",
        "Partnership-firstSignatureYear",
        "Violation",
        r"^<{P}> <" + CG + "firstSignatureYear>",
        ["<{P}> <" + CG + "firstSignatureYear> " + lit("1920", "gYear") + " ."],
    ),
    "start year 2300": (
        "P",
        CG + "startYear",
        "Partnership-startYear",
        "Violation",
        r"^<{P}> <" + CG + "startYear>",
        ["<{P}> <" + CG + "startYear> " + lit("2300", "gYear") + " ."],
    ),
    "start year missing": (
        "P",
        CG + "startYear",
        "Partnership-startYear-present",
        "Warning",
        r"^<{P}> <" + CG + "startYear>",
        [],
    ),
    "two end dates": (
        "P",
        SCHEMA + "endDate",
        "Partnership-endDate",
        "Violation",
        None,
        ["<{P}> <" + SCHEMA + "endDate> " + lit("2022-06-30", "date") + " ."],
    ),
    "end date before start year": (
        "P",
        SCHEMA + "endDate",
        "Partnership",
        "Violation",
        r"^<{P}> <" + SCHEMA + "endDate>",
        ["<{P}> <" + SCHEMA + "endDate> " + lit("2019-06-30", "date") + " ."],
    ),
    "status en cours, end date past": ("P", SCHEMA + "endDate", "PartnershipWarnings", "Warning", None, []),
    "status not a concept": (
        "P",
        CG + "status",
        "Partnership-status",
        "Violation",
        r"^<{P}> <" + CG + "status>",
        ["<{P}> <" + CG + f"status> <{ID}status/nope> ."],
    ),
    "status from the theme scheme": (
        "P",
        CG + "status",
        "Partnership-status",
        "Violation",
        r"^<{P}> <" + CG + "status>",
        ["<{P}> <" + CG + f"status> {T} ."],
    ),
    "status new (provisional)": (
        "P",
        CG + "status",
        "Partnership-status-curated",
        "Warning",
        None,
        [f"{STATUS} <{CG}provisional> {TRUE} ."],
    ),
    "form not a concept": (
        "P",
        CG + "form",
        "Partnership-form",
        "Violation",
        r"^<{P}> <" + CG + "form>",
        ["<{P}> <" + CG + f"form> <{ID}form/nope> ."],
    ),
    "form new (provisional)": (
        "P",
        CG + "form",
        "Partnership-form-curated",
        "Warning",
        None,
        [f"{FORM} <{CG}provisional> {TRUE} ."],
    ),
    "main theme not a concept": (
        "P",
        CG + "mainTheme",
        "Partnership-mainTheme",
        "Violation",
        r"^<{P}> <" + CG + "mainTheme>",
        ["<{P}> <" + CG + f"mainTheme> <{ID}theme/nope> ."],
    ),
    "main theme new (provisional)": (
        "P",
        CG + "mainTheme",
        "Partnership-mainTheme-curated",
        "Warning",
        r"^<{P}> <" + CG + "mainTheme>",
        [
            "<{P}> <" + CG + f"mainTheme> <{ID}theme/sport> .",
            f"<{ID}theme/sport> <{TYPE}> <{SKOS}Concept> .",
            f'<{ID}theme/sport> <{SKOS}prefLabel> "Sport"@fr .',
            f"<{ID}theme/sport> <{SKOS}inScheme> <{ID}scheme/themes> .",
            f"<{ID}theme/sport> <{CG}provisional> {TRUE} .",
        ],
    ),
    "theme assignment untyped": (
        "P",
        CG + "themeAssignment",
        "Partnership-themeAssignment",
        "Violation",
        None,
        ["<{P}> <" + CG + "themeAssignment> <{P}/theme/99> ."],
    ),
    "subject is text": (
        "P",
        DCT + "subject",
        "Partnership-subject",
        "Violation",
        None,
        ["<{P}> <" + DCT + 'subject> "eau" .'],
    ),
    "no French partner": (
        "P",
        CG + "frenchPartner",
        "Partnership-frenchPartner",
        "Violation",
        r"^<{P}> <" + CG + "frenchPartner>",
        [],
    ),
    "no foreign partner": (
        "P",
        CG + "foreignPartner",
        "Partnership-foreignPartner",
        "Violation",
        r"^<{P}> <" + CG + "foreignPartner>",
        [],
    ),
    "two embassies": (
        "P",
        CG + "followedBy",
        "Partnership-followedBy",
        "Violation",
        None,
        [
            "<{P}> <" + CG + f"followedBy> <{ID}embassy/autre> .",
            f"<{ID}embassy/autre> <{TYPE}> <{CG}Embassy> .",
            f'<{ID}embassy/autre> <{RDFS}label> "Autre" .',
        ],
    ),
    "triennial is text": (
        "P",
        CG + "triennial",
        "Partnership-triennial",
        "Violation",
        r"^<{P}> <" + CG + "triennial>",
        ["<{P}> <" + CG + 'triennial> "non" .'],
    ),
    "ODD target 6.99": (
        "P",
        CG + "sdgTarget",
        "Partnership-sdgTarget",
        "Violation",
        None,
        ["<{P}> <" + CG + "sdgTarget> <http://metadata.un.org/sdg/6.99> ."],
    ),
    "ODD goal 18": (
        "P",
        CG + "sdgGoal",
        "Partnership-sdgGoal",
        "Violation",
        None,
        ["<{P}> <" + CG + "sdgGoal> <http://metadata.un.org/sdg/18> ."],
    ),
    "no source page": (
        "P",
        PROV + "wasDerivedFrom",
        "Partnership-source",
        "Violation",
        r"^<{P}> <" + PROV + "wasDerivedFrom>",
        [],
    ),
    "ingest time is text": (
        "P",
        PROV + "generatedAtTime",
        "Partnership-generatedAtTime",
        "Violation",
        r"^<{P}> <" + PROV + "generatedAtTime>",
        ["<{P}> <" + PROV + 'generatedAtTime> "hier" .'],
    ),
    "no funding": ("P", "^" + SCHEMA + "fundedItem", "Partnership-funding", "Warning", r"^<{P}/funding/", []),
    "funding without funder": (
        "F",
        SCHEMA + "funder",
        "Funding-funder",
        "Violation",
        r"^<{F}> <" + SCHEMA + "funder>",
        [],
    ),
    "funding of two partnerships": (
        "F",
        SCHEMA + "fundedItem",
        "Funding-fundedItem",
        "Violation",
        None,
        ["<{F}> <" + SCHEMA + f"fundedItem> <{ID}partnership/0000000000000000> ."],
    ),
    "negative amount": (
        "F",
        SCHEMA + "amount",
        "Funding-amount",
        "Violation",
        r"^<{F}> <" + SCHEMA + "amount>",
        ["<{F}> <" + SCHEMA + "amount> " + lit("-5", "decimal") + " ."],
    ),
    "amount N/C": (
        "F",
        SCHEMA + "amount",
        "Funding-amount",
        "Violation",
        r"^<{F}> <" + SCHEMA + "amount>",
        ["<{F}> <" + SCHEMA + "amount> " + lit("N/C", "decimal") + " ."],
    ),
    "currency USD": (
        "F",
        SCHEMA + "currency",
        "Funding-currency",
        "Violation",
        r"^<{F}> <" + SCHEMA + "currency>",
        ["<{F}> <" + SCHEMA + 'currency> "USD" .'],
    ),
    "funding without year": ("F", CG + "year", "Funding-year", "Violation", r"^<{F}> <" + CG + "year>", []),
    "funding year 1900": (
        "F",
        CG + "year",
        "Funding-year",
        "Violation",
        r"^<{F}> <" + CG + "year>",
        ["<{F}> <" + CG + "year> " + lit("1900", "gYear") + " ."],
    ),
    "funding year outside the partnership's years": (
        "F",
        CG + "year",
        "FundingWarnings",
        "Warning",
        r"^<{F}> <" + CG + "year>",
        ["<{F}> <" + CG + "year> " + lit("2030", "gYear") + " ."],
    ),
    "1% column 1 negative": (
        "F",
        CG + "onePercentAmount1",
        "Funding-onePercent1",
        "Violation",
        None,
        ["<{F}> <" + CG + "onePercentAmount1> " + lit("-1", "decimal") + " ."],
    ),
    "1% column 2 is text": (
        "F",
        CG + "onePercentAmount2",
        "Funding-onePercent2",
        "Violation",
        None,
        ["<{F}> <" + CG + 'onePercentAmount2> "mille" .'],
    ),
    "1% column 3 twice": (
        "F",
        CG + "onePercentAmount3",
        "Funding-onePercent3",
        "Violation",
        None,
        [
            "<{F}> <" + CG + "onePercentAmount3> " + lit("1", "decimal") + " .",
            "<{F}> <" + CG + "onePercentAmount3> " + lit("2", "decimal") + " .",
        ],
    ),
    "1% column 1 above the amount": (
        "F",
        CG + "onePercentAmount1",
        "Funding-onePercent1-le",
        "Warning",
        None,
        ["<{F}> <" + CG + "onePercentAmount1> " + lit("999999", "decimal") + " ."],
    ),
    "1% column 2 above the amount": (
        "F",
        CG + "onePercentAmount2",
        "Funding-onePercent2-le",
        "Warning",
        None,
        ["<{F}> <" + CG + "onePercentAmount2> " + lit("999999", "decimal") + " ."],
    ),
    "1% column 3 above the amount": (
        "F",
        CG + "onePercentAmount3",
        "Funding-onePercent3-le",
        "Warning",
        None,
        ["<{F}> <" + CG + "onePercentAmount3> " + lit("999999", "decimal") + " ."],
    ),
    "other theme without theme": (
        "A",
        CG + "theme",
        "ThemeAssignment-theme",
        "Violation",
        r"^<{A}> <" + CG + "theme>",
        [],
    ),
    "other theme new (provisional)": (
        "A",
        CG + "theme",
        "ThemeAssignment-theme-curated",
        "Warning",
        None,
        [f"{T} <{CG}provisional> {TRUE} ."],
    ),
    "priority 0": (
        "A",
        CG + "priority",
        "ThemeAssignment-priority",
        "Violation",
        r"^<{A}> <" + CG + "priority>",
        ["<{A}> <" + CG + "priority> " + lit("0", "integer") + " ."],
    ),
    "other theme of no partnership": (
        "A",
        "^" + CG + "themeAssignment",
        "ThemeAssignment-partnership",
        "Violation",
        r"^<{P}> <" + CG + "themeAssignment> <{A}>",
        [],
    ),
    "source without file name": (
        "S",
        CG + "fileName",
        "SourcePage-fileName",
        "Violation",
        r"^<{S}> <" + CG + "fileName>",
        [],
    ),
    "sha256 in capitals": (
        "S",
        CG + "sha256",
        "SourcePage-sha256",
        "Violation",
        r"^<{S}> <" + CG + "sha256>",
        ["<{S}> <" + CG + 'sha256> "ABC" .'],
    ),
    "encoding latin-9": (
        "S",
        CG + "encoding",
        "SourcePage-encoding",
        "Violation",
        r"^<{S}> <" + CG + "encoding>",
        ["<{S}> <" + CG + 'encoding> "latin-9" .'],
    ),
    "synthetic is text": (
        "S",
        CG + "synthetic",
        "SourcePage-synthetic",
        "Violation",
        r"^<{S}> <" + CG + "synthetic>",
        ["<{S}> <" + CG + 'synthetic> "non" .'],
    ),
    "commune IRI with 4 digits": (
        f"{ID}commune/1601",
        None,
        "FrenchCollectiviteIRI",
        "Violation",
        None,
        [f"<{ID}commune/1601> <{TYPE}> <{CG}FrenchCollectivite> .", f'<{ID}commune/1601> <{RDFS}label> "Angoulême" .'],
    ),
    "collectivité without name": (
        COMMUNE[1:-1],
        RDFS + "label",
        "FrenchCollectivite-label",
        "Violation",
        r"^" + COMMUNE + " <" + RDFS + "label>",
        [],
    ),
    "INSEE code of 4 digits": (
        COMMUNE[1:-1],
        "http://rdf.insee.fr/def/geo#codeINSEE",
        "FrenchCollectivite-codeINSEE",
        "Violation",
        r"^" + COMMUNE + " <http://rdf.insee.fr/def/geo#codeINSEE>",
        [COMMUNE + ' <http://rdf.insee.fr/def/geo#codeINSEE> "1601" .'],
    ),
    "SIREN of 5 digits": (
        COMMUNE[1:-1],
        CG + "siren",
        "FrenchCollectivite-siren",
        "Violation",
        r"^" + COMMUNE + " <" + CG + "siren>",
        [COMMUNE + " <" + CG + 'siren> "21160" .'],
    ),
    "kind ville": (
        COMMUNE[1:-1],
        CG + "collectiviteKind",
        "FrenchCollectivite-kind",
        "Violation",
        r"^" + COMMUNE + " <" + CG + "collectiviteKind>",
        [COMMUNE + " <" + CG + 'collectiviteKind> "ville" .'],
    ),
    "link status unknown": (
        COMMUNE[1:-1],
        CG + "linkStatus",
        "FrenchCollectivite-linkStatus",
        "Violation",
        r"^" + COMMUNE + " <" + CG + "linkStatus>",
        [COMMUNE + " <" + CG + 'linkStatus> "peut-être" .'],
    ),
    "collectivité not linked": (
        f"{ID}collectivite/montreuil",
        CG + "linkStatus",
        "FrenchCollectivite-linked",
        "Info",
        None,
        [
            f"<{ID}collectivite/montreuil> <{TYPE}> <{CG}FrenchCollectivite> .",
            f'<{ID}collectivite/montreuil> <{RDFS}label> "Montreuil" .',
            f'<{ID}collectivite/montreuil> <{CG}linkStatus> "ambiguous" .',
        ],
    ),
    "point without longitude": (
        SEGOU[1:-1],
        "http://www.w3.org/2003/01/geo/wgs84_pos#long",
        "Placed-long",
        "Violation",
        r"^" + SEGOU + r" <http://www\.w3\.org/2003/01/geo/wgs84_pos#long>",
        [],
    ),
    "latitude as a string": (
        SEGOU[1:-1],
        "http://www.w3.org/2003/01/geo/wgs84_pos#lat",
        "Placed-lat",
        "Violation",
        r"^" + SEGOU + r" <http://www\.w3\.org/2003/01/geo/wgs84_pos#lat>",
        [SEGOU + ' <http://www.w3.org/2003/01/geo/wgs84_pos#lat> "13.4317" .'],
    ),
    "point without geometry": (
        SEGOU[1:-1],
        "http://www.opengis.net/ont/geosparql#hasGeometry",
        "Placed-geometry",
        "Violation",
        r"^" + SEGOU + r" <http://www\.opengis\.net/ont/geosparql#hasGeometry>",
        [],
    ),
    "unknown placement": (
        SEGOU[1:-1],
        CG + "placement",
        "Placed-placement",
        "Violation",
        r"^" + SEGOU + " <" + CG + "placement>",
        [SEGOU + " <" + CG + 'placement> "nearby" .'],
    ),
    "geometry without WKT": (
        SEGOU[1:-1] + "/geometry",
        "http://www.opengis.net/ont/geosparql#asWKT",
        "Geometry-wkt",
        "Violation",
        r"^<" + ID + r"foreign/mli/segou/geometry> <http://www\.opengis\.net/ont/geosparql#asWKT>",
        [],
    ),
    "unknown place status": (
        SEGOU[1:-1],
        CG + "placeStatus",
        "PlaceStatus-in",
        "Violation",
        r"^" + SEGOU + " <" + CG + "placeStatus>",
        [SEGOU + " <" + CG + 'placeStatus> "maybe" .'],
    ),
    "foreign partner without name": (
        SEGOU[1:-1],
        RDFS + "label",
        "ForeignCollectivite-label",
        "Violation",
        r"^" + SEGOU + " <" + RDFS + "label>",
        [],
    ),
    "foreign partner without country": (
        SEGOU[1:-1],
        CG + "country",
        "ForeignCollectivite-country",
        "Violation",
        r"^" + SEGOU + " <" + CG + "country>",
        [],
    ),
    "country not in the EU table": (
        SEGOU[1:-1],
        CG + "country",
        "ForeignCollectivite-country-curated",
        "Warning",
        r"^" + SEGOU + " <" + CG + "country>",
        [
            SEGOU + f" <{CG}country> <{ID}country/atlantide> .",
            f"<{ID}country/atlantide> <{TYPE}> <{SKOS}Concept> .",
            f'<{ID}country/atlantide> <{SKOS}prefLabel> "Atlantide"@fr .',
            f"<{ID}country/atlantide> <{CG}provisional> {TRUE} .",
        ],
    ),
    "funder without name": (
        f"{ID}org/x",
        RDFS + "label",
        "Funder-label",
        "Violation",
        None,
        [f"<{ID}org/x> <{TYPE}> <{CG}Funder> ."],
    ),
    "embassy without name": (
        EMBASSY[1:-1],
        RDFS + "label",
        "Embassy-label",
        "Violation",
        r"^" + EMBASSY + " <" + RDFS + "label>",
        [],
    ),
    "provisional concept without label": (
        f"{ID}theme/x",
        SKOS + "prefLabel",
        "ProvisionalConcept-label",
        "Violation",
        None,
        [f"<{ID}theme/x> <{CG}provisional> {TRUE} ."],
    ),
    "provisional flag is text": (
        f"{ID}theme/y",
        CG + "provisional",
        "ProvisionalConcept-flag",
        "Violation",
        None,
        [f'<{ID}theme/y> <{CG}provisional> "oui" .', f'<{ID}theme/y> <{SKOS}prefLabel> "Y"@fr .'],
    ),
    "partnership IRI not minted by coopgraph": (
        f"{ID}partnership/XYZ",
        None,
        "PartnershipIRI",
        "Violation",
        "RENAME",
        [],
    ),
}


def _mutate(nt: str, remove, add: list[str]) -> tuple[str, dict]:
    P = _p(nt)
    names = {"P": P, "F": f"{P}/funding/1", "A": f"{P}/theme/1", "S": _src(nt)}
    if remove == "RENAME":
        nt = nt.replace(P, f"{ID}partnership/XYZ")
        return nt, names
    lines = nt.splitlines()
    if remove:
        pattern = re.compile(
            remove.replace("{P}", re.escape(P))
            .replace("{F}", re.escape(names["F"]))
            .replace("{A}", re.escape(names["A"]))
            .replace("{S}", re.escape(names["S"]))
        )
        kept = [x for x in lines if not pattern.search(x)]
        assert len(kept) < len(lines), f"nothing removed by {remove}"
        lines = kept
    for a in add:
        lines.append(
            a.replace("{P}", P).replace("{F}", names["F"]).replace("{A}", names["A"]).replace("{S}", names["S"])
        )
    return "\n".join(lines) + "\n", names


@pytest.mark.parametrize("case", sorted(CASES))
def test_validate_every_shape_smallest_break(case, seed_nt, cli, tmp_path):
    focus, path, shape, severity, remove, add = CASES[case]
    nt, names = _mutate(seed_nt, remove, add)
    f = tmp_path / "case.nt"
    f.write_text(nt, encoding="utf-8")
    r = cli("validate", f, "--format", "json", "--lang", "en")
    assert r.code == (1 if severity == "Violation" else 0), (r.code, r.err, r.out[:2000])
    focus_iri = names.get(focus, focus)
    found = [
        x
        for g in r.json["groups"]
        for x in g["results"]
        if x["sourceShape"] == SHS + shape and x["focusNode"] == f"<{focus_iri}>"
    ]
    assert found, f"{case}: no result from {shape} on {focus_iri}: {r.out[:3000]}"
    x = found[0]
    assert x["severity"] == severity
    if path is None:
        assert x["path"] is None
    else:
        assert x["path"] == (f"^<{path[1:]}>" if path.startswith("^") else f"<{path}>")
    assert x["message"] and x["messages"].get("fr") and x["messages"].get("en")


def test_validate_cases_cover_every_shape():
    g = rdflib.Graph().parse(SHAPES)
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    with_constraints = set()
    for s in set(g.subjects(rdflib.RDF.type, SH.PropertyShape)) | set(g.subjects(rdflib.RDF.type, SH.NodeShape)):
        targeted = any(g.triples((s, p, None)) for p in (SH.targetClass, SH.targetSubjectsOf))
        referenced = any(g.triples((None, SH.property, s)))
        helper = any(g.triples((None, SH.node, s))) or any(
            g.triples((n, SH.property, s)) for n in g.subjects(SH.node, None)
        )
        if (targeted or referenced) and not helper:
            own = {p for p in g.predicates(s)} - {
                rdflib.RDF.type,
                SH.name,
                SH.description,
                SH.message,
                SH.property,
                SH.targetClass,
                SH.targetSubjectsOf,
                SH.severity,
            }
            if own:
                with_constraints.add(str(s).removeprefix(SHS))
    covered = {c[2] for c in CASES.values()}
    assert with_constraints <= covered, sorted(with_constraints - covered)


def test_validate_every_shape_speaks_french_and_english():
    g = rdflib.Graph().parse(SHAPES)
    SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    shapes = set(g.subjects(rdflib.RDF.type, SH.PropertyShape)) | set(g.subjects(rdflib.RDF.type, SH.NodeShape))
    for s in shapes:
        texts = list(g.objects(s, SH.message)) + list(g.objects(s, SH.name)) + list(g.objects(s, SH.description))
        for c in g.objects(s, SH.sparql):
            texts += list(g.objects(c, SH.message))
        langs = {t.language for t in texts}
        assert {"fr", "en"} <= langs, f"{s}: needs sh:name/sh:description or sh:message in French and English"


def test_validate_shapes_pass_shacl_shacl():
    import pyshacl

    g = rdflib.Graph().parse(SHAPES)
    conforms, _, text = pyshacl.validate(rdflib.Graph(), shacl_graph=g, meta_shacl=True)
    assert conforms, text

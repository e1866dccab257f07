"""Checks of an IATI 2.03 activities file written by the tests' own reading of the standard:
lxml against the XSD shipped in the installed package, and every coded attribute against the
codelist XML files shipped beside it (not through coopgraph's own checking code)."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources

from lxml import etree

XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CG = "{https://w3id.org/coopgraph/ontology#}"


def _iati_dir():
    return resources.files("coopgraph.data") / "iati-2.03"


def schema_errors(path) -> list[str]:
    with resources.as_file(_iati_dir() / "schemas") as folder:
        schema = etree.XMLSchema(etree.parse(str(folder / "iati-activities-schema.xsd")))
    doc = etree.parse(str(path), etree.XMLParser(huge_tree=True))
    if schema.validate(doc):
        return []
    return [f"line {e.line}: {e.message}" for e in list(schema.error_log)[:20]]


def codelist(name: str) -> set[str]:
    root = etree.fromstring((_iati_dir() / "codelists" / f"{name}.xml").read_bytes())
    return {c.text.strip() for c in root.iter("code")}


def dac_codes() -> tuple[set[str], set[str]]:
    text = (resources.files("coopgraph.data") / "dac-sectors.tsv").read_text(encoding="utf-8")
    rows = [line.split("\t") for line in text.splitlines()[1:] if line]
    return {r[0] for r in rows if r[4] == "active"}, {r[1] for r in rows if r[4] == "active"}


def sdg_codes() -> tuple[set[str], set[str]]:
    goals = {str(i) for i in range(1, 18)}
    text = (resources.files("coopgraph.data") / "sdg-kos.ttl").read_text(encoding="utf-8")
    import re

    targets = set(re.findall(r"^sdg:(\d+\.[0-9a-z]+) a sdgo:Target", text, re.MULTILINE))
    assert len(targets) == 169
    return goals, targets


CODED = [
    ("reporting-org", "type", "OrganisationType"),
    ("participating-org", "role", "OrganisationRole"),
    ("participating-org", "type", "OrganisationType"),
    ("activity-status", "code", "ActivityStatus"),
    ("activity-date", "type", "ActivityDateType"),
    ("description", "type", "DescriptionType"),
    ("contact-info", "type", "ContactType"),
    ("recipient-country", "code", "Country"),
    ("location/location-reach", "code", "GeographicLocationReach"),
    ("location/location-id", "vocabulary", "GeographicVocabulary"),
    ("location/exactness", "code", "GeographicExactness"),
    ("location/location-class", "code", "GeographicLocationClass"),
    ("sector", "vocabulary", "SectorVocabulary"),
    ("tag", "vocabulary", "TagVocabulary"),
    ("transaction/transaction-type", "code", "TransactionType"),
    ("transaction/provider-org", "type", "OrganisationType"),
]


def code_errors(path) -> list[str]:
    lists = {name: codelist(name) for _, _, name in CODED}
    currencies, languages = codelist("Currency"), codelist("Language")
    dac5, dac3 = dac_codes()
    goals, targets = sdg_codes()
    errors = []
    for act in etree.parse(str(path)).getroot().iter("iati-activity"):
        ident = act.findtext("iati-identifier")
        if act.get("default-currency") not in currencies:
            errors.append(f"{ident}: currency {act.get('default-currency')}")
        if act.get(XML_LANG) not in languages:
            errors.append(f"{ident}: language {act.get(XML_LANG)}")
        for xpath, attr, name in CODED:
            for el in act.findall(xpath):
                if el.get(attr) is not None and el.get(attr) not in lists[name]:
                    errors.append(f"{ident}: {xpath}/@{attr}={el.get(attr)} not in {name}")
        sums: dict[str, Decimal] = {}
        for el in act.findall("sector"):
            voc, code = el.get("vocabulary"), el.get("code")
            if voc not in ("1", "2") or code not in (dac5 if voc == "1" else dac3):
                errors.append(f"{ident}: sector {voc}/{code}")
            sums[voc] = sums.get(voc, Decimal(0)) + Decimal(el.get("percentage"))
        if act.findall("recipient-country"):
            sums["country"] = sum(Decimal(el.get("percentage")) for el in act.findall("recipient-country"))
        for what, total in sums.items():
            if total != 100:
                errors.append(f"{ident}: {what} percentages sum to {total}")
        for el in act.findall("tag"):
            voc, code = el.get("vocabulary"), el.get("code")
            if not ((voc == "2" and code in goals) or (voc == "3" and code in targets)):
                errors.append(f"{ident}: tag {voc}/{code}")
    return errors


def activities(path) -> list:
    return list(etree.parse(str(path)).getroot().iter("iati-activity"))


def transactions_total(act) -> Decimal:
    return sum((Decimal(v.text) for v in act.findall("transaction/value")), Decimal(0))

"""The IATI 2.03 schema and codelists shipped in coopgraph/data/iati-2.03 (see its README),
and the checks of an IATI file against them."""

from __future__ import annotations

import functools
import xml.etree.ElementTree as ET
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

from ..link import refdata

IATI_DIR = "iati-2.03"


def _data():
    return resources.files("coopgraph.data") / IATI_DIR


@functools.lru_cache(maxsize=None)
def codelist(name: str) -> dict[str, str]:
    """code -> English name, of a shipped 2.03 codelist ("OrganisationType", "Country", ...)."""
    root = ET.fromstring((_data() / "codelists" / f"{name}.xml").read_bytes())
    out = {}
    for item in root.iter("codelist-item"):
        code = item.findtext("code")
        if code is None:
            continue
        name_el = item.find("name/narrative")
        out[code.strip()] = (name_el.text or "").strip() if name_el is not None else ""
    return out


@functools.lru_cache(maxsize=1)
def dac_codes() -> tuple[frozenset[str], frozenset[str]]:
    """Active DAC 5-digit purpose codes (vocabulary 1) and 3-digit categories (vocabulary 2),
    from the package's copy of the current Sector / SectorCategory codelists."""
    codes, cats = set(), set()
    for r in refdata.dac_sectors():
        if r["status"] == "active":
            codes.add(r["code"])
            cats.add(r["category"])
    return frozenset(codes), frozenset(cats)


@functools.lru_cache(maxsize=1)
def sdg_codes() -> tuple[frozenset[str], frozenset[str]]:
    """UN SDG goal codes ("6") and target codes ("6.3"), from the UN SDG KOS the package ships."""
    from pyoxigraph import RdfFormat, parse

    goals, targets = set(), set()
    data = (resources.files("coopgraph.data") / "sdg-kos.ttl").read_bytes()
    base = "http://metadata.un.org/sdg/"
    for t in parse(data, format=RdfFormat.TURTLE):
        s = t.subject.value
        if s.startswith(base) and t.predicate.value.endswith("#type"):
            code = s[len(base) :]
            if code.isdigit():
                goals.add(code)
            elif code.count(".") == 1:
                targets.add(code)
    return frozenset(goals), frozenset(targets)


@contextmanager
def schema_path():
    """A real file path of iati-activities-schema.xsd (its includes are read beside it)."""
    with resources.as_file(_data() / "schemas") as folder:
        yield Path(folder) / "iati-activities-schema.xsd"


@functools.lru_cache(maxsize=1)
def _schema():
    from lxml import etree

    with schema_path() as path:
        return etree.XMLSchema(etree.parse(str(path)))


def schema_errors(path: str | Path) -> list[str]:
    """Errors of the file at `path` against the IATI 2.03 activities schema (empty: valid).

    Validated while it is parsed, one activity at a time (an Atlas-scale file is ~100 MB: its
    whole tree would take about ten times that in memory); stops at the first error. Needs lxml
    (a dependency of coopgraph)."""
    from lxml import etree

    try:
        for _, el in etree.iterparse(str(path), events=("end",), schema=_schema(), huge_tree=True):
            if el.tag == "iati-activity":
                el.clear()
                while el.getprevious() is not None:
                    del el.getparent()[0]
    except etree.XMLSyntaxError as e:  # schema errors carry no line number when streamed
        msg = str(e.msg)
        return [f"line {e.lineno}: {msg}" if e.lineno and "line" not in msg else msg]
    except OSError as e:
        return [f"cannot read {path}: {e}"]
    return []


# (XPath from an iati-activity, attribute, codelist) — the coded attributes the export writes.
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
    ("transaction/receiver-org", "type", "OrganisationType"),
]


def code_errors(path: str | Path, limit: int = 50) -> list[str]:
    """Codes in the file that are not in their 2.03 codelist (or, for sectors and SDG tags, in the
    DAC and UN SDG lists), and percentages that do not sum to 100 per vocabulary."""
    from decimal import Decimal

    errors: list[str] = []
    dac5, dac3 = dac_codes()
    goals, targets = sdg_codes()
    currencies = codelist("Currency")
    for _, act in ET.iterparse(str(path)):
        if act.tag != "iati-activity":
            continue
        ident = act.findtext("iati-identifier") or "?"
        cur = act.get("default-currency")
        if cur is not None and cur not in currencies:
            errors.append(f"{ident}: default-currency {cur!r} is not in Currency")
        lang = act.get("{http://www.w3.org/XML/1998/namespace}lang")
        if lang is not None and lang not in codelist("Language"):
            errors.append(f"{ident}: xml:lang {lang!r} is not in Language")
        for xpath, attr, name in CODED:
            for el in act.findall(xpath):
                v = el.get(attr)
                if v is not None and v not in codelist(name):
                    errors.append(f"{ident}: {xpath}/@{attr} {v!r} is not in {name}")
        shares: dict[str, Decimal] = {}
        for el in act.findall("sector"):
            voc, code = el.get("vocabulary", "1"), el.get("code")
            if (voc == "1" and code not in dac5) or (voc == "2" and code not in dac3):
                errors.append(f"{ident}: sector {code!r} is not an active code of vocabulary {voc}")
            shares["sector " + voc] = shares.get("sector " + voc, Decimal(0)) + Decimal(el.get("percentage", "100"))
        for el in act.findall("recipient-country"):
            shares["country"] = shares.get("country", Decimal(0)) + Decimal(el.get("percentage", "100"))
        for what, total in shares.items():
            if total != 100:
                errors.append(f"{ident}: {what} percentages sum to {total}, not 100")
        for el in act.findall("tag"):
            tag_voc, tag = el.get("vocabulary"), el.get("code")
            if (tag_voc == "2" and tag not in goals) or (tag_voc == "3" and tag not in targets):
                errors.append(f"{ident}: tag {tag!r} is not in SDG vocabulary {tag_voc}")
        for el in act.findall("transaction/value"):
            c = el.get("currency")
            if c is not None and c not in currencies:
                errors.append(f"{ident}: transaction currency {c!r} is not in Currency")
        act.clear()
        if len(errors) >= limit:
            break
    return errors[:limit]

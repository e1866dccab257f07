"""The graph as IATI 2.03 activities: one `iati-activity` per partnership.

What goes where (the README's "Exports" section says the same for users):
- `iati-identifier`: the reporting organisation's ref, "-", the partnership's key (the hash its
  IRI ends with), so it stays the same from one export to the next; `linked-data-uri`: its IRI.
- `participating-org`: each funder once (role 1, Funding); the French collectivités (role 2,
  Accountable: they sign the cooperation agreement and answer for the partnership, whatever
  share they fund); the foreign collectivités (role 4, Implementing). A French collectivité
  with a SIREN gets the ref `FR-RCS-<SIREN>` (org-id.guide: FR-INSEE, the SIRENE register, is
  deprecated in favour of FR-RCS, whose identifiers are SIREN/SIRET numbers); no other ref is
  made up.
- `transaction`: each funding row, type 1 (Incoming Funds), its "Montant en euros" as the value,
  dated 1 January of its year, the funder as provider-org. The three "1%" amounts are not part
  of the value (the Atlas does not say they are a share of it, and in the real page they exceed
  it): they ride along as `cg:onePercentAmount1/2/3` attributes (an extension namespace, which
  IATI allows) and in the transaction's description, so a transaction total is the Atlas total.
- `sector`: the DAC codes the themes map to (`skos:closeMatch`, the nearest mapped broader theme
  when a theme has none), 5-digit codes as vocabulary 1, 3-digit categories as vocabulary 2,
  shares split evenly and summing to 100 per vocabulary; `tag`: ODD goals (vocabulary 2) and
  targets (vocabulary 3); `recipient-country`: the foreign partners' countries, evenly.
- No personal data unless asked: then the contacts (not the volunteers) as `contact-info`.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from ..errors import CoopgraphError
from ..link import refdata
from . import codelists
from .graph import Org, Partnership, Snapshot, read

CG_NS = "https://w3id.org/coopgraph/ontology#"
DEFAULT_REF = "coopgraph"
DEFAULT_NAME = "coopgraph — Atlas français de la coopération décentralisée (MEAE), republié en données ouvertes"
DEFAULT_TYPE = "90"  # Other

# IATI says an organisation identifier must not hold spaces or / & | ? (they break the
# iati-identifier and URLs built from it).
_REF_OK = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]*$")


class IatiExportError(CoopgraphError):
    """The IATI export cannot be made as asked (bad reporting organisation, unwritable file)."""


class NoActivities(IatiExportError):
    """The store holds no partnership: an IATI file needs at least one activity."""


@dataclass
class ReportingOrg:
    ref: str = DEFAULT_REF
    name: str = DEFAULT_NAME
    type: str = DEFAULT_TYPE
    secondary: bool = True  # coopgraph republishes what the Atlas says

    def check(self) -> None:
        if not _REF_OK.match(self.ref or ""):
            raise IatiExportError(
                f"reporting organisation ref {self.ref!r}: use an organisation identifier "
                "without spaces or / & | ? (e.g. FR-RCS-123456789, see org-id.guide)"
            )
        if self.type not in codelists.codelist("OrganisationType"):
            known = ", ".join(f"{k} {v}" for k, v in codelists.codelist("OrganisationType").items())
            raise IatiExportError(f"reporting organisation type {self.type!r} is not an IATI OrganisationType: {known}")
        if not (self.name or "").strip():
            raise IatiExportError("the reporting organisation needs a name")


@dataclass
class IatiResult:
    path: Path | None
    activities: int = 0
    transactions: int = 0
    total: Decimal = Decimal(0)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (partnership IRI, why)
    contacts: int = 0


# --- XML text -------------------------------------------------------------------------------
_BAD_XML = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def esc(text: str) -> str:
    text = _BAD_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def attr(text: str) -> str:
    return esc(text).replace('"', "&quot;").replace("\n", "&#10;").replace("\r", "&#13;").replace("\t", "&#9;")


def amount(d: Decimal) -> str:
    """Plain decimal text: 35000, 1500.5 (no exponent, no trailing zeros)."""
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s or "0"


def shares(n: int) -> list[str]:
    """n percentages with two decimals, as even as possible, summing to exactly 100."""
    if n <= 0:
        return []
    base, extra = divmod(10000, n)
    return [amount(Decimal(base + (1 if i < extra else 0)) / 100) for i in range(n)]


# --- codes ----------------------------------------------------------------------------------
def _fold(text: str) -> str:
    s = unicodedata.normalize("NFKD", text.replace("’", "'")).encode("ascii", "ignore").decode().lower()
    return re.sub(r"\s+", " ", s).strip()


# Funder names → IATI OrganisationType, only where the name says it plainly (by how it begins,
# after an article: "Ministère de …", "L'Agence de l'Eau …", "Les Amis de …"); else no type.
_TYPE_RULES: list[tuple[tuple[str, ...], str]] = [
    (("collectivites et partenaires etrangers",), ""),  # the Atlas's catch-all row: several kinds
    (("association", "comite de jumelage", "comite des jumelages", "amis de", "amis d'", "ong "), "22"),
    (("fondation",), "60"),
    (("ministere", "ambassade de france", "etat francais", "prefecture"), "10"),
    (("agence de l'eau", "agence francaise de developpement", "caisse des depots", "ademe"), "15"),
    (
        (
            "union europeenne",
            "commission europeenne",
            "banque mondiale",
            "nations unies",
            "pnud",
            "unicef",
            "unesco",
            "organisation mondiale",
        ),
        "40",
    ),
    (("universite", "ecole nationale", "ecole superieure", "cnrs", "institut de recherche"), "80"),
    (
        (
            "conseil regional",
            "conseil departemental",
            "conseil general",
            "region ",
            "departement ",
            "ville de ",
            "ville d'",
            "ville du ",
            "commune de ",
            "mairie de ",
            "communaute d'agglomeration",
            "communaute de communes",
            "communaute urbaine",
            "metropole",
        ),
        "11",
    ),
]
_ARTICLE = re.compile(r"^(l'|la |le |les )")


def organisation_type(org: Org) -> str | None:
    if org.french or org.foreign:
        return "11"  # Local Government: a collectivité, French or foreign
    name = _ARTICLE.sub("", _fold(org.name))
    for needles, code in _TYPE_RULES:
        if name.startswith(needles):
            return code or None
    return None


def organisation_ref(org: Org) -> str | None:
    if org.french and org.siren and org.siren.isdigit() and len(org.siren) == 9:
        return f"FR-RCS-{org.siren}"
    return None


def activity_status(label: str | None, p: Partnership, today: dt.date) -> str:
    """ActivityStatus code from the page's status (an open list: read by its words), else from the dates."""
    s = _fold(label or "")
    for needles, code in (
        (("en cours", "actif", "active"), "2"),
        (("termin", "achev", "clos", "fini"), "4"),
        (("finalis",), "3"),
        (("suspend",), "6"),
        (("annul", "abandon"), "5"),
        (("projet", "prepar", "identif", "en attente", "a venir"), "1"),
    ):
        if any(n in s for n in needles):
            return code
    if p.end_date and p.end_date < today.isoformat():
        return "4"
    if p.start_year and p.start_year > str(today.year):
        return "1"
    return "2"


def _sectors(snap: Snapshot, p: Partnership, cache: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str]]:
    dac5, dac3 = codelists.dac_codes()
    out: list[tuple[str, str]] = []
    for use in p.themes:
        if use.theme not in cache:
            found: list[tuple[str, str]] = []
            node: str | None = use.theme
            seen: set[str] = set()
            while node and node not in seen and not found:  # the nearest mapped theme, upwards
                seen.add(node)
                c = snap.concept(node)
                if c is None:
                    break
                for m in sorted(c.close_matches):
                    code = m.rstrip("/").rsplit("/", 1)[-1]
                    if code in dac5:
                        found.append(("1", code))
                    elif code in dac3:
                        found.append(("2", code))
                node = c.broader
            cache[use.theme] = found
        for x in cache[use.theme]:
            if x not in out:
                out.append(x)
    return out


WGS84 = "http://www.opengis.net/def/crs/EPSG/0/4326"


def coordinate(value: str | None, limit: int) -> str | None:
    try:
        d = Decimal(value) if value else None
    except ArithmeticError:
        return None
    return amount(d) if d is not None and d.is_finite() and abs(d) <= limit else None


def _location(org: Org) -> str | None:
    """A foreign partner's place, when another stage linked it to GeoNames or gave it a point:
    GeoNames is IATI's geographic vocabulary G1; the point is the collectivité's, so approximate."""
    lat, long = coordinate(org.lat, 90), coordinate(org.long, 180)
    point = lat is not None and long is not None
    if not (org.geonames and org.geonames.isdigit()) and not point:
        return None
    x = [f'<location ref="{attr(org.iri)}"><location-reach code="1"/>']
    if org.geonames and org.geonames.isdigit():
        x.append(f'<location-id vocabulary="G1" code="{org.geonames}"/>')
    x.append(f"<name>{_narrative(org.name)}</name>")
    if point:
        x.append(f'<point srsName="{WGS84}"><pos>{lat} {long}</pos></point><exactness code="2"/>')
    x.append('<location-class code="1"/></location>')  # Administrative Region: a local authority's area
    return "".join(x)


def _dac_names() -> dict[tuple[str, str], str]:
    names: dict[tuple[str, str], str] = {}
    for r in refdata.dac_sectors():
        names[("1", r["code"])] = r["name_fr"] or r["name_en"]
        names.setdefault(("2", r["category"]), r["category_name_fr"] or r["category_name_en"])
    return names


def _now() -> dt.datetime:
    """SOURCE_DATE_EPOCH (reproducible builds) when set, else now; UTC, whole seconds."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc)
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0)


def _stamp(t: dt.datetime) -> str:
    return t.astimezone(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _narrative(text: str) -> str:
    return f"<narrative>{esc(text)}</narrative>"


class _Writer:
    def __init__(self, snap: Snapshot, reporting: ReportingOrg, include_personal: bool, today: dt.date):
        self.snap = snap
        self.rep = reporting
        self.personal = include_personal
        self.today = today
        self.countries = codelists.codelist("Country")
        self.dac_names = _dac_names()
        self.sector_cache: dict[str, list[tuple[str, str]]] = {}
        self.types: dict[str, str | None] = {}
        rep = f'<reporting-org ref="{attr(reporting.ref)}" type="{attr(reporting.type)}"'
        if reporting.secondary:
            rep += ' secondary-reporter="1"'
        self.reporting_xml = f"{rep}>{_narrative(reporting.name)}</reporting-org>"

    def org_type(self, org: Org) -> str | None:
        if org.iri not in self.types:
            self.types[org.iri] = organisation_type(org)
        return self.types[org.iri]

    def org_attrs(self, org: Org) -> str:
        out = ""
        ref = organisation_ref(org)
        if ref:
            out += f' ref="{ref}"'
        t = self.org_type(org)
        if t:
            out += f' type="{t}"'
        return out

    def org_name(self, org: Org) -> str:
        return org.pref_label or org.label or org.id

    def activity(self, p: Partnership, result: IatiResult) -> str | None:
        snap = self.snap
        status = activity_status(snap.label(p.status), p, self.today)
        start = p.start_year
        start_note = None
        if not start:
            years = sorted(f.year for f in p.fundings if f.year)
            if years:
                start, start_note = years[0], "Année du premier financement (l'Atlas ne donne pas l'année de début)"
            elif p.first_signature_year:
                start, start_note = p.first_signature_year, "Année de première signature de la convention"
        dates = []
        if start:
            kind = "1" if status == "1" else "2"
            note = _narrative(start_note) if start_note else ""
            dates.append(
                f'<activity-date type="{kind}" iso-date="{start[:4]}-01-01">{note}</activity-date>'
                if note
                else f'<activity-date type="{kind}" iso-date="{start[:4]}-01-01"/>'
            )
        if p.end_date:
            kind = "4" if status in ("3", "4", "5") else "3"
            dates.append(f'<activity-date type="{kind}" iso-date="{p.end_date[:10]}"/>')
        if not dates:
            result.skipped.append((p.iri, "no start year, end date or funding year: IATI needs an activity date"))
            return None
        funders: list[Org] = []
        for f in p.fundings:
            org = snap.orgs.get(f.funder or "")
            if org is not None and org not in funders:
                funders.append(org)
        parts: list[tuple[str, Org]] = [("1", o) for o in funders]
        parts += [("2", snap.orgs[i]) for i in p.french if i in snap.orgs]
        parts += [("4", snap.orgs[i]) for i in p.foreign if i in snap.orgs]
        if not parts:
            result.skipped.append((p.iri, "no funder and no partner: IATI needs a participating organisation"))
            return None

        out = [f'<iati-activity last-updated-datetime="{attr(p.generated_at)}"' if p.generated_at else "<iati-activity"]
        out[0] += (
            f' xml:lang="fr" default-currency="EUR" hierarchy="1" linked-data-uri="{attr(p.iri)}"'
            + (' cg:synthetic="true"' if snap.is_synthetic(p) else "")
            + ">"
        )
        out.append(f"<iati-identifier>{esc(self.rep.ref)}-{p.key}</iati-identifier>")
        out.append(self.reporting_xml)
        out.append(f"<title>{_narrative(p.title or p.abstract or p.key)}</title>")
        general = p.description or p.abstract or p.title or p.key
        out.append(f'<description type="1">{_narrative(general)}</description>')
        if p.objective:
            out.append(f'<description type="2">{_narrative(p.objective)}</description>')
        for text in (p.context, p.history):
            if text:
                out.append(f'<description type="4">{_narrative(text)}</description>')
        if snap.is_synthetic(p):
            out.append(
                '<description type="4">'
                + _narrative(
                    "DONNÉES SYNTHÉTIQUES : page fabriquée pour des tests de performance, pas une donnée réelle."
                )
                + "</description>"
            )
        for role, org in parts:
            out.append(
                f'<participating-org role="{role}"{self.org_attrs(org)}>'
                f"{_narrative(self.org_name(org))}</participating-org>"
            )
        out.append(f'<activity-status code="{status}"/>')
        out.extend(dates)
        if self.personal:
            for c in snap.contacts.get(p.iri, ()):
                x = ['<contact-info type="1">']
                if c.organisation:
                    x.append(f"<organisation>{_narrative(c.organisation)}</organisation>")
                if c.name:
                    x.append(f"<person-name>{_narrative(c.name)}</person-name>")
                if c.job_title:
                    x.append(f"<job-title>{_narrative(c.job_title)}</job-title>")
                if c.email:
                    x.append(f"<email>{esc(c.email)}</email>")
                x.append("</contact-info>")
                out.append("".join(x))
                result.contacts += 1
        countries: list[tuple[str, str]] = []
        for i in p.foreign:
            org = snap.orgs.get(i)
            country = snap.concept(org.country if org else None)
            code = country.alpha2() if country else None
            if code and country and code in self.countries and code not in [k for k, _ in countries]:
                countries.append((code, country.label))
        for (code, label), share in zip(countries, shares(len(countries))):
            out.append(f'<recipient-country code="{code}" percentage="{share}">{_narrative(label)}</recipient-country>')
        for i in p.foreign:
            org = snap.orgs.get(i)
            if org is not None:
                loc = _location(org)
                if loc:
                    out.append(loc)
        sectors = _sectors(snap, p, self.sector_cache)
        for voc in ("1", "2"):
            mine = [code for v, code in sectors if v == voc]
            for code, share in zip(mine, shares(len(mine))):
                name = self.dac_names.get((voc, code))
                out.append(
                    f'<sector vocabulary="{voc}" code="{code}" percentage="{share}">'
                    + (_narrative(name) if name else "")
                    + "</sector>"
                )
        for code in p.sdg_goals:
            out.append(f'<tag vocabulary="2" code="{esc(code)}"/>')
        for code in p.sdg_targets:
            out.append(f'<tag vocabulary="3" code="{esc(code)}"/>')
        for f in p.fundings:
            if f.amount is None:
                result.skipped.append((f.iri, "funding row without an amount"))
                continue
            year = (f.year or start or "")[:4]
            if not year:
                result.skipped.append((f.iri, "funding row without a year, in a partnership without one"))
                continue
            org = snap.orgs.get(f.funder or "")
            ones = "".join(
                f' cg:onePercentAmount{i}="{amount(v)}"' for i, v in enumerate(f.one_percent, 1) if v is not None
            )
            x = [
                f'<transaction ref="{attr(f.iri)}"{ones}><transaction-type code="1"/>'
                f'<transaction-date iso-date="{year}-01-01"/>'
                f'<value currency="EUR" value-date="{year}-01-01">{amount(f.amount)}</value>'
            ]
            if ones:
                cols = " ; ".join(
                    f"colonne {i} : {amount(v)} EUR" for i, v in enumerate(f.one_percent, 1) if v is not None
                )
                x.append(
                    "<description>"
                    + _narrative(
                        f"Montants « 1 % » de la ligne (Atlas, colonnes « Montant 1% … »), hors valeur : {cols}."
                    )
                    + "</description>"
                )
            elif not f.year:
                x.append(
                    "<description>"
                    + _narrative("Ligne sans année dans l'Atlas : datée de l'année de début du partenariat.")
                    + "</description>"
                )
            if org is not None:
                x.append(f"<provider-org{self.org_attrs(org)}>{_narrative(self.org_name(org))}</provider-org>")
            x.append("</transaction>")
            out.append("".join(x))
            result.transactions += 1
            result.total += f.amount
        out.append("</iati-activity>\n")
        result.activities += 1
        return "\n".join(out)


def write_iati(
    snap: Snapshot,
    out,
    *,
    reporting: ReportingOrg | None = None,
    include_personal: bool = False,
    generated: dt.datetime | None = None,
) -> IatiResult:
    """Write the snapshot's partnerships as an IATI 2.03 activities document to the text stream `out`."""
    reporting = reporting or ReportingOrg()
    reporting.check()
    generated = generated or _now()
    result = IatiResult(None)
    w = _Writer(snap, reporting, include_personal, generated.date())
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    partnerships = snap.ordered()
    if any(snap.is_synthetic(p) for p in partnerships):
        out.write(
            "<!-- ATTENTION / WARNING: this file holds SYNTHETIC partnerships (benchmark pages, not real "
            'data), marked cg:synthetic="true". -->\n'
        )
    if include_personal:
        out.write(
            "<!-- DONNÉES PERSONNELLES / PERSONAL DATA: contact-info holds names and e-mail addresses "
            "(GDPR). Do not republish without a legal basis. -->\n"
        )
    out.write(f'<iati-activities version="2.03" generated-datetime="{_stamp(generated)}" xmlns:cg="{CG_NS}">\n')
    for p in partnerships:
        text = w.activity(p, result)
        if text is not None:
            out.write(text)
    out.write("</iati-activities>\n")
    return result


def export_iati(
    store,
    path: str | Path,
    *,
    reporting: ReportingOrg | None = None,
    include_personal: bool = False,
    generated: dt.datetime | None = None,
) -> IatiResult:
    """Read `store` (a coopgraph Store) in bulk and write its partnerships to `path` as IATI 2.03 XML.

    The file is written beside `path` and moved into place when complete. Raises IatiExportError
    for a bad reporting organisation or a path that cannot be written."""
    (reporting or ReportingOrg()).check()
    path = Path(path)
    snap = read(store, personal=include_personal)
    if not snap.partnerships:
        raise NoActivities(
            "the store holds no partnership: an IATI file needs at least one activity (run 'coopgraph ingest' first)"
        )
    # A regular file is written beside and moved into place, so a reader never sees half of it;
    # anything else (/dev/stdout, a pipe) is written as it is, never replaced.
    special = path.exists() and not path.is_file()
    tmp = path if special else path.with_name(f".{path.name}.part")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as f:
            result = write_iati(snap, f, reporting=reporting, include_personal=include_personal, generated=generated)
        if not special:
            os.replace(tmp, path)
    except OSError as e:
        if not special:
            try:
                tmp.unlink()
            except OSError:
                pass
        raise IatiExportError(f"cannot write {path}: {e.strerror or e}") from None
    result.path = path
    return result

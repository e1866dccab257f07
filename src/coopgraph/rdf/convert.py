"""Records → RDF quads (pyoxigraph terms).

The converter splits what a page says into three parts:
- the page graph (`graph/partnership/KEY`): the partnership, its fundings, theme assignments
  and source, replaced whole when the page is ingested again;
- the shared entities graph (`graph/entities`): collectivités, funders, embassies and concepts
  first seen in a page, which several pages describe identically (a set: adding twice is a no-op);
- the personal graph (`graph/personal/KEY`): contacts and volunteers, which go to a separate store.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, parse

from .. import resources
from ..records import Contact, Partnership
from . import iris
from .namespaces import CG, DCTERMS, GEO, GN, IGEO, ORG, PROV, RDF, RDFS, SCHEMA, SKOS, WGS84, XSD

if TYPE_CHECKING:  # the link stage is optional for the converter
    from ..link.page import PageLinks
    from ..link.places import PlaceMatch


@dataclass
class Converted:
    key: str
    partnership: NamedNode
    graph: NamedNode
    page: list[Quad] = field(default_factory=list)
    entities: list[Quad] = field(default_factory=list)
    personal: list[Quad] = field(default_factory=list)
    new_concepts: list[str] = field(default_factory=list)  # labels of values not in the curated schemes


# E-mail addresses (also written name[at]domain) belong to people: free text that carries one
# (a contact named in a paragraph, a scrambled page) is published with the address masked.
_EMAIL_IN_TEXT = re.compile(r"[\w.+-]+(?:@|\[at\]|\(at\))[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)
EMAIL_MASK = "[courriel retiré]"


def _text(value: str) -> Literal:
    # An address needs "@", "[at]" or "(at)" (any case: IGNORECASE gives "a" and "t" no other
    # letter); most texts have none, and the pattern is slow to fail on long prose.
    low = value.lower()
    if "@" in value or "[at]" in low or "(at)" in low:
        value = _EMAIL_IN_TEXT.sub(EMAIL_MASK, value)
    return Literal(value, language="fr")


def _lit(value: str, lang: str | None = None) -> Literal:
    return Literal(value, language=lang) if lang else Literal(value)


def _typed(value: object, datatype: NamedNode) -> Literal:
    return Literal(str(value), datatype=datatype)


def _decimal(value: Decimal) -> Literal:
    # The lexical form the store writes back ("35000", "1500.5": no exponent, no trailing zero),
    # so that the N-Triples kept at ingest (dumpcache.py) are the bytes a dump of the store gives.
    return Literal(format(value.normalize(), "f"), datatype=XSD.decimal)


# IRIs minted from names recur across pages (themes, funders, statuses): fold each name once.
# Pure functions of their arguments, so caching changes nothing but the time.
_theme_iri = lru_cache(maxsize=4096)(iris.theme)
_name_key = lru_cache(maxsize=65536)(iris.name_key)
_organisation_iri = lru_cache(maxsize=65536)(iris.organisation)
_status_iri = lru_cache(maxsize=1024)(iris.status)
_form_iri = lru_cache(maxsize=1024)(iris.form)


def _literals(add, node: NamedNode, pairs) -> None:
    """Add (property, plain literal) for each pair whose value is given."""
    for prop, value in pairs:
        if value:
            add(node, prop, _lit(value))


@lru_cache(maxsize=1)
def curated_concepts() -> frozenset[str]:
    """IRIs of the concepts of the curated theme, status and form schemes."""
    found = set()
    for name in ("themes.ttl", "schemes.ttl"):
        for t in parse(resources.ontology_file(name).read_bytes(), format=RdfFormat.TURTLE):
            if t.predicate == RDF.type and t.object == SKOS.Concept:
                found.add(t.subject.value)
    return frozenset(found)


def partnership_key(p: Partnership) -> str:
    return iris.partnership_key(
        p.title, [f.name for f in p.french_partners], [(f.name, f.country) for f in p.foreign_partners]
    )


_ENTITIES = NamedNode(iris.G_ENTITIES)


class _Builder:
    def __init__(
        self, p: Partnership, links: "PageLinks | None", ingested_at: dt.datetime | None, key: str | None = None
    ):
        self.p = p
        self.links = links
        self.key = key if key is not None else partnership_key(p)
        self.node = NamedNode(iris.partnership(self.key))
        self.graph = NamedNode(iris.partnership_graph(self.key))
        self.personal_graph = NamedNode(iris.personal_graph(self.key))
        self.out = Converted(self.key, self.node, self.graph)
        self.ingested_at = ingested_at
        self._french: dict[str, NamedNode] = {}  # name key → node, for partners that also fund

    def page(self, s, p, o) -> None:
        self.out.page.append(Quad(s, p, o, self.graph))

    def entity(self, s, p, o) -> None:
        self.out.entities.append(Quad(s, p, o, _ENTITIES))

    def personal(self, s, p, o) -> None:
        self.out.personal.append(Quad(s, p, o, self.personal_graph))

    # -- concepts ----------------------------------------------------------------------------
    def concept(self, iri: str, label: str, scheme: str, broader: str | None) -> NamedNode:
        node = NamedNode(iri)
        if iri not in curated_concepts():
            # An open list: keep the new value, labelled as written, and flag it.
            if label not in self.out.new_concepts:
                self.out.new_concepts.append(label)
            self.entity(node, RDF.type, SKOS.Concept)
            self.entity(node, SKOS.prefLabel, _lit(label, "fr"))
            self.entity(node, SKOS.inScheme, NamedNode(scheme))
            if broader:
                self.entity(node, SKOS.broader, NamedNode(broader))
            else:
                self.entity(node, SKOS.topConceptOf, NamedNode(scheme))
            self.entity(node, CG.provisional, _typed("true", XSD.boolean))
        return node

    def theme(self, path: tuple[str, ...]) -> NamedNode:
        node = None
        for depth in range(1, len(path) + 1):
            parent = _theme_iri(path[: depth - 1]) if depth > 1 else None
            node = self.concept(_theme_iri(path[:depth]), path[depth - 1], iris.THEME_SCHEME, parent)
        assert node is not None
        return node

    # -- organisations -----------------------------------------------------------------------
    def french(self, name: str) -> NamedNode:
        key = _name_key(name)
        if key in self._french:
            return self._french[key]
        m = self.links.french.get(name) if self.links else None
        linked = m if m is not None and m.status == "linked" else None
        code = (
            (linked.insee or linked.siren)
            if linked and linked.kind in ("commune", "departement", "region")
            else (linked.siren if linked else None)
        )
        node = NamedNode(iris.french_collectivite(name, linked.kind if linked else None, code))
        self.entity(node, RDF.type, CG.FrenchCollectivite)
        self.entity(node, RDFS.label, _lit(name))
        if m is not None:
            self.entity(node, CG.linkStatus, _lit(m.status))
        if linked:
            _literals(
                self.entity,
                node,
                (
                    (CG.collectiviteKind, linked.kind),
                    (SKOS.prefLabel, linked.official_name),
                    (IGEO.codeINSEE, linked.insee),
                    (CG.siren, linked.siren),
                ),
            )
            self.place(node, self.links.french_places.get(name) if self.links else None)
        self._french[key] = node
        return node

    def foreign(self, name: str, country_name: str) -> tuple[NamedNode, NamedNode]:
        """A foreign collectivité's node (keyed by its country, so namesakes abroad stay apart)."""
        country = self.country(country_name)
        m = self.links.places.get((name, country_name)) if self.links else None
        settled = m.place.geonames_id if m is not None and m.settled and m.place else None
        return NamedNode(iris.foreign_collectivite(name, country.value.rsplit("/", 1)[-1].lower(), settled)), country

    def place(self, node: NamedNode, m: "PlaceMatch | None", country: NamedNode | None = None) -> None:
        """Where a collectivité is: its GeoNames place (exactMatch when it is that place, cg:placedAt
        when it only gets its seat's point), the point as WGS84 and as a GeoSPARQL geometry."""
        if m is None:
            return
        self.entity(node, CG.placeStatus, _lit(m.status))
        if m.status in ("ambiguous", "unmatched") and m.reason:
            note = m.reason + (f" (candidates: {'; '.join(m.candidates)})" if m.candidates else "")
            self.entity(node, CG.placeNote, _lit(note))
        p = m.place
        if p is None:
            return
        gn = NamedNode(iris.geonames(p.geonames_id))
        self.entity(node, SKOS.exactMatch if m.exact else CG.placedAt, gn)
        assert m.placement is not None  # a placed match says how it was placed
        self.entity(node, CG.placement, _lit(m.placement))
        self.entity(gn, GN.name, _lit(p.name))
        self.entity(gn, GN.featureCode, NamedNode(iris.geonames_feature_code(p.feature_code)))
        lat, lon = Decimal(p.lat), Decimal(p.lon)
        self.entity(node, WGS84.lat, _decimal(lat))
        self.entity(node, WGS84.long, _decimal(lon))
        g = NamedNode(iris.geometry(node.value))
        self.entity(node, GEO.hasGeometry, g)
        self.entity(g, RDF.type, GEO.Geometry)
        self.entity(
            g, GEO.asWKT, Literal(f"POINT({_decimal(lon).value} {_decimal(lat).value})", datatype=GEO.wktLiteral)
        )
        code, name = m.division_code, m.division_name
        if code and name and country is not None:  # foreign partners (a French one has its région)
            d = NamedNode(iris.division(code))
            self.entity(node, CG.firstLevelDivision, d)
            self.entity(d, RDF.type, CG.FirstLevelDivision)
            self.entity(d, RDFS.label, _lit(name))
            self.entity(d, CG.divisionCode, _lit(code))
            self.entity(d, DCTERMS.isPartOf, country)  # not cg:country, whose domain is a collectivité

    def funder(self, name: str) -> NamedNode:
        key = _name_key(name)
        m = self.links.french.get(name) if self.links else None
        if key in self._french or (m is not None and m.status == "linked"):
            node = self.french(name)  # a collectivité that funds is the same node as the partner
        else:
            node = NamedNode(_organisation_iri(name))
            self.entity(node, RDF.type, ORG.Organization)
            self.entity(node, RDFS.label, _lit(name))
        self.entity(node, RDF.type, CG.Funder)
        return node

    def country(self, name: str) -> NamedNode:
        c = self.links.countries.get(name) if self.links else None
        if c is not None:
            return NamedNode(c.iri)
        node = NamedNode(iris.country(None, name))
        self.entity(node, RDF.type, SKOS.Concept)
        self.entity(node, SKOS.prefLabel, _lit(name, "fr"))
        self.entity(node, CG.provisional, _typed("true", XSD.boolean))
        return node

    # -- the page ----------------------------------------------------------------------------
    def build(self) -> Converted:
        p, P = self.p, self.node
        self.page(P, RDF.type, CG.Partnership)
        self.page(P, DCTERMS.title, _text(p.title))
        if p.summary:
            self.page(P, DCTERMS.abstract, _text(p.summary))
        for prop, value in (
            (CG.context, p.context),
            (CG.history, p.history),
            (CG.objective, p.objective),
            (DCTERMS.description, p.description),
        ):
            if value:
                self.page(P, prop, _text(value))
        if p.first_signature_year:
            self.page(P, CG.firstSignatureYear, _typed(p.first_signature_year, XSD.gYear))
        if p.start_year:
            self.page(P, CG.startYear, _typed(p.start_year, XSD.gYear))
        if p.end_date:
            self.page(P, SCHEMA.endDate, _typed(p.end_date.isoformat(), XSD.date))
        if p.status:
            self.page(P, CG.status, self.concept(_status_iri(p.status), p.status, iris.STATUS_SCHEME, None))
        if p.form:
            self.page(P, CG.form, self.concept(_form_iri(p.form), p.form, iris.FORM_SCHEME, None))
        if p.triennial is not None:
            self.page(P, CG.triennial, _typed("true" if p.triennial else "false", XSD.boolean))
        if p.main_theme:
            t = self.theme(p.main_theme.path)
            self.page(P, CG.mainTheme, t)
            self.page(P, DCTERMS.subject, t)
        for i, ref in enumerate(p.other_themes, start=1):
            a = NamedNode(iris.theme_assignment(self.key, i))
            t = self.theme(ref.path)
            self.page(P, CG.themeAssignment, a)
            self.page(a, RDF.type, CG.ThemeAssignment)
            self.page(a, CG.theme, t)
            if ref.priority is not None:
                self.page(a, CG.priority, _typed(ref.priority, XSD.integer))
            self.page(P, DCTERMS.subject, t)
        # Derived (documented in the ontology): each theme and every broader one, so that "under
        # Eau et déchets, at any level" is one look-up rather than a skos:broader* path per row.
        paths = ([p.main_theme.path] if p.main_theme else []) + [ref.path for ref in p.other_themes]
        for theme in sorted({_theme_iri(path[:d]) for path in paths for d in range(1, len(path) + 1)}):
            self.page(P, CG.inTheme, NamedNode(theme))
        for fp in p.french_partners:
            self.page(P, CG.frenchPartner, self.french(fp.name))
        countries: dict[str, NamedNode] = {}
        for fo in p.foreign_partners:
            node, country = self.foreign(fo.name, fo.country)
            self.entity(node, RDF.type, CG.ForeignCollectivite)
            self.entity(node, RDFS.label, _lit(fo.name))
            self.entity(node, CG.country, country)
            if self.links is not None:
                self.place(node, self.links.places.get((fo.name, fo.country)), country)
            self.page(P, CG.foreignPartner, node)
            countries[country.value] = country
        # Derived (documented in the ontology): the partnership's countries, each once, so that "in
        # Mali" is one look-up and joins with no duplicate per partner (no DISTINCT sub-select).
        for _, country in sorted(countries.items()):
            self.page(P, CG.inCountry, country)
        if p.embassy:
            e = NamedNode(iris.embassy(p.embassy.name))
            self.entity(e, RDF.type, CG.Embassy)
            self.entity(e, RDFS.label, _lit(p.embassy.name))
            self.page(P, CG.followedBy, e)
        known = self.links.sdg_known if self.links else {}
        for code in p.sdg_targets:
            if known.get(code, self.links is None):
                self.page(P, CG.sdgTarget, NamedNode(iris.sdg(code)))
        for code in p.sdg_goals:
            if known.get(code, self.links is None):
                self.page(P, CG.sdgGoal, NamedNode(iris.sdg(code)))
        # A code the UN SDG KOS does not have ("6.9") is kept as written, for the link report.
        for code in sorted({m.code for m in p.sdg_mentions if not known.get(m.code, self.links is None)}):
            self.page(P, CG.unlinkedSdgCode, _lit(code))
        for i, f in enumerate(p.fundings, start=1):
            F = NamedNode(iris.funding(self.key, i))
            self.page(F, RDF.type, CG.Funding)
            self.page(F, SCHEMA.funder, self.funder(f.funder))
            self.page(F, SCHEMA.fundedItem, P)
            self.page(F, SCHEMA.amount, _decimal(f.amount_eur))
            self.page(F, SCHEMA.currency, _lit("EUR"))
            if f.year:
                self.page(F, CG.year, _typed(f.year, XSD.gYear))
            for prop, share in zip((CG.onePercentAmount1, CG.onePercentAmount2, CG.onePercentAmount3), f.one_percent):
                if share is not None:
                    self.page(F, prop, _decimal(share))
        src = NamedNode(iris.source(p.source.sha256))
        self.page(P, PROV.wasDerivedFrom, src)
        self.page(src, RDF.type, CG.SourcePage)
        self.page(src, CG.fileName, _lit(p.source.file_name))
        self.page(src, CG.sha256, _lit(p.source.sha256))
        self.page(src, CG.encoding, _lit(p.source.encoding))
        self.page(src, CG.synthetic, _typed("true" if p.source.synthetic else "false", XSD.boolean))
        if self.ingested_at:
            # "Z", not "+00:00": the form the store writes back (see _decimal).
            stamp = self.ingested_at.isoformat(timespec="seconds").replace("+00:00", "Z")
            self.page(P, PROV.generatedAtTime, _typed(stamp, XSD.dateTime))
        self._personal()
        return self.out

    def _person(self, c: Contact, works_for: NamedNode | None) -> None:
        identity = (c.full_name or f"{c.given_name or ''} {c.family_name or ''}").strip()
        node = NamedNode(iris.person(self.key, identity, c.email or ""))
        self.personal(node, RDF.type, SCHEMA.Person)
        _literals(
            self.personal,
            node,
            (
                (SCHEMA.name, identity),
                (SCHEMA.givenName, c.given_name),
                (SCHEMA.familyName, c.family_name),
                (SCHEMA.jobTitle, c.role),
                (SCHEMA.email, c.email),
            ),
        )
        if works_for is not None:
            self.personal(node, SCHEMA.worksFor, works_for)
        self.personal(node, CG.contactFor, self.node)

    def _personal(self) -> None:
        p = self.p
        if p.embassy:
            e = NamedNode(iris.embassy(p.embassy.name))
            for c in p.embassy.contacts:
                self._person(c, e)
        countries = {fo.name: fo.country for fo in p.foreign_partners}
        for c in p.foreign_contacts:
            org = None
            if c.organisation and c.organisation in countries:
                org, _ = self.foreign(c.organisation, countries[c.organisation])
            self._person(c, org)
        for v in p.volunteers:
            identity = f"{v.given_name or ''} {v.family_name or ''}".strip()
            node = NamedNode(iris.person(self.key, "volunteer", identity, v.mission or ""))
            self.personal(node, RDF.type, CG.Volunteer)
            self.personal(node, RDF.type, SCHEMA.Person)
            _literals(
                self.personal,
                node,
                (
                    (SCHEMA.name, identity),
                    (SCHEMA.familyName, v.family_name),
                    (SCHEMA.givenName, v.given_name),
                    (CG.mission, v.mission),
                    (CG.fieldOfAction, v.field_of_action),
                    (CG.posting, v.posting),
                ),
            )
            self.personal(node, CG.contactFor, self.node)


def convert(
    p: Partnership, links: "PageLinks | None" = None, ingested_at: dt.datetime | None = None, key: str | None = None
) -> Converted:
    """`key`: partnership_key(p) when the caller already has it (it folds and hashes every name)."""
    return _Builder(p, links, ingested_at, key).build()

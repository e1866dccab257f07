"""The part of the graph the exports need, read in bulk.

A handful of SPARQL queries, each one pass over a few properties of every node (no query per
partnership): at 15,000 partnerships the whole read is a few seconds where a query per
partnership would take minutes. The rows are gathered into plain Python objects that the IATI
and table writers share, so both say the same thing about the same node.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from ..rdf import iris

CG = iris.ONTOLOGY
DCT = "http://purl.org/dc/terms/"
SCHEMA = "http://schema.org/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
PROV = "http://www.w3.org/ns/prov#"
IGEO = "http://rdf.insee.fr/def/geo#"
OWL_SAMEAS = "http://www.w3.org/2002/07/owl#sameAs"
WGS84 = "http://www.w3.org/2003/01/geo/wgs84_pos#"
GEONAMES = ("https://sws.geonames.org/", "http://sws.geonames.org/")


@dataclass
class Org:
    """A French or foreign collectivité, or a funder (a collectivité that funds is one Org)."""

    iri: str
    label: str = ""  # as the page writes it
    pref_label: str | None = None  # official name (linked French collectivités)
    french: bool = False
    foreign: bool = False
    funder: bool = False
    kind: str | None = None  # commune, epci, ept, departement, region
    insee: str | None = None
    siren: str | None = None
    link_status: str | None = None
    country: str | None = None  # IRI (EU country table, or a provisional local concept)
    geonames: str | None = None  # GeoNames id (digits), when linked
    lat: str | None = None
    long: str | None = None
    wikidata: str | None = None  # Q-id

    @property
    def id(self) -> str:
        return local_id(self.iri)

    @property
    def name(self) -> str:
        return self.label or self.pref_label or self.id


@dataclass
class Funding:
    iri: str
    partnership: str = ""
    funder: str | None = None
    amount: Decimal | None = None
    year: str | None = None
    one_percent: list[Decimal | None] = field(default_factory=lambda: [None, None, None])

    @property
    def id(self) -> str:
        return local_id(self.iri)

    @property
    def index(self) -> int:
        tail = self.iri.rsplit("/", 1)[-1]
        return int(tail) if tail.isdigit() else 0


@dataclass
class ThemeUse:
    theme: str  # concept IRI
    main: bool
    priority: int | None = None


@dataclass
class Partnership:
    iri: str
    title: str = ""
    abstract: str | None = None
    context: str | None = None
    history: str | None = None
    objective: str | None = None
    description: str | None = None
    first_signature_year: str | None = None
    start_year: str | None = None
    end_date: str | None = None
    status: str | None = None  # concept IRI
    form: str | None = None
    triennial: bool | None = None
    embassy: str | None = None
    main_theme: str | None = None
    themes: list[ThemeUse] = field(default_factory=list)
    french: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    sdg_targets: list[str] = field(default_factory=list)  # codes: "6.3"
    sdg_goals: list[str] = field(default_factory=list)  # codes: "6"
    source: str | None = None
    generated_at: str | None = None
    fundings: list[Funding] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.iri.rsplit("/", 1)[-1]

    def total(self) -> Decimal:
        return sum((f.amount or Decimal(0) for f in self.fundings), Decimal(0))


@dataclass
class Concept:
    iri: str
    label_fr: str | None = None
    label_en: str | None = None
    notations: list[str] = field(default_factory=list)
    broader: str | None = None
    close_matches: list[str] = field(default_factory=list)
    provisional: bool = False

    @property
    def label(self) -> str:
        return self.label_fr or self.label_en or self.iri.rsplit("/", 1)[-1]

    def alpha2(self) -> str | None:
        return next((n for n in self.notations if len(n) == 2 and n.isalpha()), None)

    def alpha3(self) -> str | None:
        return next((n for n in self.notations if len(n) == 3 and n.isalnum() and not n.isdigit()), None)


@dataclass
class Contact:
    """A person (personal data, read only when asked)."""

    partnership: str
    name: str | None = None
    job_title: str | None = None
    email: str | None = None
    organisation: str | None = None  # label of the embassy or foreign collectivité


@dataclass
class Snapshot:
    partnerships: dict[str, Partnership]
    orgs: dict[str, Org]
    concepts: dict[str, Concept]
    synthetic_sources: set[str]
    embassies: dict[str, str]  # IRI -> label
    contacts: dict[str, list[Contact]] = field(default_factory=dict)  # partnership IRI -> people
    source_files: dict[str, str] = field(default_factory=dict)  # source page IRI -> file name

    def ordered(self) -> list[Partnership]:
        """Partnerships in a stable order (by key), whatever the store's."""
        return [self.partnerships[k] for k in sorted(self.partnerships, key=lambda i: i.rsplit("/", 1)[-1])]

    def concept(self, iri: str | None) -> Concept | None:
        return self.concepts.get(iri) if iri else None

    def label(self, iri: str | None) -> str | None:
        c = self.concept(iri)
        return c.label if c else None

    def is_synthetic(self, p: Partnership) -> bool:
        return p.source in self.synthetic_sources


def local_id(iri: str) -> str:
    """The identifier the tables use: the IRI after …/id/ (`commune/16015`, `org/…`)."""
    return iri[len(iris.ID) :] if iri.startswith(iris.ID) else iri


def sdg_code(iri: str) -> str:
    return iri[len(iris.SDG_BASE) :] if iri.startswith(iris.SDG_BASE) else iri


def decimal(value: str) -> Decimal | None:
    try:
        return Decimal(value)
    except (InvalidOperation, ValueError):
        return None


def _values(props: list[str]) -> str:
    return " ".join(f"<{p}>" for p in props)


def _rows(store, sparql: str):
    """(s, p, o-term) rows of a `SELECT ?s ?p ?o` query, as (str, str, term)."""
    for r in store.query(sparql):
        yield r[0].value, r[1].value, r[2]


def _wide(store, keys: str, props: list[str]):
    """One row per node of `keys` (a pattern binding ?s) with one value per property, each
    property joined from a sub-select of its own: Oxigraph hash-joins those, 3 to 4 times faster
    than one row per triple (which also decodes the subject's IRI once per property)."""
    opts = " ".join(f"OPTIONAL {{ SELECT ?s ?v{i} WHERE {{ ?s <{p}> ?v{i} }} }}" for i, p in enumerate(props))
    for r in store.query(f"SELECT ?s {' '.join(f'?v{i}' for i in range(len(props)))} WHERE {{ {{ {keys} }} {opts} }}"):
        yield r[0].value, [None if r[i + 1] is None else r[i + 1].value for i in range(len(props))]


P_SINGLE = [
    DCT + "title",
    DCT + "abstract",
    CG + "context",
    CG + "history",
    CG + "objective",
    DCT + "description",
    CG + "firstSignatureYear",
    CG + "startYear",
    SCHEMA + "endDate",
    CG + "status",
    CG + "form",
    CG + "triennial",
    CG + "followedBy",
    CG + "mainTheme",
    PROV + "wasDerivedFrom",
    PROV + "generatedAtTime",
]
_SINGLE_ATTRS = [
    "title",
    "abstract",
    "context",
    "history",
    "objective",
    "description",
    "first_signature_year",
    "start_year",
    "end_date",
    "status",
    "form",
    "triennial",
    "embassy",
    "main_theme",
    "source",
    "generated_at",
]
P_MULTI = [CG + "themeAssignment", CG + "frenchPartner", CG + "foreignPartner", CG + "sdgTarget", CG + "sdgGoal"]
P_FUNDING = [
    SCHEMA + "fundedItem",
    SCHEMA + "amount",
    CG + "year",
    CG + "onePercentAmount1",
    CG + "onePercentAmount2",
    CG + "onePercentAmount3",
]
P_ORG = [
    RDFS_LABEL,
    SKOS + "prefLabel",
    IGEO + "codeINSEE",
    CG + "siren",
    CG + "collectiviteKind",
    CG + "linkStatus",
    CG + "country",
    WGS84 + "lat",
    WGS84 + "long",
]
ORG_CLASSES = [CG + "FrenchCollectivite", CG + "ForeignCollectivite", CG + "Funder"]
P_CONCEPT = [SKOS + "prefLabel", SKOS + "notation", SKOS + "broader", SKOS + "closeMatch", CG + "provisional"]


def read(store, *, personal: bool = False) -> Snapshot:
    """Everything the exports need from `store` (a coopgraph Store), in a few bulk queries."""
    ps: dict[str, Partnership] = {}
    for s, vals in _wide(store, f"SELECT ?s WHERE {{ ?s a <{CG}Partnership> }}", P_SINGLE):
        x = ps.get(s) or Partnership(s)
        ps[s] = x
        for name, v in zip(_SINGLE_ATTRS, vals):
            if v is None:
                continue
            if name == "triennial":
                x.triennial = v == "true"
            else:
                old = getattr(x, name)
                setattr(x, name, min(old, v) if old else v)  # repeated rows: the same value each time

    assigned: dict[str, list[str]] = defaultdict(list)  # partnership -> assignment IRIs
    for s, p, o in _rows(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_values(P_MULTI)} }} ?s ?p ?o }}"):
        if s not in ps:
            continue
        x = ps[s]
        v = o.value
        if p == CG + "themeAssignment":
            assigned[s].append(v)
        elif p == CG + "frenchPartner":
            x.french.append(v)
        elif p == CG + "foreignPartner":
            x.foreign.append(v)
        elif p == CG + "sdgTarget":
            x.sdg_targets.append(sdg_code(v))
        else:
            x.sdg_goals.append(sdg_code(v))

    fundings: dict[str, Funding] = {}
    for s, vals in _wide(
        store, f"SELECT ?s ?funder WHERE {{ ?s <{SCHEMA}funder> ?funder }}", [SCHEMA + "funder", *P_FUNDING]
    ):
        funder, item, amt, year, o1, o2, o3 = vals
        fundings[s] = Funding(
            s,
            item or "",
            funder,
            decimal(amt) if amt is not None else None,
            year,
            [decimal(v) if v is not None else None for v in (o1, o2, o3)],
        )
    for f in fundings.values():
        if f.partnership in ps:
            ps[f.partnership].fundings.append(f)

    uses: dict[str, tuple[str | None, int | None]] = {}
    for s, (theme, prio) in _wide(store, f"SELECT ?s WHERE {{ ?s <{CG}theme> ?t }}", [CG + "theme", CG + "priority"]):
        uses[s] = (theme, int(prio) if prio is not None and prio.lstrip("-").isdigit() else None)

    orgs: dict[str, Org] = {}
    for r in store.query(f"SELECT ?s ?c WHERE {{ VALUES ?c {{ {_values(ORG_CLASSES)} }} ?s a ?c }}"):
        s, c = r[0].value, r[1].value
        g = orgs.get(s) or Org(s)
        orgs[s] = g
        if c == CG + "FrenchCollectivite":
            g.french = True
        elif c == CG + "ForeignCollectivite":
            g.foreign = True
        else:
            g.funder = True
    keys = " UNION ".join(f"{{ ?s a <{c}> }}" for c in ORG_CLASSES)
    for s, vals in _wide(store, f"SELECT DISTINCT ?s WHERE {{ {keys} }}", P_ORG):
        if s not in orgs:
            continue
        g = orgs[s]
        # A node named several ways (two spellings folded to one IRI) gives several rows: keep the
        # smallest value, as the saved queries do (MIN), so that every export says the same.
        label, pref, *rest = vals
        if label is not None:
            g.label = min(g.label, label) if g.label else label
        if pref is not None:
            g.pref_label = min(g.pref_label, pref) if g.pref_label else pref
        for name, v in zip(("insee", "siren", "kind", "link_status", "country", "lat", "long"), rest):
            if v is not None:
                old = getattr(g, name)
                setattr(g, name, min(old, v) if old else v)
    # Links added after ingest: Wikidata (owl:sameAs) and GeoNames (skos:exactMatch); read when present.
    for r in store.query(f"""SELECT ?s ?o WHERE {{ ?s <{OWL_SAMEAS}> ?o
                            FILTER(STRSTARTS(STR(?o), "{iris.WIKIDATA_ENTITY}")) }}"""):
        if r[0].value in orgs:
            orgs[r[0].value].wikidata = r[1].value[len(iris.WIKIDATA_ENTITY) :]
    for r in store.query(f"""SELECT ?s ?o WHERE {{ ?s <{SKOS}exactMatch> ?o
                            FILTER(STRSTARTS(STR(?o), "{GEONAMES[0]}") || STRSTARTS(STR(?o), "{GEONAMES[1]}")) }}"""):
        if r[0].value in orgs:
            orgs[r[0].value].geonames = r[1].value.rstrip("/").rsplit("/", 1)[-1]

    concepts: dict[str, Concept] = {}
    for s, p, o in _rows(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {_values(P_CONCEPT)} }} ?s ?p ?o }}"):
        if s in orgs:
            continue
        v = o.value
        c = concepts.get(s)
        if c is None:
            c = concepts[s] = Concept(s)
        if p == SKOS + "prefLabel":
            lang = getattr(o, "language", None)
            if lang == "en":
                c.label_en = min(c.label_en, v) if c.label_en else v
            elif lang == "fr":
                c.label_fr = min(c.label_fr, v) if c.label_fr else v
            elif c.label_en is None:
                c.label_en = v
        elif p == SKOS + "notation":
            c.notations.append(v)
        elif p == SKOS + "broader":
            c.broader = v
        elif p == SKOS + "closeMatch":
            c.close_matches.append(v)
        elif p == CG + "provisional":
            c.provisional = v == "true"
    embassies = {
        r[0].value: r[1].value for r in store.query(f"SELECT ?s ?l WHERE {{ ?s a <{CG}Embassy> ; <{RDFS_LABEL}> ?l }}")
    }
    synthetic = {
        r[0].value
        for r in store.query(
            f'SELECT ?s WHERE {{ ?s <{CG}synthetic> "true"^^<http://www.w3.org/2001/XMLSchema#boolean> }}'
        )
    }

    for x in ps.values():
        x.fundings.sort(key=lambda f: f.index)
        x.sdg_targets.sort(key=_sdg_order)
        x.sdg_goals.sort(key=_sdg_order)
        x.french.sort()
        x.foreign.sort()
        if x.main_theme:
            x.themes.append(ThemeUse(x.main_theme, True))
        for a in sorted(assigned.get(x.iri, ()), key=_index_of):
            theme, prio = uses.get(a, (None, None))
            if theme:
                x.themes.append(ThemeUse(theme, False, prio))
    files = {r[0].value: r[1].value for r in store.query(f"SELECT ?s ?n WHERE {{ ?s <{CG}fileName> ?n }}")}
    snap = Snapshot(ps, orgs, concepts, synthetic, embassies, source_files=files)
    if personal:
        snap.contacts = _contacts(store, snap)
    return snap


def _index_of(iri: str) -> int:
    tail = iri.rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else 0


def _sdg_order(code: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in code.split("."))


def _contacts(store, snap: Snapshot) -> dict[str, list[Contact]]:
    """Contacts (not volunteers) of each partnership, from the personal database."""
    people: dict[str, Contact] = {}
    volunteers = set()
    q = f"""SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ <{SCHEMA}name> <{SCHEMA}jobTitle> <{SCHEMA}email>
            <{SCHEMA}worksFor> <{CG}contactFor> <{RDF_TYPE}> }} ?s ?p ?o }}"""
    for r in store.personal.query(q, use_default_graph_as_union=True):
        s, p, v = r[0].value, r[1].value, r[2].value
        c = people.setdefault(s, Contact(""))
        if p == RDF_TYPE:
            if v == CG + "Volunteer":
                volunteers.add(s)
        elif p == CG + "contactFor":
            c.partnership = v
        elif p == SCHEMA + "name":
            c.name = v
        elif p == SCHEMA + "jobTitle":
            c.job_title = v
        elif p == SCHEMA + "email":
            c.email = v
        elif p == SCHEMA + "worksFor":
            c.organisation = snap.embassies.get(v) or (snap.orgs[v].name if v in snap.orgs else None)
    out: dict[str, list[Contact]] = defaultdict(list)
    for s in sorted(people):
        c = people[s]
        if s not in volunteers and c.partnership in snap.partnerships:
            out[c.partnership].append(c)
    return dict(out)

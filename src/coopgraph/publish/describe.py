"""The dataset description: DCAT-AP 3.0 (for data.gouv.fr / data.europa.eu harvesters) and VoID
(for linked-data tools), one graph, about one dataset node that is both dcat:Dataset and void:Dataset.

Every node has an IRI under the base URL (no blank nodes), so the description is deterministic
and the same store described twice differs only in its dates.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from ..rdf import iris
from ..rdf.namespaces import PREFIXES
from .figures import Figures

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
SPDX = "http://spdx.org/rdf/terms#"
VOID = "http://rdfs.org/ns/void#"
XSD = "http://www.w3.org/2001/XMLSchema#"
EU = "http://publications.europa.eu/resource/authority/"
IANA = "http://www.iana.org/assignments/media-types/"

DESCRIPTION_PREFIXES = {
    **PREFIXES,
    "spdx": SPDX,
    "dcatap": "http://data.europa.eu/r5r/",
    "eu-filetype": EU + "file-type/",
    "eu-theme": EU + "data-theme/",
    "eu-language": EU + "language/",
    "eu-frequency": EU + "frequency/",
}
for _k in ("sdg", "cgid"):
    DESCRIPTION_PREFIXES.pop(_k, None)

LICENCES = {
    "etalab-2.0": (
        "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
        "Licence Ouverte / Open Licence version 2.0 (Etalab)",
    ),
    "odbl-1.0": ("https://opendatacommons.org/licenses/odbl/1-0/", "Open Database License (ODbL) 1.0"),
    "cc-by-4.0": ("https://creativecommons.org/licenses/by/4.0/", "Creative Commons Attribution 4.0"),
    "cc0-1.0": ("https://creativecommons.org/publicdomain/zero/1.0/", "CC0 1.0"),
}
DEFAULT_LICENCE = "etalab-2.0"
DEFAULT_BASE_URL = "https://w3id.org/coopgraph/dataset/"

TITLE = {
    "fr": "Atlas français de la coopération décentralisée — graphe de connaissances coopgraph",
    "en": "French decentralised cooperation Atlas — coopgraph knowledge graph",
}
DESCRIPTION = {
    "fr": (
        "Les partenariats de coopération décentralisée des collectivités territoriales françaises, "
        "lus dans les pages de l'Atlas français de la coopération décentralisée (ministère de l'Europe "
        "et des Affaires étrangères) et publiés en données liées : collectivités françaises (codes INSEE "
        "et SIREN), partenaires étrangers et leurs pays (table des pays de l'Office des publications de "
        "l'UE), thématiques, cibles des objectifs de développement durable (SKOS des ODD des Nations "
        "unies), financeurs et montants. Sans données personnelles (contacts, courriels, volontaires)."
    ),
    "en": (
        "Decentralised cooperation partnerships of French local authorities, read from the pages of the "
        "French Atlas of decentralised cooperation (Ministry for Europe and Foreign Affairs) and published "
        "as linked data: French local authorities (INSEE and SIREN codes), foreign partners and their "
        "countries (EU Publications Office country table), themes, Sustainable Development Goal targets "
        "(UN SDG KOS), funders and amounts. No personal data (contacts, e-mail addresses, volunteers)."
    ),
}
# External datasets the graph links to (VoID linkset targets).
TARGET_INFO = {
    "insee": ("Code officiel géographique et répertoire SIRENE (INSEE)", "https://www.insee.fr/fr/information/2560452"),
    "eu-countries": ("EU Publications Office — Countries and territories authority table", EU + "country"),
    "un-sdg": (
        "UN Sustainable Development Goals Knowledge Organization System (SDG KOS)",
        "http://metadata.un.org/sdg/",
    ),
    "wikidata": ("Wikidata", "https://www.wikidata.org/"),
    "geonames": ("GeoNames", "https://www.geonames.org/"),
}


@dataclass
class FileInfo:
    """One published file."""

    name: str
    key: str  # fragment id of its distribution node
    title_fr: str
    title_en: str
    description: str
    media_type: str  # IANA type, of the uncompressed content
    file_type: str  # EU file-type code
    size: int = 0
    sha256: str = ""
    gzip: bool = False
    personal: bool = False
    distribution: bool = True  # False: documentation (landing page, ontology page)
    conforms_to: str | None = None  # IRI of the standard the file follows (IATI 2.03, Frictionless)
    package_format: str | None = None  # IANA type of the package holding several files (zip)


@dataclass
class Options:
    base_url: str = DEFAULT_BASE_URL
    licence: str = DEFAULT_LICENCE  # a key of LICENCES or an IRI
    publisher: str = "coopgraph"
    publisher_url: str = "https://w3id.org/coopgraph/"
    date: dt.date = field(default_factory=dt.date.today)
    sparql_endpoint: str | None = None
    include_personal: bool = False

    def licence_iri_label(self) -> tuple[str, str]:
        if self.licence in LICENCES:
            return LICENCES[self.licence]
        for iri, label in LICENCES.values():
            if iri == self.licence:
                return iri, label
        return self.licence, self.licence


class _G:
    def __init__(self):
        self.triples: list[Triple] = []

    def add(self, s: str, p: str, o) -> None:
        self.triples.append(Triple(NamedNode(s), NamedNode(p), o if not isinstance(o, str) else NamedNode(o)))

    def lit(self, s: str, p: str, value, lang: str | None = None, dtype: str | None = None) -> None:
        if lang:
            o = Literal(str(value), language=lang)
        elif dtype:
            o = Literal(str(value), datatype=NamedNode(dtype))
        else:
            o = Literal(str(value))
        self.triples.append(Triple(NamedNode(s), NamedNode(p), o))

    def typed(self, s: str, *classes: str) -> None:
        for c in classes:
            self.add(s, RDF + "type", c)


def build(opts: Options, fig: Figures, files: list[FileInfo], sample: str | None) -> list[Triple]:
    base = opts.base_url
    ds, cat = base + "#dataset", base + "#catalog"
    g = _G()
    today = opts.date.isoformat()
    lic_iri, lic_label = opts.licence_iri_label()
    publisher = base + "#publisher"

    g.typed(publisher, FOAF + "Agent", FOAF + "Organization")
    g.lit(publisher, FOAF + "name", opts.publisher)
    if opts.publisher_url:
        g.add(publisher, FOAF + "homepage", opts.publisher_url)
        g.typed(opts.publisher_url, FOAF + "Document")
    g.typed(lic_iri, DCT + "LicenseDocument")
    g.lit(lic_iri, RDFS + "label", lic_label)
    lang = EU + "language/FRA"
    g.typed(lang, DCT + "LinguisticSystem")

    # Catalog: what a harvester reads first.
    g.typed(cat, DCAT + "Catalog")
    for code in ("fr", "en"):
        g.lit(cat, DCT + "title", TITLE[code], lang=code)
        g.lit(cat, DCT + "description", DESCRIPTION[code], lang=code)
    g.add(cat, DCT + "publisher", publisher)
    g.add(cat, DCT + "license", lic_iri)
    g.add(cat, DCT + "language", lang)
    g.add(cat, FOAF + "homepage", base)
    g.add(cat, DCAT + "dataset", ds)
    g.lit(cat, DCT + "modified", today, dtype=XSD + "date")

    # Dataset (DCAT-AP) = void:Dataset.
    g.typed(ds, DCAT + "Dataset", VOID + "Dataset")
    g.lit(ds, DCT + "identifier", base + "#dataset")
    synthetic = (
        {
            "fr": f" ATTENTION : {fig.synthetic} partenariat(s) viennent de pages synthétiques "
            "(tests de performance), pas de données réelles.",
            "en": f" WARNING: {fig.synthetic} partnership(s) come from synthetic pages (benchmarks), not real data.",
        }
        if fig.synthetic
        else {"fr": "", "en": ""}
    )
    for code in ("fr", "en"):
        g.lit(ds, DCT + "title", TITLE[code], lang=code)
        g.lit(ds, DCT + "description", DESCRIPTION[code] + synthetic[code], lang=code)
    g.add(ds, DCT + "publisher", publisher)
    g.add(ds, DCT + "license", lic_iri)
    g.add(ds, DCT + "language", lang)
    g.lit(ds, DCT + "issued", today, dtype=XSD + "date")
    g.lit(ds, DCT + "modified", today, dtype=XSD + "date")
    g.add(ds, DCAT + "landingPage", base)
    g.typed(base, FOAF + "Document")
    freq = EU + "frequency/IRREG"
    g.add(ds, DCT + "accrualPeriodicity", freq)
    g.typed(freq, DCT + "Frequency")
    for code, fr, en in (
        ("GOVE", "Gouvernement et secteur public", "Government and public sector"),
        ("INTR", "Questions internationales", "International issues"),
    ):
        theme = EU + "data-theme/" + code
        g.add(ds, DCAT + "theme", theme)
        g.typed(theme, SKOS + "Concept")
        g.lit(theme, SKOS + "prefLabel", fr, lang="fr")
        g.lit(theme, SKOS + "prefLabel", en, lang="en")
    for kw, code in (
        ("coopération décentralisée", "fr"),
        ("collectivités territoriales", "fr"),
        ("aide publique au développement", "fr"),
        ("objectifs de développement durable", "fr"),
        ("decentralised cooperation", "en"),
        ("local authorities", "en"),
        ("sustainable development goals", "en"),
        ("linked data", "en"),
    ):
        g.lit(ds, DCAT + "keyword", kw, lang=code)
    for _, label, _n in fig.themes:
        g.lit(ds, DCAT + "keyword", label, lang="fr")
    if fig.first_year and fig.last_year:
        period = base + "#temporal"
        g.add(ds, DCT + "temporal", period)
        g.typed(period, DCT + "PeriodOfTime")
        g.lit(period, DCAT + "startDate", fig.first_year, dtype=XSD + "gYear")
        g.lit(period, DCAT + "endDate", fig.last_year, dtype=XSD + "gYear")
    france = EU + "country/FRA"
    for place in [france] + [c.iri for c in fig.countries if c.iri != france]:
        g.add(ds, DCT + "spatial", place)
        g.typed(place, DCT + "Location")
    for c in fig.countries:
        g.lit(c.iri, SKOS + "prefLabel", c.label_fr, lang="fr")
    g.lit(france, SKOS + "prefLabel", "France", lang="fr")

    # Distributions, with size and SHA-256; documentation pages as foaf:page.
    for f in files:
        url = base + f.name
        if not f.distribution:
            g.add(ds, FOAF + "page", url)
            g.typed(url, FOAF + "Document")
            g.lit(url, DCT + "title", f.title_fr, lang="fr")
            g.lit(url, DCT + "title", f.title_en, lang="en")
            continue
        d = base + "#" + f.key
        g.add(ds, DCAT + "distribution", d)
        g.typed(d, DCAT + "Distribution")
        g.lit(d, DCT + "title", f.title_fr, lang="fr")
        g.lit(d, DCT + "title", f.title_en, lang="en")
        g.lit(d, DCT + "description", f.description, lang="en")
        g.add(d, DCAT + "accessURL", url)
        g.add(d, DCAT + "downloadURL", url)
        g.add(d, DCAT + "mediaType", IANA + f.media_type)
        g.typed(IANA + f.media_type, DCT + "MediaType")
        g.add(d, DCT + "format", EU + "file-type/" + f.file_type)
        g.typed(EU + "file-type/" + f.file_type, DCT + "MediaTypeOrExtent")
        if f.gzip:
            g.add(d, DCAT + "compressFormat", IANA + "application/gzip")
            g.typed(IANA + "application/gzip", DCT + "MediaType")
        if f.package_format:
            g.add(d, DCAT + "packageFormat", IANA + f.package_format)
            g.typed(IANA + f.package_format, DCT + "MediaType")
        if f.conforms_to:
            g.add(d, DCT + "conformsTo", f.conforms_to)
            g.typed(f.conforms_to, DCT + "Standard")
        g.lit(d, DCAT + "byteSize", f.size, dtype=XSD + "decimal")
        ck = base + "#" + f.key + "-sha256"
        g.add(d, SPDX + "checksum", ck)
        g.typed(ck, SPDX + "Checksum")
        g.add(ck, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
        g.lit(ck, SPDX + "checksumValue", f.sha256, dtype=XSD + "hexBinary")
        g.add(d, DCT + "license", lic_iri)
        g.lit(d, DCT + "issued", today, dtype=XSD + "date")
        if f.personal:
            rights = base + "#personal-data-rights"
            g.add(d, DCT + "rights", rights)
            g.typed(rights, DCT + "RightsStatement")
            g.lit(
                rights,
                RDFS + "label",
                "Données personnelles (RGPD) : noms, fonctions et courriels de "
                "contacts et de volontaires. À ne pas republier sans base légale.",
                lang="fr",
            )
            g.lit(
                rights,
                RDFS + "label",
                "Personal data (GDPR): names, job titles and e-mail addresses of "
                "contacts and volunteers. Do not republish without a legal basis.",
                lang="en",
            )
        if f.key in ("nt", "ttl"):
            g.add(ds, VOID + "dataDump", url)

    # VoID statistics.
    g.lit(ds, VOID + "triples", fig.triples, dtype=XSD + "integer")
    g.lit(ds, VOID + "entities", fig.entities, dtype=XSD + "integer")
    g.lit(ds, VOID + "classes", len(fig.classes), dtype=XSD + "integer")
    g.lit(ds, VOID + "uriSpace", iris.ID)
    g.add(ds, VOID + "vocabulary", iris.ONTOLOGY)
    for v in (
        "http://schema.org/",
        "http://www.w3.org/ns/org#",
        "http://www.w3.org/2004/02/skos/core#",
        "http://purl.org/dc/terms/",
        "http://www.w3.org/ns/prov#",
        "http://rdf.insee.fr/def/geo#",
        "http://www.w3.org/2003/01/geo/wgs84_pos#",
        "http://www.opengis.net/ont/geosparql#",
        "https://www.geonames.org/ontology#",
    ):
        g.add(ds, VOID + "vocabulary", v)
    for fmt in ("Turtle", "N-Triples", "JSON-LD"):
        g.add(ds, VOID + "feature", "http://www.w3.org/ns/formats/" + fmt)
    if sample:
        g.add(ds, VOID + "exampleResource", sample)
    if opts.sparql_endpoint:
        g.add(ds, VOID + "sparqlEndpoint", opts.sparql_endpoint)
    for i, (cls, n) in enumerate(sorted(fig.classes.items())):
        part = f"{base}#class-{_local(cls)}"
        g.add(ds, VOID + "classPartition", part)
        g.add(part, VOID + "class", cls)
        g.lit(part, VOID + "entities", n, dtype=XSD + "integer")
    for (target, pred), n in sorted(fig.links.items()):
        title, home = TARGET_INFO[target]
        t = f"{base}#target-{target}"
        g.typed(t, VOID + "Dataset")
        g.lit(t, DCT + "title", title)
        g.add(t, FOAF + "homepage", home)
        ls = f"{base}#links-{target}-{_local(pred)}"
        g.typed(ls, VOID + "Linkset")
        g.add(ds, VOID + "subset", ls)
        g.add(ls, VOID + "subjectsTarget", ds)
        g.add(ls, VOID + "objectsTarget", t)
        g.add(ls, VOID + "linkPredicate", pred)
        g.lit(ls, VOID + "triples", n, dtype=XSD + "integer")
    return g.triples


def _local(iri: str) -> str:
    tail = iri.rstrip("/#")
    for sep in ("#", "/"):
        tail = tail.rsplit(sep, 1)[-1]
    return iris.slug(tail) if tail else "x"


def to_turtle(triples: list[Triple]) -> bytes:
    ordered = sorted(
        set(triples), key=lambda t: (str(t.subject), t.predicate.value != RDF + "type", str(t.predicate), str(t.object))
    )
    return serialize(ordered, format=RdfFormat.TURTLE, prefixes=DESCRIPTION_PREFIXES) or b""


def to_rdfxml(triples: list[Triple]) -> bytes:
    ordered = sorted(set(triples), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return serialize(ordered, format=RdfFormat.RDF_XML, prefixes=DESCRIPTION_PREFIXES) or b""


def check_dcat_ap(turtle: bytes) -> list[str]:
    """Validate against the shipped DCAT-AP 3.0.0 shapes (constraints and class ranges).

    Returns the violations as readable lines; empty when the description conforms.
    """
    from importlib import resources

    import pyshacl
    from rdflib import Graph

    data = Graph().parse(data=turtle, format="turtle")
    shapes = Graph()
    folder = resources.files("coopgraph.data") / "dcat-ap"
    for name in ("dcat-ap-3.0.0-shapes.ttl", "dcat-ap-3.0.0-range.ttl"):
        shapes.parse(data=folder.joinpath(name).read_bytes(), format="turtle")
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, inference="none", allow_warnings=True)
    if conforms:
        return []
    return [line for line in text.splitlines() if line.strip()]

"""Vocabulary terms as pyoxigraph NamedNodes: `SCHEMA.amount`, `CG.Partnership`, ..."""

from __future__ import annotations

from pyoxigraph import NamedNode

from .iris import ONTOLOGY


class Namespace:
    def __init__(self, base: str):
        self.base = base

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("__"):
            raise AttributeError(name)
        node = NamedNode(self.base + name)
        setattr(self, name, node)  # cache: attribute lookups are on the converter's hot path
        return node

    def __getitem__(self, name: str) -> NamedNode:
        return getattr(self, name)


CG = Namespace(ONTOLOGY)
DCTERMS = Namespace("http://purl.org/dc/terms/")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
GN = Namespace("https://www.geonames.org/ontology#")
IGEO = Namespace("http://rdf.insee.fr/def/geo#")
ORG = Namespace("http://www.w3.org/ns/org#")
OWL = Namespace("http://www.w3.org/2002/07/owl#")
PROV = Namespace("http://www.w3.org/ns/prov#")
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#")
RDFS = Namespace("http://www.w3.org/2000/01/rdf-schema#")
SCHEMA = Namespace("http://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")
SKOS = Namespace("http://www.w3.org/2004/02/skos/core#")
VOID = Namespace("http://rdfs.org/ns/void#")
WGS84 = Namespace("http://www.w3.org/2003/01/geo/wgs84_pos#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")

# Prefixes for readable Turtle and for SPARQL shown to people.
PREFIXES = {
    "cg": ONTOLOGY,
    "dcterms": DCTERMS.base,
    "dcat": DCAT.base,
    "foaf": FOAF.base,
    "geo": GEO.base,
    "gn": GN.base,
    "igeo": IGEO.base,
    "org": ORG.base,
    "owl": OWL.base,
    "prov": PROV.base,
    "rdf": RDF.base,
    "rdfs": RDFS.base,
    "schema": SCHEMA.base,
    "sh": SH.base,
    "skos": SKOS.base,
    "void": VOID.base,
    "wgs84_pos": WGS84.base,
    "xsd": XSD.base,
    "sdg": "http://metadata.un.org/sdg/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "cgid": "https://w3id.org/coopgraph/id/",
}

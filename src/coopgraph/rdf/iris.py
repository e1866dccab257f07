"""The one place that mints coopgraph IRIs.

IRIs are stable: they depend only on what the page says (normalised names, codes), never on
the order of ingest, the file name or the time. Names are folded (case, accents, punctuation)
so that "Angoulême" and "ANGOULEME" are one node.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata

BASE = "https://w3id.org/coopgraph/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"
ONTOLOGY = BASE + "ontology#"

THEME_SCHEME = ID + "scheme/themes"
STATUS_SCHEME = ID + "scheme/statuses"
FORM_SCHEME = ID + "scheme/forms"
DAC_SCHEME = ID + "scheme/dac-sectors"  # OECD DAC purpose codes, as SKOS (no official IRIs exist)

# Named graphs of the open store. Each triple lives in exactly one graph, so the union
# default graph that queries see never counts a triple twice.
G_ONTOLOGY = GRAPH + "ontology"
G_SCHEMES = GRAPH + "schemes"  # themes, statuses, forms (curated)
G_SDG = GRAPH + "sdg"  # UN SDG KOS goals and targets
G_COUNTRIES = GRAPH + "countries"  # EU Publications Office country table
G_DAC = GRAPH + "dac"  # OECD DAC purpose codes and categories (IATI Sector codelist)
G_ENTITIES = GRAPH + "entities"  # nodes shared between pages: collectivités, funders, new concepts
G_LINKS = GRAPH + "links"  # links found after ingest (Wikidata)
G_META = GRAPH + "meta"  # bookkeeping: which reference data is loaded
PARTNERSHIP_GRAPH_PREFIX = GRAPH + "partnership/"
PERSONAL_GRAPH_PREFIX = GRAPH + "personal/"

SDG_BASE = "http://metadata.un.org/sdg/"
EU_COUNTRY_BASE = "http://publications.europa.eu/resource/authority/country/"
WIKIDATA_ENTITY = "http://www.wikidata.org/entity/"
GEONAMES_BASE = "https://sws.geonames.org/"
GEONAMES_ONTOLOGY = "https://www.geonames.org/ontology#"


@functools.lru_cache(maxsize=1 << 16)  # names recur from page to page; folding is per character
def slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae"))
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:120] or "x"


def _digest(*parts: str, n: int = 16) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:n]


def name_key(text: str) -> str:
    """The folded form of a name used for identity: same key, same node."""
    return slug(text)


def partnership_key(title: str, french: list[str], foreign: list[tuple[str, str]]) -> str:
    """A partnership is identified by its title and its partners (the Atlas shows no id)."""
    return _digest(
        name_key(title),
        "|".join(sorted(name_key(n) for n in french)),
        "|".join(sorted(f"{name_key(n)}@{name_key(c)}" for n, c in foreign)),
    )


def partnership(key: str) -> str:
    return f"{ID}partnership/{key}"


def partnership_graph(key: str) -> str:
    return PARTNERSHIP_GRAPH_PREFIX + key


def personal_graph(key: str) -> str:
    return PERSONAL_GRAPH_PREFIX + key


def funding(key: str, index: int) -> str:
    return f"{ID}partnership/{key}/funding/{index}"


def theme_assignment(key: str, index: int) -> str:
    return f"{ID}partnership/{key}/theme/{index}"


def source(sha256: str) -> str:
    return f"{ID}source/{sha256}"


def person(key: str, *identity: str) -> str:
    return f"{ID}person/{_digest(key, *identity)}"


def french_collectivite(name: str, kind: str | None = None, code: str | None = None) -> str:
    """By official code when the name was linked, so homonyms never merge; else by name."""
    if kind and code:
        return f"{ID}{kind}/{code}"
    return f"{ID}collectivite/{name_key(name)}"


def foreign_collectivite(name: str, country_key: str, geonames_id: int | None = None) -> str:
    """By name within its country; a homonym that its page settles also by its GeoNames place, so that
    two pages naming two different "Ifrane" of Morocco never make one node with two points."""
    base = f"{ID}foreign/{country_key}/{name_key(name)}"
    return f"{base}/gn-{geonames_id}" if geonames_id else base


def organisation(name: str) -> str:
    return f"{ID}org/{name_key(name)}"


def embassy(name: str) -> str:
    return f"{ID}embassy/{name_key(name)}"


def theme(path: tuple[str, ...]) -> str:
    return f"{ID}theme/" + "/".join(name_key(p) for p in path)


def status(label: str) -> str:
    return f"{ID}status/{name_key(label)}"


def form(label: str) -> str:
    return f"{ID}form/{name_key(label)}"


def country(alpha3: str | None, name: str) -> str:
    """EU Publications Office IRI when the country is known; a local one otherwise."""
    if alpha3:
        return EU_COUNTRY_BASE + alpha3
    return f"{ID}country/{name_key(name)}"


def sdg(code: str) -> str:
    return SDG_BASE + code


def dac_sector(code: str) -> str:
    """A DAC 5-digit purpose code ("14031") or 3-digit category ("140") as a coopgraph concept."""
    return f"{ID}dac-sector/{code}"


def wikidata(qid: str) -> str:
    return WIKIDATA_ENTITY + qid


def geonames(geonames_id: int | str) -> str:
    """A GeoNames feature, as GeoNames writes its IRIs (trailing slash included)."""
    return f"{GEONAMES_BASE}{geonames_id}/"


def geonames_feature_code(code: str, feature_class: str = "P") -> str:
    """GeoNames ontology feature code individual: "PPLA" -> gn:P.PPLA."""
    return f"{GEONAMES_ONTOLOGY}{feature_class}.{code}"


def geometry(node_iri: str) -> str:
    """The point geometry of a placed collectivité: one per node, stable with it."""
    return f"{node_iri}/geometry"


def division(code: str) -> str:
    """A first-level division in GeoNames' coding ("ML.05")."""
    return f"{ID}division/{slug(code)}"

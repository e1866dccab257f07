"""Find the Wikidata items of the linked collectivités and countries (`coopgraph link --wikidata`).

Keys, one Wikidata property each (never names: a name is not an identity):
- a commune by its INSEE code, P374 ("INSEE municipality code");
- an EPCI or EPT by its SIREN number, P1616;
- a country by its ISO 3166-1 alpha-3 code, P298 (the EU table's code, except its non-ISO ones).

Codes are sent in batched ``VALUES`` queries through SPARQLWrapper, one request at a time with a
pause between requests (Wikidata's usage policy), with a descriptive User-Agent. Every answer,
"no item" included, is kept in a JSON cache in the store folder, per endpoint: a second run asks
nothing. A code is linked only when exactly one current item (no "dissolved" date, P576) carries
it; several items are reported as ambiguous, none as not found.

The links go to the graph ``…/graph/links``, rebuilt whole on each run from the store's current
entities: ``owl:sameAs`` from a collectivité to its item, ``skos:exactMatch`` from an EU country
concept to its item. Nothing in the store changes unless every question was answered.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad

from ..errors import WikidataError
from .. import __version__
from ..rdf import iris
from ..rdf.namespaces import CG, DCTERMS, IGEO, OWL, SKOS, XSD

DEFAULT_ENDPOINT = "https://query.wikidata.org/sparql"
USER_AGENT = f"coopgraph/{__version__} (linked open data from the Atlas of French decentralised cooperation)"
CACHE_FILE = "wikidata-cache.json"
WDT = "http://www.wikidata.org/prop/direct/"
DISSOLVED = "P576"  # "dissolved, abolished or demolished date"

# kind → (Wikidata property, code format, link property)
KEYS = {
    "commune": ("P374", re.compile(r"^(\d[0-9AB]\d{3})$"), OWL.sameAs),
    "epci": ("P1616", re.compile(r"^\d{9}$"), OWL.sameAs),
    "ept": ("P1616", re.compile(r"^\d{9}$"), OWL.sameAs),
    "country": ("P298", re.compile(r"^[A-Z]{3}$"), SKOS.exactMatch),
}
# EU table codes that are not ISO 3166-1 alpha-3: FQ0 is ISO ATF; 1A0 (Kosovo) and CPT (Clipperton)
# have no ISO alpha-3 code, so no P298 value to look for.
_EU_TO_ISO = {"FQ0": "ATF"}
_QID = re.compile(r"^Q[1-9]\d*$")


@dataclass(frozen=True)
class Target:
    node: str  # the IRI that gets the link
    kind: str  # commune, epci, ept, country
    code: str  # the key value
    label: str


@dataclass
class Outcome:
    linked: list[tuple[Target, str]] = field(default_factory=list)  # (target, QID)
    ambiguous: list[tuple[Target, list[str]]] = field(default_factory=list)
    not_found: list[Target] = field(default_factory=list)
    requests: int = 0  # HTTP requests sent (0 when everything came from the cache)
    cached: int = 0  # codes answered from the cache


def targets(store) -> list[Target]:
    """What to look up: the store's linked communes, EPCI, EPT, and the EU countries in use."""
    out: dict[tuple[str, str], Target] = {}
    q = f"""SELECT ?c ?kind ?insee ?siren (MIN(STR(?l)) AS ?label) WHERE {{
              GRAPH <{iris.G_ENTITIES}> {{
                ?c <{CG.collectiviteKind.value}> ?kind ; <{CG.linkStatus.value}> "linked" .
                OPTIONAL {{ ?c <{IGEO.codeINSEE.value}> ?insee }} OPTIONAL {{ ?c <{CG.siren.value}> ?siren }}
                OPTIONAL {{ ?c <{SKOS.prefLabel.value}> ?l }} }} }}
            GROUP BY ?c ?kind ?insee ?siren"""
    for r in store.query(q):
        kind = r["kind"].value
        code = r["insee"] if kind == "commune" else r["siren"] if kind in ("epci", "ept") else None
        if code is None:
            continue
        label = r["label"].value if r["label"] else ""
        out.setdefault((kind, r["c"].value), Target(r["c"].value, kind, code.value, label))
    q = f"""SELECT DISTINCT ?country (MIN(STR(?l)) AS ?label) WHERE {{
              ?x <{CG.country.value}> ?country .
              FILTER(STRSTARTS(STR(?country), "{iris.EU_COUNTRY_BASE}"))
              OPTIONAL {{ GRAPH <{iris.G_COUNTRIES}> {{ ?country <{SKOS.prefLabel.value}> ?l FILTER(LANG(?l) = "fr") }} }}
            }} GROUP BY ?country"""
    for r in store.query(q):
        iri = r["country"].value
        eu = iri[len(iris.EU_COUNTRY_BASE) :]
        iso = _EU_TO_ISO.get(eu, eu)
        if KEYS["country"][1].match(iso):
            out.setdefault(("country", iri), Target(iri, "country", iso, r["label"].value if r["label"] else eu))
    return sorted(out.values(), key=lambda t: (t.kind, t.code))


# -- the cache --------------------------------------------------------------------------------


class Cache:
    """{"version": 1, "endpoints": {URL: {"P374": {"16015": ["Q…"], "99999": []}}}}"""

    def __init__(self, path: Path):
        self.path = path
        self.data: dict = {"version": 1, "endpoints": {}}
        if path.exists():
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
                if data.get("version") == 1 and isinstance(data.get("endpoints"), dict):
                    self.data = data
            except (OSError, ValueError):
                pass  # a damaged cache is only a cache: ask again

    def get(self, endpoint: str, prop: str, code: str) -> list[str] | None:
        return self.data["endpoints"].get(endpoint, {}).get(prop, {}).get(code)

    def put(self, endpoint: str, prop: str, answers: dict[str, list[str]]) -> None:
        self.data["endpoints"].setdefault(endpoint, {}).setdefault(prop, {}).update(answers)

    def save(self) -> None:
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.path)


# -- the endpoint -----------------------------------------------------------------------------


def _literal(code: str) -> str:
    # Codes are checked against KEYS' patterns before they get here: digits, A/B, capitals only.
    return '"' + code + '"'


def build_query(prop: str, codes: Iterable[str]) -> str:
    values = " ".join(_literal(c) for c in codes)
    return (
        f"SELECT ?code ?item WHERE {{\n  VALUES ?code {{ {values} }}\n"
        f"  ?item <{WDT}{prop}> ?code .\n"
        f"  FILTER NOT EXISTS {{ ?item <{WDT}{DISSOLVED}> ?end }}\n}}"
    )


class Client:
    def __init__(
        self,
        endpoint: str = DEFAULT_ENDPOINT,
        *,
        batch_size: int = 100,
        delay: float = 1.0,
        timeout: float = 60.0,
        retries: int = 3,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.endpoint = endpoint
        self.batch_size = batch_size
        self.delay = delay
        self.timeout = timeout
        self.retries = retries
        self.sleep = sleep
        self.requests = 0
        self._last = 0.0

    def _pause(self) -> None:
        wait = self._last + self.delay - time.monotonic()
        if self._last and wait > 0:
            self.sleep(wait)
        self._last = time.monotonic()

    def ask(self, prop: str, codes: list[str]) -> dict[str, list[str]]:
        """code → QIDs of the current items carrying it (empty list: none)."""
        import urllib.error

        from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        query = build_query(prop, codes)
        sw = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        sw.setQuery(query)
        sw.setReturnFormat(JSON)
        sw.setMethod(GET if len(query) < 4000 else POST)  # GET answers are cached by Wikidata's servers
        sw.setTimeout(int(self.timeout))
        for attempt in range(1, self.retries + 1):
            self._pause()
            self.requests += 1
            try:
                data = sw.queryAndConvert()
                break
            except urllib.error.HTTPError as e:
                # Too many requests / temporarily unavailable: wait as asked, then try again.
                if e.code in (429, 502, 503, 504) and attempt < self.retries:
                    retry_after = e.headers.get("Retry-After") if e.headers else None
                    self.sleep(
                        min(float(retry_after), 120.0) if retry_after and retry_after.isdigit() else 5.0 * attempt
                    )
                    continue
                raise WikidataError(f"the SPARQL endpoint {self.endpoint} answered HTTP {e.code} {e.reason}") from None
            except SPARQLWrapperException as e:
                raise WikidataError(
                    f"the SPARQL endpoint {self.endpoint} refused the query: {str(e).splitlines()[0]}"
                ) from None
            except (urllib.error.URLError, OSError, ValueError) as e:
                reason = getattr(e, "reason", None) or e
                raise WikidataError(f"cannot reach the SPARQL endpoint {self.endpoint}: {reason}") from None
        if not isinstance(data, dict) or "results" not in data:
            raise WikidataError(f"the SPARQL endpoint {self.endpoint} did not answer with SPARQL JSON results")
        found: dict[str, list[str]] = {c: [] for c in codes}
        for b in data["results"].get("bindings", []):
            code, item = b.get("code", {}).get("value"), b.get("item", {}).get("value", "")
            qid = item[len(iris.WIKIDATA_ENTITY) :] if item.startswith(iris.WIKIDATA_ENTITY) else ""
            if code in found and _QID.match(qid) and qid not in found[code]:
                found[code].append(qid)
        return {c: sorted(q, key=lambda x: int(x[1:])) for c, q in found.items()}


# -- the run ----------------------------------------------------------------------------------


def find_links(
    store,
    client: Client,
    cache: Cache | None,
    *,
    refresh: bool = False,
    on_batch: Callable[[int, int], None] | None = None,
) -> Outcome:
    """Look up every target; answers go to the cache as they come (a cache is not the graph)."""
    todo = targets(store)
    out = Outcome()
    answers: dict[tuple[str, str], list[str]] = {}
    by_prop: dict[str, list[str]] = {}
    for t in todo:
        prop, pattern, _ = KEYS[t.kind]
        if not pattern.match(t.code):
            continue
        hit = None if refresh or cache is None else cache.get(client.endpoint, prop, t.code)
        if hit is not None:
            answers[(prop, t.code)] = hit
            out.cached += 1
        elif t.code not in by_prop.setdefault(prop, []):
            by_prop[prop].append(t.code)
    batches = [
        (prop, codes[i : i + client.batch_size])
        for prop, codes in sorted(by_prop.items())
        for i in range(0, len(codes), client.batch_size)
    ]
    try:
        for n, (prop, codes) in enumerate(batches, start=1):
            got = client.ask(prop, codes)
            answers.update({(prop, c): q for c, q in got.items()})
            if cache is not None:
                cache.put(client.endpoint, prop, got)
            if on_batch:
                on_batch(n, len(batches))
    finally:
        out.requests = client.requests
        if cache is not None and client.requests:
            cache.save()
    for t in todo:
        qids = answers.get((KEYS[t.kind][0], t.code), [])
        if len(qids) == 1:
            out.linked.append((t, qids[0]))
        elif qids:
            out.ambiguous.append((t, qids))
        else:
            out.not_found.append(t)
    return out


def link_quads(outcome: Outcome, endpoint: str, when: str) -> tuple[list[Quad], list[Quad]]:
    """(quads of graph/links, bookkeeping quads of graph/meta)."""
    g = NamedNode(iris.G_LINKS)
    links = [Quad(NamedNode(t.node), KEYS[t.kind][2], NamedNode(iris.wikidata(qid)), g) for t, qid in outcome.linked]
    meta = NamedNode(iris.G_META)
    about = [
        Quad(g, DCTERMS.source, Literal(endpoint), meta),
        Quad(g, DCTERMS.modified, Literal(when, datatype=XSD.dateTime), meta),
    ]
    return links, about


def store_links(store, outcome: Outcome, endpoint: str, when: str) -> int:
    """Replace the links graph whole with this run's links; returns the number of links."""
    links, about = link_quads(outcome, endpoint, when)
    g, meta = NamedNode(iris.G_LINKS), NamedNode(iris.G_META)
    was = store.cache.begin()
    if store.open.contains_named_graph(g):
        store.open.remove_graph(g)
    for old in list(store.open.quads_for_pattern(g, None, None, meta)):
        store.open.remove(old)
    store.open.extend(links + about)
    store.refresh_cached_graph(iris.G_LINKS)
    store.cache.end(was)
    return len(links)

"""Key figures of a release, from the `stats` saved query and the small queries in publish_queries/,
and counts read off the sorted N-Triples (triples, entities, classes, links to other datasets)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from importlib import resources

from .. import queries
from ..rdf import iris


def _query_text(name: str) -> str:
    return (resources.files("coopgraph") / "publish_queries" / f"{name}.rq").read_text(encoding="utf-8")


def _rows(store, sparql: str) -> list[dict]:
    res = store.query(sparql)
    names = [v.value for v in res.variables]
    return [{n: (s[n].value if s[n] is not None else None) for n in names} for s in res]


@dataclass
class Country:
    iri: str
    label_fr: str
    label_en: str
    partnerships: int


@dataclass
class Figures:
    stats: dict[str, str]
    countries: list[Country]
    first_year: str | None
    last_year: str | None
    funding_years: list[tuple[str, Decimal, int]]
    themes: list[tuple[str, str, int]]
    triples: int = 0
    entities: int = 0
    classes: dict[str, int] = field(default_factory=dict)
    links: dict[tuple[str, str], int] = field(default_factory=dict)  # (target, predicate) -> count
    synthetic: int = 0  # partnerships read from synthetic pages: never to be taken for real data

    def stat(self, name: str) -> int:
        v = self.stats.get(name)
        return int(Decimal(v)) if v else 0

    @property
    def total_eur(self) -> Decimal:
        return Decimal(self.stats.get("totalEUR") or 0)


def from_store_path(path: str) -> Figures:
    """For a worker process: the queries run beside the main process's serialising (pyoxigraph
    holds the GIL while it evaluates, so a thread would not overlap)."""
    from ..store import Store

    with Store(path, read_only=True) as store:
        return from_store(store)


def from_store(store) -> Figures:
    stats_rows = _rows(store, queries.get("stats").text)
    stats = {k: v for k, v in (stats_rows[0] if stats_rows else {}).items() if v is not None}
    countries = [
        Country(
            r["country"],
            r["labelFr"] or r["labelEn"] or r["country"].rsplit("/", 1)[-1],
            r["labelEn"] or r["labelFr"] or r["country"].rsplit("/", 1)[-1],
            int(r["partnerships"]),
        )
        for r in _rows(store, _query_text("countries"))
    ]
    years = _rows(store, _query_text("years"))
    fy = [
        (r["year"], Decimal(r["totalEUR"]), int(r["rows"]))
        for r in _rows(store, _query_text("funding-years"))
        if r["year"]
    ]
    themes = [(r["theme"], r["label"], int(r["partnerships"])) for r in _rows(store, _query_text("themes"))]
    first = years[0]["first"] if years else None
    last = years[0]["last"] if years else None
    synthetic = int(_rows(store, _query_text("synthetic"))[0]["n"])
    return Figures(stats, countries, first, last, fy, themes, synthetic=synthetic)


# -- counts from the N-Triples ---------------------------------------------------------------------

# The external datasets the graph links to: IRIs in their namespace, or their codes as literals.
TARGETS = {
    "insee": {
        "namespaces": ["http://id.insee.fr/", "http://rdf.insee.fr/geo/"],
        "predicates": ["http://rdf.insee.fr/def/geo#codeINSEE", iris.ONTOLOGY + "siren"],
    },
    "eu-countries": {"namespaces": [iris.EU_COUNTRY_BASE], "predicates": []},
    "un-sdg": {"namespaces": [iris.SDG_BASE], "predicates": []},
    "wikidata": {
        "namespaces": ["http://www.wikidata.org/entity/", "https://www.wikidata.org/entity/"],
        "predicates": [],
    },
    "geonames": {"namespaces": [iris.GEONAMES_BASE], "predicates": []},
}


def apply_line_stats(fig: Figures, stats, n_lines: int) -> None:
    """Triples, entities (typed resources minted by coopgraph), class partitions and linksets,
    counted by the JSON-LD pass (dumps.LineStats) that reads every triple anyway."""
    fig.triples = n_lines
    fig.entities = stats.entities
    fig.classes = dict(sorted((k.decode(), v) for k, v in stats.classes.items()))
    fig.links = dict(sorted(((t, p.decode()), n) for (t, p), n in stats.links.items()))

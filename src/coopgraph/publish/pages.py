"""Pages for people: the landing page (index.html) and the ontology documentation (ontology.html).

Self-contained HTML (inline CSS and SVG, no font or service from elsewhere), built with
string.Template; every value is HTML-escaped. The landing page's map is drawn by the scripts that
publish copies into map/ (bundled d3 and base maps, see publish.write_map): nothing is fetched.
"""

from __future__ import annotations

import json
from decimal import Decimal
from html import escape
from importlib import resources
from string import Template

from ..rdf import iris
from .describe import DESCRIPTION, TITLE, FileInfo, Options
from .figures import Figures

EXAMPLE_QUERY = """PREFIX cg: <https://w3id.org/coopgraph/ontology#>
PREFIX schema: <http://schema.org/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?funderLabel (COUNT(DISTINCT ?p) AS ?partnerships) (SUM(?amount) AS ?totalEUR)
WHERE {
  ?f a cg:Funding ; schema:funder ?funder ; schema:fundedItem ?p ; schema:amount ?amount .
  ?funder rdfs:label ?funderLabel .
}
GROUP BY ?funderLabel
ORDER BY DESC(?totalEUR)
LIMIT 20"""


def _template(name: str) -> Template:
    return Template((resources.files("coopgraph") / "templates" / name).read_text(encoding="utf-8"))


def _int(n: int | Decimal) -> str:
    return f"{n:,.0f}".replace(",", "\u202f")  # French thin no-break space as the thousands separator


def human_size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1000 or unit == "GB":
            return f"{n} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return str(n)


def bar_chart(fig: Figures, top: int = 15) -> str:
    """Horizontal bars of partnerships per country, drawn as inline SVG."""
    rows = [(c.label_fr, c.partnerships) for c in fig.countries[:top]]
    rest = fig.countries[top:]
    if rest:
        rows.append((f"{len(rest)} autres pays / other countries", sum(c.partnerships for c in rest)))
    if not rows:
        return "<p>Aucun pays / no country.</p>"
    peak = max(n for _, n in rows) or 1
    bar_h, gap, label_w, width = 18, 6, 230, 640
    height = len(rows) * (bar_h + gap)
    parts = [
        f'<svg id="country-chart" role="img" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'xmlns="http://www.w3.org/2000/svg" aria-labelledby="chart-title">',
        '<title id="chart-title">Partenariats par pays / partnerships by country</title>',
    ]
    for i, (label, n) in enumerate(rows):
        y = i * (bar_h + gap)
        w = max(1, round((width - label_w - 70) * n / peak))
        parts.append(
            f'<g class="bar"><text x="{label_w - 6}" y="{y + 13}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y}" width="{w}" height="{bar_h}" fill="#3b6fb6"></rect>'
            f'<text x="{label_w + w + 5}" y="{y + 13}">{_int(n)}</text></g>'
        )
    parts.append("</svg>")
    return "\n".join(parts)


def _schema_org(opts: Options, fig: Figures, files: list[FileInfo], licence_iri: str) -> str:
    """schema.org Dataset, for general search engines' dataset search."""
    doc = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": opts.base_url + "#dataset",
        "name": TITLE["fr"],
        "alternateName": TITLE["en"],
        "description": DESCRIPTION["fr"],
        "inLanguage": "fr",
        "license": licence_iri,
        "url": opts.base_url,
        "publisher": {"@type": "Organization", "name": opts.publisher},
        "dateModified": opts.date.isoformat(),
        "distribution": [
            {
                "@type": "DataDownload",
                "name": f.name,
                "contentUrl": opts.base_url + f.name,
                "encodingFormat": f.media_type,
                "contentSize": str(f.size),
            }
            for f in files
            if f.distribution and not f.personal
        ],
    }
    if fig.first_year and fig.last_year:
        doc["temporalCoverage"] = f"{fig.first_year}/{fig.last_year}"
    # "</" cannot end the script element early once escaped.
    return json.dumps(doc, ensure_ascii=False, indent=1).replace("</", "<\\/")


def landing_page(opts: Options, fig: Figures, files: list[FileInfo]) -> str:
    lic_iri, lic_label = opts.licence_iri_label()
    figures: list[tuple[str, str, str, int | Decimal]] = [
        ("partnerships", "Partenariats", "partnerships", fig.stat("partnerships")),
        ("french", "Collectivités françaises", "French local authorities", fig.stat("frenchCollectivites")),
        ("foreign", "Collectivités partenaires étrangères", "foreign partners", fig.stat("foreignCollectivites")),
        ("countries", "Pays", "countries", fig.stat("countries")),
        ("funders", "Financeurs", "funders", fig.stat("funders")),
        ("total", "Montant total des financements (€)", "total funding (EUR)", fig.total_eur),
        ("triples", "Triplets RDF", "RDF triples", fig.triples),
    ]
    if fig.first_year and fig.last_year:
        years = f"{fig.first_year}–{fig.last_year}"
    else:
        years = "—"
    items = [
        f'<li id="fig-{k}"><strong>{_int(v)}</strong>{escape(fr)} <span class="en" lang="en">/ {escape(en)}</span></li>'
        for k, fr, en, v in figures
    ]
    items.append(
        f'<li id="fig-years"><strong>{escape(years)}</strong>Années couvertes '
        f'<span class="en" lang="en">/ years covered</span></li>'
    )
    dist_rows = []
    for f in files:
        if not f.distribution:
            continue
        cls = ' class="personal"' if f.personal else ""
        fmt = f.media_type + (" + gzip" if f.gzip else "")
        dist_rows.append(
            f'<tr{cls}><td><a href="{escape(f.name)}">{escape(f.name)}</a></td>'
            f'<td>{escape(f.title_fr)}<br><span class="en small" lang="en">{escape(f.title_en)}</span></td>'
            f'<td><code>{escape(fmt)}</code></td><td class="num" data-bytes="{f.size}">{human_size(f.size)}</td>'
            f'<td><code title="{f.sha256}">{f.sha256[:12]}…</code></td></tr>'
        )
    personal_note = ""
    if any(f.personal for f in files):
        personal_note = (
            '<p class="personal"><strong>Données personnelles.</strong> Cette publication contient, '
            "dans un fichier à part marqué comme tel, des données personnelles (noms et courriels de "
            'contacts et de volontaires). <span lang="en">This release holds personal data, in a file '
            "of its own marked as such.</span></p>"
        )
    synthetic_note = ""
    if fig.synthetic:
        synthetic_note = (
            f'<p class="synthetic" id="synthetic"><strong>Données synthétiques.</strong> '
            f"{_int(fig.synthetic)} partenariat(s) de cette publication viennent de pages "
            "fabriquées pour les tests de performance : ce ne sont pas des données réelles. "
            f'<span lang="en">{_int(fig.synthetic)} partnership(s) in this release come from '
            "pages generated for benchmarks: they are not real data.</span></p>"
        )
    return _template("index.html").substitute(
        title_fr=escape(TITLE["fr"]),
        title_en=escape(TITLE["en"]),
        description_fr=escape(DESCRIPTION["fr"]),
        description_en=escape(DESCRIPTION["en"]),
        date=opts.date.isoformat(),
        publisher=escape(opts.publisher),
        licence_iri=escape(lic_iri),
        licence_label=escape(lic_label),
        figures="\n".join(items),
        chart=bar_chart(fig),
        funding_years="\n".join(
            f'<tr><td>{escape(y)}</td><td class="num">{_int(n)}</td><td class="num">{_int(a)}</td></tr>'
            for y, a, n in fig.funding_years
        ),
        distributions="\n".join(dist_rows),
        dataset_iri=escape(opts.base_url),
        example_query=escape(EXAMPLE_QUERY),
        id_space=escape(iris.ID),
        ontology_ns=escape(iris.ONTOLOGY),
        personal_note=personal_note,
        synthetic_note=synthetic_note,
        schema_org=_schema_org(opts, fig, files, lic_iri),
    )


# -- ontology documentation ----------------------------------------------------------------------


def ontology_page(ontology_ttl: bytes, schemes_ttl: bytes | None, licence_label: str) -> str:
    from rdflib import Graph, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

    g = Graph().parse(data=ontology_ttl, format="turtle")
    ns = iris.ONTOLOGY
    onto = URIRef(ns.rstrip("#"))

    def text(s, p, lang: str) -> str:
        vals = sorted(str(o) for o in g.objects(s, p) if getattr(o, "language", None) == lang)
        return vals[0] if vals else ""

    def name(node) -> str:
        v = str(node)
        if v.startswith(ns):
            local = v[len(ns) :]
            return f'<a href="#{escape(local)}"><code>cg:{escape(local)}</code></a>'
        for prefix, base in (
            ("org", "http://www.w3.org/ns/org#"),
            ("schema", "http://schema.org/"),
            ("skos", SKOS),
            ("dcterms", DCTERMS),
            ("prov", "http://www.w3.org/ns/prov#"),
            ("foaf", "http://xmlns.com/foaf/0.1/"),
            ("xsd", "http://www.w3.org/2001/XMLSchema#"),
            ("rdf", RDF),
            ("rdfs", RDFS),
            ("owl", OWL),
        ):
            if v.startswith(str(base)):
                return f'<a href="{escape(v)}"><code>{prefix}:{escape(v[len(str(base)) :])}</code></a>'
        return f'<a href="{escape(v)}"><code>{escape(v)}</code></a>'

    def block(term, extra: list[tuple[str, str]]) -> str:
        local = str(term)[len(ns) :]
        rows = [(k, v) for k, v in extra if v]
        dl = "".join(f"<dt>{escape(k)}</dt><dd>{v}</dd>" for k, v in rows)
        return (
            f'<div class="term" id="{escape(local)}"><h3>cg:{escape(local)} — {escape(text(term, RDFS.label, "en"))}'
            f' <span class="fr" lang="fr">/ {escape(text(term, RDFS.label, "fr"))}</span></h3>'
            f"<p>{escape(text(term, SKOS.definition, 'en'))}</p>"
            f'<p class="fr" lang="fr">{escape(text(term, SKOS.definition, "fr"))}</p>'
            f"<dl><dt>IRI</dt><dd><code>{escape(str(term))}</code></dd>{dl}</dl></div>"
        )

    def ours(kind) -> list:
        return sorted((s for s in g.subjects(RDF.type, kind) if str(s).startswith(ns)), key=str)

    classes = ours(OWL.Class)
    obj_props, data_props = ours(OWL.ObjectProperty), ours(OWL.DatatypeProperty)
    joined = lambda nodes: ", ".join(name(n) for n in sorted(nodes, key=str))
    sections, toc = [], []
    for title, anchor, terms in (
        ("Classes", "classes", classes),
        ("Object properties", "object-properties", obj_props),
        ("Datatype properties", "datatype-properties", data_props),
    ):
        toc.append(f'<li><a href="#{anchor}">{title}</a></li>')
        out = [f'<section id="{anchor}"><h2>{title}</h2>']
        for t in terms:
            if title == "Classes":
                extra = [
                    ("Subclass of", joined(g.objects(t, RDFS.subClassOf))),
                    ("Subclasses", joined(g.subjects(RDFS.subClassOf, t))),
                    ("Properties (domain)", joined(g.subjects(RDFS.domain, t))),
                    ("Used as range of", joined(g.subjects(RDFS.range, t))),
                ]
            else:
                chars = [
                    str(c).rsplit("#", 1)[-1]
                    for c in g.objects(t, RDF.type)
                    if c not in (OWL.ObjectProperty, OWL.DatatypeProperty)
                ]
                extra = [
                    ("Domain", joined(g.objects(t, RDFS.domain))),
                    ("Range", joined(g.objects(t, RDFS.range))),
                    ("Subproperty of", joined(g.objects(t, RDFS.subPropertyOf))),
                    ("Characteristics", escape(", ".join(sorted(chars)))),
                ]
            out.append(block(t, extra))
        out.append("</section>")
        sections.append("\n".join(out))
    schemes_link = ""
    if schemes_ttl:
        schemes_link = ', <a href="schemes.ttl">schemes.ttl</a> (SKOS)'
        toc.append('<li><a href="#schemes">Concept schemes</a></li>')
        sections.append(_schemes_section(schemes_ttl))
    return _template("ontology.html").substitute(
        title=escape(text(onto, RDFS.label, "en") or "coopgraph ontology"),
        title_fr=escape(text(onto, RDFS.label, "fr")),
        description=escape(text(onto, DCTERMS.description, "en")),
        description_fr=escape(text(onto, DCTERMS.description, "fr")),
        namespace=escape(ns),
        prefix="cg",
        version=escape(str(g.value(onto, OWL.versionInfo) or "")),
        licence=escape(licence_label),
        schemes_link=schemes_link,
        toc="<ul>" + "".join(toc) + "</ul>",
        sections="\n".join(sections),
    )


def _schemes_section(schemes_ttl: bytes) -> str:
    from rdflib import Graph
    from rdflib.namespace import RDF, SKOS

    g = Graph().parse(data=schemes_ttl, format="turtle")

    def label(c) -> str:
        for lang in ("fr", "en", None):
            for o in g.objects(c, SKOS.prefLabel):
                if getattr(o, "language", None) == lang:
                    return str(o)
        return str(c).rsplit("/", 1)[-1]

    def tree(nodes, depth=0) -> str:
        if not nodes or depth > 6:
            return ""
        items = []
        for c in sorted(nodes, key=lambda c: label(c).lower()):
            kids = list(g.subjects(SKOS.broader, c))
            items.append(
                f'<li>{escape(label(c))} <code class="small">{escape(str(c))}</code>{tree(kids, depth + 1)}</li>'
            )
        return '<ul class="tree">' + "".join(items) + "</ul>"

    out = ['<section id="schemes"><h2>Concept schemes</h2>']
    for scheme in sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=str):
        members = set(g.subjects(SKOS.inScheme, scheme))
        top = [c for c in members if not any(b in members for b in g.objects(c, SKOS.broader))]
        out.append(f"<h3>{escape(label(scheme))}</h3><p><code>{escape(str(scheme))}</code></p>{tree(top)}")
    out.append("</section>")
    return "\n".join(out)

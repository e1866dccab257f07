"""The reference graphs loaded into every store, as Turtle bytes, by graph IRI: the ontology, the
SKOS schemes, the UN SDG KOS, the EU country table and the OECD DAC purpose codes.

Built from the files shipped in the package (resources.py), below every stage that uses them:
the store loads them, validation checks against them, linking resolves into them.
"""

from __future__ import annotations

from collections.abc import Callable

from . import resources
from .rdf import iris

__all__ = ["reference_graphs"]


def _ontology() -> bytes:
    return resources.ontology_file("coopgraph.ttl").read_bytes()


def _schemes() -> bytes:
    return b"\n".join(resources.ontology_file(n).read_bytes() for n in ("themes.ttl", "schemes.ttl"))


def _sdg() -> bytes:
    return resources.data_file("sdg-kos.ttl").read_bytes()


def _countries() -> bytes:
    def lit(s: str, lang: str | None = None) -> str:
        s = s.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{s}"@{lang}' if lang else f'"{s}"'

    out = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix cg: <https://w3id.org/coopgraph/ontology#> .",
        "",
    ]
    for c in resources.data_table("countries.tsv"):
        parts = [
            f"<{c['iri']}> a skos:Concept",
            f"skos:prefLabel {lit(c['label_fr'], 'fr')}, {lit(c['label_en'], 'en')}",
            f"skos:notation {lit(c['alpha3'])}" + (f", {lit(c['alpha2'])}" if c["alpha2"] else ""),
        ]
        out.append(" ;\n    ".join(parts) + " .")
    return "\n".join(out).encode("utf-8")


def _dac() -> bytes:
    """OECD DAC purpose codes (5 digits) under their categories (3 digits), as a SKOS scheme."""
    rows = resources.data_table("dac-sectors.tsv")

    def lit(s: str, lang: str | None = None) -> str:
        s = s.replace("\\", "\\\\").replace('"', '\\"')
        return f'"{s}"@{lang}' if lang else f'"{s}"'

    scheme = iris.DAC_SCHEME
    out = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        f"<{scheme}> a skos:ConceptScheme ; skos:prefLabel {lit('OECD DAC purpose codes', 'en')}, "
        f"{lit('Codes-objet du CAD de l’OCDE', 'fr')} ;\n    dcterms:source <https://iatistandard.org/en/"
        f"iati-standard/203/codelists/sector/> .",
        "",
    ]

    def concept(code: str, en: str, fr: str, broader: str | None, deprecated: bool) -> str:
        labels = ", ".join(x for x in (lit(en, "en") if en else "", lit(fr, "fr") if fr else "") if x)
        parts = [f"<{iris.dac_sector(code)}> a skos:Concept", f"skos:inScheme <{scheme}>", f"skos:notation {lit(code)}"]
        if labels:
            parts.append(f"skos:prefLabel {labels}")
        parts.append(f"skos:broader <{iris.dac_sector(broader)}>" if broader else f"skos:topConceptOf <{scheme}>")
        if deprecated:
            parts.append("owl:deprecated true")
        return " ;\n    ".join(parts) + " ."

    categories: dict[str, tuple[str, str]] = {}
    for r in rows:
        categories.setdefault(r["category"], (r["category_name_en"], r["category_name_fr"]))
    for code, (en, fr) in categories.items():
        out.append(concept(code, en, fr, None, False))
    category: dict[str, str] = {}  # the first row of a code gives its category, as link.sectors reads it
    for r in rows:
        category.setdefault(r["code"], r["category"])
    sectors = {r["code"]: (r["name_en"], r["name_fr"]) for r in rows}
    gone = {r["code"] for r in rows if r["status"] != "active"}
    for code, (en, fr) in sectors.items():
        out.append(concept(code, en, fr, category[code], code in gone))
    return "\n".join(out).encode("utf-8")


def reference_graphs() -> dict[str, Callable[[], bytes]]:
    """Graph IRI → a function giving that graph's Turtle (read when called, not at import)."""
    return {
        iris.G_ONTOLOGY: _ontology,
        iris.G_SCHEMES: _schemes,
        iris.G_SDG: _sdg,
        iris.G_COUNTRIES: _countries,
        iris.G_DAC: _dac,
    }

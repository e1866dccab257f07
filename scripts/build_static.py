#!/usr/bin/env python3
"""Build the map's static files in src/coopgraph/static/map/ (no CDN: the page works offline).

Fetched with `npm pack` into a temporary folder:
- d3 7.9.2 (ISC): `dist/d3.min.js`, the drawing library;
- topojson-client 3.1.0 (ISC): `dist/topojson-client.min.js`, TopoJSON to GeoJSON;
- world-atlas 2.0.2 (ISC; Natural Earth data, public domain): `countries-110m.json` for the world,
  France alone from `countries-50m.json` for the inset.

The TopoJSON files are wrapped in JavaScript (`window.COOPGRAPH_WORLD = {...}`) so that a landing page
opened from the disk (file://, where a browser refuses fetch()) can load them with a <script> element.
Each country gets the EU country table's alpha-3 code (`properties.a3`), the code the graph uses.

    python scripts/build_static.py [--npm-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "coopgraph" / "static" / "map"
sys.path.insert(0, str(REPO / "src"))
PACKAGES = {"d3": "7.9.2", "topojson-client": "3.1.0", "world-atlas": "2.0.2"}

# Natural Earth's short English names that the EU table does not know, and ISO numeric codes it lacks.
NAMES = {
    "Dem. Rep. Congo": "COD",
    "Central African Rep.": "CAF",
    "Bosnia and Herz.": "BIH",
    "S. Sudan": "SSD",
    "W. Sahara": "ESH",
    "Eq. Guinea": "GNQ",
    "eSwatini": "SWZ",
    "Solomon Is.": "SLB",
    "Dominican Rep.": "DOM",
    "Falkland Is.": "FLK",
    "Fr. S. Antarctic Lands": "FQ0",
    "N. Cyprus": None,
    "Somaliland": None,
    "Kosovo": "1A0",
    "Taiwan": "TWN",
    "Macedonia": "MKD",
    "North Macedonia": "MKD",
    "Timor-Leste": "TLS",
    "Palestine": "PSE",
    "Cyprus U.N. Buffer Zone": None,
    "Siachen Glacier": None,
    "Indian Ocean Ter.": None,
    "Ashmore and Cartier Is.": None,
    "Br. Indian Ocean Ter.": "IOT",
    "Heard I. and McDonald Is.": "HMD",
    "S. Geo. and the Is.": "SGS",
    "Fr. Polynesia": "PYF",
    "St. Pierre and Miquelon": "SPM",
    "Wallis and Futuna Is.": "WLF",
    "Turks and Caicos Is.": "TCA",
    "Cayman Is.": "CYM",
    "U.S. Virgin Is.": "VIR",
    "British Virgin Is.": "VGB",
    "St. Kitts and Nevis": "KNA",
    "St. Vin. and Gren.": "VCT",
    "Antigua and Barb.": "ATG",
    "Marshall Is.": "MHL",
    "N. Mariana Is.": "MNP",
    "Cook Is.": "COK",
    "Faeroe Is.": "FRO",
    "Åland": "ALA",
    "São Tomé and Principe": "STP",
    "Saint Helena": "SHN",
    "St-Barthélemy": "BLM",
    "St-Martin": "MAF",
    "Sint Maarten": "SXM",
    "Pitcairn Is.": "PCN",
    "Micronesia": "FSM",
    "Vatican": "VAT",
    "Curaçao": "CUW",
    "Czechia": "CZE",
    "Brunei": "BRN",
    "Laos": "LAO",
    "Vietnam": "VNM",
    "Russia": "RUS",
    "Syria": "SYR",
    "Iran": "IRN",
    "Moldova": "MDA",
    "Bolivia": "BOL",
    "Venezuela": "VEN",
    "Tanzania": "TZA",
    "North Korea": "PRK",
    "South Korea": "KOR",
    "Côte d'Ivoire": "CIV",
    "Cabo Verde": "CPV",
    "Gambia": "GMB",
    "Bahamas": "BHS",
    "United States of America": "USA",
    "United Kingdom": "GBR",
    "Netherlands": "NLD",
    "Congo": "COG",
    "Guinea-Bissau": "GNB",
    "Antarctica": "ATA",
    "Greenland": "GRL",
    "Puerto Rico": "PRI",
    "New Caledonia": "NCL",
    "Niue": "NIU",
    "Norfolk Island": "NFK",
    "Aruba": "ABW",
    "Jersey": "JEY",
    "Guernsey": "GGY",
    "Isle of Man": "IMN",
    "Bermuda": "BMU",
    "Anguilla": "AIA",
    "Montserrat": "MSR",
    "Guam": "GUM",
    "American Samoa": "ASM",
    "Macao": "MAC",
    "Hong Kong": "HKG",
    "Liechtenstein": "LIE",
}


def npm_pack(into: Path) -> dict[str, Path]:
    out = {}
    for name, version in PACKAGES.items():
        res = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--silent"], cwd=into, check=True, capture_output=True, text=True
        )
        tgz = into / res.stdout.strip().splitlines()[-1]
        dest = into / name
        with tarfile.open(tgz) as t:
            t.extractall(dest, filter="data")
        out[name] = dest / "package"
    return out


def _alpha3(name: str) -> str | None:
    from coopgraph.link.countries import resolve_country

    if name in NAMES:
        return NAMES[name]
    c = resolve_country(name)
    return c.alpha3 if c else None


def _subset(topo: dict, keep) -> dict:
    """A topology with only the country geometries `keep` accepts, and only their arcs (renumbered)."""
    geoms = [g for g in topo["objects"]["countries"]["geometries"] if keep(g)]
    used: dict[int, int] = {}

    def remap(arcs):
        if arcs and isinstance(arcs[0], list):
            return [remap(a) for a in arcs]
        out = []
        for a in arcs:
            i = a if a >= 0 else ~a
            j = used.setdefault(i, len(used))
            out.append(j if a >= 0 else ~j)
        return out

    for g in geoms:
        g["arcs"] = remap(g["arcs"])
    arcs = [None] * len(used)
    for i, j in used.items():
        arcs[j] = topo["arcs"][i]
    return {
        "type": "Topology",
        "transform": topo["transform"],
        "arcs": arcs,
        "objects": {"countries": {"type": "GeometryCollection", "geometries": geoms}},
    }


def _js(var: str, data: dict) -> str:
    return f"window.{var} = " + json.dumps(data, ensure_ascii=False, separators=(",", ":")) + ";\n"


def build(pkgs: dict[str, Path]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(pkgs["d3"] / "dist" / "d3.min.js", OUT / "d3.min.js")
    shutil.copyfile(pkgs["topojson-client"] / "dist" / "topojson-client.min.js", OUT / "topojson-client.min.js")
    for name in PACKAGES:
        shutil.copyfile(pkgs[name] / "LICENSE", OUT / f"LICENSE-{name}")
    world = json.loads((pkgs["world-atlas"] / "countries-110m.json").read_text(encoding="utf-8"))
    unknown = []
    for g in world["objects"]["countries"]["geometries"]:
        a3 = _alpha3(g["properties"]["name"])
        if a3:
            g["properties"]["a3"] = a3
        elif g["properties"]["name"] not in NAMES:
            unknown.append(g["properties"]["name"])
    if unknown:
        raise SystemExit(f"countries with no EU code: {unknown}")
    world["objects"] = {"countries": world["objects"]["countries"]}  # "land" is not drawn
    (OUT / "world-110m.js").write_text(_js("COOPGRAPH_WORLD", world), encoding="utf-8")
    fifty = json.loads((pkgs["world-atlas"] / "countries-50m.json").read_text(encoding="utf-8"))
    france = _subset(fifty, lambda g: g.get("id") == "250")
    for g in france["objects"]["countries"]["geometries"]:
        g["properties"]["a3"] = "FRA"
    (OUT / "france-50m.js").write_text(_js("COOPGRAPH_FRANCE", france), encoding="utf-8")
    print("wrote", ", ".join(sorted(p.name for p in OUT.iterdir())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--npm-dir", type=Path, help="folder with the packages already unpacked (NAME/package/)")
    args = ap.parse_args()
    if args.npm_dir:
        build({n: args.npm_dir / n / "package" for n in PACKAGES})
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(npm_pack(Path(tmp)))


if __name__ == "__main__":
    main()

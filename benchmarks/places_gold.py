#!/usr/bin/env python3
"""Generate a gold list of foreign partner names, written the way the Atlas writes them.

    python benchmarks/places_gold.py [-o benchmarks/places-gold.tsv] [--seed 2026]

Deterministic (seeded). Each row is one foreign partner of one page: its name, its country as the
page writes it (French label), the page's other foreign partners (context), and the expected outcome:

- ``linked`` + GeoNames id: the partner is that place (skos:exactMatch);
- ``placed`` + GeoNames id: a region/province/cercle named like its seat, placed at the seat (never
  exactMatch);
- ``none``: must not be linked nor placed: homonyms within the country that the page does not settle,
  intercommunalities and syndicates, names of no place.

Where the rows come from (the ``category`` column):
- generated from the shipped GeoNames extract (coopgraph/data/geonames-cities.tsv.gz), with the
  Atlas's forms applied in the country's language ("Commune de", "Mairie de", "Stadt", "Gmina",
  "Comune di", "Ayuntamiento de", ...) and typing variants (no accents, upper case, hyphens as
  spaces). The expected id is the one GeoNames row of that name among the country's municipal
  places (neighbourhoods, historical and abandoned places excluded); a name two rows share is
  expected ``none``, or the one in the region a co-partner names;
- ``hand``: rows written by hand (benchmarks/places_gold.py HAND), each checked against the data:
  French exonyms, spellings, local forms for places GeoNames names in English (expected to be found:
  the list measures those misses too).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from coopgraph.link import refdata  # noqa: E402
from coopgraph.link.names import fold, strip_accents  # noqa: E402

FIELDS = ["name", "country", "context", "expected", "geonames_id", "category"]
NOT_MUNICIPAL = ("PPLX", "PPLH", "PPLQ", "PPLW", "PPLCH")

# Countries with many Atlas partnerships, their label as pages write it, and the forms used there.
FR_FORMS = ["", "", "Commune de ", "Ville de ", "Mairie de ", "Commune urbaine de ", "Municipalité de "]
COUNTRIES = {
    "ML": ("Mali", FR_FORMS),
    "BF": ("Burkina Faso", FR_FORMS),
    "SN": ("Sénégal", FR_FORMS),
    "MG": ("Madagascar", FR_FORMS),
    "BJ": ("Bénin", FR_FORMS),
    "MA": ("Maroc", FR_FORMS),
    "NE": ("Niger", FR_FORMS),
    "CM": ("Cameroun", FR_FORMS),
    "TN": ("Tunisie", FR_FORMS),
    "HT": ("Haïti", FR_FORMS),
    "TG": ("Togo", FR_FORMS),
    "MR": ("Mauritanie", FR_FORMS),
    "LB": ("Liban", FR_FORMS + ["Municipalité de "]),
    "CI": ("Côte d'Ivoire", FR_FORMS),
    "VN": ("Viêt Nam", ["", "Ville de "]),
    "DE": ("Allemagne", ["", "Stadt ", "Gemeinde ", "Ville de "]),
    "PL": ("Pologne", ["", "Gmina ", "Miasto ", "Ville de "]),
    "IT": ("Italie", ["", "Comune di ", "Città di ", "Ville de "]),
    "ES": ("Espagne", ["", "Ayuntamiento de ", "Municipio de ", "Ville de "]),
    "RO": ("Roumanie", ["", "Primăria ", "Comuna ", "Ville de "]),
    "CA": ("Canada", ["", "Ville de ", "City of ", "Municipalité de "]),
    "BR": ("Brésil", ["", "Prefeitura de ", "Municipalité de "]),
}
REGION_FORMS = {
    "FR": ["Région de ", "Conseil régional de ", "Région ", "Province de ", "Gouvernorat de "],
    "other": ["Région de ", "Province de ", "Conseil régional de "],
}
GROUPINGS = [
    "Intercommunalité {x}",
    "Communauté de communes de {x}",
    "Syndicat intercommunal de {x}",
    "Association des communes de {x}",
    "Union des communes de {x}",
]
SYL = ["ba", "bou", "ko", "ka", "ma", "sé", "go", "ni", "ta", "ra", "di", "dou", "la", "na", "sa", "fa", "kou"]

# Written by hand: (name as an Atlas page may write it, country label, context, expected, GeoNames id).
# Ids looked up in the shipped data and checked (name, division, coordinates) by hand.
HAND = [
    ("Ségou", "Mali", "", "linked", 2451478),
    ("Commune de Ségou", "Mali", "", "linked", 2451478),
    ("Mairie de Ségou", "Mali", "", "linked", 2451478),
    ("SEGOU", "Mali", "", "linked", 2451478),
    ("Commune urbaine de Kayes", "Mali", "", "linked", 2455518),
    ("Région de Kayes", "Mali", "", "placed", 2455518),
    ("Conseil régional de Ségou", "Mali", "", "placed", 2451478),
    ("Cercle de Kita", "Mali", "", "placed", 2455216),
    ("Conseil de cercle de Bafoulabé", "Mali", "", "placed", 2460755),
    ("Tombouctou", "Mali", "", "linked", 2449067),
    ("Commune de Tombouctou", "Mali", "", "linked", 2449067),
    ("District de Bamako", "Mali", "", "placed", 2460596),
    ("Intercommunalité Balanzan", "Mali", "", "none", 0),
    ("Kayes", "Congo", "", "linked", 2259383),
    ("Kayes", "Mali", "", "linked", 2455518),
    ("Bobo Dioulasso", "Burkina Faso", "", "linked", 2362344),
    ("Commune de Ouahigouya", "Burkina Faso", "", "linked", 2357043),
    ("Ville de Saint-Louis", "Sénégal", "", "linked", 2246452),
    ("Ville de Dakar", "Sénégal", "", "linked", 2253354),
    ("Région de Dakar", "Sénégal", "", "placed", 2253354),
    ("Commune urbaine d'Antsirabe", "Madagascar", "", "linked", 1069166),
    ("Tananarive", "Madagascar", "", "linked", 1070940),
    ("Mairie de Jacmel", "Haïti", "", "linked", 3723779),
    ("Alger", "Algérie", "", "linked", 2507480),
    ("Le Caire", "Égypte", "", "linked", 360630),
    ("Beyrouth", "Liban", "", "linked", 276781),
    ("Varsovie", "Pologne", "", "linked", 756135),
    ("Cracovie", "Pologne", "", "linked", 3094802),
    ("Ville de Cologne", "Allemagne", "", "linked", 2886242),
    ("Aix-la-Chapelle", "Allemagne", "", "linked", 3247449),
    ("Bethléem", "Territoires palestiniens", "", "linked", 284315),
    ("Hébron", "Territoires palestiniens", "", "linked", 285066),
    ("Ville de Hanoï", "Viêt Nam", "", "linked", 1581130),
    ("Province de Hai Duong", "Viêt Nam", "", "placed", 1581326),
    ("Comune di Firenze", "Italie", "", "linked", 3176959),  # GeoNames: "Florence": a miss, measured
    ("Comune di Torino", "Italie", "", "linked", 3165524),  # GeoNames: "Turin": a miss, measured
    ("Stadt München", "Allemagne", "", "linked", 2867714),  # GeoNames: "Munich": a miss, measured
    ("Ayuntamiento de Sevilla", "Espagne", "", "linked", 2510911),
    ("Séville", "Espagne", "", "linked", 2510911),
    ("Gmina Kłodzko", "Pologne", "", "linked", 3096053),
    ("San José", "Costa Rica", "", "none", 0),  # two in Costa Rica
    ("Springfield", "États-Unis", "", "none", 0),  # twenty in the United States
    ("Région de Fès-Meknès", "Maroc", "", "placed", 2548885),
    ("Commune d'Ifrane", "Maroc", "Région de Fès-Meknès", "linked", 2546917),
    ("Tabia", "Maroc", "", "none", 0),
    ("Syndicat intercommunal du Guidimakha", "Mali", "", "none", 0),
    ("Association des maires du Cercle de Yélimané", "Mali", "", "none", 0),
    ("Comité de jumelage de Ségou", "Mali", "", "none", 0),
]


def _variant(rng: random.Random, name: str) -> str:
    r = rng.random()
    if r < 0.12:
        return strip_accents(name)
    if r < 0.2:
        return name.upper()
    if r < 0.27:
        return name.replace("-", " ")
    return name


def _load():
    raw = gzip.decompress(refdata.data_file("geonames-cities.tsv.gz").read_bytes()).decode("utf-8")
    by_country: dict[str, list[dict]] = defaultdict(list)
    lines = raw.splitlines()
    head = lines[0].split("\t")
    for line in lines[1:]:
        r = dict(zip(head, line.split("\t")))
        if r["country"] in COUNTRIES or r["country"] in ("CG", "CR", "US"):
            by_country[r["country"]].append(r)
    admin1 = {}
    for line in refdata.data_file("geonames-admin1.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        code, name = line.split("\t")
        admin1[code] = name
    return by_country, admin1


def generate(seed: int) -> list[dict]:
    rng = random.Random(seed)
    by_country, admin1 = _load()
    rows: list[dict] = []

    def add(name, country, context, expected, gid, category):
        rows.append(
            {
                "name": name,
                "country": country,
                "context": context,
                "expected": expected,
                "geonames_id": str(gid or ""),
                "category": category,
            }
        )

    for cc, (label, forms) in COUNTRIES.items():
        places = [r for r in by_country[cc] if r["feature_code"] not in NOT_MUNICIPAL]
        by_key: dict[str, list[dict]] = defaultdict(list)
        for r in places:
            by_key[fold(r["name"])].append(r)
        big = sorted(
            (
                r
                for r in places
                if len(by_key[fold(r["name"])]) == 1
                and (r["feature_code"] in ("PPLA", "PPLA2", "PPLC") or int(r["population"] or 0) >= 20000)
            ),
            key=lambda r: int(r["geonames_id"]),
        )
        for r in rng.sample(big, min(9, len(big))):
            add(_variant(rng, rng.choice(forms) + r["name"]), label, "", "linked", r["geonames_id"], "town")
        homonyms = sorted(k for k, v in by_key.items() if len(v) > 1)
        for k in rng.sample(homonyms, min(2, len(homonyms))):
            cands = by_key[k]
            add(_variant(rng, rng.choice(forms) + cands[0]["name"]), label, "", "none", "", "homonym-in-country")
            # The same name with a co-partner naming the region of exactly one candidate.
            divs = defaultdict(list)
            for c in cands:
                divs[f"{cc}.{c['admin1']}"].append(c)
            for div, cs in sorted(divs.items()):
                if len(cs) == 1 and div in admin1 and len(fold(admin1[div])) > 3:
                    add(
                        rng.choice(forms) + cs[0]["name"],
                        label,
                        "Région de " + admin1[div],
                        "linked",
                        cs[0]["geonames_id"],
                        "homonym-settled-by-page",
                    )
                    break
        # Regions named like their capital: the first-level division whose seat has its name.
        seats = [
            r
            for r in places
            if r["feature_code"] in ("PPLA", "PPLC")
            and fold(admin1.get(f"{cc}.{r['admin1']}", "")) == fold(r["name"])
            and sum(1 for s in places if s["feature_code"] in ("PPLA", "PPLC") and s["admin1"] == r["admin1"]) == 1
        ]
        rforms = REGION_FORMS["FR" if forms is FR_FORMS else "other"]
        for r in rng.sample(seats, min(3, len(seats))):
            add(
                rng.choice(rforms) + admin1[f"{cc}.{r['admin1']}"],
                label,
                "",
                "placed",
                r["geonames_id"],
                "region-named-like-capital",
            )
        # Regions with another name than their seat's ("Région du Centre-Nord", seat Kaya): at the seat.
        others = [
            r
            for r in places
            if r["feature_code"] in ("PPLA", "PPLC")
            and r not in seats
            and fold(admin1.get(f"{cc}.{r['admin1']}", r["name"])) != fold(r["name"])
            and sum(1 for s in places if s["feature_code"] in ("PPLA", "PPLC") and s["admin1"] == r["admin1"]) == 1
            and sum(
                1
                for k, v in admin1.items()
                if k.startswith(cc + ".") and fold(v) == fold(admin1[f"{cc}.{r['admin1']}"])
            )
            == 1
        ]
        for r in rng.sample(others, min(2, len(others))):
            add(
                rng.choice(rforms) + admin1[f"{cc}.{r['admin1']}"],
                label,
                "",
                "placed",
                r["geonames_id"],
                "region-other-name",
            )
        for r in rng.sample(big, min(2, len(big))):
            add(rng.choice(GROUPINGS).format(x=r["name"]), label, "", "none", "", "grouping")
        keys = set(by_key)
        for _ in range(2):
            while True:
                x = "".join(rng.choice(SYL) for _ in range(3)).capitalize()
                if fold(x) not in keys:
                    break
            add(rng.choice(forms) + x, label, "", "none", "", "no-such-place")
    # The same name in several countries, one place in each: each linked within its own country.
    names: dict[str, dict[str, list[dict]]] = defaultdict(dict)
    for cc in COUNTRIES:
        for r in by_country[cc]:
            if r["feature_code"] not in NOT_MUNICIPAL:
                names[fold(r["name"])].setdefault(cc, []).append(r)
    shared = sorted(k for k, v in names.items() if len(v) >= 2 and all(len(x) == 1 for x in v.values()))
    for k in rng.sample(shared, min(20, len(shared))):
        for cc, (r,) in sorted(names[k].items())[:2]:
            add(r["name"], COUNTRIES[cc][0], "", "linked", r["geonames_id"], "homonym-across-countries")
    for name, label, context, expected, gid in HAND:
        add(name, label, context, expected, gid, "hand")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--out", type=Path, default=HERE / "places-gold.tsv")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args()
    rows = generate(args.seed)
    with open(args.out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, FIELDS, delimiter="\t", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} rows -> {args.out}")


if __name__ == "__main__":
    main()

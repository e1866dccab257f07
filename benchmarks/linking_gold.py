#!/usr/bin/env python3
"""Generate a gold list of French collectivité names, written the way the Atlas writes them.

    python benchmarks/linking_gold.py [-o benchmarks/linking-gold.tsv] [--seed 2024]

Deterministic (seeded). Names are grouped into "pages": the resolver sees each page's names
together, as it does for a real page. Each row gives the expected outcome:

- ``linked`` with the right kind and codes (INSEE for communes, départements, régions; SIREN for
  communes, EPCI, EPT): the name, possibly with its page context, designates one collectivité;
- ``ambiguous``: a homonym with no deciding context ("Montreuil" alone); any link is wrong;
- ``unmatched``: not a collectivité (associations, agencies, foreign bodies); any link is wrong.

The codes come from the package's shipped COG data (coopgraph/data/cog.json), not from the
resolver: the generator only knows the official names and writes variants of them.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))

from coopgraph.link import refdata  # noqa: E402
from coopgraph.link.names import fold, strip_accents  # noqa: E402

FIELDS = ["page", "name", "expected", "kind", "insee", "siren", "variant"]

# The article that follows "de" for a name, from the INSEE typeLiaison code.
_LIAISON = {0: "de ", 1: "d'", 2: "du ", 3: "de la ", 4: "des ", 5: "de l'", 6: "des "}


def _de(name: str, liaison: int) -> str:
    """ "Charente", 3 -> "de la Charente"; the article already in the name is dropped ("La Réunion")."""
    art = _LIAISON.get(liaison, "de ")
    for a in ("La ", "Le ", "Les ", "L'"):
        if name.startswith(a) and art in ("de la ", "du ", "des ", "de l'"):
            name = name[len(a) :]
    return art + name


def _commune_de(name: str) -> str:
    """ "Le Mans" -> "du Mans", "Les Lilas" -> "des Lilas", "La Rochelle" -> "de La Rochelle"."""
    if name.startswith("Le "):
        return "du " + name[3:]
    if name.startswith("Les "):
        return "des " + name[4:]
    if name[:1].lower() in "aeiouyéèêâîôh":
        return "d'" + name
    return "de " + name


def _spellings(rng: random.Random, name: str) -> tuple[str, str]:
    """One free spelling of an official name, as people type it."""
    v = rng.choice(["as-is", "upper", "no-accents", "no-hyphens", "lower", "curly-apostrophe", "st", "as-is"])
    if v == "upper":
        return name.upper(), v
    if v == "no-accents":
        return strip_accents(name), v
    if v == "no-hyphens":
        return name.replace("-", " "), v
    if v == "lower":
        return name.lower(), v
    if v == "curly-apostrophe" and "'" in name:
        return name.replace("'", "’"), v
    if v == "st" and ("Saint-" in name or "Sainte-" in name):
        return name.replace("Sainte-", "Ste-").replace("Saint-", "St-"), v
    return name, "as-is"


class Gold:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        d = refdata.cog()
        self.communes = {r[0]: r for r in d["communes"]}
        self.epci = d["epci"]
        self.ept = d["ept"]
        self.deps = {r[0]: r for r in d["departements"] if r[3] != "com"}
        self.regs = {r[0]: r for r in d["regions"] if r[2] != "com"}
        by_key = defaultdict(list)
        for r in d["communes"]:
            by_key[fold(r[1])].append(r)
        self.commune_by_key = by_key
        self.taken = {fold(r[1]) for r in self.deps.values()} | {fold(r[1]) for r in self.regs.values()}
        self.epci_of: dict[str, list] = defaultdict(list)
        for e in self.epci:
            for m in e[3]:
                self.epci_of[m].append(e)
        self.rows: list[dict] = []
        self.page = 0

    def add_page(self, entries: list[tuple[str, str, str | None, str | None, str | None, str]]) -> None:
        self.page += 1
        for name, expected, kind, insee, siren, variant in entries:
            self.rows.append(
                dict(
                    page=f"p{self.page:04d}",
                    name=name,
                    expected=expected,
                    kind=kind or "",
                    insee=insee or "",
                    siren=siren or "",
                    variant=variant,
                )
            )

    # -- entries ---------------------------------------------------------------------------------
    def commune_entry(self, r: list, style: str | None = None):
        code, name, _dep, _reg, siren, _pop = r
        style = style or self.rng.choice(["plain", "plain", "ville", "mairie", "commune", "dep-suffix"])
        text, spelling = _spellings(self.rng, name)
        if style == "dep-suffix":
            dep = self.deps.get(_dep)
            if dep is None:
                style = "plain"
            else:
                return (
                    f"{text} ({self.rng.choice([dep[0], dep[1]])})",
                    "linked",
                    "commune",
                    code,
                    siren,
                    f"commune/{style}/{spelling}",
                )
        if style != "plain":
            prefix = {"ville": "Ville", "mairie": "Mairie", "commune": "Commune"}[style]
            text = f"{prefix} {_commune_de(text)}"
        return (text, "linked", "commune", code, siren, f"commune/{style}/{spelling}")

    def epci_entry(self, e: list, style: str | None = None):
        siren, name, legal, _members = e
        expand = {"CA": "Communauté d'agglomération", "CC": "Communauté de communes", "CU": "Communauté urbaine"}
        style = style or self.rng.choice(["official", "expanded", "expanded"])
        text = name
        if style == "expanded" and legal in expand and name.startswith(legal + " "):
            text = expand[legal] + " " + name[len(legal) + 1 :]
        elif style == "core" and name.startswith(legal + " "):
            text = name[len(legal) + 1 :]
            for p in ("du ", "de la ", "des ", "de l'", "d'", "de "):
                if text.startswith(p):
                    text = text[len(p) :]
                    break
            text = text[:1].upper() + text[1:]
        else:
            style = "official" if style != "expanded" else style
        text, spelling = _spellings(self.rng, text)
        return (text, "linked", "epci", None, siren, f"epci-{legal}/{style}/{spelling}")

    def dep_entry(self, r: list, style: str | None = None):
        code, name, _reg, _zone, liaison = r
        style = style or self.rng.choice(
            ["departement", "conseil-departemental", "conseil-general", "departement-code"]
        )
        if style == "departement":
            text = "Département " + _de(name, liaison)
        elif style == "conseil-departemental":
            text = "Conseil départemental " + _de(name, liaison)
        elif style == "conseil-general":
            text = "Conseil général " + _de(name, liaison)
        else:
            text = f"Département {_de(name, liaison)} ({code})"
        text, spelling = _spellings(self.rng, text)
        return (text, "linked", "departement", code, None, f"departement/{style}/{spelling}")

    def reg_entry(self, r: list, style: str | None = None):
        code, name, _zone, liaison = r
        style = style or self.rng.choice(["region", "conseil-regional", "region-de"])
        if style == "region":
            text = "Région " + name
        elif style == "region-de":
            text = "Région " + _de(name, liaison)
        else:
            text = "Conseil régional " + _de(name, liaison)
        text, spelling = _spellings(self.rng, text)
        return (text, "linked", "region", code, None, f"region/{style}/{spelling}")

    def unique_communes_by_dep(self) -> dict[str, list]:
        if not hasattr(self, "_ucd"):
            self._ucd = defaultdict(list)
            for r in self.unique_communes():
                self._ucd[r[2]].append(r)
        return self._ucd

    # -- pages ------------------------------------------------------------------------------------
    def unique_communes(self) -> list[list]:
        out = []
        for k, rs in self.commune_by_key.items():
            if len(rs) == 1 and k not in self.taken and rs[0][4]:
                out.append(rs[0])
        return sorted(out, key=lambda r: r[0])

    def build(self) -> list[dict]:
        rng = self.rng
        uniq = self.unique_communes()
        # Atlas partners are mostly towns and cities: weight the draw by population.
        big = [r for r in uniq if (r[5] or 0) >= 5000]
        small = [r for r in uniq if (r[5] or 0) < 5000]
        for r in rng.sample(big, 120) + rng.sample(small, 40):
            entries = [self.commune_entry(r)]
            # Half of the pages also name the commune's EPCI, as the Angoulême page does.
            if rng.random() < 0.5 and self.epci_of.get(r[0]):
                entries.append(self.epci_entry(self.epci_of[r[0]][0]))
            self.add_page(entries)

        # EPCI on their own, all legal forms, official and expanded names.
        by_type = defaultdict(list)
        for e in self.epci:
            by_type[e[2]].append(e)
        for legal, n in (("CA", 30), ("CC", 30), ("CU", 8), ("METRO", 10)):
            for e in rng.sample(sorted(by_type[legal]), min(n, len(by_type[legal]))):
                self.add_page([self.epci_entry(e)])
        # "Grand X" EPCI written without their legal form ("Grand Angoulême", "Grand Poitiers").
        grands = [e for e in self.epci if e[1].split(" ", 1)[-1].removeprefix("du ").startswith("Grand ")]
        for e in rng.sample(sorted(grands), min(12, len(grands))):
            self.add_page([self.epci_entry(e, "core")])

        for e in self.ept:
            siren, name, _m = e
            style = rng.choice(["plain", "ept", "etablissement"])
            text = {"plain": name, "ept": f"EPT {name}", "etablissement": f"Établissement public territorial {name}"}[
                style
            ]
            text, spelling = _spellings(rng, text)
            self.add_page([(text, "linked", "ept", None, siren, f"ept/{style}/{spelling}")])

        for r in sorted(self.deps.values()):
            self.add_page([self.dep_entry(r)])
        for r in sorted(self.regs.values()):
            self.add_page([self.reg_entry(r)])

        self.homonym_pages()
        self.fixed_pages()
        return self.rows

    def homonym_pages(self) -> None:
        rng = self.rng
        homs = sorted(
            (k, rs)
            for k, rs in self.commune_by_key.items()
            if len(rs) >= 2 and len({r[2] for r in rs}) == len(rs) and k not in self.taken
        )
        picked = rng.sample(homs, 96)
        for i, (_k, rs) in enumerate(picked):
            target = rng.choice(sorted(rs))
            mode = ("alone", "epci", "departement", "paren", "commune", "unrelated")[i % 6]
            if mode == "commune":
                # A co-partner commune of the same département, itself unambiguous.
                others = [r for r in self.unique_communes_by_dep().get(target[2], []) if r[0] != target[0]]
                if not others or sum(r[2] == target[2] for r in rs) != 1:
                    continue
                other = rng.choice(others)
                entry = self.commune_entry(target, rng.choice(["plain", "ville", "mairie"]))
                self.add_page([(entry[0], *entry[1:5], "homonym/commune-context"), self.commune_entry(other)])
                continue
            if mode == "unrelated":
                # Context in a région where none of the homonyms lies: must stay ambiguous.
                regs = {r[3] for r in rs}
                free = sorted(d for d in self.deps.values() if d[2] not in regs)
                dep = rng.choice(free)
                text, spelling = _spellings(rng, target[1])
                cands = tuple(sorted(r[0] for r in rs))
                self.add_page(
                    [
                        (text, "ambiguous", "commune", "|".join(cands), None, f"homonym/unrelated-context/{spelling}"),
                        self.dep_entry(dep),
                    ]
                )
                continue
            if mode == "alone":
                text, spelling = _spellings(rng, target[1])
                cands = tuple(sorted(r[0] for r in rs))
                self.add_page([(text, "ambiguous", "commune", "|".join(cands), None, f"homonym/alone/{spelling}")])
                continue
            entry = self.commune_entry(target, "plain")
            if mode == "epci":
                epcis = [
                    e for e in self.epci_of.get(target[0], []) if not any(r[0] in e[3] for r in rs if r is not target)
                ]
                if not epcis:
                    mode = "departement"
                else:
                    self.add_page([(entry[0], *entry[1:5], "homonym/epci-context"), self.epci_entry(epcis[0])])
                    continue
            if mode == "departement":
                dep = self.deps.get(target[2])
                if dep is None:
                    continue
                self.add_page([(entry[0], *entry[1:5], "homonym/departement-context"), self.dep_entry(dep)])
                continue
            self.add_page([(f"{entry[0]} ({target[2]})", *entry[1:5], "homonym/paren-code")])

    def fixed_pages(self) -> None:
        """Hand-written cases from the design notes and known traps."""
        c = self.communes
        epci = {e[1]: e for e in self.epci}
        ept = {e[1]: e for e in self.ept}

        def com(code, text, v):
            return (text, "linked", "commune", code, c[code][4], v)

        def grp(kind, e, text, v):
            return (text, "linked", kind, None, e[0], v)

        self.add_page(
            [
                com("16015", "Angoulême", "seed"),
                grp("epci", epci["CA du Grand Angoulême"], "Communauté d'agglomération du Grand Angoulême", "seed"),
            ]
        )
        self.add_page(
            [
                com("93048", "Montreuil", "design/montreuil+est-ensemble"),
                grp("ept", ept["Est Ensemble"], "Est Ensemble", "design"),
            ]
        )
        self.add_page([("Montreuil", "ambiguous", "commune", "28267|85148|93048", None, "design/montreuil-alone")])
        self.add_page(
            [
                com("59350", "Ville de Lille", "design"),
                grp("epci", epci["Métropole Européenne de Lille"], "Métropole Européenne de Lille", "design"),
            ]
        )
        self.add_page([("Département de la Charente", "linked", "departement", "16", None, "design")])
        self.add_page([("Région Bretagne", "linked", "region", "53", None, "design")])
        self.add_page([com("75056", "Paris", "trap/paris-commune")])
        self.add_page([com("75056", "Ville de Paris", "trap/paris-commune")])
        self.add_page([("Département de Paris", "linked", "departement", "75", None, "trap/paris-departement")])
        self.add_page([("Nord", "linked", "departement", "59", None, "trap/nord-not-a-commune")])
        self.add_page([("Conseil départemental du Nord", "linked", "departement", "59", None, "trap")])
        self.add_page([("Vienne", "ambiguous", "", "38544|86", None, "trap/commune-or-departement")])
        self.add_page(
            [
                ("Vienne", "linked", "departement", "86", None, "trap/departement-by-context"),
                com("86194", "Poitiers", "trap"),
            ]
        )
        self.add_page([com("38544", "Ville de Vienne", "trap/commune-by-prefix")])
        self.add_page([com("53147", "Mairie de Mayenne", "trap/commune-by-prefix")])
        self.add_page([("Département de la Mayenne", "linked", "departement", "53", None, "trap")])
        self.add_page(
            [
                com("93066", "Saint-Denis", "trap/homonym-ept-context"),
                grp("ept", ept["Plaine Commune"], "Plaine Commune", "trap"),
            ]
        )
        self.add_page(
            [
                com("97411", "Saint-Denis", "trap/homonym-region-context"),
                ("Région Réunion", "linked", "region", "04", None, "trap"),
            ]
        )
        self.add_page([grp("epci", epci["CA du Grand Angoulême"], "GrandAngoulême", "trap/brand-spelling")])
        self.add_page([grp("epci", epci["CU du Grand Poitiers"], "Grand Poitiers", "trap/grand-x")])
        self.add_page([com("86194", "Poitiers", "trap/grand-x-vs-commune")])
        self.add_page([com("72181", "Ville du Mans", "trap/article")])
        self.add_page([com("42218", "ST ETIENNE", "trap/st")])
        self.add_page([grp("epci", epci["Saint-Étienne Métropole"], "Saint-Etienne Métropole", "trap")])
        self.add_page([("Région Sud", "linked", "region", "93", None, "trap/brand")])
        self.add_page([("Collectivité de Corse", "linked", "region", "94", None, "trap")])
        self.add_page([("Territoire de Belfort", "linked", "departement", "90", None, "trap/ept-prefix")])
        self.add_page([grp("epci", epci["Métropole de Lyon"], "Métropole de Lyon", "trap/met69")])
        # Harder, realistic spellings (former names, usual names that are not official).
        self.add_page([com("93048", "Montreuil-sous-Bois", "hard/usual-not-official-name")])
        self.add_page([com("97411", "Ville de Saint-Denis (La Réunion)", "hard/dep-name-hint")])
        self.add_page([grp("ept", ept["Est Ensemble"], "Communauté d'agglomération Est Ensemble", "hard/former-ca")])
        self.add_page(
            [grp("epci", epci["Eurométropole de Strasbourg"], "Communauté urbaine de Strasbourg", "hard/former-name")]
        )
        self.add_page([grp("epci", epci["Métropole Européenne de Lille"], "Lille Métropole", "hard/former-name")])
        self.add_page([("Conseil Général du Val-de-Marne", "linked", "departement", "94", None, "hard/former-name")])
        self.add_page([com("50129", "Ville de Cherbourg-Octeville", "hard/former-commune")])
        self.add_page([("Région Rhône-Alpes", "linked", "region", "84", None, "hard/former-region")])
        self.add_page([grp("epci", epci["CU Grand Besançon Métropole"], "Grand Besançon", "hard/short-name")])
        self.add_page(
            [com("59350", "Mairie de Lille - Direction des relations internationales", "hard/trailing-service")]
        )
        for text in [
            "Agence de l'Eau Adour Garonne",
            "Ministère de l'Europe et des Affaires étrangères",
            "Comité des Jumelages Angoulême - Villes Etrangères",
            "Musiques Métisses",
            "Maison des Peuples et de la Paix",
            "Collectivités et partenaires étrangers",
            "Association Angoulême Solidarité",
            "Syndicat mixte des eaux du Sud-Charente",
            "Ségou",
            "Intercommunalité Balanzan",
            "Collectivité européenne d'Alsace",
            "Cités Unies France",
            "Région de Ségou",
            "Conseil de cercle de Bougouni",
        ]:
            self.add_page([(text, "unmatched", "", None, None, "not-a-french-collectivite")])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", default=str(HERE / "linking-gold.tsv"))
    ap.add_argument("--seed", type=int, default=2024)
    args = ap.parse_args(argv)
    rows = Gold(args.seed).build()
    with open(args.output, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, FIELDS, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
        w.writeheader()
        w.writerows(rows)
    print(f"{len(rows)} gold names in {rows[-1]['page'] if rows else 0} pages -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

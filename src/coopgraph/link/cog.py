"""Resolve French collectivités, named as the Atlas writes them, to COG codes (INSEE, SIREN).

Precision comes first: a wrong link is worse than none. A name is linked only when exactly one
collectivité fits it; homonyms ("Montreuil": three communes) are settled from the other partners of
the same page (an EPCI/EPT whose members include one candidate, then a shared département, then a
shared région) or left "ambiguous" with their candidates for a person to choose. Nothing fuzzy:
spelling variants are absorbed by :func:`coopgraph.link.names.fold`, not by edit distance.
"""

from __future__ import annotations

import difflib
import functools
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from coopgraph.link import refdata
from coopgraph.link.names import fold, strip_article, strip_preposition

__all__ = ["CollectiviteMatch", "resolve_french_partners", "resolve_french_partner", "Entity", "lookup_code"]


@dataclass(frozen=True)
class CollectiviteMatch:
    name: str  # as written on the page
    status: str  # "linked" | "ambiguous" | "unmatched"
    kind: str | None = None  # "commune" | "epci" | "ept" | "departement" | "region"
    insee: str | None = None  # commune / département / région code (None for EPCI/EPT)
    siren: str | None = None  # commune, EPCI, EPT (None for département/région: not in the data)
    official_name: str | None = None
    candidates: tuple[str, ...] = ()  # for "ambiguous": e.g. ("commune 93048 Montreuil (93)", ...)
    reason: str | None = None  # one line for a person: why ambiguous / unmatched


@dataclass(frozen=True)
class Entity:
    """One collectivité of the COG data."""

    kind: str
    code: str  # INSEE code (commune, département, région) or SIREN (EPCI, EPT)
    name: str
    siren: str | None = None
    deps: frozenset[str] = frozenset()  # départements it lies in (members' for an EPCI/EPT)
    regs: frozenset[str] = frozenset()
    members: frozenset[str] = frozenset()  # member communes' INSEE codes (EPCI, EPT)
    legal_type: str | None = None  # CA, CC, CU, METRO, MET69, EPT

    def label(self) -> str:
        if self.kind == "commune":
            return f"commune {self.code} {self.name} ({next(iter(self.deps))})"
        return f"{self.kind} {self.code} {self.name}"

    def match(self, name: str, reason: str | None = None) -> CollectiviteMatch:
        insee = self.code if self.kind in ("commune", "departement", "region") else None
        return CollectiviteMatch(name, "linked", self.kind, insee, self.siren, self.name, (), reason)


# ---------------------------------------------------------------------------------------------
# Index
# ---------------------------------------------------------------------------------------------

# Legal-form words, folded, longest first; each maps to the COG legal type.
_EPCI_PREFIXES = [
    ("communaute d agglomeration", "CA"),
    ("communaute de l agglomeration", "CA"),
    ("communaute d agglo", "CA"),
    ("agglomeration", "CA"),
    ("agglo", "CA"),
    ("ca", "CA"),
    ("communaute de communes", "CC"),
    ("communaute des communes", "CC"),
    ("com com", "CC"),
    ("comcom", "CC"),
    ("cc", "CC"),
    ("communaute urbaine", "CU"),
    ("cu", "CU"),
    ("eurometropole", "METRO"),
    ("metropole", "METRO"),
]
_EPCI_SUFFIXES = [
    ("communaute d agglomeration", "CA"),
    ("agglomeration", "CA"),
    ("agglo", "CA"),
    ("communaute urbaine", "CU"),
    ("communaute de communes", "CC"),
    ("metropole", "METRO"),
]
_EPT_PREFIXES = ["etablissement public territorial", "ept", "territoire"]
_COMMUNE_PREFIXES = ["hotel de ville", "ville", "mairie", "commune", "municipalite"]
_DEP_PREFIXES = ["conseil departemental", "conseil general", "departement"]
_REG_PREFIXES = ["conseil regional", "collectivite territoriale", "collectivite unique", "collectivite", "region"]

# Former names people still write, mapped to the current official name in the COG data (not to
# codes: the codes are read from the data). Sources: the loi NOTRe / MAPTAM renamings and the
# 2016 merger of régions (loi n° 2015-29).
_EPCI_ALIASES = {
    "mel": "Métropole Européenne de Lille",
    "lille metropole": "Métropole Européenne de Lille",
    "lille metropole communaute urbaine": "Métropole Européenne de Lille",
    "lmcu": "Métropole Européenne de Lille",
    "grand lyon": "Métropole de Lyon",
    "grand lyon la metropole": "Métropole de Lyon",
    "communaute urbaine de lyon": "Métropole de Lyon",
    "communaute urbaine de bordeaux": "Bordeaux Métropole",
    "communaute urbaine de strasbourg": "Eurométropole de Strasbourg",
    "grand toulouse": "Toulouse Métropole",
    "communaute urbaine du grand toulouse": "Toulouse Métropole",
    "marseille provence metropole": "Métropole d'Aix-Marseille-Provence",
    "aix marseille provence metropole": "Métropole d'Aix-Marseille-Provence",
    "metropole aix marseille provence": "Métropole d'Aix-Marseille-Provence",
    "nantes metropole communaute urbaine": "Nantes Métropole",
}
_REGION_ALIASES = {
    "sud": ("93", None),
    "paca": ("93", None),
    "region sud": ("93", None),
    "idf": ("11", None),
    "occitanie pyrenees mediterranee": ("76", None),
    "centre": ("24", "the Centre région was renamed Centre-Val de Loire in 2015"),
    "alsace": ("44", "Alsace merged into Grand Est on 2016-01-01"),
    "champagne ardenne": ("44", "Champagne-Ardenne merged into Grand Est on 2016-01-01"),
    "lorraine": ("44", "Lorraine merged into Grand Est on 2016-01-01"),
    "aquitaine": ("75", "Aquitaine merged into Nouvelle-Aquitaine on 2016-01-01"),
    "limousin": ("75", "Limousin merged into Nouvelle-Aquitaine on 2016-01-01"),
    "poitou charentes": ("75", "Poitou-Charentes merged into Nouvelle-Aquitaine on 2016-01-01"),
    "auvergne": ("84", "Auvergne merged into Auvergne-Rhône-Alpes on 2016-01-01"),
    "rhone alpes": ("84", "Rhône-Alpes merged into Auvergne-Rhône-Alpes on 2016-01-01"),
    "bourgogne": ("27", "Bourgogne merged into Bourgogne-Franche-Comté on 2016-01-01"),
    "franche comte": ("27", "Franche-Comté merged into Bourgogne-Franche-Comté on 2016-01-01"),
    "languedoc roussillon": ("76", "Languedoc-Roussillon merged into Occitanie on 2016-01-01"),
    "midi pyrenees": ("76", "Midi-Pyrénées merged into Occitanie on 2016-01-01"),
    "nord pas de calais": ("32", "Nord-Pas-de-Calais merged into Hauts-de-France on 2016-01-01"),
    "picardie": ("32", "Picardie merged into Hauts-de-France on 2016-01-01"),
    "basse normandie": ("28", "Basse-Normandie merged into Normandie on 2016-01-01"),
    "haute normandie": ("28", "Haute-Normandie merged into Normandie on 2016-01-01"),
}
# Régions whose bare name is unambiguous only through an alias: old names are resolved only after a
# région prefix ("Région Limousin"), never bare, since a bare old name may be a commune.

# First words of a service named after a collectivité ("... - Direction des relations internationales").
_SERVICE_WORDS = {"direction", "service", "services", "mission", "cabinet", "delegation"}
# Usual names that are not the COG name of a commune nor a former commune, mapped to the INSEE code.
_COMMUNE_ALIASES = {"montreuil sous bois": "93048"}

_DEP_CODE = re.compile(r"^(\d{2}|2a|2b|97\d)$")


class _Index:
    def __init__(self) -> None:
        data = refdata.cog()
        self.dep_region: dict[str, str] = {}
        self.deps: dict[str, Entity] = {}
        self.regs: dict[str, Entity] = {}
        self.communes: dict[str, Entity] = {}
        self.commune_by_key: dict[str, list[Entity]] = defaultdict(list)
        self.commune_by_key_noart: dict[str, list[Entity]] = defaultdict(list)
        self.former_by_key: dict[str, list[tuple[str, Entity]]] = defaultdict(list)
        self.dep_by_key: dict[str, list[Entity]] = defaultdict(list)
        self.reg_by_key: dict[str, list[Entity]] = defaultdict(list)
        self.group_full: dict[str, list[Entity]] = defaultdict(list)  # EPCI + EPT official names
        self.group_core: dict[str, list[Entity]] = defaultdict(list)  # without legal form

        for code, name, region, zone, *_ in data["departements"]:
            if zone == "com":
                continue  # collectivités d'outre-mer: neither département nor région, not handled
            e = Entity("departement", code, name, None, frozenset([code]), frozenset([region]))
            self.deps[code.lower()] = e
            self.dep_region[code] = region
            for k in {fold(name), strip_article(fold(name))}:
                self.dep_by_key[k].append(e)
        for code, name, zone, *_ in data["regions"]:
            if zone == "com":
                continue
            e = Entity("region", code, name, None, frozenset(), frozenset([code]))
            self.regs[code] = e
            for k in {fold(name), strip_article(fold(name))}:
                self.reg_by_key[k].append(e)
        for code, name, dep, reg, siren, _pop in data["communes"]:
            e = Entity("commune", code, name, siren, frozenset([dep]), frozenset([reg]))
            self.communes[code] = e
            k = fold(name)
            self.commune_by_key[k].append(e)
            if strip_article(k) != k:
                self.commune_by_key_noart[strip_article(k)].append(e)
        for alias, code in _COMMUNE_ALIASES.items():
            if alias not in self.commune_by_key and code in self.communes:
                self.commune_by_key[alias].append(self.communes[code])
        for code, name, current, _type in data["former_communes"]:
            cur = self.communes.get(current)
            if cur is not None and fold(name) not in self.commune_by_key:
                self.former_by_key[fold(name)].append((name, cur))

        def group(siren: str, name: str, legal: str, members: list[str], kind: str) -> Entity:
            deps = frozenset(d for m in members if m in self.communes for d in self.communes[m].deps)
            regs = frozenset(self.dep_region.get(d, "") for d in deps) - {""}
            return Entity(kind, siren, name, siren, deps, regs, frozenset(members), legal)

        for siren, name, legal, members in data["epci"]:
            e = group(siren, name, legal, members, "epci")
            key = fold(name)
            self.group_full[key].append(e)
            for core in _official_cores(key):
                if e not in self.group_core[core]:
                    self.group_core[core].append(e)
        for siren, name, members in data["ept"]:
            e = group(siren, name, "EPT", members, "ept")
            self.group_full[fold(name)].append(e)
            for core in {fold(name), strip_article(fold(name))}:
                self.group_core[core].append(e)
        for alias, official in _EPCI_ALIASES.items():
            targets = self.group_full.get(fold(official), [])
            if len(targets) == 1 and alias not in self.group_full:
                self.group_full[alias] = targets
                self.group_core.setdefault(alias, list(targets))

        self.all_names = sorted(
            {e.name for lst in self.commune_by_key.values() for e in lst}
            | {e.name for lst in self.group_full.values() for e in lst}
            | {e.name for e in self.deps.values()}
            | {e.name for e in self.regs.values()}
        )
        self.names_by_initial: dict[str, list[str]] | None = None  # built on first need


def _official_cores(key: str) -> set[str]:
    """Comparison cores of an official EPCI name: "ca du grand angouleme" -> {"grand angouleme"}."""
    cores = set()
    for prefix, _t in _EPCI_PREFIXES:
        if key.startswith(prefix + " "):
            cores.add(strip_preposition(key[len(prefix) + 1 :]))
            break
    else:
        cores.add(key)
    # Métropoles named "X Métropole" / "Grenoble-Alpes-Métropole": also "X", so that "Communauté
    # urbaine de Bordeaux" or "Métropole de Brest" find them.
    for c in list(cores):
        if c.endswith(" metropole"):
            cores.add(c[: -len(" metropole")])
        m = re.match(r"^(.+?) metropole\b", c)
        if m:
            cores.add(m.group(1))
    return {c for c in cores if c}


@functools.lru_cache(maxsize=1)
def _index() -> _Index:
    return _Index()


# ---------------------------------------------------------------------------------------------
# Parsing one name
# ---------------------------------------------------------------------------------------------


@dataclass
class _Query:
    name: str
    key: str  # folded full name (without a trailing "(hint)")
    dep_hint: str | None = None


@dataclass
class _Result:
    """What one name resolves to before the page context is used."""

    candidates: list[Entity]
    reason: str | None = None  # a note kept on a link (e.g. "former commune ...")
    unmatched_reason: str | None = None


def _split_hint(name: str, idx: _Index) -> _Query:
    """Read a trailing "(93)" / "(Seine-Saint-Denis)" / ", Vendée" as a département hint."""
    m = re.match(r"^(.*?)\s*[\(\[]([^)\]]*)[\)\]]\s*$", name) or re.match(r"^(.*?)\s*[,–-]\s+([^,–-]+)$", name)
    if m:
        hint = fold(m.group(2))
        dep = None
        if _DEP_CODE.match(hint.replace(" ", "")):
            dep = hint.replace(" ", "").upper()
        else:
            after = _after(hint, _DEP_PREFIXES)  # ", Département de La Réunion"
            if after is not None:
                hint = strip_preposition(after)
            found = idx.dep_by_key.get(hint) or idx.dep_by_key.get(strip_article(hint))
            if found and len(found) == 1:
                dep = found[0].code
        if dep is not None:
            return _Query(name, fold(m.group(1)), dep)
        if hint in ("ville", "commune", "mairie") or hint.split(" ", 1)[0] in _SERVICE_WORDS:
            # "Mairie de Lille - Direction des relations internationales": a service of the collectivité.
            return _Query(name, fold(m.group(1)))
    return _Query(name, fold(name))


def _after(key: str, prefixes: Iterable[str]) -> str | None:
    for p in prefixes:
        if key.startswith(p + " "):
            return key[len(p) + 1 :]
    return None


def _commune_keys(rest: str) -> list[str]:
    """ "du mans" -> ["le mans", "mans"]: after "Ville du / de la / des", the article is the name's."""
    for prep, art in (("de la ", "la "), ("de l ", "l "), ("du ", "le "), ("des ", "les "), ("de ", ""), ("d ", "")):
        if rest.startswith(prep):
            tail = rest[len(prep) :]
            return [art + tail, tail] if art else [tail]
    return [rest]


def _in_dep(cands: list[Entity], dep: str | None) -> list[Entity]:
    return cands if dep is None else [e for e in cands if dep in e.deps]


def _communes(idx: _Index, keys: list[str], dep: str | None) -> _Result:
    for k in keys:
        found = _in_dep(idx.commune_by_key.get(k, []), dep)
        if found:
            return _Result(found)
    for k in keys:
        found = _in_dep(idx.commune_by_key_noart.get(strip_article(k), []), dep)
        if found:
            return _Result(found)
    for k in keys:
        former = [(n, e) for n, e in idx.former_by_key.get(k, []) if dep is None or dep in e.deps]
        if former:
            cur = list(dict.fromkeys(e for _n, e in former))
            note = "; ".join(f"{n} is now part of the commune {e.name} ({e.code})" for n, e in former)
            return _Result(cur, reason=note)
    return _Result([])


def _groups(idx: _Index, core: str, legal: str | None, dep: str | None) -> list[Entity]:
    variants = [core, strip_article(core)]
    if re.match(r"^grand[a-z]{3}", core):  # "GrandAngoulême", the brand spelling
        variants.append("grand " + core[5:])
    for v in variants:
        found = _in_dep(idx.group_core.get(v, []) or idx.group_full.get(v, []), dep)
        if len(found) > 1 and legal:
            found = [e for e in found if e.legal_type == legal] or found
        if found:
            return found
    return []


def _resolve_one(q: _Query, idx: _Index) -> _Result:
    key, dep = q.key, q.dep_hint
    if not key:
        return _Result([], unmatched_reason="empty name")

    # 1. Explicit legal forms, most specific first.
    rest = _after(key, _DEP_PREFIXES)
    if rest is not None:
        core = strip_preposition(rest)
        found = ([idx.deps[core]] if core in idx.deps else []) or idx.dep_by_key.get(core, [])
        if found:
            return _Result(found)
        return _Result([], unmatched_reason=f"no département named {rest!r}")
    rest = _after(key, _REG_PREFIXES)
    if rest is not None:
        core = strip_preposition(rest)
        found = idx.reg_by_key.get(core, [])
        if found:
            return _Result(found)
        alias = _REGION_ALIASES.get(core)
        if alias:
            return _Result([idx.regs[alias[0]]], reason=alias[1])
        if core.startswith("europeenne d alsace"):
            return _Result([], unmatched_reason="the Collectivité européenne d'Alsace is not in the COG data")
        return _Result([], unmatched_reason=f"no région named {rest!r}")
    rest = _after(key, _EPT_PREFIXES)
    if rest is not None and key not in idx.dep_by_key:  # "Territoire de Belfort" is a département
        found = _groups(idx, strip_preposition(rest), "EPT", dep)
        if found:
            return _Result(found)

    # 2. A name that is, as written, an official name (commune, EPCI, EPT, département, région).
    whole = _bare(q, idx)
    if whole.candidates:
        return whole

    for prefix, legal in _EPCI_PREFIXES:
        rest = _after(key, [prefix])
        if rest is not None:
            found = _groups(idx, strip_preposition(rest), legal, dep)
            if found:
                return _Result(found)
            return _Result([], unmatched_reason=f"no EPCI or EPT named {rest!r} in the COG data")
    for suffix, legal in _EPCI_SUFFIXES:
        if key.endswith(" " + suffix):
            found = _groups(idx, key[: -len(suffix) - 1], legal, dep)
            if found:
                return _Result(found)
    rest = _after(key, _COMMUNE_PREFIXES)
    if rest is not None:
        res = _communes(idx, _commune_keys(rest), dep)
        if res.candidates:
            return res
        return _Result([], unmatched_reason=f"no commune named {rest!r} in the COG data")
    return whole


def _bare(q: _Query, idx: _Index) -> _Result:
    """A name without a legal form: "Angoulême", "Est Ensemble", "Grand Angoulême", "Charente"."""
    key, dep = q.key, q.dep_hint
    groups = _in_dep(idx.group_full.get(key, []), dep)
    if groups:
        return _Result(groups)
    communes = _in_dep(idx.commune_by_key.get(key, []), dep)
    deps = [] if dep else idx.dep_by_key.get(key, [])
    regs = [] if dep else idx.reg_by_key.get(key, [])
    if communes and key == "paris":
        # Since 2019 the Ville de Paris is one collectivité, commune and département at once.
        return _Result(communes)
    cands = communes + deps + regs
    if cands:
        return _Result(list(dict.fromkeys(cands)))
    found = _groups(idx, key, None, dep)
    if found:
        return _Result(found)
    res = _communes(idx, [key], dep)
    if res.candidates:
        return res
    return _Result([])  # the reason is written by the caller, once every reading has failed


def _unmatched_reason(name: str, idx: _Index) -> str:
    # Only names with the same initial can pass the 0.85 cutoff in practice; comparing against
    # that bucket instead of all ~40,000 names keeps a page with unknown names fast.
    initial = fold(name)[:1]
    if idx.names_by_initial is None:
        buckets: dict[str, list[str]] = defaultdict(list)
        for n in idx.all_names:
            buckets[fold(n)[:1]].append(n)
        idx.names_by_initial = dict(buckets)
    close = difflib.get_close_matches(name, idx.names_by_initial.get(initial, []), n=3, cutoff=0.85)
    hint = f"; closest: {', '.join(close)}" if close else ""
    return f"no commune, EPCI, EPT, département or région of that name in the COG data{hint}"


# ---------------------------------------------------------------------------------------------
# Page context
# ---------------------------------------------------------------------------------------------


def _pick(cands: list[Entity], context: list[Entity]) -> tuple[Entity | None, str | None]:
    """Choose the one candidate that the page's other (linked) partners point at, if any."""
    members = {m for c in context for m in c.members}
    ctx_communes = {c.code for c in context if c.kind == "commune"}
    ctx_deps = {d for c in context for d in c.deps}
    ctx_regs = {r for c in context for r in c.regs}
    tiers = [
        (
            "member of a co-partner EPCI/EPT",
            lambda e: (e.kind == "commune" and e.code in members) or bool(e.members & ctx_communes),
        ),
        ("same département as the other partners", lambda e: bool(e.deps & ctx_deps)),
        ("same région as the other partners", lambda e: bool(e.regs & ctx_regs)),
    ]
    for why, test in tiers:
        hits = [e for e in cands if test(e)]
        if len(hits) == 1:
            return hits[0], why
        if len(hits) > 1:
            return None, None  # the context fits several: stop, a broader tier cannot do better
    return None, None


def _resolve(name: str, idx: _Index, explain: bool = True) -> _Result:
    q = _split_hint(name, idx)
    res = _resolve_one(q, idx)
    if not res.candidates and q.key != fold(name):
        # The "hint" may have been part of the name itself ("CC Faucigny - Glières"): read it whole.
        whole = _resolve_one(_Query(name, fold(name)), idx)
        if whole.candidates:
            return whole
    if not res.candidates and res.unmatched_reason is None and explain:
        res.unmatched_reason = _unmatched_reason(name, idx)
    return res


def resolve_french_partners(names: Sequence[str], explain: bool = True) -> list[CollectiviteMatch]:
    """Resolve all the French collectivités of ONE page together, so each can use the others as context.

    explain=False skips the "closest names" hint of unmatched names (costly), e.g. for funders.
    """
    idx = _index()
    results = [_resolve(n, idx, explain) for n in names]
    chosen: list[Entity | None] = [r.candidates[0] if len(r.candidates) == 1 else None for r in results]
    notes: list[str | None] = [r.reason for r in results]
    changed = True
    while changed:  # a homonym settled by context may settle another one
        changed = False
        for i, r in enumerate(results):
            if chosen[i] is not None or len(r.candidates) < 2:
                continue
            context = [e for j, e in enumerate(chosen) if e is not None and j != i]
            pick, why = _pick(r.candidates, context)
            if pick is not None:
                chosen[i] = pick
                notes[i] = f"homonym resolved from the page context: {why}"
                changed = True
    out = []
    for name, r, e, note in zip(names, results, chosen, notes):
        if e is not None:
            out.append(e.match(name, note))
        elif r.candidates:
            out.append(
                CollectiviteMatch(
                    name,
                    "ambiguous",
                    candidates=tuple(c.label() for c in r.candidates),
                    reason=f"{len(r.candidates)} collectivités fit this name and the page's other partners do not "
                    f'tell them apart; write the département after the name, e.g. "{_hint(r.candidates[0])}"',
                )
            )
        else:
            out.append(CollectiviteMatch(name, "unmatched", reason=r.unmatched_reason))
    return out


def _hint(e: Entity) -> str:
    dep = sorted(e.deps)[0] if e.deps else None
    return f"{e.name} ({dep})" if dep and e.kind == "commune" else e.name


def resolve_french_partner(name: str) -> CollectiviteMatch:
    """One name without page context (homonyms stay ambiguous)."""
    return resolve_french_partners([name])[0]


def lookup_code(kind: str, code: str) -> Entity | None:
    """The collectivité with this INSEE code (commune, departement, region) or SIREN (epci, ept)."""
    idx = _index()
    if kind == "commune":
        return idx.communes.get(code)
    if kind == "departement":
        return idx.deps.get(code.lower())
    if kind == "region":
        return idx.regs.get(code)
    for lst in idx.group_full.values():
        for e in lst:
            if e.kind == kind and e.code == code:
                return e
    return None

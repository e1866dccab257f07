"""UN Sustainable Development Goals and targets (ODD), from the UN SDG KOS shipped in the package."""

from __future__ import annotations

import functools
import re
from importlib.resources.abc import Traversable

from coopgraph.link import refdata

__all__ = ["SDG_BASE", "goal_exists", "target_exists", "sdg_iri", "labels", "sdg_kos_path", "normalise_code"]

SDG_BASE = "http://metadata.un.org/sdg/"

_CODE = re.compile(r"^0*(\d{1,2})(?:\.0*([0-9]{1,2}|[a-z]))?$")


def normalise_code(code: str) -> str | None:
    """ "06.03" -> "6.3", "6.A" -> "6.a", " 6 " -> "6"; None when it is not a goal/target code."""
    m = _CODE.match(code.strip().lower())
    if not m:
        return None
    return m.group(1) if m.group(2) is None else f"{m.group(1)}.{m.group(2)}"


@functools.lru_cache(maxsize=1)
def _concepts() -> dict[str, dict[str, str]]:
    """code -> {"type": "goal"|"target", "fr": label, "en": label}, read from the shipped Turtle."""
    import pyoxigraph

    sdgo = "http://metadata.un.org/sdg/ontology#"
    types = {sdgo + "Goal": "goal", sdgo + "Target": "target"}
    rdf_type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    pref = "http://www.w3.org/2004/02/skos/core#prefLabel"
    out: dict[str, dict[str, str]] = {}
    data = refdata.sdg_kos_file().read_bytes()
    for t in pyoxigraph.parse(data, pyoxigraph.RdfFormat.TURTLE):
        s = t.subject.value
        if not s.startswith(SDG_BASE):
            continue
        code = s[len(SDG_BASE) :]
        if t.predicate.value == rdf_type and t.object.value in types:
            out.setdefault(code, {})["type"] = types[t.object.value]
        elif t.predicate.value == pref and t.object.language in ("fr", "en"):
            out.setdefault(code, {})[t.object.language] = t.object.value
    return {k: v for k, v in out.items() if "type" in v}


def goal_exists(code: str) -> bool:
    c = normalise_code(code)
    return c is not None and _concepts().get(c, {}).get("type") == "goal"


def target_exists(code: str) -> bool:
    c = normalise_code(code)
    return c is not None and _concepts().get(c, {}).get("type") == "target"


def sdg_iri(code: str) -> str:
    """The UN IRI of a goal or target; ValueError for a code that does not exist."""
    c = normalise_code(code)
    if c is None or c not in _concepts():
        raise ValueError(f"no SDG goal or target {code!r}")
    return SDG_BASE + c


def labels(code: str) -> dict[str, str]:
    c = normalise_code(code)
    entry = _concepts().get(c or "", {})
    return {k: v for k, v in entry.items() if k in ("fr", "en")}


def sdg_kos_path() -> Traversable:
    """The shipped sdg-kos.ttl (goals and targets), to load into the store."""
    return refdata.sdg_kos_file()

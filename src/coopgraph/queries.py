"""Saved SPARQL queries: one `.rq` file each, with a grlc-style `#+` YAML header.

The file is valid SPARQL as it stands (the header is comments); its defaults live in the body,
so it runs unchanged in any SPARQL editor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import yaml

from . import resources


class QueryError(Exception):
    """A saved query that does not exist, or a parameter a person must correct."""


@dataclass
class SavedQuery:
    name: str
    text: str
    meta: dict = field(default_factory=dict)

    @property
    def summary(self) -> str:
        return str(self.meta.get("summary", "")).strip()

    @property
    def description(self) -> str:
        return str(self.meta.get("description", "")).strip()


def parse_header(text: str) -> dict:
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        return {}
    # "#+ key: value": strip the one space after the marker, keep deeper indentation for YAML.
    body = "\n".join(line[1:] if line.startswith(" ") else line for line in lines)
    meta = yaml.safe_load(body) or {}
    return meta if isinstance(meta, dict) else {}


@lru_cache(maxsize=1)
def load_all() -> dict[str, SavedQuery]:
    found = {}
    for f in sorted(resources.queries_dir().iterdir(), key=lambda f: f.name):
        if f.name.endswith(".rq"):
            text = f.read_text(encoding="utf-8")
            found[f.name[:-3]] = SavedQuery(f.name[:-3], text, parse_header(text))
    return found


def get(name: str) -> SavedQuery:
    queries = load_all()
    if name not in queries:
        import difflib

        near = difflib.get_close_matches(name, list(queries), n=3)
        raise QueryError(f"no saved query named {name!r}"
                         + (f"; did you mean {', '.join(near)}?" if near else "")
                         + " ('coopgraph query --list' lists them)")
    return queries[name]

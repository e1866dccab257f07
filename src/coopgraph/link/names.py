"""Name normalisation shared by the linkers.

``fold`` turns any spelling of a name into a comparison key: no accents, lower case, one space
between words, apostrophes and hyphens as spaces, "St"/"Ste" spelled out. Two names that a
person would read as the same get the same key; the key is never shown to anyone.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
_NON_WORD = re.compile(r"[^0-9a-z]+")
# Abbreviations that the Atlas and the COG spell both ways.
_TOKENS = {"st": "saint", "ste": "sainte", "sts": "saints", "stes": "saintes"}

ARTICLES = ("le", "la", "les", "l")
# Prepositions (with their article) that join a legal form to a place: "du", "de la", "d'"...
PREPOSITIONS = ("de la", "de l", "des", "du", "de", "d", "en")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_LIGATURES))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1 << 16)  # names recur from page to page; folding is per character
def fold(text: str) -> str:
    """Comparison key: "Saint-Étienne", "ST ETIENNE", "St Étienne" all give "saint etienne"."""
    s = _NON_WORD.sub(" ", strip_accents(text).lower()).strip()
    return " ".join(_TOKENS.get(t, t) for t in s.split())


def strip_leading(key: str, words: tuple[str, ...]) -> str:
    """Remove one leading word group of ``words`` from a folded key ("de la charente" -> "charente")."""
    for w in words:
        if key.startswith(w + " "):
            return key[len(w) + 1 :]
    return key


def strip_article(key: str) -> str:
    return strip_leading(key, ARTICLES)


def strip_preposition(key: str) -> str:
    """Remove a joining preposition and its article: "du grand angouleme" -> "grand angouleme"."""
    key = strip_leading(key, PREPOSITIONS)
    return strip_article(key)

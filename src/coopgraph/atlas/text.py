"""Low-level text handling for Atlas pages: decoding, line splitting, numbers, noise.

Nothing here knows the page's sections; `parser.py` does.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from decimal import Decimal, InvalidOperation

UTF8_BOM = b"\xef\xbb\xbf"


class NotAPage(Exception):
    """The file is not an Atlas page saved as text (binary, HTML, PDF, empty)."""


def decode(raw: bytes) -> tuple[str, str]:
    """Bytes → (text, encoding name). Pages come as UTF-8 (with or without BOM) or Windows-1252."""
    if not raw.strip():
        raise NotAPage("empty file")
    if raw.startswith(b"%PDF"):
        raise NotAPage("a PDF document, expected an Atlas page saved as text")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise NotAPage("UTF-16 text; save the page as UTF-8 (or Windows-1252)")
    if raw.startswith(UTF8_BOM):
        return raw[len(UTF8_BOM) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if b"\x00" in raw[:4096]:
        raise NotAPage("a binary file (NUL bytes), expected an Atlas page saved as text")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    # Windows-1252 leaves five bytes undefined; replacing them keeps the rest of the page readable.
    return raw.decode("cp1252", errors="replace"), "cp1252"


_NEWLINES = re.compile(r"\r\n|\r|\n")


def split_lines(text: str) -> list[str]:
    # str.splitlines() would also split on \x0b, \x1c, U+2028...: only real line ends count.
    lines = _NEWLINES.split(text)
    if lines and lines[-1] == "":
        lines.pop()
    return lines


@functools.lru_cache(maxsize=8192)
def label_key(line: str) -> str:
    """A comparison key for section labels: case, accents, apostrophes, ligatures and spaces folded.

    Cached: the parser asks for every line's first word and for every label, which recur from
    page to page (folding character by character was a fifth of an ingest's parsing)."""
    s = line.strip().replace("’", "'").replace("œ", "oe").replace("Œ", "Oe")
    if not s.isascii():  # NFKD leaves ASCII as it is
        s = unicodedata.normalize("NFKD", s)
        s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(s.lower().split())


_NOISE = {"<<", ">>", "< pagination.page.precedent", "pagination.page.suivant >"}
_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")


def is_noise(line: str) -> bool:
    """Interface debris saved with the page: pagination controls and image placeholders."""
    s = line.strip()
    return s in _NOISE or s.startswith("pagination.page.") or bool(_IMAGE.match(s))


def is_image(cell: str) -> bool:
    return bool(_IMAGE.match(cell.strip()))


def split_row(line: str) -> list[str]:
    """A table row → its non-empty cells, in order.

    The Atlas drops empty cells and shifts later values left, so positions beyond the
    non-empty values carry no meaning: callers interpret the values, not the columns.
    """
    return [c.strip() for c in line.split("|") if c.strip() and not is_image(c)]


def is_separator(line: str) -> bool:
    s = line.strip()
    return bool(s) and set(s) <= set("-|: ")


_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_AMOUNT = re.compile(r"^-?\d+(?:[.,]\d+)?$")


def parse_amount(text: str) -> Decimal | None:
    """Read an amount written plainly or the French way: "35 000", "1 500,50 €", "18844".

    Returns None when the text is not a number at all ("N/C", "?").
    """
    s = text.strip().removesuffix("€").removesuffix("EUR").removesuffix("euros").strip()
    s = _SPACES.sub("", s)
    if s.count(".") > 1 and "," not in s:  # "35.000.000": dots as thousands separators
        s = s.replace(".", "")
    elif "," in s and "." in s:  # "1.500,50"
        s = s.replace(".", "").replace(",", ".")
    else:
        s = s.replace(",", ".")
    if not _AMOUNT.match(s):
        return None
    try:
        return Decimal(s)
    except InvalidOperation:  # pragma: no cover - the regex already guards this
        return None


_YEAR = re.compile(r"^\d{4}$")


def looks_like_year(text: str) -> bool:
    return bool(_YEAR.match(text.strip())) and 1900 <= int(text.strip()) <= 2199


def dedupe_repeats(lines: list[str]) -> list[str]:
    """Drop every block of lines that exactly repeats the block just before it.

    The Atlas export repeats paragraph blocks (sometimes only some of them); a block is
    dropped only when it is an exact repeat of the one right before, so text that merely
    recurs further on is kept.
    """
    # Deleting the second copy of a block found at s leaves, from s on, exactly the text that
    # started at the second copy: so the scan only moves a pointer over the original lines,
    # never edits a list (which made long pages quadratic).
    src = list(lines)
    n = len(src)
    positions = _positions(src)
    out: list[str] = []
    # A few short lines recurring thousands of times (not prose) make the number of candidate
    # blocks grow with the square of the length: past this much work the rest is kept as it is.
    budget = _DEDUPE_BUDGET
    s = 0
    while s < n:
        # Candidate block lengths: distances to the later occurrences of the same line,
        # longest first, so a whole repeated block goes at once rather than line by line.
        limit = s + (n - s) // 2
        occ = positions[src[s]]
        lo, hi = bisect.bisect_right(occ, s), bisect.bisect_right(occ, limit)
        budget -= hi - lo
        repeat = None
        for j in reversed(occ[lo:hi]):
            k = j - s
            if src[j - 1] != src[j + k - 1]:  # cheap test first: the blocks' last lines differ
                continue
            budget -= k
            if budget < 0:
                break
            if src[s:j] == src[j : j + k]:
                repeat = j
                break
        if budget < 0:
            out.extend(src[s:])
            break
        if repeat is None:
            out.append(src[s])
            s += 1
        else:
            s = repeat  # drop the first copy: what follows is the same text
    return out


_DEDUPE_BUDGET = 5_000_000  # line comparisons; real pages need a few thousand


def _positions(lines: list[str]) -> dict[str, list[int]]:
    pos: dict[str, list[int]] = {}
    for n, line in enumerate(lines):
        pos.setdefault(line, []).append(n)
    return pos

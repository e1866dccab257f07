"""Atlas page (text) → `records.Partnership`.

The only code that knows the page layout (see docs in README, "The Atlas page format").
A page is a sequence of labelled sections; a label is a whole line. Values follow their
label until the next label. Tables are pipe-separated with empty cells dropped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..records import (
    Contact,
    Embassy,
    ForeignPartner,
    FrenchPartner,
    Funding,
    ParseResult,
    Partnership,
    Problem,
    SdgMention,
    Source,
    ThemeRef,
    Volunteer,
)
from . import text as T
from .sdg import find_sdg_mentions

SYNTHETIC_MARKER = "# coopgraph-synthetic"

# Section keys → the label as the page writes it (compared through text.label_key).
LABELS = {
    "title": "Titre",
    "first_signature_year": "Année de première signature de la convention",
    "theme": "Thématique d'intervention",
    "sub_theme": "Sous-thématique d'intervention",
    "sub_sub_theme": "Sous-sous-thématique d'intervention",
    "other_themes": "Autres thématiques mises en œuvre pour le partenariat",
    "start_year": "Année de début du partenariat",
    "status": "Le partenariat est",
    "end_date": "Date de fin du partenariat",
    "context": "Contexte",
    "history": "Historique",
    "objective": "Objectif du partenariat",
    "description": "Description détaillée du partenariat",
    "form": "Votre partenariat prend la forme d'un(e)",
    "foreign_partners": "Partenaires étrangers du partenariat",
    "foreign_contacts": "Contacts dans les partenaires étrangers du partenariat",
    "french_partners": "Collectivités territoriales partenaires du partenariat",
    "triennial_no": "Le partenariat n'est pas triennal",
    "triennial_yes": "Le partenariat est triennal",
    "fundings": "Financement du partenariat",
}
_BY_KEY = {T.label_key(v): k for k, v in LABELS.items()}
VOLUNTEERS_LABEL = "Volontaires impliqués dans le partenariat"  # the last section of every page
_PREFIX_LABELS = {
    # Labels that carry a value or a variable tail on the same line.
    "embassy": T.label_key("Contacts dans le poste diplomatique"),
    "volunteers": T.label_key(VOLUNTEERS_LABEL),
    "header": T.label_key("Atlas français de la coopération décentralisée"),
}
# A line is a label only if its first word is a label's first word (prefix labels are several
# whole words). Folding that word alone rules out most lines: folding is character-wise.
_FIRST_WORDS = frozenset(k.split()[0] for k in (*_BY_KEY, *_PREFIX_LABELS.values()))
assert all(len(k.split()) > 1 for k in _PREFIX_LABELS.values())
_NOISE_STARTS = frozenset("<>p!")  # the first characters of every line text.is_noise accepts
_EMBASSY_NAME = re.compile(r"[\"“«]\s*(.+?)\s*[\"”»]")
_EMAIL = re.compile(r"^[^\s@\[\]]+(?:@|\[at\])[^\s@\[\]]+\.[^\s@\[\]]+$", re.IGNORECASE)
_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


@dataclass
class _Section:
    key: str
    line: int  # 1-based line of the label
    head: str  # the label line itself (the embassy label carries the embassy's name)
    body: list[tuple[int, str]] = field(default_factory=list)  # (line number, text), noise removed


# A real page is tens of kilobytes; past this a file is not a page (and reading it whole could
# exhaust memory).
MAX_PAGE_BYTES = 64 * 1024 * 1024


def parse_file(path: str | Path) -> ParseResult:
    path = Path(path)

    def fail(message: str) -> ParseResult:
        return ParseResult(str(path), None, [Problem(str(path), None, message)])

    try:
        # Only regular files: a FIFO would block forever, /dev/zero would never end.
        if not path.is_file():
            return fail("not an Atlas page: not a regular file (a folder, device, pipe or socket)")
        with path.open("rb") as f:
            raw = f.read(MAX_PAGE_BYTES + 1)
    except OSError as e:
        return fail(f"cannot read the file: {e.strerror}")
    if len(raw) > MAX_PAGE_BYTES:
        return fail(f"not an Atlas page: larger than {MAX_PAGE_BYTES // (1024 * 1024)} MiB")
    return parse_bytes(raw, str(path))


def parse_bytes(raw: bytes, file: str) -> ParseResult:
    try:
        text, encoding = T.decode(raw)
        if text.lstrip()[:1] == "<" and re.match(r"\s*<(!doctype|html|\?xml|head|body)", text, re.I):
            raise T.NotAPage("an HTML/XML document, expected an Atlas page saved as text")
    except T.NotAPage as e:
        return ParseResult(file, None, [Problem(file, None, f"not an Atlas page: {e}")])
    source = Source(Path(file).name, hashlib.sha256(raw).hexdigest(), encoding)
    return _Parser(file, source, T.split_lines(text)).parse()


class _Parser:
    def __init__(self, file: str, source: Source, lines: list[str]):
        self.file = file
        self.source = source
        self.lines = lines
        self.problems: list[Problem] = []

    # -- reporting ---------------------------------------------------------------------------
    def error(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, message, "error"))

    def warn(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, message, "warning"))

    # -- structure ---------------------------------------------------------------------------
    def sections(self) -> dict[str, _Section]:
        found: dict[str, _Section] = {}
        current: _Section | None = None
        after_pagination = False
        for n, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            if stripped.startswith(SYNTHETIC_MARKER):
                self.source.synthetic = True
                continue
            if stripped[:1] in _NOISE_STARTS and T.is_noise(stripped):
                after_pagination = stripped != "" and not T.is_image(stripped)
                continue
            # The lone page number sits between the pagination arrows.
            if after_pagination and stripped.isdigit():
                continue
            after_pagination = False
            key = self._label(stripped)
            if key is not None:
                if key == "header":
                    current = None
                    continue
                if key in found:
                    self.warn(
                        n, f"section '{stripped}' appears again; its first occurrence (line {found[key].line}) is kept"
                    )
                    current = None
                    continue
                current = found[key] = _Section(key, n, stripped)
                continue
            if current is None:
                if stripped:
                    self.warn(n, f"text outside any known section ignored: {stripped[:60]!r}")
                continue
            current.body.append((n, line.rstrip()))
        return found

    def _label(self, stripped: str) -> str | None:
        if len(stripped) > 200:
            return None
        head = stripped.split(None, 1)
        if head:
            first = T.label_key(head[0])
            if first and first.split()[0] not in _FIRST_WORDS:
                return None
        key = T.label_key(stripped)
        if key in _BY_KEY:
            return _BY_KEY[key]
        for name, prefix in _PREFIX_LABELS.items():
            if key.startswith(prefix):
                return name
        return None

    # -- fields ------------------------------------------------------------------------------
    def parse(self) -> ParseResult:
        s = self.sections()
        title_sec = s.get("title")
        if title_sec is None:
            # Not a page at all: one clear line, not a warning for each of its lines.
            self.problems = [p for p in self.problems if p.severity == "error"]
            self.error(
                None, "not an Atlas page: no 'Titre' line (expected a line 'Titre' followed by the partnership's title)"
            )
            return ParseResult(self.file, None, self.problems)
        body = [(n, t) for n, t in title_sec.body]
        title_line, title = body[0] if body else (title_sec.line, "")
        if not title.strip():
            self.error(
                title_line if body else title_sec.line,
                "empty title: expected the partnership's title on the line after 'Titre'",
            )
        summary = " ".join(t.strip() for _, t in body[1:] if t.strip()) or None

        p = Partnership(title=title.strip(), source=self.source, summary=summary)
        if "embassy" in s:
            p.embassy = self._embassy(s["embassy"])
        p.first_signature_year = self._year(s.get("first_signature_year"))
        p.start_year = self._year(s.get("start_year"))
        p.end_date = self._date(s.get("end_date"))
        p.status = self._value(s.get("status"))
        p.form = self._value(s.get("form"))
        theme = self._value(s.get("theme"))
        if theme:
            p.main_theme = ThemeRef(theme, self._value(s.get("sub_theme")), self._value(s.get("sub_sub_theme")))
        elif self._value(s.get("sub_theme")):
            self.warn(s["sub_theme"].line, "a sub-theme without a theme is ignored")
        p.other_themes = self._other_themes(s.get("other_themes"))
        for key in ("context", "history", "objective", "description"):
            setattr(p, key, self._text(s.get(key)))
        p.foreign_partners = self._foreign_partners(s.get("foreign_partners"))
        p.foreign_contacts = self._foreign_contacts(s.get("foreign_contacts"))
        p.french_partners = self._french_partners(s.get("french_partners"))
        if "triennial_yes" in s:
            p.triennial = True
        elif "triennial_no" in s:
            p.triennial = False
        p.fundings = self._fundings(s.get("fundings"))
        p.volunteers = self._volunteers(s.get("volunteers"))
        p.sdg_mentions = self._sdg(p, s)

        if p.start_year and p.end_date and p.end_date.year < p.start_year:
            self.error(s["end_date"].line, f"end date {p.end_date.isoformat()} is before the start year {p.start_year}")
        if not p.french_partners:
            where = s["french_partners"].line if "french_partners" in s else None
            self.error(
                where,
                "no French collectivité: expected a table under "
                "'Collectivités territoriales partenaires du partenariat'",
            )
        if not p.foreign_partners and "foreign_partners" not in s:
            self.warn(None, "no 'Partenaires étrangers du partenariat' section")
        self._check_complete(s)
        return ParseResult(self.file, p, self.problems)

    def _check_complete(self, s: dict[str, _Section]) -> None:
        """Every Atlas page ends with the volunteers table, written even when empty (its label, its
        header row and a separator line). A page that stops before it is a cut copy (an interrupted
        download, a partial save): an error, so that it never replaces a complete stored version."""
        last = next((n for n in range(len(self.lines), 0, -1) if self.lines[n - 1].strip()), 1)
        vol = s.get("volunteers")
        if vol is None:
            before = max(s.values(), key=lambda x: x.line)
            self.error(
                last,
                f"incomplete page: it stops at line {last}, in the section '{before.head[:60]}' "
                f"(line {before.line}), before the section every Atlas page ends with, "
                f"'{VOLUNTEERS_LABEL}' (with its table header); the file looks cut short "
                "(an interrupted download or copy?).",
            )
        elif not any(T.is_separator(t) for _, t in vol.body):
            self.error(
                last,
                f"incomplete page: it stops at line {last}, inside the header of the last section "
                f"'{VOLUNTEERS_LABEL}' (line {vol.line}; expected a header row and a '---|' line); "
                "the file looks cut short",
            )

    def _value(self, sec: _Section | None) -> str | None:
        if sec is None:
            return None
        values = [t.strip() for _, t in sec.body if t.strip()]
        if len(values) > 1:
            self.warn(sec.body[1][0], f"'{sec.head}' holds several lines; only the first is kept")
        return values[0] if values else None

    def _first(self, sec: _Section) -> tuple[int, str] | None:
        for n, t in sec.body:
            if t.strip():
                return n, t.strip()
        return None

    def _year(self, sec: _Section | None) -> int | None:
        if sec is None or (first := self._first(sec)) is None:
            return None
        n, value = first
        if not T.looks_like_year(value):
            self.error(n, f"'{sec.head}': expected a year (4 digits), found {value!r}")
            return None
        return int(value)

    def _date(self, sec: _Section | None) -> dt.date | None:
        if sec is None or (first := self._first(sec)) is None:
            return None
        n, value = first
        m = _DATE.match(value)
        if not m:
            self.error(n, f"'{sec.head}': expected a date dd/mm/yyyy, found {value!r}")
            return None
        day, month, year = (int(g) for g in m.groups())
        try:
            return dt.date(year, month, day)
        except ValueError:
            self.error(n, f"'{sec.head}': {value!r} is not a real date")
            return None

    def _text(self, sec: _Section | None) -> str | None:
        if sec is None:
            return None
        lines = T.dedupe_repeats([t.strip() for _, t in sec.body if t.strip()])
        return "\n".join(lines) or None

    def _table(self, sec: _Section | None) -> list[tuple[int, list[str]]]:
        """The data rows of a table section: header and separator lines skipped."""
        if sec is None:
            return []
        rows: list[tuple[int, list[str]]] = []
        seen_separator = False
        body = [(n, t) for n, t in sec.body if t.strip()]
        has_separator = any(T.is_separator(t) for _, t in body)
        for n, t in body:
            if T.is_separator(t):
                seen_separator = True
                continue
            if has_separator and not seen_separator:
                continue  # the header row
            if "|" not in t:
                self.warn(n, f"'{sec.head}': a line that is not a table row was ignored: {t.strip()[:60]!r}")
                continue
            cells = T.split_row(t)
            if cells:
                rows.append((n, cells))
        return rows

    def _embassy(self, sec: _Section) -> Embassy:
        m = _EMBASSY_NAME.search(sec.head)
        name = m.group(1) if m else sec.head.split("diplomatique", 1)[-1].strip(' :"')
        emb = Embassy(name=name)
        pending: list[str] = []
        lines = [t.strip() for _, t in sec.body if t.strip()]
        i = 0
        while i < len(lines):
            line = lines[i]
            label = T.label_key(line)
            if label.startswith("courriel"):
                inline = line.split(":", 1)[1].strip() if ":" in line else ""
                email = inline
                if not email and i + 1 < len(lines) and _EMAIL.match(lines[i + 1]):
                    email = lines[i + 1]
                    i += 1
                name = pending[-1] if pending else None
                role = " / ".join(pending[:-1]) or None
                emb.contacts.append(Contact(role=role, full_name=name, email=_email(email), organisation=emb.name))
                pending = []
            else:
                pending.append(line)
            i += 1
        if pending:  # a person listed without an e-mail address
            emb.contacts.append(
                Contact(role=" / ".join(pending[:-1]) or None, full_name=pending[-1], organisation=emb.name)
            )
        return emb

    def _other_themes(self, sec: _Section | None) -> list[ThemeRef]:
        themes = []
        for n, cells in self._table(sec):
            priority = None
            # Dropped empty cells shift the priority left: it is the last value if it is a number.
            if len(cells) >= 2 and cells[-1].isdigit():
                priority = int(cells.pop())
            if len(cells) > 3:
                self.warn(
                    n,
                    f"other themes: {len(cells)} values where at most 3 levels and a priority "
                    "were expected; extra values ignored",
                )
            levels: list[str | None] = [*cells[:3], *[None] * (3 - len(cells[:3]))]
            themes.append(ThemeRef(cells[0], levels[1], levels[2], priority))  # a table row has a first cell
        return themes

    def _foreign_partners(self, sec: _Section | None) -> list[ForeignPartner]:
        partners = []
        for n, cells in self._table(sec):
            if len(cells) < 2:
                self.error(n, f"foreign partner {cells[0]!r} has no country: expected 'name | country |'")
                continue
            partners.append(ForeignPartner(cells[0], cells[1]))
        return partners

    def _foreign_contacts(self, sec: _Section | None) -> list[Contact]:
        contacts = []
        for n, cells in self._table(sec):
            email = next((c for c in cells if _EMAIL.match(c)), None)
            rest: list[str | None] = [c for c in cells if c is not email]
            rest += [None] * (4 - len(rest))
            contacts.append(
                Contact(
                    organisation=rest[0], family_name=rest[1], given_name=rest[2], role=rest[3], email=_email(email)
                )
            )
        return contacts

    def _french_partners(self, sec: _Section | None) -> list[FrenchPartner]:
        partners: list[FrenchPartner] = []
        for n, cells in self._table(sec):
            if any(p.name == cells[0] for p in partners):
                self.warn(n, f"French partner {cells[0]!r} listed twice")
                continue
            partners.append(FrenchPartner(cells[0]))
        return partners

    def _fundings(self, sec: _Section | None) -> list[Funding]:
        rows = []
        for n, cells in self._table(sec):
            funder, values = cells[0], cells[1:]
            if not values:
                self.error(
                    n, f"funding row for {funder!r} has no amount: expected 'funder | amount in euros | ... | year'"
                )
                continue
            amount = T.parse_amount(values[0])
            if amount is None:
                self.error(
                    n,
                    f"funding row for {funder!r}: the amount {values[0]!r} is not a number "
                    "(expected euros, e.g. 18844, 35 000 or 1 500,50 €)",
                )
                continue
            if amount < 0:
                self.error(n, f"funding row for {funder!r}: negative amount {values[0]!r}")
                continue
            rest = values[1:]
            year = None
            # The year is the last column, so it is the last value whenever it is present.
            if rest and T.looks_like_year(rest[-1]):
                year = int(rest.pop())
            else:
                self.warn(n, f"funding row for {funder!r}: no year found")
            one_pct: list = []
            for v in rest[:3]:
                a = T.parse_amount(v)
                if a is None:
                    self.error(n, f"funding row for {funder!r}: the '1%' amount {v!r} is not a number")
                one_pct.append(a)
            if len(rest) > 3:
                self.warn(n, f"funding row for {funder!r}: {len(rest) - 3} extra value(s) ignored")
            if 0 < len(rest) < 3:
                # Empty cells were dropped: which of the three "1%" columns these values belong to
                # is unknowable. Keep them in order and say so.
                self.warn(
                    n,
                    f"funding row for {funder!r}: only {len(rest)} of the three '1%' amounts "
                    "are present; they are kept in order, their columns are uncertain",
                )
            one_pct += [None] * (3 - len(one_pct))
            rows.append(Funding(funder, amount, year, tuple(one_pct[:3]), n))
        return rows

    def _volunteers(self, sec: _Section | None) -> list[Volunteer]:
        vols = []
        for _, row in self._table(sec):
            cells: list[str | None] = [*row, *[None] * (5 - len(row))]
            vols.append(Volunteer(*cells[:5]))
        return vols

    def _sdg(self, p: Partnership, s: dict[str, _Section]) -> list[SdgMention]:
        mentions: dict[str, SdgMention] = {}
        for key in ("title", "context", "history", "objective", "description"):
            sec = s.get(key)
            if sec is None:
                continue
            for n, t in sec.body:
                for code in find_sdg_mentions(t):
                    mentions.setdefault(code, SdgMention(code, n))
        return list(mentions.values())


def _email(value: str | None) -> str | None:
    if not value:
        return None
    return re.sub(r"\[at\]", "@", value.strip(), flags=re.IGNORECASE)

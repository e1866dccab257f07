"""The ingest pipeline: files → records → links → RDF → store, page by page.

Each page is parsed, linked and converted on its own; a page with errors is reported and
skipped, the others load. Pages are written in batches, each partnership whole or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .atlas.parser import parse_file
from .link.page import link_page
from .rdf.convert import Converted, convert, partnership_key
from .rdf import iris
from .records import Problem
from .store import Store

BATCH = 200


@dataclass
class IngestReport:
    files: int = 0
    loaded: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    quads_added: int = 0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def collect_files(paths: Iterable[Path]) -> Iterator[Path | Problem]:
    """Files named directly are read whatever their name; folders give their *.txt files."""
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.txt") if p.is_file() and not p.name.startswith("."))
            if not found:
                yield Problem(str(path), None, "no *.txt page in this folder")
            yield from found
        elif path.exists():
            yield path
        else:
            yield Problem(str(path), None, "no such file or folder")


# A page check run before a page is stored: returns the problems that keep it out (errors)
# or flag it (warnings). The validation stage plugs in here.
PageCheck = Callable[[Converted], list[Problem]]


def ingest(store: Store, paths: Iterable[Path], *, force: bool = False, check: PageCheck | None = None,
           on_file: Callable[[Path], None] | None = None,
           now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc)) -> IngestReport:
    report = IngestReport()
    store.ensure_reference_data()
    known = store.sources()
    batch: list[Converted] = []
    for item in collect_files(paths):
        if isinstance(item, Problem):
            report.problems.append(item)
            report.failed.append(item.file)
            continue
        report.files += 1
        if on_file:
            on_file(item)
        result = parse_file(item)
        report.problems.extend(result.problems)
        if not result.ok:
            report.failed.append(str(item))
            continue
        p = result.partnership
        key = partnership_key(p)
        if not force and known.get(iris.partnership(key)) == p.source.sha256:
            report.unchanged += 1  # the same bytes are already stored: nothing to do
            continue
        links, problems = link_page(p, str(item))
        report.problems.extend(problems)
        converted = convert(p, links, now())
        report.problems.extend(
            Problem(str(item), None, f"value not in the curated schemes, kept as a new concept: {label!r}", "warning")
            for label in converted.new_concepts)
        if check is not None:
            problems = check(converted)
            report.problems.extend(problems)
            if any(x.severity == "error" for x in problems):
                report.failed.append(str(item))
                continue
        known[iris.partnership(key)] = p.source.sha256
        batch.append(converted)
        if len(batch) >= BATCH:
            _flush(store, batch, report)
    _flush(store, batch, report)
    return report


def _flush(store: Store, batch: list[Converted], report: IngestReport) -> None:
    if not batch:
        return
    store.replace(batch)
    report.loaded += len(batch)
    report.quads_added += sum(len(c.page) for c in batch)
    batch.clear()

"""The ingest pipeline: files → records → links → RDF → store, page by page.

Each page is parsed, linked and converted on its own; a page with errors is reported and
skipped, the others load. Pages are written in batches, each partnership whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import multiprocessing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .atlas.parser import parse_file
from .link.page import link_page
from .rdf.convert import convert, partnership_key
from .rdf import iris
from .records import Problem, ProblemList
from .store import BULK_LIMIT, PageData, Store, env_jobs
from .versions import Change, compare

# A batch is written in one bulk load: the bigger, the cheaper per quad (measured: 50,000 quads a
# call cost 1.6x the CPU of 400,000), up to the loader's atomic limit.
BATCH = 5000  # pages
BATCH_QUADS = BULK_LIMIT * 3 // 4


@dataclass
class IngestReport(ProblemList):
    files: int = 0
    loaded: int = 0
    unchanged: int = 0
    failed: list[str] = field(default_factory=list)
    # Every problem found, in file order, unless they were handed to `on_problem` as they came (then
    # empty: at 150,000 pages the main process peaked 360 MB higher). The counts are kept either way.
    problems: list[Problem] = field(default_factory=list)
    quads_added: int = 0
    replaced: list[Change] = field(default_factory=list)  # stored partnerships given a new version
    error_count: int = 0
    warning_count: int = 0
    on_problem: Callable[[Problem], None] | None = field(default=None, repr=False, compare=False)

    def add(self, problems: Iterable[Problem]) -> None:
        for p in problems:
            if p.severity == "error":
                self.error_count += 1
            else:
                self.warning_count += 1
            if self.on_problem is None:
                self.problems.append(p)
            else:
                self.on_problem(p)


def collect_files(paths: Iterable[Path | Problem]) -> Iterator[Path | Problem]:
    """Files named directly are read whatever their name; folders give their *.txt files."""
    for path in paths:
        if isinstance(path, Problem):  # an already collected list passes through as it is
            yield path
        elif path.is_dir():
            found = sorted(p for p in path.rglob("*.txt") if p.is_file() and not p.name.startswith("."))
            if not found:
                yield Problem(str(path), None, "no *.txt page in this folder")
            yield from found
        elif path.exists():
            yield path
        else:
            yield Problem(str(path), None, "no such file or folder")


# A check run on each batch of converted pages before it is stored, given the pages and their
# files (by partnership key): returns each page's problems; errors keep a page out, warnings flag
# it. The validation stage plugs in here (validate.ingest_check). It sees a whole batch at once
# because one run of the shapes over many pages costs about what one page costs alone.
BatchCheck = Callable[[list[PageData], dict[str, str]], dict[str, list[Problem]]]


def ingest(
    store: Store,
    paths: Iterable[Path | Problem],
    *,
    force: bool = False,
    check: BatchCheck | None = None,
    on_file: Callable[[Path], None] | None = None,
    on_problem: Callable[[Problem], None] | None = None,
    now: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.timezone.utc),
    jobs: int | None = None,
) -> IngestReport:
    """Ingest pages. Parsing, linking, conversion and the batch check run in `jobs` worker
    processes (default: $COOPGRAPH_JOBS, else one per core) when there are enough pages to pay for
    them; the store is written by this process only, pages taken in file order, so the outcome is
    the same whatever the number of workers. `on_problem`, when given, receives each problem as it
    is found (in file order) instead of the report keeping it."""
    report = IngestReport(on_problem=on_problem)
    store.ensure_reference_data()
    known = store.sources()
    items = list(collect_files(paths))
    jobs = _jobs(jobs, sum(1 for x in items if not isinstance(x, Problem)))
    batch: list[PageData] = []
    files: dict[str, str] = {}  # partnership key → file, for the batch check's messages
    previous: dict[str, str | None] = {}  # partnership IRI → the sha it had before this batch
    pending = 0  # quads in the batch
    seen_entities: set[bytes] = set()
    tasks = ((item, None if isinstance(item, Problem) else now()) for item in items)
    pool = None
    prepared: Iterator[_Prepared | None]
    # Ingest allocates millions of short-lived objects (terms, records, the workers' results) and
    # makes almost no reference cycles: the collector ran every 700 allocations and took ~7 % of
    # the main process's time. Collect rarely while this runs (the workers inherit it); restored after.
    thresholds = gc.get_threshold()
    gc.set_threshold(max(thresholds[0], 50_000), max(thresholds[1], 20), max(thresholds[2], 20))
    frozen = False
    try:
        if jobs > 1:
            _warm_up()  # the reference indexes are built once, then shared by the forked workers
            # Out of the collector's sight while this runs: a full collection walked these millions of
            # long-lived objects, in this process and in every worker (where that also copied the pages
            # they share with this process).
            gc.freeze()
            frozen = True
            # The workers also run the batch check on what they convert: it is most of the per-page
            # work left, and the main process is busy writing the store meanwhile.
            pool = multiprocessing.get_context("fork").Pool(jobs, _init_worker, (known, force, check))
            # A window wide enough that the workers keep converting while this process writes a
            # batch (seconds): ~10 tasks of 300 pages hold ~130 MB of results at most.
            prepared = _in_workers(pool, tasks, _chunk(len(items), jobs), window=4 * jobs + 2)
        else:
            _init_worker(known, force, None)  # the live `known`: each page sees the pages before it
            prepared = map(_work, tasks)
        for item, prep in zip(items, prepared):
            if isinstance(item, Problem):
                report.add((item,))
                report.failed.append(item.file)
                continue
            report.files += 1
            if on_file:
                on_file(item)
            assert prep is not None  # a file (not a Problem) is always prepared
            report.add(prep.parse_problems)
            if not prep.ok:
                report.failed.append(str(item))
                continue
            if not force and known.get(prep.iri) == prep.sha256:
                report.unchanged += 1  # the same bytes are already stored: nothing to do
                continue
            if prep.skipped:  # a worker's snapshot of the store said "unchanged"; this run changed it
                prep = _prepare(item, now(), {}, force)
            report.add(prep.problems)
            previous.setdefault(prep.iri, known.get(prep.iri))
            known[prep.iri] = prep.sha256
            data = prep.data
            assert data is not None  # parsed, changed and not skipped: converted
            batch.append(data)
            files[data.key] = str(item)
            pending += data.page_quads + len(data.entities)
            if len(batch) >= BATCH or pending >= BATCH_QUADS:
                _flush(store, batch, report, seen_entities, check, files, known, previous, force)
                pending = 0
        _flush(store, batch, report, seen_entities, check, files, known, previous, force)
    finally:
        if pool is not None:
            pool.terminate()
        if frozen:
            gc.unfreeze()
        gc.set_threshold(*thresholds)
    return report


# -- per-page work (in a worker process, or inline) -------------------------------------------
MIN_PAGES_PER_JOB = 100  # below this, starting workers costs more than it saves


@dataclass
class _Prepared:
    ok: bool
    parse_problems: list[Problem]
    iri: str = ""
    sha256: str = ""
    skipped: bool = False  # unchanged according to the store as it was when the run started
    problems: list[Problem] = field(default_factory=list)  # linking, new concepts
    data: PageData | None = None


_STATE: dict = {}
CHUNK = 300  # at most this many pages a worker task: converted, then checked in one run


def _init_worker(known: dict[str, str], force: bool, check: BatchCheck | None) -> None:
    _STATE.update(known=known, force=force, check=check)


def _chunk(items: int, jobs: int) -> int:
    """Pages a task: big enough for the batch check to be cheap per page, small enough that every
    worker gets several tasks."""
    return max(1, min(CHUNK, items // (4 * jobs)))


def _in_workers(pool, tasks: Iterator, size: int, window: int) -> Iterator[_Prepared | None]:
    """The tasks' results in order, `size` tasks to a worker call, at most `window` calls
    outstanding: results wait in memory only as long as the writer is behind by that much."""
    pending: deque = deque()

    def submit() -> None:
        chunk = list(itertools.islice(tasks, size))
        if chunk:
            pending.append(pool.apply_async(_work_chunk, (chunk,)))

    for _ in range(window):
        submit()
    while pending:
        done = pending.popleft().get()
        submit()
        yield from done


def _work_chunk(tasks: list[tuple[Path | Problem, dt.datetime | None]]) -> list[_Prepared | None]:
    out = [_work(t) for t in tasks]
    check = _STATE["check"]
    if check is not None:
        pages = [(str(t[0]), p.data) for t, p in zip(tasks, out) if p is not None and p.data is not None]
        for data, problems in _run_check(check, pages):
            data.checked = problems
            data.quads = None  # checked: not worth sending
    return out


def _run_check(check: BatchCheck, pages: list[tuple[str, PageData]]) -> Iterator[tuple[PageData, list[Problem]]]:
    """Each (file, page)'s problems. Pages are checked in runs of distinct partnerships: a page
    checked beside another version of itself would get that version's results too."""
    while pages:
        seen: set[str] = set()
        run: list[tuple[str, PageData]] = []
        later: list[tuple[str, PageData]] = []
        for file, data in pages:
            (later if data.key in seen else run).append((file, data))
            seen.add(data.key)
        found = check([d for _, d in run], {d.key: f for f, d in run})
        for _, data in run:
            yield data, found.get(data.key, [])
        pages = later


def _work(task: tuple[Path | Problem, dt.datetime | None]) -> _Prepared | None:
    item, when = task
    if isinstance(item, Problem):
        return None
    assert when is not None  # every file gets its ingest time
    return _prepare(item, when, _STATE["known"], _STATE["force"], keep_quads=_STATE["check"] is not None)


def _prepare(item: Path, when: dt.datetime, known: dict[str, str], force: bool, keep_quads: bool = False) -> _Prepared:
    result = parse_file(item)
    if not result.ok:
        return _Prepared(False, result.problems)
    p = result.partnership
    assert p is not None  # ok: a partnership was read
    key = partnership_key(p)
    prep = _Prepared(True, result.problems, iris.partnership(key), p.source.sha256)
    if not force and known.get(prep.iri) == prep.sha256:
        prep.skipped = True
        return prep
    links, problems = link_page(p, str(item))
    prep.problems.extend(problems)
    converted = convert(p, links, when, key)
    prep.problems.extend(
        Problem(str(item), None, f"value not in the curated schemes, kept as a new concept: {label!r}", "warning")
        for label in converted.new_concepts
    )
    prep.data = PageData.of(converted, keep_quads)
    return prep


def _jobs(jobs: int | None, pages: int) -> int:
    if jobs is None:
        jobs = env_jobs()
    return max(1, min(jobs, pages // MIN_PAGES_PER_JOB))


def _warm_up() -> None:
    from .link import cog, countries, places, sdg
    from .rdf.convert import curated_concepts

    cog.resolve_french_partners(["Angoulême"])
    places.warm_up()  # every country's index (about a second), shared by the workers
    countries.resolve_country("Mali")
    sdg.target_exists("6.3")
    curated_concepts()


def _flush(
    store: Store,
    batch: list[PageData],
    report: IngestReport,
    seen_entities: set[bytes],
    check: BatchCheck | None,
    files: dict[str, str],
    known: dict[str, str],
    previous: dict[str, str | None],
    force: bool = False,
) -> None:
    if not batch:
        return

    def refuse(page: PageData) -> None:
        report.failed.append(files[page.key])
        iri = iris.partnership(page.key)  # not stored: what the store holds is unchanged
        before = previous.get(iri)
        if before is None:
            known.pop(iri, None)
        else:
            known[iri] = before

    if check is not None:
        # Pages a worker converted come checked; the others (converted here) are checked now.
        found = {
            id(data): problems
            for data, problems in _run_check(check, [(files[p.key], p) for p in batch if p.checked is None])
        }
        kept = []
        for page in batch:
            problems = page.checked if page.checked is not None else found[id(page)]
            report.add(problems)
            if any(x.severity == "error" for x in problems):
                refuse(page)
            else:
                kept.append(page)
        batch[:] = kept
    # A new version of a stored partnership: say what it changes; refuse one that loses most of it.
    kept = []
    for page in batch:
        iri = iris.partnership(page.key)
        if previous.get(iri) in (None, known.get(iri)):  # new, or the same bytes re-converted (--force)
            kept.append(page)
            continue
        change = compare(store, files[page.key], page.graph, page.page, page.entities)
        if change.suspicious and not force:
            report.add(
                (
                    Problem(
                        change.file,
                        None,
                        (
                            f"refused: this page would replace the stored version of {change.title!r} but loses "
                            f"most of it ({change.details()}); the stored version is kept. If the new page is right, "
                            "ingest it again with --force"
                        ),
                        "error",
                    ),
                )
            )
            refuse(page)
        else:
            report.replaced.append(change)
            kept.append(page)
    batch[:] = kept
    files.clear()
    previous.clear()
    if not batch:
        return
    if len(seen_entities) > 2_000_000:  # a cache, not a record: bound the memory it takes
        seen_entities.clear()
    store.load_pages(batch, seen_entities)
    report.loaded += len(batch)
    report.quads_added += sum(c.page_quads for c in batch)
    batch.clear()

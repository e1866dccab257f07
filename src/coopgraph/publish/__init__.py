"""`coopgraph publish`: the graph as an open dataset.

OUTDIR receives the distributions (sorted N-Triples gzip, Turtle, JSON-LD and its context; the
ontology, the SKOS schemes and the SHACL shapes as files of their own), the dataset description
(DCAT-AP 3.0 + VoID, Turtle and RDF/XML), a landing page and the ontology's documentation.
Personal data is written only when asked, to a file of its own, marked as such.

Everything but the dates is a function of the store's content: the same store published twice
gives the same bytes (dates come from SOURCE_DATE_EPOCH when set, else today).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pyoxigraph import RdfFormat, serialize

from ..errors import PublishError
from .. import resources
from ..rdf import iris
from . import describe, dumps, figures, pages
from .describe import FileInfo, Options

if TYPE_CHECKING:
    from ..store import Store

__all__ = ["PERSONAL_FILE", "PublishError", "Result", "publish", "release_date"]

PERSONAL_FILE = "coopgraph-personal.nt.gz"


@dataclass
class Result:
    outdir: Path
    files: list[FileInfo]
    figures: figures.Figures
    timings: dict[str, float] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)


def release_date() -> dt.date:
    """SOURCE_DATE_EPOCH (reproducible-builds convention) when set, else today."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def _finish(path: Path, info: FileInfo) -> FileInfo:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    info.size = path.stat().st_size
    info.sha256 = h.hexdigest()
    return info


def _write_gzip(data: bytes, path: Path, info: FileInfo) -> None:
    dumps.write_gzip(data, path)
    _finish(path, info)


def _schemes(store) -> bytes:
    """The SKOS schemes (themes, statuses, forms), with concepts first seen in pages."""
    schemes = " ".join(f"<{s}>" for s in (iris.THEME_SCHEME, iris.STATUS_SCHEME, iris.FORM_SCHEME))
    q = f"""CONSTRUCT {{ ?x ?p ?o }} WHERE {{
      {{ VALUES ?x {{ {schemes} }} }} UNION
      {{ VALUES ?s {{ {schemes} }} ?x <http://www.w3.org/2004/02/skos/core#inScheme> ?s }}
      ?x ?p ?o }}"""
    triples = sorted(set(store.query(q)), key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    return serialize(triples, format=RdfFormat.TURTLE, prefixes=dumps.TURTLE_PREFIXES) or b""


def _shapes() -> bytes | None:
    """The SHACL shapes files, concatenated as written (comments kept; Turtle allows repeated
    @prefix lines). Re-serialising would relabel their blank nodes on every run."""
    from pyoxigraph import parse

    folder = resources.shapes_dir()
    files = (
        sorted((f for f in folder.iterdir() if f.name.endswith(".ttl")), key=lambda f: f.name)
        if folder.is_dir()
        else []
    )
    if not files:
        return None
    parts = []
    for f in files:
        text = f.read_bytes()
        parts.append(b"# ---- " + f.name.encode() + b" ----\n" + text + (b"" if text.endswith(b"\n") else b"\n"))
    merged = b"\n".join(parts)
    if b"_:" in merged:  # labelled blank nodes could merge across files: check it still means the same
        n = sum(len(list(parse(f.read_bytes(), format=RdfFormat.TURTLE))) for f in files)
        if len(list(parse(merged, format=RdfFormat.TURTLE))) != n:
            raise PublishError("the SHACL shapes files share blank node labels; cannot merge them")
    return merged


IATI_FILE = "iati-activities.xml"
TABLES_FILE = "coopgraph-tables.zip"
IATI_STANDARD = "https://iatistandard.org/en/iati-standard/203/"
FRICTIONLESS_TDP = "https://specs.frictionlessdata.io/tabular-data-package/"


def _exports(store, outdir: Path, opts: Options) -> list[FileInfo]:
    """The IATI activities and the tidy tables (zip), from one bulk read of the store. Their
    timestamps are the latest ingest time in the data, not the release date, so that the same
    store gives the same bytes. Never personal data. Nothing when the store holds no partnership
    (an IATI file needs at least one activity)."""
    from ..export import graph, iati, tables

    snap = graph.read(store)
    if not snap.partnerships:
        for name in (IATI_FILE, TABLES_FILE):
            if (outdir / name).exists():
                (outdir / name).unlink()
        return []
    stamps = sorted(p.generated_at for p in snap.partnerships.values() if p.generated_at)
    try:
        when = dt.datetime.fromisoformat(stamps[-1].replace("Z", "+00:00")) if stamps else None
    except ValueError:
        when = None
    when = when or dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc)
    out: list[FileInfo] = []
    f = FileInfo(
        IATI_FILE,
        "iati",
        "Activités IATI 2.03 (XML)",
        "IATI 2.03 activities (XML)",
        "One IATI 2.03 iati-activity per partnership (funders, partners, countries, DAC sectors, SDG "
        "tags, each funding row as an incoming-funds transaction in EUR), valid against the IATI 2.03 "
        "activities schema; no personal data.",
        "application/xml",
        "XML",
        conforms_to=IATI_STANDARD,
    )
    with open(outdir / f.name, "w", encoding="utf-8", newline="\n") as x:
        iati.write_iati(snap, x, generated=when)
    out.append(_finish(outdir / f.name, f))
    f = FileInfo(
        TABLES_FILE,
        "tables",
        "Tables CSV et Data Package (zip)",
        "CSV tables and Data Package (zip)",
        "Tidy CSV tables (partnerships, collectivites, partnership_collectivites, funders, fundings, "
        "partnership_themes, partnership_sdg_targets) linked by identifier columns, with a Frictionless "
        "datapackage.json describing them; no personal data.",
        "text/csv",
        "CSV",
        conforms_to=FRICTIONLESS_TDP,
        package_format="application/zip",
    )
    iri, label = opts.licence_iri_label()
    name = next((k for k, (i, _) in describe.LICENCES.items() if i == iri), "other")
    tables.write_tables_zip(snap, outdir / f.name, licence=(name, iri, label), created=when)
    out.append(_finish(outdir / f.name, f))
    return out


def _exports_from_store_path(path: str, outdir: str, opts: Options) -> list[FileInfo]:
    """For the worker process: the exports beside the main process's dumps."""
    from ..store import Store

    with Store(path, read_only=True) as store:
        return _exports(store, Path(outdir), opts)


_CHILD = "from coopgraph.publish import _child_main; _child_main()"


def _child_main() -> None:
    """In the child interpreter: the figures, then the exports (when asked), each sent back as
    soon as it is ready, as ("ok", value) or ("error", message)."""
    path, outdir, opts = pickle.load(sys.stdin.buffer)
    out = sys.stdout.buffer
    jobs: list[Callable[[], object]] = [lambda: figures.from_store_path(path)]
    if outdir is not None:
        jobs.append(lambda: _exports_from_store_path(path, outdir, opts))
    for job in jobs:
        try:
            answer: tuple[str, object] = ("ok", job())
        except Exception as e:  # noqa: BLE001 - the parent does the work itself then
            answer = ("error", f"{type(e).__name__}: {e}")
        pickle.dump(answer, out)
        out.flush()


class _Worker:
    """The key figures, then the IATI and tables exports, computed in a child interpreter while
    this one reads and writes the dumps (pyoxigraph holds the GIL while it evaluates a query, so
    a thread would not overlap).

    A plain subprocess, not a multiprocessing pool: "spawn" re-imports the caller's __main__ in
    the child (a script fed on stdin failed with FileNotFoundError '<stdin>'; a script without a
    main guard would run again), and "fork" would copy a process holding RocksDB's threads.
    Whatever the child cannot do, the parent does itself."""

    def __init__(self, store: Store, outdir: Path | None, opts: Options | None) -> None:
        env = dict(os.environ)
        here = str(Path(__file__).resolve().parents[2])  # the folder holding this coopgraph package
        env["PYTHONPATH"] = os.pathsep.join([here, *filter(None, [env.get("PYTHONPATH")])])
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _CHILD],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        assert self.proc.stdin is not None
        try:
            self.proc.stdin.write(pickle.dumps((str(store.path), None if outdir is None else str(outdir), opts)))
            self.proc.stdin.close()
        except OSError:
            pass  # the child died at start: next() finds nothing, the parent does the work

    def next(self) -> object | None:
        """The child's next answer, or None when it failed (or ended)."""
        assert self.proc.stdout is not None
        try:
            status, value = pickle.load(self.proc.stdout)  # noqa: S301 - our own child's output
        except Exception:  # noqa: BLE001 - EOF or garbage: the child could not run
            return None
        return value if status == "ok" else None

    def close(self) -> None:
        if self.proc.stdout is not None:
            self.proc.stdout.close()
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


def _start_figures(store: Store, outdir: Path | None = None, opts: Options | None = None) -> _Worker | None:
    """Start the child interpreter: the figures, and the exports to `outdir` when given."""
    try:
        return _Worker(store, outdir, opts)
    except OSError:
        return None


def _end_figures(job: _Worker | None, store: Store) -> figures.Figures:
    if job is not None:
        fig = job.next()
        if isinstance(fig, figures.Figures):
            return fig
    return figures.from_store(store)


def _end_exports(job: _Worker | None, store: Store, outdir: Path, opts: Options) -> list[FileInfo]:
    if job is not None:
        done = job.next()
        if isinstance(done, list):
            return done
    return _exports(store, outdir, opts)


def publish(store, outdir: Path, opts: Options) -> Result:
    t_start = time.perf_counter()
    timings: dict[str, float] = {}

    def lap(name: str, t0: float) -> float:
        now = time.perf_counter()
        timings[name] = round(now - t0, 3)
        return now

    outdir.mkdir(parents=True, exist_ok=True)
    removed = []
    stale = outdir / PERSONAL_FILE
    if not opts.include_personal and stale.exists():
        stale.unlink()  # an earlier release's personal data must not ride along with this one
        removed.append(PERSONAL_FILE)

    worker = _start_figures(store, outdir, opts)
    t = time.perf_counter()
    lines = dumps.sorted_lines(store)
    nt = dumps.ntriples_bytes(lines)
    n_lines = len(lines)
    t = lap("read and sort", t)

    files: list[FileInfo] = []
    nt_info = FileInfo(
        "coopgraph.nt.gz",
        "nt",
        "Graphe complet, N-Triples compressé (gzip)",
        "Whole graph, N-Triples, gzip",
        "The whole open graph as sorted N-Triples, gzip-compressed: for bulk loaders.",
        "application/n-triples",
        "RDF_N_TRIPLES",
        gzip=True,
    )
    # zlib and hashlib release the GIL: the gzip file is written while Turtle and JSON-LD are made.
    gz = threading.Thread(target=_write_gzip, args=(nt, outdir / nt_info.name, nt_info))
    gz.start()
    files.append(nt_info)

    f = FileInfo(
        "coopgraph.ttl",
        "ttl",
        "Graphe complet, Turtle",
        "Whole graph, Turtle",
        "The whole open graph in Turtle with prefixes, subjects in sorted order.",
        "text/turtle",
        "RDF_TURTLE",
    )
    dumps.write_turtle(nt, outdir / f.name)
    files.append(_finish(outdir / f.name, f))
    t = lap("Turtle", t)

    f = FileInfo(
        "coopgraph.jsonld",
        "jsonld",
        "Graphe complet, JSON-LD",
        "Whole graph, JSON-LD",
        "The whole open graph as compact JSON-LD, one object per resource; its context is context.jsonld.",
        "application/ld+json",
        "JSON_LD",
    )
    line_stats = dumps.LineStats(iris.ID, figures.TARGETS)
    dumps.write_jsonld(lines, outdir / f.name, "context.jsonld", stats=line_stats)
    files.append(_finish(outdir / f.name, f))
    ctx = FileInfo(
        "context.jsonld",
        "context",
        "Contexte JSON-LD",
        "JSON-LD context",
        "The JSON-LD context of coopgraph.jsonld: the prefixes of the Turtle files.",
        "application/ld+json",
        "JSON_LD",
    )
    (outdir / ctx.name).write_text(
        json.dumps(dumps.context_document(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    files.append(_finish(outdir / ctx.name, ctx))
    t = lap("JSON-LD", t)

    gz.join()
    if not nt_info.sha256:
        raise PublishError(f"could not write {outdir / nt_info.name}")
    t = lap("N-Triples gzip (wait)", t)
    fig = _end_figures(worker, store)
    figures.apply_line_stats(fig, line_stats, n_lines)
    del nt, lines
    t = lap("figures (wait)", t)

    ontology_ttl = resources.ontology_file("coopgraph.ttl").read_bytes()
    f = FileInfo(
        "ontology.ttl",
        "ontology",
        "Ontologie coopgraph (OWL)",
        "coopgraph ontology (OWL)",
        "The coopgraph ontology: classes and properties of the graph.",
        "text/turtle",
        "RDF_TURTLE",
    )
    (outdir / f.name).write_bytes(ontology_ttl)
    files.append(_finish(outdir / f.name, f))
    schemes_ttl = _schemes(store)
    f = FileInfo(
        "schemes.ttl",
        "schemes",
        "Thématiques, statuts et formes (SKOS)",
        "Themes, statuses and forms (SKOS)",
        "The SKOS concept schemes: the Atlas's themes of "
        "intervention, partnership statuses and forms, with concepts first seen in pages.",
        "text/turtle",
        "RDF_TURTLE",
    )
    (outdir / f.name).write_bytes(schemes_ttl)
    files.append(_finish(outdir / f.name, f))
    shapes = _shapes()
    if shapes is not None:
        f = FileInfo(
            "shapes.ttl",
            "shapes",
            "Formes SHACL",
            "SHACL shapes",
            "The SHACL shapes the graph is validated with.",
            "text/turtle",
            "RDF_TURTLE",
        )
        (outdir / f.name).write_bytes(shapes)
        files.append(_finish(outdir / f.name, f))
    elif (outdir / "shapes.ttl").exists():
        (outdir / "shapes.ttl").unlink()

    try:
        files.extend(_end_exports(worker, store, outdir, opts))
    finally:
        if worker is not None:
            worker.close()
    t = lap("exports (IATI, tables) (wait)", t)

    if opts.include_personal:
        plines = dumps.sorted_lines(store, personal_only=True)
        f = FileInfo(
            PERSONAL_FILE,
            "personal",
            "DONNÉES PERSONNELLES : contacts et volontaires (N-Triples, gzip)",
            "PERSONAL DATA: contacts and volunteers (N-Triples, gzip)",
            "PERSONAL DATA (GDPR): names, job titles and e-mail addresses of contacts and volunteers, "
            "kept apart from the open graph. Published only because it was asked for explicitly.",
            "application/n-triples",
            "RDF_N_TRIPLES",
            gzip=True,
            personal=True,
        )
        dumps.write_gzip(dumps.ntriples_bytes(plines), outdir / f.name)
        files.append(_finish(outdir / f.name, f))
    t = lap("ontology, schemes, shapes", t)

    lic_label = opts.licence_iri_label()[1]
    f = FileInfo(
        "ontology.html",
        "ontology-doc",
        "Documentation de l'ontologie",
        "Ontology documentation",
        "",
        "text/html",
        "HTML",
        distribution=False,
    )
    (outdir / f.name).write_text(pages.ontology_page(ontology_ttl, schemes_ttl, lic_label), encoding="utf-8")
    files.append(_finish(outdir / f.name, f))

    keys = sorted(store.partnerships())
    sample = iris.partnership(keys[0]) if keys else None
    description = describe.build(opts, fig, files, sample)
    ttl = describe.to_turtle(description)
    problems = describe.check_dcat_ap(ttl)
    if problems:
        raise PublishError(
            "the dataset description does not conform to DCAT-AP 3.0.0:\n  " + "\n  ".join(problems[:40])
        )
    (outdir / "dataset.ttl").write_bytes(ttl)
    (outdir / "dataset.rdf").write_bytes(describe.to_rdfxml(description))
    t = lap("description (DCAT-AP check)", t)

    write_map(store, outdir / "map")
    t = lap("map", t)
    (outdir / "index.html").write_text(pages.landing_page(opts, fig, files), encoding="utf-8")
    lap("pages", t)
    timings["total"] = round(time.perf_counter() - t_start, 3)
    return Result(outdir, files, fig, timings, removed)


MAP_STATIC = (
    "d3.min.js",
    "topojson-client.min.js",
    "world-110m.js",
    "france-50m.js",
    "coopgraph-map.js",
    "LICENSE-d3",
    "LICENSE-topojson-client",
    "LICENSE-world-atlas",
)


def write_map(store, mapdir: Path) -> None:
    """The landing page's map: the bundled drawing code and base maps, and the data (map/data.js,
    a script rather than JSON so that the page works opened from the disk, where fetch() is refused)."""
    from importlib.resources import files as package_files

    from .mapdata import map_data

    mapdir.mkdir(parents=True, exist_ok=True)
    static = package_files("coopgraph") / "static" / "map"
    for name in MAP_STATIC:
        (mapdir / name).write_bytes((static / name).read_bytes())
    payload = json.dumps(map_data(store), ensure_ascii=False, separators=(",", ":"))
    (mapdir / "data.js").write_text("window.COOPGRAPH_MAP_DATA = " + payload + ";\n", encoding="utf-8")

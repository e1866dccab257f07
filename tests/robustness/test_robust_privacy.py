"""Personal data never leaves through an open output (issue #8, "Privacy").

The names and e-mail addresses to look for are collected from the pages themselves (the real page
and the synthetic corpus): parsed (contacts of the embassy, of the foreign partners, volunteers)
and, independently of the parser, every address-looking string in the raw text (`a@b.c` and
`a[at]b.c`). Then every output of the CLI run over those pages is scanned: ingest messages, dumps
in every format, stats, every saved query, ad-hoc SPARQL over the open graph, validate, the link
report and a whole publication. The same scan on `dump --include-personal-data` finds them, which
proves the scan can see what it looks for.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path


from conftest import CLI, SEED
from robust_support import synth_cli, synth_corpus  # noqa: F401  (fixtures)

from coopgraph import queries
from coopgraph.atlas.parser import parse_file

_RAW_EMAIL = re.compile(r"[\w.+-]+(?:@|\[at\])[\w-]+(?:\.[\w-]+)+", re.IGNORECASE)


def personal_strings(pages: list[Path]) -> set[str]:
    found: set[str] = set()
    published: set[str] = set()
    for page in pages:
        text = page.read_text(encoding="utf-8", errors="replace")
        for m in _RAW_EMAIL.finditer(text):
            found.add(m.group(0))
            found.add(re.sub(r"\[at\]", "@", m.group(0), flags=re.I))
        r = parse_file(page)
        p = r.partnership
        if p is None:
            continue
        people = list(p.foreign_contacts) + (list(p.embassy.contacts) if p.embassy else [])
        for c in people:
            if c.email:
                found.add(c.email)
            if c.full_name:
                found.add(c.full_name)
            if c.family_name and c.given_name:
                found.update({f"{c.given_name} {c.family_name}", f"{c.family_name} {c.given_name}"})
        for v in p.volunteers:
            if v.family_name and v.given_name:
                found.update({f"{v.given_name} {v.family_name}", f"{v.family_name} {v.given_name}"})
        # What the page itself publishes outside the personal sections is open data, even when it
        # holds a person's name (a funder "Atelier de la danse – Katia Seguin", a name in the text).
        public = " ".join(
            x
            for x in [
                p.title,
                p.summary,
                p.context,
                p.history,
                p.objective,
                p.description,
                *(f.funder for f in p.fundings),
                *(f.name for f in p.french_partners),
                *(f.name for f in p.foreign_partners),
            ]
            if x
        ).lower()
        published.update(s for s in found if s.lower() in public)
    return {s for s in found if len(s) >= 6 and s not in published}


def leaks(text: str, needles: set[str]) -> set[str]:
    low = text.lower()
    return {n for n in needles if n.lower() in low}


def outputs(c: CLI, tmp_path: Path, ingest_runs) -> dict[str, str]:
    """Every open output of the CLI over the store, by name."""
    out: dict[str, str] = {f"ingest {i}": r.out + r.err for i, r in enumerate(ingest_runs)}

    def run(name, *args, codes=(0,)):
        r = c(*args, timeout=600)
        assert r.code in codes, (name, r.err[-2000:])
        out[name] = r.out + r.err

    for fmt in ("turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"):
        run(f"dump {fmt}", "dump", "--format", fmt)
    run("stats", "stats")
    run("stats json", "stats", "--format", "json")
    for name, q in queries.load_all().items():
        if not q.is_update:
            run(f"query {name}", "query", name, "--format", "json")
    run("sparql union", "sparql", "SELECT * WHERE { ?s ?p ?o }", "--format", "tsv")
    run("sparql graphs", "sparql", "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "--format", "csv")
    run("sparql construct", "sparql", "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    run(
        "sparql persons",
        "sparql",
        "SELECT * WHERE { { ?x a schema:Person } UNION { ?x a cg:Volunteer } UNION { ?x schema:email ?e } "
        "UNION { ?x schema:name ?n } ?x ?p ?o }",
        "--format",
        "json",
    )
    for fmt in ("text", "json", "turtle"):
        run(f"validate {fmt}", "validate", "--format", fmt, "--fail-on", "violation", codes=(0, 1))
    run("link report", "link", "--report", "--format", "json")
    pub = tmp_path / "release"
    run("publish", "publish", pub, "--date", "2024-01-01")
    for f in sorted(pub.rglob("*")):
        if f.is_file():
            data = f.read_bytes()
            if f.suffix == ".gz":
                data = gzip.decompress(data)
            out[f"publish {f.relative_to(pub)}"] = data.decode("utf-8", errors="replace")
    return out


def _scan(c: CLI, pages: list[Path], tmp_path: Path, ingest_runs) -> int:
    needles = personal_strings(pages)
    assert needles, "no personal data found in the pages: the scan would prove nothing"
    scanned = outputs(c, tmp_path, ingest_runs)
    found = {name: sorted(leaks(text, needles))[:5] for name, text in scanned.items() if leaks(text, needles)}
    assert not found, f"personal data in open outputs: {found}"
    # The control: asked for explicitly, the personal data is there, and the scan sees it.
    r = c("dump", "--format", "nquads", "--include-personal-data")
    assert r.code == 0
    seen = leaks(r.out, needles)
    assert len(seen) >= 0.9 * len({n for n in needles if "@" in n and "[at]" not in n}), "the scan misses data"
    return len(needles)


def test_real_page_outputs_hold_no_personal_data(tmp_path):
    c = CLI(tmp_path / "store")
    r = c("ingest", SEED)
    assert r.code == 0, r.err
    needles = personal_strings([SEED])
    for must in (
        "emma.coquard@diplomatie.gouv.fr",
        "emma.coquard[at]diplomatie.gouv.fr",
        "Emma COQUARD",
        "Nadege CHOUAT",
        "ndiarra52@yahoo.fr",
        "Nouhoun Diarra",
        "Moustapha Ario",
    ):
        assert must in needles, must
    _scan(c, [SEED], tmp_path, [r])


def test_synthetic_corpus_outputs_hold_no_personal_data(tmp_path, synth_corpus, synth_cli):  # noqa: F811
    pages = sorted(synth_corpus.glob("*.txt"))
    # A fresh ingest, not quiet, so that every warning is scanned too; the rest on the shared store.
    r = CLI(tmp_path / "store")("ingest", synth_corpus, timeout=900)
    assert r.code in (0, 1), r.err[-2000:]
    n = _scan(synth_cli, pages, tmp_path, [r])
    print(f"privacy: {n} personal strings looked for in {len(pages)} synthetic pages")


def test_addresses_in_free_text_are_masked_in_any_case(tmp_path):
    """An address in a page's prose is masked however it is written ("[AT]", "(At)", capitals):
    ingest only looks for addresses in texts that may hold one, and that test must not miss these."""
    lines = SEED.read_text(encoding="utf-8").split("\n")
    at = lines.index("Contexte") + 1
    written = ["Jean.Dupont[AT]Mairie-Angouleme.fr", "marie.durand(At)ville-segou.ml", "P.X@EXAMPLE.ORG"]
    lines.insert(at, "Pour tout renseignement : " + ", ".join(written) + ".")
    page = tmp_path / "page.txt"
    page.write_text("\n".join(lines), encoding="utf-8")
    c = CLI(tmp_path / "store")
    assert c("ingest", page).code == 0
    out = c("dump", "--format", "nquads").out
    assert "Pour tout renseignement : [courriel retiré], [courriel retiré], [courriel retiré]." in out
    assert not [w for w in written if w.lower() in out.lower()]

"""The page parser under hostile and broken input (issue #8, "Input").

Random edits of the real page (lines dropped, duplicated, swapped, cells added or lost,
truncation anywhere, random bytes, mixed encodings, huge lines) and a 100,000-row funding table
never crash or hang the parser: it returns records or clear errors. Everything it accepts
round-trips: converted, serialised in every RDF format and parsed back, it is the same graph.

The bulk of the cases call the parser in-process (fast); test_robust_nonpages.py drives the CLI.
A hang is caught by a generous alarm (`bounded`), not a timing assertion: the alarm only turns
"never returns" into a failure with the input that caused it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from pyoxigraph import RdfFormat, parse as rdf_parse, serialize

from coopgraph.atlas.parser import parse_bytes
from coopgraph.link.page import link_page
from coopgraph.rdf.convert import convert
from coopgraph.records import ParseResult, Problem

REPO = Path(__file__).resolve().parents[2]
SEED = (REPO / "examples" / "atlas-angouleme-segou.txt").read_bytes()
SEED_LINES = SEED.decode("utf-8").split("\n")
NOW = dt.datetime(2024, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc)


# Hypothesis: deterministic in CI (same cases every run), no example database in the tree.
def fast(n: int) -> settings:
    return settings(
        max_examples=n,
        deadline=None,
        derandomize=True,
        database=None,
        print_blob=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
    )


# Case counters, printed by test_zz_case_count at the end of this module (the figures in
# benchmarks/results/robustness.md come from there).
CASES: dict[str, int] = {}


class Hang(Exception):
    pass


@contextlib.contextmanager
def bounded(seconds: float, what: str):
    """Fail (do not wait forever) when the body does not return within `seconds`."""

    def on_alarm(signum, frame):
        raise Hang(f"{what}: no result after {seconds:g} s (the parser hangs on this input)")

    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def check_result(r: ParseResult, raw: bytes) -> None:
    """The contract: a ParseResult with records, or errors a person can act on."""
    assert isinstance(r, ParseResult)
    assert r.partnership is not None or r.errors, "no records and no error"
    n_lines = raw.count(b"\n") + raw.count(b"\r") + 1
    for p in r.problems:
        assert isinstance(p, Problem) and p.severity in ("error", "warning")
        assert isinstance(p.message, str) and p.message.strip(), p
        assert "Traceback" not in p.message
        assert p.line is None or 1 <= p.line <= n_lines, (p, n_lines)
        str(p)  # printable
    if r.ok:
        p = r.partnership
        assert p.title and p.french_partners


def parse_case(raw: bytes, what: str = "case") -> ParseResult:
    with bounded(30, what):
        r = parse_bytes(raw, "mutated.txt")
    check_result(r, raw)
    return r


# --- mutations of the real page -------------------------------------------------------------------
def _cell_edit(line: str, rnd: st.DataObject) -> str:
    cells = line.split("|")
    op = rnd.draw(st.sampled_from(["add", "drop", "empty", "replace"]))
    i = rnd.draw(st.integers(0, max(0, len(cells) - 1)))
    if op == "add":
        cells.insert(
            i,
            rnd.draw(
                st.sampled_from(
                    [
                        " 123 ",
                        " x ",
                        " 2020 ",
                        " N/C ",
                        " -5 ",
                        " 35 000 € ",
                        " 1 500,50 ",
                        " ![]() ",
                        "",
                        " 99999999999999999999 ",
                    ]
                )
            ),
        )
    elif op == "drop" and len(cells) > 1:
        del cells[i]
    elif op == "empty":
        cells[i] = " "
    else:
        cells[i] = " " + rnd.draw(st.text(max_size=12)) + " "
    return "|".join(cells)


MUTATIONS = ["drop", "dup", "swap", "cell", "truncate", "bytes", "cp1252", "huge", "text", "label", "newline", "blank"]


def mutate(data: st.DataObject, n_ops: int) -> bytes:
    lines = list(SEED_LINES)
    tail = b""
    cut = None
    for _ in range(n_ops):
        op = data.draw(st.sampled_from(MUTATIONS))
        i = data.draw(st.integers(0, max(0, len(lines) - 1)))
        if not lines:
            lines = [""]
        if op == "drop":
            del lines[i : i + data.draw(st.integers(1, 5))]
        elif op == "dup":
            lines[i:i] = lines[i : i + data.draw(st.integers(1, 5))] * data.draw(st.integers(1, 3))
        elif op == "swap":
            j = data.draw(st.integers(0, len(lines) - 1))
            lines[i], lines[j] = lines[j], lines[i]
        elif op == "cell":
            rows = [k for k, x in enumerate(lines) if "|" in x] or [i]
            k = data.draw(st.sampled_from(rows))
            lines[k] = _cell_edit(lines[k], data)
        elif op == "truncate":
            cut = data.draw(st.integers(0, len(SEED)))
        elif op == "bytes":
            tail += data.draw(st.binary(max_size=64))
            lines.insert(i, data.draw(st.binary(max_size=64)).decode("latin-1"))
        elif op == "cp1252":
            lines[i] = "\x00CP1252\x00" + lines[i]  # re-encoded below: this line in Windows-1252
        elif op == "huge":
            lines.insert(
                i, data.draw(st.sampled_from(["x", "é", "|", "ODD 6.3 ", "a | "])) * 20_000
            )  # bigger: test_huge_lines
        elif op == "text":
            lines.insert(i, data.draw(st.text(max_size=80)))
        elif op == "label":
            lines.insert(i, data.draw(st.sampled_from(LABELS)))
        elif op == "newline":
            lines[i] = lines[i].replace(" ", data.draw(st.sampled_from(["\r", "\r\n", "\x0b", "\u2028", "\x85"])), 1)
        elif op == "blank":
            lines[i] = ""
    out = bytearray()
    for line in lines:
        if line.startswith("\x00CP1252\x00"):
            out += line[len("\x00CP1252\x00") :].encode("cp1252", errors="replace")
        else:
            out += line.encode("utf-8", errors="replace")
        out += b"\n"
    out += tail
    raw = bytes(out)
    return raw[:cut] if cut is not None else raw


LABELS = [
    "Titre",
    "Financement du partenariat",
    "Contexte",
    "Le partenariat est",
    "Date de fin du partenariat",
    "Année de début du partenariat",
    "Partenaires étrangers du partenariat",
    "Collectivités territoriales partenaires du partenariat",
    "Autres thématiques mises en œuvre pour le partenariat",
    'Contacts dans le poste diplomatique "Ambassade de France à X"',
    "Courriel :",
    "Volontaires impliqués dans le partenariat (VSI)",
    "Le partenariat est triennal",
    "<<",
    "1",
    ">>",
    "---|---|",
    "Nom | Prénom |",
]


@fast(4500)
@given(st.data(), st.integers(1, 6))
def test_mutated_real_page_never_crashes(data, n_ops):
    raw = mutate(data, n_ops)
    parse_case(raw, f"mutation ({len(raw)} bytes)")
    CASES["mutations of the real page"] = CASES.get("mutations of the real page", 0) + 1


@fast(1500)
@given(st.binary(max_size=4000))
def test_random_bytes_never_crash(raw):
    parse_case(raw, "random bytes")
    CASES["random bytes"] = CASES.get("random bytes", 0) + 1


@fast(1000)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(LABELS),
            st.text(max_size=40),
            st.builds(lambda cells: " | ".join(cells) + " |", st.lists(st.text(max_size=10), max_size=8)),
        ),
        max_size=60,
    ),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"]),
)
def test_random_label_soup_never_crashes(lines, encoding):
    raw = "\n".join(lines).encode(encoding, errors="replace")
    parse_case(raw, f"label soup ({encoding})")
    CASES["label/table soup, 5 encodings"] = CASES.get("label/table soup, 5 encodings", 0) + 1


# --- round trip ------------------------------------------------------------------------------------
TRIPLE_FORMATS = [RdfFormat.TURTLE, RdfFormat.N_TRIPLES, RdfFormat.RDF_XML, RdfFormat.JSON_LD]
QUAD_FORMATS = [RdfFormat.N_QUADS, RdfFormat.TRIG]


def assert_round_trips(r: ParseResult) -> None:
    p = r.partnership
    links, _ = link_page(p, r.file)
    c = convert(p, links, NOW)
    quads = [*c.page, *c.entities, *c.personal]
    want_quads = set(quads)
    want_triples = {q.triple for q in quads}
    for fmt in QUAD_FORMATS:
        data = serialize(quads, format=fmt)
        back = set(rdf_parse(data, format=fmt))
        assert back == want_quads, f"{fmt}: {len(want_quads ^ back)} quads differ"
    for fmt in TRIPLE_FORMATS:
        data = serialize([q.triple for q in quads], format=fmt)
        back = {getattr(t, "triple", t) for t in rdf_parse(data, format=fmt)}
        assert back == want_triples, f"{fmt}: {len(want_triples ^ back)} triples differ"


@fast(2000)
@given(st.data(), st.integers(1, 4))
def test_accepted_pages_round_trip(data, n_ops):
    raw = mutate(data, n_ops)
    r = parse_case(raw, "round trip")
    CASES["round-trip attempts (mutated pages)"] = CASES.get("round-trip attempts (mutated pages)", 0) + 1
    if r.ok:
        with bounded(60, "convert + serialise"):
            assert_round_trips(r)
        CASES["accepted and round-tripped in 6 formats"] = CASES.get("accepted and round-tripped in 6 formats", 0) + 1


def test_real_page_and_fixtures_round_trip():
    pages = [
        REPO / "examples" / "atlas-angouleme-segou.txt",
        *sorted((REPO / "tests" / "fixtures" / "pages").glob("fixture-*.txt")),
    ]
    for f in pages:
        r = parse_case(f.read_bytes(), f.name)
        assert r.ok, (f, r.errors)
        assert_round_trips(r)


# --- big inputs: bounded time and memory ----------------------------------------------------------
def _with_fundings(rows: str) -> bytes:
    text = SEED.decode("utf-8")
    marker = "Volontaires impliqués"
    return text.replace(marker, rows + marker, 1).encode("utf-8")


def _in_child(setup: str) -> dict:
    """Parse the page built by `setup` (Python defining `raw`) in a fresh interpreter, and report
    its result and memory: the growth of the peak resident size while parsing."""
    code = f"""
import json, resource, sys
from pathlib import Path
from coopgraph.atlas.parser import parse_bytes
SEED = Path({str(REPO / "examples" / "atlas-angouleme-segou.txt")!r}).read_text(encoding='utf-8')
{setup}
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
r = parse_bytes(raw, "big.txt")
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
p = r.partnership
print(json.dumps(dict(size=len(raw), grew=(after - before) * 1024, ok=r.ok, errors=len(r.errors),
      bad=[e.message for e in r.errors if not (e.line and e.message)][:3],
      fundings=len(p.fundings) if p else None, context=bool(p and p.context))))
"""
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return json.loads(p.stdout)


def test_100000_row_funding_table():
    r = _in_child("""
rows = "".join(f"Financeur n°{i} | {i % 90000 + 1} | {i % 3} | 0 | {i % 7} | {2000 + i % 25} |\\n"
               for i in range(100_000))
raw = SEED.replace("Volontaires impliqués", rows + "Volontaires impliqués", 1).encode()
""")
    assert r["ok"] and r["fundings"] == 100_000 + 15, r
    # Memory grows with the records (about 1 KiB per funding row), nowhere near quadratically.
    assert r["grew"] < 60 * r["size"] and r["grew"] < 1 << 30, r


def test_100000_broken_funding_rows_report_each_line():
    r = _in_child("""
rows = "".join(f"Financeur {i} | N/C | 2020 |\\n" for i in range(100_000))
raw = SEED.replace("Volontaires impliqués", rows + "Volontaires impliqués", 1).encode()
""")
    assert not r["ok"] and r["errors"] == 100_000 and not r["bad"], r


@pytest.mark.parametrize(
    "line",
    [
        '"x" * 20_000_000',
        '"| " * 2_000_000',
        '"é" * 5_000_000',
        '"ODD 6.3, " * 1_000_000',
        '"Titre" * 1_000_000',
        '"\\r" * 1_000_000',
    ],
)
def test_huge_lines(line):
    r = _in_child(f"raw = SEED.replace('Contexte\\n', 'Contexte\\n' + {line} + '\\n', 1).encode()")
    assert r["ok"] and not r["bad"], r
    assert r["grew"] < 30 * r["size"], r


@pytest.mark.parametrize("distinct", [2, 3, 50])
def test_long_free_text_with_few_distinct_lines(distinct):
    """Many short lines drawn from a few values: the repeat detector must not go quadratic (or worse)."""
    import random

    rnd = random.Random(distinct)
    block = "\n".join(f"ligne {rnd.randrange(distinct)}" for _ in range(50_000))
    raw = SEED.decode("utf-8").replace("Contexte\n", "Contexte\n" + block + "\n", 1).encode("utf-8")
    r = parse_case(raw, f"50,000 lines of {distinct} values")
    assert r.ok
    assert r.partnership.context


def _reference_dedupe(lines):
    """The definition, written the slow obvious way: at each line, drop the longest block that
    repeats the block just before it, retry; else move on."""
    out, i = list(lines), 0
    while i < len(out):
        for k in range((len(out) - i) // 2, 0, -1):
            if out[i : i + k] == out[i + k : i + 2 * k]:
                del out[i + k : i + 2 * k]
                break
        else:
            i += 1
    return out


@fast(1500)
@given(st.lists(st.sampled_from("abcd"), max_size=16))
def test_repeat_detector_matches_its_definition(lines):
    from coopgraph.atlas.text import dedupe_repeats

    assert dedupe_repeats(lines) == _reference_dedupe(lines)
    CASES["repeat detector vs its definition"] = CASES.get("repeat detector vs its definition", 0) + 1


def test_zz_case_count(capsys):
    """Report how many generated cases ran (for the robustness figures)."""
    with capsys.disabled():
        total = sum(v for k, v in CASES.items() if not k.startswith("accepted"))
        print("\nrobustness cases:", ", ".join(f"{k}: {v}" for k, v in CASES.items()), f"(total {total})")

"""Parameter values crafted to break out of a saved query are bound as RDF terms and change nothing.

For every saved query and every parameter: quotes, braces, '#', IRIs with '>', newlines, escapes,
SPARQL keywords. A value is either refused with a message (exit 2) or becomes one RDF term in the
query's one `VALUES` line, everything else in the text unchanged, the query still a read-only
query with the same result columns.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings, strategies as st
from pyoxigraph import Literal, NamedNode, RdfFormat, Store as OxStore, parse

from coopgraph import queries
from coopgraph.sparql import is_update, uses_service

HOSTILE = [
    'x" } } UNION { ?s ?p ?o } #',
    "x' } } ; DROP ALL #",
    'x" . ?s ?p ?o . FILTER(true) } #',
    "Mali> } SERVICE <http://127.0.0.1:1/> { ?s ?p ?o } #",
    "http://publications.europa.eu/resource/authority/country/MLI> } ?s ?p ?o . #",
    "<http://e/x> } DELETE WHERE { ?s ?p ?o } #",
    '2021" } ?s ?p ?o #',
    "2021 } UNION { ?s ?p ?o",
    "16015 } #",
    '""" } DROP ALL #',
    'x\\" } #',
    "x\n} DROP ALL\n#",
    "x\r\nINSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
    "\\u0022 } DROP ALL #",
    "{ UNDEF }",
    "?s",
    "$p",
    "x#",
    "\x00\x01",
    "a" * 5000,
]

CLI_VALUES = [HOSTILE[i] for i in (0, 1, 3, 6, 9, 11)]

SAVED = queries.load_all()
PARAMS = [(name, p) for name, q in SAVED.items() for p in q.params]
# A collectivité is looked up in a store: those go through the CLI (test_collectivite_lookups_...).
OFFLINE = [(q, p) for q, p in PARAMS if SAVED[q].params[p].type != "collectivite"]


def _projection(text: str) -> list[str]:
    res = OxStore().query(text)
    return [v.value for v in res.variables]


def _check_bound(qname: str, pname: str, value: str) -> str:
    q = SAVED[qname]
    try:
        bound = queries.bind(q, {pname: value}, lookup=None)
    except queries.QueryError as e:
        assert str(e).strip(), "a refusal says why"
        return "refused"
    old, new = q.text.split("\n"), bound.split("\n")  # SPARQL's line ends only (not U+0085)
    assert len(old) == len(new), "binding added or removed lines"
    changed = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
    assert len(changed) == 1, changed
    line = new[changed[0]]
    m = re.fullmatch(r"(\s*)VALUES \?" + re.escape(pname) + r" \{ (.*) \}(.*)", line)
    assert m, line
    # The term written in the line reads back as exactly the term the value was turned into.
    term = queries.to_term(q.params[pname], value)
    back = next(iter(parse(f"<http://e/s> <http://e/p> {m.group(2)} .", format=RdfFormat.N_TRIPLES))).object
    assert back == term, (back, term)
    if isinstance(term, Literal) and q.params[pname].type == "string":
        assert term.value == value  # the string is kept exactly as typed
    if isinstance(term, NamedNode):
        assert ">" not in term.value and " " not in term.value
    assert not is_update(bound) and not uses_service(bound)
    assert _projection(bound) == _projection(q.text)
    return "bound"


@pytest.mark.parametrize("qname,pname", OFFLINE, ids=[f"{q}:{p}" for q, p in OFFLINE])
def test_hostile_values_are_bound_as_terms_or_refused(qname, pname):
    outcomes = {v: _check_bound(qname, pname, v) for v in HOSTILE}
    assert outcomes  # every value either refused with a message or bound as one term


@settings(max_examples=1000, derandomize=True, database=None, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_any_search_text_is_one_literal(text):
    outcome = _check_bound("search-partnerships", "text", text)
    assert outcome == "bound" or not text.strip()


# --- through the CLI, on the real page -----------------------------------------------------------
def test_hostile_values_through_the_cli(seed_cli):
    baseline = {}
    for qname, pname in OFFLINE:
        for value in CLI_VALUES:  # the in-process test above covers all of HOSTILE
            r = seed_cli("query", qname, "-p", f"{pname}={value}", "--format", "json")
            assert r.code in (0, 2), (qname, pname, value, r)
            if r.code == 2:
                assert r.err.startswith("Error: ") and len(r.err.splitlines()) <= 3, r.err
                continue
            rows = r.json["results"]["bindings"]
            kind = SAVED[qname].params[pname].type
            if kind == "string":
                assert rows == [], (qname, value, rows)  # no title contains such text
            elif kind == "country":
                # Country names are read leniently ("Mali> } #" is Mali): the value became the
                # country's IRI, never text in the query; the answer is the one for that country.
                key = (qname, pname)
                if key not in baseline:
                    baseline[key] = seed_cli("query", qname, "-p", f"{pname}=Mali", "--format", "json").json
                assert r.json == baseline[key], (qname, value)
            else:
                raise AssertionError(f"{qname}: {pname}={value!r} accepted as {kind}")
    # Unknown parameter names, however odd, are refused.
    r = seed_cli("query", "search-partnerships", "-p", "text } DROP ALL #=x")
    assert r.code == 2 and "has no parameter" in r.err


def test_collectivite_lookups_resist_injection(seed_cli):
    for value in HOSTILE[:14] + ['Angoulême" } ?c ?p ?o . #', '16015" } UNION { ?c ?p ?o } #']:
        r = seed_cli("query", "partners-of", "-p", f"collectivite={value}", "--format", "json")
        assert r.code == 2 and "Error: " in r.err, (value, r)
    assert seed_cli("query", "partners-of", "-p", "collectivite=16015").code == 0

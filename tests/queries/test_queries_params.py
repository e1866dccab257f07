"""Saved queries are checked when loaded: a parameter's `type` must be one coopgraph binds, and
each parameter needs the `VALUES ?name { ... }` line that binding replaces. In-process."""

from __future__ import annotations

from pathlib import Path

import pytest

from coopgraph import queries
from coopgraph.errors import CoopgraphError, QueryError

GOOD = """#+ summary: Partnerships in a country
#+ params:
#+   country:
#+     type: country
#+     default: Mali
PREFIX cg: <https://w3id.org/coopgraph/ontology#>
SELECT ?p WHERE {
  VALUES ?country { <http://publications.europa.eu/resource/authority/country/MLI> }
  ?p cg:foreignPartner/cg:country ?country .
}
"""


def _folder(tmp_path: Path, **files: str) -> Path:
    for name, text in files.items():
        (tmp_path / f"{name}.rq").write_text(text, encoding="utf-8")
    return tmp_path


def test_every_shipped_query_loads_and_declares_known_types():
    found = queries.load_all()
    assert "sanitation-cofunders" in found
    types = {p.type for q in found.values() for p in q.params.values()}
    assert types and types <= set(queries.TYPES)


def test_a_good_folder_loads(tmp_path):
    found = queries.load_folder(_folder(tmp_path, good=GOOD))
    assert found["good"].params["country"].type == "country"


def test_an_unknown_type_names_the_file_the_parameter_and_the_known_types(tmp_path):
    folder = _folder(tmp_path, good=GOOD, typo=GOOD.replace("type: country", "type: contry"))
    with pytest.raises(QueryError) as info:
        queries.load_folder(folder)
    msg = str(info.value)
    assert "typo.rq" in msg and "'country'" in msg and "'contry'" in msg
    assert all(t in msg for t in queries.TYPES)
    assert isinstance(info.value, CoopgraphError)


def test_a_parameter_without_a_values_line_is_refused(tmp_path):
    folder = _folder(tmp_path, novalues=GOOD.replace("VALUES ?country", "# VALUES ?country"))
    with pytest.raises(QueryError, match=r"novalues\.rq: parameter 'country' has no 'VALUES \?country"):
        queries.load_folder(folder)


def test_a_header_that_is_not_yaml_is_refused(tmp_path):
    folder = _folder(tmp_path, broken=GOOD.replace("#+   country:", "#+   country: [unclosed"))
    with pytest.raises(QueryError, match=r"broken\.rq"):
        queries.load_folder(folder)


def test_untyped_parameters_are_strings(tmp_path):
    text = GOOD.replace("#+     type: country\n", "")
    assert queries.load_folder(_folder(tmp_path, plain=text))["plain"].params["country"].type == "string"

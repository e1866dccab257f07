"""Shared pytest set-up for coopgraph's tests.

* puts this ``tests/`` folder on ``sys.path`` so tests can do
  ``from support.virtuoso import Virtuoso``;
* ``virtuoso``: a session-scoped, started :class:`support.virtuoso.Virtuoso`
  (fresh database in a temporary folder, free 127.0.0.1 ports), stopped at the
  end of the session.  If Virtuoso is not installed the fixture FAILS (it does
  not skip): run ``.ci/install-system-deps.sh``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

TESTS_DIR = Path(__file__).resolve().parent
if str(TESTS_DIR) not in sys.path:
    sys.path.insert(0, str(TESTS_DIR))

from support.virtuoso import Virtuoso, VirtuosoError, virtuoso_binaries  # noqa: E402


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):
    """A running Virtuoso shared by the whole session (use distinct graph IRIs
    per test, or ``virtuoso.clear_graph(iri)``)."""
    missing = None
    try:
        virtuoso_binaries()
    except VirtuosoError as exc:
        missing = str(exc)
    if missing:
        pytest.fail(missing, pytrace=False)
    server = Virtuoso()
    try:
        server.start(tmp_path_factory.mktemp("virtuoso"))
        yield server
    finally:
        server.stop()


# --- the real CLI, as users run it -------------------------------------------------------------
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import subprocess  # noqa: E402
from dataclasses import dataclass  # noqa: E402

REPO = TESTS_DIR.parent
SEED = REPO / "examples" / "atlas-angouleme-segou.txt"
PAGES = TESTS_DIR / "fixtures" / "pages"


def coopgraph_exe() -> str:
    """The console script of the installed package (the tests never import from src/)."""
    exe = Path(sys.executable).with_name("coopgraph")
    if exe.exists():
        return str(exe)
    found = shutil.which("coopgraph")
    assert found, "coopgraph is not installed: run 'make test'"
    return found


@dataclass
class Run:
    code: int
    out: str
    err: str

    @property
    def json(self):
        return json.loads(self.out)


class CLI:
    def __init__(self, store: Path):
        self.store = store

    def __call__(self, *args: str, input: str | None = None, env: dict | None = None, timeout: float = 300) -> Run:
        full_env = {**os.environ, "COOPGRAPH_STORE": str(self.store), **(env or {})}
        p = subprocess.run(
            [coopgraph_exe(), *map(str, args)],
            capture_output=True,
            text=True,
            input=input,
            env=full_env,
            timeout=timeout,
        )
        assert "Traceback" not in p.stderr, p.stderr
        return Run(p.returncode, p.stdout, p.stderr)

    def rows(self, query: str) -> list[dict]:
        r = self("sparql", query, "--format", "json")
        assert r.code == 0, r.err
        return [{k: v["value"] for k, v in b.items()} for b in r.json["results"]["bindings"]]


@pytest.fixture
def cli(tmp_path) -> CLI:
    """A CLI on a fresh, empty store."""
    return CLI(tmp_path / "store")


@pytest.fixture(scope="session")
def seed_cli(tmp_path_factory) -> CLI:
    """A CLI on a store holding the real page only. Tests must not change it."""
    c = CLI(tmp_path_factory.mktemp("seed") / "store")
    r = c("ingest", SEED)
    assert r.code == 0, r.err
    return c


# --- tiers: `make test-fast` leaves out slow, virtuoso, browser and server tests -----------------
# Marked here, by module, so that test files need no edit; markers are registered in pyproject.
_SLOW = {  # many CLI runs each, or synthetic corpora: minutes together
    "test_foundation",
    "test_queries_cli",
    "test_validate_cli",
    "test_validate_engines",
    "test_validate_batch",
    "test_validate_ingest",
    "test_validate_shapes",
    "test_publish_release",
    "test_publish_synthetic",
    "test_publish_personal",
    "test_dump_cache",
    "test_robust_store",
    "test_robust_privacy",
    "test_robust_nonpages",
    "test_robust_sparql",
    "test_robust_injection",
    "test_link_cli_montreuil",
    "test_link_cli_seed",
    "test_link_wikidata",
    "test_robust_endpoint",
    "test_publish_push",
    "test_queries_endpoint",
    "test_export_iati",
    "test_export_tables",
    "test_export_publish",
    "test_link_places",
    "test_search_index",
    "test_result_cache",
    "test_disk_plans",
    "test_derived_themes",
    "test_cli_bad_values",
    "test_trust_messages",
    "test_trust_reingest",
}
_SLOW_TESTS = {  # in-process, but thousands of generated pages
    "test_accepted_pages_round_trip",
    "test_mutated_real_page_never_crashes",
    "test_random_label_soup_never_crashes",
    "test_huge_lines",
    "test_ingest_can_hand_each_problem_over_as_it_is_found",  # two worker processes
    "test_100000_row_funding_table",
    "test_every_module_imports_alone_in_a_fresh_interpreter",  # one interpreter per module
}
_VIRTUOSO = {"test_virtuoso_support"}  # and every test using the `virtuoso` fixture
_BROWSER = {"test_publish_browser", "test_publish_map"}


def pytest_collection_modifyitems(config, items):
    for item in items:
        module = item.path.stem
        if module in _SLOW or item.originalname in _SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
        if module in _VIRTUOSO or "virtuoso" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.virtuoso)
        if module in _BROWSER:
            item.add_marker(pytest.mark.browser)
        if "server" in item.path.parts[-3:-1]:  # tests/server/
            item.add_marker(pytest.mark.server)

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

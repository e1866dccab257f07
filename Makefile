# Two commands set everything up on a fresh machine:
#   make demo   — ingest examples/, validate, print a summary and a saved query's answer
#   make test   — the full test suite (what CI runs) against a normal (non-editable) install,
#                 after the checks (ruff, mypy, the docs build)
#   make test-fast — in-process tests only (no Virtuoso, browser, server or slow CLI runs): < 60 s
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STORE  ?= .coopgraph/demo-store

.PHONY: demo test test-fast check docs cli-reference install bench clean

$(BIN)/coopgraph: pyproject.toml $(shell find src ontology shapes queries -type f 2>/dev/null)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q ".[test,dev,docs]"
	@touch $@

install: $(BIN)/coopgraph

demo: install
	rm -rf $(STORE)
	$(BIN)/coopgraph ingest --store $(STORE) examples/
	$(BIN)/coopgraph validate --store $(STORE)
	$(BIN)/coopgraph stats --store $(STORE)
	$(BIN)/coopgraph query --store $(STORE) sanitation-cofunders -p country=Mali

test: install check
	bash .ci/install-system-deps.sh
	cd tests && ../$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: install
	cd tests && ../$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow and not virtuoso and not browser and not server"

# Lint, types, and the documentation built offline in strict mode (API reference from the docstrings).
check: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/mkdocs build --strict --quiet --site-dir build/site

docs: install
	$(BIN)/mkdocs build --strict --site-dir build/site

# docs/cli.md from the installed command's --help (tests/test_docs.py fails when it is stale).
cli-reference: install
	$(BIN)/python scripts/cli_reference.py > docs/cli.md

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .coopgraph build dist

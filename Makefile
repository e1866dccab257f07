# Two commands set everything up on a fresh machine:
#   make demo   — ingest examples/, validate, print a summary and a saved query's answer
#   make test   — run the test suite against a normal (non-editable) install
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STORE  ?= .coopgraph/demo-store

.PHONY: demo test install bench clean

$(BIN)/coopgraph: pyproject.toml $(shell find src ontology shapes queries -type f 2>/dev/null)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q ".[test]"
	@touch $@

install: $(BIN)/coopgraph

demo: install
	rm -rf $(STORE)
	$(BIN)/coopgraph ingest --store $(STORE) examples/
	$(BIN)/coopgraph validate --store $(STORE)
	$(BIN)/coopgraph stats --store $(STORE)
	$(BIN)/coopgraph query --store $(STORE) sanitation-cofunders -p country=Mali

test: install
	bash .ci/install-system-deps.sh
	cd tests && ../$(BIN)/python -m pytest -q -p no:cacheprovider

bench: install
	$(BIN)/python benchmarks/run.py

clean:
	rm -rf $(VENV) .coopgraph build dist

# Two commands on a fresh machine: `make demo` and `make test`.
# Both create .venv with the interpreter's own venv module and install into it.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev
BENCH_STAMP := $(VENV)/.installed-bench

.PHONY: test lint typecheck pytest docs docs-cli demo bench clean schema

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

$(BENCH_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	touch $@

lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools examples
	$(BIN)/ruff format --check src tests bench tools examples

typecheck: $(STAMP)
	$(BIN)/mypy
	$(BIN)/mypy --strict tests/typing
	$(BIN)/mypy --strict examples

pytest: $(STAMP)
	$(BIN)/pytest

# The documentation site, into site/; any warning is an error.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --quiet

# Rewrite docs/cli.md with what each shown command prints now.
docs-cli: $(STAMP)
	$(BIN)/python tools/cli_docs.py --write

# Rewrite both copies of the catalog schema from the model (tests/test_wire.py fails when stale)
# and of the snapshot schema from the fold's types (tests/test_snapshot.py fails when stale).
schema: $(STAMP)
	$(BIN)/python -m stretchkit.io._wire
	$(BIN)/python -c 'from stretchkit.engine._snapshot import dumps_schema; print(dumps_schema(), end="")' > schemas/snapshot.schema.json
	cp schemas/snapshot.schema.json src/stretchkit/schemas/snapshot.schema.json

test: lint typecheck docs pytest

demo: $(STAMP)
	$(BIN)/stretchkit demo

bench: $(BENCH_STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) site .mypy_cache .pytest_cache .ruff_cache .hypothesis

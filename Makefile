# Two commands for a newcomer: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-dev

.PHONY: demo test lint typecheck unit bench docs serve clean venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[dev,server,docs,report,dask,annex-a,durable]'
	touch $(STAMP)

venv: $(STAMP)

demo: $(STAMP)
	$(BIN)/wtguidance evaluate examples/cases/s17-met.json --as-of 2024-03-01 --format table

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	$(BIN)/mypy --strict src

# make installs the durable extra, so its differential tests must run, not skip (< 3.13)
unit: $(STAMP)
	WTGUIDANCE_REQUIRE_DURABLE=1 $(BIN)/python -m pytest -q

test: lint typecheck unit

bench: $(STAMP)
	-$(BIN)/python -m pip install --quiet -e '.[bench]'  # the peers; the bench names any missing
	$(BIN)/python bench/run.py
	$(BIN)/python bench/engines.py

# regenerate every generated page and schema, then build the site into site/ (warnings fail)
docs: $(STAMP)
	$(BIN)/python -m wtguidance._generate
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

serve: $(STAMP)
	$(BIN)/wtguidance serve

clean:
	rm -rf $(VENV) build dist site .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Two commands for a newcomer: `make demo` and `make test`.
#   make demo    installs only what the demo and the README's commands run (no compiler needed)
#   make test    installs everything, the durable engine included, and runs lint, types, tests
#   make matrix  runs the test suite on every CPython 3.10-3.13 found (pyenv or PATH)
#   make dist    builds the wheel and sdist into dist/ and checks them with twine
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# what `make demo` installs: the CLI, `serve`, HTML charts and Annex A workbooks
DEMO_EXTRAS := server,report,annex-a
# what `make test` installs: every extra (durable_rules builds from source with a C compiler)
TEST_EXTRAS := dev,server,docs,report,dask,annex-a,durable
DEMO_STAMP := $(VENV)/.installed-demo
STAMP := $(VENV)/.installed-dev
MATRIX_VERSIONS ?= 3.10 3.11 3.12 3.13
MATRIX_DIR ?= .venv-matrix
# e.g. make matrix PYTEST_ARGS='tests/engine/test_engines.py -x'
PYTEST_ARGS ?=

.PHONY: demo test lint typecheck unit bench docs serve clean venv matrix dist

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(DEMO_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[$(DEMO_EXTRAS)]'
	touch $(DEMO_STAMP)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[$(TEST_EXTRAS)]'
	touch $(STAMP) $(DEMO_STAMP)

venv: $(STAMP)

demo: $(DEMO_STAMP)
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

# one venv per CPython found, each with every extra (durable only below 3.13, by its marker)
matrix:
	@found=0; failed=""; \
	for version in $(MATRIX_VERSIONS); do \
	  python=$$(.ci/find-python $$version) || { echo "matrix: CPython $$version not found; skipped"; continue; }; \
	  found=$$((found + 1)); venv=$(MATRIX_DIR)/$$version; \
	  echo "matrix: CPython $$version ($$python) in $$venv"; \
	  { [ -x $$venv/bin/python ] || $$python -m venv $$venv; } && \
	  $$venv/bin/python -m pip install --quiet --upgrade pip && \
	  $$venv/bin/python -m pip install --quiet -e '.[$(TEST_EXTRAS)]' && \
	  WTGUIDANCE_REQUIRE_DURABLE=1 $$venv/bin/python -m pytest -q -p no:cacheprovider $(PYTEST_ARGS) \
	    || failed="$$failed $$version"; \
	done; \
	[ $$found -gt 0 ] || { echo "matrix: no CPython 3.10-3.13 found"; exit 1; }; \
	[ -z "$$failed" ] || { echo "matrix: failed on$$failed"; exit 1; }; \
	echo "matrix: passed on $$found interpreter(s)"

dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/python -m twine check --strict dist/*

bench: $(STAMP)
	-$(BIN)/python -m pip install --quiet -e '.[bench]'  # the peers; the bench names any missing
	$(BIN)/python bench/run.py
	$(BIN)/python bench/engines.py

# regenerate every generated page and schema, then build the site into site/ (warnings fail)
docs: $(STAMP)
	$(BIN)/python -m wtguidance._generate
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict --site-dir site

serve: $(DEMO_STAMP)
	$(BIN)/wtguidance serve

clean:
	rm -rf $(VENV) $(MATRIX_DIR) build dist site .pytest_cache .mypy_cache .ruff_cache .hypothesis

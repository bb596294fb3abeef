# Two commands on a fresh machine with Python 3.11: `make build` and `make test`.
# Both create the virtual environment .venv on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
SQL_PATHS ?= models tests macros analyses
BIN := $(VENV)/bin
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export DBT_SEND_ANONYMOUS_USAGE_STATS := false

.PHONY: build build-incremental test install lint docs seeds-demo clean

$(BIN)/dbt: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(BIN)/dbt

install: $(BIN)/dbt

## Build the whole warehouse on the embedded DuckDB default (warehouse/crm.duckdb).
build: install
	$(BIN)/python -m crmwh.build

## Incremental build: starts from a copy of the served warehouse, recomputes only the event rows
## that are new (see README, "Incremental builds"); `make build` is the full refresh.
build-incremental: install
	$(BIN)/python -m crmwh.build --incremental

## Run every test: pytest (generator, oracle, dbt build on DuckDB and PostgreSQL, docs, lint), on
## TEST_WORKERS pytest-xdist workers; the groups of tests that share a build stay on one worker
## (tests/python/conftest.py). `make test TEST_WORKERS=0` runs them in one process.
TEST_WORKERS ?= 2
test: install
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadgroup

## Lint Python and SQL. The sqlfluff dbt templater opens the DuckDB target: it gets a scratch file,
## so lint works on a fresh clone (no warehouse/) and never touches the served database.
lint: install
	$(BIN)/ruff check scripts tests/python
	$(BIN)/ruff format --check scripts tests/python
	scratch=$$(mktemp -d) && trap 'rm -rf "$$scratch"' EXIT && \
		CRM_TARGET=duckdb CRM_DUCKDB_PATH="$$scratch/lint.duckdb" $(BIN)/sqlfluff lint $(SQL_PATHS)

docs: install
	$(BIN)/dbt docs generate

## Regenerate the committed demo exports in seeds/raw (deterministic).
seeds-demo: install
	$(BIN)/python -m crmwh.generate --tier demo --seed 42 --out seeds/raw

clean:
	rm -rf target logs warehouse

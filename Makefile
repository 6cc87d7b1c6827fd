# Zhijian — the two commands a newcomer needs: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres

.PHONY: demo demo-reset install install-test test test-sqlite test-postgres lint bench bench-smoke run clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

## make demo: install, create the SQLite database, load synthetic Ningbo, start web + worker.
demo: install
	@ZHIJIAN_MODE=demo ./scripts/demo.sh "$(HOST)" "$(PORT)"

## make demo-reset: throw the demo database away and start again.
demo-reset:
	rm -rf var/
	$(MAKE) demo

## make test: the whole suite; PostgreSQL when reachable, else SQLite. CI runs both.
test: install-test
	@./scripts/test.sh

test-sqlite: install-test
	@ZHIJIAN_TEST_DB=sqlite ./scripts/test.sh

test-postgres: install-test
	@ZHIJIAN_TEST_DB=postgres ./scripts/test.sh

lint: install-test
	$(BIN)/lint-imports
	$(BIN)/ruff check .
	$(BIN)/ruff format --check src tests bench
	ZHIJIAN_MODE=test $(BIN)/mypy
	ZHIJIAN_MODE=test $(BIN)/zhijian makemigrations --check --dry-run

## make bench: benchmarks against PostgreSQL; figures go to bench/RESULTS.md.
bench: install-test
	@./bench/run.sh

## make bench-smoke: every benchmark end to end at a small scale (seconds each); CI runs it.
bench-smoke: install-test
	@PYTHONPATH=$(CURDIR)/src $(BIN)/python bench/smoke.py

clean:
	rm -rf $(VENV) var/

# PlainSight — the README's commands. Everything a fresh machine needs (beyond Python
# 3.12+ and make) is installed from this repository's own files.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# First interpreter >= 3.12 that actually runs (a pyenv shim may exist but fail).
PYTHON ?= $(shell for p in python3.13 python3.12 python3 /root/.pyenv/versions/3.13*/bin/python3.13 /usr/local/bin/python3.13 /usr/bin/python3.13; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
HOST ?= 127.0.0.1
PORT ?= 8000
DATABASE_URL_POSTGRES ?= postgres://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?=

.PHONY: help run setup test test-postgres test-e2e lint bench messages lock clean

help:
	@echo "make run            set up everything and serve on http://$(HOST):$(PORT)/"
	@echo "make test           whole test suite on SQLite"
	@echo "make test-postgres  same suite on PostgreSQL (DATABASE_URL_POSTGRES)"
	@echo "make lint           ruff + mypy"
	@echo "make bench          benchmarks (print numbers)"

$(VENV)/.installed: requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.12+ is required (python3.13 or python3.12)"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	touch $@

# Compiled catalogues are build products (git-ignored); rebuild when a .po changes.
locale/es/LC_MESSAGES/django.mo: locale/es/LC_MESSAGES/django.po $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore=.venv -v 0

setup: $(VENV)/.installed locale/es/LC_MESSAGES/django.mo

run: setup
	@$(PY) manage.py prepare_embedded
	@HOST=$(HOST) PORT=$(PORT) $(PY) manage.py serve_embedded

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-$(DATABASE_URL_POSTGRES)} $(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy .

BENCH_SERVICES ?= 100000
bench: setup
	$(PY) -m bench
	$(PY) -m bench.directory_search --services $(BENCH_SERVICES) --db sqlite
	$(PY) -m bench.directory_search --services $(BENCH_SERVICES) --db postgres
	$(PY) -m bench.directory_api --services $(BENCH_SERVICES) --db sqlite
	$(PY) -m bench.directory_api --services $(BENCH_SERVICES) --db postgres

# Developer helpers (not needed to run or test).
messages: setup
	$(PY) manage.py makemessages -l es --ignore=.venv --ignore=bench --ignore=tests --no-obsolete --add-location=file

lock: setup
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.12 --universal -o requirements.lock

clean:
	rm -rf $(VENV) var staticfiles locale/*/LC_MESSAGES/*.mo

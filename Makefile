# casetracker — the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint fmt migrations-check install run bench clean deploy-check

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $(STAMP)

install: $(STAMP)

## demo: venv + install + migrate SQLite + seed data + demo admin, then the app and the reminder loop
demo: $(STAMP)
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_seeds
	$(PY) manage.py create_demo_admin
	$(PY) manage.py rundemo

## test: lint, migration check and the whole test suite (SQLite unless DATABASE_URL is set)
test: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest -q $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: $(STAMP)
	$(PY) manage.py makemigrations --check --dry-run

## deploy-check: Django's deploy check with .env.production.example (fresh throw-away secrets)
deploy-check: $(STAMP)
	$(PY) -m casetracker.deploy_check

clean:
	rm -rf $(VENV) var/*.sqlite3 staticfiles .pytest_cache

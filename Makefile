# casetracker — the two set-up commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# The browser test (tests/browser) drives Debian's chromium. A laptop without chromium runs
# everything else and says so; CI sets REQUIRE_BROWSER=1 (and installs chromium), so there
# a missing browser is a failure, never a silent gap.
BROWSER_ARGS := $(if $(or $(REQUIRE_BROWSER),$(shell command -v chromium)),,-m "not browser")

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
	@if [ -n '$(BROWSER_ARGS)' ]; then echo "NOTE: chromium not found, so the browser test is not run here (apt-get install chromium; CI runs it)."; fi
	$(PY) -m pytest -q $(BROWSER_ARGS) $(PYTEST_ARGS)

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

## bench: PostgreSQL benchmark at 100,000 cases (BENCH_CASES, BENCH_EVENTS, BENCH_REPEAT, BENCH_HEAVY_REPEAT override)
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/casetracker_bench
BENCH_CASES ?= 100000
BENCH_EVENTS ?= 10
BENCH_REPEAT ?= 50
BENCH_HEAVY_REPEAT ?= 3
bench: $(STAMP)
	@export DATABASE_URL="$${DATABASE_URL:-$(BENCH_DATABASE_URL)}"; \
	case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "make bench needs DATABASE_URL=postgres://... (got $$DATABASE_URL)"; exit 2;; esac; \
	db="$${DATABASE_URL##*/}"; server="$${DATABASE_URL%/*}/postgres"; \
	$(PY) -c "import psycopg,sys; c=psycopg.connect(sys.argv[1], autocommit=True); \
	c.execute('SELECT 1 FROM pg_database WHERE datname=%s', [sys.argv[2]]).fetchone() or \
	c.execute('CREATE DATABASE \"%s\"' % sys.argv[2])" "$$server" "$$db" && \
	$(PY) manage.py migrate --no-input -v0 && \
	( $(PY) manage.py shell -c "from cases.models import Case; import sys; \
	  sys.exit(0 if Case.objects.filter(reference__startswith='SYN-').exists() else 1)" \
	  || $(PY) manage.py generate_scale_data --cases $(BENCH_CASES) --events-per-case $(BENCH_EVENTS) --seed 1 ) && \
	$(PY) manage.py bench --repeat $(BENCH_REPEAT) --heavy-repeat $(BENCH_HEAVY_REPEAT) --out var/bench-results.json

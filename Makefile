# Two commands for a newcomer: `make run` and `make test`. See README.md.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test test-all e2e lint demo migrate messages check-messages clean bench bench-load prod prod-setup

$(BIN)/activate:
	@PYTHON_BIN=$$(scripts/find-python) && echo "Using $$PYTHON_BIN" && $$PYTHON_BIN -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/activate
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

var:
	@mkdir -p var

migrate: $(VENV)/.installed | var
	$(PY) manage.py migrate --noinput -v0

demo: migrate
	$(PY) manage.py load_demo

# Development server and background worker; Ctrl+C stops both.
run: demo
	@echo "Web: http://$(HOST):$(PORT)/  (worker running in the background)"
	@export DEBUG=1; \
	$(PY) manage.py run_worker & WORKER=$$!; \
	trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# Production on one machine (for operators; docs/deploy.md): PostgreSQL from DATABASE_URL, the
# production settings (DJANGO_ENV=production, SECRET_KEY, ALLOWED_HOSTS), migrations, the cache
# table and static files on start, then gunicorn and the worker; Ctrl+C stops both. On several
# machines, systemd runs the same steps (deploy/).
WORKERS ?= 3
THREADS ?= 8
prod-setup: $(VENV)/.installed | var
	@[ "$$DJANGO_ENV" = production ] || { echo "make prod: set DJANGO_ENV=production (see docs/deploy.md)"; exit 1; }
	@[[ "$$DATABASE_URL" == postgres* ]] || { echo "make prod: set DATABASE_URL=postgres://... (see docs/deploy.md)"; exit 1; }
	$(PY) manage.py check --deploy --fail-level WARNING
	$(PY) manage.py migrate --noinput
	$(PY) manage.py createcachetable
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) manage.py load_reference_data

prod: prod-setup
	@$(PY) manage.py run_worker & WORKER=$$!; \
	trap "kill $$WORKER 2>/dev/null" EXIT INT TERM; \
	$(BIN)/gunicorn config.wsgi --workers $(WORKERS) --threads $(THREADS) --bind $(HOST):$(PORT) \
		--access-logfile - --forwarded-allow-ips "$${FORWARDED_ALLOW_IPS:-127.0.0.1}"

# The fast suite: every test but the browser ones and those marked slow (the fuzzers, the hypothesis
# property runs, the full access matrix). Set DATABASE_URL=postgres://... to run it on PostgreSQL.
test: $(VENV)/.installed
	$(BIN)/pytest -m "not e2e and not slow" -n 2 -q

# Every test but the browser ones, slow ones included (CI runs it on SQLite and on PostgreSQL).
test-all: $(VENV)/.installed
	$(BIN)/pytest -m "not e2e" -n 2 -q

# Browser tests: Playwright driving Debian's Chromium.
e2e: $(VENV)/.installed
	@command -v chromium >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	$(BIN)/pytest -m e2e -q -p no:xdist

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache --no-logo

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l vi --no-obsolete --no-location --ignore=.venv --ignore=var --ignore=bench --ignore=tests
	$(PY) manage.py compilemessages -l vi --ignore=.venv

check-messages: $(VENV)/.installed
	scripts/check-translations

bench: $(VENV)/.installed
	$(PY) bench/plan_dashboard.py
	$(PY) bench/par_scoring.py
	$(PY) bench/dossiers.py
	$(PY) bench/reports.py
	$(PY) bench/plan_import.py
	$(PY) bench/sipas_disclosure.py
	$(PY) bench/login.py

# The public survey and the portal under load: gunicorn on PostgreSQL (DATABASE_URL names the server; the script
# creates and drops its own database). The fault test starts a PostgreSQL server of its own (initdb, pg_ctl).
bench-load: $(VENV)/.installed
	$(PY) bench/survey_load.py
	$(PY) bench/portal.py
	$(PY) bench/faults.py

clean:
	rm -rf var/db.sqlite3* var/test*.sqlite3* var/media var/imports

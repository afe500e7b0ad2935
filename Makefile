# The two commands: `make run` (quick start) and `make test` (whole suite).
SHELL := /bin/bash
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The issuer of quick-start tokens is where the server listens (unless set explicitly).
QUICKSTART := IDV_QUICKSTART=1 IDV_BASE_URL=$${IDV_BASE_URL:-http://$(HOST):$(PORT)}

.PHONY: run quickstart up test check lint types migrations-check deadcode worker beat clean

## Quick start: SQLite, tasks and the periodic schedule in-process, demo GeoIP data and demo people, on http://$(HOST):$(PORT)
run:
	@scripts/venv.sh requirements.txt
	@$(MAKE) --no-print-directory quickstart

## The quick start without the install step (its own target so a test can run it as is).
quickstart:
	@$(QUICKSTART) $(PY) -m idverify.quickstart
	@$(QUICKSTART) $(PY) manage.py prepare_quickstart
	@echo "Serving on http://$(HOST):$(PORT)/  (API docs: http://$(HOST):$(PORT)/api/v1/docs/)"
	@echo "Commands in this checkout use the quick start's settings: .venv/bin/python manage.py help"
	@$(QUICKSTART) exec .venv/bin/gunicorn idverify.wsgi:application \
	    -c idverify/gunicorn_config.py \
	    --bind $(HOST):$(PORT) --workers 2 --threads 4 --log-level warning

## The whole test suite against PostgreSQL (installs what it needs). ARGS are passed to pytest.
test:
	@scripts/test.sh $(ARGS)

## Quality gates: lint, format, types, migrations, dead code.
check: lint types migrations-check deadcode

lint:
	@scripts/venv.sh requirements-dev.txt
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

types:
	@scripts/venv.sh requirements-dev.txt
	$(QUICKSTART) IDV_VAR_DIR=$$(mktemp -d) .venv/bin/mypy .

migrations-check:
	@scripts/venv.sh requirements-dev.txt
	$(QUICKSTART) IDV_VAR_DIR=$$(mktemp -d) $(PY) manage.py makemigrations --check --dry-run

## Unused functions, classes, methods and imports (vulture; allow-list in scripts/deadcode_allowlist.py).
deadcode:
	@scripts/venv.sh requirements-dev.txt
	$(PY) scripts/deadcode.py

## Production shape on this host: the release step, then WEB_NODES web nodes (ports 5000,
## 5001, ...), a Celery worker and beat, from the Procfile, against the PostgreSQL, Redis or
## RabbitMQ named in the environment (README: Production shape).
WEB_NODES ?= 2
up:
	@WEB_NODES=$(WEB_NODES) scripts/up.sh

## Production-shaped processes one by one (need CELERY_BROKER_URL etc., see README).
worker:
	$(PY) -m celery -A idverify worker --loglevel INFO
beat:
	$(PY) -m celery -A idverify beat --loglevel INFO

clean:
	rm -rf .venv var staticfiles node_modules .pytest_cache .mypy_cache .ruff_cache

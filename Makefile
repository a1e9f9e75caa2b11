# The two commands a newcomer needs: `make run` and `make test` (see README.md).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
STAMP := $(VENV)/.installed-$(shell cat requirements.lock | cksum | cut -d' ' -f1)

.PHONY: install run test screenshots lint migrations-check backup loadtest clean

$(STAMP): requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is required")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $@

install: $(STAMP)

## Run the app on SQLite (or DATABASE_URL) with the article data, on http://127.0.0.1:8000, with a
## background-job worker beside the server (imports, exports, recomputations); Ctrl+C stops both
run: export DJANGO_DEBUG ?= 1
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py loaddata article
	$(PY) manage.py ensure_local_staff
	$(PY) manage.py run_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

## Run the whole test suite (installs Debian's Chromium for the browser tests if missing), one
## process per core (pytest-xdist); `make test PYTEST_ARGS=` runs it in one process
PYTEST_ARGS ?= -n auto
test: install
	bin/ensure-chromium
	$(BIN)/pytest $(PYTEST_ARGS)

## Retake the staff-guide screenshots (docs/images/staff-guide/) with the browser tests
screenshots: install
	bin/ensure-chromium
	STAFF_GUIDE_SCREENSHOTS=docs/images/staff-guide $(BIN)/pytest tests/browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

migrations-check: export DJANGO_DEBUG ?= 1
migrations-check: install
	$(PY) manage.py makemigrations --check --dry-run

## Write a backup of the database (DATABASE_URL or db.sqlite3) to backups/jining-DATE-TIME.jsonl.gz (docs/reliability.md)
backup: install
	mkdir -p -m 700 backups
	$(PY) manage.py backup backups/jining-$$(date +%Y%m%d-%H%M%S).jsonl.gz

## Load-test the partner API on the local PostgreSQL: 16 connections, 60 s (bench/load.py, docs/reliability.md)
loadtest: install
	$(PY) bench/load.py $(LOAD_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache .ruff_cache

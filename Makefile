# make install: what the app and its tests need, into .venv/ and node_modules/ of this checkout.
# make run:     install if needed, set up the SQLite database with the demo network, serve.
# make test:    install if needed, ruff, every test on SQLite, and on PostgreSQL when reachable.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app webapp
PG_URL ?= postgresql://postgres@127.0.0.1:5432/postgres
MO := webapp/translations/th/LC_MESSAGES/messages.mo

.PHONY: install run test test-sqlite test-postgres lint translations extract-messages bench serve clean

install: $(VENV)/.installed node_modules/.package-lock.json webapp/static/vendor/htmx.min.js $(MO)

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

webapp/static/vendor/htmx.min.js: node_modules/.package-lock.json
	mkdir -p webapp/static/vendor
	cp node_modules/htmx.org/dist/htmx.min.js $@

$(MO): webapp/translations/th/LC_MESSAGES/messages.po $(VENV)/.installed
	$(VENV)/bin/pybabel compile --statistics -d webapp/translations

# Refresh the catalog after changing texts: extract, merge, then translate the new entries.
extract-messages: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k lazy_gettext -k _l -o webapp/translations/messages.pot .
	$(VENV)/bin/pybabel update -i webapp/translations/messages.pot -d webapp/translations -l th --width 100

run: install
	$(FLASK) init-db
	@mkdir -p instance
	@if [ ! -s instance/demo-accounts.json ]; then \
		$(FLASK) demo > instance/demo-accounts.json.tmp && mv instance/demo-accounts.json.tmp instance/demo-accounts.json; fi
	@$(PY) -m webapp.demo_accounts instance/demo-accounts.json
	$(FLASK) run --host 127.0.0.1 --port 5000

lint: install
	$(VENV)/bin/ruff check .

test: install lint test-sqlite test-postgres

test-sqlite: install
	SAJJA_TEST_DB=sqlite $(PY) -m pytest -q

# PostgreSQL runs the whole suite again, browser tests included; CI sets SAJJA_REQUIRE_POSTGRES=1.
test-postgres: install
	@if $(PY) -c "import psycopg2,sys; psycopg2.connect('$(PG_URL)', connect_timeout=3)" 2>/dev/null; then \
		SAJJA_TEST_DB=postgresql TEST_POSTGRES_URL=$(PG_URL) $(PY) -m pytest -q; \
	elif [ "$$SAJJA_REQUIRE_POSTGRES" = "1" ]; then \
		echo "PostgreSQL is required but not reachable at $(PG_URL)"; exit 1; \
	else echo "PostgreSQL not reachable at $(PG_URL): skipped the PostgreSQL run"; fi

# The scale benchmark (see bench/__main__.py): SIZE=S|M|L, DATABASE=sqlite|postgresql|URL.
SIZE ?= S
DATABASE ?= sqlite
bench: install
	$(PY) -m bench --size $(SIZE) --database $(DATABASE)

# Production serving: gunicorn with gunicorn.conf.py (see the README, "Serving").
serve: install
	$(FLASK) init-db
	$(VENV)/bin/gunicorn --config gunicorn.conf.py

clean:
	rm -rf $(VENV) node_modules webapp/static/vendor $(MO)

# Two commands a new user needs: `make run` and `make test`. Everything else supports them.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
FLASK := $(BIN)/flask --app app

# `make run` is the production server (gunicorn, gunicorn.conf.py); `make dev` the debugger.
.PHONY: run dev prepare test lint translations messages install install-dev bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed ($(PYTHON) not found); set PYTHON=..."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

translations: $(VENV)/.installed
	$(BIN)/pybabel compile --use-fuzzy -d translations 2>/dev/null

# After changing user-facing strings: extract them and merge into the English catalogue.
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _l -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

prepare: install translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

# The notification worker runs beside the server, so queued messages go out (SMS into
# instance/sms.log by default); both stop together (Ctrl-C, or a signal to make).
run: prepare
	$(FLASK) worker & W=$$!; PORT=$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py "app:create_app()" & G=$$!; \
	trap 'kill $$W $$G 2>/dev/null' INT TERM EXIT; wait $$G

dev: prepare
	$(FLASK) run --debug --port $(PORT)

test: install-dev translations
	$(BIN)/ruff check app tests bench
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -q $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check app tests bench
	$(BIN)/lint-imports --no-cache

# The server benchmark (bare Flask, the app's floor, tracking, submissions), then 100 users of
# mixed traffic (Locust); both on SQLite. bench/*.py --help for PostgreSQL and the others.
bench: install-dev translations
	$(BIN)/python bench/server.py
	$(BIN)/python bench/load.py --only sqlite

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

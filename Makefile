# Mosaic: `make run` starts everything locally; `make test` runs lint, types and the whole suite.
# Both set up what they need first (virtualenv, packages, database, Chromium for browser tests).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
UV_VERSION := 0.13.8
# pytest-xdist processes for `make pytest`; PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= 3
export PORT

.PHONY: run test lint types pytest bench setup install migrate lock messages clean browser dns ffmpeg caddy

# honcho (Procfile.dev) gives each process its own PORT (web: PORT, worker: PORT+100, ...);
# SITE_URL keeps links in emails sent by the worker pointing at the web server.
run: setup
	@echo ""
	@echo "  Mosaic is starting at http://127.0.0.1:$(PORT)/"
	@echo "  Emails land in the outbox: http://127.0.0.1:$(PORT)/dev/outbox/"
	@echo "  One Ctrl-C stops the web server, the task worker and the scheduler."
	@echo ""
	@SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" exec $(BIN)/honcho -f Procfile.dev start

test: install browser dns ffmpeg caddy lint types pytest

setup: install ffmpeg migrate

install: $(VENV)/.installed

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync -q --python $(BIN)/python requirements.lock
	$(BIN)/uv pip install -q --python $(BIN)/python --no-deps -e .
	@touch $@

migrate: install
	@mkdir -p "$${MOSAIC_VAR_DIR:-var}"
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py createcachetable -v0

browser:
	@scripts/ensure-chromium

dns:
	@scripts/ensure-dnsmasq

caddy:
	@scripts/ensure-caddy

ffmpeg:
	@scripts/ensure-ffmpeg

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

types: install
	$(BIN)/mypy .

pytest: install
	@mkdir -p var
	$(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

bench: setup
	$(BIN)/python -m bench

# Re-pin every dependency after editing pyproject.toml.
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 -q -o requirements.lock

# Russian translations: edit mosaic/locale/ru/LC_MESSAGES/django.po, then `make messages`.
messages: install
	$(BIN)/python manage.py makemessages -l ru --no-obsolete -i ".venv/*" -i "var/*" -i conftest.py
	$(BIN)/python manage.py compilemessages -l ru -i .venv

clean:
	rm -rf $(VENV) var

# AI Gallery. `make run` starts the product; `make test` runs lint and the whole suite.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000

# Django 6 needs Python 3.12 or newer; the first suitable interpreter wins.
FIND_PYTHON = for p in python3.14 python3.13 python3.12 $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 \
	/usr/local/bin/python3.1[2-9] python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; \
	then command -v $$p; exit 0; fi; done; exit 1

.PHONY: run test lint format migrate demo-data worker bench system-deps clean help

help:
	@echo "make run     - install, migrate, create demo data, start web + worker on http://$(HOST):$(PORT)"
	@echo "make test    - install test tools, lint, run the whole test suite (browser tests included)"
	@echo "make lint    - ruff check and ruff format --check"
	@echo "make format  - ruff format and ruff check --fix"

$(PY):
	@python=$$($(FIND_PYTHON)) || { echo "No Python 3.12+ found: install Python 3.12 or newer (for example 'pyenv install 3.12' or your system's python3.12 package) and run make again." >&2; exit 1; }; \
	echo "Creating $(VENV) with $$python"; "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.runtime

migrate: $(VENV)/.runtime
	$(PY) manage.py migrate --no-input

demo-data: migrate
	$(PY) manage.py ensure_demo_data

run: demo-data
	@echo "AI Gallery on http://$(HOST):$(PORT)/ (Ctrl+C stops the web server and the worker)"
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" HOST=$(HOST) PORT=$(PORT) SITE_URL="$${SITE_URL:-http://$(HOST):$(PORT)}" $(VENV)/bin/honcho start -f Procfile

worker: $(VENV)/.runtime
	$(PY) manage.py task_worker "*"

# Browser tests drive Debian's Chromium (never a downloaded browser); the stack test runs
# Debian's Nginx and validates docker-compose.yml with Debian's docker-compose (no engine
# needed); receipt PDFs print Hangul with Nanum Gothic. Installed when missing and this machine
# can (root or sudo, apt). Each entry is package:a-file-it-installs.
SYSTEM_PACKAGES = chromium:/usr/bin/chromium nginx:/usr/sbin/nginx docker-compose:/usr/bin/docker-compose \
	fonts-nanum:/usr/share/fonts/truetype/nanum/NanumGothic.ttf
system-deps:
	@missing=""; for entry in $(SYSTEM_PACKAGES); do \
		[ -e "$${entry#*:}" ] || missing="$$missing $${entry%%:*}"; done; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then sudo=""; \
		elif command -v sudo >/dev/null && sudo -n true 2>/dev/null && command -v apt-get >/dev/null; then sudo="sudo"; \
		else echo "Missing system packages:$$missing. Install them (Debian: apt-get install$$missing) for the browser, stack and receipt tests."; exit 0; fi; \
		echo "Installing$$missing for the browser, stack and receipt tests"; \
		$$sudo apt-get update -qq && $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(VENV)/.dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: $(VENV)/.dev system-deps lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(PY) bench/pages.py
	$(PY) bench/nginx_pages.py
	$(PY) bench/generation.py
	$(PY) bench/image_weight.py

clean:
	rm -rf $(VENV) staticfiles .pytest_cache test_db.sqlite3*

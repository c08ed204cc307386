# LMIS developer commands. `make help` lists them.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export LMIS_DATA_DIR ?= $(CURDIR)/var
# Test workers: one a core (on 2 cores a third worker measured no faster: 24 min 44 s against 24 min 20 s).
TEST_WORKERS ?= auto

.DEFAULT_GOAL := help
.PHONY: help run init serve test check lint format typecheck imports bench bench-search bench-recommend bench-forecast bench-analytics i18n-extract i18n-update clean

help: ## List the targets
	@grep -E '^[a-zA-Z0-9_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-14s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "LMIS needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

run: $(VENV)/.installed ## Set up everything and serve the portal and API on http://127.0.0.1:8000
	$(BIN)/lmis init
	$(BIN)/lmis serve

init: $(VENV)/.installed ## Create the database in LMIS_DATA_DIR and import the shipped taxonomy
	$(BIN)/lmis init

serve: $(VENV)/.installed ## Serve the portal and API (after `make init`)
	$(BIN)/lmis serve

test: $(VENV)/.installed-test ## Run the whole test suite on parallel workers (PostgreSQL too when LMIS_TEST_DATABASE_URL is set)
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadscope --cov --cov-report=term -q

lint: $(VENV)/.installed-test ## Format check, lint, strict types and layering contracts
	$(BIN)/ruff format --check src tests bench
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

check: lint test ## Everything CI checks: lint, types, layering and tests with the coverage floor

format: $(VENV)/.installed-test ## Format the code and fix what ruff can fix
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

typecheck: $(VENV)/.installed-test ## mypy --strict on src/
	$(BIN)/mypy

imports: $(VENV)/.installed-test ## Check the layering contracts (import-linter)
	$(BIN)/lint-imports

bench: $(VENV)/.installed-test ## Run the benchmarks (not tests): taxonomy import and look-up times
	$(BIN)/python -m bench.taxonomy_import
	$(BIN)/python -m bench.taxonomy_search

bench-search: $(VENV)/.installed-test ## Search at 1M postings: tantivy vs PostgreSQL vs SQLite FTS5, then end to end over HTTP
	$(BIN)/python -m bench.search --docs 1000000 --hybrid --json bench/results/search-1000000.json
	$(BIN)/python -m bench.search_http --docs 1000000 --json bench/results/search-http-1000000.json

bench-recommend: $(VENV)/.installed-test ## The Work at 1M postings: jobs for one jobseeker (median, p95) and the nightly batch
	@mkdir -p bench/results
	$(BIN)/python -m bench.recommend --postings 1000000 --json bench/results/recommend-1000000.json

bench-analytics: $(VENV)/.installed-test ## Dashboard queries over 10M postings (median, p95) and the refresh after a day of 50,000
	@mkdir -p bench/results
	$(BIN)/python -m bench.analytics --postings 10000000 --json bench/results/analytics-10000000.json

bench-forecast: $(VENV)/.installed-test ## Forecast 10,000 monthly series 12 months ahead on 2 processes, beside seasonal naive
	@mkdir -p bench/results
	$(BIN)/python -m bench.forecast --series 10000 --horizon 12 --jobs 2 --json bench/results/forecast-10000.json

i18n-extract: $(VENV)/.installed-test ## Extract portal strings into messages.pot
	$(BIN)/pybabel extract -F babel.cfg --project=LMIS --version=0.1.0 --copyright-holder="LMIS contributors" \
		-o src/lmis/web/portal/locales/messages.pot src/lmis/web/portal/templates

i18n-update: i18n-extract ## Merge new strings into the en, ko and id catalogs
	$(BIN)/pybabel update -i src/lmis/web/portal/locales/messages.pot -d src/lmis/web/portal/locales --ignore-obsolete

clean: ## Remove the virtual environment, caches and the local data folder
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov

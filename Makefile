# quizapp: the two commands a fresh machine needs are `make run` and `make test`.
# Everything else here is what they are made of.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BUILD := quizapp/static/build
HOST ?= 127.0.0.1
PORT ?= 5000
PYTEST_ARGS ?= -n auto

.PHONY: run test imports install assets db banks schema demo serve bench clean check-python postgres redis chromium screenshots wrk

run: install assets db banks demo ## set up everything, then serve on http://127.0.0.1:5000
	@echo "Serving on http://$(HOST):$(PORT) (Ctrl+C to stop)"
	$(BIN)/quizapp run --host $(HOST) --port $(PORT)

test: install assets chromium postgres redis wrk imports ## set up, check the layer contracts, then run the whole suite on SQLite, then again on PostgreSQL
	@echo "== The whole suite on SQLite"
	@bash .ci/pytest.sh $(PYTEST_ARGS)
	@echo "== The suite again on a throwaway PostgreSQL (browser tests excluded: they test the browser; tests/banks and tests/domain too: pure code that never touches a database)"
	@QUIZAPP_TEST_DB=postgresql bash .ci/pytest.sh $(PYTEST_ARGS) -m "not browser" --ignore=tests/banks --ignore=tests/domain

chromium: ## Debian's Chromium, which the browser tests (tests/browser, Playwright) drive
	@if [ -x /usr/bin/chromium ]; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y chromium; \
	else echo "The browser tests need Debian's Chromium: run 'sudo apt-get update && sudo apt-get install -y chromium'" >&2; exit 1; fi

screenshots: install assets chromium ## regenerate the README's screenshots in docs/screenshots/
	QUIZAPP_README_SCREENSHOTS=docs/screenshots $(BIN)/python -m pytest -q tests/browser/test_screenshots.py

postgres: ## PostgreSQL's server binaries (initdb, pg_ctl) for the second test run
	@if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq postgresql >/dev/null; \
	else echo "PostgreSQL is needed for the tests: run 'sudo apt-get install -y postgresql'"; exit 1; fi

redis: ## Debian's redis-server, the shared sign-in limit store of the two-server test (tests/test_two_servers.py)
	@if command -v redis-server >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq redis-server >/dev/null; \
	else echo "Redis is needed for the tests: run 'sudo apt-get install -y redis-server'"; exit 1; fi

imports: install ## check the layer contracts in pyproject.toml (import-linter): a crossed layer fails with its import chain
	$(BIN)/lint-imports --no-cache

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "quizapp needs Python 3.11 or newer: set PYTHON=python3.11")'

install: $(STAMP)
$(STAMP): pyproject.toml | check-python
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

assets: $(BUILD)/app.css ## compile GOV.UK Frontend with the service's own font, copy scripts and images
$(BUILD)/app.css: node_modules/.package-lock.json quizapp/frontend/app.scss $(wildcard quizapp/frontend/*.js)
	mkdir -p $(BUILD)/assets
	npx --no-install sass --load-path=node_modules --no-source-map --style=compressed --quiet-deps \
		quizapp/frontend/app.scss $(BUILD)/app.css.tmp
	cp node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js $(BUILD)/
	cp -R node_modules/govuk-frontend/dist/govuk/assets/images $(BUILD)/assets/
	cp quizapp/frontend/*.js $(BUILD)/ 2>/dev/null || true
	mv $(BUILD)/app.css.tmp $(BUILD)/app.css

db: install ## migrate the database (DATABASE_URL, default instance/quizapp.sqlite3)
	$(BIN)/quizapp db upgrade

banks: db ## validate and import question_banks/
	$(BIN)/quizapp import --quiet

schema: install ## rewrite docs/bank-format.schema.json from quizapp/banks/bank_format.py
	$(BIN)/python -m quizapp.banks.schema

demo: db ## create the demo organisation and one account per role
	$(BIN)/quizapp demo

serve: install assets db banks ## the production server: gunicorn with several workers on $(HOST):$(PORT)
	$(BIN)/quizapp serve --bind $(HOST):$(PORT)

wrk: ## Debian's wrk, the load driver of the saturation benchmark (bench/saturation.py)
	@if command -v wrk >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update && apt-get install -y wrk; \
	else echo "The saturation benchmark needs Debian's wrk: run 'sudo apt-get update && sudo apt-get install -y wrk'" >&2; exit 1; fi

bench: install wrk postgres ## run the benchmarks (not part of CI)
	$(BIN)/python bench/bench_validate.py
	$(BIN)/python bench/bench_item_analysis.py
	$(BIN)/python bench/bench_cohort.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_save_inprocess.py
	$(BIN)/python bench/bench_save_inprocess.py --db postgresql
	$(BIN)/python bench/bench_question_page.py
	$(BIN)/python bench/bench_start_inprocess.py
	$(BIN)/python bench/saturation.py
	$(BIN)/python bench/saturation.py --db postgresql
	$(BIN)/python bench/stampede.py
	$(BIN)/python bench/stampede.py --db postgresql
	$(BIN)/python bench/load.py
	$(BIN)/python bench/load.py --db postgresql

clean:
	rm -rf $(BUILD) node_modules .pytest_cache

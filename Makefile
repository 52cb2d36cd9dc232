# Kalata — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean chromium bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make demo — migrate, load the territory, run the main job (a simulated national presidential
## election to final results) and serve it on http://127.0.0.1:8000 (SQLite, nothing else needed)
demo: $(STAMP)
	$(BIN)/kalata migrate
	$(BIN)/kalata territory load
	$(BIN)/kalata demo --serve

## make bench — the benchmarks of the results issue (bench/README.md): recomputation against a
## DuckDB floor, ingest, the simulated election end to end, peak memory; SQLite, and PostgreSQL
## when a server answers (KALATA_BENCH_PG_URL, DATABASE_URL or 127.0.0.1:5432/test)
bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python -m bench

## make test — ruff, then pytest (SQLite unless DATABASE_URL points elsewhere)
test: $(STAMP) chromium
	$(BIN)/ruff check kalata tests bench
	$(BIN)/ruff format --check kalata tests bench
	$(BIN)/pytest -q -p no:cacheprovider

## Debian's Chromium for the browser tests (Playwright drives it; no browser download),
## poppler-utils (pdftotext, pdftoppm) to read the official PDFs, wrk for the web bench smoke test,
## gettext (xgettext, msgfmt) for the translation catalogue's tests (tests/web/test_i18n.py)
chromium:
	@{ command -v chromium && command -v pdftotext && command -v wrk && command -v xgettext; } >/dev/null 2>&1 || { \
	  echo "Installation de chromium, poppler-utils, wrk et gettext (apt-get)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	    apt-get install -y -qq chromium poppler-utils wrk gettext >/dev/null; }

clean:
	rm -rf $(VENV) data build *.egg-info

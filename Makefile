# Kalata — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-pg lint bench install clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## make demo — migrate, load the territory, run the main job (SQLite, nothing else needed)
demo: $(STAMP)
	$(BIN)/kalata migrate
	$(BIN)/kalata territory load
	$(BIN)/kalata demo

## make test — ruff, then pytest (SQLite unless DATABASE_URL points elsewhere)
test: $(STAMP)
	$(BIN)/ruff check kalata tests bench
	$(BIN)/ruff format --check kalata tests bench
	$(BIN)/pytest -q -p no:cacheprovider

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) data build *.egg-info

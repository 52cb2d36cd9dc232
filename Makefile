# Kalata — two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install clean

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
	$(BIN)/ruff check kalata tests
	$(BIN)/ruff format --check kalata tests
	$(BIN)/pytest -q -p no:cacheprovider

clean:
	rm -rf $(VENV) data build *.egg-info

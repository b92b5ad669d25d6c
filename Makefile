# The two front-door commands are `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/fieldkit demo --home .demo

lint: $(STAMP)
	$(BIN)/ruff check fieldkit forms sync keys tests bench
	$(BIN)/mypy --strict fieldkit forms sync keys

test: lint
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python bench/unlock.py

clean:
	rm -rf $(VENV) .demo .pytest_cache .mypy_cache .ruff_cache

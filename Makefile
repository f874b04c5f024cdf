# The README's two commands: `make run` (set up + clean raw/ → clean/) and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
export PREFECT_SERVER_ANALYTICS_ENABLED ?= false

.PHONY: run test lint clean-output

run: $(VENV)/.installed
	$(BIN)/copydesk clean raw clean

test: $(VENV)/.installed-test
	$(BIN)/ruff check src flows tests benchmarks expectations
	$(BIN)/pytest -q -ra

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src flows tests benchmarks expectations

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

clean-output:
	find clean -mindepth 1 ! -name README.md -exec rm -rf {} +

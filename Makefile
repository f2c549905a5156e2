# Two entry points: `make run` (install, ingest the bundled corpus when needed, start) and `make test`.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: install run test bench

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first, from the local CPU wheel; otherwise pip pulls the CUDA build
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/via ingest
	$(BIN)/via serve

test: install
	bash .ci/system-packages
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: install
	$(BIN)/python benchmarks/embeddings.py
	$(BIN)/python benchmarks/ingest.py
	$(BIN)/python benchmarks/query.py
	$(BIN)/python benchmarks/load.py

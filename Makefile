# Two commands do all the set-up on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test venv clean

$(BIN)/eventdesk: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(BIN)/eventdesk

venv: $(BIN)/eventdesk

demo: venv
	mkdir -p demo
	$(BIN)/eventdesk ingest examples/corpus --db demo/eventdesk.duckdb
	$(BIN)/eventdesk summary --db demo/eventdesk.duckdb
	$(BIN)/eventdesk brief --db demo/eventdesk.duckdb --focus RUS --with USA,CHN -o demo/brief.html
	@echo "the workbench: $(BIN)/eventdesk serve --db demo/eventdesk.duckdb, then open http://127.0.0.1:8765/"

test: venv
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) demo .pytest_cache

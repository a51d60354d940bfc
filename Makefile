PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
EVAL_DATA_DIR ?= $(CURDIR)/data
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export EVAL_DATA_DIR DAGSTER_HOME

.PHONY: run test ui lint demo bench install

$(BIN)/.installed: pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(BIN)/.installed

run: install
	$(BIN)/python -m pipelines.cli run

ui: install
	$(BIN)/python -m pipelines.cli prepare-home
	$(BIN)/dagster dev -w workspace.yaml

test: install
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: install
	$(BIN)/ruff check .

demo: install
	$(BIN)/python -m pipelines.demo.generate --out data

bench: install  # long: each script generates its data under /tmp once, then measures
	$(BIN)/python benchmarks/bench_ingest.py --runs 3
	$(BIN)/python benchmarks/bench_load.py --runs 3
	$(BIN)/python benchmarks/bench_indicators.py
	$(BIN)/python benchmarks/bench_publish_tables.py
	$(BIN)/python benchmarks/bench_publish.py
	$(BIN)/python benchmarks/bench_pipeline.py

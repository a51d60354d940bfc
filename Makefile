PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV := $(PY) -m uv
EVAL_DATA_DIR ?= $(CURDIR)/data
DAGSTER_HOME ?= $(CURDIR)/.dagster_home
# the environment is the one locked in uv.lock, on this machine's Python (never a downloaded one);
# its modules compiled once at install: where Python may not write bytecode
# (PYTHONDONTWRITEBYTECODE, a read-only venv) every run compiled them again, 2.4 s of a 3.3 s demo run
UV_SYNC := $(UV) sync --frozen --python $(PY) --no-python-downloads --compile-bytecode
export EVAL_DATA_DIR DAGSTER_HOME

.PHONY: run test ui lint demo bench uv browser revue revue-comparer

uv:
	@$(UV) --version >/dev/null 2>&1 || $(PY) -m pip install -q uv

# `make run` needs only the runtime dependencies; --inexact keeps a dev environment intact
$(BIN)/.installed-run: pyproject.toml uv.lock | uv
	$(UV_SYNC) --no-dev --inexact
	touch $@

$(BIN)/.installed-dev: pyproject.toml uv.lock | uv
	$(UV_SYNC) --all-groups
	touch $@ $(BIN)/.installed-run

browser:
	@bash .ci/ensure-chromium

# the demo in data/ gets its partners' reception dates back (a git clone loses mtimes);
# another EVAL_DATA_DIR is never touched
run: $(BIN)/.installed-run
	@if [ "$(abspath $(EVAL_DATA_DIR))" = "$(CURDIR)/data" ]; then $(BIN)/python -m pipelines.demo.stamp data; fi
	$(BIN)/python -m pipelines.cli run

# make revue LIBELLE="COPIL du 15 mars 2027": freeze the review pack in publish/revues/
revue: $(BIN)/.installed-run
	$(BIN)/python -m pipelines.cli revue --libelle "$(LIBELLE)"

# make revue-comparer A=<pack folder or label> B=<pack folder or label>
revue-comparer: $(BIN)/.installed-run
	$(BIN)/python -m pipelines.cli revue-comparer "$(A)" "$(B)"

ui: $(BIN)/.installed-run
	$(BIN)/python -m pipelines.cli prepare-home
	$(BIN)/dagster dev -w workspace.yaml

test: $(BIN)/.installed-dev browser
	$(BIN)/python -m pytest -n 2 --dist loadfile

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .

demo: $(BIN)/.installed-dev
	$(BIN)/python -m pipelines.demo.generate --out data

bench: $(BIN)/.installed-dev  # long: each script generates its data under /tmp once, then measures
	$(BIN)/python benchmarks/bench_ingest.py --runs 3
	$(BIN)/python benchmarks/bench_load.py --runs 3
	$(BIN)/python benchmarks/bench_indicators.py
	$(BIN)/python benchmarks/bench_publish_tables.py
	$(BIN)/python benchmarks/bench_publish.py
	$(BIN)/python benchmarks/bench_pipeline.py

# The two commands of the README: `make demo` and `make test`. Both set up what they need.
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := sample_inputs/appraisal-2026-10.xlsx

.PHONY: setup setup-test demo test test-fast lint sample docs bench bench-big clean

setup:
	bash scripts/setup.sh

# Runs again only when pyproject.toml or the script changes (the editable install picks up code changes).
setup-test: $(VENV)/.setup-test

$(VENV)/.setup-test: pyproject.toml scripts/setup.sh
	bash scripts/setup.sh --test
	touch $@

demo: setup
	$(BIN)/reporter validate $(SAMPLE)
	$(BIN)/reporter plan $(SAMPLE) --out output --force
	$(BIN)/reporter build $(SAMPLE) --out output --force

# The tests start many Python processes (pytest workers, builds killed mid-run, Dask workers): each reuses
# the bytecode of the package and of the rewritten tests (in __pycache__, which git ignores), even where the
# environment says PYTHONDONTWRITEBYTECODE. Not PYTHONPYCACHEPREFIX: it would compile every installed
# library again instead of reading the bytecode pip wrote beside it.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

# The whole suite: what CI runs, one pytest worker per core (each worker has its own LibreOffice profile).
test: setup-test
	$(BIN)/ruff check reporter tests sample_inputs scripts bench
	$(PYTEST) -n auto --durations=25

# Everything but the tests marked slow (PDF rendering, LibreOffice): under a minute, for while you work,
# one pytest worker per core.
test-fast: setup-test
	$(BIN)/ruff check reporter tests sample_inputs scripts bench
	$(PYTEST) -m "not slow" -n auto

lint: setup-test
	$(BIN)/ruff check reporter tests sample_inputs scripts bench

sample: setup
	$(BIN)/python sample_inputs/make_sample.py

bench: setup-test
	$(BIN)/python bench/run.py --employees 1000

bench-big: setup-test
	$(BIN)/python bench/run.py --employees 10000

# Regenerate the generated parts of docs/: the column reference, the scoring and pay formulas.
docs: setup
	$(BIN)/python scripts/update_docs.py

clean:
	rm -rf output/*/ output/reporter.sqlite .pytest_cache .ruff_cache

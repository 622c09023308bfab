# The two commands of the README: `make demo` and `make test`. Both set up what they need.
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := sample_inputs/appraisal-2026-10.xlsx

.PHONY: setup setup-test demo test lint sample docs bench bench-big clean

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --test

demo: setup
	$(BIN)/reporter validate $(SAMPLE)
	$(BIN)/reporter build $(SAMPLE) --out output --force

test: setup-test
	$(BIN)/ruff check reporter tests sample_inputs scripts bench
	$(BIN)/python -m pytest

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

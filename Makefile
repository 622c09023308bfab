# The two commands of the README: `make demo` and `make test`. Both set up what they need.
VENV := .venv
BIN := $(VENV)/bin
SAMPLE := sample_inputs/appraisal-2026-10.xlsx

.PHONY: setup setup-test demo test lint sample docs clean

setup:
	bash scripts/setup.sh

setup-test:
	bash scripts/setup.sh --test

demo: setup
	$(BIN)/reporter validate $(SAMPLE)
	$(BIN)/reporter build $(SAMPLE) --out output --force

test: setup-test
	$(BIN)/ruff check reporter tests sample_inputs scripts
	$(BIN)/python -m pytest

lint: setup-test
	$(BIN)/ruff check reporter tests sample_inputs scripts

sample: setup
	$(BIN)/python sample_inputs/make_sample.py

docs: setup
	$(BIN)/python scripts/update_docs.py

clean:
	rm -rf output/*/ output/reporter.sqlite .pytest_cache .ruff_cache

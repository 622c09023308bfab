"""The fixture company's period for mail tests: built with `--only summary`, each letter a few stand-in bytes."""

from __future__ import annotations

import copy
from pathlib import Path

from reporter.writers.manifest import read_manifest
from tests.conftest import BASE, cli_build, write_book

# The fixture company's four employees and their addresses, by hand from BASE (E003 is not appraised).
ADDRESSES = {"E001": "zhangwei@example.com", "E002": "lina@example.com", "E003": "wangfang@example.com",
             "E004": "liuyang@example.com"}


def stand_in_period(tmp_path: Path) -> Path:
    """output/2026-10 of the fixture company, with `letters/<工号>.pdf` standing in for real letters."""
    built = cli_build(write_book(tmp_path / "input.xlsx", copy.deepcopy(BASE)), tmp_path / "out", "--only", "summary")
    folder = built.out / "2026-10"
    for person in read_manifest(folder).recipients:
        letter = folder / person.files["letters"]
        letter.parent.mkdir(exist_ok=True)
        letter.write_bytes(b"%PDF-1.7 letter of " + person.employee_id.encode())
    return folder

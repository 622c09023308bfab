"""The README stays true: the two commands up front, every sheet and column of the schema documented."""

import re

from reporter.schema import SHEETS

from .conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_sheet_and_column_is_documented():
    for sheet in SHEETS:
        assert f"#### {sheet.zh} ({sheet.en})" in README
        for col in sheet.columns:
            assert f"| {col.zh} / `{col.en}` |" in README, f"{sheet.zh}.{col.zh} missing from README"

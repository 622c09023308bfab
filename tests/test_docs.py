"""The README stays true: the two commands up front, every sheet and column of the schema documented."""

import re

from reporter.input.schema import SHEETS
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_opens_with_the_two_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S).group(1)
    assert [line.split("#")[0].strip() for line in first_block.strip().splitlines()] == ["make demo", "make test"]


def test_ci_runs_the_readme_test_command():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_column_reference_is_generated_from_the_schema():
    """The README's column tables are exactly what the schema says (run `make docs` after changing it)."""
    from reporter.input.template import columns_markdown

    section = README.split("<!-- columns:start", 1)[1].split("-->", 1)[1].split("<!-- columns:end -->")[0]
    assert section.strip() == columns_markdown().strip()
    for sheet in SHEETS:
        assert f"#### {sheet.zh} ({sheet.en})" in section

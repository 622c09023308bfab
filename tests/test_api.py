"""The Python API a script or notebook uses: ``import reporter`` and three calls."""

from __future__ import annotations

from decimal import Decimal
from importlib.metadata import version

import pytest

import reporter
from tests.conftest import SAMPLE


def test_version_is_the_installed_distributions():
    assert reporter.__version__ == version("reporter")


def test_load_returns_the_validated_input():
    inp = reporter.load(SAMPLE)
    assert inp.settings.period.key == "2026-10" and len(inp.employees) == 48


def test_score_returns_every_employee_with_worked_values():
    result = reporter.score(SAMPLE)
    by_id = {r.employee.employee_id: r for r in result.results}
    assert len(by_id) == 48 and len(result.appraised) == 47
    star = by_id["HZ0016"]  # worked by hand in tests/test_sample.py
    assert star.total == Decimal("110.40") and star.grade.grade == "S"
    assert not by_id["HZ0017"].appraised  # absent three months


def test_bad_input_raises_one_error_listing_every_problem(base_sheets, make_book):
    base_sheets["员工"][2][7] = "四千五"
    base_sheets["考勤"][1][2] = -1
    with pytest.raises(reporter.InputError) as caught:
        reporter.score(make_book(base_sheets))
    assert len(caught.value.problems) == 2
    assert {p.sheet for p in caught.value.problems} == {"员工", "考勤"}
    assert isinstance(caught.value, reporter.ReporterError)


def test_help_names_the_stages_and_the_calls():
    doc = reporter.__doc__
    for word in ("reporter.input", "reporter.rules", "reporter.store", "reporter.writers", "reporter.mail",
                 "reporter.load", "reporter.score", "reporter.build"):
        assert word in doc

"""The pandas API: a period's and the history's DataFrames, their dtypes, and the examples of docs/api.md."""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
import pytest

import reporter
from reporter.errors import ReporterError
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.store.history import record_period
from tests.conftest import BASE, ROOT, write_book


@pytest.fixture(scope="module")
def fixture_result(tmp_path_factory):
    return score_period(load_input(write_book(tmp_path_factory.mktemp("frames") / "base.xlsx", BASE)))


def test_a_periods_frame_has_the_documented_dtypes_and_the_engines_numbers(fixture_result):
    df = fixture_result.to_frame()
    assert list(df.index) == ["E001", "E002", "E003", "E004"]
    assert df.pay_total_cents.dtype == "Int64" and df.total.dtype == "Float64"
    assert df.department_rank.dtype == "Int64" and df.period_start.dtype.kind == "M"
    assert list(df.grade.cat.categories) == ["D", "C", "B", "A", "S"] and df.grade.cat.ordered
    for r in fixture_result.results:  # every amount, exactly, in cents
        assert df.loc[r.employee.employee_id, "pay_total_cents"] == int(r.pay.total * 100)
    assert df.loc["E001", "total"] == 122.20 and df.loc["E003", "appraised"] == False  # noqa: E712
    assert pd.isna(df.loc["E003", "department_rank"]) and pd.isna(df.loc["E003", "grade"])  # not appraised
    assert df.loc["E001", "period_start"] == pd.Timestamp("2026-10-01")


def test_the_history_frame_holds_each_built_period(fixture_result, tmp_path):
    db = tmp_path / "reporter.sqlite"
    record_period(db, fixture_result, input_sha256="x", built_at="2026-11-06")
    history = reporter.open_history(db)
    assert history.periods == ["2026-10"]
    assert history.rows[0].pay_total == fixture_result.results[0].pay.total  # plain objects keep the Decimal
    assert isinstance(history.rows[0].total, Decimal)
    frame = history.to_frame()
    assert frame.loc[("2026-10", "E002"), "total"] == 41.00
    assert frame.pay_total_cents.sum() == sum(int(r.pay.total * 100) for r in fixture_result.results)


def test_a_missing_history_is_an_error_not_an_empty_database(tmp_path):
    with pytest.raises(ReporterError, match="不存在"):
        reporter.open_history(tmp_path / "nowhere.sqlite")
    assert not (tmp_path / "nowhere.sqlite").exists()


@pytest.mark.slow
def test_the_api_examples_of_the_docs_run(sample_build, tmp_path, monkeypatch):
    (tmp_path / "output").symlink_to(sample_build.parent)
    (tmp_path / "sample_inputs").symlink_to(ROOT / "sample_inputs")
    monkeypatch.chdir(tmp_path)
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(# runs in tests/test_frames.py\n.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, "docs/api.md", "exec"), {})  # noqa: S102 - our own documentation


def test_the_units_frame_holds_the_units_scores(tmp_path):
    from tests.unit_company import unit_sheets
    result = score_period(load_input(write_book(tmp_path / "units.xlsx", unit_sheets())))
    units = result.to_frame("units")
    assert list(units.index) == ["JT", "HD", "HN", "HD_KF", "HD_YY", "HN_KF"]
    kf = units.loc["HD_KF"]
    assert (kf.own_total, kf.people, kf.people_average, kf.grade, kf["rank"], kf.peers) == (67.0, 2, 81.6, "C", 2, 2)
    assert pd.isna(units.loc["HN", "people_average"]) and units.loc["HN", "people"] == 0
    assert units.groupby("level", observed=True).size().to_dict() == {"group": 1, "company": 2, "department": 3}

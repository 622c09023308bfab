"""`reporter history`: the trend workbook over two built periods, worked by hand and recalculated by LibreOffice."""

from __future__ import annotations

import copy
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.store.history import record_period
from tests.conftest import BASE, write_book


def september() -> dict:
    """BASE one month earlier, with two bad reviews for E002 instead of four."""
    sheets = copy.deepcopy(BASE)
    settings = {row[0]: i for i, row in enumerate(sheets["设置"])}
    sheets["设置"][settings["考核期间"]][1] = "2026-09"
    sheets["设置"][settings["申诉截止日期"]][1] = date(2026, 10, 13)
    sheets["月度数据"][2][3] = 2
    return sheets


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    db = folder / "reporter.sqlite"
    for name, sheets in (("2026-09", september()), ("2026-10", BASE)):
        record_period(db, score_period(load_input(write_book(folder / f"{name}.xlsx", sheets))), input_sha256="x",
                      built_at=f"{name}-28")
    result = CliRunner().invoke(cli, ["history", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    return folder, result.output


def test_department_averages_over_the_periods_worked_by_hand(two_periods):
    folder, output = two_periods
    book = openpyxl.load_workbook(folder / "history.xlsx")
    assert book.sheetnames == ["员工趋势", "部门趋势", "明细"]
    rows = {(r[0], r[1]): r[2:] for r in book["部门趋势"].iter_rows(min_row=2, values_only=True) if r[0]}
    # 客服部, 2026-09: E001 122.20 and E002 54.00 (response 0 + bad reviews 2/2 × 26 + attitude 18 + reports 3
    # + attendance 10 − 3) → 88.10; 2026-10: 122.20 and 41.00 → 81.60. E003 is not appraised in either.
    cached = {(r[0], r[1]): r[2:] for r in openpyxl.load_workbook(folder / "history.xlsx", data_only=True)
              ["部门趋势"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert cached[("华东公司", "客服部")] == (88.10, 81.60)
    assert cached[("华东公司", "运营部")] == (62.00, 62.00)
    assert rows[("华东公司", "客服部")][0].startswith("=IFERROR(AVERAGEIFS(")
    assert "华东公司客服部  88.10  81.60" in output and "2 个考核期间（2026-09 至 2026-10），4 名员工" in output
    people = {r[0]: r for r in book["员工趋势"].iter_rows(min_row=2, values_only=True)}
    assert people["E002"][4:8] == (54.00, 41.00, "D", "D")
    assert people["E003"][4:8] == (None, None, "", "")


def test_a_missing_history_says_where_it_looked(tmp_path):
    result = CliRunner().invoke(cli, ["history", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "reporter.sqlite 不存在" in result.output and "Traceback" not in result.output


@pytest.mark.slow
def test_libreoffice_recalculates_the_trends_to_the_same_averages(two_periods, tmp_path):
    from tests.recalc import assert_parity

    folder, _ = two_periods
    assert assert_parity([folder / "history.xlsx"], tmp_path) >= 4  # two departments × two periods

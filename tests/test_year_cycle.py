"""A year of demo history end to end: twelve monthly workbooks of one seed into one folder, then the year's reports.

`reporter demo-data --period 2026-01` … `2026-12 --seed 5` gives the same people every month. January
to November are scored and recorded as a build records them (the fast path: their PDFs would cost
minutes and prove nothing new); December is a real `reporter build`, so its letters draw the trend of
the months before. Then `reporter history`, `reporter calibrate` and `reporter annual 2026` run on the
folder, and LibreOffice recalculates their three workbooks to the values we cached.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.frames import open_history
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.store.history import load_history, record_period
from tests.recalc import assert_parity
from tests.test_letters import pdftext

MONTHS = [f"2026-{m:02d}" for m in range(1, 13)]
EMPLOYEES = 20


def invoke(*args: str) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def year(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("year")
    out, db = root / "out", root / "out" / "reporter.sqlite"
    out.mkdir()
    for month in MONTHS:
        book = root / f"{month}.xlsx"
        invoke("demo-data", "--employees", EMPLOYEES, "--seed", 5, "--period", month, book)
        if month == MONTHS[-1]:
            invoke("build", book, "--out", out)
        else:
            result = score_period(load_input(book), load_history(db, before=month))
            record_period(db, result, input_sha256=hashlib.sha256(book.read_bytes()).hexdigest(),
                          built_at=f"{month}-28T18:00:00")
    return out


@pytest.mark.slow
def test_a_year_of_the_same_people(year):
    history = open_history(year / "reporter.sqlite")
    assert history.periods == MONTHS
    people = {p: {r.employee_id for r in history.rows if r.period == p} for p in MONTHS}
    assert all(ids == people[MONTHS[0]] for ids in people.values()) and len(people[MONTHS[0]]) == EMPLOYEES
    names = {(r.employee_id, r.name, r.department) for r in history.rows}
    assert len(names) == EMPLOYEES  # same name and department every month


@pytest.mark.slow
def test_history_calibrate_and_annual_on_the_year(year):
    printed = invoke("history", "--out", year)
    assert "12 个考核期间（2026-01 至 2026-12）" in printed
    before = sorted((p, p.stat().st_mtime_ns) for p in (year / "2026-12").rglob("*") if p.is_file())
    calibration = invoke("calibrate", year / "2026-12")
    assert sorted((p, p.stat().st_mtime_ns) for p in (year / "2026-12").rglob("*") if p.is_file()) == before
    departments = {r.department for r in open_history(year / "reporter.sqlite").rows}
    assert all(d in calibration for d in departments)
    assert "未设定" not in calibration  # the demo sets a target mix and a budget (demo_data._settings_rows)
    assert "预算 11,000.00" in calibration  # 绩效工资预算: 20 employees × 550 a month
    rolled_up = invoke("annual", "2026", "--out", year)
    assert "160,000.00" in rolled_up  # 年终奖预算: 20 employees × 8,000
    folder = year / "annual" / "2026"
    assert sorted(p.stem for p in (folder / "letters").glob("*.pdf")) == sorted(
        {r.employee_id for r in open_history(year / "reporter.sqlite").rows})
    sheet = openpyxl.load_workbook(folder / "annual.xlsx")["年度汇总"]
    ids = [row[0].value for row in sheet.iter_rows() if isinstance(row[0].value, str) and row[0].value.startswith("G")]
    assert len(ids) == EMPLOYEES

    checked = assert_parity([year / "history.xlsx", year / "2026-12" / "summary.xlsx", folder / "annual.xlsx"],
                            year.parent / "parity")
    assert checked > 1000


@pytest.mark.slow
def test_decembers_letters_draw_the_year(year):
    """An appraised employee's December letter shows the months before it (the chart's values are printed)."""
    history = open_history(year / "reporter.sqlite")
    december = [r for r in history.rows if r.period == MONTHS[-1] and r.appraised]
    charted = 0
    for r in december:
        text = pdftext(year / "2026-12" / "letters" / f"{r.employee_id}.pdf")
        if "部门平均" in text:
            charted += 1
            november = next(x for x in history.rows if x.period == MONTHS[-2] and x.employee_id == r.employee_id)
            if november.appraised:
                assert f"{november.total:.2f}" in text, r.employee_id
    assert charted >= len(december) - 2

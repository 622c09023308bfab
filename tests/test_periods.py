"""Periods of every kind: half-years, limits that follow the period, streaks counted in periods."""

from __future__ import annotations

from datetime import date

import pytest

from reporter.errors import CellError, InputError
from reporter.input.validate import load_input
from reporter.period import Period, parse_period
from reporter.rules.engine import score_period


@pytest.mark.parametrize("text, key, label, start, end, previous", [
    ("2026-10", "2026-10", "2026年10月", date(2026, 10, 1), date(2026, 10, 31), "2026-09"),
    ("2026-01", "2026-01", "2026年1月", date(2026, 1, 1), date(2026, 1, 31), "2025-12"),
    ("2026-Q3", "2026-Q3", "2026年第3季度", date(2026, 7, 1), date(2026, 9, 30), "2026-Q2"),
    ("2026年第1季度", "2026-Q1", "2026年第1季度", date(2026, 1, 1), date(2026, 3, 31), "2025-Q4"),
    ("2026-H1", "2026-H1", "2026年上半年", date(2026, 1, 1), date(2026, 6, 30), "2025-H2"),
    ("2026 h2", "2026-H2", "2026年下半年", date(2026, 7, 1), date(2026, 12, 31), "2026-H1"),
    ("2026年上半年", "2026-H1", "2026年上半年", date(2026, 1, 1), date(2026, 6, 30), "2025-H2"),
    ("2026年下半年度", "2026-H2", "2026年下半年", date(2026, 7, 1), date(2026, 12, 31), "2026-H1"),
    ("2026", "2026", "2026年度", date(2026, 1, 1), date(2026, 12, 31), "2025"),
])
def test_every_kind_of_period(text, key, label, start, end, previous):
    p = parse_period(text)
    assert (p.key, p.label, p.start, p.end, p.previous().key) == (key, label, start, end, previous)
    assert parse_period(p.key) == p  # the key reads back as the same period


@pytest.mark.parametrize("text", ["2026-H3", "2026-H0", "2026年中半年", "2026-13"])
def test_bad_periods_name_every_format(text):
    with pytest.raises(CellError, match="2026-H1"):
        parse_period(text)


@pytest.mark.parametrize("key, days, weeks", [
    # 2026-02 has 28 days: 4 whole weeks, touching at most 5 (a Tuesday start touches 5 weeks).
    ("2026-02", 28, 5), ("2026-10", 31, 6), ("2026-Q3", 92, 14), ("2026-H1", 181, 27), ("2028", 366, 54),
])
def test_days_and_weeks(key, days, weeks):
    p = parse_period(key)
    assert (p.days, p.weeks) == (days, weeks)


def attendance(sheets, period, leave, due, submitted):
    sheets["设置"][2][1] = period
    sheets["考勤"][1][4:7] = [leave, due, submitted]
    return sheets


def test_a_quarter_takes_a_quarters_reports_and_leave(base_sheets, make_book):
    # 13 weekly reports and 40 days of leave cannot happen in a month, can in a quarter.
    sheets = attendance(base_sheets, "2026-Q3", 40, 13, 13)
    sheets["设置"][3][1] = date(2026, 10, 13)
    for row in sheets["评语"][1:]:
        row[4] = date(2026, 10, 7)
    inp = load_input(make_book(sheets))
    assert inp.measures["E001"]["reports_due"] == 13
    assert inp.measures["E001"]["leave_days"] == 40


@pytest.mark.parametrize("period, leave, due, column, bound", [
    ("2026-10", 32, 4, "请假天数", "考核期天数 31"),
    ("2026-10", 1, 7, "周报应交", "考核期周数 6"),
    ("2026-Q3", 93, 4, "请假天数", "考核期天数 92"),
    ("2026-Q3", 1, 15, "周报应交", "考核期周数 14"),
])
def test_limits_follow_the_period(base_sheets, make_book, period, leave, due, column, bound):
    sheets = attendance(base_sheets, period, leave, due, 1)
    sheets["设置"][3][1] = date(2027, 1, 13)
    with pytest.raises(InputError) as info:
        load_input(make_book(sheets))
    hits = [p for p in info.value.problems if p.sheet == "考勤" and p.row == 2 and column in p.column]
    assert hits and bound in hits[0].message and "超出允许范围" in hits[0].message, info.value.problems


def test_quarterly_streak_counts_quarters(base_sheets, make_book):
    """连续月数 2 in a quarterly workbook: first in 2026-Q2 and 2026-Q3 is a streak; 2026-06 is not a quarter."""
    sheets = base_sheets
    sheets["设置"][2][1] = "2026-Q3"
    sheets["设置"][3][1] = date(2026, 10, 20)
    sheets["设置"].append(["连续月数", 2])
    sheets["历史"] = [["考核期间", "工号", "总分", "等级", "部门排名"],
                    ["2026-Q2", "E001", 95, "S", 1], ["2026-06", "E002", 50, "D", 2]]
    result = score_period(load_input(make_book(sheets)))
    e1, e2 = (next(r for r in result.results if r.employee.employee_id == i) for i in ("E001", "E002"))
    assert (e1.department_rank, e1.first_rank_streak) == (1, 2)
    assert e1.pay.one_time_bonus == 200
    assert e2.grade.grade == "D" and e2.failing_streak == 1  # a month of history is not the previous quarter
    warned = [w for w in result.warnings if w.sheet == "历史" and "2026-06" in w.message]
    assert warned and warned[0].row == 3


def test_the_half_before_the_first_is_last_years_second():
    assert Period(2026, "half", 1).previous() == Period(2025, "half", 2)
    assert Period(2026, "year", 1).previous().previous() == Period(2024, "year", 1)


def test_the_template_explains_periods_and_names_no_month_only_limit(tmp_path):
    import openpyxl

    from reporter.input.template import write_template

    path = tmp_path / "template.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    instructions = {r[0].value: r[1].value for r in book["说明"].iter_rows() if r[0].value}
    for example in ("2026-10", "2026-Q3", "2026-H1", "2026年上半年", "2026"):
        assert example in instructions["考核期间"]
    notes = {c.value: c.comment.text for c in book["考勤"][1]}
    assert "范围：0～考核期天数" in notes["请假天数"] and "范围：0～考核期周数" in notes["周报应交"]
    for note in notes.values():
        assert not any(word in note for word in ("31", "本月", "每月"))
    settings = {r[0].value: r[2].value for r in book["设置"].iter_rows(min_row=2)}
    assert "2026-H1" in settings["考核期间"] and "期数" in settings["连续月数"]
    # The template's own example rows validate as a quarter as well as a month: no month-only limit.
    assert book["考勤"]["F2"].value <= parse_period("2026-02").weeks


@pytest.mark.parametrize(("text", "day"), [("2026-10", (2026, 10, 31)), ("2026-Q1", (2026, 3, 31)),
                                           ("2026-H1", (2026, 6, 30)), ("2026", (2026, 12, 31))])
def test_outputs_are_dated_on_the_periods_last_day(text, day):
    from datetime import datetime

    from reporter.period import parse_period

    assert parse_period(text).document_date == datetime(*day)

"""The trend workbook of `reporter history`: each employee's and department's totals over the built periods.

pandas does the grouping and pivoting of the history (reporter.frames); the
department averages are live ``AVERAGEIFS`` formulas over the 明细 sheet, each
with its exact average as the cached value, so the workbook needs no second
definition of anything and LibreOffice recalculates it to the same numbers.
Native Excel charts: the departments' averages over the periods (lines), and
their latest period (columns).  Sheet names, headers, chart titles and 是/否 follow the 语言 recorded
with the history's latest period (Chinese when none was recorded, before history schema v8); the
periods are their keys (2026-10) in every language, as the 明细 rows hold them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

import pandas as pd
import xlsxwriter

from reporter.frames import History
from reporter.writers.language import ZH, Language, language
from reporter.writers.xlsx.style import row_height

RECORD_COLUMNS = (("period", "考核期间", "Period"), ("employee_id", "工号", "ID"), ("name", "姓名", "Name"),
                  ("company", "公司", "Company"), ("department", "部门", "Department"), ("role", "岗位", "Role"),
                  ("appraised", "已考核", "Appraised"), ("total", "总分", "Total"), ("grade", "等级", "Grade"),
                  ("department_rank", "部门排名", "Dept. rank"))
SHEETS = (("员工趋势", "Employee trends"), ("部门趋势", "Department trends"), ("明细", "Records"))


@dataclass(frozen=True)
class DepartmentTrend:
    """A department's average total per period (None: nobody appraised in it that period)."""

    company: str
    department: str
    averages: tuple[Decimal | None, ...]


def department_trends(history: History) -> tuple[list[str], list[DepartmentTrend]]:
    """The periods and each department's exact average per period, grouped by pandas, averaged in Decimal."""
    frame = history.to_frame().reset_index(drop=True)
    frame = frame[frame.appraised]
    periods = history.periods
    exact = {(r.period, r.employee_id): r.total for r in history.rows if r.appraised}
    trends = []
    for (company, department), group in frame.groupby(["company", "department"], observed=True, sort=True):
        averages = []
        for period in periods:
            totals = [exact[(period, eid)] for eid in group.loc[group.period == period, "employee_id"]]
            averages.append(sum(totals, Decimal(0)) / len(totals) if totals else None)
        trends.append(DepartmentTrend(str(company), str(department), tuple(averages)))
    return periods, trends


def history_language(history: History) -> Language:
    """The 语言 recorded with the latest period; Chinese for an empty history or one recorded before v8."""
    periods = history.periods
    return language(history.settings(periods[-1]).get("language")) if periods else ZH


def render_trends(history: History, created: datetime | None = None, lang: Language | None = None) -> bytes:
    """history.xlsx, in ``lang`` (default: :func:`history_language`)."""
    lang = lang or history_language(history)
    t, n = lang.label, lang.inline
    data = io.BytesIO()
    book = xlsxwriter.Workbook(data, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    if created is not None:
        book.set_properties({"created": created})
    header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    number = book.add_format({"num_format": "0.00", "border": 1})
    text = book.add_format({"border": 1})
    names = [n(*words) for words in SHEETS]
    people, departments, records = (book.add_worksheet(name) for name in names)
    yes, no = n("是", "Yes"), n("否", "No")
    frame = history.to_frame().reset_index(drop=True)

    # 明细: the history as recorded, the rows the department formulas read.
    for col, (_, zh, en) in enumerate(RECORD_COLUMNS):
        records.write_string(0, col, t(zh, en), header)
    for row, rec in enumerate(history.rows, start=1):
        values = (rec.period, rec.employee_id, rec.name, rec.company, rec.department, rec.role,
                  yes if rec.appraised else no)
        for col, value in enumerate(values):
            records.write_string(row, col, value, text)
        if rec.total is not None:
            records.write_number(row, 7, float(rec.total), number)
        records.write_string(row, 8, rec.grade or "", text)
        if rec.department_rank is not None:
            records.write_number(row, 9, rec.department_rank, text)
    last = len(history.rows) + 1
    records.autofilter(0, 0, last - 1, len(RECORD_COLUMNS) - 1)
    records.freeze_panes(1, 0)
    records.set_column(0, 9, 12)

    # 员工趋势: one row per employee, a total and a grade column per period (pandas pivots).
    periods = history.periods
    latest = frame.drop_duplicates("employee_id", keep="last").set_index("employee_id")
    totals = frame.pivot(index="employee_id", columns="period", values="total").reindex(latest.index)
    grades = frame.pivot(index="employee_id", columns="period", values="grade").reindex(latest.index)
    titles = [t("工号", "ID"), t("姓名", "Name"), t("公司", "Company"), t("部门", "Department"),
              *(t(f"{p} 总分", f"{p} total") for p in periods), *(t(f"{p} 等级", f"{p} grade") for p in periods)]
    people.write_row(0, 0, titles, header)
    for row, (eid, person) in enumerate(latest.iterrows(), start=1):
        people.write_row(row, 0, [eid, person["name"], person["company"], person["department"]], text)
        for i, period in enumerate(periods):
            value = totals.loc[eid, period]
            if pd.notna(value):
                people.write_number(row, 4 + i, float(value), number)
            grade = grades.loc[eid, period]
            people.write_string(row, 4 + len(periods) + i, "" if pd.isna(grade) else str(grade), text)
    people.freeze_panes(1, 4)
    people.set_column(0, 3, 12)
    people.set_column(4, 3 + 2 * len(periods), 13)  # 2026-10 total on one line

    # 部门趋势: AVERAGEIFS over 明细, cached with the exact average; charts of the averages.
    periods, trends = department_trends(history)
    departments.write_row(0, 0, [t("公司", "Company"), t("部门", "Department"), *periods], header)
    quoted = names[2].replace("'", "''")  # a quote in a sheet's name is doubled in a reference to it
    ref = {col: f"'{quoted}'!${chr(65 + i)}$2:${chr(65 + i)}${last}" for i, (col, *_) in enumerate(RECORD_COLUMNS)}
    for row, trend in enumerate(trends, start=1):
        departments.write_row(row, 0, [trend.company, trend.department], text)
        for i, (period, average) in enumerate(zip(periods, trend.averages, strict=True)):
            criteria = (f'{ref["period"]},"{period}",{ref["company"]},$A{row + 1},{ref["department"]},$B{row + 1},'
                        f'{ref["appraised"]},"{yes}"')
            departments.write_formula(row, 2 + i, f'=IFERROR(AVERAGEIFS({ref["total"]},{criteria}),"")', number,
                                      "" if average is None else float(average))
    departments.set_column(0, 1, 14)
    departments.set_column(2, 1 + len(periods), 10)
    if trends and periods:
        lines = book.add_chart({"type": "line"})
        for row, trend in enumerate(trends, start=1):
            lines.add_series({"name": f"{trend.company}{trend.department}",
                              "categories": [names[1], 0, 2, 0, 1 + len(periods)],
                              "values": [names[1], row, 2, row, 1 + len(periods)], "marker": {"type": "circle"}})
        lines.set_title({"name": n("部门平均分趋势", "Department averages over the periods")})
        lines.set_y_axis({"name": n("平均总分", "Average total")})
        departments.insert_chart(len(trends) + 3, 0, lines, {"x_scale": 1.6, "y_scale": 1.3})
        columns = book.add_chart({"type": "column"})
        columns.add_series({"name": n(f"{periods[-1]} 部门平均分", f"{periods[-1]} department average"),
                            "categories": [names[1], 1, 0, len(trends), 1],  # company and department
                            "values": [names[1], 1, 1 + len(periods), len(trends), 1 + len(periods)]})
        columns.set_legend({"none": True})
        columns.set_title({"name": n(f"{periods[-1]} 各部门平均分", f"Department averages, {periods[-1]}")})
        departments.insert_chart(len(trends) + 24, 0, columns, {"x_scale": 1.6, "y_scale": 1.3})
        departments.set_h_pagebreaks([len(trends) + 23])  # each chart whole on its page
    for ws in (people, departments, records):  # printed: landscape A4, one page wide, titles repeated
        ws.set_paper(9)
        ws.set_landscape()
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)
        if lang.bilingual:  # the English beneath the Chinese: LibreOffice does not grow a header row to show it
            ws.set_row(0, row_height(2))
    book.close()
    return data.getvalue()

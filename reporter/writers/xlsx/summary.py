"""The HR summary workbook: everyone on one filterable sheet, live to the scorecard sheets behind it.

Sheets: 汇总 (one row per employee; totals and pay refer to the employee's
own scorecard sheet, grade and ranks are formulas), 等级分布 (COUNTIF
against the bands, with a chart), 部门统计 (department and company
averages), 工资表 (what payroll imports), 未参与考核, 提示 (every warning),
规则 (bands, the scoring methods, every other rule's formula, the KPI library), with units
单位汇总, 目标对齐 and 目标调整 (unit_sheets.py), then one scorecard sheet per appraised
employee.  Correct a value on an employee's sheet and the whole workbook follows.

Sheet names, titles and labels follow the 语言 setting (English sheets for ``en``, 汇总 Summary for
``zh-en``); formulas refer to the names :func:`sheet_names` gives, written once.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from reporter.model import PeriodResult
from reporter.rules.pay import pay_formula
from reporter.rules.rulebook import rule
from reporter.writers.language import Language, language
from reporter.writers.payroll_csv import status
from reporter.writers.wording import (
    hr_note,
    not_appraised_text,
    period_warnings,
)
from reporter.writers.xlsx.calibration_sheet import CalibrationSheet
from reporter.writers.xlsx.layout import PRINT_SCALE, ScorecardCells, num
from reporter.writers.xlsx.pages import print_words
from reporter.writers.xlsx.payroll_sheet import PAY_PARTS, PAYROLL_LAST_COL, PayrollSheet
from reporter.writers.xlsx.rules_sheet import RulesSheet
from reporter.writers.xlsx.scorecard import sheet_name, write_scorecard_sheet
from reporter.writers.xlsx.style import (
    MONEY,
    Styles,
    fit_row,
    new_workbook,
    print_setup,
    row_height,
    text_width,
    wrapped_lines,
)
from reporter.writers.xlsx.unit_sheets import UnitSheets
from reporter.writers.xlsx.widths import (
    ABSENT_REASON_WIDTH,
    SUMMARY_NOTE_WIDTH,
    WARNING_WIDTHS,
    money_widths,
    people_widths,
)

HEAD = ("工号", "姓名", "公司", "部门", "岗位", "考核状态", "总分", "等级", "等级名称", "部门排名", "岗位排名",
        "绩效系数", "岗位工资", "个人绩效提成", "公共绩效提成", "工龄工资", "一次性奖励", "应发合计", "备注", "排名组", "直属上级")
# In English, as short as the Chinese: the columns are as narrow in every language (each half one page wide).
HEAD_EN = ("ID", "Name", "Company", "Dept.", "Role", "Status", "Total", "Grade", "Grade name", "Dept. rank",
           "Role rank", "Pay coeff.", "Position pay", "Personal commission", "Shared commission", "Seniority pay",
           "One-time bonus", "Total pay", "Notes", "Rank group", "Manager")
COL = {name: i for i, name in enumerate(HEAD)}


@dataclass(frozen=True)
class SheetNames:
    """The summary's sheet names in one language: every formula and chart refers to these."""

    summary: str
    distribution: str
    departments: str
    payroll: str
    not_appraised: str
    warnings: str
    rules: str
    units: str  # with units (组织): 单位汇总, 目标对齐; 目标调整 also when any target changed
    alignment: str
    target_changes: str
    calibration: str  # 校准: the grade mix against the target, outlier reviewers, pay against the budget


def sheet_names(lang: Language) -> SheetNames:
    """汇总 … in Chinese, Summary … in English, 汇总 Summary … bilingual (short: a tab holds 31 characters)."""
    n = lang.inline
    return SheetNames(n("汇总", "Summary"), n("等级分布", "Grades"), n("部门统计", "Departments"),
                      n("工资表", "Payroll"), n("未参与考核", "Not appraised"), n("提示", "Warnings"),
                      n("规则", "Rules"), n("单位汇总", "Units"), n("目标对齐", "Alignment"),
                      n("目标调整", "Target changes"), n("校准", "Calibration"))


def cell(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def column_range(sheet: str, col: int, first: int, last: int) -> str:
    letter = xl_col_to_name(col)
    return f"'{sheet}'!${letter}${first + 1}:${letter}${last + 1}"


class _Summary(RulesSheet, PayrollSheet, UnitSheets, CalibrationSheet):
    def __init__(self, book, result: PeriodResult, states: Mapping[str, str] | None = None):
        self.book, self.result, self.s = book, result, Styles(book)
        self.states = states or {}  # employee → where the letter stands (工资表's 确认状态)
        self.inp = result.input
        self.lang = language(self.inp.settings.language)
        self.t, self.say, self.prose = self.lang.label, self.lang.say, self.lang.prose
        self.names = sheet_names(self.lang)
        self.appraised_word = status(True, self.prose)  # the 考核状态 the formulas count
        self.rows = result.results
        self.last = len(self.rows)  # data rows 1..last on 汇总
        self.range = {name: column_range(self.names.summary, COL[name], 1, self.last) for name in HEAD}

    def write(self, password: str = "") -> None:
        n = self.names
        summary = self.book.add_worksheet(n.summary)
        sheets = [self.book.add_worksheet(name) for name in (n.distribution, n.departments)]
        calibration = self.book.add_worksheet(n.calibration)  # after 部门统计: what HR reviews before the letters
        sheets += [self.book.add_worksheet(name) for name in (n.payroll, n.not_appraised, n.warnings)]
        rules = self.book.add_worksheet(n.rules)
        band_rows = self.rules(rules)
        self.unit_sheets(band_rows)  # before the scorecard sheets; they print themselves
        cells: dict[str, ScorecardCells] = {}
        for r in self.result.appraised:
            cells[r.employee.employee_id] = write_scorecard_sheet(self.book, self.s, sheet_name(r), self.result, r,
                                                                  password)
        self.summary(summary, cells, band_rows)
        self.distribution(sheets[0])
        self.departments(sheets[1])
        self.calibration(calibration, band_rows)
        self.payroll(sheets[2])
        self.not_appraised(sheets[3])
        self.warnings(sheets[4])
        self.print_settings(summary, sheets, rules)

    def print_settings(self, summary, sheets, rules) -> None:
        """Every sheet prints on A4 with header and footer, no text below 8 pt: sized to fit one page wide at 80 %.

        汇总's twenty columns cannot: it prints at 80 % in two halves side by side, results then pay and notes,
        工号 and 姓名 repeated on both, page by page across then down.
        """
        settings, n = self.inp.settings, self.lang.inline
        distribution, departments, payroll, absent, warnings = sheets
        titles = {summary: n("考核结果汇总", "Appraisal results"), distribution: n("等级分布", "Grade distribution"),
                  departments: n("部门统计", "Departments"), payroll: n("工资表", "Payroll"),
                  absent: n("未参与考核人员", "Not appraised"), warnings: n("提示", "Warnings"),
                  rules: n("考核规则", "Appraisal rules")}
        print_setup(summary, settings, titles[summary], landscape=True, scale=PRINT_SCALE,
                    area=(self.last + 1, len(HEAD) - 1))
        summary.repeat_columns(0, 1)
        summary.set_v_pagebreaks([COL["岗位工资"]])
        summary.print_across()
        print_setup(distribution, settings, titles[distribution], landscape=False, area=(self.chart_bottom, 7))
        distribution.fit_to_pages(1, 1)  # the table and its chart on one page
        print_setup(departments, settings, titles[departments], landscape=False, area=(self.department_rows, 6))
        print_setup(payroll, settings, titles[payroll], landscape=True, area=(self.payroll_last, PAYROLL_LAST_COL))
        print_setup(absent, settings, titles[absent], landscape=True,
                    area=(max(1, len(self.result.not_appraised)), 6))
        print_setup(warnings, settings, titles[warnings], landscape=True, area=(max(1, self.warning_rows), 5))
        print_setup(rules, settings, titles[rules], landscape=True, repeat=None, area=(self.rules_last, 9))
        for ws, title in titles.items():
            print_words(ws, settings, self.lang, title)

    # -- helpers ------------------------------------------------------------

    def header(self, ws, titles, widths=None, height: float | None = None) -> dict[int, float]:
        """Row 1 of a sheet: ``titles`` are (Chinese, English) pairs, written in the workbook's language.

        Columns are as wide in every language (``widths``, else from the Chinese title) but where an
        English word needs more; a title wraps, and the row is made tall enough for its lines. Returns
        the widths set.
        """
        words = [self.t(zh, en) for zh, en in titles]
        ws.write_row(0, 0, words, self.s.get("header"))
        ws.freeze_panes(1, 0)
        lines, used = 1, {}
        for i, ((zh, _), text) in enumerate(zip(titles, words, strict=True)):
            width = (widths or {}).get(i, max(9, 2 * len(zh) + 2))
            if self.lang.code != "zh":  # a title wraps between words, never inside one
                width = max([width, *(len(word) + 1.5 for word in text.split())])
            ws.set_column(i, i, width)
            used[i] = width
            lines = max(lines, wrapped_lines(text, width))
        if lines > 1:
            height = max(height or 0, row_height(lines))
        if height:
            ws.set_row(0, height)
        return used

    def reviewer(self, manager: str) -> str:
        """直属上级 on 汇总 and 校准: the name, or words for a blank one (a group of its own on 校准)."""
        return manager or self.say("（未填写）", "(not given)")

    def formula(self, ws, row, col, excel, value, fmt=None):
        ws.write_formula(row, col, "=" + excel, fmt or self.s.get("cell"), num(value))

    def summary_ref(self, row: int, title: str) -> str:
        """An absolute reference to 汇总's cell of ``title`` (a Chinese column title) in ``row``."""
        return f"'{self.names.summary}'!{cell(row, COL[title], True)}"

    def rank_refs(self, row: int) -> dict[str, str]:
        """The rank rules' names on 汇总: peers are the columns (a not-appraised row's 总分 is blank, never counted)."""
        refs = {}
        for name, title in (("company", "公司"), ("department", "部门"), ("role", "岗位"), ("rank_group", "排名组"),
                            ("total", "总分")):
            refs[name], refs[f"peer_{name}"] = cell(row, COL[title]), self.range[title]
        return refs

    # -- sheets -------------------------------------------------------------

    def summary(self, ws, cells: dict[str, ScorecardCells], band_rows) -> None:
        # Two halves, each one landscape page wide at 80 % (print_settings): 工号 … 绩效系数, then the pay and notes.
        statuses = status(True, self.prose), status(False, self.prose)
        widths = {i: 5 for i in range(len(HEAD))}  # ranks, coefficient: 5 units; headers wrap
        named = {**people_widths(self.rows, statuses), "总分": 7, "等级": 5, "备注": SUMMARY_NOTE_WIDTH,
                 "直属上级": text_width([self.reviewer(r.employee.manager) for r in self.rows], 6, 10),
                 "等级名称": text_width([g.name for g in self.inp.grades], 6, 10)}
        money = money_widths(self.rows)
        named.update({title: money[key] for key, title in (*PAY_PARTS, ("total", "应发合计"))})
        widths.update({COL[name]: width for name, width in named.items()})
        widths = self.header(ws, tuple(zip(HEAD, HEAD_EN, strict=True)), widths, height=30)
        self.wrapped = {COL[t]: widths[COL[t]] for t in ("公司", "部门", "岗位", "备注")}
        bands = {name: column_range(self.names.rules, col, *band_rows)
                 for name, col in (("band_grade", 0), ("band_name", 1), ("band_min", 2))}
        money = self.s.get("cell", num=MONEY)
        for i, r in enumerate(self.rows, start=1):
            e, p = r.employee, r.pay
            note = hr_note(r, self.inp.settings.period.kind, self.prose)
            texts = {COL["公司"]: e.company, COL["部门"]: e.department, COL["岗位"]: e.role, COL["备注"]: note}
            fit_row(ws, i, [(texts[col], width) for col, width in self.wrapped.items()])
            for name, value in (("工号", e.employee_id), ("姓名", e.name), ("公司", e.company), ("部门", e.department),
                                ("岗位", e.role), ("考核状态", status(r.appraised, self.prose)),
                                ("排名组", e.rank_group), ("直属上级", self.reviewer(e.manager))):
                ws.write_string(i, COL[name], value, self.s.get("cell", text_wrap=COL[name] in self.wrapped))
            ws.write_string(i, COL["备注"], note, self.s.get("wrap"))
            total = cell(i, COL["总分"])
            if r.appraised:
                own = cells[e.employee_id]
                sheet = f"'{sheet_name(r)}'!"
                self.formula(ws, i, COL["总分"], sheet + own.total, r.total, self.s.get("cell", num="0.00"))
                grade = cell(i, COL["等级"])
                self.formula(ws, i, COL["等级"], rule("grade").to_excel({**bands, "total": total}), r.grade.grade)
                self.formula(ws, i, COL["等级名称"], rule("grade_name").to_excel({**bands, "grade": grade}), r.grade.name)
                self.formula(ws, i, COL["部门排名"], rule("department_rank").to_excel(self.rank_refs(i)), r.department_rank)
                self.formula(ws, i, COL["岗位排名"], rule("role_rank").to_excel(self.rank_refs(i)), r.role_rank)
                self.formula(ws, i, COL["绩效系数"], sheet + own.pay["pay_coefficient"], p.pay_coefficient,
                             self.s.get("cell", num="0%"))
                for key, title in PAY_PARTS:
                    self.formula(ws, i, COL[title], sheet + own.pay[key], getattr(p, key), money)
            else:
                ws.write_number(i, COL["绩效系数"], num(p.pay_coefficient), self.s.get("cell", num="0%"))
                for key, title in PAY_PARTS:
                    ws.write_number(i, COL[title], num(getattr(p, key)), money)
            refs = {key: cell(i, COL[title]) for key, title in PAY_PARTS}
            self.formula(ws, i, COL["应发合计"], pay_formula("monthly_pay").to_excel(refs), p.total, money)
        ws.autofilter(0, 0, self.last, len(HEAD) - 1)
        total_row = self.last + 1
        ws.write_string(total_row, 0, self.t("合计", "Total", sep=" "), self.s.get("total"))
        for key, title in (*PAY_PARTS, ("total", "应发合计")):
            col = COL[title]
            value = sum((getattr(r.pay, key) for r in self.rows), Decimal(0))
            self.formula(ws, total_row, col, f"SUM({cell(1, col)}:{cell(self.last, col)})", value,
                         self.s.get("total", num=MONEY))

    def distribution(self, ws) -> None:
        self.header(ws, (("等级", "Grade"), ("等级名称", "Grade name"), ("分数区间", "Range"), ("人数", "Headcount"),
                         ("占比", "Share")), {2: 16})
        bands = sorted(self.inp.grades, key=lambda b: b.min_score, reverse=True)
        appraised = len(self.result.appraised)
        count_all = f'COUNTIF({self.range["考核状态"]},"{self.appraised_word}")'
        for i, band in enumerate(bands, start=1):
            upper = "" if band.max_score is None else f"{band.max_score:f}"
            ws.write_string(i, 0, band.grade, self.s.grade(i - 1, len(bands)))
            ws.write_string(i, 1, band.name, self.s.get("cell"))
            ws.write_string(i, 2, f"[{band.min_score:f}, {upper or '∞'})", self.s.get("cell"))
            count = sum(1 for r in self.result.appraised if r.grade.grade == band.grade)
            self.formula(ws, i, 3, f'COUNTIF({self.range["等级"]},{cell(i, 0)})', count, self.s.get("cell", num="0"))
            share = Decimal(count) / appraised if appraised else Decimal(0)
            self.formula(ws, i, 4, f"IF({count_all}=0,0,{cell(i, 3)}/{count_all})", share,
                         self.s.get("cell", num="0.0%"))
        last = len(bands)
        ws.write_string(last + 1, 0, self.t("合计", "Total", sep=" "), self.s.get("total"))
        self.formula(ws, last + 1, 3, f"SUM({cell(1, 3)}:{cell(last, 3)})", appraised, self.s.get("total", num="0"))
        chart = self.book.add_chart({"type": "column"})
        sheet, people = self.names.distribution, self.lang.inline("人数", "Headcount")
        chart.add_series({"name": people, "categories": [sheet, 1, 1, last, 1], "values": [sheet, 1, 3, last, 3],
                          "data_labels": {"value": True}})
        period = self.inp.settings.period
        chart.set_title({"name": self.t(f"{period.label} 考核等级分布",
                                        f"Grade distribution, {Language('en').period_label(period)}", sep=" ")})
        chart.set_legend({"none": True})
        chart.set_y_axis({"name": people, "major_gridlines": {"visible": True}})
        # Below the table, as wide as it (~5 columns): portrait A4 holds both on one page.
        ws.insert_chart(last + 3, 0, chart, {"x_offset": 4, "y_offset": 4, "x_scale": 1.0, "y_scale": 1.1})
        self.chart_bottom = last + 3 + 18

    def departments(self, ws) -> None:
        self.header(ws, (("公司", "Company"), ("部门", "Department"), ("考核人数", "Number appraised"), ("平均分", "Average"),
                         ("最高分", "Highest"), ("最低分", "Lowest"), ("应发合计", "Total pay")), {0: 14, 1: 14, 6: 16})
        groups: dict[tuple[str, str], list] = {}
        for r in self.rows:
            groups.setdefault(r.employee.department_key, []).append(r)
        appraised = f'{self.range["考核状态"]},"{self.appraised_word}"'
        row = 1
        companies = sorted({company for company, _ in groups})
        for company in companies:
            for (c, department), members in sorted(groups.items()):
                if c != company:
                    continue
                criteria = f'{self.range["公司"]},{cell(row, 0)},{self.range["部门"]},{cell(row, 1)}'
                self.stat_row(ws, row, company, department, members, criteria, appraised)
                row += 1
            members = [r for r in self.rows if r.employee.company == company]
            self.stat_row(ws, row, company, self.say("（公司合计）", "(company total)"), members,
                          f'{self.range["公司"]},{cell(row, 0)}', appraised, True)
            row += 1
        self.stat_row(ws, row, self.say("全集团", "Group"), "", list(self.rows), None, appraised, True)
        self.department_rows = row

    def stat_row(self, ws, row, company, department, members, criteria, status, bold=False):
        fmt = (lambda n: self.s.get("total", num=n)) if bold else (lambda n: self.s.get("cell", num=n))
        ws.write_string(row, 0, company, fmt(None))
        ws.write_string(row, 1, department, fmt(None))
        scored = [r.total for r in members if r.appraised]
        where = f"{criteria}," if criteria else ""
        count = f"COUNTIFS({where}{status})"
        self.formula(ws, row, 2, count, len(scored), fmt("0"))
        mean = sum(scored, Decimal(0)) / len(scored) if scored else Decimal(0)
        totals = self.range["总分"]
        self.formula(ws, row, 3, f"IF({count}=0,0,AVERAGEIFS({totals},{where}{status}))", mean, fmt("0.00"))
        self.formula(ws, row, 4, f"IF({count}=0,0,_xlfn.MAXIFS({totals},{where}{status}))", max(scored, default=0), fmt("0.00"))
        self.formula(ws, row, 5, f"IF({count}=0,0,_xlfn.MINIFS({totals},{where}{status}))", min(scored, default=0), fmt("0.00"))
        pay = sum((r.pay.total for r in members), Decimal(0))
        pay_excel = f'SUMIFS({self.range["应发合计"]},{criteria})' if criteria else f'SUM({self.range["应发合计"]})'
        self.formula(ws, row, 6, pay_excel, pay, fmt(MONEY))

    def not_appraised(self, ws) -> None:
        self.header(ws, (("工号", "ID"), ("姓名", "Name"), ("公司", "Company"), ("部门", "Department"), ("岗位", "Role"),
                         ("缺勤月数", "Months absent"), ("原因", "Reason")), {6: ABSENT_REASON_WIDTH})
        for i, r in enumerate(self.result.not_appraised, start=1):
            e, reason = r.employee, not_appraised_text(r.not_appraised_reason, self.prose)
            fit_row(ws, i, [(reason, ABSENT_REASON_WIDTH)])
            ws.write_row(i, 0, (e.employee_id, e.name, e.company, e.department, e.role), self.s.get("cell"))
            ws.write_number(i, 5, num(e.months_absent), self.s.get("cell", num="0.0"))
            ws.write_string(i, 6, reason, self.s.get("wrap"))

    def warnings(self, ws) -> None:
        level = self.say("提示", "Warning")
        widths = self.header(ws, (("级别", "Level"), ("文件", "File"), ("工作表", "Sheet"), ("行", "Row"), ("列", "Column"),
                                  ("说明", "Message")), {**WARNING_WIDTHS, 0: text_width([level], 6, 10)})
        self.warning_rows = 0
        for i, w in enumerate(period_warnings(self.result), start=1):
            self.warning_rows = i
            fit_row(ws, i, [(w.file, widths[1]), (w.sheet, widths[2]), (w.column, widths[4]), (w.message, widths[5])])
            ws.write_string(i, 0, level, self.s.get("cell", valign="top"))
            for col, text in ((1, w.file), (2, w.sheet), (4, w.column), (5, w.message)):
                ws.write_string(i, col, text, self.s.get("wrap"))
            if w.row is not None:
                ws.write_number(i, 3, w.row, self.s.get("cell", valign="top"))
            else:
                ws.write_blank(i, 3, None, self.s.get("cell"))


def render_summary(result: PeriodResult, password: str = "", created: datetime | None = None,
                   states: Mapping[str, str] | None = None) -> bytes:
    """The workbook's bytes; ``states``: employee → where the letter stands (reporter.pipeline.settle.STATES)."""
    buffer = io.BytesIO()
    book = new_workbook(buffer, created or result.input.settings.period.document_date, streaming=True)
    _Summary(book, result, states).write(password)
    book.close()
    return buffer.getvalue()

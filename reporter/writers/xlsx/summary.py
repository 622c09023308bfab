"""The HR summary workbook: everyone on one filterable sheet, live to the scorecard sheets behind it.

Sheets: 汇总 (one row per employee; totals and pay refer to the employee's
own scorecard sheet, grade and ranks are formulas), 等级分布 (COUNTIF
against the bands, with a chart), 部门统计 (department and company
averages), 工资表 (what payroll imports), 未参与考核, 提示 (every warning),
规则 (bands, the scoring methods, every other rule's formula, the KPI library), then one scorecard
sheet per appraised employee.  Correct a value on an employee's sheet and
the whole workbook follows.
"""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from reporter.model import PeriodResult
from reporter.rules.engine import TOTAL_FORMULA
from reporter.rules.pay import PAY_FORMULAS, pay_formula
from reporter.rules.rulebook import RULE_FORMULAS, rule
from reporter.rules.scoring import METHOD_FORMULAS
from reporter.writers.payroll_csv import NOT_IN_TOTAL
from reporter.writers.wording import (
    METHOD_NAMES,
    annual_reward_title,
    hr_note,
    not_appraised_text,
    period_warnings,
)
from reporter.writers.xlsx.layout import ScorecardCells, num
from reporter.writers.xlsx.scorecard import sheet_name, write_scorecard_sheet
from reporter.writers.xlsx.style import MONEY, Styles, new_workbook, print_setup, row_height, wrapped_lines

SUMMARY = "汇总"
RULES = "规则"
HEAD = ("工号", "姓名", "公司", "部门", "岗位", "考核状态", "总分", "等级", "等级名称", "部门排名", "岗位排名",
        "绩效系数", "岗位工资", "个人绩效提成", "公共绩效提成", "工龄工资", "一次性奖励", "应发合计", "备注", "排名组")
COL = {name: i for i, name in enumerate(HEAD)}
PAY_PARTS = (("position_pay", "岗位工资"), ("personal_commission", "个人绩效提成"),
             ("shared_commission", "公共绩效提成"), ("seniority_pay", "工龄工资"), ("one_time_bonus", "一次性奖励"))
APPRAISED, NOT_APPRAISED = "已考核", "未参与考核"
PAYROLL_WIDTHS = {0: 9, 1: 8, 2: 8, 3: 12, 4: 12, 5: 10, 6: 13, 7: 13, 8: 13, 9: 11, 10: 11, 11: 14, 12: 16}
APPROVALS = ("制表", "审核", "批准")
SUMMARY_NOTE_WIDTH = 30


def every_rule() -> list[tuple[str, str]]:
    """Every rule's name and formula text but the scoring methods', in the order a scorecard applies them."""
    return [("total", TOTAL_FORMULA), *RULE_FORMULAS.items(), *PAY_FORMULAS.items()]


def cell(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def column_range(sheet: str, col: int, first: int, last: int) -> str:
    letter = xl_col_to_name(col)
    return f"'{sheet}'!${letter}${first + 1}:${letter}${last + 1}"


class _Summary:
    def __init__(self, book, result: PeriodResult):
        self.book, self.result, self.s = book, result, Styles(book)
        self.inp = result.input
        self.rows = result.results
        self.last = len(self.rows)  # data rows 1..last on 汇总
        self.range = {name: column_range(SUMMARY, COL[name], 1, self.last) for name in HEAD}

    def write(self, password: str = "") -> None:
        summary = self.book.add_worksheet(SUMMARY)
        sheets = [self.book.add_worksheet(n) for n in ("等级分布", "部门统计", "工资表", "未参与考核", "提示")]
        rules = self.book.add_worksheet(RULES)
        band_rows = self.rules(rules)
        cells: dict[str, ScorecardCells] = {}
        for r in self.result.appraised:
            cells[r.employee.employee_id] = write_scorecard_sheet(self.book, self.s, sheet_name(r), self.result, r,
                                                                  password)
        self.summary(summary, cells, band_rows)
        self.distribution(sheets[0])
        self.departments(sheets[1])
        self.payroll(sheets[2])
        self.not_appraised(sheets[3])
        self.warnings(sheets[4])
        self.print_settings(summary, sheets, rules)

    def print_settings(self, summary, sheets, rules) -> None:
        """Every sheet prints: A4, header and footer, wide sheets one page wide in landscape."""
        settings = self.inp.settings
        distribution, departments, payroll, absent, warnings = sheets
        print_setup(summary, settings, "考核结果汇总", landscape=True, area=(self.last + 1, len(HEAD) - 1))
        print_setup(distribution, settings, "等级分布", landscape=False, area=(self.chart_bottom, 7))
        distribution.fit_to_pages(1, 1)  # the table and its chart on one page
        print_setup(departments, settings, "部门统计", landscape=False, area=(self.department_rows, 6))
        print_setup(payroll, settings, "工资表", landscape=True, area=(self.payroll_last, 12))
        print_setup(absent, settings, "未参与考核人员", landscape=True,
                    area=(max(1, len(self.result.not_appraised)), 6))
        print_setup(warnings, settings, "提示", landscape=True, area=(max(1, self.warning_rows), 5))
        print_setup(rules, settings, "考核规则", landscape=True, repeat=None, area=(self.rules_last, 9))

    # -- helpers ------------------------------------------------------------

    def header(self, ws, titles, widths=None):
        ws.write_row(0, 0, titles, self.s.get("header"))
        ws.freeze_panes(1, 0)
        for i, title in enumerate(titles):
            ws.set_column(i, i, (widths or {}).get(i, max(9, 2 * len(title) + 2)))

    def formula(self, ws, row, col, excel, value, fmt=None):
        ws.write_formula(row, col, "=" + excel, fmt or self.s.get("cell"), num(value))

    def rank_refs(self, row: int) -> dict[str, str]:
        """The rank rules' names on 汇总: peers are the columns (a not-appraised row's 总分 is blank, never counted)."""
        refs = {}
        for name, title in (("company", "公司"), ("department", "部门"), ("role", "岗位"), ("rank_group", "排名组"),
                            ("total", "总分")):
            refs[name], refs[f"peer_{name}"] = cell(row, COL[title]), self.range[title]
        return refs

    # -- sheets -------------------------------------------------------------

    def rules(self, ws) -> tuple[int, int]:
        ws.write_string(0, 0, "等级标准（总分落在 [下限, 上限) 即为该等级；按下限升序排列供查表）", self.s.get("section"))
        titles = ("等级", "等级名称", "分数下限", "分数上限", "绩效系数", "培训强度", "职位晋升", "岗位级别", "岗位工资调整", "不及格")
        ws.write_row(1, 0, titles, self.s.get("header"))
        for i, band in enumerate(self.inp.grades):
            row = 2 + i
            ws.write_string(row, 0, band.grade, self.s.get("cell"))
            ws.write_string(row, 1, band.name, self.s.get("cell"))
            ws.write_number(row, 2, num(band.min_score), self.s.get("cell", num="0.00"))
            if band.max_score is None:
                ws.write_string(row, 3, "—", self.s.get("cell"))
            else:
                ws.write_number(row, 3, num(band.max_score), self.s.get("cell", num="0.00"))
            ws.write_number(row, 4, num(band.pay_coefficient), self.s.get("cell", num="0%"))
            for col, text in enumerate((band.training, band.promotion, band.level_change, band.salary_change,
                                        "是" if band.failing else "否"), start=5):
                ws.write_string(row, col, text, self.s.get("cell"))
        band_rows = (2, 1 + len(self.inp.grades))
        row = band_rows[1] + 3
        ws.write_string(row, 0, "评分方法（value 为实际值，weight 为权重；得分四舍五入到分）", self.s.get("section"))
        ws.write_row(row + 1, 0, ("方法", "方向", "得分公式"), self.s.get("header"))
        row += 2
        for (method, direction), text in METHOD_FORMULAS.items():
            ws.write_row(row, 0, (METHOD_NAMES[method], {"higher": "越高越好", "lower": "越低越好",
                                                        "uncapped": "不封顶"}.get(direction, "—"), text),
                         self.s.get("cell"))
            row += 1
        row += 1
        ws.write_string(row, 0, "规则公式（总分、等级、系数、排名、加减分、工资；金额逐项四舍五入到分）",
                        self.s.get("section"))
        ws.write_row(row + 1, 0, ("规则", "", "公式"), self.s.get("header"))
        row += 2
        for name, text in every_rule():
            ws.write_row(row, 0, (name, "", text), self.s.get("cell"))
            row += 1
        row += 1
        ws.write_string(row, 0, "指标库", self.s.get("section"))
        ws.write_row(row + 1, 0, ("指标代码", "指标名称", "计算公式", "单位", "方向", "指标定义", "数据来源"),
                     self.s.get("header"))
        row += 2
        for kpi in self.inp.kpis.values():
            ws.write_row(row, 0, (kpi.code, kpi.name, kpi.formula.text, kpi.unit,
                                  "越高越好" if kpi.direction == "higher" else "越低越好", kpi.definition, kpi.source),
                         self.s.get("cell"))
            row += 1
        for col, width in enumerate((18, 14, 60, 10, 10, 30, 14, 12, 14, 8)):
            ws.set_column(col, col, width)
        self.rules_last = row - 1
        return band_rows

    def summary(self, ws, cells: dict[str, ScorecardCells], band_rows) -> None:
        # Narrow columns (headers wrap) and a wrapped 备注: 19 columns on one landscape page width.
        widths = {i: 8 for i in range(len(HEAD))}
        widths.update({0: 8, 1: 8, 2: 10, 3: 10, 4: 12, 6: 7, 7: 6, 17: 12, 18: SUMMARY_NOTE_WIDTH})
        widths.update({COL[title]: 11 for _, title in PAY_PARTS})
        self.header(ws, HEAD, widths)
        ws.set_row(0, 30)
        bands = {name: column_range(RULES, col, *band_rows)
                 for name, col in (("band_grade", 0), ("band_name", 1), ("band_min", 2))}
        money = self.s.get("cell", num=MONEY)
        for i, r in enumerate(self.rows, start=1):
            e, p = r.employee, r.pay
            for name, value in (("工号", e.employee_id), ("姓名", e.name), ("公司", e.company), ("部门", e.department),
                                ("岗位", e.role), ("考核状态", APPRAISED if r.appraised else NOT_APPRAISED),
                                ("排名组", e.rank_group)):
                ws.write_string(i, COL[name], value, self.s.get("cell"))
            note = hr_note(r, self.inp.settings.period.kind)
            if wrapped_lines(note, SUMMARY_NOTE_WIDTH) > 1:  # a wrapped note grows its row in no program's print
                ws.set_row(i, row_height(wrapped_lines(note, SUMMARY_NOTE_WIDTH)))
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
        ws.write_string(total_row, 0, "合计", self.s.get("total"))
        for key, title in (*PAY_PARTS, ("total", "应发合计")):
            col = COL[title]
            value = sum((getattr(r.pay, key) for r in self.rows), Decimal(0))
            self.formula(ws, total_row, col, f"SUM({cell(1, col)}:{cell(self.last, col)})", value,
                         self.s.get("total", num=MONEY))
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.repeat_rows(0)

    def distribution(self, ws) -> None:
        self.header(ws, ("等级", "等级名称", "分数区间", "人数", "占比"), {2: 16})
        bands = sorted(self.inp.grades, key=lambda b: b.min_score, reverse=True)
        appraised = len(self.result.appraised)
        count_all = f'COUNTIF({self.range["考核状态"]},"{APPRAISED}")'
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
        ws.write_string(last + 1, 0, "合计", self.s.get("total"))
        self.formula(ws, last + 1, 3, f"SUM({cell(1, 3)}:{cell(last, 3)})", appraised, self.s.get("total", num="0"))
        chart = self.book.add_chart({"type": "column"})
        chart.add_series({"name": "人数", "categories": ["等级分布", 1, 1, last, 1], "values": ["等级分布", 1, 3, last, 3],
                          "data_labels": {"value": True}})
        chart.set_title({"name": f"{self.inp.settings.period.label} 考核等级分布"})
        chart.set_legend({"none": True})
        chart.set_y_axis({"name": "人数", "major_gridlines": {"visible": True}})
        # Below the table, as wide as it (~5 columns): portrait A4 holds both on one page.
        ws.insert_chart(last + 3, 0, chart, {"x_offset": 4, "y_offset": 4, "x_scale": 1.0, "y_scale": 1.1})
        self.chart_bottom = last + 3 + 18

    def departments(self, ws) -> None:
        self.header(ws, ("公司", "部门", "考核人数", "平均分", "最高分", "最低分", "应发合计"), {0: 14, 1: 14, 6: 16})
        groups: dict[tuple[str, str], list] = {}
        for r in self.rows:
            groups.setdefault(r.employee.department_key, []).append(r)
        status = f'{self.range["考核状态"]},"{APPRAISED}"'
        row = 1
        companies = sorted({company for company, _ in groups})
        for company in companies:
            for (c, department), members in sorted(groups.items()):
                if c != company:
                    continue
                criteria = f'{self.range["公司"]},{cell(row, 0)},{self.range["部门"]},{cell(row, 1)}'
                self.stat_row(ws, row, company, department, members, criteria, status)
                row += 1
            members = [r for r in self.rows if r.employee.company == company]
            self.stat_row(ws, row, company, "（公司合计）", members, f'{self.range["公司"]},{cell(row, 0)}', status, True)
            row += 1
        self.stat_row(ws, row, "全集团", "", list(self.rows), None, status, True)
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

    def payroll(self, ws) -> None:
        reward = annual_reward_title(self.inp.settings.period) + NOT_IN_TOTAL
        titles = ("考核期间", "工号", "姓名", "公司", "部门", "考核状态", "岗位工资", "个人绩效提成", "公共绩效提成",
                  "工龄工资", "一次性奖励", "应发合计", reward)
        self.header(ws, titles, PAYROLL_WIDTHS)
        ws.set_row(0, 30)
        period = self.inp.settings.period.key
        money = self.s.get("cell", num=MONEY)
        for i, r in enumerate(self.rows, start=1):
            ws.write_string(i, 0, period, self.s.get("cell"))
            for col, name in enumerate(("工号", "姓名", "公司", "部门", "考核状态"), start=1):
                ws.write_formula(i, col, f"='{SUMMARY}'!{cell(i, COL[name], True)}", self.s.get("cell"),
                                 {"工号": r.employee.employee_id, "姓名": r.employee.name, "公司": r.employee.company,
                                  "部门": r.employee.department,
                                  "考核状态": APPRAISED if r.appraised else NOT_APPRAISED}[name])
            for col, (key, title) in enumerate((*PAY_PARTS, ("total", "应发合计")), start=6):
                self.formula(ws, i, col, f"'{SUMMARY}'!{cell(i, COL[title], True)}", getattr(r.pay, key), money)
            if r.pay.annual_reward is not None:
                ws.write_number(i, 12, num(r.pay.annual_reward), money)
        self.payroll_totals(ws, len(self.rows) + 1)

    def payroll_totals(self, ws, row: int) -> None:
        """合计 of every money column, then the approval block (制表 / 审核 / 批准, each with 日期)."""
        last = row - 1
        ws.merge_range(row, 0, row, 5, f"合计（{len(self.rows)} 人）", self.s.get("total"))
        for col, key in enumerate(("position_pay", "personal_commission", "shared_commission", "seniority_pay",
                                   "one_time_bonus", "total"), start=6):
            value = sum((getattr(r.pay, key) for r in self.rows), Decimal(0))
            self.formula(ws, row, col, f"SUM({cell(1, col)}:{cell(last, col)})", value, self.s.get("total", num=MONEY))
        rewards = [r.pay.annual_reward for r in self.rows if r.pay.annual_reward is not None]
        self.formula(ws, row, 12, f"SUM({cell(1, 12)}:{cell(last, 12)})", sum(rewards, Decimal(0)),
                     self.s.get("total", num=MONEY))
        row += 2
        ws.merge_range(row, 0, row, 12, f"说明：{annual_reward_title(self.inp.settings.period)}年终结算，不计入应发合计。",
                       self.s.get("note"))
        row += 2
        for offset, words in ((0, [f"{t}：" for t in APPROVALS]), (1, ["日期："] * len(APPROVALS))):
            ws.set_row(row + offset, 30)  # room to sign; the summary streams, so each row is written whole
            for word, (label, first, last) in zip(words, ((0, 1, 3), (5, 6, 8), (9, 10, 12)), strict=True):
                ws.write_string(row + offset, label, word, self.s.get("", align="right"))
                ws.merge_range(row + offset, first, row + offset, last, "", self.s.get("sign"))
        self.payroll_last = row + 1

    def not_appraised(self, ws) -> None:
        self.header(ws, ("工号", "姓名", "公司", "部门", "岗位", "缺勤月数", "原因"), {6: 70})
        for i, r in enumerate(self.result.not_appraised, start=1):
            e = r.employee
            ws.write_row(i, 0, (e.employee_id, e.name, e.company, e.department, e.role), self.s.get("cell"))
            ws.write_number(i, 5, num(e.months_absent), self.s.get("cell", num="0.0"))
            ws.write_string(i, 6, not_appraised_text(r.not_appraised_reason), self.s.get("cell"))

    def warnings(self, ws) -> None:
        self.header(ws, ("级别", "文件", "工作表", "行", "列", "说明"), {1: 24, 2: 12, 4: 18, 5: 90})
        self.warning_rows = 0
        for i, w in enumerate(period_warnings(self.result), start=1):
            self.warning_rows = i
            ws.write_row(i, 0, ("提示", w.file, w.sheet), self.s.get("cell"))
            if w.row is not None:
                ws.write_number(i, 3, w.row, self.s.get("cell"))
            ws.write_string(i, 4, w.column, self.s.get("cell"))
            ws.write_string(i, 5, w.message, self.s.get("cell"))


def render_summary(result: PeriodResult, password: str = "", created: datetime | None = None) -> bytes:
    buffer = io.BytesIO()
    book = new_workbook(buffer, created or result.input.settings.period.document_date, streaming=True)
    _Summary(book, result).write(password)
    book.close()
    return buffer.getvalue()

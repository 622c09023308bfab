"""The employee scorecard (考核表): one A4 sheet whose computed cells are live formulas.

Every formula is the Excel translation of the very rule the engine ran (the
KPI formula, the scoring method's formula, the total and pay formulas), and
carries the engine's result as its cached value, so a viewer that does not
recalculate still shows the right numbers.  Yellow cells are inputs: change
one, recalculate, and points, total, grade and pay follow.

Page 1 is the scorecard proper: the plan, the totals and the pay; page 2 is the
appendix its formulas read: a director's provisional annual reward (an
estimate, not this period's pay), the month's data, bonus/penalty items and the
grade bands, closed by the two signatures, which so cover the data too.  A plan
of 14 lines prints on these two A4 pages at 8 pt.  Because formulas on page 1
refer to cells on page 2, the positions of all blocks are fixed first
(:mod:`.layout`), then written.
"""

from __future__ import annotations

import io
from datetime import datetime

from reporter.input.schema import CATEGORIES
from reporter.model import EmployeeResult, PeriodResult
from reporter.rules.engine import total_formula
from reporter.rules.pay import pay_formula
from reporter.rules.rulebook import ADJUSTMENT_RULES, rule
from reporter.writers.language import language
from reporter.writers.wording import (
    METHOD_NAMES,
    METHOD_NAMES_EN,
    employee_flags,
    first_rank_rule,
    flag_text,
    running,
)
from reporter.writers.xlsx.appendix import AppendixBlocks
from reporter.writers.xlsx.layout import (
    COLUMNS,
    COLUMNS_EN,
    DETAILS_ROW,
    EXTRA_ADJUSTMENT_ROWS,
    ITEMS_HEADER_ROW,
    LAST_COL,
    PARAM_COLUMN,
    POINTS_COL,
    PRINT_SCALE,
    RIGHT_LABELS,
    RIGHT_VALUE_AT,
    SECTION_ROWS,
    SIGNATURE_ROWS,
    SPACER_HEIGHT,
    STANDARD_COL,
    VALUE_AT,
    VALUE_COL,
    ScorecardCells,
    column_widths,
    measure_names,
    num,
    plan_layout,
    ref,
    span_width,
)
from reporter.writers.xlsx.pages import print_words, whole_blocks
from reporter.writers.xlsx.rows import ScorecardRows
from reporter.writers.xlsx.style import (
    DEFAULT_ROW_HEIGHT,
    MONEY,
    RuleSheet,
    Styles,
    input_rule,
    new_workbook,
    page_height,
    print_setup,
    row_height,
    wrapped_lines,
)

CATEGORY_NAMES = {code: names[0] for code, names in CATEGORIES.items()}
CATEGORY_NAMES_EN = {"kpi": "KPI", "key_goal": "Key goal", "bonus": "Adjustment", "attendance": "Attendance",
                     "weekly_report": "Reporting", "ability": "Ability", "attitude": "Attitude"}
# What Excel says when a yellow cell is given a value its kind refuses (style.input_rule has the Chinese).
INPUT_ERRORS_EN = {"count": "A whole number, 0 or more", "days": "Days, 0 or more, in steps of half a day (0.5)",
                   "number": "A number", "amount": "A number, 0 or more", "percent": "A number, 0 or more"}
class ScorecardSheet(ScorecardRows, AppendixBlocks):
    param_column, value_col, points_col, last_col = PARAM_COLUMN, VALUE_COL, POINTS_COL, LAST_COL
    details_row, items_header_row = DETAILS_ROW, ITEMS_HEADER_ROW
    detail_spans = ((0, 1, 2, 3), (4, 4, 5, 7), (8, 8, 9, 10))  # a details row's label from … to, value from … to

    def __init__(self, book, styles: Styles, name: str, result: PeriodResult, r: EmployeeResult):
        self.ws = book.add_worksheet(name, worksheet_class=RuleSheet)
        self.s, self.result, self.r, self.inp = styles, result, r, result.input
        self.lang = language(self.inp.settings.language)
        self.t, self.say = self.lang.label, self.lang.say
        self.widths = column_widths(self.lang.code, [band.level_change for band in self.inp.grades])
        self.measures = measure_names(result, r)
        self.at = plan_layout(result, r, self.measures)
        self.cells = ScorecardCells()
        self.heights: dict[int, float] = {}
        self.validations: dict[tuple, list[tuple[int, int]]] = {}  # rule → its input cells
        adjustments = len(self.inp.adjustments.get(r.employee.employee_id, ())) + EXTRA_ADJUSTMENT_ROWS
        self.adjustment_range = f"{ref(self.at.adjustments, VALUE_AT)}:{ref(self.at.adjustments + adjustments - 1, VALUE_AT)}"
        self.refs = {name: ref(self.at.measures + i, VALUE_AT) for i, name in enumerate(self.measures)}
        for name in ADJUSTMENT_RULES:
            self.refs[name] = rule(name).to_excel({"adjustment_points": self.adjustment_range})
        bands = self.at.bands, self.at.bands + len(self.inp.grades) - 1
        self.band = {key: f"{ref(bands[0], col)}:{ref(bands[1], col)}"
                     for key, col in (("band_grade", 0), ("band_name", 1), ("band_min", 2), ("band_coefficient", 4))}

    # -- small writers ----------------------------------------------------

    def text(self, row, col, value, fmt=None):
        self.ws.write_string(row, col, "" if value is None else str(value), fmt or self.s.get("cell"))

    def number(self, row, col, value, number_format, *, editable=False, kind: str | None = None, **extra):
        """A number; an editable one is a yellow input cell validated by its kind (see style.input_rule)."""
        self.ws.write_number(row, col, num(value), self.s.get("cell", num=number_format, input_cell=editable, **extra))
        if editable and kind:
            rule_ = input_rule(kind, ref(row, col).replace("$", ""))
            if self.lang.prose == "en":
                rule_["error_message"] = INPUT_ERRORS_EN.get(kind, INPUT_ERRORS_EN["number"])
            self.validate(row, col, rule_)

    def formula(self, row, col, excel: str, value, number_format=None, fmt=None):
        self.ws.write_formula(row, col, "=" + excel, fmt or self.s.get("cell", num=number_format), num(value))

    def wrapping(self, name: str, **extra):
        """A format that wraps its text in English and bilingual sheets, whose labels run longer than Chinese."""
        return self.s.get(name, **extra, **({"text_wrap": True} if self.lang.code != "zh" else {}))

    def fit(self, zh: str, en: str, first: int, last: int) -> str:
        """A label for the columns first..last: a bilingual one on one line when it fits there, else stacked."""
        inline = self.lang.inline(zh, en)
        if self.lang.bilingual and wrapped_lines(inline, span_width(first, last, self.widths)) == 1:
            return inline
        return self.t(zh, en)

    def merge(self, row, first, last, value, fmt):
        if first == last:
            self.ws.write_string(row, first, value, fmt)
        else:
            self.ws.merge_range(row, first, row, last, value, fmt)

    def section(self, row: int, title: str, note: str = "") -> int:
        """Title of a block one row below ``row`` (a blank spacer); returns the row after the title."""
        self.set_height(row, SPACER_HEIGHT)
        self.ws.merge_range(row + 1, 0, row + 1, 4, title, self.wrapping("section"))
        if note:
            self.ws.merge_range(row + 1, 5, row + 1, LAST_COL, note, self.s.get("note", text_wrap=True))
        self.fit_height(row + 1, [(note, 5, LAST_COL), (title, 0, 4)])
        return row + 2

    def fit_height(self, row: int, texts: list[tuple], minimum: int = 1):
        """Wrapped text grows a row in neither program's print (merged cells never): size it here.

        ``texts`` holds (text, column) or (text, first column, last column) of a merged range.
        """
        lines = max([minimum, *(wrapped_lines(t, span_width(c[0], c[-1], self.widths)) for t, *c in texts if t)])
        if lines > 1:
            self.set_height(row, row_height(lines))

    def set_height(self, row: int, points: float):
        self.ws.set_row(row, points)
        self.heights[row] = points

    def page_breaks(self) -> list[int]:
        """Before the appendix; and before the pay block too when page 1 would not hold it all.

        LibreOffice and Excel break a page wherever it is full: on a long plan that splits the pay block.
        Row heights are all known here (set, or the 15-pt default), so the break is planned instead: a
        plan of up to 14 lines, its totals and the pay on page 1; a longer one moves the pay to a page
        of its own.
        """
        appendix = self.at.annual
        used = sum(self.heights.get(row, DEFAULT_ROW_HEIGHT) for row in range(appendix))
        return [appendix] if used <= page_height(PRINT_SCALE) else [self.at.pay, appendix]

    # -- blocks -----------------------------------------------------------

    def write(self) -> ScorecardCells:
        self.header()
        self.lines()
        self.totals()
        self.pay()
        if self.r.pay.annual_reward is not None:  # an estimate, not this period's pay: the appendix opens with it
            self.row = self.at.annual
            self.annual_reward()
        self.appendix()
        self.signatures()
        blocks = [self.at.annual] if self.r.pay.annual_reward is not None else []
        blocks += [self.at.measures - SECTION_ROWS, self.at.adjustments - SECTION_ROWS, self.at.bands - SECTION_ROWS]
        ends = [*blocks[1:], self.at.signatures + SIGNATURE_ROWS]  # the signatures stay with the grade bands
        breaks = whole_blocks(self.page_breaks(), self.heights, self.at, list(zip(blocks, ends, strict=True)))
        self.ws.set_h_pagebreaks(breaks)  # every row's height is known now
        self.write_validations()
        self.page_setup()
        return self.cells

    def header(self):
        e, s, review = self.r.employee, self.inp.settings, self.r.review
        t = self.t
        self.title_rows(f"{s.company} {self.lang.inline('绩效考核表', 'Performance Scorecard')}")
        self.detail_rows([
            (t("工号", "Employee ID"), e.employee_id), (t("姓名", "Name"), e.name),
            (t("公司", "Company"), e.company), (t("部门", "Department"), e.department),
            (t("岗位", "Role"), e.role), (t("直属上级", "Manager"), e.manager or "—"),
            (t("入职日期", "Hire date"), e.hire_date.isoformat()),
            (t("考核日期", "Appraised on"), s.appraisal_date.isoformat() if s.appraisal_date else "—"),
            (t("考核人", "Appraiser"), review.reviewer if review else "—"),
            (t("面谈日期", "Interview"), review.interview_date.isoformat() if review and review.interview_date else "—")])
        self.items_header(COLUMNS, COLUMNS_EN)

    def lines(self):
        t, say = self.t, self.say
        for i, lr in enumerate(self.r.lines):
            line, row = lr.line, self.at.lines + i
            self.number(row, 0, i + 1, "0", align="center")
            category = t(CATEGORY_NAMES.get(line.category, line.category),
                         CATEGORY_NAMES_EN.get(line.category, line.category))
            self.text(row, 1, category, self.s.get("cell", text_wrap=True))
            self.text(row, 2, line.item, self.s.get("wrap"))
            self.line_cells(row, lr)
            standard = (line.standard or say(METHOD_NAMES[line.method], METHOD_NAMES_EN[line.method])) \
                + self.change_note(line)
            if line.supports and not self.inp.units:  # with units the code is in 目标对齐, and page 1 stays one page
                standard += say(f"（支撑：{line.supports}）", f" (supports: {line.supports})")
            self.text(row, STANDARD_COL, standard, self.s.get("wrap"))
            self.fit_height(row, [(category, 1), (line.item, 2), (standard, STANDARD_COL)])

    def totals(self):
        r, row = self.r, self.at.totals
        first, last = ref(self.at.lines, POINTS_COL), ref(self.at.totals - 1, POINTS_COL)
        points_sum = f"SUM({first}:{last})" if r.lines else "0"
        total_fmt = self.s.get("total", num="0.00")
        t, say, prose = self.t, self.say, self.lang.prose
        label_fmt = self.wrapping("total")
        label = self.fit("总分（各项得分之和，不低于 0）", "Total (sum of the points, not below 0)", 0, 8)
        self.ws.merge_range(row, 0, row, 8, label, label_fmt)
        self.fit_height(row, [(label, 0, 8)])
        self.formula(row, POINTS_COL, total_formula().to_excel({"points_sum": points_sum}), r.total, fmt=total_fmt)
        self.cells.total = ref(row, POINTS_COL)
        row += 1
        label = self.fit("等级（按附页等级标准查表）", "Grade (looked up in the grade bands of the appendix)", 0, 8)
        self.ws.merge_range(row, 0, row, 8, label, label_fmt)
        self.cells.grade = ref(row, POINTS_COL)
        self.formula(row, POINTS_COL, rule("grade").to_excel({**self.band, "total": self.cells.total}), r.grade.grade,
                     fmt=self.s.get("total", align="center"))
        self.formula(row, STANDARD_COL, rule("grade_name").to_excel({**self.band, "grade": self.cells.grade}),
                     r.grade.name, fmt=self.s.get("total"))
        ordered = sorted(self.inp.grades, key=lambda g: g.min_score, reverse=True)
        for i, band in enumerate(ordered):
            self.ws.conditional_format(row, POINTS_COL, row, POINTS_COL, {
                "type": "cell", "criteria": "==", "value": f'"{band.grade}"', "format": self.s.grade(i, len(ordered))})
        row += 1
        group = r.employee.rank_group
        among = f"排名组「{group}」内" if group else "全体已考核员工中"
        among_en = f"within rank group “{group}”" if group else "among all appraised employees"
        label = self.fit(f"部门排名 / 岗位排名（生成时在{among}计算）",
                         f"Department rank / role rank (at build time, {among_en})", 0, 8)
        self.ws.merge_range(row, 0, row, 8, label, label_fmt)
        self.text(row, POINTS_COL, f"{r.department_rank}/{r.department_size}", self.s.get("total", align="center"))
        sep = say("；", "; ")
        flags = sep.join(flag_text(f, self.inp.settings.period.kind, prose) for f in employee_flags(r))
        ranks = f"{t('岗位排名', 'Role rank', sep=' ')} {r.role_rank}/{r.role_size}"
        self.text(row, STANDARD_COL, ranks + (f"{sep}{flags}" if flags else ""), self.s.get("total", text_wrap=True))
        self.fit_height(row, [(f"{ranks}{sep}{flags}", STANDARD_COL), (label, 0, 8)])

    def pay(self):
        """Two columns of pay items, written row by row (the summary streams rows: no going back)."""
        e, p, s = self.r.employee, self.r.pay, self.inp.settings
        say = self.say

        def t(zh: str, en: str) -> tuple[str, str]:  # a label's words, fitted to its cells below
            return zh, en

        # In the note: one line per item. The English one is shorter, to stay on one line too.
        bonus_rule = f"一次性奖励：{running(s.streak_months, s.period.kind)}第一"
        top = self.section(self.at.pay, self.fit("工资核算", "Pay", 0, 4),
                           say(f"金额逐项四舍五入到分；黄色单元格可修改；{bonus_rule}",
                               f"Rounded to the cent. One-time bonus: {first_rank_rule(s, 'en')}"))
        coefficient = rule("pay_coefficient").to_excel({**self.band, "grade": self.cells.grade})
        left = [("position_pay", t("岗位工资", "Position pay"), p.position_pay, MONEY, None),
                ("personal_sales", t("个人销售额", "Personal sales"), e.personal_sales, MONEY, None),
                ("commission_rate", t("个人提成比例", "Personal commission rate"), e.commission_rate, "0.00%", None),
                ("pay_coefficient", t("绩效系数（按等级查表）", "Pay coefficient (by grade)"), p.pay_coefficient, "0%",
                 lambda refs: coefficient),
                ("personal_commission", t("个人绩效提成=销售额×比例×系数", "Commission = sales × rate × coeff."),
                 p.personal_commission, MONEY, lambda refs: pay_formula("personal_commission").to_excel(refs))]
        right = [("seniority_pay", t("工龄工资", "Seniority pay"), p.seniority_pay, MONEY, None),
                 ("one_time_bonus", t("一次性奖励", "One-time bonus"), p.one_time_bonus, MONEY, None)]
        pool = self.inp.pools.get(e.commission_pool)
        if pool is not None:
            right += [("shared_sales", t(f"公共销售业绩总额（{pool.pool}）", f"Shared sales ({pool.pool})"),
                       pool.shared_sales, MONEY, None),
                      ("shared_rate", t("公共提成比例", "Shared commission rate"), pool.rate, "0.00%", None),
                      ("pool_size", t("参与分配人数", "Members sharing"), p.shared_by, "0", None),
                      ("shared_commission", t("公共绩效提成=总额×比例÷人数", "Shared commission = sales × rate ÷ members"),
                       p.shared_commission, MONEY, lambda refs: pay_formula("shared_commission").to_excel(refs))]
        else:
            right.append(("shared_commission", t("公共绩效提成", "Shared commission"), p.shared_commission, MONEY,
                          None))
        # One fact, one input cell: personal sales taken from a measure are a reference to its appendix cell.
        linked = {"personal_sales": lambda refs: self.refs[e.sales_measure]} if e.sales_measure else {}
        refs = {key: ref(top + i, VALUE_AT) for i, (key, *_) in enumerate(left)}
        refs.update({key: ref(top + i, RIGHT_VALUE_AT) for i, (key, *_) in enumerate(right)})
        self.cells.pay.update(refs)
        label_fmt = self.s.get("label", text_wrap=True)
        rows = max(len(left) + 1, len(right))  # the total under the left column, beside the right's last items
        for i in range(rows):
            labels = []
            for items, first, last, at in ((left, 0, 3, VALUE_AT), (right, *RIGHT_LABELS, RIGHT_VALUE_AT)):
                if i < len(items):
                    key, words, value, fmt, excel = items[i]
                    label = self.fit(*words, first, last)
                    excel = linked.get(key, excel)
                    self.ws.merge_range(top + i, first, top + i, last, label, label_fmt)
                    labels.append((label, first, last))
                    if excel is None:
                        kind = "count" if fmt == "0" else "amount"
                        self.number(top + i, at, value, fmt, editable=True, kind=kind)
                    else:
                        self.formula(top + i, at, excel(refs), value, fmt)
                elif items is left and i == len(left):
                    labels.append(self.pay_total(top + i, refs))
            self.fit_height(top + i, labels)
        self.row = top + rows
        assert self.row == self.at.annual, "pay block size drifted from plan_layout"

    def pay_total(self, row: int, refs: dict[str, str]) -> tuple:
        total_label = self.fit("应发合计=岗位工资+提成+工龄+奖励", "Total pay (sum of the pay items)", 0, 3)
        self.ws.merge_range(row, 0, row, 3, total_label, self.s.get("total", text_wrap=True))
        self.formula(row, VALUE_AT, pay_formula("monthly_pay").to_excel(refs), self.r.pay.total,
                     fmt=self.s.get("total", num=MONEY))
        self.cells.pay["total"] = ref(row, VALUE_AT)
        return (total_label, 0, 3)

    def page_setup(self):
        s, ws = self.inp.settings, self.ws
        for col, width in enumerate(self.widths):
            ws.set_column(col, col, width)
        # A fixed scale, not fit-to-width: Excel ignores the planned page breaks when fitting.
        e = self.r.employee
        title = f"{self.lang.inline('绩效考核表', 'Scorecard')} · {e.employee_id} {e.name}"
        print_setup(ws, s, title, landscape=True, repeat=1, scale=PRINT_SCALE,
                    area=(self.at.signatures + SIGNATURE_ROWS - 1, LAST_COL))
        print_words(ws, s, self.lang, title)
        ws.freeze_panes(ITEMS_HEADER_ROW + 1, 0)


def write_scorecard_sheet(book, styles: Styles, name: str, result: PeriodResult, r: EmployeeResult,
                          password: str = "") -> ScorecardCells:
    sheet = ScorecardSheet(book, styles, name, result, r)
    cells = sheet.write()
    sheet.ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True,
                                "format_columns": True, "format_rows": True})
    sheet.ws.finish()
    return cells



def render_scorecard(result: PeriodResult, r: EmployeeResult, password: str = "",
                     created: datetime | None = None) -> bytes:
    buffer = io.BytesIO()
    book = new_workbook(buffer, created or result.input.settings.period.document_date)
    write_scorecard_sheet(book, Styles(book), sheet_name(r), result, r, password)
    book.close()
    return buffer.getvalue()


def sheet_name(r: EmployeeResult) -> str:
    return r.employee.employee_id[:31]

"""The summary workbook's 校准 sheet: the grade mix against the target, outlier reviewers, pay against the budget.

Written by the summary's sheet writer (:class:`CalibrationSheet` is mixed into it, which supplies the
styles, the language, :meth:`formula` and the ranges of 汇总).  Counts are live COUNTIFS over 汇总, so a
corrected scorecard moves them; every share, deviation and outlier test is a rulebook formula
(reporter.rules.calibration) over the row's cells and the settings at the top; the cached values are
the engine's.  Warnings only: the sheet changes nothing, a person decides.
"""

from __future__ import annotations

import re
from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from reporter.formula.criteria import equality_key
from reporter.rules.calibration import MIN_PEOPLE, TOP_GRADES, Calibration, Group, calibrate_period
from reporter.rules.rulebook import rule
from reporter.writers.payroll_csv import status
from reporter.writers.xlsx.layout import num
from reporter.writers.xlsx.pages import print_words
from reporter.writers.xlsx.style import (
    DEFAULT_ROW_HEIGHT,
    MONEY,
    fit_row,
    page_height,
    print_setup,
    row_height,
    text_width,
    wrapped_lines,
)

FLAG_FILL = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
FLAG_FORMAT = '[Red]"●";;'  # 1 shows a red dot, 0 nothing: the same in every language (the column says what)
SHARE, DEVIATION = "0.0%", '+0%;-0%;0%'
TOP = 7  # the table's first row (after the settings, the rule in words and two header rows)
LABELS = (("目标等级分布", "Target mix"), ("校准容差", "Tolerance"), ("绩效工资预算", "Performance pay budget"),
          ("目标占比", "Target share"))
FLAGS = (("rating_outlier", "评分偏离", "Rating off"), ("top_heavy", "高等级偏多", "Top-heavy"),
         ("bottom_heavy", "低等级偏多", "Bottom-heavy"))


def _cell(row: int, col: int, row_abs: bool = False, col_abs: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=row_abs, col_abs=col_abs)


def _equal(ref: str, text: str) -> str:
    """A COUNTIFS criterion matching cells equal to the text in ``ref``: the reference itself for plain text;
    for a name that would read as an operator or a wildcard (<, =, *, ?, ~), ``"="`` and the name with its
    wildcards escaped, so a manager called 王* counts only his own people."""
    if equality_key(text) is not None:
        return ref
    return f'"="&SUBSTITUTE(SUBSTITUTE(SUBSTITUTE({ref},"~","~~"),"*","~*"),"?","~?")'


class CalibrationSheet:
    def calibration(self, ws, band_rows: tuple[int, int]) -> None:
        facts = self.calibration_facts = calibrate_period(self.result)
        t, say = self.lang.inline, self.say  # labels on one line; the header rows (cal_headers) wrap
        n = len(facts.grades)
        self.cal_after = after = 3 + 3 * n  # 平均总分, 平均评分得分率, then the three flags
        last = after + 4
        names = [g.name for g in (*facts.departments, *facts.reviewers)]
        # Narrow, so that five grades print one landscape page wide at 8 pt or more; names wrap.
        first = text_width([g.company for g in facts.departments] + [t(*LABELS[-1])], 9, 10)
        widths = {0: first, 1: text_width(names, 9, 10), 2: 4.5, after: 6, after + 1: 6.5}
        for i in range(n):
            widths.update({3 + 3 * i: 3.5, 4 + 3 * i: 6, 5 + 3 * i: 5})
        widths.update({after + 2 + k: 5 for k in range(3)})
        if self.lang.code != "zh":  # a title wraps between words (or at a hyphen), never inside one
            for col, (_, en) in self.single_titles(after).items():
                widths[col] = max([widths[col], *(len(word) + 1.5 for word in re.split(r"[\s-]", en))])
        for col, width in widths.items():
            ws.set_column(col, col, width)
        self.cal_widths, self.cal_heights = widths, {}
        self.cal_refs = {"tolerance": "$B$2", "budget": "$B$3"}
        self.settings_rows(ws, facts, last, widths)
        self.cal_headers(ws, facts, after, widths)
        row = TOP
        ws.write_string(row, 0, t("目标占比", "Target share"), self.s.get("total"))
        ws.write_blank(row, 1, None, self.s.get("total"))
        ws.write_blank(row, 2, None, self.s.get("total"))
        target = dict(facts.targets)
        for i, grade in enumerate(facts.grades):
            ws.write_blank(row, 3 + 3 * i, None, self.s.get("total"))
            if grade in target:
                ws.write_number(row, 4 + 3 * i, num(target[grade]), self.s.get("total", num=SHARE))
            else:
                ws.write_string(row, 4 + 3 * i, "—", self.s.get("total"))
            ws.write_blank(row, 5 + 3 * i, None, self.s.get("total"))
        row += 1
        self.cal_everyone = row
        self.group_row(ws, row, facts, facts.everyone, t("全体", "Everyone"), "")
        row += 1
        for title, groups in ((say("按部门", "By department"), facts.departments),
                              (say("按考核人（直属上级）", "By reviewer (line manager)"), facts.reviewers)):
            ws.merge_range(row, 0, row, 2, title, self.s.get("section"))
            row += 1
            for g in groups:
                label = self.reviewer(g.name) if g.kind == "reviewer" else g.name  # as on 汇总
                self.group_row(ws, row, facts, g, g.company, label)
                row += 1
        self.off_target_formats(ws, facts, row - 1)
        table = sum(self.cal_heights.get(r, DEFAULT_ROW_HEIGHT) for r in range(row + 1))
        if table + (len(facts.pay) + 5) * DEFAULT_ROW_HEIGHT + row_height(2) > page_height(80):
            ws.set_h_pagebreaks([row + 1])  # the pay block whole on a page of its own (at 8 pt or more)
        row = self.pay_block(ws, facts, row + 1, band_rows, last)
        settings = self.inp.settings
        title = self.lang.inline("校准", "Calibration")
        print_setup(ws, settings, title, landscape=True, repeat=None, area=(row - 1, last))
        ws.repeat_rows(TOP - 2, TOP - 1)
        print_words(ws, settings, self.lang, title)

    # -- the parts ---------------------------------------------------------

    def settings_rows(self, ws, facts: Calibration, last: int, widths) -> None:
        t, say = self.t, self.say
        label = self.s.get("total", text_wrap=True)  # a label wraps in its column, its row as tall as it
        mix = " / ".join(f"{g} {(s * 100).normalize():f}%" for g, s in facts.targets)
        for row, words in enumerate(LABELS[:3]):
            self._fit(ws, row, [(t(*words), widths[0])])
        ws.write_string(0, 0, t("目标等级分布", "Target mix"), label)
        ws.merge_range(0, 1, 0, last, mix or say("未设定：只列分布，不比较", "Not set: the mix is shown, not compared"),
                       self.s.get("cell"))
        ws.write_string(1, 0, t("校准容差", "Tolerance"), label)
        ws.write_number(1, 1, num(facts.tolerance), self.s.get("cell", num="0.0%"))
        ws.write_string(2, 0, t("绩效工资预算", "Performance pay budget"), label)
        if facts.budget is None:
            ws.write_string(2, 1, say("未设定", "Not set"), self.s.get("cell"))
        else:
            ws.write_number(2, 1, num(facts.budget), self.s.get("cell", num=MONEY))
        words = say(
            f"仅为提示，不改动任何结果。占比与目标相差超过容差的标红。考核人（直属上级）考核 {MIN_PEOPLE} 人及以上时："
            f"其平均评分得分率（每项评分 ÷ 该项满分，取平均）与全体相差超过容差，标「评分偏离」；其人员中最高两个等级的"
            f"占比超过这两个等级的目标占比之和超过容差，标「高等级偏多」，最低两个等级同理标「低等级偏多」。",
            f"Warnings only: nothing is changed. A share more than the tolerance off its target is red. A reviewer "
            f"(line manager) of {MIN_PEOPLE} or more appraised people is flagged 'Rating off' when their average "
            f"rating (each rating ÷ its full marks, averaged) is more than the tolerance from everyone's; "
            f"'Top-heavy' when their people's share of the top two grades exceeds those grades' target shares "
            f"by more than the tolerance; 'Bottom-heavy' likewise for the bottom two grades.")
        total_width = sum(widths.get(c, 8.43) for c in range(1, last + 1))
        self._fit(ws, 3, [(words, total_width), (t("规则", "Rule"), widths[0])])
        ws.write_string(3, 0, t("规则", "Rule"), label)
        ws.merge_range(3, 1, 3, last, words, self.s.get("wrap", valign="top"))

    def cal_headers(self, ws, facts: Calibration, after: int, widths: dict[int, float]) -> None:
        """Two header rows: each grade's title over its three columns, every other title in the lower row (the
        summary streams row by row, so nothing is merged across the two)."""
        t, head = self.t, self.s.get("header")
        top, sub = TOP - 2, TOP - 1
        singles = self.single_titles(after)
        ws.set_row(top, 18)
        lines = max(wrapped_lines(t(zh, en), widths[col]) for col, (zh, en) in singles.items())
        ws.set_row(sub, row_height(max(2, lines)))
        for col in singles:
            ws.write_blank(top, col, None, head)
        for i, grade in enumerate(facts.grades):
            ws.merge_range(top, 3 + 3 * i, top, 5 + 3 * i, grade, head)
        for col, (zh, en) in singles.items():
            ws.write_string(sub, col, t(zh, en), head)
        for i in range(len(facts.grades)):
            for k, (zh, en) in enumerate((("人数", "No."), ("占比", "Share"), ("偏差", "Dev."))):
                ws.write_string(sub, 3 + 3 * i + k, t(zh, en), head)
        ws.freeze_panes(TOP, 2)

    @staticmethod
    def single_titles(after: int) -> dict[int, tuple[str, str]]:
        """The titles of the columns that are not a grade's, by column."""
        return {0: ("公司", "Company"), 1: ("部门 / 考核人", "Department / reviewer"), 2: ("考核人数", "Appraised"),
                after: ("平均总分", "Average total"), after + 1: ("平均评分得分率", "Average rating"),
                **{after + 2 + k: (zh, en) for k, (_, zh, en) in enumerate(FLAGS)}}

    def group_row(self, ws, row: int, facts: Calibration, g: Group, company: str, name: str) -> None:
        fmt = self.s.get("total" if g.kind == "everyone" else "cell", text_wrap=True)
        self._fit(ws, row, [(company, self.cal_widths[0]), (name, self.cal_widths[1])])
        ws.write_string(row, 0, company, fmt)
        ws.write_string(row, 1, name, fmt)
        word = status(True, self.prose)
        grade_range = self.range["等级"]
        a, b = (_equal(_cell(row, col, col_abs=True), text) for col, text in ((0, company), (1, name)))
        criteria = {"everyone": "", "department": f',{self.range["公司"]},{a},{self.range["部门"]},{b}',
                    "reviewer": f',{self.range["直属上级"]},{b}'}[g.kind]
        where = f'{self.range["考核状态"]},"{word}"{criteria}'
        people = _cell(row, 2)
        counts = [_cell(row, 3 + 3 * i) for i in range(len(facts.grades))]
        self.formula(ws, row, 2, f"SUM({','.join(counts)})", g.people, self.s.get("cell", num="0"))
        for i, m in enumerate(g.mix):
            col = 3 + 3 * i
            header = _cell(TOP - 2, col, row_abs=True)
            self.formula(ws, row, col, f"COUNTIFS({where},{grade_range},{header})", m.count,
                         self.s.get("cell", num="0"))
            self.formula(ws, row, col + 1, rule("grade_share").to_excel({"people": people, "count": counts[i]}),
                         m.share, self.s.get("cell", num=SHARE))
            if m.deviation is None:
                ws.write_blank(row, col + 2, None, self.s.get("cell"))
            else:
                target = _cell(TOP, col + 1, row_abs=True)
                self.formula(ws, row, col + 2, rule("share_deviation").to_excel(
                    {"share": _cell(row, col + 1), "target": target}), m.deviation, self.s.get("cell", num=DEVIATION))
        after = self.cal_after
        average = f'IF({people}=0,0,AVERAGEIFS({self.range["总分"]},{where}))'
        self.formula(ws, row, after, average, g.average_total or Decimal(0), self.s.get("cell", num="0.00"))
        if g.average_rating is None:
            ws.write_string(row, after + 1, "—", self.s.get("cell", align="center"))
        else:
            ws.write_number(row, after + 1, num(g.average_rating), self.s.get("cell", num=SHARE))
        self.flag_cells(ws, row, facts, g)

    def flag_cells(self, ws, row: int, facts: Calibration, g: Group) -> None:
        after, people = self.cal_after, _cell(row, 2)
        flag = self.s.get("cell", num=FLAG_FORMAT, align="center", bold=True)
        values = {"people": people, "tolerance": self.cal_refs["tolerance"]}
        everyone_rating = _cell(self.cal_everyone, after + 1, row_abs=True, col_abs=True)
        formulas = {}
        if g.kind == "reviewer" and g.average_rating is not None and facts.everyone.average_rating is not None:
            formulas["rating_outlier"] = {**values, "rating": _cell(row, after + 1), "everyone_rating": everyone_rating}
        if g.kind == "reviewer" and facts.targets:
            n = len(facts.grades)
            for flag_name, part in (("top_heavy", range(min(TOP_GRADES, n))),
                                    ("bottom_heavy", range(max(0, n - TOP_GRADES), n))):
                end = flag_name.split("_")[0]
                shares = "+".join(_cell(row, 4 + 3 * i) for i in part)
                targets = "+".join(_cell(TOP, 4 + 3 * i, row_abs=True, col_abs=True) for i in part)
                formulas[flag_name] = {**values, f"{end}_share": f"({shares})", f"{end}_target": f"({targets})"}
        for k, (name, _, _) in enumerate(FLAGS):
            if name in formulas:
                self.formula(ws, row, after + 2 + k, rule(name).to_excel(formulas[name]), int(getattr(g, name)), flag)
            else:
                ws.write_blank(row, after + 2 + k, None, self.s.get("cell"))

    def off_target_formats(self, ws, facts: Calibration, last_row: int) -> None:
        """A share and its deviation are red when the rulebook's off_target holds (a live conditional format)."""
        if not facts.targets:
            return
        red = self.book.add_format(FLAG_FILL)
        first = self.cal_everyone
        for i in range(len(facts.grades)):
            deviation = f"${xl_col_to_name(5 + 3 * i)}{first + 1}"  # the row relative: each row tests its own
            test = rule("off_target").to_excel({"deviation": deviation, "tolerance": self.cal_refs["tolerance"]})
            ws.conditional_format(first, 4 + 3 * i, last_row, 5 + 3 * i,
                                  {"type": "formula", "criteria": f"=AND(ISNUMBER({deviation}),{test}=1)",
                                   "format": red})

    def pay_block(self, ws, facts: Calibration, row: int, band_rows: tuple[int, int], last: int) -> int:
        """Performance pay (个人绩效提成 + 公共绩效提成) per grade, live SUMIFS over 汇总; its total against the budget."""
        t, say = self.lang.inline, self.say
        span = max(1, min(3, (last - 2) // 3))
        blocks = [(3 + span * k, 2 + span * (k + 1)) for k in range(3)]
        ws.merge_range(row, 0, row, last, t("绩效工资（个人绩效提成 + 公共绩效提成）与预算",
                                             "Performance pay (personal + shared commission) and the budget"),
                       self.s.get("section"))
        row += 1
        head, t = self.s.get("header"), self.t
        ws.set_row(row, row_height(2))
        for col, (zh, en) in enumerate((("等级", "Grade"), ("等级名称", "Grade name"), ("绩效系数", "Pay coeff."))):
            ws.write_string(row, col, t(zh, en), head)
        for (a, b), (zh, en) in zip(blocks, (("个人绩效提成", "Personal commission"),
                                            ("公共绩效提成", "Shared commission"), ("绩效工资", "Performance pay")),
                                    strict=True):
            self._merged(ws, row, a, b, t(zh, en), head)
        row += 1
        money, first = self.s.get("cell", num=MONEY), row
        bands = {g.grade: i for i, g in enumerate(self.inp.grades)}
        word, absent = status(True, self.prose), status(False, self.prose)
        for p in facts.pay:
            band = next((g for g in self.inp.grades if g.grade == p.grade), None)
            if band is not None:
                ws.write_string(row, 0, band.grade, self.s.get("cell"))
                ws.write_string(row, 1, band.name, self.s.get("cell"))
                ref = f"'{self.names.rules}'!{_cell(band_rows[0] + bands[band.grade], 4, True, True)}"
                self.formula(ws, row, 2, ref, band.pay_coefficient, self.s.get("cell", num="0%"))
                where = f'{self.range["等级"]},{_cell(row, 0, col_abs=True)},{self.range["考核状态"]},"{word}"'
            else:
                ws.merge_range(row, 0, row, 2, self.lang.inline("未参与考核（系数 1）", "Not appraised (coefficient 1)"),
                               self.s.get("cell"))
                where = f'{self.range["考核状态"]},"{absent}"'
            for (a, b), title, value in zip(blocks[:2], ("个人绩效提成", "公共绩效提成"),
                                            (p.personal_commission, p.shared_commission), strict=True):
                self._merged(ws, row, a, b, (f"SUMIFS({self.range[title]},{where})", value), money)
            self._merged(ws, row, *blocks[2], (f"{_cell(row, blocks[0][0])}+{_cell(row, blocks[1][0])}", p.total),
                         money)
            row += 1
        total = self.s.get("total", num=MONEY)
        ws.merge_range(row, 0, row, 2, self.lang.inline("合计", "Total"), self.s.get("total"))
        sums = [sum((getattr(p, key) for p in facts.pay), Decimal(0))
                for key in ("personal_commission", "shared_commission")] + [facts.performance_pay]
        for (a, b), value in zip(blocks, sums, strict=True):
            self._merged(ws, row, a, b, (f"SUM({_cell(first, a)}:{_cell(row - 1, a)})", value), total)
        pay_cell = _cell(row, blocks[2][0])
        row += 1
        ws.merge_range(row, 0, row, blocks[1][1], self.lang.inline("绩效工资预算", "Performance pay budget"),
                       self.s.get("cell"))
        if facts.budget is None:
            self._merged(ws, row, *blocks[2], say("未设定", "Not set"), self.s.get("cell"))
            return row + 1
        self._merged(ws, row, *blocks[2], (self.cal_refs["budget"], facts.budget), money)
        row += 1
        ws.merge_range(row, 0, row, blocks[1][1], self.lang.inline("差额（实际 − 预算，正数为超支）", "Difference "
                                                                 "(actual − budget; above 0 is over budget)"),
                       self.s.get("total"))
        over = self.s.get("total", num=f"[Red]{MONEY};{MONEY}")
        self._merged(ws, row, *blocks[2], (rule("budget_difference").to_excel(
            {"performance_pay": pay_cell, "budget": self.cal_refs["budget"]}), facts.budget_difference), over)
        return row + 1

    def _fit(self, ws, row: int, texts: list[tuple[str, float]]) -> None:
        """fit_row, remembering the row's height for the page break before the pay block."""
        fit_row(ws, row, texts)
        lines = max([1, *(wrapped_lines(text, width) for text, width in texts if text)])
        if lines > 1:
            self.cal_heights[row] = row_height(lines)

    def _merged(self, ws, row: int, first: int, last: int, content, fmt) -> None:
        """Text, or a (formula, cached value) pair, in the merged cells first..last of a row."""
        if first != last:
            ws.merge_range(row, first, row, last, "", fmt)
        if isinstance(content, tuple):
            self.formula(ws, row, first, content[0], content[1], fmt)
        else:
            ws.write_string(row, first, content, fmt)

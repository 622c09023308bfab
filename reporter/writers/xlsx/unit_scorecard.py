"""The unit scorecard (单位考核表): a group's, regional company's or department's result on one sheet.

The same rules as a person's scorecard, written the same way: each KPI line's
value is its formula over the cells of the unit's data (单位数据), each line's
points its scoring method's formula, the own total the person's total formula;
the people's count and average, the unit score (设置 单位得分方式) and the grade
are the rulebook's formulas over the cells of this sheet.  Every formula carries
the engine's result as its cached value.  Below the score: the appraised people
under the unit, the unit's data, the alignment of its lines (who supports what,
篇七 3.1), the grade bands and the two signatures.  The rows of every block are
fixed first (:func:`unit_layout`), since the score refers to blocks below it.
"""

from __future__ import annotations

import io
from datetime import datetime

from reporter.model import PeriodResult, UnitResult
from reporter.rules.engine import total_formula
from reporter.rules.rulebook import rule
from reporter.writers.language import language
from reporter.writers.wording import METHOD_NAMES, METHOD_NAMES_EN
from reporter.writers.xlsx.layout import ScorecardCells, ref
from reporter.writers.xlsx.pages import print_words
from reporter.writers.xlsx.scorecard import CATEGORY_NAMES, CATEGORY_NAMES_EN, ScorecardSheet
from reporter.writers.xlsx.style import Styles, new_workbook, percent_format, print_setup
from reporter.writers.xlsx.unit_blocks import (
    COLUMNS,
    COLUMNS_EN,
    DATA_VALUE_COL,
    DETAILS_ROW,
    DIMENSION_NAMES,
    ITEMS_HEADER_ROW,
    LAST_COL,
    LEVEL_NAMES,
    PARAM_COLUMN,
    POINTS_COL,
    PRINT_SCALE,
    SCORE_RULES,
    SPACER_HEIGHT,
    STANDARD_COL,
    VALUE_COL,
    WIDTHS,
    UnitBlocks,
    unit_layout,
    unit_measures,
)


class UnitScorecardSheet(UnitBlocks, ScorecardSheet):
    """The person scorecard's small writers (text, number, formula, fit …) with the unit's blocks.

    Its own ``__init__`` (the person sheet's reads an employee): the same attributes those writers use.
    """

    param_column, value_col, points_col, last_col = PARAM_COLUMN, VALUE_COL, POINTS_COL, LAST_COL
    details_row, items_header_row = DETAILS_ROW, ITEMS_HEADER_ROW
    detail_spans = ((0, 1, 2, 3), (4, 4, 5, 7), (8, 9, 10, 12))

    def __init__(self, book, styles: Styles, name: str, result: PeriodResult, unit: UnitResult):
        self.ws = book.add_worksheet(name)
        self.s, self.result, self.u, self.inp = styles, result, unit, result.input
        self.lang = language(self.inp.settings.language)
        self.t, self.say = self.lang.label, self.lang.say
        self.widths = WIDTHS
        self.blended = self.inp.settings.unit_score_rule == "blended"
        self.measures = unit_measures(result, unit)
        self.at = unit_layout(result, unit, self.measures, self.blended)
        self.cells = ScorecardCells()
        self.heights: dict[int, float] = {}
        self.validations: dict[tuple, list[tuple[int, int]]] = {}
        self.refs = {name: ref(self.at.measures + i, DATA_VALUE_COL) for i, name in enumerate(self.measures)}
        bands = self.at.bands, self.at.bands + len(self.inp.grades) - 1
        self.band = {key: f"{ref(bands[0], col)}:{ref(bands[1], col)}"
                     for key, col in (("band_grade", 0), ("band_name", 1), ("band_min", 3))}
        people = self.at.people, self.at.people + max(1, len(unit.people)) - 1
        self.people_range = f"{ref(people[0], POINTS_COL)}:{ref(people[1], POINTS_COL)}"

    def section(self, row: int, title: str, note: str = "") -> int:
        """Title of a block one row below ``row`` (a blank spacer); returns the row after the title."""
        self.set_height(row, SPACER_HEIGHT)
        self.ws.merge_range(row + 1, 0, row + 1, 4, title, self.wrapping("section"))
        if note:
            self.ws.merge_range(row + 1, 5, row + 1, LAST_COL, note, self.s.get("note", text_wrap=True))
        self.fit_height(row + 1, [(note, 5, LAST_COL), (title, 0, 4)])
        return row + 2

    def write(self) -> ScorecardCells:
        self.header()
        self.lines()
        self.summary()
        self.people()
        self.data()
        self.aligned()
        self.bands()
        self.signatures()
        self.write_validations()
        self.page_setup()
        return self.cells

    def unit_name(self, code: str) -> str:
        unit = self.inp.units.get(code)
        return f"{unit.name}（{code}）" if unit else code

    def header(self):
        u, t = self.u.unit, self.t
        root = u
        while root.parent in self.inp.units:
            root = self.inp.units[root.parent]
        self.title_rows(f"{root.name} {self.lang.inline('单位绩效考核表', 'Unit Scorecard')}")
        self.detail_rows([
            (t("单位名称", "Unit"), u.name), (t("单位代码", "Unit code"), u.code),
            (t("层级", "Level"), t(*LEVEL_NAMES.get(u.level, (u.level, u.level)), sep=" ")),
            (t("上级单位", "Parent unit"), self.unit_name(u.parent) if u.parent else "—"),
            (t("负责人", "Head"), f"{u.head} {u.head_id}".strip() or "—"),
            (t("方案期限", "Plan term"), self.lang.period_label(self.u.plan.term))])
        self.items_header(COLUMNS, COLUMNS_EN)

    def lines(self):
        t = self.t
        for i, lr in enumerate(self.u.lines):
            line, row = lr.line, self.at.lines + i
            self.number(row, 0, i + 1, "0", align="center")
            category = t(CATEGORY_NAMES.get(line.category, line.category),
                         CATEGORY_NAMES_EN.get(line.category, line.category))
            dimension = t(*DIMENSION_NAMES[line.dimension]) if line.dimension in DIMENSION_NAMES else ""
            for col, text in ((1, category), (2, dimension), (3, line.item), (4, line.code)):
                self.text(row, col, text, self.s.get("wrap"))
            self.line_cells(row, lr)
            standard = self.standard(line)
            self.text(row, STANDARD_COL, standard, self.s.get("wrap"))
            self.fit_height(row, [(category, 1), (dimension, 2), (line.item, 3), (line.code, 4),
                                  (standard, STANDARD_COL)])

    def standard(self, line) -> str:
        """The line's scoring standard, its target change and the upper line it supports (code and item)."""
        say = self.say
        text = (line.standard or say(METHOD_NAMES[line.method], METHOD_NAMES_EN[line.method])) + self.change_note(line)
        if line.supports:
            upper = next((x.item for p in self.inp.unit_plans if p.unit == self.u.unit.parent for x in p.lines
                          if x.code == line.supports), "")
            code = f"{line.supports} {upper}".strip()
            text += say(f"（支撑：{code}）", f" (supports: {code})")
        return text

    def summary_row(self, row: int, label: tuple[str, str], excel: str | None, value, number_format: str,
                    note: str = "", fmt=None) -> str:
        """One row of the score block: label, the value (a formula, or a plain value), a note; returns its cell."""
        text = self.fit(*label, 0, VALUE_COL)
        self.ws.merge_range(row, 0, row, VALUE_COL, text, self.wrapping("total"))
        fmt = fmt or self.s.get("total", num=number_format)
        if excel is None:
            self.ws.write(row, POINTS_COL, value if isinstance(value, str) else float(value), fmt)
        else:
            self.formula(row, POINTS_COL, excel, value, fmt=fmt)
        self.text(row, STANDARD_COL, note, self.s.get("total", text_wrap=True))
        self.fit_height(row, [(text, 0, VALUE_COL), (note, STANDARD_COL)])
        return ref(row, POINTS_COL)

    def summary(self):
        """Own total, the people's count and average, [the own weight,] the unit score, grade and rank."""
        u, s, say, row = self.u, self.inp.settings, self.say, self.at.summary
        first, last = ref(self.at.lines, POINTS_COL), ref(self.at.summary - 1, POINTS_COL)
        points_sum = f"SUM({first}:{last})" if u.lines else "0"
        own = self.summary_row(row, ("本单位方案总分（各项得分之和，不低于 0）",
                                     "Own plan total (sum of the points, not below 0)"),
                               total_formula().to_excel({"points_sum": points_sum}), u.own_total, "0.00")
        people = {"people_total": self.people_range}
        count = self.summary_row(row + 1, ("所属员工人数（已考核，见下表）", "People appraised under the unit (listed below)"),
                                 rule("people_count").to_excel(people), len(u.people), "0")
        average = ("所属员工平均总分", "People's average total")
        if u.people:
            mean = self.summary_row(row + 2, average, rule("people_average").to_excel(people), u.people_average, "0.00")
        else:  # no average to take: the blended rule keeps the own total (rulebook unit_score_blended)
            mean = self.summary_row(row + 2, average, None, "—", "0.00", fmt=self.s.get("total", align="right"))
        row += 3
        values = {"own_total": own, "people_count": count, "people_average": mean}
        if self.blended:
            label = self.fit("单位方案权重（设置）", "Own plan weight (settings)", 0, VALUE_COL)
            self.ws.merge_range(row, 0, row, VALUE_COL, label, self.wrapping("total"))
            self.number(row, POINTS_COL, s.unit_own_weight, percent_format(s.unit_own_weight), editable=True,
                        kind="percent")
            self.text(row, STANDARD_COL, "", self.s.get("total"))
            values["own_weight"] = ref(row, POINTS_COL)
            row += 1
        how = SCORE_RULES["blended" if self.blended else "own"]
        note = say("单位方案总分 × 权重 + 员工平均总分 × (1 − 权重)；无员工时为单位方案总分",
                   "own total × weight + people's average × (1 − weight); own total without people") \
            if self.blended else say("即本单位方案总分", "the own plan total")
        name = "unit_score_blended" if self.blended else "unit_score_own"
        self.cells.total = self.summary_row(row, (f"单位得分（单位得分方式：{how[0]}）", f"Unit score ({how[1]})"),
                                            rule(name).to_excel(values), u.total, "0.00", note)
        self.grade_row(row + 1)
        self.summary_row(row + 2, ("同级排名", "Rank among peers"), None, f"{u.rank}/{u.peers}", "", self.peer_scope(),
                         fmt=self.s.get("total", align="center"))

    def grade_row(self, row: int):
        u = self.u
        label = self.fit("等级（按下方等级标准查表）", "Grade (looked up in the grade bands below)", 0, VALUE_COL)
        self.ws.merge_range(row, 0, row, VALUE_COL, label, self.wrapping("total"))
        self.cells.grade = ref(row, POINTS_COL)
        self.formula(row, POINTS_COL, rule("grade").to_excel({**self.band, "total": self.cells.total}), u.grade.grade,
                     fmt=self.s.get("total", align="center"))
        self.formula(row, STANDARD_COL, rule("grade_name").to_excel({**self.band, "grade": self.cells.grade}),
                     u.grade.name, fmt=self.s.get("total"))
        ordered = sorted(self.inp.grades, key=lambda g: g.min_score, reverse=True)
        for i, band in enumerate(ordered):
            self.ws.conditional_format(row, POINTS_COL, row, POINTS_COL, {
                "type": "cell", "criteria": "==", "value": f'"{band.grade}"', "format": self.s.grade(i, len(ordered))})
        self.fit_height(row, [(label, 0, VALUE_COL)])

    def peer_scope(self) -> str:
        """Whom the unit is ranked against (rulebook unit_rank): the scored units of its level under its parent."""
        u, say, peers = self.u.unit, self.say, self.u.peers
        zh, en = LEVEL_NAMES.get(u.level, (u.level, u.level))
        parent = self.inp.units.get(u.parent)
        if parent is None:
            return say(f"在已评分的{zh}中（共 {peers} 个）", f"among the scored units of level {en.lower()} ({peers})")
        return say(f"在{parent.name}下属已评分的{zh}中（共 {peers} 个）",
                   f"among the scored {en.lower()} units under {parent.name} ({peers})")

    def page_setup(self):
        s, ws, u = self.inp.settings, self.ws, self.u.unit
        for col, width in enumerate(self.widths):
            ws.set_column(col, col, width)
        ws.set_h_pagebreaks(self.page_breaks())  # every row's height is known now
        title = f"{self.lang.inline('单位绩效考核表', 'Unit Scorecard')} · {u.code} {u.name}"
        print_setup(ws, s, title, landscape=True, repeat=1, scale=PRINT_SCALE, area=(self.at.signatures + 2, LAST_COL))
        print_words(ws, s, self.lang, title)
        ws.freeze_panes(ITEMS_HEADER_ROW + 1, 0)


def render_unit_scorecard(result: PeriodResult, unit: UnitResult, password: str = "",
                          created: datetime | None = None) -> bytes:
    """The unit's scorecard workbook; ``unit`` must be scored this period (it has a plan)."""
    if not unit.scored:
        raise ValueError(f"unit {unit.unit.code} has no plan for {result.input.settings.period.label}")
    buffer = io.BytesIO()
    book = new_workbook(buffer, created or result.input.settings.period.document_date)
    sheet = UnitScorecardSheet(book, Styles(book), unit.unit.code[:31], result, unit)
    sheet.write()
    sheet.ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True,
                                "format_columns": True, "format_rows": True})
    book.close()
    return buffer.getvalue()

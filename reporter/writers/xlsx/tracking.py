"""The tracking scorecard `reporter plan` writes: the period's scorecard before its figures are known.

Everything the plan fixes is in place (targets, weights, standards, grade bands and the live formulas);
the actual figures (each measure of the appendix, each rating) are empty yellow input cells.  A manager
who types the figures in mid-period sees the points, the total and the grade so far.  While any figure
is still empty the grade cell says "not entered" (未录入), and every cached value is 0, so a viewer
that does not recalculate never shows a grade nobody earned.
"""

from __future__ import annotations

import io
from datetime import datetime

from reporter.model import EmployeeResult, PeriodResult
from reporter.writers.xlsx.layout import POINTS_COL, STANDARD_COL, VALUE_AT, VALUE_COL, ref
from reporter.writers.xlsx.scorecard import ScorecardSheet, sheet_name
from reporter.writers.xlsx.style import Styles, new_workbook

NOT_ENTERED = ("未录入", "not entered")


def not_entered(lang_code: str) -> str:
    """The grade cell's words while a figure is missing, in the workbook's language."""
    return {"zh": NOT_ENTERED[0], "en": NOT_ENTERED[1]}.get(lang_code, " / ".join(NOT_ENTERED))


class TrackingSheet(ScorecardSheet):
    """A scorecard whose actual-figure cells are empty and whose cached results are 0 / not entered."""

    def __init__(self, *args):
        super().__init__(*args)
        at = self.at
        self.actual_cells = {(at.measures + i, VALUE_AT) for i in range(len(self.measures))}
        self.actual_cells |= {(at.lines + i, VALUE_COL) for i, lr in enumerate(self.r.lines)
                              if lr.line.method == "rating"}
        ranges = [f"{ref(at.measures, VALUE_AT)}:{ref(at.measures + len(self.measures) - 1, VALUE_AT)}"
                  ] if self.measures else []
        if self.r.lines:
            ranges.append(f"{ref(at.lines, VALUE_COL)}:{ref(at.totals - 1, VALUE_COL)}")
        self.missing = "+".join(f"COUNTBLANK({x})" for x in ranges) or "0"
        self.grade_at = (at.totals + 1, POINTS_COL)

    def number(self, row, col, value, number_format, *, editable=False, kind=None, **extra):
        if ref(row, col) == self.cells.pay.get("one_time_bonus"):
            value = 0  # a streak bonus is earned by the period's results, none of which are in yet
        super().number(row, col, value, number_format, editable=editable, kind=kind, **extra)
        if (row, col) in self.actual_cells:  # the same yellow, validated cell, but empty
            self.ws.write_blank(row, col, None, self.s.get("cell", num=number_format, input_cell=True, **extra))

    def formula(self, row, col, excel, value, number_format=None, fmt=None):
        if (row, col) == self.grade_at:
            excel, value = f'IF({self.missing}>0,"{not_entered(self.lang.code)}",{excel})', not_entered(self.lang.code)
            fmt = self.s.get("total", align="center", shrink=True)  # "not entered" in the grade's narrow cell
        elif (row, col) == (self.grade_at[0], STANDARD_COL):
            excel, value = f'IF({self.missing}>0,"",{excel})', ""
        elif ref(row, col) == self.cells.pay.get("pay_coefficient"):
            # No grade yet, so no coefficient: 0 (and commission 0) rather than a lookup error in the pay block.
            excel, value = f"IF({self.missing}>0,0,{excel})", 0
        elif not isinstance(value, str):
            value = 0  # nothing is scored before the figures are in
        super().formula(row, col, excel, value, number_format, fmt)

    def text(self, row, col, value, fmt=None):
        if row == self.at.totals + 2 and col in (POINTS_COL, STANDARD_COL):
            value = ""  # ranks come from everyone's figures: not known before the period ends
        super().text(row, col, value, fmt)


def render_tracking_scorecard(result: PeriodResult, r: EmployeeResult, password: str = "",
                              created: datetime | None = None) -> bytes:
    """One employee's tracking scorecard; ``result`` only gives the layout (see reporter.pipeline.plan)."""
    buffer = io.BytesIO()
    book = new_workbook(buffer, created or result.input.settings.period.document_date)
    sheet = TrackingSheet(book, Styles(book), sheet_name(r), result, r)
    sheet.write()
    sheet.ws.protect(password, {"select_locked_cells": True, "select_unlocked_cells": True,
                                "format_columns": True, "format_rows": True})
    book.close()
    return buffer.getvalue()

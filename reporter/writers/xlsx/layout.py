"""Where each block of a scorecard sheet sits, fixed before anything is written.

Formulas on page 1 (points, totals, pay) refer to cells of page 2 (the period's
data, bonus/penalty items, grade bands), so every block's first row is planned
here first; :mod:`.scorecard` then writes the blocks in order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell

from reporter.input.plans import ADJUSTMENT_MEASURES
from reporter.model import EmployeeResult, PeriodResult
from reporter.writers.xlsx.style import display_width

COLUMNS = ("序号", "类别", "考核项目", "权重", "目标值", "下限", "封顶", "每单位扣分", "实际值", "得分", "评分标准")
COLUMNS_EN = ("No.", "Category", "Item", "Weight", "Target", "Floor", "Cap", "Per unit", "Actual", "Points",
              "Scoring standard")
# Sized for A4 landscape at PRINT_SCALE: 10-pt text prints at 8 pt and ¥99,999,999.99 fits the value columns,
# even in LibreOffice without Calibri, whose fallback font makes a column unit ~10 px instead of Excel's 7.
# Portrait cannot hold eleven columns at 8 pt with room for the scoring standard (tried: 10 characters a line).
WIDTHS = (4.5, 7, 14, 6.5, 12.5, 9.5, 6.5, 6, 12.5, 6.5, 44)
PRINT_SCALE = 80  # 10-pt text prints at 8 pt
PARAM_COLUMN = {"weight": 3, "target": 4, "floor": 5, "cap": 6, "step": 7}
VALUE_COL, POINTS_COL, STANDARD_COL = 8, 9, 10
LAST_COL = STANDARD_COL
# The right-hand half of the pay block: labels in 5..9, wide enough for a pool's name on one line (a wrapped label
# doubles its row, and page 1 holds a 14-line plan and the pay only with every row single), the value in 10.
RIGHT_LABELS, RIGHT_VALUE_AT = (5, 9), 10
VALUE_AT = 4  # column of values in the appendix and pay blocks
DETAILS_ROW, ITEMS_HEADER_ROW = 2, 6
SECTION_ROWS = 3  # a blank row, the section title, the block's header
EXTRA_ADJUSTMENT_ROWS = 2  # empty yellow rows where HR can add a bonus or penalty item
SIGNATURE_ROWS = 3  # a blank row, then the appraiser's and the employee's signature
# Points of the blank row before a block (and before the signatures): page 1 is full with a 14-line plan and
# its pay, page 2 with the appendix of a plan reading 15 measures, bands and signatures, in English too.
SPACER_HEIGHT = 8


# English words run longer than Chinese ones (Attendance against 考勤): an English or bilingual scorecard
# widens the category column into the page's spare width (the scoring standard keeps its room: narrower,
# it wraps Chinese standards onto more lines and pushes the pay block to another page).
WIDER_IN_ENGLISH = {1: 3.5}
# The points column is the grade bands' position-level column too (Unchanged, Down one level): a word wider
# than a column breaks in the middle (Unchang-ed) and no text shrinks below 8 pt, so it widens to the longest
# word there, by up to this many units of the scoring standard's.  A word with a CJK character in it breaks
# anywhere: only the others count.
MOST_BORROWED = 6


def column_widths(code: str = "zh", level_texts: Iterable[str] = ()) -> tuple[float, ...]:
    """The scorecard's column widths in a language (its code: zh, en, zh-en) for the bands' position-level
    texts ``level_texts``."""
    widths = [width + (WIDER_IN_ENGLISH.get(col, 0) if code != "zh" else 0) for col, width in enumerate(WIDTHS)]
    longest = max([0, *(len(word) + 1 for text in level_texts for word in text.split()
                        if display_width(word) == len(word))])
    borrowed = min(MOST_BORROWED, max(0, longest - widths[POINTS_COL]))
    widths[POINTS_COL] += borrowed
    widths[STANDARD_COL] -= borrowed
    return tuple(widths)


def span_width(first: int, last: int, widths: tuple[float, ...] = WIDTHS) -> float:
    """Column units of the columns first..last of a scorecard."""
    return sum(widths[first:last + 1])


def ref(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=True, col_abs=True)


def num(value) -> float:
    return float(value) if isinstance(value, Decimal) else value


@dataclass
class ScorecardCells:
    """Where the key results sit on a scorecard sheet, for the summary to refer to."""

    total: str = ""
    grade: str = ""
    pay: dict[str, str] = field(default_factory=dict)


@dataclass
class Layout:
    """First row of every block, fixed before anything is written."""

    lines: int
    totals: int
    pay: int
    annual: int  # the provisional annual reward, first block of the appendix (when the plan has one)
    measures: int
    adjustments: int
    bands: int
    signatures: int  # after the appendix: the signatures close the whole scorecard, data included


def measure_names(result: PeriodResult, r: EmployeeResult) -> list[str]:
    """The measures this employee's plan and pay read, in order of first use (adjustments are summed, not listed)."""
    names: list[str] = []
    for lr in r.lines:
        kpi = result.input.kpis.get(lr.line.kpi)
        for name in (sorted(kpi.formula.names) if kpi else [lr.line.kpi] if lr.line.kpi else []):
            if name not in names and name not in ADJUSTMENT_MEASURES:
                names.append(name)
    sales = r.employee.sales_measure  # personal sales for commission: the pay block reads this measure's cell
    if sales and sales not in names:
        names.append(sales)
    return names


def pay_rows(result: PeriodResult, r: EmployeeResult) -> int:
    """Blank and title, then two columns of items: left own pay (5) and its total; right seniority, bonus, pool."""
    pooled = r.employee.commission_pool in result.input.pools
    return SECTION_ROWS - 1 + max(5 + 1, 2 + (4 if pooled else 1))


def plan_layout(result: PeriodResult, r: EmployeeResult, measures: list[str]) -> Layout:
    lines = ITEMS_HEADER_ROW + 1
    totals = lines + len(r.lines)
    pay = totals + 3
    appendix = pay + pay_rows(result, r)
    annual_rows = SECTION_ROWS - 1 + 3 + 1 if r.pay.annual_reward is not None else 0
    measures_at = appendix + annual_rows + SECTION_ROWS
    adjustments = measures_at + len(measures) + SECTION_ROWS
    count = len(result.input.adjustments.get(r.employee.employee_id, ())) + EXTRA_ADJUSTMENT_ROWS
    bands = adjustments + count + SECTION_ROWS
    return Layout(lines, totals, pay, appendix, measures_at, adjustments, bands, bands + len(result.input.grades))

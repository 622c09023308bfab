"""Column widths of the summary workbook's sheets, sized to their content.

Widths are Excel's units (a digit of Calibri 11, 7 px). LibreOffice without Calibri lays a unit out at
~7 pt, a third wider, so a landscape A4 page holds ~130 units at 80 % there: every sheet is sized to
that, and fitted to one page wide it prints at 80 % or more, 10-pt text at 8 pt or more. Names and
departments wrap beyond a limit (the rows are then sized by style.fit_row); amounts take the width of
the column's total.
"""

from __future__ import annotations

from decimal import Decimal

from reporter.writers.xlsx.style import money_width, text_width

SUMMARY_NOTE_WIDTH = 30
WARNING_WIDTHS = {0: 6, 1: 22, 2: 10, 3: 5, 4: 16, 5: 56}
ABSENT_REASON_WIDTH = 56
RULES_WIDTHS = (18, 10, 36, 7, 8, 18, 10, 9, 10, 5)
PAY_KEYS = ("position_pay", "personal_commission", "shared_commission", "seniority_pay", "one_time_bonus", "total")


def people_widths(rows, statuses: tuple[str, str]) -> dict[str, float]:
    """Widths of the columns about the person, by their Chinese title (汇总 and 工资表 share them)."""
    people = [r.employee for r in rows]
    return {"工号": text_width([e.employee_id for e in people], 7, 10), "姓名": text_width([e.name for e in people], 6, 8),
            "公司": text_width([e.company for e in people], 6, 10), "部门": text_width([e.department for e in people], 6, 11),
            "岗位": text_width([e.role for e in people], 6, 12), "考核状态": text_width(statuses, 6, 12),
            "排名组": text_width([e.rank_group for e in people], 6, 10)}


def money_widths(rows) -> dict[str, float]:
    """Width of each pay column (by its key in Pay): the widest amount is the column's total."""
    return {key: money_width([sum((getattr(r.pay, key) for r in rows), Decimal(0))]) for key in PAY_KEYS}


def reward_width(rows) -> float:
    """工资表's provisional annual reward: its total, and room for the two-line title."""
    return max(12, money_width([sum((r.pay.annual_reward or Decimal(0) for r in rows), Decimal(0))]))

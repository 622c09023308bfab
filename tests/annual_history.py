"""Twelve months of BASE, varied so that every annual figure of tests/test_annual.py can be worked by hand.

E001 scores 122.20 (S) every month but March (absent 3 months: not appraised).
E002 is appraised July to November only: 41.00 (4 bad reviews) or 54.00 (2), alternately.
E003 is absent all year: never appraised.
E004 (operations) scores 32 (rating 4/5 × 40) + the conversion line (linear, 2 % → 0, 4 % → 60):
conversion 4 % → 92.00 (S), 3.5 % → 77.00 (B), 3 % → 62.00 (C); absent in April.
"""

from __future__ import annotations

import copy
from datetime import date
from pathlib import Path

from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.store.history import record_period
from tests.conftest import BASE, write_book

# E004's conversion per month (None: absent), and the totals it gives.
CONVERSION = {1: "4", 2: "3", 3: "3.5", 4: None, 5: "4", 6: "4", 7: "3", 8: "3", 9: "3.5", 10: "3", 11: "4", 12: "4"}
E002_MONTHS = {7: 4, 8: 2, 9: 4, 10: 2, 11: 4}  # month → bad reviews
ANNUAL_SETTINGS = [["年度得分方式", "月度平均"], ["年度最少考核月数", 6], ["年终奖预算", 10000],
                   ["晋升连续期数", 2]]
BONUS_COEFFICIENTS = {"S": "200%", "A": "150%", "B": "100%", "C": "50%", "D": "20%"}


def month_sheets(month: int, annual: list[list] | None = None) -> dict:
    sheets = copy.deepcopy(BASE)
    settings = {row[0]: i for i, row in enumerate(sheets["设置"])}
    sheets["设置"][settings["考核期间"]][1] = f"2026-{month:02d}"
    deadline = date(2027, 1, 13) if month == 12 else date(2026, month + 1, 13)
    sheets["设置"][settings["申诉截止日期"]][1] = deadline
    sheets["设置"].extend(annual or [])
    absent = sheets["员工"][0].index("缺勤月数")
    people = {row[0]: row for row in sheets["员工"][1:]}
    data = {row[0]: row for row in sheets["月度数据"][1:]}
    people["E001"][absent] = 3 if month == 3 else 0
    people["E002"][absent] = 0 if month in E002_MONTHS else 3
    data["E002"][3] = E002_MONTHS.get(month, 4)
    if CONVERSION[month] is None:
        people["E004"][absent] = 3
    else:
        data["E004"][5] = int(50000 * float(CONVERSION[month]) / 100)
    grades = sheets["等级"]
    grades[0].append("年终奖系数")
    for row in grades[1:]:
        row.append(BONUS_COEFFICIENTS[row[0]])
    return sheets


def fill_year(folder: Path, db: Path, december: list[list] | None = None) -> Path:
    """The twelve months recorded in ``db`` (fast path: no documents); December carries ``december``'s settings."""
    for month in range(1, 13):
        sheets = month_sheets(month, (december or ANNUAL_SETTINGS) if month == 12 else ANNUAL_SETTINGS)
        path = write_book(folder / f"2026-{month:02d}.xlsx", sheets)
        record_period(db, score_period(load_input(path)), input_sha256="x", built_at=f"2026-{month:02d}-28")
    return db

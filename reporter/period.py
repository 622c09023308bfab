"""Appraisal periods: a month (2026-10), a quarter (2026-Q3), a half-year (2026-H1) or a year (2026)."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from reporter.errors import CellError

_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_QUARTER = re.compile(r"^(\d{4})\s*[-/ 年]?\s*(?:Q|第)\s*([1-4])\s*(?:季度)?$", re.IGNORECASE)
_HALF = re.compile(r"^(\d{4})\s*(?:[-/ ]?\s*H\s*([12])|年?\s*([上下])\s*半\s*年(?:度)?)$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})\s*年?(?:度)?$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "month", "quarter", "half" or "year"
    number: int  # month 1-12, quarter 1-4, half 1-2, or 1 for a year

    @property
    def key(self) -> str:
        """The canonical text, used in folder names and the history database."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "half":
            return f"{self.year}-H{self.number}"
        return f"{self.year}"

    @property
    def label(self) -> str:
        """How the period reads in a Chinese document."""
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{self.number}季度"
        if self.kind == "half":
            return f"{self.year}年{'上' if self.number == 1 else '下'}半年"
        return f"{self.year}年度"

    @property
    def months(self) -> int:
        """How many months the period spans: 1, 3, 6 or 12."""
        return MONTHS[self.kind]

    @property
    def start(self) -> date:
        return date(self.year, self.months * (self.number - 1) + 1, 1)

    @property
    def end(self) -> date:
        last_month = self.months * self.number
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def days(self) -> int:
        """Calendar days in the period: the most leave anyone can take in it."""
        return (self.end - self.start).days + 1

    @property
    def weeks(self) -> int:
        """The most weeks that can touch the period (6 for a 31-day month): the most weekly reports due in it."""
        return (self.days + 5) // 7 + 1

    @property
    def document_date(self) -> datetime:
        """The default date of the period's outputs: its last day, so a rebuild gives the same bytes."""
        return datetime(self.end.year, self.end.month, self.end.day)

    @property
    def closes_year(self) -> bool:
        """Whether the period ends on 31 December: until then an annual figure is an estimate (预计)."""
        return (self.end.month, self.end.day) == (12, 31)

    def within(self, kind: str) -> Period:
        """The period of ``kind`` containing this one: 2026-10 is within 2026-Q4, 2026-H2 and 2026.

        ``kind`` must be this period's own or a longer one (a quarter is within no month): ValueError.
        """
        if MONTHS[kind] < self.months:
            raise ValueError(f"a {self.kind} is within no {kind}")
        return Period(self.year, kind, (self.start.month - 1) // MONTHS[kind] + 1)

    def previous(self) -> Period:
        size = 12 // self.months
        if self.number == 1:
            return Period(self.year - 1, self.kind, size)
        return Period(self.year, self.kind, self.number - 1)

    def __str__(self) -> str:
        return self.key


MONTHS = {"month": 1, "quarter": 3, "half": 6, "year": 12}
KINDS = tuple(MONTHS)
# 设置 责任书期限: how long an agreement runs, as the 4 kinds of period are spelled in a workbook.
TERMS = {
    "month": ("月度", "month", "monthly", "月"),
    "quarter": ("季度", "quarter", "quarterly", "季"),
    "half": ("半年度", "half", "half-year", "半年"),
    "year": ("年度", "year", "annual", "yearly", "年"),
}


def parse_period(text: str) -> Period:
    """Read '2026-10', '2026年10月', '2026-Q3', '2026年第3季度', '2026-H1', '2026年上半年' or '2026'."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip()
    if m := _MONTH.match(cleaned):
        month = int(m.group(2))
        if 1 <= month <= 12:
            return Period(int(m.group(1)), "month", month)
    if m := _QUARTER.match(cleaned):
        return Period(int(m.group(1)), "quarter", int(m.group(2)))
    if m := _HALF.match(cleaned):
        number = int(m.group(2)) if m.group(2) else (1 if m.group(3) == "上" else 2)
        return Period(int(m.group(1)), "half", number)
    if m := _YEAR.match(cleaned):
        return Period(int(m.group(1)), "year", 1)
    raise CellError(f"无法识别考核期间 “{text}”：{PERIOD_FORMATS}")


PERIOD_FORMATS = "月度写 2026-10，季度写 2026-Q3，半年度写 2026-H1（或 2026年上半年），年度写 2026"

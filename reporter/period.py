"""Appraisal periods: a month (2026-10), a quarter (2026-Q3) or a year (2026)."""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from reporter.errors import CellError

_MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")
_QUARTER = re.compile(r"^(\d{4})\s*[-/ 年]?\s*(?:Q|第)\s*([1-4])\s*(?:季度)?$", re.IGNORECASE)
_YEAR = re.compile(r"^(\d{4})\s*年?(?:度)?$")


@dataclass(frozen=True, order=True)
class Period:
    year: int
    kind: str  # "month", "quarter" or "year"
    number: int  # month 1-12, quarter 1-4, or 1 for a year

    @property
    def key(self) -> str:
        """The canonical text, used in folder names and the history database."""
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        return f"{self.year}"

    @property
    def label(self) -> str:
        """How the period reads in a Chinese document."""
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        if self.kind == "quarter":
            return f"{self.year}年第{self.number}季度"
        return f"{self.year}年度"

    @property
    def start(self) -> date:
        if self.kind == "month":
            return date(self.year, self.number, 1)
        if self.kind == "quarter":
            return date(self.year, 3 * self.number - 2, 1)
        return date(self.year, 1, 1)

    @property
    def end(self) -> date:
        last_month = {"month": self.number, "quarter": 3 * self.number, "year": 12}[self.kind]
        return date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    def previous(self) -> Period:
        if self.kind == "year":
            return Period(self.year - 1, "year", 1)
        size = 12 if self.kind == "month" else 4
        if self.number == 1:
            return Period(self.year - 1, self.kind, size)
        return Period(self.year, self.kind, self.number - 1)

    def __str__(self) -> str:
        return self.key


def parse_period(text: str) -> Period:
    """Read '2026-10', '2026年10月', '2026-Q3', '2026年第3季度' or '2026'."""
    cleaned = unicodedata.normalize("NFKC", str(text)).strip()
    if m := _MONTH.match(cleaned):
        month = int(m.group(2))
        if 1 <= month <= 12:
            return Period(int(m.group(1)), "month", month)
    if m := _QUARTER.match(cleaned):
        return Period(int(m.group(1)), "quarter", int(m.group(2)))
    if m := _YEAR.match(cleaned):
        return Period(int(m.group(1)), "year", 1)
    raise CellError(f"无法识别考核期间 “{text}”：月度写 2026-10，季度写 2026-Q3，年度写 2026")

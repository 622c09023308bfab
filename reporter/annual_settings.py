"""The year-end roll-up's settings (设置, reporter annual, 篇八 7): one part of :class:`reporter.model.Settings`.

Read from the 设置 rows 年度得分方式 … 年度申诉截止日期 (reporter.input.year_end), recorded with
every built period, and applied by the roll-up as the year's latest period recorded them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

# The 设置 keys of the annual rows, as the schema and the recorded settings name them.
ANNUAL_KEYS = ("annual_score_rule", "quarter_weights", "annual_min_months", "annual_bonus_budget",
               "promotion_periods", "promotion_grades", "annual_appeal_deadline")


@dataclass(frozen=True)
class AnnualSettings:
    annual_score_rule: str = "months"  # 年度得分方式: months (mean), quarters (weighted) or plan (the annual plan)
    quarter_weights: tuple[Decimal, ...] = (Decimal("0.25"),) * 4  # 季度权重, Q1..Q4
    annual_min_months: int = 6  # 年度最少考核月数: fewer appraised months, no year-end bonus
    annual_bonus_budget: Decimal | None = None  # 年终奖预算: None pays base × coefficient unscaled
    promotion_periods: int = 2  # 晋升连续期数: top grades in a row that make a promotion candidate
    promotion_grades: tuple[str, ...] = ()  # 晋升等级: the top grades; () is the two highest bands
    annual_appeal_deadline: date | None = None  # 年度申诉截止日期: None is the year's latest period's deadline

"""Pay rules (篇六, 篇五), written once as formulas so Excel and Python agree to the cent.

Rounding rule: every money amount is rounded half-up (away from zero) to the
cent as soon as it is computed, exactly like Excel's ROUND(x, 2); totals are
sums of rounded parts, so a department's column always adds up.
"""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from reporter.formula import Formula, parse_formula

CENT = Decimal("0.01")

PAY_FORMULAS = {
    # 篇六 第9条: personal commission, scaled by the grade's performance-pay coefficient.
    "personal_commission": "ROUND(personal_sales * commission_rate * pay_coefficient, 2)",
    # 篇六 第10条: 公共销售绩效提成 = 公共销售业绩总额 × 0.5% ÷ 客服人数.
    "shared_commission": "ROUND(shared_sales * shared_rate / pool_size, 2)",
    # Seniority pay by rule when not given: an amount per full year of service, capped.
    "seniority_pay": "MIN(seniority_cap, seniority_per_year * years_of_service)",
    # 篇六 第11条: 当月工资 = 岗位工资 + 个人绩效提成 + 公共绩效提成 + 工龄工资 (+ one-time bonus).
    "monthly_pay": "position_pay + personal_commission + shared_commission + seniority_pay + one_time_bonus",
    # 篇五: each part of the director's annual reward pays only above the completion threshold.
    "reward_part": "IF(actual / target >= threshold, ROUND(actual * rate, 2), 0)",
}


@cache
def pay_formula(name: str) -> Formula:
    return parse_formula(PAY_FORMULAS[name])


def compute(name: str, **values: Decimal) -> Decimal:
    return pay_formula(name).evaluate(values)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def years_of_service(hire_date: date, on: date) -> int:
    """Full years from hire to ``on`` (Excel's DATEDIF(hire, on, "Y"))."""
    years = on.year - hire_date.year - ((on.month, on.day) < (hire_date.month, hire_date.day))
    return max(0, years)

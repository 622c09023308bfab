"""Scoring methods: how a plan line's value becomes points.

Each method is written once, as a formula in the KPI formula language over
the line's parameters (``value``, ``weight``, ``target``, ``floor``, ``cap``,
``step``).  The engine evaluates it in Decimal; the scorecard writer
translates the very same parsed formula into the Excel formula of the
points cell, so the two cannot drift apart.  Points are rounded half-up to
two decimals, like Excel's ROUND.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache

from reporter.formula import Formula, parse_formula
from reporter.model import Kpi, PlanLine, ZeroDivisor

# (method, direction) -> points formula; direction None means "either".
METHOD_FORMULAS: dict[tuple[str, str | None], str] = {
    ("achievement", "higher"): "ROUND(weight * 100 * MIN(value / target, cap), 2)",
    ("achievement", "lower"): "ROUND(weight * 100 * IF(value <= 0, cap, MIN(target / value, cap)), 2)",
    ("linear", None): "ROUND(weight * 100 * MAX(0, MIN((value - floor) / (target - floor), cap)), 2)",
    ("pass_fail", "higher"): "ROUND(IF(value >= target, weight * 100, 0), 2)",
    ("pass_fail", "lower"): "ROUND(IF(value <= target, weight * 100, 0), 2)",
    ("deduction", None): "ROUND(MAX(0, weight * 100 - value * step), 2)",
    ("rating", None): "ROUND(weight * 100 * MIN(value / target, 1), 2)",
    ("bonus", None): "ROUND(MIN(value, cap * 100), 2)",
    ("bonus", "uncapped"): "ROUND(value, 2)",  # a penalty line, or a bonus without a cap
}
CENT = Decimal("0.01")
# The total of a scorecard: the sum of its lines' points, never below 0 (a person's and a unit's alike).
TOTAL_FORMULA = "ROUND(MAX(0, points_sum), 2)"
# Parameters left blank in the plan take these values.
DEFAULTS = {"cap": Decimal(1), "step": Decimal(1), "floor": Decimal(0), "target": Decimal(0)}


def formula_key(line: PlanLine) -> tuple[str, str | None]:
    """Which entry of METHOD_FORMULAS scores this line."""
    if line.method == "bonus" and line.cap is None:
        return ("bonus", "uncapped")
    if (line.method, line.direction) in METHOD_FORMULAS:
        return (line.method, line.direction)
    return (line.method, None)


@cache
def _parsed(key: tuple[str, str | None]) -> Formula:
    return parse_formula(METHOD_FORMULAS[key])


def points_formula(line: PlanLine) -> Formula:
    return _parsed(formula_key(line))


def line_parameters(line: PlanLine) -> dict[str, Decimal]:
    """The values the points formula reads, with defaults filled in."""
    params = {
        "weight": line.weight,
        "target": line.target if line.target is not None else DEFAULTS["target"],
        "floor": line.floor if line.floor is not None else DEFAULTS["floor"],
        "cap": line.cap if line.cap is not None else DEFAULTS["cap"],
        "step": line.step if line.step is not None else DEFAULTS["step"],
    }
    return params


def score_line(line: PlanLine, value: Decimal) -> Decimal:
    """Points for one plan line, given the line's value (KPI value, rating or count)."""
    points = points_formula(line).evaluate({**line_parameters(line), "value": value})
    return points.quantize(CENT)  # already rounded by the formula; this fixes the display to 2 places


@cache
def total_formula() -> Formula:
    return parse_formula(TOTAL_FORMULA)


def measured_value(kpi: Kpi | None, line: PlanLine, measures, owner: str,
                   zero_divisors: list[ZeroDivisor]) -> tuple[Decimal, dict[str, Decimal]]:
    """A measured line's value: its KPI's formula over the owner's measures (a missing one is 0), or the measure
    itself; with the measures it read.  A 0 divisor is noted against ``owner`` (an employee or a unit)."""
    if kpi is None:
        value = measures.get(line.kpi, Decimal(0))
        return value, {line.kpi: value}
    zero: list[str] = []
    value = kpi.formula.evaluate({**{n: Decimal(0) for n in kpi.formula.names}, **measures}, zero)
    zero_divisors.extend(ZeroDivisor(owner, kpi.code, divisor) for divisor in zero)
    return value, {n: measures.get(n, Decimal(0)) for n in sorted(kpi.formula.names)}

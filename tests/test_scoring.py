"""Each scoring method of SPEC 1.3, with the seed's own numbers; arithmetic shown in the ids."""

from decimal import Decimal as D

import pytest

from reporter.model import PlanLine
from reporter.rules.scoring import METHOD_FORMULAS, score_line


def line(method, weight, direction="higher", **params):
    return PlanLine(category="kpi", item="x", method=method, weight=D(weight), direction=direction,
                    **{k: D(v) for k, v in params.items()})


CASES = [
    # achievement, higher is better: weight × MIN(actual / target, cap)
    ("GMV 90% of target: 0.9 × 30 = 27", line("achievement", "0.3", target="1000000", cap="1.2"), "900000", "27.00"),
    ("GMV 150% capped at 120%: 1.2 × 30 = 36", line("achievement", "0.3", target="1000000", cap="1.2"), "1500000", "36.00"),
    ("no cap given means 100%: 1.0 × 30 = 30", line("achievement", "0.3", target="100"), "130", "30.00"),
    ("conversion 3.13% of 3.5%: 0.894286 × 20 = 17.89", line("achievement", "0.2", target="0.035", cap="1.2"), "0.0313", "17.89"),
    # achievement, lower is better: weight × MIN(target / actual, cap); 0 occurrences score the cap
    ("bad reviews 4 vs target 2: 0.5 × 26 = 13", line("achievement", "0.26", "lower", target="2", cap="1.2"), "4", "13.00"),
    ("bad reviews 0: the cap, 1.2 × 26 = 31.2", line("achievement", "0.26", "lower", target="2", cap="1.2"), "0", "31.20"),
    ("cost per UV 1.60 vs 2.00: 1.25 capped 1.2 × 10 = 12", line("achievement", "0.1", "lower", target="2", cap="1.2"), "1.6", "12.00"),
    # linear band: 0 at the floor, full at the target
    ("conversion 3% between 2% and 4%: 0.5 × 60 = 30", line("linear", "0.6", target="0.04", floor="0.02"), "0.03", "30.00"),
    ("below the floor scores 0", line("linear", "0.6", target="0.04", floor="0.02"), "0.01", "0.00"),
    ("above target, cap 100%: 60", line("linear", "0.6", target="0.04", floor="0.02"), "0.05", "60.00"),
    ("bounce rate, lower: 45% between floor 60% and target 30%: 0.5 × 10 = 5",
     line("linear", "0.1", "lower", target="0.3", floor="0.6"), "0.45", "5.00"),
    # pass/fail standard (篇四: response ≤ 30 s; forbidden phrases ≤ 5 a month)
    ("response 30 s meets ≤ 30 s: 15", line("pass_fail", "0.15", "lower", target="30"), "30", "15.00"),
    ("response 31 s fails ≤ 30 s: 0", line("pass_fail", "0.15", "lower", target="30"), "31", "0.00"),
    ("5 forbidden phrases meets ≤ 5: 10", line("pass_fail", "0.1", "lower", target="5"), "5", "10.00"),
    ("6 forbidden phrases fails: 0", line("pass_fail", "0.1", "lower", target="5"), "6", "0.00"),
    # deduction (篇二: attendance 10 %, −2 per late/early leave, −1 per leave day, not below 0)
    ("2 late + 1 leave day = 5 deducted: 10 − 5 = 5", line("deduction", "0.1"), "5", "5.00"),
    ("6 late = 12 deducted: not below 0", line("deduction", "0.1"), "12", "0.00"),
    ("step 2 per occurrence: 10 − 3 × 2 = 4", line("deduction", "0.1", step="2"), "3", "4.00"),
    # rating (篇六: ability, attitude) on a 1–5 scale
    ("rating 4 of 5 × 20 = 16", line("rating", "0.2", target="5"), "4", "16.00"),
    ("rating 5 of 5 × 30 = 30", line("rating", "0.3", target="5"), "5", "30.00"),
    # weekly report (篇二: 4 %): 3 of 4 reports → 0.75 × 4 = 3
    ("weekly report 3/4 × 4 = 3", line("achievement", "0.04", target="1", cap="1"), "0.75", "3.00"),
    # bonus (篇二: voluntary tasks, up to +20 %: 100 % + 20 %)
    ("voluntary +23 capped at +20", line("bonus", "0", cap="0.2"), "23", "20.00"),
    ("voluntary +8 under the cap", line("bonus", "0", cap="0.2"), "8", "8.00"),
    ("penalty −3 without cap", line("bonus", "0"), "-3", "-3.00"),
]


@pytest.mark.parametrize("name, plan_line, value, expected", CASES, ids=[c[0] for c in CASES])
def test_method_points(name, plan_line, value, expected):
    assert score_line(plan_line, D(value)) == D(expected)


def test_points_round_half_up_like_excel():
    # 2.675 is exactly representable in Decimal; Excel's ROUND gives 2.68 (half away from zero)
    assert score_line(line("rating", "0.0535", target="1"), D("0.5")) == D("2.68")


@pytest.mark.parametrize("method", ["achievement", "linear", "pass_fail", "deduction", "rating", "bonus"])
def test_every_method_has_a_formula(method):
    assert any(key[0] == method for key in METHOD_FORMULAS)

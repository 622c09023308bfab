"""The rules that look things up, rank and add up: grade, pay coefficient, ranks, bonus and penalty sums, annual reward.

Each rule is written once, as a rule formula (:func:`reporter.formula.parse_formula`
with ``rules=True``) over named values and columns.  The engine evaluates it
here in Decimal; the scorecard and summary writers translate the very same
formula into the Excel text of the cell, with the columns as ranges, so the
two cannot drift apart.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from functools import cache, lru_cache

from reporter.formula import Column, Formula, parse_formula
from reporter.formula.criteria import equality_key, fold
from reporter.model import Adjustment, Employee, GradeBand

RULE_FORMULAS = {
    # 等级: the band with the last lower bound ≤ the total (bands ascending, each [下限, 上限)).
    "grade": "INDEX(band_grade, MATCH(total, band_min, 1))",
    "grade_name": "INDEX(band_name, MATCH(grade, band_grade, 0))",
    # 篇六 第9条: the performance-pay coefficient of the grade.
    "pay_coefficient": "INDEX(band_coefficient, MATCH(grade, band_grade, 0))",
    # Ranks like RANK.EQ among the appraised: 1 + how many peers scored more; ties share a rank.
    # Peers share the 排名组 (rank group) too: `rank_group & ""` is the group's text, and the
    # empty text of a blank group matches only blank groups, so a director in a group of his own
    # is not ranked against his staff, and a company with no groups ranks as before.
    "department_rank": 'COUNTIFS(peer_company, company, peer_department, department, '
                       'peer_rank_group, rank_group & "", peer_total, ">" & total) + 1',
    "role_rank": 'COUNTIFS(peer_role, role, peer_rank_group, rank_group & "", peer_total, ">" & total) + 1',
    # The bonus and penalty items of the 加减分 sheet, added up (penalties are negative).
    "bonus_points": 'SUMIF(adjustment_points, ">0")',
    "penalty_points": 'SUMIF(adjustment_points, "<0")',
    # 篇七, a unit's people: the appraised employees under it; their totals' average (none: 0, see unit_score_blended).
    "people_count": 'COUNTIFS(people_total, ">=0")',
    "people_average": 'ROUND(SUMIF(people_total, ">=0") / COUNTIFS(people_total, ">=0"), 2)',
    # 设置 单位得分方式: a unit's score is its own plan's total, or that blended with its people's average by
    # 单位方案权重 (a unit without appraised people keeps its own total).
    "unit_score_own": "own_total",
    "unit_score_blended": "IF(people_count = 0, own_total, "
                          "ROUND(own_weight * own_total + (1 - own_weight) * people_average, 2))",
    # A unit ranks among its peers, the scored units of its level under the same parent, like RANK.EQ.
    "unit_rank": 'COUNTIFS(peer_level, level, peer_parent, parent & "", peer_score, ">" & score) + 1',
    # 篇五: the director's annual reward, the sum of its two parts (each a reward_part pay formula).
    "annual_reward": "ROUND(sales_reward + campaign_reward, 2)",
    # -- 校准 (calibration before the letters go out, reporter.rules.calibration): warnings, never changes --
    # A group's share of a grade, to 0.01 %; its deviation from the company's target (设置 目标等级分布).
    "grade_share": "IF(people = 0, 0, ROUND(count / people, 4))",
    "share_deviation": "ROUND(share - target, 4)",
    # 1: more than 校准容差 (percentage points) off the target, either way.
    "off_target": "IF(ABS(deviation) > tolerance, 1, 0)",
    # A reviewer's average rating: each rating ÷ its line's full marks (目标值), averaged, to 0.01 %.
    "rating_average": 'ROUND(SUMIF(rating_shares, ">=0") / COUNTIFS(rating_shares, ">=0"), 4)',
    # A reviewer (直属上级) of at least 3 appraised people is an outlier when their average rating is more than
    # 校准容差 away from everyone's, or their people's share of the top (bottom) two grades exceeds the target's.
    "rating_outlier": "IF(people < 3, 0, IF(ABS(rating - everyone_rating) > tolerance, 1, 0))",
    "top_heavy": "IF(people < 3, 0, IF(ROUND(top_share - top_target, 4) > tolerance, 1, 0))",
    "bottom_heavy": "IF(people < 3, 0, IF(ROUND(bottom_share - bottom_target, 4) > tolerance, 1, 0))",
    # Performance pay (个人绩效提成 + 公共绩效提成 of everyone) against 设置 绩效工资预算: above 0 is over budget.
    "budget_difference": "ROUND(performance_pay - budget, 2)",
}
# 年度汇总 (篇八 7, reporter annual): one employee's row of a year's recorded periods.  period_totals are
# the totals of the year's periods (months, or quarters …), a blank cell where not appraised; "<>" counts
# and sums the filled cells.  score_totals are the cells the annual score is drawn from: period_totals,
# or for 年度方案 the annual period's own total.
_QUARTER_WEIGHTED = " + ".join(f'IF(COUNTIFS(q{q}_totals, "<>") = 0, 0, q{q}_weight * q{q})' for q in range(1, 5))
_QUARTER_WEIGHTS = " + ".join(f'IF(COUNTIFS(q{q}_totals, "<>") = 0, 0, q{q}_weight)' for q in range(1, 5))
ANNUAL_FORMULAS = {
    "annual_periods": 'COUNTIFS(score_totals, "<>")',
    # Months appraised: periods with a total × months per period (1 a month, 3 a quarter …).
    "months_appraised": 'COUNTIFS(period_totals, "<>") * period_months',
    # 年度得分方式 月度平均: the mean of the appraised periods' totals.
    "annual_score_months": 'IF(annual_periods = 0, "", ROUND(SUMIF(score_totals, "<>") / annual_periods, 2))',
    # A quarter's score: the mean of its appraised periods' totals (quarter_totals: its months, or the
    # quarter or half-year period holding it); blank when none.
    "quarter_score": 'IF(COUNTIFS(quarter_totals, "<>") = 0, "", '
                     'ROUND(SUMIF(quarter_totals, "<>") / COUNTIFS(quarter_totals, "<>"), 2))',
    # 季度加权: the quarter scores by 季度权重; a quarter without a score drops out, the others' weights
    # are scaled up to 100 %.
    "annual_score_quarters": f'IF(annual_periods = 0, "", ROUND(({_QUARTER_WEIGHTED}) / ({_QUARTER_WEIGHTS}), 2))',
    # 年度方案: the annual period's own total.
    "annual_score_plan": 'IF(annual_periods = 0, "", ROUND(SUMIF(score_totals, "<>"), 2))',
    # The annual grade: the grade rule on the annual score (total); none without a score.
    "annual_grade": f'IF(annual_periods = 0, "", {RULE_FORMULAS["grade"]})',
    # Eligible for the year-end bonus (1) when scored and appraised at least 年度最少考核月数.
    "annual_eligible": 'IF(annual_periods = 0, 0, IF(months_appraised >= min_months, 1, 0))',
    # 年终奖系数 of the annual grade (the 等级 sheet's column, or 绩效系数 where it is blank).
    "annual_bonus_coefficient": 'IF(annual_periods = 0, "", INDEX(band_bonus_coefficient, MATCH(grade, band_grade, 0)))',
    # Bonus weight = base (岗位工资) × coefficient, to the cent; the bonus itself without a budget.
    "annual_bonus_weight": "IF(eligible = 0, 0, ROUND(bonus_base * bonus_coefficient, 2))",
    "annual_bonus_weight_total": 'SUMIF(bonus_weights, ">0")',
    # With 年终奖预算: the budget shared in proportion to the weights, each rounded half away from zero to
    # the cent; what rounding leaves (annual_bonus_residue, a few cents either way) is shown, not shared out.
    # A weight of 0 gets 0 (so a year in which nobody qualifies divides nothing by zero).
    "annual_bonus": "IF(bonus_budget = 0, bonus_weight, "
                    "IF(bonus_weight = 0, 0, ROUND(bonus_budget * bonus_weight / bonus_weight_total, 2)))",
    "annual_bonus_residue": 'IF(bonus_budget = 0, 0, bonus_budget - SUMIF(bonuses, ">0"))',
    # Promotion: the run of top grades (晋升等级) up to a period, reset by any other grade or a period not
    # appraised; a candidate has a run of at least 晋升连续期数.
    "top_streak": 'IF(COUNTIFS(top_grades, grade & "") = 0, 0, previous_streak + 1)',
    "promotion_candidate": 'IF(COUNTIFS(top_streaks, ">=" & promotion_periods) = 0, 0, 1)',
}
RULE_FORMULAS.update(ANNUAL_FORMULAS)
# The rules of the year-end workbook only: a period's 规则 sheet does not list them.
ANNUAL_RULES = tuple(ANNUAL_FORMULAS)
# The rules that are measures a plan line can score (input.plans.ADJUSTMENT_MEASURES).
ADJUSTMENT_RULES = ("bonus_points", "penalty_points")


@cache
def rule(name: str) -> Formula:
    return parse_formula(RULE_FORMULAS[name], rules=True)


@lru_cache(maxsize=8)
def band_columns(grades: tuple[GradeBand, ...]) -> dict[str, Column]:
    """The grade table as the columns the rules read, in the validated ascending order."""
    return {"band_grade": Column(g.grade for g in grades), "band_name": Column(g.name for g in grades),
            "band_min": Column(g.min_score for g in grades),
            "band_coefficient": Column(g.pay_coefficient for g in grades),
            "band_bonus_coefficient": Column(annual_coefficient(g) for g in grades)}


def annual_coefficient(band: GradeBand) -> Decimal:
    """A band's year-end bonus coefficient: 年终奖系数, or 绩效系数 where that is blank."""
    return band.pay_coefficient if band.bonus_coefficient is None else band.bonus_coefficient


def find_grade(total: Decimal, grades: tuple[GradeBand, ...]) -> GradeBand:
    """The band of a total (bands are validated to leave no gap and to have distinct codes)."""
    code = rule("grade").evaluate({"total": total, **band_columns(tuple(grades))})
    return next(g for g in grades if g.grade == code)


def pay_coefficient(grade: GradeBand, grades: tuple[GradeBand, ...]) -> Decimal:
    return rule("pay_coefficient").evaluate({"grade": grade.grade, **band_columns(tuple(grades))})


def adjustment_sums(items: Iterable[Adjustment]) -> dict[str, Decimal]:
    """bonus_points and penalty_points of one employee's 加减分 items."""
    points = Column(a.points for a in items)
    return {name: rule(name).evaluate({"adjustment_points": points}) for name in ADJUSTMENT_RULES}


def annual_reward(sales_reward: Decimal, campaign_reward: Decimal) -> Decimal:
    return rule("annual_reward").evaluate({"sales_reward": sales_reward, "campaign_reward": campaign_reward})


class Ranks:
    """Department and role ranks of the appraised, by the rank rules.

    A rank rule counts the rows of everyone that its criteria match.  A plain
    text criterion (see :func:`equality_key`) matches exactly the rows whose
    text folds to the same key, and a blank rank group matches only blank
    groups, so for those names the rule is evaluated over that group only: the
    same count, without reading the whole company for every employee.  Any
    other name (wildcards, a leading ``<``, a number) is evaluated over
    everyone.  Ties share their rank, so results are kept per total.
    """

    def __init__(self, scored: Iterable[tuple[Employee, Decimal]]):
        self.everyone = list(scored)
        self.groups: dict[tuple, list[tuple[Employee, Decimal]]] = defaultdict(list)
        for e, total in self.everyone:
            group = fold(_rank_group(e))
            self.groups[("department", fold(e.company), fold(e.department), group)].append((e, total))
            self.groups[("role", fold(e.role), group)].append((e, total))
        self.columns: dict[tuple | None, dict[str, Column]] = {}
        self.known: dict[tuple, int] = {}

    def department(self, e: Employee, total: Decimal) -> int:
        values = {"company": e.company, "department": e.department, "rank_group": _rank_group(e), "total": total}
        return self._rank("department_rank", ("department", e.company, e.department, _rank_group(e)), values)

    def role(self, e: Employee, total: Decimal) -> int:
        values = {"role": e.role, "rank_group": _rank_group(e), "total": total}
        return self._rank("role_rank", ("role", e.role, _rank_group(e)), values)

    def sizes(self, e: Employee) -> tuple[int, int]:
        """How many are ranked with e: in the department (and rank group), in the role (and rank group)."""
        group = fold(_rank_group(e))
        return (len(self.groups[("department", fold(e.company), fold(e.department), group)]),
                len(self.groups[("role", fold(e.role), group)]))

    def _rank(self, name: str, names: tuple, values: dict) -> int:
        memo = (*names, values["total"])
        if memo not in self.known:
            keys = (*(equality_key(text) for text in names[1:-1]), _group_key(names[-1]))
            group = None if None in keys else (names[0], *keys)
            values.update(self._columns(group))
            self.known[memo] = int(rule(name).evaluate(values))
        return self.known[memo]

    def _columns(self, group: tuple | None) -> dict[str, Column]:
        if group not in self.columns:
            rows = self.everyone if group is None else self.groups.get(group, [])
            self.columns[group] = {
                "peer_company": Column(e.company for e, _ in rows),
                "peer_department": Column(e.department for e, _ in rows),
                "peer_rank_group": Column(_rank_group(e) or None for e, _ in rows),
                "peer_role": Column(e.role for e, _ in rows), "peer_total": Column(t for _, t in rows)}
        return self.columns[group]


def _rank_group(e: Employee) -> str:
    return getattr(e, "rank_group", "") or ""


def _group_key(text: str) -> str | None:
    """The criterion `rank_group & ""` as a group key: a blank group matches blanks only."""
    return "" if text == "" else equality_key(text)

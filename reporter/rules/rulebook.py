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
            "band_coefficient": Column(g.pay_coefficient for g in grades)}


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

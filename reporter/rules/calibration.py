"""校准 (calibration) before the letters go out: the grade mix against the company's target, outlier reviewers,
performance pay against the budget.

Facts only, and warnings only: nothing here changes a grade; a person decides.  pandas groups the
people (everyone, each department, each reviewer = 直属上级) and counts their grades; every rule a
cell holds (a share, its deviation from the target, the outlier tests, the budget difference) is a
rulebook formula (:data:`reporter.rules.rulebook.RULE_FORMULAS`), evaluated here and written as the
cell's formula by the summary's 校准 sheet.  The same facts come from a scored period
(:func:`calibrate_period`) or from a built period's folder (reporter.pipeline.calibrate), through
:class:`Appraisee` rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from reporter.formula import Column
from reporter.formula.criteria import fold
from reporter.model import PeriodResult
from reporter.rules.rulebook import rule

if TYPE_CHECKING:
    import pandas as pd

MIN_PEOPLE = 3  # the outlier rules' minimum, written in their formulas (rating_outlier, top_heavy, bottom_heavy)
TOP_GRADES = 2  # the top two and the bottom two grades


@dataclass(frozen=True)
class Appraisee:
    """One employee as calibration sees them."""

    employee_id: str
    company: str
    department: str
    reviewer: str  # 直属上级; "" when not given
    appraised: bool
    total: Decimal | None
    grade: str | None
    rating_shares: tuple[Decimal, ...]  # each 评分 rating ÷ its line's full marks (目标值)
    personal_commission: Decimal
    shared_commission: Decimal


@dataclass(frozen=True)
class GradeMix:
    grade: str
    count: int
    share: Decimal  # rulebook grade_share
    target: Decimal | None  # 目标等级分布's share; None without a target
    deviation: Decimal | None  # rulebook share_deviation
    off_target: bool  # rulebook off_target: more than the tolerance either way


@dataclass(frozen=True)
class Group:
    """Everyone, a department, or a reviewer's people: who was appraised, their grades, averages, outlier tests."""

    kind: str  # everyone, department or reviewer
    company: str  # a department's company; "" otherwise
    name: str  # the department, or the reviewer ("" for people whose 直属上级 is blank)
    people: int  # appraised
    mix: tuple[GradeMix, ...]  # highest grade first
    average_total: Decimal | None
    ratings: int  # how many 评分 ratings the people received
    average_rating: Decimal | None  # rulebook rating_average; None without ratings
    rating_outlier: bool = False  # reviewers only (rulebook rating_outlier, top_heavy, bottom_heavy)
    top_heavy: bool = False
    bottom_heavy: bool = False

    @property
    def outlier(self) -> bool:
        return self.rating_outlier or self.top_heavy or self.bottom_heavy


@dataclass(frozen=True)
class GradePay:
    """Performance pay of one grade (None: the people not appraised, paid commission at coefficient 1)."""

    grade: str | None
    people: int
    personal_commission: Decimal
    shared_commission: Decimal

    @property
    def total(self) -> Decimal:
        return self.personal_commission + self.shared_commission


@dataclass(frozen=True)
class Calibration:
    grades: tuple[str, ...]  # highest first
    targets: tuple[tuple[str, Decimal], ...]  # 目标等级分布, highest first; () none
    tolerance: Decimal  # 校准容差
    everyone: Group
    departments: tuple[Group, ...]
    reviewers: tuple[Group, ...]
    pay: tuple[GradePay, ...]  # each grade, highest first, then the people not appraised
    budget: Decimal | None  # 绩效工资预算
    budget_difference: Decimal | None  # rulebook budget_difference: above 0 is over budget

    @property
    def performance_pay(self) -> Decimal:
        return sum((p.total for p in self.pay), Decimal(0))

    @property
    def outliers(self) -> tuple[Group, ...]:
        return tuple(g for g in self.reviewers if g.outlier)


def appraisees(result: PeriodResult) -> tuple[Appraisee, ...]:
    """The scored period's employees as calibration rows."""
    rows = []
    for r in result.results:
        e = r.employee
        shares = tuple(lr.value / lr.line.target for lr in r.lines
                       if lr.line.method == "rating" and lr.value is not None and lr.line.target)
        rows.append(Appraisee(e.employee_id, e.company, e.department, e.manager, r.appraised, r.total,
                              r.grade.grade if r.grade else None, shares, r.pay.personal_commission,
                              r.pay.shared_commission))
    return tuple(rows)


def calibrate_period(result: PeriodResult) -> Calibration:
    s = result.input.settings
    grades = tuple(g.grade for g in sorted(result.input.grades, key=lambda g: g.min_score, reverse=True))
    return calibrate(appraisees(result), grades, s.grade_targets, s.calibration_tolerance, s.performance_pay_budget)


def calibrate(people: Sequence[Appraisee], grades: Sequence[str], targets: Iterable[tuple[str, Decimal]] = (),
              tolerance: Decimal = Decimal("0.1"), budget: Decimal | None = None) -> Calibration:
    """The calibration facts of a period's people; ``grades`` highest first, ``targets`` (grade, share) or ()."""
    import pandas as pd  # here, not at the top: a command that never calibrates starts without pandas

    grades, targets = tuple(grades), tuple(targets)
    target = {fold(g): share for g, share in targets}
    frame = pd.DataFrame([{"i": i, "company": p.company, "department": p.department, "reviewer": p.reviewer,
                           "company_key": fold(p.company), "department_key": fold(p.department),
                           "reviewer_key": fold(p.reviewer), "appraised": p.appraised}
                          for i, p in enumerate(people)])
    scored = frame[frame["appraised"]] if len(frame) else frame

    def group(kind: str, rows: pd.DataFrame, company: str = "", name: str = "", base: Group | None = None) -> Group:
        members = [people[i] for i in rows["i"]] if len(rows) else []
        return _group(kind, company, name, members, grades, target, tolerance, base)

    everyone = group("everyone", scored)
    departments = tuple(group("department", rows, rows["company"].iloc[0], rows["department"].iloc[0])
                        for _, rows in scored.groupby(["company_key", "department_key"], sort=True)) \
        if len(scored) else ()
    reviewers = tuple(group("reviewer", rows, "", rows["reviewer"].iloc[0], everyone)
                      for _, rows in scored.groupby("reviewer_key", sort=True)) if len(scored) else ()
    pay = [GradePay(g, sum(1 for p in people if p.appraised and fold(p.grade or "") == fold(g)),
                    *_pay_sums(p for p in people if p.appraised and fold(p.grade or "") == fold(g))) for g in grades]
    absent = [p for p in people if not p.appraised]
    pay.append(GradePay(None, len(absent), *_pay_sums(absent)))
    calibration = Calibration(grades, targets, tolerance, everyone, departments, reviewers, tuple(pay), budget, None)
    if budget is None:
        return calibration
    difference = rule("budget_difference").evaluate({"performance_pay": calibration.performance_pay, "budget": budget})
    return Calibration(grades, targets, tolerance, everyone, departments, reviewers, tuple(pay), budget, difference)


def _pay_sums(people: Iterable[Appraisee]) -> tuple[Decimal, Decimal]:
    people = list(people)
    return (sum((p.personal_commission for p in people), Decimal(0)),
            sum((p.shared_commission for p in people), Decimal(0)))


def _group(kind: str, company: str, name: str, members: list[Appraisee], grades: tuple[str, ...],
           target: dict[str, Decimal], tolerance: Decimal, everyone: Group | None) -> Group:
    people = Decimal(len(members))
    mix = []
    for grade in grades:
        count = sum(1 for p in members if fold(p.grade or "") == fold(grade))
        share = rule("grade_share").evaluate({"people": people, "count": Decimal(count)})
        goal = target.get(fold(grade))
        deviation = off = None
        if goal is not None:
            deviation = rule("share_deviation").evaluate({"share": share, "target": goal})
            off = bool(rule("off_target").evaluate({"deviation": deviation, "tolerance": tolerance}))
        mix.append(GradeMix(grade, count, share, goal, deviation, bool(off)))
    totals = [p.total for p in members if p.total is not None]
    shares = [s for p in members for s in p.rating_shares]
    average = sum(totals, Decimal(0)) / len(totals) if totals else None
    rating = rule("rating_average").evaluate({"rating_shares": Column(shares)}) if shares else None
    flags = {}
    if everyone is not None:
        values = {"people": people, "tolerance": tolerance}
        if rating is not None and everyone.average_rating is not None:
            flags["rating_outlier"] = rule("rating_outlier").evaluate(
                {**values, "rating": rating, "everyone_rating": everyone.average_rating})
        if target:
            for flag, part in (("top_heavy", mix[:TOP_GRADES]), ("bottom_heavy", mix[-TOP_GRADES:])):
                end = flag.split("_")[0]
                flags[flag] = rule(flag).evaluate({**values, f"{end}_share": sum(m.share for m in part),
                                                   f"{end}_target": sum(m.target for m in part)})
    return Group(kind, company, name, len(members), tuple(mix), average, len(shares), rating,
                 **{k: bool(v) for k, v in flags.items()})

"""The period's figures: 月度数据 and 考勤, 评分, 加减分 and 评语, the sheets only the period's end can fill.

A mixin of the validator in :mod:`reporter.input.validate`, like
:class:`~reporter.input.plans.PlanRules`: it reports through ``self.problem``
and reads the sheets through ``self.rows`` and ``self.rows_by_employee``.  The
rows it remembers (``measure_rows``, ``rating_rows``, ``review_rows``) let later
checks point at the cell.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reporter.input.plans import ADJUSTMENT_MEASURES, ATTENDANCE_MEASURES
from reporter.model import Adjustment, Review

# What only the period's end can know: `plan` (stage "plan") neither needs nor reads them.
PERIOD_DATA_SHEETS = ("measures", "attendance", "ratings", "reviews", "adjustments", "unit_measures", "unit_ratings")


class PeriodDataRules:
    def measures(self, by_id, measure_defs) -> dict[str, dict]:
        data = self.sheets.get("measures")
        for code in (data.extra if data and self.complete("measure_defs") else ()):
            if code not in measure_defs:
                self.problem(f"度量 {code} 未在「度量定义」中定义", "measures", 1, code)
        values: dict[str, dict] = {}
        self.measure_rows: dict[str, int] = {}
        for eid, r in self.rows_by_employee("measures", by_id):
            values[eid] = {k: v for k, v in r.extra.items() if v is not None}
            self.measure_rows[eid] = r.number
        self.attendance_rows: dict[str, int] = {}
        for eid, r in self.rows_by_employee("attendance", by_id):
            row = values.setdefault(eid, {})
            for key in ATTENDANCE_MEASURES:
                row[key] = r.values.get(key) if r.values.get(key) is not None else Decimal(0)
            self.attendance_rows[eid] = r.number
        return values

    def ratings(self, by_id) -> dict[str, dict]:
        ratings: dict[str, dict] = defaultdict(dict)
        self.rating_rows: dict[tuple[str, str], int] = {}
        for eid, r in self.rows_by_employee("ratings", by_id, unique=False):
            item, rating = r.values.get("item"), r.values.get("rating")
            if item is None or rating is None:
                continue
            if item in ratings[eid]:
                self.problem(f"{eid} 的「{item}」评分重复", "ratings", r.number, "item")
            ratings[eid][item] = rating
            self.rating_rows[(eid, item)] = r.number
        return dict(ratings)

    def adjustments(self, by_id) -> dict[str, tuple]:
        items: dict[str, list] = defaultdict(list)
        for eid, r in self.rows_by_employee("adjustments", by_id, unique=False):
            if r.values.get("item") is not None and r.values.get("points") is not None:
                items[eid].append(Adjustment(r.values["item"], r.values["points"], r.values.get("approved_by") or ""))
        return {k: tuple(v) for k, v in items.items()}

    def check_inputs_present(self, employees, appraised, plans, kpis, measures, ratings) -> None:
        """Every appraised employee has every measure and rating their plan needs."""
        for e in employees:
            plan = plans.get(e.employee_id) or plans.get(e.role)
            if e.employee_id not in appraised or plan is None:
                continue
            have = measures.get(e.employee_id, {})
            rated = {line.item for line in plan.lines if line.method == "rating"}
            for item in sorted(set(ratings.get(e.employee_id, {})) - rated):
                self.problem(f"{e.name}（{e.employee_id}）的评分项目「{item}」不在其考核方案中，已忽略：请检查项目名称是否写错",
                             "ratings", severity="warning")
            for line in plan.lines:
                if line.method == "rating":
                    self.check_rating(e, line, ratings.get(e.employee_id, {}))
                    continue
                needed = kpis[line.kpi].formula.names if line.kpi in kpis else {line.kpi}
                for name in sorted(needed - set(have) - set(ADJUSTMENT_MEASURES)):
                    if name in ATTENDANCE_MEASURES:
                        self.problem(f"{e.name}（{e.employee_id}）没有考勤记录：请在「考勤」表中添加一行", "attendance")
                        break
                    row = self.measure_rows.get(e.employee_id)
                    what = "该单元格为空" if row else "「月度数据」中没有该员工的行"
                    self.problem(f"{e.name}（{e.employee_id}）的度量 {name} 缺失（{what}），"
                                 f"方案项目「{line.item}」需要它", "measures", row, name)

    def check_adjustments_scored(self, employees, plans, adjustments) -> None:
        """A bonus or penalty with no plan line to take it would vanish silently."""
        for e in employees:
            plan = plans.get(e.employee_id) or plans.get(e.role)
            items = adjustments.get(e.employee_id, ())
            if plan is None or not items:
                continue
            codes = {line.kpi for line in plan.lines}
            for sign, code in ((1, "bonus_points"), (-1, "penalty_points")):
                if any(a.points * sign > 0 for a in items) and code not in codes:
                    kind = "加分" if sign > 0 else "扣分"
                    self.problem(f"{e.name}（{e.employee_id}）有{kind}事项，但其考核方案没有指标代码为 {code} 的加减分项："
                                 f"请在方案中添加该项，否则{kind}不会计入", "adjustments", None, "points")

    def reviews(self, by_id, appraised) -> dict[str, Review]:
        reviews, self.review_rows = {}, {}
        for eid, r in self.rows_by_employee("reviews", by_id):
            v = r.values
            self.review_rows[eid] = r.number
            if v.get("reviewer"):
                reviews[eid] = Review(v["reviewer"], v.get("comment") or "", v.get("improvement") or "",
                                      v.get("interview_date"))
        self.check_interview_dates(reviews, by_id)
        for eid in sorted(appraised - set(reviews)):
            self.problem(f"{by_id[eid].name}（{eid}）没有考核评语：确认书中评语一栏将为空", "reviews",
                         severity="warning")
        return reviews

    def check_interview_dates(self, reviews: dict[str, Review], by_id) -> None:
        """The interview discusses the result, so it cannot come before the appraisal that made it, and it
        must leave the employee time to appeal: not after the appeal deadline (a letter would print both).

        Warnings, not errors: the 考核日期 is one day of a 5–10 day window and either date may be the
        typo; HR sees the cell in `reporter validate` and in the build's warnings, and no run is blocked.
        """
        settings = self.settings_value
        if settings is None:
            return
        appraised_on, deadline = settings.appraisal_date, settings.appeal_deadline
        for eid, review in reviews.items():
            on, where = review.interview_date, ("reviews", self.review_rows.get(eid), "interview_date")
            if on is None:
                continue
            if appraised_on is not None and on < appraised_on:
                self.problem(f"{by_id[eid].name}（{eid}）的面谈日期 {on} 早于考核日期 {appraised_on}："
                             "面谈应在考核之后进行，请改正面谈日期或「设置」中的考核日期", *where, severity="warning")
            if deadline is not None and on > deadline:
                self.problem(f"{by_id[eid].name}（{eid}）的面谈日期 {on} 晚于申诉截止日期 {deadline}："
                             "员工面谈后已无法申诉，请改正面谈日期或「设置」中的申诉截止日期", *where, severity="warning")

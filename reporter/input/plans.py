"""Rules for plans and grade bands: weights, methods and their parameters, target changes, bands.

A mixin of the validator in :mod:`reporter.input.validate`; it reports through
``self.problem`` and reads rows through ``self.rows``.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reporter.model import GradeBand, Plan, PlanLine

# Measures that come from the attendance and adjustments sheets rather than 月度数据.
ATTENDANCE_MEASURES = ("late", "early_leave", "leave_days", "reports_due", "reports_submitted")
ADJUSTMENT_MEASURES = ("bonus_points", "penalty_points")
BUILT_IN_MEASURES = ATTENDANCE_MEASURES + ADJUSTMENT_MEASURES
UNIT_BY_KIND = {"amount": "元", "seconds": "秒", "percent": "%", "count": "次", "number": ""}
METHOD_NEEDS_TARGET = ("achievement", "linear", "pass_fail")


RATING_SCALE = (Decimal(1), Decimal(5))  # a rating line's 下限 and 目标值 when left blank


def rating_scale(line: PlanLine) -> tuple[Decimal, Decimal]:
    """The ratings a rating line accepts: 下限 (lowest, default 1) to 目标值 (full marks, default 5)."""
    return (line.floor if line.floor is not None else RATING_SCALE[0], line.target or RATING_SCALE[1])


class PlanRules:
    def plans(self, kpis, measure_defs, employees) -> dict[str, Plan]:
        lines: dict[str, list[PlanLine]] = defaultdict(list)
        rows: dict[str, list[int]] = defaultdict(list)
        personal: set[str] = set()
        incomplete_weight: dict[str, Decimal] = defaultdict(Decimal)  # weights of lines with other problems
        known_ids = {e.employee_id for e in employees}
        for r in self.rows("plans"):
            line = self.plan_line(r, kpis, measure_defs)
            role, eid = r.values.get("role"), r.values.get("employee_id")
            if bool(role) == bool(eid):
                self.problem("「适用岗位」与「适用员工」须填且只填一个", "plans", r.number, "role")
                continue
            if eid and eid not in known_ids:
                if eid not in self.listed_ids and self.complete("employees"):  # listed: its bad cell is reported
                    self.problem(f"适用员工 {eid} 不在「员工」表中", "plans", r.number, "employee_id")
                continue
            owner = eid or role
            if r.values.get("category") != "bonus":
                rows[owner].append(r.number)
            if eid:
                personal.add(eid)
            if line is not None:
                lines[owner].append(line)
            elif r.values.get("category") != "bonus" and r.values.get("weight") is not None:
                incomplete_weight[owner] += r.values["weight"]
        plans = {}
        for owner, plan_lines in lines.items():
            weights = sum((ln.weight for ln in plan_lines if ln.category != "bonus"), incomplete_weight[owner])
            if weights != Decimal(1):
                listed = "、".join(str(n) for n in rows[owner])
                self.problem(f"方案「{owner}」的权重合计为 {weights * 100:f}%，须恰好为 100%（第 {listed} 行）",
                             "plans", rows[owner][0], "weight")
            plans[owner] = Plan(owner, owner in personal, tuple(plan_lines))
        return plans

    def plan_line(self, r, kpis, measure_defs, sheet: str = "plans") -> PlanLine | None:
        """One line of 考核方案 (or of 单位方案, ``sheet``), or None when a cell of it is reported."""
        v = r.values
        if v.get("category") is None or v.get("method") is None:
            return None
        category, method, code = v["category"], v["method"], v.get("kpi") or ""
        if category == "kpi" and not code and v.get("item") in kpis:
            code = v["item"]
        ok = True
        direction, unit, name = "higher", "", v.get("item") or ""
        if method == "rating":
            if code:
                self.problem("评级类项目的取值来自「评分」表，请清空「指标代码」", sheet, r.number, "kpi")
                ok = False
            if not name:
                self.problem("评级类项目须填写「考核项目」名称，用于匹配「评分」表", sheet, r.number, "item")
                ok = False
        elif not code:
            self.problem("须填写「指标代码」：取值来自指标库的指标或度量", sheet, r.number, "kpi")
            ok = False
        elif code in kpis:
            direction, unit, name = kpis[code].direction, kpis[code].unit, name or kpis[code].name
        elif code in measure_defs or code in BUILT_IN_MEASURES:
            unit = UNIT_BY_KIND.get(measure_defs[code].kind, "") if code in measure_defs else "分"
            name = name or (measure_defs[code].name if code in measure_defs else code)
        elif code in self.broken_codes:
            ok = False  # its formula is wrong; that is reported at the formula
        else:
            if self.complete("kpis", "measure_defs"):
                self.problem(f"指标代码 {code} 不在「指标库」或「度量定义」中", sheet, r.number, "kpi")
            ok = False
        weight = v.get("weight") or Decimal(0)
        if category == "bonus" and weight:
            self.problem("加减分项不占权重：请清空权重（上限写在「封顶」）", sheet, r.number, "weight")
            ok = False
        if category != "bonus" and v.get("weight") is None:
            self.problem("须填写权重", sheet, r.number, "weight")
            ok = False
        target, floor = v.get("target"), v.get("floor")
        if method in METHOD_NEEDS_TARGET and target is None:
            self.problem("该评分方法须填写目标值", sheet, r.number, "target")
            ok = False
        elif method == "achievement" and target is not None and target <= 0:
            self.problem("达成率评分的目标值须大于 0", sheet, r.number, "target")
            ok = False
        if method == "linear" and (floor is None or floor == target):
            self.problem("线性评分须填写下限（零分点），且不能等于目标值", sheet, r.number, "floor")
            ok = False
        if method == "rating" and target is not None and target <= 0:
            self.problem("评级满分（目标值）须大于 0", sheet, r.number, "target")
            ok = False
        elif method == "rating" and floor is not None and floor >= (target or RATING_SCALE[1]):
            self.problem("评级的最低分（下限）须小于满分（目标值，默认 5）", sheet, r.number, "floor")
            ok = False
        original = v.get("original_target")
        if original is not None and original != target and not (v.get("change_reason") and v.get("approved_by")):
            self.problem("目标值已调整：须填写「调整原因」与「批准人」", sheet, r.number, "change_reason")
            ok = False
        if not ok:
            return None
        return PlanLine(
            category=category, item=name, method=method, weight=weight, direction=direction, kpi=code,
            target=target if not (method == "rating" and target is None) else RATING_SCALE[1], floor=floor,
            cap=v.get("cap"), step=v.get("step"), standard=v.get("standard") or "",
            supports=v.get("supports") or "", unit=unit, original_target=original,
            change_reason=v.get("change_reason") or "", approved_by=v.get("approved_by") or "", row=r.number)

    def check_rating(self, e, line, rated: dict) -> None:
        """A rating is there and on its line's scale: 下限 (default 1) to 目标值 (default 5)."""
        self.check_rating_of(f"{e.name}（{e.employee_id}）", line, rated, "ratings",
                             self.rating_rows.get((e.employee_id, line.item)), "考核方案")

    def check_rating_of(self, who: str, line, rated: dict, sheet: str, row: int | None, plan_sheet: str) -> None:
        """``who``'s rating of ``line`` (a person's in 评分, a unit's in 单位评分) is there and on the line's scale."""
        if line.item not in rated:
            self.problem(f"{who}缺少「{line.item}」的评分", sheet, None, "rating")
            return
        low, high = rating_scale(line)
        if not low <= rated[line.item] <= high:
            self.problem(f"{who}的「{line.item}」评分 {rated[line.item]:f} 不在评分标准 {low:f}～{high:f} 之内"
                         f"（{plan_sheet}第 {line.row} 行的下限与目标值）", sheet, row, "rating")

    def grades(self) -> list[GradeBand]:
        bands = []
        for r in self.rows("grades"):
            v = r.values
            if any(v.get(k) is None for k in ("grade", "name", "min_score", "pay_coefficient")):
                continue
            bands.append((r.number, GradeBand(
                v["grade"], v["name"], v["min_score"], v.get("max_score"), v["pay_coefficient"],
                v.get("training") or "", v.get("promotion") or "", v.get("level_change") or "",
                v.get("salary_change") or "", bool(v.get("failing")), v.get("bonus_coefficient"))))
        bands.sort(key=lambda b: b[1].min_score)
        if len({b.grade.lower() for _, b in bands}) != len(bands):  # the workbooks' MATCH ignores case
            self.problem("等级代码重复（不区分大小写）", "grades", bands[0][0] if bands else None, "grade")
        for row, band in bands:
            if any(c in band.grade for c in "*?~"):
                self.problem(f"等级代码「{band.grade}」不能含 * ? ~：工作簿按等级查表时它们是通配符", "grades", row, "grade")
        for (row, band), (_, upper) in zip(bands, bands[1:], strict=False):
            if band.max_score is None or band.max_score != upper.min_score:
                gap = "重叠" if band.max_score is not None and band.max_score > upper.min_score else "有空档"
                self.problem(f"等级 {band.grade} 的上限（{band.max_score}）与等级 {upper.grade} 的下限（{upper.min_score}）"
                             f"{gap}：区间须首尾相接（下限含、上限不含）", "grades", row, "max_score")
        if bands and bands[0][1].min_score > 0:
            self.problem("最低等级的下限须为 0（总分不低于 0）", "grades", bands[0][0], "min_score")
        if bands and bands[-1][1].max_score is not None:
            self.problem("最高等级的上限须留空", "grades", bands[-1][0], "max_score")
        if 0 < len(bands) < 2:
            self.problem("至少需要两个等级", "grades")
        return [b for _, b in bands]

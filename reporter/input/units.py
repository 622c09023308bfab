"""Rules for the units of 篇七's cascade: 组织, 单位方案, 单位数据, 单位评分, and the alignment codes.

A mixin of the validator in :mod:`reporter.input.validate`, like
:class:`~reporter.input.plans.PlanRules`, whose ``plan_line`` reads a unit plan's
line exactly as a person's.  Checked here: the tree (group → regional company
→ department, each employee in one department), weights of exactly 100 % per
unit and term, line codes unique in their unit, every 支撑上级指标 a code of
the plan above (a person's: of their own department's), the four dimensions of
a department plan (a warning), target changes approved by the head of the unit
above, and the period's unit figures.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from decimal import Decimal

from reporter.formula.criteria import fold
from reporter.input.columns import DIMENSIONS, LEVELS
from reporter.input.plans import BUILT_IN_MEASURES
from reporter.model import Employee, Plan, Unit, UnitPlan
from reporter.period import MONTHS, TERMS, Period

ABOVE = {"company": "group", "department": "company"}  # the level a unit's parent must have
LEVEL_ORDER = {"group": 0, "company": 1, "department": 2}


def level_word(level: str) -> str:
    return LEVELS[level][0]


class UnitRules:
    def units(self) -> dict[str, Unit]:
        """组织: the units by code, top down (the group, the companies, the departments, each in sheet order)."""
        units: dict[str, Unit] = {}
        for r in self.rows("units"):
            v = r.values
            if not (v.get("code") and v.get("name") and v.get("level")):
                continue  # a required cell is empty or unreadable: reported by the reader
            same = next((u for u in units.values() if u.code.casefold() == v["code"].casefold()), None)
            if same is not None:  # the unit's files are named by code: a file system may ignore case
                self.problem(f"单位代码 {v['code']} 与第 {same.row} 行的 {same.code} 重复（不区分大小写）", "units", r.number,
                             "code")
                continue
            units[v["code"]] = Unit(v["code"], v["name"], v["level"], v.get("parent") or "", v.get("head") or "",
                                    v.get("head_id") or "", r.number)
        names: dict[tuple, int] = {}
        for u in units.values():
            above = ABOVE.get(u.level)
            if above is None and u.parent:
                self.problem("集团是最上一级，不能有上级单位：请清空", "units", u.row, "parent")
            elif above and not u.parent:
                self.problem(f"{level_word(u.level)}须填写上级单位（一个{level_word(above)}的单位代码）", "units", u.row, "parent")
            elif above and u.parent not in units:
                self.problem(f"上级单位 {u.parent} 不在「组织」表中", "units", u.row, "parent")
            elif above and units[u.parent].level != above:
                self.problem(f"{level_word(u.level)}的上级须为{level_word(above)}，{u.parent} 是"
                             f"{level_word(units[u.parent].level)}", "units", u.row, "parent")
            key = (u.level, u.parent, fold(u.name))
            if key in names:
                self.problem(f"单位名称「{u.name}」与第 {names[key]} 行重复：同一上级下的单位名称须不同", "units", u.row, "name")
            names.setdefault(key, u.row)
        groups = [u for u in units.values() if u.level == "group"]
        for extra in groups[1:]:
            self.problem(f"只能有一个集团（第 {groups[0].row} 行已是集团）", "units", extra.row, "level")
        return dict(sorted(units.items(), key=lambda item: LEVEL_ORDER[item[1].level]))

    def department_units(self, units: dict[str, Unit], employees: list[Employee]) -> dict[str, str]:
        """Each employee's department unit (by employee ID); an employee without one is reported at 员工 › 部门."""
        by_name = {(fold(units[u.parent].name), fold(u.name)): u.code for u in units.values()
                   if u.level == "department" and u.parent in units}
        known = {e.employee_id for e in employees}
        for u in units.values():
            if u.head_id and u.head_id not in known and self.complete("employees"):
                self.problem(f"负责人工号 {u.head_id} 不在「员工」表中", "units", u.row, "head_id")
        found = {}
        for e in employees:
            code = by_name.get((fold(e.company), fold(e.department)))
            if code is not None:
                found[e.employee_id] = code
            elif units and self.complete("units"):
                self.problem(f"「组织」表中没有公司「{e.company}」下的部门「{e.department}」：请添加该部门单位，"
                             "或改正公司、部门名称", "employees", e.row, "department")
        return found

    def unit_plans(self, units: dict[str, Unit], kpis, measure_defs, period: Period | None) -> tuple[UnitPlan, ...]:
        lines: dict[tuple[str, str], list] = defaultdict(list)
        rows: dict[tuple[str, str], list[int]] = defaultdict(list)
        incomplete_weight: dict[tuple[str, str], Decimal] = defaultdict(Decimal)
        codes: dict[tuple[str, str], int] = {}
        for r in self.rows("unit_plans"):
            v = r.values
            unit, code = v.get("unit"), v.get("code")
            if unit is None or code is None:
                continue
            if unit not in units:
                if self.complete("units"):
                    self.problem(f"单位代码 {unit} 不在「组织」表中", "unit_plans", r.number, "unit")
                continue
            if (unit, code) in codes:
                self.problem(f"行代码 {code} 在单位 {unit} 的方案中重复（第 {codes[(unit, code)]} 行）：下级按行代码支撑，"
                             "须唯一", "unit_plans", r.number, "code")
            codes.setdefault((unit, code), r.number)
            kind = v.get("term") or (period.kind if period else "month")
            if period is not None and MONTHS[kind] < period.months:
                self.problem(f"期限「{TERMS[kind][0]}」短于考核期间 {period.label}：请填写{TERMS[period.kind][0]}或更长的期限，"
                             "或留空", "unit_plans", r.number, "term")
                continue
            if v.get("category") != "bonus":
                rows[(unit, kind)].append(r.number)
            line = self.unit_line(r, units[unit], kpis, measure_defs)
            if line is not None:
                lines[(unit, kind)].append(line)
            elif v.get("category") != "bonus" and v.get("weight") is not None:
                incomplete_weight[(unit, kind)] += v["weight"]
        self.unit_codes: dict[str, set[str]] = defaultdict(set)  # every line's, reported or not: no follow-on errors
        for unit, code in codes:
            self.unit_codes[unit].add(code)
        plans = []
        for (unit, kind), plan_lines in lines.items():
            name, term = units[unit].name, TERMS[kind][0]
            weights = sum((ln.weight for ln in plan_lines if ln.category != "bonus"), incomplete_weight[(unit, kind)])
            if weights != Decimal(1):
                listed = "、".join(str(n) for n in rows[(unit, kind)])
                self.problem(f"单位「{name}」（{unit}）的{term}方案权重合计为 {weights * 100:f}%，须恰好为 100%（第 {listed} 行）",
                             "unit_plans", rows[(unit, kind)][0] if rows[(unit, kind)] else None, "weight")
            if units[unit].level == "department":
                missing = [words[0] for key, words in DIMENSIONS.items() if key not in {ln.dimension for ln in plan_lines}]
                if missing:
                    self.problem(f"部门「{name}」（{unit}）的{term}方案没有覆盖维度：{'、'.join(missing)}（部门方案应覆盖规模与盈利、"
                                 "客户、内部运营、人与组织四个维度）", "unit_plans", plan_lines[0].row, "dimension",
                                 severity="warning")
            if period is not None:
                plans.append(UnitPlan(unit, period.within(kind), tuple(plan_lines)))
        order = {code: i for i, code in enumerate(units)}
        return tuple(sorted(plans, key=lambda p: (order[p.unit], -p.term.months)))

    def unit_line(self, r, unit: Unit, kpis, measure_defs):
        """One 单位方案 line: a person's line (plans.PlanRules.plan_line) with its code and dimension."""
        v = r.values
        line = self.plan_line(r, kpis, measure_defs, "unit_plans")
        if line is None:
            return None
        names = kpis[line.kpi].formula.names if line.kpi in kpis else {line.kpi}
        if not names.isdisjoint(BUILT_IN_MEASURES):
            self.problem("考勤、周报与加减分的度量只属于员工：单位方案请取「单位数据」中的度量", "unit_plans", r.number, "kpi")
            return None
        dimension = v.get("dimension") or ""
        if unit.level == "department" and line.category != "bonus" and not dimension:
            self.problem("部门方案的考核项目须填写维度：规模与盈利、客户、内部运营或人与组织", "unit_plans", r.number, "dimension")
            return None
        return replace(line, code=v["code"], dimension=dimension)

    def check_unit_targets(self, units: dict[str, Unit], plans: tuple[UnitPlan, ...]) -> None:
        """A changed unit target needs the approval of the head of the unit above (篇七 3.1–3.3)."""
        for plan in plans:
            parent = units.get(units[plan.unit].parent)
            for ln in plan.lines:
                changed = ln.original_target is not None and ln.original_target != ln.target
                if changed and parent is not None and parent.head and fold(ln.approved_by) != fold(parent.head):
                    self.problem(f"目标调整须由上级单位「{parent.name}」的负责人 {parent.head} 批准，不是 {ln.approved_by}",
                                 "unit_plans", ln.row, "approved_by")

    def check_alignment(self, units: dict[str, Unit], unit_plans: tuple[UnitPlan, ...], plans: dict[str, Plan],
                        employees: list[Employee], departments: dict[str, str]) -> None:
        """Every 支撑上级指标 is a line code of the plan above: a unit's parent's, a person's department's."""
        codes = self.unit_codes
        for plan in unit_plans:
            parent = units[plan.unit].parent
            for ln in plan.lines:
                if ln.supports and not parent:
                    self.problem("集团方案没有上级单位：请清空支撑上级指标", "unit_plans", ln.row, "supports")
                elif ln.supports and ln.supports not in codes[parent]:
                    self.problem(f"支撑上级指标 {ln.supports} 不是上级单位「{units[parent].name}」（{parent}）方案的行代码",
                                 "unit_plans", ln.row, "supports")
        reported: set[tuple[int, str]] = set()
        for e in employees:
            unit = departments.get(e.employee_id)
            plan = plans.get(e.employee_id) or plans.get(e.role)
            if unit is None or plan is None:
                continue
            for ln in plan.lines:
                if ln.supports and ln.supports not in codes[unit] and (ln.row, unit) not in reported:
                    reported.add((ln.row, unit))
                    self.problem(f"支撑上级指标 {ln.supports} 不是{e.name}（{e.employee_id}）所在部门「{e.company}{e.department}」"
                                 f"（{unit}）方案的行代码", "plans", ln.row, "supports")

    def unit_data(self, units: dict[str, Unit], unit_plans: tuple[UnitPlan, ...], kpis, measure_defs,
                  period: Period | None) -> tuple[dict, dict]:
        """单位数据 and 单位评分; at the period's end, every value the period's unit plans need."""
        data = self.sheets.get("unit_measures")
        for code in (data.extra if data and self.complete("measure_defs") else ()):
            if code not in measure_defs:
                self.problem(f"度量 {code} 未在「度量定义」中定义", "unit_measures", 1, code)
        measures: dict[str, dict] = {}
        rows: dict[str, int] = {}
        for r in self.rows("unit_measures"):
            if (unit := self.known_unit(r, units, "unit_measures")) is None:
                continue
            if unit in measures:
                self.problem(f"单位 {unit} 重复（第 {rows[unit]} 行）", "unit_measures", r.number, "unit")
                continue
            measures[unit], rows[unit] = {k: v for k, v in r.extra.items() if v is not None}, r.number
        ratings: dict[str, dict] = defaultdict(dict)
        rating_rows: dict[tuple[str, str], int] = {}
        for r in self.rows("unit_ratings"):
            unit, item, rating = self.known_unit(r, units, "unit_ratings"), r.values.get("item"), r.values.get("rating")
            if unit is None or item is None or rating is None:
                continue
            if item in ratings[unit]:
                self.problem(f"单位 {unit} 的「{item}」评分重复", "unit_ratings", r.number, "item")
            ratings[unit][item], rating_rows[(unit, item)] = rating, r.number
        if self.stage == "plan" or period is None or not self.complete("kpis", "measure_defs"):
            return measures, dict(ratings)
        rated = {(p.unit, ln.item) for p in unit_plans if p.term == period for ln in p.lines if ln.method == "rating"}
        for (unit, item), row in rating_rows.items():
            if (unit, item) not in rated:
                self.problem(f"单位 {unit} 的评分项目「{item}」不在其本期方案的评级项目中，已忽略：请检查项目名称",
                             "unit_ratings", row, "item", severity="warning")
        for plan in (p for p in unit_plans if p.term == period):
            name = units[plan.unit].name
            for ln in plan.lines:
                if ln.method == "rating":
                    self.check_rating_of(f"单位「{name}」（{plan.unit}）", ln, ratings.get(plan.unit, {}), "unit_ratings",
                                         rating_rows.get((plan.unit, ln.item)), "单位方案")
                    continue
                have = measures.get(plan.unit, {})
                for measure in sorted((kpis[ln.kpi].formula.names if ln.kpi in kpis else {ln.kpi}) - set(have)):
                    what = "该单元格为空" if plan.unit in rows else "「单位数据」中没有该单位的行"
                    self.problem(f"单位「{name}」（{plan.unit}）的度量 {measure} 缺失（{what}），方案项目「{ln.item}」需要它",
                                 "unit_measures", rows.get(plan.unit), measure)
        return measures, dict(ratings)

    def known_unit(self, r, units: dict[str, Unit], sheet: str) -> str | None:
        unit = r.values.get("unit")
        if unit is not None and unit not in units:
            if self.complete("units"):
                self.problem(f"单位代码 {unit} 不在「组织」表中", sheet, r.number, "unit")
            return None
        return unit

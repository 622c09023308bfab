"""Score the units of 篇七's cascade: each unit plan of the period, its people's average, grades and ranks.

The same rules as a person's: each line's points by its scoring method's
formula, the total by the person's total formula, the grade from the same
bands.  What is the unit's own is written once in the rulebook: its people's
average, its score by 设置 单位得分方式, its rank among the units of its level
under the same parent.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import replace
from decimal import Decimal

from reporter.formula import Column
from reporter.model import AppraisalInput, LineResult, PlanLine, Settings, UnitResult, ZeroDivisor
from reporter.rules.rulebook import find_grade, rule
from reporter.rules.scoring import CENT, measured_value, score_line, total_formula


def unit_people(inp: AppraisalInput, appraised: Mapping[str, Decimal]) -> dict[str, tuple[str, ...]]:
    """The appraised employees under each unit: a department's own, and everyone below a company or the group."""
    people: dict[str, list[str]] = defaultdict(list)
    for e in inp.employees:
        code = inp.employee_units.get(e.employee_id) if e.employee_id in appraised else None
        while code:
            people[code].append(e.employee_id)
            code = inp.units[code].parent
    return {code: tuple(ids) for code, ids in people.items()}


def unit_line_value(inp: AppraisalInput, unit: str, line: PlanLine,
                    zero_divisors: list[ZeroDivisor]) -> tuple[Decimal, dict[str, Decimal]]:
    """The value a unit's line is scored on (from 单位数据 or 单位评分), and the measures it came from."""
    if line.method == "rating":
        return inp.unit_ratings[unit][line.item], {}
    return measured_value(inp.kpis.get(line.kpi), line, inp.unit_measures.get(unit, {}), unit, zero_divisors)


def people_average(totals: list[Decimal]) -> Decimal | None:
    if not totals:
        return None
    return rule("people_average").evaluate({"people_total": Column(totals)})


def unit_score(settings: Settings, own_total: Decimal, people: int, average: Decimal | None) -> Decimal:
    """The unit's score by 单位得分方式: its own plan's total, or blended with its people's average."""
    if settings.unit_score_rule != "blended":
        return rule("unit_score_own").evaluate({"own_total": own_total})
    return rule("unit_score_blended").evaluate({
        "own_total": own_total, "own_weight": settings.unit_own_weight, "people_count": Decimal(people),
        "people_average": average if average is not None else Decimal(0)})


def score_units(inp: AppraisalInput, totals: Mapping[str, Decimal]) -> tuple[UnitResult, ...]:
    """Every unit of 组织, top down; those with a plan for this period scored, graded and ranked among their peers."""
    period = inp.settings.period
    plans = {p.unit: p for p in inp.unit_plans if p.term == period}
    people = unit_people(inp, totals)
    results: dict[str, UnitResult] = {}
    for code, unit in inp.units.items():
        members = people.get(code, ())
        average = people_average([totals[eid] for eid in members])
        plan = plans.get(code)
        if plan is None:
            results[code] = UnitResult(unit, None, members, average)
            continue
        zero: list[ZeroDivisor] = []
        lines = []
        for line in plan.lines:
            value, used = unit_line_value(inp, code, line, zero)
            lines.append(LineResult(line, value, score_line(line, value), used))
        points_sum = sum((lr.points for lr in lines), Decimal(0))
        own = total_formula().evaluate({"points_sum": points_sum}).quantize(CENT)
        total = unit_score(inp.settings, own, len(members), average).quantize(CENT)
        results[code] = UnitResult(unit, plan, members, average, tuple(lines), own, total,
                                   find_grade(total, inp.grades), zero_divisors=tuple(zero))
    return tuple(_ranked(list(results.values())))


def _ranked(results: list[UnitResult]) -> list[UnitResult]:
    """Each scored unit with its rank among the scored units of its level under the same parent (unit_rank)."""
    scored = [r for r in results if r.scored]
    columns = {"peer_level": Column(r.unit.level for r in scored),
               "peer_parent": Column(r.unit.parent or None for r in scored),
               "peer_score": Column(r.total for r in scored)}
    ranked = []
    for r in results:
        if not r.scored:
            ranked.append(r)
            continue
        peers = sum(1 for p in scored if (p.unit.level, p.unit.parent) == (r.unit.level, r.unit.parent))
        rank = int(rule("unit_rank").evaluate({**columns, "level": r.unit.level, "parent": r.unit.parent,
                                               "score": r.total}))
        ranked.append(replace(r, rank=rank, peers=peers))
    return ranked

"""Alignment (篇七 3.1): which lower lines support each unit plan line, and which lines nobody supports.

A unit's line is supported by the lines of its child units that name its code
in 支撑上级指标, and a department's line also by its people's lines that do
(each employee separately: a role's plan serves several departments).  The
codes are checked by validation; this only gathers them, as facts.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from reporter.model import AppraisalInput, PlanLine
from reporter.period import Period


@dataclass(frozen=True)
class Support:
    """One lower line that names an upper line in 支撑上级指标: a child unit's line, or a person's."""

    owner: str  # unit code, or employee ID for a person
    person: bool
    line: PlanLine


@dataclass(frozen=True)
class AlignedLine:
    """An upper unit's plan line with every lower line that supports it (empty: nobody does)."""

    unit: str
    term: Period
    line: PlanLine
    supporters: tuple[Support, ...] = ()


def alignment(inp: AppraisalInput) -> tuple[AlignedLine, ...]:
    """Every line of every unit plan (top down, longer terms first) with the lines that support it."""
    support: dict[tuple[str, str], list[Support]] = defaultdict(list)
    for plan in inp.unit_plans:
        parent = inp.units[plan.unit].parent
        for line in plan.lines:
            if line.supports and parent:
                support[(parent, line.supports)].append(Support(plan.unit, False, line))
    for e in inp.employees:
        unit = inp.employee_units.get(e.employee_id)
        if unit is None:
            continue
        for line in inp.plan_for(e).lines:
            if line.supports:
                support[(unit, line.supports)].append(Support(e.employee_id, True, line))
    return tuple(AlignedLine(plan.unit, plan.term, line, tuple(support.get((plan.unit, line.code), ())))
                 for plan in inp.unit_plans for line in plan.lines)


def unsupported(aligned: tuple[AlignedLine, ...], inp: AppraisalInput) -> tuple[AlignedLine, ...]:
    """The KPI lines nothing supports, of the terms the level below plans for.

    A department's people plan for the period; a unit's children for the terms of their plans.  The
    group's annual KPIs are not flagged while no company has an annual plan: nothing below plans for
    that term yet, which the alignment report shows, but it is not a gap of this period's plans.
    """
    planned_below: dict[str, set[Period]] = defaultdict(set)
    for plan in inp.unit_plans:
        if parent := inp.units[plan.unit].parent:
            planned_below[parent].add(plan.term)
    for unit in set(inp.employee_units.values()):
        planned_below[unit].add(inp.settings.period)
    return tuple(a for a in aligned if a.line.category == "kpi" and a.term in planned_below[a.unit]
                 and not a.supporters)


def supported_line(inp: AppraisalInput, employee_id: str, code: str) -> PlanLine | None:
    """The line of the employee's department plan that ``code`` (a person's 支撑上级指标) names, if any."""
    unit = inp.employee_units.get(employee_id)
    return next((ln for p in inp.unit_plans if p.unit == unit for ln in p.lines if ln.code == code), None)

"""Score a validated period: points per line, totals, grades, ranks, history rules, pay.

Pure functions over the model: no files, no clock.  History (earlier
periods' results) is passed in, so the same inputs always give the same
results.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from reporter.model import (
    FAILING_STREAK,
    FIRST_RANK_STREAK,
    AppraisalInput,
    Employee,
    EmployeeResult,
    Flag,
    GradeBand,
    HistoryRecord,
    LineResult,
    NotAppraised,
    Pay,
    PeriodResult,
    PlanLine,
    ZeroDivisor,
)
from reporter.rules.pay import compute, money, years_of_service
from reporter.rules.rulebook import (
    ADJUSTMENT_RULES,
    Ranks,
    adjustment_sums,
    annual_reward,
    find_grade,
    pay_coefficient,
)
from reporter.rules.scoring import TOTAL_FORMULA, measured_value, score_line, total_formula  # noqa: F401 (re-exported)
from reporter.rules.units import score_units


def line_value(inp: AppraisalInput, employee: Employee, line: PlanLine,
               zero_divisors: list[ZeroDivisor]) -> tuple[Decimal, dict[str, Decimal]]:
    """The value a line is scored on, and the measures it was computed from; a 0 divisor is noted."""
    eid = employee.employee_id
    if line.method == "rating":
        return inp.ratings[eid][line.item], {}
    measures = inp.measures.get(eid, {})
    kpi = inp.kpis.get(line.kpi)
    if not (kpi.formula.names if kpi else {line.kpi}).isdisjoint(ADJUSTMENT_RULES):
        measures = {**measures, **adjustment_sums(inp.adjustments.get(eid, ()))}
    return measured_value(kpi, line, measures, eid, zero_divisors)


def score_lines(inp: AppraisalInput, employee: Employee,
                zero_divisors: list[ZeroDivisor]) -> tuple[LineResult, ...]:
    results = []
    for line in inp.plan_for(employee).lines:
        value, used = line_value(inp, employee, line, zero_divisors)
        results.append(LineResult(line, value, score_line(line, value), used))
    return tuple(results)


def _streak(eid: str, current: bool, period, history: dict, test) -> int:
    """How many periods in a row, ending with this one, satisfy ``test``."""
    if not current:
        return 0
    count, p = 1, period.previous()
    while (record := history.get((p.key, eid))) is not None and test(record):
        count, p = count + 1, p.previous()
    return count


def merge_history(stored: list[HistoryRecord], imported: tuple[HistoryRecord, ...]) -> dict:
    """Earlier results by (period, employee): what reporter recorded wins over the input's history sheet."""
    merged = {(r.period, r.employee_id): r for r in imported}
    merged.update({(r.period, r.employee_id): r for r in stored})
    return merged


def streak_flags(first: int, fail: int, streak_months: int, bonus: Decimal) -> tuple[Flag, ...]:
    """The streak rules that fire: a bonus at every full streak of firsts, HR follow-up for failing."""
    flags = []
    if first >= streak_months and first % streak_months == 0:
        flags.append(Flag(FIRST_RANK_STREAK, first, streak_months, amount=bonus))
    if fail >= streak_months:
        # The policy says "deemed to resign"; Chinese labour law does not allow that, so a person decides.
        flags.append(Flag(FAILING_STREAK, fail, streak_months, hr_only=True))
    return tuple(flags)


def score_period(inp: AppraisalInput, stored_history: list[HistoryRecord] = ()) -> PeriodResult:
    s = inp.settings
    history = merge_history(list(stored_history), inp.history)
    appraised = [e for e in inp.employees if e.months_absent <= s.absence_limit_months]
    lines, totals, zero_divisors = {}, {}, []
    for e in appraised:
        lines[e.employee_id] = score_lines(inp, e, zero_divisors)
        points_sum = sum((r.points for r in lines[e.employee_id]), Decimal(0))
        totals[e.employee_id] = total_formula().evaluate({"points_sum": points_sum}).quantize(Decimal("0.01"))
    pool_size = defaultdict(int)
    for e in appraised:
        if e.commission_pool:
            pool_size[e.commission_pool] += 1
    failing = {g.grade for g in inp.grades if g.failing}
    ranks = Ranks((e, totals[e.employee_id]) for e in appraised)
    results = []
    for e in inp.employees:
        eid = e.employee_id
        previous = history.get((s.period.previous().key, eid))
        if eid not in totals:
            results.append(EmployeeResult(e, False, compute_pay(inp, e, None, 0, Decimal(0)),
                                          not_appraised_reason=NotAppraised(e.months_absent, s.absence_limit_months),
                                          review=inp.reviews.get(eid), previous=previous))
            continue
        total = totals[eid]
        grade = find_grade(total, inp.grades)
        dept_rank = ranks.department(e, total)
        first = _streak(eid, dept_rank == 1, s.period, history, lambda r: r.department_rank == 1)
        fail = _streak(eid, grade.failing, s.period, history, lambda r: r.grade in failing)
        flags = streak_flags(first, fail, s.streak_months, s.first_rank_bonus)
        bonus = sum((f.amount for f in flags if f.amount is not None), Decimal(0))
        results.append(EmployeeResult(
            e, True, compute_pay(inp, e, grade, pool_size.get(e.commission_pool, 0), bonus),
            lines=lines[eid], total=total, grade=grade,
            department_rank=dept_rank, department_size=ranks.sizes(e)[0],
            role_rank=ranks.role(e, total), role_size=ranks.sizes(e)[1],
            first_rank_streak=first, failing_streak=fail, flags=flags, review=inp.reviews.get(eid),
            previous=previous))
    units = score_units(inp, totals) if inp.units else ()
    return PeriodResult(inp, tuple(results), inp.warnings, tuple(zero_divisors), units)


def compute_pay(inp: AppraisalInput, e: Employee, grade: GradeBand | None, pool_size: int,
                one_time_bonus: Decimal) -> Pay:
    """Monthly pay; someone not appraised has no grade, so commission is paid at coefficient 1 and no shared part."""
    s = inp.settings
    coefficient = pay_coefficient(grade, inp.grades) if grade else Decimal(1)
    personal = compute("personal_commission", personal_sales=e.personal_sales,
                       commission_rate=e.commission_rate, pay_coefficient=coefficient)
    pool = inp.pools.get(e.commission_pool)
    shared, shared_by = Decimal("0.00"), 0
    if pool is not None and grade is not None:
        shared_by = pool_size
        shared = compute("shared_commission", shared_sales=pool.shared_sales, shared_rate=pool.rate,
                         pool_size=Decimal(shared_by))
    if e.seniority_pay is not None:
        seniority = e.seniority_pay
    else:
        cap = s.seniority_pay_cap if s.seniority_pay_cap is not None else Decimal("1e9")
        seniority = compute("seniority_pay", seniority_cap=cap, seniority_per_year=s.seniority_pay_per_year,
                            years_of_service=Decimal(years_of_service(e.hire_date, s.period.end)))
    parts = dict(position_pay=e.position_pay, personal_commission=personal, shared_commission=shared,
                 seniority_pay=seniority, one_time_bonus=one_time_bonus)
    parts = {k: money(v) for k, v in parts.items()}
    annual = None
    plan = inp.annual_rewards.get(e.employee_id)
    if plan is not None:
        sales, campaign = (compute("reward_part", actual=actual, target=target, threshold=plan.threshold, rate=rate)
                           for actual, target, rate in ((plan.sales_actual, plan.sales_target, plan.sales_rate),
                                                        (plan.campaign_actual, plan.campaign_target, plan.campaign_rate)))
        annual = money(annual_reward(sales, campaign))
    return Pay(**parts, total=money(compute("monthly_pay", **parts)), pay_coefficient=coefficient,
               annual_reward=annual, shared_by=shared_by)

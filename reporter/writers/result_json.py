"""One JSON file per employee that traces every number to its formula and inputs.

It is the audit trail behind the documents: for each plan line the KPI
formula, the measures it read, the points formula with its parameters,
and the result; then total, grade, rank and each pay part with its rule.
The keys are the same in every language; the sentences (a line's working, why
someone is not appraised, a flag) are in the prose language of the 语言 setting.
"""

from __future__ import annotations

import json
from decimal import Decimal

from reporter.model import EmployeeResult, PeriodResult
from reporter.rules.pay import PAY_FORMULAS
from reporter.rules.scoring import METHOD_FORMULAS, formula_key, line_parameters
from reporter.writers.language import language
from reporter.writers.wording import explain_line, flag_text, not_appraised_text


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def employee_trace(result: PeriodResult, r: EmployeeResult) -> dict:
    inp, e = result.input, r.employee
    prose = language(inp.settings.language).prose
    lines = []
    for lr in r.lines:
        line = lr.line
        kpi = inp.kpis.get(line.kpi)
        method_text = METHOD_FORMULAS[formula_key(line)]
        lines.append({
            "category": line.category, "item": line.item, "plan_row": line.row,
            "value_source": "rating" if line.method == "rating" else line.kpi,
            "kpi_formula": kpi.formula.text if kpi else None,
            "inputs": {k: _num(v) for k, v in lr.inputs.items()},
            "value": _num(lr.value), "method": line.method, "points_formula": method_text,
            "parameters": {k: _num(v) for k, v in line_parameters(line).items()},
            "points": _num(lr.points), "explanation": explain_line(lr, prose=prose),
            "supports": line.supports or None,
            "target_change": None if line.original_target is None else {
                "original_target": _num(line.original_target), "target": _num(line.target),
                "reason": line.change_reason, "approved_by": line.approved_by},
        })
    pay, kind, absent = r.pay, inp.settings.period.kind, r.not_appraised_reason
    return {
        "period": inp.settings.period.key, "employee_id": e.employee_id, "name": e.name,
        "company": e.company, "department": e.department, "role": e.role,
        "manager": e.manager,  # 直属上级: the reviewer `reporter calibrate` groups by
        "appraised": r.appraised,
        "not_appraised_reason": not_appraised_text(absent, prose) if absent else None,
        "not_appraised": None if absent is None else {"months_absent": _num(absent.months_absent),
                                                      "limit": _num(absent.limit)},
        "lines": lines, "total": _num(r.total), "grade": r.grade.grade if r.grade else None,
        "grade_failing": bool(r.grade and r.grade.failing),
        # The review's follow-up (篇八): `reporter status` lists a weak grade with no interview on record.
        "interview_date": r.review.interview_date.isoformat() if r.review and r.review.interview_date else None,
        "improvement": r.review.improvement if r.review else "",
        "department_rank": r.department_rank, "department_size": r.department_size,
        "role_rank": r.role_rank, "role_size": r.role_size,
        "flags": [{"rule": f.rule, "streak": f.streak, "threshold": f.threshold, "amount": _num(f.amount),
                   "hr_only": f.hr_only, "text": flag_text(f, kind, prose)} for f in r.flags],
        "pay": {k: _num(getattr(pay, k)) for k in ("position_pay", "personal_commission", "shared_commission",
                                                    "seniority_pay", "one_time_bonus", "total",
                                                    "pay_coefficient", "annual_reward")},
        "pay_formulas": PAY_FORMULAS,
    }


def render_result_json(result: PeriodResult, r: EmployeeResult) -> bytes:
    return (json.dumps(employee_trace(result, r), ensure_ascii=False, indent=2) + "\n").encode("utf-8")

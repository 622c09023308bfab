"""The amendment to the target-responsibility agreement (目标责任书变更补充协议).

A plan line of 考核方案 whose target was changed (原目标值, 调整原因, 批准人; 篇七 3.1) is not silently
replaced: the employee and the company sign an addendum naming, line by line, the original and the new
target, the reason and who approved it.  The rest of the original agreement stays in force.

The new target applies from the first day of the appraisal period: it is the target the period is scored
against, whatever day the change was signed.  The addendum is made in two originals like the agreement.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from pathlib import Path

from reporter.model import EmployeeResult, PeriodResult, Plan, PlanLine
from reporter.writers.language import Language
from reporter.writers.pdf.documents import (
    ORIGINALS,
    REASON_NAMES,
    REASON_NAMES_EN,
    agreement_context,
    check_glyphs,
    common_context,
    document_language,
    percent,
    target_text,
)
from reporter.writers.pdf.renderer import PdfRenderer

TITLE = ("目标责任书变更补充协议", "Amendment to the Target Responsibility Agreement")


def changed_lines(plan: Plan) -> tuple[PlanLine, ...]:
    """The plan's lines whose target was changed (an original target is recorded)."""
    return tuple(line for line in plan.lines if line.original_target is not None)


def change_row(line: PlanLine, lang: Language) -> dict:
    """One changed line as the addendum's table prints it."""
    was = dataclasses.replace(line, target=line.original_target)
    reason = line.change_reason
    english = REASON_NAMES_EN.get(reason, reason)
    return {
        "item": line.item,
        "weight": percent(line.weight) if line.weight else "",
        "original": target_text(was, lang),
        "new": target_text(line, lang),
        "reason": lang.html(REASON_NAMES.get(reason, reason), english[:1].upper() + english[1:]),
        "approved_by": line.approved_by or "—",
    }


def addendum_context(result: PeriodResult, r: EmployeeResult, templates: Path | None = None,
                     lines: tuple[PlanLine, ...] | None = None, number: int | None = None) -> dict | None:
    """What templates/addendum.html.j2 prints for the employee; None when there is no changed line.

    ``lines`` are the changes this addendum signs (default: every line of the plan recording a change);
    ``number`` is its number among the employee's addenda of the term (printed from the second on).
    """
    inp, s, e = result.input, result.input.settings, r.employee
    lines = changed_lines(inp.plan_for(e)) if lines is None else lines
    if not lines:
        return None
    lang = document_language(result)
    # The agreement this amends: its title line and term, as the agreement itself prints them.
    agreement = agreement_context(result, r, templates or Path())
    subtitle = agreement["subtitle"]
    if number and number > 1:
        subtitle += lang.say(f" · 第 {number} 号", f" · No. {number}")
    context = common_context(result, r, TITLE, subtitle)
    context.update({
        "agreement_title": lang.say("《目标责任书》", "Target Responsibility Agreement"),
        "agreement_subtitle": agreement["subtitle"],
        "term_label": agreement["term_label"], "term_from": agreement["term_from"], "term_to": agreement["term_to"],
        "changes": [change_row(line, lang) for line in lines],
        "effective": lang.date(s.period.start),
    })
    return context


def render_addendum(renderer: PdfRenderer, result: PeriodResult, r: EmployeeResult, created: datetime,
                    lines: tuple[PlanLine, ...] | None = None, number: int | None = None) -> bytes | None:
    """The two originals (甲方执, 乙方执), each starting on a right-hand page; None without a changed line.

    ``lines`` and ``number``: as :func:`addendum_context`.
    """
    context = addendum_context(result, r, renderer.templates, lines, number)
    if context is None:
        return None
    check_glyphs(context, r.employee)
    lang, period = context["lang"], result.input.settings.period
    return renderer.render_originals("addendum.html.j2", context, [lang.inline(*mark) for mark in ORIGINALS],
                                     identifier=f"addendum/{period.key}/{r.employee.employee_id}/{number or 1}",
                                     created=created)

"""The two documents of a unit of 篇七's cascade: its result letter and its target-responsibility agreement.

* The letter (单位绩效考核结果通知书) goes to the unit's head after the period: the plan's lines with
  their values and points, the unit's total and its people's average, its score by the company's
  rule (设置 单位得分方式), its grade and rank among its peers, and the alignment of its lines.
* The agreement (单位目标责任书) is signed at the start of the plan's term by the unit above (甲方;
  the group's board for the group) and the unit (乙方): the lines with what each supports upward,
  the target changes with their reason and approver, and who supports each line from below.

Like :mod:`reporter.writers.pdf.documents` this turns facts into the plain strings a template prints;
the layout lives in ``templates/unit_letter.html.j2`` and ``templates/unit_agreement.html.j2``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from reporter.input.columns import DIMENSIONS, LEVELS
from reporter.model import AppraisalInput, PeriodResult, PlanLine, Unit, UnitPlan, UnitResult
from reporter.period import Period
from reporter.rules.alignment import AlignedLine, Support, alignment, unsupported
from reporter.rules.scoring import line_parameters
from reporter.writers.language import Language, language
from reporter.writers.pdf.documents import (
    CATEGORY_NAMES,
    CATEGORY_NAMES_EN,
    ORIGINALS,
    REASON_NAMES,
    REASON_NAMES_EN,
    TERMS,
    check_glyphs,
    percent,
    sentence,
    target_text,
)
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.wording import METHOD_NAMES, METHOD_NAMES_EN, explain_line, fmt_number

LETTER_TITLE = ("单位绩效考核结果通知书", "Unit Performance Result")
AGREEMENT_TITLE = ("单位目标责任书", "Unit Target Responsibility Agreement")
PEERS_EN = {"company": "regional companies", "department": "departments"}  # whom a unit ranks among


@dataclass(frozen=True)
class UnitSubject:
    """Whom a unit document is about, as the base template's running header and the glyph check read it."""

    name: str  # the unit with the units above it that tell it apart: 华东公司 客服部
    employee_id: str  # the unit code


def unit_title(inp: AppraisalInput, unit: Unit) -> str:
    """A department with its company (two companies may each have a 客服部); a company or the group alone."""
    parent = inp.units.get(unit.parent)
    if unit.level == "department" and parent is not None:
        return f"{parent.name} {unit.name}"
    return unit.name


def level_name(level: str, lang: Language) -> str:
    names = LEVELS[level]
    return lang.inline(names[0], names[-1][:1].upper() + names[-1][1:])


def dimension_name(key: str, lang: Language) -> str:
    if not key:
        return ""
    names = DIMENSIONS[key]
    return lang.inline(names[0], names[-1][:1].upper() + names[-1][1:])


def category_name(line: PlanLine, lang: Language) -> str:
    return lang.inline(CATEGORY_NAMES.get(line.category, line.category),
                       CATEGORY_NAMES_EN.get(line.category, line.category))


def upper_party(inp: AppraisalInput, unit: Unit, lang: Language) -> dict:
    """Who sets the unit's targets and approves their changes: the unit above, or the group's board."""
    parent = inp.units.get(unit.parent)
    if parent is None:
        return {"name": lang.say(f"{unit.name}董事会", f"Board of Directors of {unit.name}"), "head": "",
                "role": lang.html("董事会签章：", "Board:")}
    return {"name": unit_title(inp, parent), "head": parent.head, "role": lang.html("上级单位负责人签字：", "Head of unit above:")}


def line_of(inp: AppraisalInput, unit: str, code: str, term: Period) -> PlanLine | None:
    """A unit's plan line by its 行代码, from the plan of the same term if the unit has one."""
    plans = sorted((p for p in inp.unit_plans if p.unit == unit), key=lambda p: p.term != term)
    return next((ln for p in plans for ln in p.lines if ln.code == code), None)


def upward_line(inp: AppraisalInput, unit: Unit, line: PlanLine, term: Period) -> dict | None:
    """The parent's line this one supports: its code and item."""
    if not line.supports:
        return None
    upper = line_of(inp, unit.parent, line.supports, term)
    return {"code": line.supports, "item": upper.item if upper else ""}


def supporters_texts(inp: AppraisalInput, supporters: tuple[Support, ...], lang: Language) -> list[str]:
    """Each child unit's line (客服部 KF_GMV 客服成交额: a child of the unit the document is about, so its own
    name tells it apart), then people by the item they support it with (及时响应时间：E001 张伟、E002 李娜):
    a department's people share a role's line, so one entry per item."""
    names = {e.employee_id: e.name for e in inp.employees}
    texts = [f"{inp.units[s.owner].name} {s.line.code} {s.line.item}" for s in supporters if not s.person]
    people: dict[str, list[str]] = {}
    for s in supporters:
        if s.person:
            people.setdefault(s.line.item, []).append(f"{s.owner} {names.get(s.owner, '')}".strip())
    sep = lang.say("、", ", ")
    texts += [lang.say(f"{item}：{sep.join(who)}", f"{item}: {sep.join(who)}") for item, who in people.items()]
    return texts


def alignment_rows(inp: AppraisalInput, unit: Unit, term: Period | None, lang: Language) -> list[dict]:
    """Each line of the unit's plan for the term (None: of all its plans), what it supports upward and who
    supports it from below."""
    aligned = alignment(inp)
    flagged = {(a.unit, a.term, a.line.code) for a in unsupported(aligned, inp)}
    mine: list[AlignedLine] = [a for a in aligned if a.unit == unit.code and term in (None, a.term)]
    return [{"code": a.line.code, "item": a.line.item, "kpi": a.line.category == "kpi",
             "upward": upward_line(inp, unit, a.line, a.term),
             "below": supporters_texts(inp, a.supporters, lang),
             "unsupported": (a.unit, a.term, a.line.code) in flagged} for a in mine]


def standard_text(line: PlanLine, lang: Language) -> str:
    """The line's scoring standard: the company's words, else its scoring method with its parameters."""
    if line.standard:
        return line.standard
    p = line_parameters(line)
    name = lang.say(METHOD_NAMES[line.method], METHOD_NAMES_EN[line.method].capitalize())
    lower = line.direction == "lower"
    cap = fmt_number(p["cap"], "%")
    if line.method == "achievement":
        ratio = lang.say("目标 ÷ 实际", "target ÷ actual") if lower else lang.say("实际 ÷ 目标", "actual ÷ target")
        return lang.say(f"{name}：{ratio} × 权重，封顶 {cap}", f"{name}: {ratio} × weight, cap {cap}")
    if line.method == "linear":
        floor = fmt_number(p["floor"], line.unit, lang.prose)
        return lang.say(f"{name}：零分点 {floor} 至目标之间按比例得分，封顶 {cap}",
                        f"{name}: in proportion between the zero-point {floor} and the target, cap {cap}")
    if line.method == "pass_fail":
        sign = "≤" if lower else "≥"
        return lang.say(f"{name}：实际 {sign} 目标得满分，否则 0 分", f"{name}: full points if actual {sign} target, else 0")
    if line.method == "rating":
        return lang.say(f"{name}：评分 ÷ {fmt_number(p['target'])} × 权重", f"{name}: rating ÷ {fmt_number(p['target'])} × weight")
    return name


def change_row(line: PlanLine, lang: Language) -> dict:
    reason = line.change_reason
    return {"code": line.code, "item": line.item,
            "original": fmt_number(line.original_target, line.unit, lang.prose),
            "new": fmt_number(line.target, line.unit, lang.prose),
            "reason": lang.say(REASON_NAMES.get(reason, reason), sentence(REASON_NAMES_EN.get(reason, reason))),
            "approved_by": line.approved_by or "—"}


def base_context(inp: AppraisalInput, unit: Unit, title: tuple[str, str], subtitle: str, period: Period) -> dict:
    """What base.html.j2 prints on every page: the company, the title, the unit and the period."""
    s = inp.settings
    lang = language(s.language)
    return {"lang": lang, "t": lang.html, "say": lang.say, **lang.titles(*title), "subtitle": subtitle,
            "company": s.company,
            "letterhead": s.letterhead_image, "seal": s.seal_image,
            "employee": UnitSubject(unit_title(inp, unit), unit.code), "id_label": lang.say("单位代码", "Unit"),
            "period_label": lang.period_label(period), "original": "",
            "unit": {"code": unit.code, "name": unit_title(inp, unit), "level": level_name(unit.level, lang),
                     "label": lang.say(f"{unit_title(inp, unit)}（{unit.code}）", f"{unit_title(inp, unit)} ({unit.code})"),
                     "head": unit.head, "head_id": unit.head_id},
            "upper": upper_party(inp, unit, lang), "hr_department": s.hr_department, "hr_signatory": s.hr_signatory}


def score_rule_text(result: PeriodResult, u: UnitResult, lang: Language) -> str:
    """The company's rule in words, with this unit's numbers (设置 单位得分方式, 单位方案权重)."""
    s = result.input.settings
    if s.unit_score_rule != "blended":
        return lang.say(f"单位得分 = 本单位方案总分 = {u.total:.2f}（所属员工平均分仅供参考）",
                        f"Unit score = the unit plan's total = {u.total:.2f} (the people's average is for reference)")
    own, people = percent(s.unit_own_weight), percent(1 - s.unit_own_weight)
    if not u.people:
        return lang.say(f"单位得分 = 本单位方案总分 × {own} + 所属员工平均分 × {people}；本单位无参加考核的员工，"
                        f"按本单位方案总分计 = {u.total:.2f}",
                        f"Unit score = the unit plan's total × {own} + its people's average × {people}; with no "
                        f"appraised people it is the plan's total = {u.total:.2f}")
    return lang.say(f"单位得分 = 本单位方案总分 × {own} + 所属员工平均分 × {people} = {u.own_total:.2f} × {own} + "
                    f"{u.people_average:.2f} × {people} = {u.total:.2f}",
                    f"Unit score = the unit plan's total × {own} + its people's average × {people} = "
                    f"{u.own_total:.2f} × {own} + {u.people_average:.2f} × {people} = {u.total:.2f}")


def peers_text(result: PeriodResult, u: UnitResult, lang: Language) -> str:
    """Whom the rank is among: the departments of a company, the regional companies of the group."""
    parent = result.input.units.get(u.unit.parent)
    if parent is None:
        return ""
    return lang.say(f"{parent.name}所属{LEVELS[u.unit.level][0]}", f"{PEERS_EN[u.unit.level]} of {parent.name}")


def unit_letter_context(result: PeriodResult, u: UnitResult) -> dict:
    inp, s = result.input, result.input.settings
    lang = language(s.language)
    if lang.prose == "en":
        subtitle = (f"Appraisal period: {lang.period_label(s.period)} "
                    f"({lang.date(s.period.start)} to {lang.date(s.period.end)})")
    else:
        subtitle = f"考核期间：{s.period.label}（{s.period.start} 至 {s.period.end}）"
    context = base_context(inp, u.unit, LETTER_TITLE, subtitle, s.period)
    people = len(u.people)
    context.update({
        "scored": u.scored,
        "appraisal_date": lang.date(s.appraisal_date) if s.appraisal_date else "—",
        "appeal_deadline": lang.date(s.appeal_deadline), "appeal_route": s.appeal,
        "people_average": f"{u.people_average:.2f}" if u.people_average is not None else "—",
        "people_count": lang.say(f"{people} 人", f"{people} {'person' if people == 1 else 'people'}"),
        "alignment": alignment_rows(inp, u.unit, u.plan.term if u.plan else None, lang),
    })
    if u.scored:
        measures = inp.measure_defs
        context.update({
            "lines": [{"code": lr.line.code, "item": lr.line.item,
                       "dimension": dimension_name(lr.line.dimension, lang) or category_name(lr.line, lang),
                       "weight": percent(lr.line.weight) if lr.line.weight else lang.say("另计", "extra"),
                       "target": target_text(lr.line, lang),
                       "value": fmt_number(lr.value, lr.line.unit if lr.line.method != "rating" else "", lang.prose),
                       "points": f"{lr.points:.2f}", "explanation": explain_line(lr, measures, lang.prose),
                       "standard": lr.line.standard,
                       "change": change_note(lr.line, lang)} for lr in u.lines],
            "own_total": f"{u.own_total:.2f}", "total": f"{u.total:.2f}",
            "rule": score_rule_text(result, u, lang),
            "grade": {"grade": u.grade.grade, "name": u.grade.name},
            "rank": f"{u.rank} / {u.peers}", "peers": peers_text(result, u, lang),
        })
    return context


def change_note(line: PlanLine, lang: Language) -> str:
    if line.original_target is None:
        return ""
    row = change_row(line, lang)
    return lang.say(f"目标值由 {row['original']} 调整为 {row['new']}（{row['reason']}，{row['approved_by']} 批准）",
                    f"Target changed from {row['original']} to {row['new']} ({row['reason']}, "
                    f"approved by {row['approved_by']})")


def unit_agreement_context(inp: AppraisalInput, plan: UnitPlan) -> dict:
    s, unit, term = inp.settings, inp.units[plan.unit], plan.term
    lang = language(s.language)
    name = unit_title(inp, unit)
    context = base_context(inp, unit, AGREEMENT_TITLE, f"{lang.period_label(term)} · {name}", term)
    weighted = [ln for ln in plan.lines if ln.category != "bonus"]
    context.update({
        "term_label": lang.say(*TERMS[term.kind]), "term_from": lang.date(term.start), "term_to": lang.date(term.end),
        "lines": [{"code": ln.code, "item": ln.item, "category": category_name(ln, lang),
                   "dimension": dimension_name(ln.dimension, lang),
                   "weight": percent(ln.weight) if ln.category != "bonus" else lang.say("另计", "extra"),
                   "target": target_text(ln, lang), "standard": standard_text(ln, lang),
                   "supports": upward_line(inp, unit, ln, term)} for ln in plan.lines],
        "weight_total": percent(sum((ln.weight for ln in weighted), Decimal(0))),
        "changes": [change_row(ln, lang) for ln in plan.lines if ln.original_target is not None],
        "alignment": alignment_rows(inp, unit, term, lang),
        "monitor": s.monitor,
        "has_parent": bool(unit.parent),
    })
    return context


def render_unit_letter(renderer: PdfRenderer, result: PeriodResult, unit: UnitResult, created: datetime) -> bytes:
    """The unit's result letter for its head, who signs it with the head of the unit above and HR."""
    context = unit_letter_context(result, unit)
    check_glyphs(context, context["employee"])
    period = result.input.settings.period
    return renderer.render("unit_letter.html.j2", context, identifier=f"unit-letter/{period.key}/{unit.unit.code}",
                           created=created)


def render_unit_agreement(renderer: PdfRenderer, inp: AppraisalInput, plan: UnitPlan, created: datetime) -> bytes:
    """The two originals (甲方执, 乙方执) of the unit's agreement for the plan's term, each from a right-hand page."""
    lang = language(inp.settings.language)
    context = unit_agreement_context(inp, plan)
    check_glyphs(context, context["employee"])
    return renderer.render_originals("unit_agreement.html.j2", context, [lang.inline(*mark) for mark in ORIGINALS],
                                     identifier=f"unit-agreement/{plan.term.key}/{plan.unit}", created=created)

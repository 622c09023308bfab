"""The review letter (绩效考核结果确认书) and the target-responsibility agreement (目标责任书).

This module turns one employee's results into the plain values a template
prints (numbers already formatted, ¥ with two decimals); the layout lives in
``templates/``.  Nothing here sees another employee's data except the
published ranks.
"""

from __future__ import annotations

import dataclasses
import subprocess
from datetime import datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from reporter.input.schema import CATEGORIES, CHANGE_REASONS
from reporter.model import Employee, EmployeeResult, PeriodResult, PlanLine
from reporter.rules.pay import years_of_service
from reporter.rules.scoring import line_parameters
from reporter.writers.pdf.print_batch import merge_for_duplex
from reporter.writers.pdf.renderer import FONTS, PdfRenderer, RenderError
from reporter.writers.wording import (
    absence_rule,
    employee_flags,
    explain_line,
    first_rank_rule,
    flag_text,
    fmt_number,
    is_reward,
    money,
    not_appraised_text,
    period_context,
    period_noun,
)

CATEGORY_NAMES = {code: names[0] for code, names in CATEGORIES.items()}
REASON_NAMES = {code: names[0] for code, names in CHANGE_REASONS.items()}


def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{(value * 100).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return f"{text}%"


# What the agreement says for a role the workbook's 岗位职责 sheet gives no rows: never another role's list.
NO_ROLE_TEXT = "按公司岗位说明书执行。"


def role_texts(result: PeriodResult, role: str) -> dict:
    """The role's rights and duties from the workbook's 岗位职责 sheet."""
    found = result.input.role_duties.get(role)
    return {"rights": list(found.rights) if found and found.rights else [NO_ROLE_TEXT],
            "duties": list(found.duties) if found and found.duties else [NO_ROLE_TEXT]}


def target_text(line: PlanLine) -> str:
    if line.method == "rating":
        return f"满分 {fmt_number(line.target)}"
    if line.method in ("deduction", "bonus"):
        return "—"
    return fmt_number(line.target, line.unit)


def change_text(line: PlanLine) -> str:
    if line.original_target is None:
        return ""
    reason = REASON_NAMES.get(line.change_reason, line.change_reason)
    return (f"目标值由 {fmt_number(line.original_target, line.unit)} 调整为 {fmt_number(line.target, line.unit)}"
            f"（{reason}，{line.approved_by} 批准）")


def has_commission(e) -> bool:
    return bool(e.commission_rate or e.personal_sales)


def category_label(line: PlanLine) -> str:
    """The category under the item, unless it only repeats the item (工作能力 / 工作能力)."""
    name = CATEGORY_NAMES.get(line.category, "")
    return "" if name == line.item else name


def annual_reward_text(result: PeriodResult, r: EmployeeResult) -> str:
    """The annual reward is settled at year end: before then the figure is provisional (预计)."""
    if r.pay.annual_reward is None:
        return ""
    period = result.input.settings.period
    this = period_noun(period.kind)
    if not period.closes_year:
        return (f"年度绩效奖励预计 {money(r.pay.annual_reward)}（按截至{period.label}的实绩估算，"
                f"年终按目标责任书结算，不计入{this}应发）")
    return f"年度绩效奖励（按目标责任书年终结算，不计入{this}应发）：{money(r.pay.annual_reward)}"


def common_context(result: PeriodResult, r: EmployeeResult, title: str, subtitle: str) -> dict:
    s = result.input.settings
    return {
        "lang": "zh-CN", "title": title, "subtitle": subtitle, "company": s.company,
        "letterhead": s.letterhead_image, "seal": s.seal_image, "employee": r.employee,
        "period_label": s.period.label, "original": "", "period_words": period_context(s.period),
    }


def pool_members(result: PeriodResult, pool: str) -> int:
    """Who shares a pool: its appraised members (the engine's pool size)."""
    return sum(1 for x in result.results if x.appraised and x.employee.commission_pool == pool)


def shared_note(result: PeriodResult, r: EmployeeResult) -> str:
    pool = result.input.pools.get(r.employee.commission_pool)
    if pool is None or not r.pay.shared_commission:
        return ""
    return (f"公共销售业绩总额 {money(pool.shared_sales)} × {percent(pool.rate)} ÷ "
            f"{pool_members(result, pool.pool)} 人")


def seniority_note(result: PeriodResult, r: EmployeeResult) -> str:
    s, e = result.input.settings, r.employee
    if e.seniority_pay is not None:
        return "按员工表所列" if e.seniority_pay else ""
    if not s.seniority_pay_per_year:
        return ""
    years = years_of_service(e.hire_date, s.period.end)
    cap = f"，上限 {money(s.seniority_pay_cap)}" if s.seniority_pay_cap is not None else ""
    return f"工龄 {years} 年 × {money(s.seniority_pay_per_year)}{cap}"


def pay_rows(result: PeriodResult, r: EmployeeResult) -> list[dict]:
    p = r.pay
    personal = ""
    if r.employee.personal_sales:
        personal = f"个人销售额 {money(r.employee.personal_sales)} × {percent(r.employee.commission_rate)}"
    if personal and r.appraised:
        personal += f" × 绩效系数 {percent(p.pay_coefficient)}"
    rows = [("岗位工资", p.position_pay, ""), ("个人绩效提成", p.personal_commission, personal),
            ("公共绩效提成", p.shared_commission, shared_note(result, r)),
            ("工龄工资", p.seniority_pay, seniority_note(result, r))]
    if p.one_time_bonus:
        rows.append(("一次性奖励", p.one_time_bonus, first_rank_rule(result.input.settings)))
    items = [{"label": label, "amount": money(amount), "note": note, "total": False} for label, amount, note in rows]
    items.append({"label": "应发合计", "amount": money(p.total), "note": "各项四舍五入到分后相加", "total": True})
    return items


def letter_context(result: PeriodResult, r: EmployeeResult) -> dict:
    s = result.input.settings
    review = r.review
    context = common_context(result, r, "绩效考核结果确认书",
                             f"考核期间：{s.period.label}（{s.period.start} 至 {s.period.end}）")
    items = result.input.adjustments.get(r.employee.employee_id, ())
    context.update({
        "appraised": r.appraised,
        "not_appraised_reason": not_appraised_text(r.not_appraised_reason) if r.not_appraised_reason else "",
        "absence_rule": absence_rule(s.absence_limit_months),
        "reviewer": review.reviewer if review else "—",
        "appraisal_date": s.appraisal_date.isoformat() if s.appraisal_date else "—",
        "interview_date": review.interview_date.isoformat() if review and review.interview_date else "—",
        "comment": review.comment if review else "", "improvement": review.improvement if review else "",
        "appeal_deadline": f"{s.appeal_deadline.year}年{s.appeal_deadline.month}月{s.appeal_deadline.day}日",
        "hr_signatory": s.hr_signatory, "appeal_route": s.appeal, "hr_department": s.hr_department,
        "pay": pay_rows(result, r),
        "annual_reward": annual_reward_text(result, r),
        "has_commission": has_commission(r.employee),
        "adjustments": [{"item": a.item, "points": f"{a.points:+}", "approved_by": a.approved_by} for a in items],
    })
    if r.appraised:
        g = r.grade
        context.update({
            "lines": [{
                "item": lr.line.item, "category": category_label(lr.line),
                "weight": percent(lr.line.weight) if lr.line.weight else "另计",
                "target": target_text(lr.line),
                "value": fmt_number(lr.value, lr.line.unit if lr.line.method != "rating" else ""),
                "points": f"{lr.points:.2f}", "explanation": explain_line(lr, result.input.measure_defs), "change": change_text(lr.line),
            } for lr in r.lines],
            "total": f"{r.total:.2f}",
            "grade": {"grade": g.grade, "name": g.name, "coefficient": percent(g.pay_coefficient),
                      "training": g.training, "promotion": g.promotion, "level_change": g.level_change,
                      "salary_change": g.salary_change},
            "department_rank": f"{r.department_rank} / {r.department_size}",
            "role_rank": f"{r.role_rank} / {r.role_size}",
            "flags": [{"text": flag_text(f, s.period.kind), "good": is_reward(f)} for f in employee_flags(r)],
        })
    return context


def indicator_row(result: PeriodResult, line: PlanLine) -> dict:
    kpi = result.input.kpis.get(line.kpi)
    return {"item": line.item, "definition": kpi.definition if kpi else "", "weight": percent(line.weight),
            "target": target_text(line), "standard": line.standard, "supports": line.supports,
            "change": change_text(line)}


def agreement_context(result: PeriodResult, r: EmployeeResult, templates: Path) -> dict:
    """The agreement for the period's plan; annual for whoever has an annual reward plan (篇五)."""
    inp, s, e = result.input, result.input.settings, r.employee
    plan = inp.plan_for(e)
    reward = inp.annual_rewards.get(e.employee_id)
    start, end = s.period.start, s.period.end
    term = {"month": "一个月", "quarter": "一个季度", "half": "半年", "year": "壹年"}[s.period.kind]
    if reward is not None:
        start, end, term = start.replace(month=1, day=1), end.replace(month=12, day=31), "壹年"
    title_period = f"{start.year}年度" if reward is not None else s.period.label
    context = common_context(result, r, "目标责任书", f"{title_period} · {e.role}")
    texts = role_texts(result, e.role)
    performance = [ln for ln in plan.lines if not ln.is_management and ln.category != "bonus"]
    management = [ln for ln in plan.lines if ln.is_management]
    bands = sorted(inp.grades, key=lambda b: b.min_score, reverse=True)
    pool = inp.pools.get(e.commission_pool)
    context.update({
        "term_label": term, "term_from": f"{start.year}年{start.month}月{start.day}日",
        "term_to": f"{end.year}年{end.month}月{end.day}日",
        "target_setting": s.target_sentence.rstrip("。"), "monitor": s.monitor,
        "rights": texts["rights"], "duties": texts["duties"],
        "performance": [indicator_row(result, ln) for ln in performance],
        "management": [indicator_row(result, ln) for ln in management],
        "performance_weight": percent(sum((ln.weight for ln in performance), Decimal(0))),
        "management_weight": percent(sum((ln.weight for ln in management), Decimal(0))),
        "bonus": [{"item": ln.item, "standard": ln.standard,
                   "cap": f"+{fmt_number(line_parameters(ln)['cap'] * 100)} 分" if ln.cap is not None else "不设上限"}
                  for ln in plan.lines if ln.category == "bonus"],
        "reward": None if reward is None else {
            "sales_target": money(reward.sales_target), "sales_rate": percent(reward.sales_rate),
            "campaign_target": money(reward.campaign_target), "campaign_rate": percent(reward.campaign_rate),
            "threshold": percent(reward.threshold)},
        "commission_rate": percent(e.commission_rate),
        "has_commission": has_commission(e), "has_pool": pool is not None,
        "shared_rate": percent(pool.rate if pool else s.shared_commission_rate),
        "first_rank_bonus": money(s.first_rank_bonus), "first_rank_rule": first_rank_rule(s),
        "bands": [{"grade": b.grade, "name": b.name,
                   "range": f"{fmt_number(b.min_score)} ～ {fmt_number(b.max_score) if b.max_score is not None else ''}",
                   "coefficient": percent(b.pay_coefficient), "salary_change": b.salary_change,
                   "level_change": b.level_change, "promotion": b.promotion} for b in bands],
    })
    return context


def render_letter(renderer: PdfRenderer, result: PeriodResult, r: EmployeeResult, created: datetime) -> bytes:
    period = result.input.settings.period
    context = letter_context(result, r)
    check_glyphs(context, r.employee)
    return renderer.render("letter.html.j2", context,
                           identifier=f"letter/{period.key}/{r.employee.employee_id}",
                           created=created)


@cache
def font_charset(family: str = FONTS[0]) -> frozenset[int]:
    """The code points the documents' font draws (its cmap, read once with fontTools)."""
    from fontTools.ttLib import TTFont

    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", family], capture_output=True, text=True).stdout
    path, _, index = found.partition("\n")
    return frozenset(TTFont(path, fontNumber=int(index or 0), lazy=True).getBestCmap())


@cache
def some_font_draws(char: str) -> bool:
    """Whether any installed font has the character (WeasyPrint falls back to it)."""
    listing = subprocess.run(["fc-list", f":charset={ord(char):x}", "family"], capture_output=True, text=True).stdout
    return bool(listing.strip())


def context_texts(value) -> list[str]:
    """Every string a template may print from its context (images as data: URIs excepted)."""
    if isinstance(value, str):
        return [] if value.startswith("data:") else [value]
    if isinstance(value, dict):
        return [t for v in value.values() for t in context_texts(v)]
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in context_texts(v)]
    if dataclasses.is_dataclass(value):
        return [t for f in dataclasses.fields(value) for t in context_texts(getattr(value, f.name))]
    return []


def check_glyphs(context: dict, e: Employee) -> None:
    """Fail naming the employee and the character rather than print a silent □ where no font has it."""
    charset = font_charset()
    chars = {c for text in context_texts(context) for c in text if ord(c) not in charset and not c.isspace()}
    missing = sorted(c for c in chars if not some_font_draws(c))
    if missing:
        listed = "、".join(f"「{c}」(U+{ord(c):04X})" for c in missing)
        raise RenderError(f"{e.name}（{e.employee_id}）的文档含有字体中没有的字符 {listed}，打印出来会是 □："
                          "请在输入表中改用常用字，或安装含有该字的字体")


ORIGINALS = ("甲方执", "乙方执")  # 一式两份: one original for each party


def render_agreement(renderer: PdfRenderer, result: PeriodResult, r: EmployeeResult, created: datetime) -> bytes:
    """The two originals, marked 甲方执 and 乙方执, each starting on a right-hand page."""
    period = result.input.settings.period
    context = agreement_context(result, r, renderer.templates)
    check_glyphs(context, r.employee)
    copies = [renderer.render("agreement.html.j2", {**context, "original": mark},
                              identifier=f"agreement/{period.key}/{r.employee.employee_id}/{mark}", created=created)
              for mark in ORIGINALS]
    return merge_for_duplex(copies)

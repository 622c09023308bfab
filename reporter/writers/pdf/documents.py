"""The review letter (绩效考核结果确认书) and the target-responsibility agreement (目标责任书).

This module turns one employee's results into the plain values a template
prints (numbers already formatted, ¥ with two decimals); the layout lives in
``templates/``.  Nothing here sees another employee's data except the
published ranks.
"""

from __future__ import annotations

import dataclasses
import subprocess
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path

from reporter.input.schema import CATEGORIES, CHANGE_REASONS
from reporter.model import Employee, EmployeeResult, PeriodResult, PlanLine
from reporter.period import parse_period
from reporter.rules.alignment import supported_line
from reporter.rules.pay import years_of_service
from reporter.rules.scoring import line_parameters
from reporter.rules.trend import Trend
from reporter.store.documents import DocumentStamp
from reporter.writers.language import ZH, Language, language
from reporter.writers.pdf.renderer import FONTS, PdfRenderer, RenderError
from reporter.writers.pdf.trend_chart import render_with_trend
from reporter.writers.pdf.verification import verification_context
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
    period_pay_title,
    period_words,
)

CATEGORY_NAMES = {code: names[0] for code, names in CATEGORIES.items()}
# The English spelling is each code's last name in the schema (kpi → KPI, key goal → Key goal).
CATEGORY_NAMES_EN = {code: names[-1].upper() if names[-1] == "kpi" else names[-1].capitalize()
                     for code, names in CATEGORIES.items()}
REASON_NAMES = {code: names[0] for code, names in CHANGE_REASONS.items()}
REASON_NAMES_EN = {code: names[-1] for code, names in CHANGE_REASONS.items()}
# The agreement's term per kind of period; an annual reward plan makes it a year.
TERMS = {"month": ("一个月", "one month"), "quarter": ("一个季度", "one quarter"), "half": ("半年", "six months"),
         "year": ("壹年", "one year")}


def percent(value: Decimal | None) -> str:
    if value is None:
        return "—"
    text = f"{(value * 100).quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return f"{text}%"


def sentence(text: str) -> str:
    """A phrase as an English sentence starts (the policy's defaults start lower-case: the HR Department ...)."""
    return text[:1].upper() + text[1:]


# What the agreement says for a role the workbook's 岗位职责 sheet gives no rows: never another role's list.
NO_ROLE_TEXT = "按公司岗位说明书执行。"
NO_ROLE_TEXT_EN = "As set out in the Company's job description."


def role_texts(result: PeriodResult, role: str, lang: Language = ZH) -> dict:
    """The role's rights and duties from the workbook's 岗位职责 sheet."""
    found = result.input.role_duties.get(role)
    default = lang.say(NO_ROLE_TEXT, NO_ROLE_TEXT_EN)
    return {"rights": list(found.rights) if found and found.rights else [default],
            "duties": list(found.duties) if found and found.duties else [default]}


def target_text(line: PlanLine, lang: Language = ZH) -> str:
    if line.method == "rating":
        return lang.say(f"满分 {fmt_number(line.target)}", f"out of {fmt_number(line.target)}")
    if line.method in ("deduction", "bonus"):
        return "—"
    return fmt_number(line.target, line.unit, lang.prose)


def change_text(line: PlanLine, lang: Language = ZH) -> str:
    if line.original_target is None:
        return ""
    was, now = fmt_number(line.original_target, line.unit, lang.prose), fmt_number(line.target, line.unit, lang.prose)
    if lang.prose == "en":
        reason = REASON_NAMES_EN.get(line.change_reason, line.change_reason)
        return f"Target changed from {was} to {now} ({reason}, approved by {line.approved_by})"
    reason = REASON_NAMES.get(line.change_reason, line.change_reason)
    return f"目标值由 {was} 调整为 {now}（{reason}，{line.approved_by} 批准）"


def has_commission(e) -> bool:
    return bool(e.commission_rate or e.personal_sales)


def category_label(line: PlanLine, lang: Language = ZH) -> str:
    """The category under the item, unless it only repeats the item (工作能力 / 工作能力, Attitude / Attitude)."""
    name = CATEGORY_NAMES.get(line.category, "")
    if not name:
        return ""
    shown = CATEGORY_NAMES_EN[line.category] if lang.prose == "en" else name
    repeats = {name.casefold(), CATEGORY_NAMES_EN[line.category].casefold()}
    return "" if line.item.strip().casefold() in repeats else shown


def annual_reward_text(result: PeriodResult, r: EmployeeResult, lang: Language = ZH) -> str:
    """The annual reward is settled at year end: before then the figure is provisional (预计, an estimate)."""
    if r.pay.annual_reward is None:
        return ""
    period = result.input.settings.period
    amount = money(r.pay.annual_reward)
    if lang.prose == "en":
        pay = period_words(period.kind, "en").pay
        if not period.closes_year:
            return (f"Annual performance reward, estimate: {amount} (from results up to {lang.period_label(period)}; "
                    f"settled at year end under the target responsibility agreement, not part of the {pay})")
        return (f"Annual performance reward (settled at year end under the target responsibility agreement, "
                f"not part of the {pay}): {amount}")
    this = period_noun(period.kind)
    if not period.closes_year:
        return (f"年度绩效奖励预计 {amount}（按截至{period.label}的实绩估算，"
                f"年终按目标责任书结算，不计入{this}应发）")
    return f"年度绩效奖励（按目标责任书年终结算，不计入{this}应发）：{amount}"


def document_language(result: PeriodResult) -> Language:
    return language(result.input.settings.language)


def common_context(result: PeriodResult, r: EmployeeResult, title: tuple[str, str], subtitle: str) -> dict:
    """What every document's template gets: ``t`` (labels), ``say`` (prose) and ``lang`` among them."""
    s = result.input.settings
    lang = document_language(result)
    words = period_context(s.period, lang.prose)
    words.update(label=lang.period_label(s.period),
                 pay_title=lang.html(period_pay_title(s.period.kind), period_pay_title(s.period.kind, "en")))
    return {
        "lang": lang, "t": lang.html, "say": lang.say, **lang.titles(*title), "subtitle": subtitle, "company": s.company,
        "letterhead": s.letterhead_image, "seal": s.seal_image, "employee": r.employee,
        "period_label": lang.period_label(s.period), "original": "", "period_words": words,
        "id_label": lang.say("工号", "ID"),
    }


def shared_note(result: PeriodResult, r: EmployeeResult, lang: Language = ZH) -> str:
    pool = result.input.pools.get(r.employee.commission_pool)
    if pool is None or not r.pay.shared_commission:
        return ""
    members = r.pay.shared_by
    if lang.prose == "en":
        return (f"shared sales {money(pool.shared_sales)} × {percent(pool.rate)} ÷ {members} "
                f"{'person' if members == 1 else 'people'}")
    return f"公共销售业绩总额 {money(pool.shared_sales)} × {percent(pool.rate)} ÷ {members} 人"


def seniority_note(result: PeriodResult, r: EmployeeResult, lang: Language = ZH) -> str:
    s, e = result.input.settings, r.employee
    if e.seniority_pay is not None:
        return lang.say("按员工表所列", "as listed in the employee sheet") if e.seniority_pay else ""
    if not s.seniority_pay_per_year:
        return ""
    years = years_of_service(e.hire_date, s.period.end)
    if lang.prose == "en":
        cap = f", cap {money(s.seniority_pay_cap)}" if s.seniority_pay_cap is not None else ""
        return f"{years} {'year' if years == 1 else 'years'} of service × {money(s.seniority_pay_per_year)}{cap}"
    cap = f"，上限 {money(s.seniority_pay_cap)}" if s.seniority_pay_cap is not None else ""
    return f"工龄 {years} 年 × {money(s.seniority_pay_per_year)}{cap}"


def pay_rows(result: PeriodResult, r: EmployeeResult, lang: Language = ZH) -> list[dict]:
    p, e, en = r.pay, r.employee, lang.prose == "en"
    personal = ""
    if e.personal_sales:
        personal = lang.say(f"个人销售额 {money(e.personal_sales)} × {percent(e.commission_rate)}",
                            f"personal sales {money(e.personal_sales)} × {percent(e.commission_rate)}")
    if personal and r.appraised:
        personal += lang.say(f" × 绩效系数 {percent(p.pay_coefficient)}", f" × pay coefficient {percent(p.pay_coefficient)}")
    rows = [(("岗位工资", "Position pay"), p.position_pay, ""),
            (("个人绩效提成", "Personal commission"), p.personal_commission, personal),
            (("公共绩效提成", "Shared commission"), p.shared_commission, shared_note(result, r, lang)),
            (("工龄工资", "Seniority pay"), p.seniority_pay, seniority_note(result, r, lang))]
    if p.one_time_bonus:
        rule = first_rank_rule(result.input.settings, lang.prose)
        rows.append((("一次性奖励", "One-time bonus"), p.one_time_bonus, sentence(rule) if en else rule))
    items = [{"label": lang.html(*label), "amount": money(amount), "note": note, "total": False}
             for label, amount, note in rows]
    items.append({"label": lang.html("应发合计", "Total pay"), "amount": money(p.total),
                  "note": lang.say("各项四舍五入到分后相加", "each item rounded to the cent, then added"), "total": True})
    return items


def previous_improvement(r: EmployeeResult, lang: Language) -> dict | None:
    """Last period's improvement plan, to read beside this period's result (篇八 5, 8); None without one."""
    before = r.previous
    if before is None or not before.improvement:
        return None
    period = lang.period_label(parse_period(before.period))
    return {"label": lang.say(f"上期（{period}）改进计划", f"Improvement plan of the last period ({period})"),
            "result": lang.say(f"上期总分 {before.total:.2f}，等级 {before.grade}",
                               f"last period's total {before.total:.2f}, grade {before.grade}"),
            "text": before.improvement}


def letter_context(result: PeriodResult, r: EmployeeResult) -> dict:
    s = result.input.settings
    lang = document_language(result)
    review = r.review
    if lang.prose == "en":
        subtitle = (f"Appraisal period: {lang.period_label(s.period)} "
                    f"({lang.date(s.period.start)} to {lang.date(s.period.end)})")
        day = lang.date
    else:
        subtitle = f"考核期间：{s.period.label}（{s.period.start} 至 {s.period.end}）"
        day = date.isoformat
    context = common_context(result, r, ("绩效考核结果确认书", "Performance Review Letter"), subtitle)
    items = result.input.adjustments.get(r.employee.employee_id, ())
    reason = r.not_appraised_reason
    context.update({
        "appraised": r.appraised,
        "not_appraised_reason": sentence(not_appraised_text(reason, lang.prose)) if reason else "",
        "absence_rule": absence_rule(s.absence_limit_months, lang.prose),
        "reviewer": review.reviewer if review else "—",
        "appraisal_date": day(s.appraisal_date) if s.appraisal_date else "—",
        "interview_date": day(review.interview_date) if review and review.interview_date else "—",
        "comment": review.comment if review else "", "improvement": review.improvement if review else "",
        "previous_improvement": previous_improvement(r, lang), "trend": None,  # render_letter may draw one
        "appeal_deadline": lang.date(s.appeal_deadline),
        "hr_signatory": s.hr_signatory, "appeal_route": s.appeal, "hr_department": s.hr_department,
        "pay": pay_rows(result, r, lang),
        "annual_reward": annual_reward_text(result, r, lang),
        "has_commission": has_commission(r.employee),
        "adjustments": [{"item": a.item, "points": f"{a.points:+}", "approved_by": a.approved_by} for a in items],
    })
    if r.appraised:
        g = r.grade
        measures = result.input.measure_defs
        context.update({
            "lines": [{
                "item": lr.line.item, "category": category_label(lr.line, lang),
                "weight": percent(lr.line.weight) if lr.line.weight else lang.say("另计", "extra"),
                "target": target_text(lr.line, lang),
                "value": fmt_number(lr.value, lr.line.unit if lr.line.method != "rating" else "", lang.prose),
                "points": f"{lr.points:.2f}", "explanation": explain_line(lr, measures, lang.prose),
                "change": change_text(lr.line, lang),
            } for lr in r.lines],
            "total": f"{r.total:.2f}",
            "grade": {"grade": g.grade, "name": g.name, "coefficient": percent(g.pay_coefficient),
                      "training": g.training, "promotion": g.promotion, "level_change": g.level_change,
                      "salary_change": g.salary_change},
            "department_rank": f"{r.department_rank} / {r.department_size}",
            "role_rank": f"{r.role_rank} / {r.role_size}",
            "flags": [{"text": flag_text(f, s.period.kind, lang.prose), "good": is_reward(f)}
                      for f in employee_flags(r)],
        })
    return context


def indicator_row(result: PeriodResult, line: PlanLine, lang: Language = ZH, employee_id: str = "") -> dict:
    kpi = result.input.kpis.get(line.kpi)
    upper = supported_line(result.input, employee_id, line.supports) if line.supports else None
    supports = f"{line.supports} {upper.item}" if upper else line.supports  # the department's line, by name too
    return {"item": line.item, "definition": kpi.definition if kpi else "", "weight": percent(line.weight),
            "target": target_text(line, lang), "standard": line.standard, "supports": supports,
            "change": change_text(line, lang)}


def score_range(low: Decimal, high: Decimal | None, lang: Language) -> str:
    if lang.prose == "en":
        return f"≥ {fmt_number(low)}" if high is None else f"{fmt_number(low)} – {fmt_number(high)}"
    return f"{fmt_number(low)} ～ {fmt_number(high) if high is not None else ''}"


def bonus_cap(line: PlanLine, lang: Language) -> str:
    if line.cap is None:
        return lang.say("不设上限", "no cap")
    cap = fmt_number(line_parameters(line)["cap"] * 100)
    return lang.say(f"+{cap} 分", f"+{cap} points")


def agreement_context(result: PeriodResult, r: EmployeeResult, templates: Path) -> dict:
    """The agreement for the period's plan over its term (设置 责任书期限); annual for whoever has an annual
    reward plan (篇五)."""
    inp, s, e = result.input, result.input.settings, r.employee
    lang = document_language(result)
    plan = inp.plan_for(e)
    reward = inp.annual_rewards.get(e.employee_id)
    start, end = s.term.start, s.term.end  # 责任书期限: the period itself unless the term is longer
    term = TERMS[s.term.kind]
    if reward is not None:
        start, end, term = start.replace(month=1, day=1), end.replace(month=12, day=31), TERMS["year"]
    if reward is not None:
        title_period = lang.say(f"{start.year}年度", f"Year {start.year}")
    else:
        title_period = lang.period_label(s.term)
    context = common_context(result, r, ("目标责任书", "Target Responsibility Agreement"), f"{title_period} · {e.role}")
    context["period_label"] = lang.period_label(s.term)  # the running header names the term, the pay stays per period
    texts = role_texts(result, e.role, lang)
    performance = [ln for ln in plan.lines if not ln.is_management and ln.category != "bonus"]
    management = [ln for ln in plan.lines if ln.is_management]
    bands = sorted(inp.grades, key=lambda b: b.min_score, reverse=True)
    pool = inp.pools.get(e.commission_pool)
    target_setting = s.target_sentence
    context.update({
        "term_label": lang.say(*term), "term_from": lang.date(start), "term_to": lang.date(end),
        "target_setting": sentence(target_setting) if lang.prose == "en" else target_setting,
        "monitor": s.monitor,
        "rights": texts["rights"], "duties": texts["duties"],
        "performance": [indicator_row(result, ln, lang, e.employee_id) for ln in performance],
        "management": [indicator_row(result, ln, lang, e.employee_id) for ln in management],
        "performance_weight": percent(sum((ln.weight for ln in performance), Decimal(0))),
        "management_weight": percent(sum((ln.weight for ln in management), Decimal(0))),
        "bonus": [{"item": ln.item, "standard": ln.standard, "cap": bonus_cap(ln, lang)}
                  for ln in plan.lines if ln.category == "bonus"],
        "reward": None if reward is None else {
            "sales_target": money(reward.sales_target), "sales_rate": percent(reward.sales_rate),
            "campaign_target": money(reward.campaign_target), "campaign_rate": percent(reward.campaign_rate),
            "threshold": percent(reward.threshold)},
        "commission_rate": percent(e.commission_rate),
        "has_commission": has_commission(e), "has_pool": pool is not None,
        "shared_rate": percent(pool.rate if pool else s.shared_commission_rate),
        "first_rank_bonus": money(s.first_rank_bonus), "first_rank_rule": first_rank_rule(s, lang.prose),
        "bands": [{"grade": b.grade, "name": b.name, "range": score_range(b.min_score, b.max_score, lang),
                   "coefficient": percent(b.pay_coefficient), "salary_change": b.salary_change,
                   "level_change": b.level_change, "promotion": b.promotion} for b in bands],
    })
    return context


def render_letter(renderer: PdfRenderer, result: PeriodResult, r: EmployeeResult, created: datetime,
                  stamp: DocumentStamp | None = None, trend: Trend | None = None) -> bytes:
    """The letter; ``stamp`` (its recorded version) puts the verification code and QR code on every page;
    ``trend`` (reporter.rules.trend) draws the chart of the employee's last totals."""
    period, lang = result.input.settings.period, document_language(result)
    context = letter_context(result, r) | verification_context(stamp, lang)
    if stamp is not None and stamp.appeal_deadline:  # a re-issued letter answers by its own deadline
        context["appeal_deadline"] = lang.date(date.fromisoformat(stamp.appeal_deadline))
    check_glyphs(context, r.employee)
    identifier = f"letter/{period.key}/{r.employee.employee_id}"
    return render_with_trend(lambda c: renderer.render_counted("letter.html.j2", c, created=created,
                                                               identifier=identifier),
                             context, trend, lang)


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
    if isinstance(value, Mapping):  # dicts, and the model's read-only mappings (MappingProxyType)
        return [t for v in value.values() for t in context_texts(v)]
    if isinstance(value, (list, tuple, set, frozenset)):
        return [t for v in value for t in context_texts(v)]
    if dataclasses.is_dataclass(value):
        return [t for f in dataclasses.fields(value) for t in context_texts(getattr(value, f.name))]
    return []


def document_characters(value) -> str:
    """Every character of the strings in ``value`` (a model, a context), once: what the reduced faces keep."""
    return "".join(sorted(set().union(*map(set, context_texts(value)))))


def check_glyphs(context: dict, e: Employee) -> None:
    """Fail naming the employee and the character rather than print a silent □ where no font has it."""
    charset = font_charset()
    chars = {c for text in context_texts(context) for c in text if ord(c) not in charset and not c.isspace()}
    missing = sorted(c for c in chars if not some_font_draws(c))
    if missing:
        listed = "、".join(f"「{c}」(U+{ord(c):04X})" for c in missing)
        raise RenderError(f"{e.name}（{e.employee_id}）的文档含有字体中没有的字符 {listed}，打印出来会是 □："
                          "请在输入表中改用常用字，或安装含有该字的字体")


ORIGINALS = (("甲方执", "Party A's copy"), ("乙方执", "Party B's copy"))  # 一式两份: one original for each party


def render_agreement(renderer: PdfRenderer, result: PeriodResult, r: EmployeeResult, created: datetime,
                     stamp: DocumentStamp | None = None) -> bytes:
    """The two originals, marked 甲方执 and 乙方执 (Party A's copy ...), each starting on a right-hand page:
    one layout, each original's mark stamped in its pages' header (PdfRenderer.render_originals)."""
    term = result.input.settings.term
    lang = document_language(result)
    context = agreement_context(result, r, renderer.templates) | verification_context(stamp, lang)
    check_glyphs(context, r.employee)
    return renderer.render_originals("agreement.html.j2", context, [lang.inline(*mark) for mark in ORIGINALS],
                                     identifier=f"agreement/{term.key}/{r.employee.employee_id}", created=created)

"""The annual result letter (年度绩效考核结果通知书) of `reporter annual`: one employee's own year.

It shows the employee's figures only: each period's total and grade, the annual score and how it
was drawn, the annual grade and what the grade band says follows (training, promotion, job level,
salary), whether the year-end bonus applies and its amount, how to appeal and by when, and the
signature block.  HR's promotion-candidate flag stays in the annual workbook: a candidacy is for
HR and the managers to weigh, not a result the employee is told.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from reporter.model import appeal_route
from reporter.period import Period, parse_period
from reporter.rules.annual import AnnualResult, AnnualRow
from reporter.writers.language import language
from reporter.writers.pdf.documents import check_glyphs, percent
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.wording import money

TEMPLATE = "annual_letter.html.j2"


def score_rule_text(result: AnnualResult, row: AnnualRow, prose: str) -> str:
    """How the annual score was drawn, in one sentence."""
    p = result.policy
    if p.score_rule == "plan":
        return "Your annual score is the total of your annual appraisal." if prose == "en" else \
            "年度得分为本年度年度考核的总分。"
    if p.score_rule == "quarters":
        weights = " / ".join(percent(w) for w in p.quarter_weights)
        if prose == "en":
            return (f"Your annual score weights your quarter scores (each the mean of the quarter's appraised "
                    f"periods) {weights} for Q1–Q4; a quarter without a score is left out and the other weights "
                    f"scaled up to 100%.")
        return (f"年度得分为各季度得分（该季度已考核各期总分的平均）按第一至第四季度 {weights} 加权；"
                f"没有得分的季度不计，其余季度的权重按比例放大至 100%。")
    if prose == "en":
        return f"Your annual score is the mean of the totals of the {row.periods_scored} periods you were appraised."
    return f"年度得分为全年已考核的 {row.periods_scored} 期总分的平均。"


def eligibility_text(result: AnnualResult, row: AnnualRow, prose: str) -> str:
    need, months = result.policy.min_months, row.months_appraised
    if prose == "en":
        if row.eligible:
            return f"Eligible: appraised for {months} months of the year (at least {need} required)."
        if row.score is None:
            return "Not eligible: no appraised period this year."
        return f"Not eligible: appraised for {months} months of the year, fewer than the {need} required."
    if row.eligible:
        return f"符合发放条件：全年考核 {months} 个月（不少于 {need} 个月）。"
    if row.score is None:
        return "不符合发放条件：本年度没有已考核的期间。"
    return f"不符合发放条件：全年考核 {months} 个月，少于规定的 {need} 个月。"


def bonus_text(result: AnnualResult, row: AnnualRow, prose: str) -> str:
    """How the amount follows from the employee's own base and coefficient (never others' figures)."""
    if not row.eligible:
        return ""
    base, coefficient = money(row.bonus_base or Decimal(0)), percent(row.coefficient)
    scaled = result.policy.budget is not None
    if prose == "en":
        text = f"bonus base (position pay) {base} × bonus coefficient {coefficient} of grade {row.grade.grade}"
        return text + (", scaled to the Company's year-end bonus budget; rounded to the cent" if scaled else "")
    text = f"年终奖基数（岗位工资）{base} × {row.grade.grade} 等级年终奖系数 {coefficient}"
    return text + ("，按公司年终奖预算按比例核定，四舍五入到分" if scaled else "")


def annual_letter_context(result: AnnualResult, row: AnnualRow) -> dict:
    p = result.policy
    lang = language(p.language)
    prose = lang.prose
    year = Period(result.year, "year", 1)
    title = ("年度绩效考核结果通知书", "Annual Performance Result Letter")
    periods = [{"label": lang.period_label(parse_period(key)),
                "total": "—" if total is None else f"{total:.2f}",
                "grade": grade or lang.say("未参与考核", "not appraised")}
               for key, total, grade in zip(result.periods, row.totals, row.grades, strict=True)]
    if result.year_period and result.year_period not in result.periods:
        periods.append({"label": lang.say(f"{result.year}年度考核", f"Annual appraisal {result.year}"),
                        "total": "—" if row.year_total is None else f"{row.year_total:.2f}", "grade": "—"})
    g = row.grade
    return {
        "lang": lang, "t": lang.html, "say": lang.say, **lang.titles(*title),
        "subtitle": lang.say(f"考核年度：{result.year}年（{year.start} 至 {year.end}）",
                             f"Appraisal year: {result.year} ({lang.date(year.start)} to {lang.date(year.end)})"),
        "company": p.company, "letterhead": p.letterhead_image, "seal": p.seal_image, "employee": row,
        "period_label": lang.period_label(year), "original": "", "id_label": lang.say("工号", "ID"),
        "year": result.year, "periods": periods,
        "score": "—" if row.score is None else f"{row.score:.2f}",
        "score_rule": score_rule_text(result, row, prose),
        "months": row.months_appraised,
        "grade": None if g is None else {"grade": g.grade, "name": g.name, "training": g.training,
                                          "promotion": g.promotion, "level_change": g.level_change,
                                          "salary_change": g.salary_change},
        "eligible": row.eligible, "eligibility": eligibility_text(result, row, prose),
        "bonus": money(row.bonus) if row.eligible else "—", "bonus_note": bonus_text(result, row, prose),
        "appeal_deadline": lang.date(p.appeal_deadline),
        "appeal_route": appeal_route(p.appeal_route, p.hr_department, prose), "hr_signatory": p.hr_signatory,
    }


def render_annual_letter(renderer: PdfRenderer, result: AnnualResult, row: AnnualRow, created: datetime) -> bytes:
    context = annual_letter_context(result, row)
    check_glyphs(context, row)
    return renderer.render(TEMPLATE, context, identifier=f"annual/{result.year}/{row.employee_id}", created=created)

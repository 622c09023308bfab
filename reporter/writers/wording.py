"""Results in words: the one place that turns the engine's facts into sentences, in Chinese or English.

The engine states what it found with the numbers it used (a streak of 3
periods against a setting of 3, 2.5 months absent against a limit of 2, a
KPI whose divisor was 0).  The letter, the scorecard, the summary, the
payroll CSV, the result JSON and the CLI all word those facts here, so they
say the same thing the same way, and every number in a sentence is the
number of the setting or the fact that governs it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from reporter.errors import Problem
from reporter.model import (
    FAILING_STREAK,
    FIRST_RANK_STREAK,
    EmployeeResult,
    Flag,
    LineResult,
    MeasureDef,
    NotAppraised,
    PeriodResult,
    Settings,
    ZeroDivisor,
)
from reporter.period import Period
from reporter.rules.scoring import line_parameters

# How many periods of each kind: 3 个月, 2 个季度, 2 个半年度, 2 年.
PERIOD_UNITS = {"month": "个月", "quarter": "个季度", "half": "个半年度", "year": "年"}
# The same in English, singular and plural: 1 month, 3 months.
PERIOD_UNITS_EN = {"month": ("month", "months"), "quarter": ("quarter", "quarters"),
                   "half": ("half-year", "half-years"), "year": ("year", "years")}
METHOD_NAMES = {
    "achievement": "达成率", "linear": "线性", "pass_fail": "达标制",
    "deduction": "扣分制", "rating": "评级", "bonus": "加分",
}
METHOD_NAMES_EN = {
    "achievement": "achievement", "linear": "linear band", "pass_fail": "pass/fail",
    "deduction": "deduction", "rating": "rating", "bonus": "bonus points",
}
FLAG_WORDS = {
    "zh": {
        FIRST_RANK_STREAK: "{running}部门排名第一，发放一次性奖励 {amount}",
        # Neutral on purpose: the policy's "deemed to resign" is not lawful; HR decides what follows.
        FAILING_STREAK: "{running}考核不及格，需跟进",
    },
    "en": {
        FIRST_RANK_STREAK: "First in the department {running}: one-time bonus of {amount}",
        FAILING_STREAK: "Below the pass mark {running}: follow-up needed",
    },
}


# ---- numbers -----------------------------------------------------------------


def money(value: Decimal | None) -> str:
    return "—" if value is None else f"¥{value:,.2f}"


# Units as the input writes them (指标库 单位, measure kinds) and in an English document; a unit the
# company typed that is not here prints as typed.  Times and pieces drop their unit: "2", not "2 times".
UNITS_EN = {"秒": "s", "次": "", "个": "", "份": "", "天": "days", "倍": "×", "人": "people", "项": "items",
            "条": "entries", "页": "pages"}


def fmt_number(value: Decimal | None, unit: str = "", prose: str = "zh") -> str:
    """A value as a person reads it: 3.52%, ¥1,234.50, 28 秒 (28 s in English), 4."""
    if value is None:
        return "—"
    if unit == "%":
        return f"{(value * 100).quantize(Decimal('0.01')):f}%"
    if unit in ("元", "¥"):
        return f"¥{value.quantize(Decimal('0.01')):,f}"
    if prose == "en":
        unit = UNITS_EN.get(unit, unit)
        if value == 1 and len(unit) > 1 and unit.endswith("s"):
            unit = unit[:-1]  # 1 day, 1 page
    text = f"{value.quantize(Decimal('0.01')).normalize():f}" if value != value.to_integral() else f"{value:.0f}"
    if unit == "×":
        return f"{text}×"
    return f"{text} {unit}".strip() if unit not in ("", "分") else text


def periods(count: int | Decimal, kind: str, prose: str = "zh") -> str:
    """A number of periods of the appraisal's kind: 3 个月, 2 个季度, 2 个半年度, 2 年; 1 month, 2.5 months."""
    if prose == "en":
        one, many = PERIOD_UNITS_EN[kind]
        return f"{fmt_number(Decimal(count))} {one if count == 1 else many}"
    return f"{fmt_number(Decimal(count))} {PERIOD_UNITS[kind]}"


def running(count: int, kind: str, prose: str = "zh") -> str:
    """连续 3 个月 / 连续 2 个季度; for 3 months in a row."""
    if prose == "en":
        return f"for {periods(count, kind, prose)} in a row"
    return f"连续 {periods(count, kind)}"


# ---- plan lines --------------------------------------------------------------


# The attendance measures in words, with their units: 迟到 1 次、早退 0 次、请假 1 天; late 1 time, leave 1 day.
ATTENDANCE_WORDS = {
    "zh": {"late": ("迟到", "次"), "early_leave": ("早退", "次"), "leave_days": ("请假", "天"),
           "reports_due": ("应交", "份"), "reports_submitted": ("实交", "份")},
    "en": {"late": ("late", "time"), "early_leave": ("left early", "time"), "leave_days": ("leave", "day"),
           "reports_due": ("reports due", ""), "reports_submitted": ("reports submitted", "")},
}


# Measure kinds whose values carry a unit in a working: money, percentages, seconds.
MEASURE_UNITS = {"amount": "元", "percent": "%", "seconds": "秒"}

def attendance_count(code: str, value: Decimal, prose: str = "zh") -> str:
    """迟到 1 次 / late 1 time, leave 0.5 days."""
    word, unit = ATTENDANCE_WORDS[prose][code]
    number = fmt_number(value)
    if prose == "en" and unit and value != 1:
        unit += "s"
    return f"{word} {number} {unit}".strip()


def line_inputs(lr: LineResult, measures: Mapping[str, MeasureDef] | None = None, prose: str = "zh") -> str:
    """The measures a line's value came from: 迟到 1 次、早退 0 次、请假 1 天; late 1 time, left early 0 times."""
    if len(lr.inputs) == 1 and next(iter(lr.inputs.values())) == lr.value:
        return ""  # the value is the measure itself: naming it again says nothing
    order = list(ATTENDANCE_WORDS["zh"])
    parts = []
    for code, value in sorted(lr.inputs.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99):
        if code in ATTENDANCE_WORDS["zh"]:
            parts.append(attendance_count(code, value, prose))
        elif measures and code in measures:
            m = measures[code]  # its name as the company typed it
            parts.append(f"{m.name} {fmt_number(value, MEASURE_UNITS.get(m.kind, ''), prose)}")
    return (", " if prose == "en" else "、").join(parts)


# How a line's points were worked out, per language: one format per case, the same numbers in both.
WORKINGS = {
    "zh": {
        "deduction": "满分 {w} − 扣分 {v} × {step}（不低于 0）= {points} 分",
        "deduction_counted": "{inputs} → 扣 {v} 分；满分 {w} − {v}（不低于 0）= {points} 分",
        "deduction_stepped": "{inputs} → 扣分 {v}；满分 {w} − {v} × {step}（不低于 0）= {points} 分",
        "achievement": "实际 {v} ÷ 目标 {t}（封顶 {cap}）× 权重 {w} = {points} 分",
        "achievement_lower": "目标 {t} ÷ 实际 {v}（封顶 {cap}）× 权重 {w} = {points} 分",
        "achievement_lower_zero": "实际为 0，按封顶 {cap} × 权重 {w} = {points} 分",
        "linear": "（实际 {v} − 零分点 {f}）÷（目标 {t} − 零分点 {f}），限 0～{cap}，× 权重 {w} = {points} 分",
        "pass_fail_met": "实际 {v}，标准 {sign} {t}：达标，得 {points} 分",
        "pass_fail_missed": "实际 {v}，标准 {sign} {t}：未达标，得 {points} 分",
        "rating": "评级 {rating} / {scale} × 权重 {w} = {points} 分",
        "bonus": "合计 {total} 分，计 {points} 分",
        "bonus_capped": "合计 {total} 分，上限 {limit} 分，计 {points} 分",
        "with_inputs": "{inputs}：{text}",
    },
    "en": {
        "deduction": "full marks {w} − deduction {v} × {step} (not below 0) = {points} points",
        "deduction_counted": "{inputs} → {v} points off; full marks {w} − {v} (not below 0) = {points} points",
        "deduction_stepped": "{inputs} → deduction {v}; full marks {w} − {v} × {step} (not below 0) = {points} points",
        "achievement": "actual {v} ÷ target {t} (cap {cap}) × weight {w} = {points} points",
        "achievement_lower": "target {t} ÷ actual {v} (cap {cap}) × weight {w} = {points} points",
        "achievement_lower_zero": "actual 0: capped at {cap} × weight {w} = {points} points",
        "linear": ("(actual {v} − zero-point {f}) ÷ (target {t} − zero-point {f}), within 0–{cap}, "
                   "× weight {w} = {points} points"),
        "pass_fail_met": "actual {v}, standard {sign} {t}: met, {points} points",
        "pass_fail_missed": "actual {v}, standard {sign} {t}: not met, {points} points",
        "rating": "rating {rating} / {scale} × weight {w} = {points} points",
        "bonus": "{total} points in total: {points} points",
        "bonus_capped": "{total} points in total, capped at {limit}: {points} points",
        "with_inputs": "{inputs}: {text}",
    },
}


def working_case(lr: LineResult, p: Mapping[str, Decimal], inputs: str) -> str:
    """Which of WORKINGS' cases a line's working is: the rule of each method, stated once for every language."""
    line, value = lr.line, lr.value
    if line.method == "deduction":
        if not inputs:
            return "deduction"
        return "deduction_counted" if p["step"] == 1 else "deduction_stepped"
    if line.method == "achievement":
        if line.direction != "lower":
            return "achievement"
        return "achievement_lower_zero" if value <= 0 else "achievement_lower"
    if line.method == "pass_fail":
        return "pass_fail_met" if lr.points > 0 else "pass_fail_missed"
    if line.method in ("linear", "rating"):
        return line.method
    return "bonus_capped" if line.cap is not None else "bonus"


def explain_line(lr: LineResult, measures: Mapping[str, MeasureDef] | None = None, prose: str = "zh") -> str:
    """How the points were derived, in words, with the numbers of this line and the inputs it came from."""
    line, value = lr.line, lr.value
    p = line_parameters(line)
    inputs = line_inputs(lr, measures, prose)
    case = working_case(lr, p, inputs)
    unit = "" if line.method == "deduction" else line.unit  # a deduction's value is points, not the measure
    numbers = {
        "w": fmt_number(p["weight"] * 100), "v": fmt_number(value, unit, prose), "points": lr.points,
        "t": fmt_number(p["target"], line.unit, prose), "cap": fmt_number(p["cap"], "%"), "step": fmt_number(p["step"]),
        "f": fmt_number(p["floor"], line.unit, prose), "sign": "≥" if line.direction == "higher" else "≤",
        "rating": fmt_number(value), "scale": fmt_number(p["target"]), "total": fmt_number(value),
        "limit": fmt_number(p["cap"] * 100),
    }
    phrases = WORKINGS[prose]
    text = phrases[case].format(inputs=inputs, **numbers)
    if inputs and not case.startswith(("deduction", "bonus")):
        return phrases["with_inputs"].format(inputs=inputs, text=text)
    return text


# ---- the streak rules and absence --------------------------------------------


def first_rank_rule(settings: Settings, prose: str = "zh") -> str:
    """The bonus rule as the settings define it: 连续 3 个月部门排名第一; first in the department for 3 months in a row."""
    streak = running(settings.streak_months, settings.period.kind, prose)
    return f"first in the department {streak}" if prose == "en" else f"{streak}部门排名第一"


def flag_text(flag: Flag, kind: str, prose: str = "zh") -> str:
    """One fired rule in words, with the streak it counted."""
    return FLAG_WORDS[prose][flag.rule].format(running=running(flag.streak, kind, prose), amount=money(flag.amount))


def employee_flags(r: EmployeeResult) -> tuple[Flag, ...]:
    """The flags the employee's own documents show: none that are for HR only."""
    return tuple(f for f in r.flags if not f.hr_only)


def is_reward(flag: Flag) -> bool:
    return flag.rule == FIRST_RANK_STREAK


def not_appraised_text(reason: NotAppraised, prose: str = "zh") -> str:
    """Why someone is not appraised, neutrally: time away from the post, whatever its cause (leave of any kind)."""
    if prose == "en":
        return (f"Away from the post for {periods(reason.months_absent, 'month', prose)} in the appraisal period, "
                f"more than the {periods(reason.limit, 'month', prose)} the policy allows: "
                "not appraised this period")
    return (f"考评期内累计未到岗 {fmt_number(reason.months_absent)} 个月，超过 {fmt_number(reason.limit)} 个月，"
            "按制度不参与本期考核")


def absence_rule(limit: Decimal, prose: str = "zh") -> str:
    """The absence rule as the settings define it."""
    if prose == "en":
        return (f"an employee away from the post for more than {periods(limit, 'month', prose)} in the appraisal "
                "period is not appraised for it")
    return f"考评期内未到岗累计超过 {fmt_number(limit)} 个月的员工不参与当期考核"


def hr_note(r: EmployeeResult, kind: str, prose: str = "zh") -> str:
    """What HR's outputs (summary, payroll, CLI) note for one employee: every flag, or why not appraised."""
    if not r.appraised:
        return not_appraised_text(r.not_appraised_reason, prose) if r.not_appraised_reason else ""
    return ("; " if prose == "en" else "；").join(flag_text(f, kind, prose) for f in r.flags)


# ---- warnings ----------------------------------------------------------------


def zero_divisor_problem(result: PeriodResult, fact: ZeroDivisor, name: str = "") -> Problem:
    kpi = result.input.kpis.get(fact.kpi)
    return Problem(f"{name}（{fact.employee_id}）：指标「{kpi.name if kpi else fact.kpi}」的分母 {fact.divisor} 为 0，"
                   "指标值按 0 计", result.input.source, severity="warning")


def period_warnings(result: PeriodResult) -> tuple[Problem, ...]:
    """Everything HR should look at: the input's warnings, then the engine's, in words."""
    if not result.zero_divisors:
        return result.warnings
    names = {e.employee_id: e.name for e in result.input.employees}
    return result.warnings + tuple(zero_divisor_problem(result, z, names.get(z.employee_id, ""))
                                   for z in result.zero_divisors)


# ---- the period in words -----------------------------------------------------
# Every word that names the appraisal period, per kind of period and language, so a
# quarterly company never reads 本月 or 月度工资.  Keys are Period.kind.


@dataclass(frozen=True)
class PeriodWords:
    this: str  # the period a document is about: 本月, 本季度
    adjective: str  # 月度, 季度: 月度数据, 季度考核
    unit: str  # counts of periods: 3 个月, 2 个季度
    pay: str  # the pay the period settles: 本月工资, 本期工资


PERIOD_WORDS = {
    "zh": {
        "month": PeriodWords("本月", "月度", "个月", "本月工资"),
        "quarter": PeriodWords("本季度", "季度", "个季度", "本期工资"),
        "half": PeriodWords("本半年", "半年度", "个半年度", "本期工资"),
        "year": PeriodWords("本年度", "年度", "年", "本期工资"),
    },
    "en": {
        "month": PeriodWords("this month", "monthly", "months", "pay for the month"),
        "quarter": PeriodWords("this quarter", "quarterly", "quarters", "pay for the period"),
        "half": PeriodWords("this half-year", "half-yearly", "half-years", "pay for the period"),
        "year": PeriodWords("this year", "annual", "years", "pay for the period"),
    },
}


def period_words(kind: str, language: str = "zh") -> PeriodWords:
    """The words of one kind of period in one language (``zh`` or ``en``)."""
    return PERIOD_WORDS[language][kind]


def period_noun(kind: str, language: str = "zh") -> str:
    """本月 / 本季度 / 本半年 / 本年度."""
    return period_words(kind, language).this


def period_adjective(kind: str, language: str = "zh") -> str:
    """月度 / 季度 / 半年度 / 年度."""
    return period_words(kind, language).adjective


def period_pay_title(kind: str, language: str = "zh") -> str:
    """The heading of the pay section: 本月工资核算, or 本期工资核算 for a longer period."""
    words = period_words(kind, language)
    return f"{words.pay}核算" if language == "zh" else words.pay.capitalize()


def data_title(kind: str, language: str = "zh") -> str:
    """The heading of the period's measures: 月度数据 / 季度数据 / 半年度数据 / 年度数据."""
    adjective = period_adjective(kind, language)
    return f"{adjective}数据" if language == "zh" else f"{adjective.capitalize()} data"


def period_streak(count: int, kind: str, language: str = "zh") -> str:
    """A run of periods: 连续 3 个月 / 连续 2 个半年度; 3 months in a row."""
    if language == "zh":
        return running(count, kind)
    unit = period_words(kind, language).unit
    return f"{count} {unit if count != 1 else unit[:-1]} in a row"


def period_context(period: Period, language: str = "zh") -> dict[str, str]:
    """The period's words for a template: ``{{ period_words.this }}`` and so on."""
    words = period_words(period.kind, language)
    return {"label": period.label, "key": period.key, "this": words.this, "adjective": words.adjective,
            "unit": words.unit, "pay": words.pay, "pay_title": period_pay_title(period.kind, language),
            "data_title": data_title(period.kind, language)}


def annual_reward_title(period: Period, prose: str = "zh") -> str:
    """预计年度绩效奖励 before the year's last day (an estimate), 年度绩效奖励 in a period that closes the year."""
    if prose == "en":
        return "Annual performance reward" if period.closes_year else "Annual performance reward (estimate)"
    return "年度绩效奖励" if period.closes_year else "预计年度绩效奖励"


# Where a letter stands after it is issued (reporter.pipeline.settle.STATES), in HR's words.
STATE_WORDS = {
    "confirmed": ("已确认", "Confirmed"),
    "deemed_confirmed": ("逾期视为确认", "Deemed confirmed (no reply by the deadline)"),
    "appeal_rejected": ("申诉已驳回（维持原结果）", "Appeal rejected (result stands)"),
    "appeal_open": ("申诉中", "Appeal open"),
    "appeal_upheld": ("申诉成立，待出具更正后的确认书", "Appeal upheld; corrected letter to be issued"),
    "escalated": ("逾期未回（已上报）", "No reply by the deadline (escalated)"),
    "pending": ("待确认", "Awaiting confirmation"),
}
POLICY_WORDS = {"deemed_confirmed": ("视为确认", "deemed confirmed"), "escalated": ("上报", "escalated")}
# The status report's column titles (reporter.pipeline.settle.COUNTS).
COUNT_WORDS = {"issued": ("已出具", "Issued"), "sent": ("已发邮件", "E-mailed"), "confirmed": ("已确认", "Confirmed"),
               "appeal_open": ("申诉中", "Appeal open"), "appeal_upheld": ("申诉成立", "Appeal upheld"),
               "appeal_rejected": ("申诉驳回", "Appeal rejected"), "pending": ("待确认", "Pending"),
               "overdue": ("逾期未回", "Overdue")}


def state_words(state: str, prose: str = "zh") -> str:
    """Where a letter stands, in a document's prose language (``zh`` or ``en``)."""
    zh, en = STATE_WORDS[state]
    return en if prose == "en" else zh


def policy_words(policy: str, prose: str = "zh") -> str:
    """What 逾期未回 makes of silence past the deadline."""
    zh, en = POLICY_WORDS[policy]
    return en if prose == "en" else zh

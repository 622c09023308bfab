"""The vocabulary of the input's layout: coded choices, a column, a sheet, bounds that follow the period.

:mod:`reporter.input.schema` describes every sheet with these; they live apart so
that the sheets of one subject (the units' plans, :mod:`.unit_schema`) can have
their own module.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reporter.period import TERMS, Period

# Coded values accepted in coded columns: code -> the spellings HR may type.
CATEGORIES = {
    "kpi": ("KPI", "关键绩效指标", "kpi"),
    "key_goal": ("重点工作", "重点工作目标", "key_goal", "key goal"),
    "bonus": ("加减分", "加减分项", "bonus", "bonus/penalty"),
    "attendance": ("考勤", "attendance"),
    "weekly_report": ("周报", "weekly_report", "weekly report"),
    "ability": ("工作能力", "能力", "ability"),
    "attitude": ("工作态度", "态度", "attitude"),
}
METHODS = {
    "achievement": ("达成率", "achievement"),
    "linear": ("线性", "linear", "linear band"),
    "pass_fail": ("达标制", "pass_fail", "pass/fail"),
    "deduction": ("扣分制", "deduction"),
    "rating": ("评级", "rating"),
    "bonus": ("加分", "bonus"),
}
DIRECTIONS = {
    "higher": ("高优", "越高越好", "higher"),
    "lower": ("低优", "越低越好", "lower"),
}
MEASURE_KINDS = {
    "count": ("次数", "个数", "count"),
    "amount": ("金额", "amount", "money"),
    "seconds": ("秒", "seconds"),
    "percent": ("百分比", "percent"),
    "number": ("数值", "number"),
}
CHANGE_REASONS = {
    "market_change": ("市场重大变化", "market_change", "major market change"),
    "force_majeure": ("不可抗力", "force_majeure", "force majeure"),
    "approved": ("批准调整", "approved", "approved adjustment"),
}
SMTP_SECURITY = {
    "starttls": ("STARTTLS", "starttls"),
    "ssl": ("SSL", "ssl", "SSL/TLS", "tls"),
}
DUTY_KINDS = {
    "right": ("权利", "right", "rights"),
    "duty": ("职责", "duty", "duties"),
}
LANGUAGES = {
    "zh": ("zh", "中文", "chinese", "zh-CN"),
    "en": ("en", "English", "英文", "英语"),
    "zh-en": ("zh-en", "中英", "中英文", "中英双语", "bilingual"),
}
UNANSWERED = {"deemed_confirmed": ("视为确认", "deemed confirmed", "deemed_confirmed"),  # 设置 逾期未回: silence
              "escalated": ("上报", "escalated", "escalate")}  # after the appeal deadline (status, payroll)
LEVELS = {  # 组织 层级: the units of 篇七's cascade, top down
    "group": ("集团", "group"),
    "company": ("区域公司", "公司", "company", "regional company"),
    "department": ("部门", "department"),
}
DIMENSIONS = {  # 篇七 3.3: the four dimensions a department plan covers
    "scale_profit": ("规模与盈利", "规模和盈利", "scale_profit", "scale and profit"),
    "customer": ("客户", "customer", "customers"),
    "operations": ("内部运营", "operations", "internal operations"),
    "people": ("人与组织", "人员与组织", "people", "people and organisation", "people and organization"),
}
UNIT_SCORE_RULES = {  # 设置 单位得分方式
    "own": ("本单位方案", "own", "own plan"),
    "blended": ("与员工平均加权", "blended", "blended with people"),
}
ANNUAL_SCORE_RULES = {  # 设置 年度得分方式 (reporter annual)
    "months": ("月度平均", "months", "mean of months"),
    "quarters": ("季度加权", "quarters", "weighted quarters"),
    "plan": ("年度方案", "plan", "annual plan"),
}
YES_NO = {
    True: ("是", "Y", "yes", "true", "1"),
    False: ("否", "N", "no", "false", "0"),
}

CHOICES = {
    "category": CATEGORIES,
    "method": METHODS,
    "direction": DIRECTIONS,
    "measure_kind": MEASURE_KINDS,
    "change_reason": CHANGE_REASONS,
    "yes_no": YES_NO,
    "smtp_security": SMTP_SECURITY,
    "duty_kind": DUTY_KINDS,
    "language": LANGUAGES,
    "term": TERMS,
    "unanswered": UNANSWERED,
    "level": LEVELS,
    "dimension": DIMENSIONS,
    "unit_score_rule": UNIT_SCORE_RULES,
    "annual_score_rule": ANNUAL_SCORE_RULES,
}


@dataclass(frozen=True)
class Column:
    """One column: its key in the model, its two header spellings, how to parse it.

    ``kind`` names a parser in :mod:`reporter.input.cells` (text, name, id, email, decimal,
    quantity, money, count, percent, date, identifier, formula) or a key of
    :data:`CHOICES`.  ``low``/``high`` bound numbers (fractions for percent).
    """

    key: str
    zh: str
    en: str
    kind: str
    required: bool = False
    help: str = ""
    low: str | None = None
    high: str | None = None
    example: tuple = ()


@dataclass(frozen=True)
class Sheet:
    key: str
    zh: str
    en: str
    columns: tuple[Column, ...]
    required: bool = True
    help: str = ""
    # Extra columns are allowed (one per measure) and must be identifiers.
    open_columns: bool = False
    # Key-value sheets hold one setting per row instead of one record per row.
    key_value: bool = False
    headers: tuple[str, ...] = field(default=())

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


C = Column

# Bounds a column may name instead of a number: they follow the period of 设置 (a quarter has
# 92 days and up to 14 weeks), so one schema serves a month, a quarter, a half-year and a year.
PERIOD_BOUNDS = {
    "period_days": ("考核期天数", lambda p: p.days),
    "period_weeks": ("考核期周数", lambda p: p.weeks),
}


def period_bounds(period: Period | None) -> dict[str, str | None]:
    """The numbers the period bounds stand for; without a readable period, no bound."""
    return {key: None if period is None else str(days(period)) for key, (_, days) in PERIOD_BOUNDS.items()}


def bound_text(bound: str | None) -> str:
    """A bound as the template and docs show it: a number, or what it follows (考核期天数)."""
    return PERIOD_BOUNDS[bound][0] if bound in PERIOD_BOUNDS else (bound or "")

"""The validated input and the computed results, as frozen dataclasses without I/O: everything downstream
of validation (scoring, writers, mail) reads these, never the workbook, so a writer sees only checked values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType

from reporter.annual_settings import AnnualSettings
from reporter.errors import Problem
from reporter.formula import Formula
from reporter.period import Period


def _empty() -> Mapping:
    return MappingProxyType({})


@dataclass(frozen=True)
class Settings:
    company: str
    period: Period
    appeal_deadline: date
    hr_signatory: str
    currency: str = "CNY"
    appraisal_date: date | None = None
    appraiser_title: str = "考核人"
    # 提成销售额度量: the 月度数据 measure that is an employee's personal sales for commission (one fact, one cell).
    commission_measure: str = ""
    shared_commission_rate: Decimal = Decimal("0.005")
    first_rank_bonus: Decimal = Decimal("200")
    streak_months: int = 3
    absence_limit_months: Decimal = Decimal("2")
    seniority_pay_per_year: Decimal = Decimal("0")
    seniority_pay_cap: Decimal | None = None
    letterhead_image: str = ""  # a data: URI, read from the file the settings name
    seal_image: str = ""
    smtp_host: str = ""
    smtp_port: int | None = None
    smtp_security: str = "starttls"
    smtp_user: str = ""
    sender: str = ""
    sender_name: str = ""
    rate_limit: int = 30
    # Policy words (设置): the company's own, each with a default that names no company.
    hr_department: str = "人事部门"
    agreement_monitor: str = ""  # blank: 甲方负责人、 + hr_department
    target_setting: str = ""  # blank: the neutral sentence of target_sentence
    appeal_route: str = ""  # blank: 以书面形式向 + hr_department + 提出
    language: str = "zh"  # 语言: zh, en or zh-en (reporter.writers.language)
    unanswered_after_deadline: str = "deemed_confirmed"  # 逾期未回: deemed_confirmed or escalated
    agreement_term: str = ""  # 责任书期限: month, quarter, half or year; blank: the period's own kind
    unit_score_rule: str = "own"  # 单位得分方式: own (the unit plan's total) or blended (with its people's average)
    unit_own_weight: Decimal = Decimal("0.7")  # 单位方案权重: the own plan's share of a blended unit score
    grade_targets: tuple[tuple[str, Decimal], ...] = ()  # 校准 (rules.calibration): 目标等级分布, highest grade first
    calibration_tolerance: Decimal = Decimal("0.1")  # 校准容差: percentage points (0.1 = 10)
    performance_pay_budget: Decimal | None = None  # 绩效工资预算: performance pay's budget
    annual: AnnualSettings = field(default_factory=AnnualSettings)  # 年度汇总 rows (reporter annual, 篇八 7)

    @property
    def term(self) -> Period:
        """The agreement's term: the period of 责任书期限 containing this one (the period itself by default)."""
        return self.period.within(self.agreement_term or self.period.kind)

    @property
    def monitor(self) -> str:
        if self.agreement_monitor:
            return self.agreement_monitor
        if self.language == "en":
            return f"Party A's management and {self.hr_department}"
        return f"甲方负责人、{self.hr_department}"

    @property
    def target_sentence(self) -> str:
        if self.target_setting:
            return self.target_setting
        if self.language == "en":
            hr = self.hr_department[:1].upper() + self.hr_department[1:]  # it opens the sentence
            return f"{hr} sets the targets and scoring standards from the Company's business plan and the market it works in"
        return f"{self.hr_department}根据公司经营发展规划、参考外部市场环境制定工作目标及评分标准"

    @property
    def appeal(self) -> str:
        return appeal_route(self.appeal_route, self.hr_department, self.language)


# The default HR department's name per language (设置 人事部门名称 left blank).
HR_DEPARTMENT = {"zh": "人事部门", "en": "the HR Department"}


def appeal_route(route: str, hr_department: str, language: str = "zh") -> str:
    """How an employee appeals, as printed between "by <deadline>" and "appeal": the company's words or a default."""
    if route:
        return route
    if language == "en":
        return f"in writing to {hr_department}"
    return f"以书面形式向{hr_department}提出"


@dataclass(frozen=True)
class RoleDuties:
    """岗位职责: a role's rights and duties as the company wrote them, in their order."""

    rights: tuple[str, ...] = ()
    duties: tuple[str, ...] = ()


@dataclass(frozen=True)
class Employee:
    employee_id: str
    name: str
    email: str
    company: str
    department: str
    role: str
    hire_date: date
    position_pay: Decimal
    manager: str = ""
    seniority_pay: Decimal | None = None
    months_absent: Decimal = Decimal("0")
    personal_sales: Decimal = Decimal("0")
    sales_measure: str = ""  # the 月度数据 measure personal_sales was taken from; blank: typed in 员工
    commission_rate: Decimal = Decimal("0")
    commission_pool: str = ""
    rank_group: str = ""  # 排名组: ranked only with the same group; blank is the default group
    row: int = 0

    @property
    def department_key(self) -> tuple[str, str]:
        """Departments of the same name in two regional companies are different departments."""
        return (self.company, self.department)


@dataclass(frozen=True)
class MeasureDef:
    code: str
    name: str
    kind: str  # count, amount, seconds, percent, number
    source: str = ""


@dataclass(frozen=True)
class Kpi:
    code: str
    name: str
    formula: Formula
    direction: str  # "higher" or "lower"
    unit: str = ""
    definition: str = ""
    source: str = ""
    role: str = ""


@dataclass(frozen=True)
class PlanLine:
    category: str  # kpi, key_goal, bonus, attendance, weekly_report, ability, attitude
    item: str
    method: str  # achievement, linear, pass_fail, deduction, rating, bonus
    weight: Decimal  # a fraction: 0.2 is 20 %
    direction: str = "higher"
    kpi: str = ""  # KPI or measure code the value comes from; empty for ratings
    target: Decimal | None = None
    floor: Decimal | None = None
    cap: Decimal | None = None
    step: Decimal | None = None
    standard: str = ""
    supports: str = ""  # with units (组织): a line code of the plan above; else the company's own words
    unit: str = ""
    code: str = ""  # 行代码 of a unit plan's line: what the lines below name in 支撑上级指标
    dimension: str = ""  # 维度 of a department plan's line: scale_profit, customer, operations, people
    original_target: Decimal | None = None
    change_reason: str = ""
    approved_by: str = ""
    row: int = 0

    @property
    def is_management(self) -> bool:
        """Performance indicators are measured; management indicators are judged (篇五)."""
        return self.category not in ("kpi", "bonus")


@dataclass(frozen=True)
class Plan:
    owner: str  # a role name, or an employee ID for a personal plan
    personal: bool
    lines: tuple[PlanLine, ...]


@dataclass(frozen=True)
class Unit:
    """One unit of 篇七's cascade: the group, a regional company or a department (组织)."""

    code: str
    name: str
    level: str  # group, company or department (input.columns.LEVELS)
    parent: str = ""  # the unit code above; blank for the group
    head: str = ""  # 负责人: who receives the unit's letter and approves target changes below
    head_id: str = ""
    row: int = 0


@dataclass(frozen=True)
class UnitPlan:
    """A unit's plan for one term (单位方案): the lines of the same kinds as a person's."""

    unit: str  # unit code
    term: Period  # the period of the plan's 期限 that contains the workbook's period
    lines: tuple[PlanLine, ...]


@dataclass(frozen=True)
class Review:
    reviewer: str
    comment: str = ""
    improvement: str = ""
    interview_date: date | None = None


@dataclass(frozen=True)
class Adjustment:
    item: str
    points: Decimal
    approved_by: str = ""


@dataclass(frozen=True)
class GradeBand:
    grade: str
    name: str
    min_score: Decimal
    max_score: Decimal | None
    pay_coefficient: Decimal
    training: str = ""
    promotion: str = ""
    level_change: str = ""
    salary_change: str = ""
    failing: bool = False
    bonus_coefficient: Decimal | None = None  # 年终奖系数 (reporter annual); None: the pay coefficient


@dataclass(frozen=True)
class Pool:
    pool: str
    shared_sales: Decimal
    rate: Decimal


@dataclass(frozen=True)
class AnnualRewardPlan:
    sales_target: Decimal
    sales_actual: Decimal
    sales_rate: Decimal
    campaign_target: Decimal
    campaign_actual: Decimal
    campaign_rate: Decimal
    threshold: Decimal = Decimal("0.8")


@dataclass(frozen=True)
class HistoryRecord:
    period: str
    employee_id: str
    total: Decimal
    grade: str
    department_rank: int | None = None
    improvement: str = ""  # the review's improvement plan (改进计划), for the next period's letter


@dataclass(frozen=True)
class AppraisalInput:
    """Everything one input workbook says, validated."""

    source: str
    settings: Settings
    employees: tuple[Employee, ...]
    measure_defs: Mapping[str, MeasureDef]
    kpis: Mapping[str, Kpi]
    plans: Mapping[str, Plan]  # by role, and by employee ID for personal plans
    measures: Mapping[str, Mapping[str, Decimal]]  # employee ID -> measure code -> value
    ratings: Mapping[str, Mapping[str, Decimal]]  # employee ID -> item -> rating
    reviews: Mapping[str, Review]
    adjustments: Mapping[str, tuple[Adjustment, ...]]
    grades: tuple[GradeBand, ...]  # ascending by min_score
    pools: Mapping[str, Pool] = field(default_factory=_empty)
    annual_rewards: Mapping[str, AnnualRewardPlan] = field(default_factory=_empty)
    history: tuple[HistoryRecord, ...] = ()
    role_duties: Mapping[str, RoleDuties] = field(default_factory=_empty)  # by role name
    warnings: tuple[Problem, ...] = ()
    units: Mapping[str, Unit] = field(default_factory=_empty)  # by unit code, top down (group, companies, departments)
    unit_plans: tuple[UnitPlan, ...] = ()
    unit_measures: Mapping[str, Mapping[str, Decimal]] = field(default_factory=_empty)  # unit code -> measure -> value
    unit_ratings: Mapping[str, Mapping[str, Decimal]] = field(default_factory=_empty)  # unit code -> item -> rating
    employee_units: Mapping[str, str] = field(default_factory=_empty)  # employee ID -> their department unit's code

    def plan_for(self, employee: Employee) -> Plan:
        return self.plans.get(employee.employee_id) or self.plans[employee.role]


# ---- results ---------------------------------------------------------------
# The engine states what it found as facts with their numbers; the writers
# (reporter.writers.wording) put them into words.  No result carries a sentence.


@dataclass(frozen=True)
class LineResult:
    line: PlanLine
    value: Decimal | None  # the KPI value, rating or deduction count the points come from
    points: Decimal
    inputs: Mapping[str, Decimal] = field(default_factory=_empty)  # measures the value was computed from


@dataclass(frozen=True)
class Pay:
    position_pay: Decimal
    personal_commission: Decimal
    shared_commission: Decimal
    seniority_pay: Decimal
    one_time_bonus: Decimal
    total: Decimal
    pay_coefficient: Decimal | None = None
    annual_reward: Decimal | None = None
    shared_by: int = 0  # the pool's appraised members, the shared commission's divisor (0: none), counted once


FIRST_RANK_STREAK = "first_rank_streak"  # first in the department for a full streak: one-time bonus
FAILING_STREAK = "failing_streak"  # a failing grade for a full streak: HR follows up


@dataclass(frozen=True)
class Flag:
    """A streak rule that fired this period, with the numbers that made it fire."""

    rule: str  # FIRST_RANK_STREAK or FAILING_STREAK
    streak: int  # periods in a row, this one included
    threshold: int  # Settings.streak_months, the streak length the rule asks for
    amount: Decimal | None = None  # the one-time bonus it pays, if any
    hr_only: bool = False  # for HR's eyes: never printed on the employee's own documents


@dataclass(frozen=True)
class NotAppraised:
    """Why someone is left out of this period's appraisal: absent longer than the limit."""

    months_absent: Decimal
    limit: Decimal  # Settings.absence_limit_months


@dataclass(frozen=True)
class ZeroDivisor:
    """A KPI whose divisor was 0 for one employee; the KPI value was taken as 0."""

    employee_id: str
    kpi: str  # KPI code
    divisor: str  # the divisor as written in the KPI formula


@dataclass(frozen=True)
class EmployeeResult:
    employee: Employee
    appraised: bool
    pay: Pay
    lines: tuple[LineResult, ...] = ()
    total: Decimal | None = None
    grade: GradeBand | None = None
    department_rank: int | None = None
    department_size: int = 0
    role_rank: int | None = None
    role_size: int = 0
    not_appraised_reason: NotAppraised | None = None
    first_rank_streak: int = 0
    failing_streak: int = 0
    flags: tuple[Flag, ...] = ()  # the streak rules that fired
    review: Review | None = None
    previous: HistoryRecord | None = None  # the employee's result of the period before, if on record


@dataclass(frozen=True)
class UnitResult:
    """A unit's result: its plan's lines and total, its people's average, its score by the company's rule."""

    unit: Unit
    plan: UnitPlan | None  # the plan whose term is this period; None: the unit is not scored this period
    people: tuple[str, ...] = ()  # the appraised employees under the unit, by ID, in input order
    people_average: Decimal | None = None  # their totals' average (rulebook people_average); None without people
    lines: tuple[LineResult, ...] = ()
    own_total: Decimal | None = None  # the unit plan's total (the same total rule as a person's)
    total: Decimal | None = None  # the unit's score by 单位得分方式 (rulebook unit_score_own / unit_score_blended)
    grade: GradeBand | None = None
    rank: int | None = None  # among its peers: the scored units of the same level under the same parent
    peers: int = 0
    zero_divisors: tuple[ZeroDivisor, ...] = ()  # KPIs of the unit's plan whose divisor was 0 (employee_id: the unit)

    @property
    def scored(self) -> bool:
        return self.plan is not None


@dataclass(frozen=True)
class PeriodResult:
    input: AppraisalInput
    results: tuple[EmployeeResult, ...]
    warnings: tuple[Problem, ...] = field(default=())  # the input's; the engine's own are zero_divisors
    zero_divisors: tuple[ZeroDivisor, ...] = field(default=())
    units: tuple[UnitResult, ...] = field(default=())  # top down, as in 组织; empty without units

    @property
    def appraised(self) -> tuple[EmployeeResult, ...]:
        return tuple(r for r in self.results if r.appraised)

    @property
    def not_appraised(self) -> tuple[EmployeeResult, ...]:
        return tuple(r for r in self.results if not r.appraised)

    def to_frame(self, of: str = "employees"):
        """A pandas DataFrame (reporter.frames): one row per employee, or ``of="units"`` per unit (篇七)."""
        from reporter.frames import period_frame, units_frame
        return units_frame(self) if of == "units" else period_frame(self)

"""The year-end roll-up (篇八 7): each employee's annual score, grade, eligibility, bonus and promotion streak.

pandas lays the history out (reporter.frames.History.pivot: employees × the year's periods); every
figure is then one of the rules of :data:`reporter.rules.rulebook.ANNUAL_FORMULAS`, evaluated here
in Decimal over that row, and written by the annual workbook as the same formula over its cells.

Which periods: those of the year of one kind, the finest recorded (months if any, else quarters,
else half-years; periods of another kind that year are listed as ignored), plus the annual period
(e.g. ``2026``) when recorded, which 年度得分方式 年度方案 scores from.  Which settings: those recorded
with the year's latest period (the one ending last; of two ending the same day, the one built last)
that has settings (periods recorded before reporter annual existed have none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from reporter.formula import Column
from reporter.model import HR_DEPARTMENT, GradeBand
from reporter.period import MONTHS, parse_period
from reporter.rules.rulebook import band_columns, rule

if TYPE_CHECKING:
    from reporter.frames import History

SCORE_RULES = {"months": "annual_score_months", "quarters": "annual_score_quarters", "plan": "annual_score_plan"}
ZERO = Decimal(0)


@dataclass(frozen=True)
class AnnualPolicy:
    """The settings the roll-up applies: those recorded with the year's latest period (``source``)."""

    source: str
    company: str
    grades: tuple[GradeBand, ...]  # ascending, as validated
    language: str = "zh"
    currency: str = "CNY"
    hr_department: str = HR_DEPARTMENT["zh"]
    hr_signatory: str = ""
    appeal_route: str = ""
    appeal_deadline: date | None = None
    letterhead_image: str = ""
    seal_image: str = ""
    score_rule: str = "months"
    quarter_weights: tuple[Decimal, ...] = (Decimal("0.25"),) * 4
    min_months: int = 6
    budget: Decimal | None = None
    promotion_periods: int = 2
    promotion_grades: tuple[str, ...] = ()

    @property
    def top_grades(self) -> tuple[str, ...]:
        """晋升等级 as the bands spell them; blank: the two highest bands."""
        if not self.promotion_grades:
            return tuple(g.grade for g in reversed(self.grades[-2:]))
        wanted = {g.casefold() for g in self.promotion_grades}
        return tuple(g.grade for g in reversed(self.grades) if g.grade.casefold() in wanted)

    def band(self, code: str) -> GradeBand:
        return next(g for g in self.grades if g.grade == code)


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _number(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def policy_from_record(source: str, data: dict) -> AnnualPolicy:
    """The policy of a period's recorded settings (reporter.store.history.period_settings)."""
    grades = tuple(GradeBand(g["grade"], g["name"], Decimal(g["min_score"]), _number(g["max_score"]),
                             Decimal(g["pay_coefficient"]), g["training"], g["promotion"], g["level_change"],
                             g["salary_change"], g["failing"], _number(g["bonus_coefficient"]))
                   for g in data["grades"])
    return AnnualPolicy(
        source=source, company=data["company"], grades=grades, language=data["language"], currency=data["currency"],
        hr_department=data["hr_department"], hr_signatory=data["hr_signatory"], appeal_route=data["appeal_route"],
        appeal_deadline=_day(data["annual_appeal_deadline"]) or _day(data["appeal_deadline"]),
        letterhead_image=data["letterhead_image"], seal_image=data["seal_image"],
        score_rule=data["annual_score_rule"], quarter_weights=tuple(Decimal(w) for w in data["quarter_weights"]),
        min_months=data["annual_min_months"], budget=_number(data["annual_bonus_budget"]),
        promotion_periods=data["promotion_periods"], promotion_grades=tuple(data["promotion_grades"]))


@dataclass(frozen=True)
class AnnualRow:
    """One employee's year: what the annual workbook's row and the annual letter show."""

    employee_id: str
    name: str
    company: str
    department: str
    role: str
    totals: tuple[Decimal | None, ...]  # per period of AnnualResult.periods; None: not appraised
    grades: tuple[str, ...]  # the grade of each period ("" where not appraised)
    year_total: Decimal | None  # the annual period's own total, when recorded
    quarters: tuple[Decimal | None, ...]  # Q1–Q4 scores (季度加权 only)
    periods_scored: int  # periods the annual score is drawn from
    months_appraised: int
    score: Decimal | None
    grade: GradeBand | None
    eligible: bool
    bonus_base: Decimal | None  # 岗位工资 of the latest period recording one
    coefficient: Decimal | None
    bonus_weight: Decimal
    bonus: Decimal
    streaks: tuple[int, ...]  # the run of top grades up to each period
    promotion_candidate: bool


@dataclass(frozen=True)
class AnnualResult:
    year: int
    policy: AnnualPolicy
    kind: str  # the kind of the period columns: month, quarter, half (or year, when only the year is recorded)
    periods: tuple[str, ...]  # the period columns, oldest first
    year_period: str | None  # the annual period (e.g. "2026") when recorded
    ignored: tuple[str, ...]  # periods of the year of another kind, not rolled up
    rows: tuple[AnnualRow, ...]
    weight_total: Decimal
    bonus_total: Decimal
    residue: Decimal  # budget − the bonuses (rounding); 0 without a budget

    @property
    def period_months(self) -> int:
        return MONTHS[self.kind]

    @property
    def score_columns(self) -> str:
        """What the annual score is drawn from: "year" (the annual period) or "periods"."""
        return "year" if self.policy.score_rule == "plan" else "periods"

    def quarter_columns(self, quarter: int) -> tuple[int, ...]:
        return quarter_columns(self.periods, quarter)


def quarter_columns(periods: tuple[str, ...], quarter: int) -> tuple[int, ...]:
    """Indexes of the period columns a quarter's score is the mean of: its months, or the period holding it."""
    months = range(3 * quarter - 2, 3 * quarter + 1)
    found = []
    for i, key in enumerate(periods):
        p = parse_period(key)
        if any(p.start.month <= m <= p.end.month for m in months):
            found.append(i)
    return tuple(found)


Layout = tuple[str, tuple[str, ...], str | None, tuple[str, ...]]


def year_periods(history: History, year: int) -> Layout | None:
    """(kind, the period columns, the annual period or None, the ignored periods) of ``year``; None without any."""
    of_year = [p for p in map(parse_period, history.periods) if p.year == year]
    if not of_year:
        return None
    year_period = next((p.key for p in of_year if p.kind == "year"), None)
    kinds = sorted({p.kind for p in of_year if p.kind != "year"}, key=MONTHS.get)
    if not kinds:
        return "year", (year_period,), year_period, ()
    kind = kinds[0]
    periods = tuple(p.key for p in sorted(of_year) if p.kind == kind)
    ignored = tuple(p.key for p in sorted(of_year) if p.kind not in (kind, "year"))
    return kind, periods, year_period, ignored


def latest_policy(history: History, year: int, built_at: dict[str, str]) -> AnnualPolicy | None:
    """The settings of the year's latest period that recorded them (None: every period predates them)."""
    of_year = [p for p in map(parse_period, history.periods) if p.year == year]
    for period in sorted(of_year, key=lambda p: (p.end, built_at.get(p.key, "")), reverse=True):
        data = history.settings(period.key)
        if data:
            return policy_from_record(period.key, data)
    return None


def roll_up(history: History, year: int, policy: AnnualPolicy, layout: Layout) -> AnnualResult:
    """Every employee's year under ``policy``, over the periods of ``layout`` (see :func:`year_periods`);
    the annual period must be in the layout when the policy scores from it (年度方案)."""
    kind, periods, year_period, ignored = layout
    columns = [*periods, *([year_period] if year_period and year_period not in periods else [])]
    totals, grades = (_by_employee(history.pivot(columns, field)) for field in ("total", "grade"))
    people = _people(history, set(columns))
    draft = _Draft(policy, kind, periods, year_period)
    blank = dict.fromkeys(columns)
    scored = [draft.score(eid, person, totals.get(eid, blank), grades.get(eid, blank))
              for eid, person in people.items()]
    weights = Column(row["bonus_weight"] for row in scored)
    weight_total = rule("annual_bonus_weight_total").evaluate({"bonus_weights": weights})
    budget = policy.budget or ZERO
    rows = []
    for row in scored:
        bonus = rule("annual_bonus").evaluate({"bonus_budget": budget, "bonus_weight": row["bonus_weight"],
                                               "bonus_weight_total": weight_total})
        rows.append(AnnualRow(**row, bonus=bonus))
    bonuses = Column(r.bonus for r in rows)
    residue = rule("annual_bonus_residue").evaluate({"bonus_budget": budget, "bonuses": bonuses})
    return AnnualResult(year, policy, kind, periods, year_period, ignored, tuple(rows), weight_total,
                        sum((r.bonus for r in rows), ZERO), residue)


def _by_employee(table) -> dict[str, dict[str, object]]:
    """A pivot's rows as plain dicts (period → value), read once instead of cell by cell."""
    return {eid: dict(zip(table.columns, values, strict=True))
            for eid, values in zip(table.index, table.itertuples(index=False, name=None), strict=True)}


def _people(history: History, columns: set[str]) -> dict[str, dict]:
    """Everyone recorded in the year's periods: who they are as last recorded, and their latest bonus base."""
    people: dict[str, dict] = {}
    for r in sorted((r for r in history.rows if r.period in columns), key=lambda r: parse_period(r.period)):
        person = people.setdefault(r.employee_id, {"base": None})
        person.update(name=r.name, company=r.company, department=r.department, role=r.role)
        if r.bonus_base is not None:
            person["base"] = r.bonus_base
    return people


class _Draft:
    """One employee's figures before the budget is shared: each one rule, over the row's cells."""

    def __init__(self, policy: AnnualPolicy, kind: str, periods: tuple[str, ...], year_period: str | None):
        self.policy, self.kind, self.periods, self.year_period = policy, kind, periods, year_period
        self.bands = band_columns(policy.grades)
        self.top = Column(policy.top_grades)
        self.quarters = [quarter_columns(periods, q) for q in range(1, 5)]
        self.streaks: dict[tuple[str, int], int] = {}

    def score(self, eid: str, person: dict, totals: dict, grades: dict) -> dict:
        p = self.policy
        row_totals = tuple(totals[k] for k in self.periods)
        row_grades = tuple(grades[k] or "" for k in self.periods)
        year_total = totals[self.year_period] if self.year_period else None
        period_totals = Column(row_totals)
        score_totals = Column([year_total]) if p.score_rule == "plan" else period_totals
        n = rule("annual_periods").evaluate({"score_totals": score_totals})
        months = rule("months_appraised").evaluate({"period_totals": period_totals,
                                                   "period_months": MONTHS[self.kind]})
        values = {"annual_periods": n, "score_totals": score_totals}
        quarters: tuple[Decimal | None, ...] = ()
        if p.score_rule == "quarters":
            quarters = tuple(self.quarter(row_totals, q) for q in range(1, 5))
            for q in range(1, 5):
                values.update({f"q{q}": "" if quarters[q - 1] is None else quarters[q - 1],
                               f"q{q}_weight": p.quarter_weights[q - 1],
                               f"q{q}_totals": Column(row_totals[i] for i in self.quarters[q - 1])})
        score = _blank(rule(SCORE_RULES[p.score_rule]).evaluate(values))
        code = _blank(rule("annual_grade").evaluate({"annual_periods": n, "total": score or ZERO, **self.bands}))
        eligible = rule("annual_eligible").evaluate({"annual_periods": n, "months_appraised": months,
                                                     "min_months": p.min_months})
        coefficient = _blank(rule("annual_bonus_coefficient").evaluate({"annual_periods": n, "grade": code or "",
                                                                        **self.bands}))
        weight = rule("annual_bonus_weight").evaluate({"eligible": eligible, "bonus_base": person["base"] or ZERO,
                                                       "bonus_coefficient": coefficient or ZERO})
        streaks, previous = [], 0
        for grade in row_grades:
            previous = self.streak(grade, previous)
            streaks.append(previous)
        candidate = rule("promotion_candidate").evaluate({"top_streaks": Column(streaks),
                                                          "promotion_periods": p.promotion_periods})
        return {"employee_id": eid, "name": person["name"], "company": person["company"],
                "department": person["department"], "role": person["role"], "totals": row_totals,
                "grades": row_grades, "year_total": year_total, "quarters": quarters, "periods_scored": int(n),
                "months_appraised": int(months), "score": score, "grade": p.band(code) if code else None,
                "eligible": bool(eligible), "bonus_base": person["base"], "coefficient": coefficient,
                "bonus_weight": weight, "streaks": tuple(streaks), "promotion_candidate": bool(candidate)}

    def streak(self, grade: str, previous: int) -> int:
        """The top_streak rule; it depends on these two values alone, so each pair is evaluated once."""
        key = (grade, previous)
        if key not in self.streaks:
            self.streaks[key] = int(rule("top_streak").evaluate({"top_grades": self.top, "grade": grade,
                                                                 "previous_streak": previous}))
        return self.streaks[key]

    def quarter(self, row_totals: tuple, q: int) -> Decimal | None:
        cells = Column(row_totals[i] for i in self.quarters[q - 1])
        return _blank(rule("quarter_score").evaluate({"quarter_totals": cells}))


def _blank(value: Decimal | str) -> Decimal | str | None:
    """A rule's "" (no score, no grade) as None."""
    return None if value == "" else value


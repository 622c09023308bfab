"""pandas DataFrames of a scored period and of the history, for the Python API (docs/api.md).

The dtypes are chosen so that nothing is lost and grouping works at once:

- money is **integer cents** (``Int64``, columns ending in ``_cents``): every amount
  the engine computes is rounded to the cent, so the integer is exact; divide by
  100 only for display;
- a total is ``Float64`` (two decimals, as on the scorecard; the exact ``Decimal``
  stays on the result objects);
- ranks and sizes are nullable ``Int64`` (someone not appraised has none);
- dates are ``datetime64``; a period is its key (``2026-10``) and ``period_start``;
- company, department, role and grade are categoricals, the grade ordered from
  the lowest band to the highest, so ``df.grade.max()`` is the best grade.

No rule is computed here: the frames only lay out what the engine found.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pandas as pd

from reporter.model import EmployeeResult, GradeBand, PeriodResult
from reporter.period import parse_period

PAY_PARTS = ("position_pay", "personal_commission", "shared_commission", "seniority_pay", "one_time_bonus")


def cents(amount: Decimal | None) -> int | None:
    """An amount of money as integer cents (amounts are already rounded to the cent)."""
    return None if amount is None else int((amount * 100).to_integral_value())


def _score(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def grade_dtype(grades: Iterable[GradeBand]) -> pd.CategoricalDtype:
    """The grades as an ordered categorical, lowest band first."""
    return pd.CategoricalDtype([g.grade for g in sorted(grades, key=lambda g: g.min_score)], ordered=True)


def _employee_row(period: str, start, r: EmployeeResult) -> dict:
    e, pay = r.employee, r.pay
    row = {
        "period": period, "period_start": start, "employee_id": e.employee_id, "name": e.name,
        "company": e.company, "department": e.department, "role": e.role, "hire_date": e.hire_date,
        "appraised": r.appraised, "total": _score(r.total), "grade": r.grade.grade if r.grade else None,
        "department_rank": r.department_rank, "department_size": r.department_size or None,
        "role_rank": r.role_rank, "role_size": r.role_size or None,
        "pay_coefficient": _score(pay.pay_coefficient),
    }
    row.update({f"{part}_cents": cents(getattr(pay, part)) for part in PAY_PARTS})
    row["pay_total_cents"] = cents(pay.total)
    row["annual_reward_cents"] = cents(pay.annual_reward)
    return row


def period_frame(result: PeriodResult) -> pd.DataFrame:
    """One row per employee of the period, in the workbook's order, indexed by 工号."""
    period = result.input.settings.period
    rows = [_employee_row(period.key, period.start, r) for r in result.results]
    frame = pd.DataFrame(rows)  # a workbook has at least one employee (validation)
    frame["period"] = frame["period"].astype("string")
    return _typed(frame, grade_dtype(result.input.grades)).set_index("employee_id", drop=False)


def _typed(frame: pd.DataFrame, grades: pd.CategoricalDtype | None = None) -> pd.DataFrame:
    """The documented dtypes, whatever pandas inferred."""
    ints = [c for c in frame.columns if c.endswith(("_cents", "_rank", "_size"))]
    frame = frame.astype({c: "Int64" for c in ints} | {c: "Float64" for c in ("total", "pay_coefficient")
                                                        if c in frame.columns})
    for column in ("company", "department", "role"):
        frame[column] = frame[column].astype("category")
    frame["grade"] = frame["grade"].astype(grades or "category")
    for column in ("period_start", "hire_date"):
        if column in frame.columns:
            frame[column] = pd.to_datetime(frame[column])
    frame["appraised"] = frame["appraised"].astype(bool)
    frame["name"] = frame["name"].astype("string")
    frame["employee_id"] = frame["employee_id"].astype("string")
    return frame


def units_frame(result: PeriodResult) -> pd.DataFrame:
    """One row per unit of 组织, top down, indexed by 单位代码; a unit without a plan this period has no score."""
    rows = [{"unit": u.unit.code, "name": u.unit.name, "level": u.unit.level, "parent": u.unit.parent or None,
             "scored": u.scored, "own_total": _score(u.own_total), "people": len(u.people),
             "people_average": _score(u.people_average), "total": _score(u.total),
             "grade": u.grade.grade if u.grade else None, "rank": u.rank, "peers": u.peers or None}
            for u in result.units]
    columns = ["unit", "name", "level", "parent", "scored", "own_total", "people", "people_average", "total",
               "grade", "rank", "peers"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.astype({"own_total": "Float64", "people_average": "Float64", "total": "Float64",
                          "people": "Int64", "rank": "Int64", "peers": "Int64", "scored": bool,
                          "unit": "string", "name": "string", "parent": "string"})
    frame["level"] = frame["level"].astype(pd.CategoricalDtype(["group", "company", "department"], ordered=True))
    frame["grade"] = frame["grade"].astype(grade_dtype(result.input.grades))
    return frame.set_index("unit", drop=False)


@dataclass(frozen=True)
class HistoryRow:
    """One employee's recorded result of one built period."""

    period: str
    employee_id: str
    name: str
    company: str
    department: str
    role: str
    appraised: bool
    total: Decimal | None
    grade: str | None
    department_rank: int | None
    role_rank: int | None
    pay_total: Decimal
    bonus_base: Decimal | None = None  # the 岗位工资 of that period (None: recorded before reporter annual)


@dataclass(frozen=True)
class History:
    """The history database's built periods (``reporter.open_history``): plain rows, or one DataFrame."""

    path: Path
    rows: tuple[HistoryRow, ...]

    @property
    def periods(self) -> list[str]:
        return sorted({r.period for r in self.rows})

    def settings(self, period: str) -> dict:
        """The settings recorded with a period (reporter.store.history.period_settings); {} before they were."""
        from reporter.store.history import read_settings

        return read_settings(self.path, period)

    def pivot(self, periods: list[str], values: str) -> pd.DataFrame:
        """Employees × ``periods`` of one field of the appraised results (``total`` or ``grade``), exact:
        the cells hold the recorded Decimal or text, None where the employee was not appraised that period."""
        records = [{"employee_id": r.employee_id, "period": r.period, values: getattr(r, values)}
                   for r in self.rows if r.appraised and r.period in periods]
        frame = pd.DataFrame(records, columns=["employee_id", "period", values])
        table = frame.pivot(index="employee_id", columns="period", values=values).reindex(columns=periods)
        return table.astype(object).where(table.notna(), None)

    def to_frame(self) -> pd.DataFrame:
        """One row per employee and period, oldest period first; the same dtypes as a period's frame."""
        records = [{
            "period": r.period, "period_start": parse_period(r.period).start, "employee_id": r.employee_id,
            "name": r.name, "company": r.company, "department": r.department, "role": r.role,
            "appraised": r.appraised, "total": _score(r.total), "grade": r.grade,
            "department_rank": r.department_rank, "role_rank": r.role_rank, "pay_total_cents": cents(r.pay_total),
            "bonus_base_cents": cents(r.bonus_base),
        } for r in self.rows]
        columns = ["period", "period_start", "employee_id", "name", "company", "department", "role", "appraised",
                   "total", "grade", "department_rank", "role_rank", "pay_total_cents", "bonus_base_cents"]
        frame = _typed(pd.DataFrame(records, columns=columns))
        frame["period"] = frame["period"].astype(pd.CategoricalDtype(self.periods, ordered=True))
        return frame.set_index(["period", "employee_id"], drop=False)


def open_history(path: str | Path) -> History:
    """The built periods of a history database (``reporter.sqlite``), read only."""
    from reporter.store.history import read_results

    path = Path(path)
    rows = tuple(HistoryRow(p, e, n, c, d, role, bool(a), None if t is None else Decimal(t), g, dr, rr, Decimal(pay),
                            None if base is None else Decimal(base))
                 for p, e, n, c, d, role, a, t, g, dr, rr, pay, base in read_results(path))
    return History(path, rows)

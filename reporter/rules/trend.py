"""The facts each review letter's trend chart draws: an employee's last totals beside the department's average.

A pure function over the recorded periods (the history's built results) and the period being scored.
Only periods of this period's kind up to this one count, so rebuilding an older month never shows a
later one.  The department's average for a period is the rulebook's average of its appraised totals
(``people_average``), of the employee's own company and department in that period; it is shown only
when at least :data:`MIN_PEERS` people of that department were appraised, so a letter never lets
anyone work out a colleague's total.  No sentences here: the letter's writer draws and words them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from reporter.model import HistoryRecord, PeriodResult
from reporter.period import parse_period
from reporter.rules.units import people_average

PERIODS = 6  # the periods a chart spans at most, this one included
MIN_PEERS = 3  # appraised people of a department for its average to be shown


@dataclass(frozen=True)
class TrendPoint:
    """One period of an employee's chart; a total of None is a gap (not appraised, or not employed, then)."""

    period: str
    total: Decimal | None
    department_average: Decimal | None  # None: withheld (fewer than MIN_PEERS appraised) or no department then
    withheld: bool = False  # the department had appraised people, but fewer than MIN_PEERS


@dataclass(frozen=True)
class Trend:
    """An employee's totals of the last periods, oldest first, beside the department's averages."""

    employee_id: str
    points: tuple[TrendPoint, ...]

    @property
    def withheld(self) -> bool:
        """Whether any period's department average is left out for privacy (the chart says so)."""
        return any(p.withheld for p in self.points)


@dataclass(frozen=True)
class PastResult:
    """One recorded result of an employee (the fields of reporter.frames.HistoryRow the chart needs)."""

    period: str
    employee_id: str
    company: str
    department: str
    appraised: bool
    total: Decimal | None


def past_results(rows: Iterable[tuple]) -> list[PastResult]:
    """The rows of reporter.store.history.read_results as PastResult records."""
    return [PastResult(p, e, c, d, bool(a), None if t is None else Decimal(t))
            for p, e, _name, c, d, _role, a, t, *_ in rows]


@dataclass(frozen=True)
class _Row:
    employee_id: str
    company: str | None  # None: a period of the input's history sheet, which names no department
    department: str | None
    total: Decimal | None  # None: not appraised


def _current_rows(result: PeriodResult) -> list[_Row]:
    return [_Row(r.employee.employee_id, r.employee.company, r.employee.department, r.total if r.appraised else None)
            for r in result.results]


def employee_trends(history: Iterable[PastResult], result: PeriodResult, *, periods: int = PERIODS,
                    min_peers: int = MIN_PEERS, imported: Iterable[HistoryRecord] = ()) -> dict[str, Trend]:
    """Each employee appraised this period with a total in at least two of the chart's periods, by 工号.

    ``history`` holds the recorded results of any periods (:class:`PastResult`, or the rows of
    ``reporter.open_history(path).rows``); this period's own
    recorded rows, if any, are replaced by ``result``, and periods of another kind or after this one
    are ignored.  The window is the last ``periods`` recorded periods up to this one; the periods
    before the employee's first total in it are dropped.  ``imported``: earlier totals typed into the
    input's history sheet (历史), for the periods nothing was recorded for; they name no department, so
    those periods show the employee's own total without a department average.
    """
    current = result.input.settings.period
    by_period: dict[str, list[_Row]] = {}
    for h in history:
        p = parse_period(h.period)
        if p.kind == current.kind and p < current:
            by_period.setdefault(h.period, []).append(
                _Row(h.employee_id, h.company, h.department, h.total if h.appraised else None))
    recorded = set(by_period)
    for h in imported:
        p = parse_period(h.period)
        if p.kind == current.kind and p < current and h.period not in recorded:
            by_period.setdefault(h.period, []).append(_Row(h.employee_id, None, None, h.total))
    window = sorted(by_period, key=parse_period)[-(periods - 1):] if periods > 1 else []
    frames = {key: by_period[key] for key in window} | {current.key: _current_rows(result)}
    averages = {key: _department_averages(rows, min_peers) for key, rows in frames.items()}
    people = {key: {row.employee_id: row for row in rows} for key, rows in frames.items()}

    trends = {}
    for r in result.results:
        if not r.appraised:
            continue  # the letter of someone not appraised has no results section
        eid = r.employee.employee_id
        points = []
        for key in frames:
            row = people[key].get(eid)
            if row is None:
                points.append(TrendPoint(key, None, None))
                continue
            average, withheld = averages[key].get((row.company, row.department), (None, False))
            points.append(TrendPoint(key, row.total, average, withheld))
        while points and points[0].total is None:
            points.pop(0)
        if sum(p.total is not None for p in points) >= 2:
            trends[eid] = Trend(eid, tuple(points))
    return trends


def _department_averages(rows: list[_Row], min_peers: int) -> dict[tuple[str, str], tuple[Decimal | None, bool]]:
    """(company, department) → (its appraised people's average, or None and True when fewer than min_peers)."""
    totals: dict[tuple[str, str], list[Decimal]] = {}
    for row in rows:
        if row.total is not None and row.department is not None:
            totals.setdefault((row.company, row.department), []).append(row.total)
    return {unit: (people_average(values), False) if len(values) >= min_peers else (None, True)
            for unit, values in totals.items()}

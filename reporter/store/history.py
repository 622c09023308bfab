"""Results of every built period, kept in one embedded SQLite file.

A period is replaced as a whole, in one transaction, and only after its
build succeeded; other periods are never touched.  Decimals are stored as
text so that nothing is lost to floating point.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from contextlib import closing
from decimal import Decimal
from pathlib import Path

from reporter.annual_settings import ANNUAL_KEYS
from reporter.errors import ReporterError
from reporter.model import HistoryRecord, PeriodResult
from reporter.store.private import connect_private

_SCHEMA = """
CREATE TABLE IF NOT EXISTS periods (
    period TEXT PRIMARY KEY,
    company TEXT NOT NULL,
    source TEXT NOT NULL,
    input_sha256 TEXT NOT NULL,
    built_at TEXT NOT NULL,
    employees INTEGER NOT NULL,
    appraised INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS results (
    period TEXT NOT NULL REFERENCES periods(period) ON DELETE CASCADE,
    employee_id TEXT NOT NULL,
    name TEXT NOT NULL,
    company TEXT NOT NULL,
    department TEXT NOT NULL,
    role TEXT NOT NULL,
    appraised INTEGER NOT NULL,
    total TEXT,
    grade TEXT,
    department_rank INTEGER,
    role_rank INTEGER,
    pay_total TEXT NOT NULL,
    PRIMARY KEY (period, employee_id)
);
CREATE TABLE IF NOT EXISTS imported (
    period TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    total TEXT NOT NULL,
    grade TEXT NOT NULL,
    department_rank INTEGER,
    source TEXT NOT NULL,
    PRIMARY KEY (period, employee_id)
);
"""
# What each employee agreed to at the start of a period (reporter.store.agreed reads and writes it).
_AGREED = """
CREATE TABLE IF NOT EXISTS agreed_lines (
    period TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    line_no INTEGER NOT NULL,
    plan_owner TEXT NOT NULL,
    category TEXT NOT NULL,
    item TEXT NOT NULL,
    kpi TEXT NOT NULL,
    weight TEXT NOT NULL,
    target TEXT,
    original_target TEXT,
    change_reason TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    agreed_on TEXT NOT NULL,
    input_sha256 TEXT NOT NULL,
    PRIMARY KEY (period, employee_id, line_no)
);
"""
# Where each agreement was issued (the period whose plan run issued it), and each signed change of a
# target since: an addendum (变更补充协议) of its own, numbered per employee and term.
_AMENDMENTS = """
ALTER TABLE agreed_lines ADD COLUMN issued_in TEXT NOT NULL DEFAULT '';
CREATE TABLE IF NOT EXISTS amendments (
    period TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    category TEXT NOT NULL,
    item TEXT NOT NULL,
    kpi TEXT NOT NULL,
    original_target TEXT,
    target TEXT,
    change_reason TEXT NOT NULL,
    approved_by TEXT NOT NULL,
    issued_in TEXT NOT NULL,
    agreed_on TEXT NOT NULL,
    input_sha256 TEXT NOT NULL,
    PRIMARY KEY (period, employee_id, number, line_no)
);
"""
# What each employee answered to their letter (reporter.store.confirmations): rows are only ever appended,
# the latest per (period, employee) is the state, so the record shows who recorded what and when.
_CONFIRMATIONS = """
CREATE TABLE IF NOT EXISTS confirmations (
    period TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    code TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('confirmed', 'appealed', 'no_reply')),
    on_date TEXT NOT NULL,
    appeal_reason TEXT NOT NULL,
    resolution TEXT NOT NULL CHECK (resolution IN ('', 'upheld', 'rejected')),
    resolution_note TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    source TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS confirmations_by_employee ON confirmations (period, employee_id);
"""
# Schema version N is reached by running the first N scripts; a file of an older
# version runs only the ones it lacks, so every history file ever written still opens.
# Each built result keeps the review's improvement plan (改进计划): next period's letter shows it (篇八 5, 8).
_IMPROVEMENT = """
ALTER TABLE results ADD COLUMN improvement TEXT NOT NULL DEFAULT '';
"""
# Every issued document version (reporter.store.documents): the code printed on it is the key.
# Appended after the schema versions main had already written (v4, v5), so those files gain it too.
_DOCUMENTS = """
CREATE TABLE IF NOT EXISTS documents (
    code TEXT PRIMARY KEY,
    period TEXT NOT NULL,
    employee_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    version INTEGER NOT NULL,
    digest TEXT NOT NULL,
    figures TEXT NOT NULL,
    file_sha256 TEXT NOT NULL,
    issued_on TEXT NOT NULL,
    change_note TEXT NOT NULL DEFAULT '',
    change_reason TEXT NOT NULL DEFAULT '',
    approved_by TEXT NOT NULL DEFAULT '',
    appeal_deadline TEXT NOT NULL DEFAULT '',
    UNIQUE (kind, period, employee_id, version)
);
"""
# Each scored unit of a built period (篇七): the group, regional companies and departments.
_UNITS = """
CREATE TABLE IF NOT EXISTS unit_results (
    period TEXT NOT NULL REFERENCES periods(period) ON DELETE CASCADE,
    unit TEXT NOT NULL,
    name TEXT NOT NULL,
    level TEXT NOT NULL,
    parent TEXT NOT NULL,
    own_total TEXT NOT NULL,
    people INTEGER NOT NULL,
    people_average TEXT,
    total TEXT NOT NULL,
    grade TEXT NOT NULL,
    rank INTEGER NOT NULL,
    peers INTEGER NOT NULL,
    PRIMARY KEY (period, unit)
);
"""
# What the year-end roll-up (reporter annual) needs of each period: the company's settings then (JSON, see
# period_settings) and each result's bonus base (岗位工资).  Periods recorded before have '{}' and NULL.
_ANNUAL = """
ALTER TABLE periods ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE results ADD COLUMN bonus_base TEXT;
"""
_MIGRATIONS = (_SCHEMA, _AGREED, _AMENDMENTS, _CONFIRMATIONS, _IMPROVEMENT, _DOCUMENTS, _UNITS, _ANNUAL)
SCHEMA_VERSION = len(_MIGRATIONS)


# The settings a period's record keeps for the roll-up: policy words of the letter, and the annual rows.
RECORDED_SETTINGS = ("company", "language", "currency", "hr_department", "hr_signatory", "appeal_route",
                     "appeal_deadline", "letterhead_image", "seal_image")
RECORDED_BAND = ("grade", "name", "min_score", "max_score", "pay_coefficient", "training", "promotion", "level_change",
                 "salary_change", "failing", "bonus_coefficient")


def _plain(value):
    """A settings value as JSON holds it: decimals and dates as text, tuples as lists."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)  # Decimal, date


def period_settings(result: PeriodResult) -> str:
    """The period's settings the roll-up reads (RECORDED_SETTINGS and the grade bands), as JSON."""
    s = result.input.settings
    data = {key: _plain(getattr(s, key)) for key in RECORDED_SETTINGS}
    data.update({key: _plain(getattr(s.annual, key)) for key in ANNUAL_KEYS})
    data["grades"] = [{key: _plain(getattr(g, key)) for key in RECORDED_BAND} for g in result.input.grades]
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _connect(path: Path) -> sqlite3.Connection:
    conn = connect_private(path)  # mode 0600: it holds everyone's pay
    conn.execute("PRAGMA foreign_keys = ON")
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    if version < SCHEMA_VERSION:
        for script in _MIGRATIONS[version:]:
            conn.executescript(script)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return conn


connect_history = _connect  # for the other tables' modules (reporter.store.documents)


def load_history(path: Path, before: str | None = None) -> list[HistoryRecord]:
    """Appraised results of other periods than ``before``: built ones, then imported ones they lack."""
    if not Path(path).exists():
        return []
    with closing(_connect(Path(path))) as conn:
        rows = conn.execute(
            "SELECT period, employee_id, total, grade, department_rank, improvement FROM results "
            "WHERE appraised = 1 AND period IS NOT ? "
            "UNION ALL SELECT i.period, i.employee_id, i.total, i.grade, i.department_rank, '' FROM imported i "
            "WHERE i.period IS NOT ? AND i.period NOT IN (SELECT period FROM periods) "
            "ORDER BY 1, 2", (before, before)).fetchall()
    return [HistoryRecord(p, e, Decimal(t), g, r, plan) for p, e, t, g, r, plan in rows]


def record_period(path: Path, result: PeriodResult, *, input_sha256: str, built_at: str,
                  documents: Callable[[sqlite3.Connection], None] | None = None) -> None:
    """Replace this period's rows with the new results, atomically; ``documents(conn)`` records the period's
    letters in the same transaction (see reporter.store.documents.insert_documents)."""
    with closing(_connect(Path(path))) as conn, conn:
        if documents is not None:
            documents(conn)
        write_period(conn, result, input_sha256=input_sha256, built_at=built_at)


def write_period(conn, result: PeriodResult, *, input_sha256: str, built_at: str) -> None:
    """The statements of :func:`record_period`, on the caller's connection (or a journal that records them)."""
    s = result.input.settings
    conn.execute("DELETE FROM results WHERE period = ?", (s.period.key,))
    conn.execute("DELETE FROM unit_results WHERE period = ?", (s.period.key,))
    conn.execute("DELETE FROM periods WHERE period = ?", (s.period.key,))
    conn.execute("INSERT INTO periods VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                 (s.period.key, s.company, result.input.source, input_sha256, built_at,
                  len(result.results), len(result.appraised), period_settings(result)))
    conn.executemany(
        "INSERT INTO results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(s.period.key, r.employee.employee_id, r.employee.name, r.employee.company, r.employee.department,
          r.employee.role, int(r.appraised), None if r.total is None else str(r.total),
          r.grade.grade if r.grade else None, r.department_rank, r.role_rank, str(r.pay.total),
          r.review.improvement if r.review else "", str(r.employee.position_pay))
         for r in result.results])
    conn.executemany(
        "INSERT INTO unit_results VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(s.period.key, u.unit.code, u.unit.name, u.unit.level, u.unit.parent, str(u.own_total), len(u.people),
          None if u.people_average is None else str(u.people_average), str(u.total), u.grade.grade, u.rank, u.peers)
         for u in result.units if u.scored])
    # Earlier periods from the input's history sheet are kept too, so next month's
    # workbook need not repeat them; a period reporter built itself always wins.
    conn.executemany(
        "INSERT OR REPLACE INTO imported VALUES (?, ?, ?, ?, ?, ?)",
        [(h.period, h.employee_id, str(h.total), h.grade, h.department_rank, result.input.source)
         for h in result.input.history if h.period != s.period.key])


def list_periods(path: Path) -> list[tuple[str, str, int]]:
    """(period, built_at, employees) of every recorded period, oldest first."""
    if not Path(path).exists():
        return []
    with closing(_connect(Path(path))) as conn:
        return conn.execute("SELECT period, built_at, employees FROM periods ORDER BY period").fetchall()


def read_results(path: Path) -> list[tuple]:
    """Every built period's results, oldest first: (period, employee_id, name, company, department, role,
    appraised, total, grade, department_rank, role_rank, pay_total, bonus_base), decimals as text."""
    if not Path(path).is_file():
        raise ReporterError(f"{path} 不存在：历史记录由 reporter build 写在 --out 文件夹中（reporter.sqlite）")
    with closing(_connect(Path(path))) as conn:
        return conn.execute(
            "SELECT period, employee_id, name, company, department, role, appraised, total, grade, department_rank, "
            "role_rank, pay_total, bonus_base FROM results ORDER BY period, rowid").fetchall()


def read_settings(path: Path, period: str) -> dict:
    """The settings recorded with ``period`` (see period_settings); {} for a period recorded before v8."""
    with closing(_connect(Path(path))) as conn:
        row = conn.execute("SELECT settings FROM periods WHERE period = ?", (period,)).fetchone()
    return json.loads(row[0]) if row else {}


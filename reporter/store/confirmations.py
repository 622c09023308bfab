"""What each employee answered to their letter, in the history database: confirmed, appealed, or no reply.

Rows are only ever appended (``reporter confirm`` adds one per row of a 确认 sheet); the latest row of
an employee and period is the state, the earlier ones are the record of who recorded what, and when.
An answer belongs to one version of the letter: once a corrected letter is issued, an answer to the
old one no longer settles anything.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reporter.store.history import _connect
from reporter.store.private import connect_private

RESULTS = ("confirmed", "appealed", "no_reply")
RESOLUTIONS = ("", "upheld", "rejected")


@dataclass(frozen=True)
class Answer:
    """One employee's answer to one letter, as a 确认 sheet row records it."""

    employee_id: str
    version: int
    code: str
    result: str  # one of RESULTS
    on_date: date | None = None
    appeal_reason: str = ""
    resolution: str = ""  # one of RESOLUTIONS: '' while an appeal is open
    resolution_note: str = ""
    source: str = ""  # file › sheet › row it was imported from


@dataclass(frozen=True)
class RecordedAnswer:
    answer: Answer
    recorded_by: str
    recorded_at: str


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def current_letters(db: Path, period: str) -> dict[str, tuple[int, str]] | None:
    """(version, verification code) of each employee's current letter of the period, in one query.

    None when the history records no letter of the period (built before verification codes existed):
    then every letter was version 1 without a code.
    """
    if not Path(db).exists():
        return None
    with closing(connect_private(db)) as conn:
        if not _has_table(conn, "documents"):
            return None
        rows = conn.execute(
            "SELECT employee_id, version, code FROM documents d WHERE period = ? AND kind = 'letter' AND version = "
            "(SELECT MAX(version) FROM documents x WHERE x.kind = 'letter' AND x.period = d.period "
            "AND x.employee_id = d.employee_id)", (period,)).fetchall()
    return {eid: (int(version), code) for eid, version, code in rows} or None


def letter_deadlines(db: Path, period: str) -> dict[str, date]:
    """The own appeal deadline of each employee whose current letter is a re-issue (the others: the period's)."""
    if not Path(db).exists():
        return {}
    with closing(connect_private(db)) as conn:
        if not _has_table(conn, "documents"):
            return {}
        rows = conn.execute(
            "SELECT employee_id, appeal_deadline FROM documents d WHERE period = ? AND kind = 'letter' AND version = "
            "(SELECT MAX(version) FROM documents x WHERE x.kind = 'letter' AND x.period = d.period "
            "AND x.employee_id = d.employee_id)", (period,)).fetchall()
    return {eid: date.fromisoformat(deadline) for eid, deadline in rows if deadline}


def letter_codes(db: Path, period: str, employee_id: str) -> dict[str, int]:
    """Every verification code the employee's letters of the period carried, with its version."""
    if not Path(db).exists():
        return {}
    with closing(connect_private(db)) as conn:
        if not _has_table(conn, "documents"):
            return {}
        rows = conn.execute("SELECT code, version FROM documents WHERE period = ? AND employee_id = ? "
                            "AND kind = 'letter'", (period, employee_id)).fetchall()
    return {code: int(version) for code, version in rows}


def record_answers(db: Path, period: str, answers: list[Answer], *, recorded_by: str, recorded_at: str) -> None:
    """Append the answers, all in one transaction."""
    with closing(_connect(Path(db))) as conn, conn:
        conn.executemany(
            "INSERT INTO confirmations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(period, a.employee_id, a.version, a.code, a.result, a.on_date.isoformat() if a.on_date else "",
              a.appeal_reason, a.resolution, a.resolution_note, recorded_by, recorded_at, a.source)
             for a in answers])


def latest_answers(db: Path, period: str) -> dict[str, RecordedAnswer]:
    """The latest answer of each employee of the period (the state); empty before any was recorded."""
    if not Path(db).exists():
        return {}
    with closing(_connect(Path(db))) as conn:
        rows = conn.execute(
            "SELECT employee_id, version, code, result, on_date, appeal_reason, resolution, resolution_note, "
            "source, recorded_by, recorded_at FROM confirmations WHERE period = ? ORDER BY rowid", (period,)
        ).fetchall()
    latest = {}
    for eid, version, code, result, on, reason, resolution, note, source, by, at in rows:
        answer = Answer(eid, version, code, result, date.fromisoformat(on) if on else None, reason, resolution, note,
                        source)
        latest[eid] = RecordedAnswer(answer, by, at)
    return latest


def sent_letters(db: Path, period: str) -> set[str]:
    """Employees whose results the mail ledger records as sent for real (not a rehearsal)."""
    if not Path(db).exists():
        return set()
    with closing(connect_private(db)) as conn:
        if not _has_table(conn, "outbox"):
            return set()
        rows = conn.execute("SELECT DISTINCT employee_id FROM outbox WHERE period = ? AND status = 'sent' "
                            "AND channel = 'live'", (period,)).fetchall()
    return {eid for (eid,) in rows}

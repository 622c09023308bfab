"""Where each employee stands after the letters: confirmed, appealed, pending, overdue — and what may be paid.

A state is worked out, never stored: from the latest answer recorded for the current letter
(:mod:`reporter.store.confirmations`), the appeal deadline and the company's 逾期未回 policy of the
period's manifest, and the day asked about.  A settled figure is one the employee confirmed, one whose
appeal was rejected, or one left unanswered past the deadline where the policy deems silence consent.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from reporter.store.confirmations import (
    RecordedAnswer,
    current_letters,
    latest_answers,
    letter_deadlines,
    sent_letters,
)
from reporter.writers.manifest import Manifest, Recipient, read_manifest

# Every state, in the order reports list them, with the words HR reads.
STATE_WORDS = {
    "confirmed": "已确认",
    "deemed_confirmed": "逾期视为确认",
    "appeal_rejected": "申诉已驳回（维持原结果）",
    "appeal_open": "申诉中",
    "appeal_upheld": "申诉成立，待出具更正后的确认书",
    "escalated": "逾期未回（已上报）",
    "pending": "待确认",
}
SETTLED = frozenset({"confirmed", "deemed_confirmed", "appeal_rejected"})
DISPUTED = frozenset({"appeal_open", "appeal_upheld"})
POLICY_WORDS = {"deemed_confirmed": "视为确认", "escalated": "上报"}
# The columns of the status report: (key, heading); a key is a state, or one of issued / sent / overdue.
COUNT_COLUMNS = (("issued", "已出具"), ("sent", "已发邮件"), ("confirmed", "已确认"), ("appeal_open", "申诉中"),
                 ("appeal_upheld", "申诉成立"), ("appeal_rejected", "申诉驳回"), ("pending", "待确认"),
                 ("overdue", "逾期未回"))


@dataclass(frozen=True)
class Standing:
    """One employee after the letters."""

    recipient: Recipient
    state: str  # a key of STATE_WORDS
    sent: bool
    answer: RecordedAnswer | None  # the latest answer to the current letter, if any
    needs_interview: bool  # a weak grade and no interview on record

    @property
    def settled(self) -> bool:
        return self.state in SETTLED

    @property
    def overdue(self) -> bool:
        return self.state in ("deemed_confirmed", "escalated")

    @property
    def gates_payroll(self) -> bool:
        """An appraised figure waits for its answer; a disputed one always does."""
        return self.recipient.appraised or self.state in DISPUTED


@dataclass(frozen=True)
class PeriodStanding:
    manifest: Manifest
    deadline: date
    policy: str  # 逾期未回: deemed_confirmed or escalated
    today: date
    standings: tuple[Standing, ...]

    def by_department(self) -> list[tuple[str, Counter]]:
        """(company-department, counts of COUNT_COLUMNS) per department in the manifest's order, then 合计."""
        rows: dict[str, Counter] = {}
        for s in self.standings:
            counts = rows.setdefault(department_of(s.recipient), Counter())
            counts["issued"] += 1
            counts["sent"] += s.sent
            counts["overdue" if s.overdue else s.state] += 1
            if s.state == "deemed_confirmed":
                counts["deemed_confirmed"] += 1
        total = sum(rows.values(), Counter())
        return [*rows.items(), ("合计", total)]

    def unsettled(self) -> list[Standing]:
        """Who keeps payroll waiting: an appraised employee not settled, or anyone with a disputed figure."""
        return [s for s in self.standings if s.gates_payroll and not s.settled]

    def needing_interview(self) -> list[Standing]:
        return [s for s in self.standings if s.needs_interview]


def department_of(r: Recipient) -> str:
    return f"{r.company}-{r.department}"


def _state(answer: RecordedAnswer | None, version: int, overdue: bool, policy: str) -> str:
    a = answer.answer if answer is not None and answer.answer.version >= version else None
    if a is not None and a.result == "confirmed":
        return "confirmed"
    if a is not None and a.result == "appealed":
        return {"": "appeal_open", "upheld": "appeal_upheld", "rejected": "appeal_rejected"}[a.resolution]
    if overdue:
        return "deemed_confirmed" if policy == "deemed_confirmed" else "escalated"
    return "pending"


def needs_interview(trace: dict) -> bool:
    """篇八: a failing grade, or one that cuts performance pay (C and D by default), calls for an interview."""
    if not trace.get("appraised") or trace.get("interview_date"):
        return False
    coefficient = (trace.get("pay") or {}).get("pay_coefficient")
    return bool(trace.get("grade_failing")) or (coefficient is not None and Decimal(coefficient) < 1)


def _trace(folder: Path, employee_id: str) -> dict:
    path = folder / "results" / f"{employee_id}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def period_standing(period_dir: Path, db: Path | None = None, today: date | None = None) -> PeriodStanding:
    """Every employee of a built period as of ``today``; the appeal deadline's day still counts as in time."""
    manifest = read_manifest(period_dir)
    db = Path(db) if db else Path(period_dir).parent / "reporter.sqlite"
    today = today or date.today()
    deadline = date.fromisoformat(manifest.appeal_deadline)
    answers, sent = latest_answers(db, manifest.period), sent_letters(db, manifest.period)
    own_deadlines = letter_deadlines(db, manifest.period)  # re-issued letters answer by their own
    letters = current_letters(db, manifest.period) or {}
    standings = []
    for r in manifest.recipients:
        letter = letters.get(r.employee_id, (1, ""))
        overdue = today > own_deadlines.get(r.employee_id, deadline)
        state = _state(answers.get(r.employee_id), letter[0], overdue, manifest.unanswered_after_deadline)
        answer = answers.get(r.employee_id)
        standings.append(Standing(r, state, r.employee_id in sent,
                                  answer if answer and answer.answer.version >= letter[0] else None,
                                  needs_interview(_trace(manifest.folder, r.employee_id))))
    return PeriodStanding(manifest, deadline, manifest.unanswered_after_deadline, today, tuple(standings))

"""Where each employee stands after the letters: confirmed, appealed, pending, overdue — and what may be paid.

A state is worked out, never stored: from the latest answer recorded for the current letter
(:mod:`reporter.store.confirmations`), the appeal deadline and the company's 逾期未回 policy of the
period's manifest, and the day asked about.  A settled figure is one the employee confirmed, one whose
appeal was rejected, or one left unanswered past the deadline where the policy deems silence consent.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping
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

# Every state, in the order reports list them (reporter.writers.wording has their words).
STATES = ("confirmed", "deemed_confirmed", "appeal_rejected", "appeal_open", "appeal_upheld", "escalated", "pending")
SETTLED = frozenset({"confirmed", "deemed_confirmed", "appeal_rejected"})
DISPUTED = frozenset({"appeal_open", "appeal_upheld"})
# The counts of the status report: a state, or one of issued / sent / overdue.
COUNTS = ("issued", "sent", "confirmed", "appeal_open", "appeal_upheld", "appeal_rejected", "pending", "overdue")


@dataclass(frozen=True)
class Standing:
    """One employee after the letters."""

    recipient: Recipient
    state: str  # one of STATES
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
        """(company-department, counts of COUNTS) per department in the manifest's order, then 合计."""
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


def state_of(answer: RecordedAnswer | None, version: int, overdue: bool, policy: str) -> str:
    """The state of a letter of ``version``: an answer to an older version settles nothing."""
    a = answer.answer if answer is not None and answer.answer.version >= version else None
    if a is not None and a.result == "confirmed":
        return "confirmed"
    if a is not None and a.result == "appealed":
        return {"": "appeal_open", "upheld": "appeal_upheld", "rejected": "appeal_rejected"}[a.resolution]
    if overdue:
        return "deemed_confirmed" if policy == "deemed_confirmed" else "escalated"
    return "pending"


def states_at_issue(db: Path, period: str, letters: Mapping[str, tuple[int, date]], policy: str,
                    today: date) -> dict[str, str]:
    """Each employee's state the day a build issues the letters (employee → (version, appeal deadline)).

    A first build finds no answers: everyone is pending.  A rebuild keeps what was answered to an
    unchanged letter, and a re-issued letter waits for an answer of its own.
    """
    answers = latest_answers(db, period)
    return {eid: state_of(answers.get(eid), version, today > deadline, policy)
            for eid, (version, deadline) in letters.items()}


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
        state = state_of(answers.get(r.employee_id), letter[0], overdue, manifest.unanswered_after_deadline)
        answer = answers.get(r.employee_id)
        standings.append(Standing(r, state, r.employee_id in sent,
                                  answer if answer and answer.answer.version >= letter[0] else None,
                                  needs_interview(_trace(manifest.folder, r.employee_id))))
    return PeriodStanding(manifest, deadline, manifest.unanswered_after_deadline, today, tuple(standings))

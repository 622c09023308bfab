"""Every issued document version, and the verification code printed on it.

A letter or agreement states figures; their canonical JSON has a sha256
digest.  A document keeps its version while a rebuild gives the same digest
(so rebuilding unchanged gives the same code and the same bytes) and gets the
next version when the figures change.  The code printed on each page names
period, employee, kind and version and ends in a check of all four plus the
digest, in letters nobody misreads: ``202610-HZ0016-L2-7KQ2M9XD``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from contextlib import closing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from reporter.model import EmployeeResult, PeriodResult
from reporter.store.history import connect_history

KINDS = ("letter", "agreement")
KIND_LETTERS = {"letter": "L", "agreement": "A"}
# Crockford-like base 32 without 0, O, 1 and I: a code read off paper is typed back without doubt.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CHECK_LENGTH = 8  # 40 bits of the digest: a guessed code matches by chance once in a trillion
CODE_PATTERN = re.compile(r"(\d{4}(?:\d{2}|Q[1-4]|H[12])?)-(\S+?)-([LA])(\d{1,4})-([2-9A-HJ-NP-Z]{8})(?![0-9A-Z])",
                          re.IGNORECASE)


def _num(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:f}"


def letter_figures(r: EmployeeResult) -> dict:
    """What a letter states, exact decimals as text: total, grade, ranks, each pay part, each line's points."""
    pay = r.pay
    return {
        "appraised": r.appraised, "total": _num(r.total), "grade": r.grade.grade if r.grade else None,
        "department_rank": r.department_rank, "department_size": r.department_size,
        "role_rank": r.role_rank, "role_size": r.role_size,
        "pay": {k: _num(getattr(pay, k)) for k in ("position_pay", "personal_commission", "shared_commission",
                                                    "seniority_pay", "one_time_bonus", "total", "annual_reward")},
        "lines": [{"item": lr.line.item, "value": _num(lr.value), "points": _num(lr.points)} for lr in r.lines],
    }


def agreement_figures(result: PeriodResult, r: EmployeeResult) -> dict:
    """What an agreement binds: the term, each plan line's weight and target, the commission rate."""
    plan = result.input.plan_for(r.employee)
    return {
        "term": result.input.settings.term.key, "commission_rate": _num(r.employee.commission_rate),
        "lines": [{"item": ln.item, "kpi": ln.kpi, "weight": _num(ln.weight), "target": _num(ln.target)}
                  for ln in (plan.lines if plan else ())],
    }


def figures_digest(figures: Mapping) -> str:
    canonical = json.dumps(figures, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def document_code(period: str, employee_id: str, kind: str, version: int, digest: str) -> str:
    """The printed code: period without its dash, employee ID, kind letter and version, then the check."""
    head = f"{period.replace('-', '')}-{employee_id}-{KIND_LETTERS[kind]}{version}"
    number = int.from_bytes(hashlib.sha256(f"{head}|{digest}".encode()).digest()[:5])
    check = "".join(CODE_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CHECK_LENGTH)))
    return f"{head}-{check}"


def find_codes(text: str) -> list[str]:
    """Every code in ``text`` (what a QR scan or a PDF's text holds), upper-cased where that is safe."""
    return [f"{period.upper()}-{employee_id}-{kind.upper()}{version}-{check.upper()}"
            for period, employee_id, kind, version, check in CODE_PATTERN.findall(text or "")]


def find_code(text: str) -> str | None:
    """The first code in ``text``."""
    found = find_codes(text)
    return found[0] if found else None


@dataclass(frozen=True)
class DocumentStamp:
    """One document version as issued: what is printed on it and what is recorded."""

    code: str
    period: str  # the period (letters) or the term (agreements)
    employee_id: str
    kind: str
    version: int
    digest: str
    figures: dict = field(compare=False)
    change_note: str = ""
    change_reason: str = ""
    approved_by: str = ""
    supersedes: str = ""  # the code of the version before, if any
    previous_figures: dict | None = field(default=None, compare=False)
    issued_on: str = ""  # kept from the first issue of this version
    appeal_deadline: str = ""  # a re-issued letter's own deadline ("": the period's, as 设置 says)

    @property
    def is_new_version(self) -> bool:
        """A version the record does not hold yet, after an earlier one: it needs a reason and an approver."""
        return self.version > 1 and self.previous_figures is not None


@dataclass(frozen=True)
class IssuedDocument:
    code: str
    period: str
    employee_id: str
    kind: str
    version: int
    digest: str
    figures: dict
    file_sha256: str
    issued_on: str
    change_note: str
    change_reason: str
    approved_by: str
    appeal_deadline: str = ""


_COLUMNS = ("code, period, employee_id, kind, version, digest, figures, file_sha256, issued_on, change_note, "
            "change_reason, approved_by, appeal_deadline")


def _issued(row: tuple) -> IssuedDocument:
    values = list(row)
    values[6] = json.loads(values[6])
    return IssuedDocument(*values)


def current_documents(db_path: Path, kind: str, period: str) -> dict[str, IssuedDocument]:
    """The latest recorded version of each employee's document of ``kind`` for ``period``."""
    if not Path(db_path).exists():
        return {}
    with closing(connect_history(Path(db_path))) as conn:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM documents d WHERE kind = ? AND period = ? AND version = "
            "(SELECT MAX(version) FROM documents x WHERE x.kind = d.kind AND x.period = d.period "
            "AND x.employee_id = d.employee_id)", (kind, period)).fetchall()
    return {row[2]: _issued(row) for row in rows}


def stamp_documents(current: Mapping[str, IssuedDocument], kind: str, period: str, figures: Mapping[str, dict], *,
                    bump: Iterable[str] = ()) -> dict[str, DocumentStamp]:
    """Each employee's document version for these figures: the recorded one if the digest is unchanged (and the
    employee is not in ``bump``, a re-issue), else the next."""
    bump = set(bump)
    stamps = {}
    for eid, figs in figures.items():
        digest = figures_digest(figs)
        before = current.get(eid)
        if before is not None and before.digest == digest and eid not in bump:
            stamps[eid] = DocumentStamp(before.code, period, eid, kind, before.version, digest, figs,
                                        before.change_note, before.change_reason, before.approved_by,
                                        issued_on=before.issued_on, appeal_deadline=before.appeal_deadline)
            continue
        version = before.version + 1 if before else 1
        stamps[eid] = DocumentStamp(document_code(period, eid, kind, version, digest), period, eid, kind, version,
                                    digest, figs, supersedes=before.code if before else "",
                                    previous_figures=before.figures if before else None)
    return stamps


def record_documents(db_path: Path, stamps: Iterable[DocumentStamp], file_sha256: Mapping[str, str],
                     issued_on: str) -> None:
    """Record issued versions in one transaction; a version already on record keeps its issue date."""
    with closing(connect_history(Path(db_path))) as conn, conn:
        insert_documents(conn, stamps, file_sha256, issued_on)


def insert_documents(conn: sqlite3.Connection, stamps: Iterable[DocumentStamp], file_sha256: Mapping[str, str],
                     issued_on: str) -> None:
    """The rows of :func:`record_documents`, inside the caller's transaction (``file_sha256`` by code)."""
    conn.executemany(
        "INSERT INTO documents (code, period, employee_id, kind, version, digest, figures, file_sha256, issued_on, "
        "change_note, change_reason, approved_by, appeal_deadline) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (code) DO UPDATE SET file_sha256 = excluded.file_sha256",
        [(s.code, s.period, s.employee_id, s.kind, s.version, s.digest,
          json.dumps(s.figures, ensure_ascii=False, sort_keys=True), file_sha256.get(s.code, ""),
          s.issued_on or issued_on, s.change_note, s.change_reason, s.approved_by, s.appeal_deadline)
         for s in stamps])


@dataclass(frozen=True)
class Verification:
    """What the record says of a code: the document, and the current version of it (itself if current)."""

    code: str
    document: IssuedDocument | None
    current: IssuedDocument | None
    file_matches: bool | None = None  # None: no file was given

    @property
    def status(self) -> str:
        """'unknown' (no such code: forged or mistyped), 'superseded', 'altered' (the file is not the one
        issued) or 'current'."""
        if self.document is None:
            return "unknown"
        if self.current is not None and self.current.code != self.document.code:
            return "superseded"
        if self.file_matches is False:
            return "altered"
        return "current"


def look_up(db_path: Path, code: str, file_sha256: str | None = None) -> Verification:
    """The record of ``code`` (case-insensitive), compared with the file's sha256 when given."""
    if not Path(db_path).exists():
        return Verification(code, None, None)
    with closing(connect_history(Path(db_path))) as conn:
        row = conn.execute(f"SELECT {_COLUMNS} FROM documents WHERE code = ? COLLATE NOCASE", (code,)).fetchone()
        if row is None:
            return Verification(code, None, None)
        document = _issued(row)
        latest = conn.execute(f"SELECT {_COLUMNS} FROM documents WHERE kind = ? AND period = ? AND employee_id = ? "
                              "ORDER BY version DESC LIMIT 1",
                              (document.kind, document.period, document.employee_id)).fetchone()
    matches = None if file_sha256 is None else file_sha256 == document.file_sha256
    return Verification(document.code, document, _issued(latest), matches)

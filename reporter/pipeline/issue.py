"""Which version of each letter a build issues, checked before anything is written.

A letter whose figures are unchanged keeps its version and code; one whose figures changed becomes the
next version and needs a reason and an approver (an upheld appeal, a corrected input).  A partial build
re-issues only the employees it names: if it would change anyone else's figures (ranks move, a shared
pool is split differently), the period has to be rebuilt as a whole.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from reporter.errors import UsageError
from reporter.model import PeriodResult
from reporter.store.documents import (
    DocumentStamp,
    agreement_figures,
    current_documents,
    letter_figures,
    record_documents,
    stamp_documents,
)
from reporter.writers.language import language
from reporter.writers.pdf.verification import change_note, supersession_note


def _names(result: PeriodResult, ids: Iterable[str]) -> str:
    names = {r.employee.employee_id: r.employee.name for r in result.results}
    return "、".join(f"{eid} {names.get(eid, '')}".strip() for eid in sorted(ids))


def reissue_deadline(settings, issued_on: date) -> date:
    """A re-issued letter's appeal deadline: as many days after its issue as the first letter gave.

    The first letter is dated 考核日期 (else the period's document date) and answers by 申诉截止日期; a
    corrected letter issued later gets the same number of days from its own issue, never fewer than
    the period's deadline, so nobody's silence is taken for consent to figures they have not had time to read.
    """
    first = settings.appraisal_date or settings.period.document_date.date()
    return max(settings.appeal_deadline, issued_on + max(settings.appeal_deadline - first, timedelta(0)))


def letter_stamps(result: PeriodResult, db_path: Path, *, selected: set[str] | None = None,
                  change_reason: str = "", approved_by: str = "", check_others: bool = True,
                  issued_on: date | None = None) -> dict[str, DocumentStamp]:
    """Every employee's letter version for this build; raises before anything is written.

    ``selected`` are the employees a partial build re-issues (None: everyone).  A new version needs
    ``change_reason`` and ``approved_by``, prints a change note in the document's language, and its own
    appeal deadline counted from ``issued_on`` (default: today; :func:`reissue_deadline`).
    """
    period = result.input.settings.period.key
    figures = {r.employee.employee_id: letter_figures(r) for r in result.results}
    stamps = stamp_documents(current_documents(db_path, "letter", period), "letter", period, figures)
    changed = {eid for eid, s in stamps.items() if s.is_new_version}
    others = changed - selected if selected is not None and check_others else set()
    if others:
        raise UsageError(f"只重新生成部分员工会改变其他员工的确认书数字（{_names(result, others)}，如排名变动）："
                         "请用 --force 重新生成整个期间（不加 --employee / --department），"
                         "并加 --change-reason 与 --approved-by")
    reissued = changed if selected is None else changed & selected
    reason, approver = " ".join(change_reason.split()), " ".join(approved_by.split())
    if reissued and not (reason and approver):
        missing = " 与 ".join(o for o, v in (("--change-reason", reason), ("--approved-by", approver)) if not v)
        raise UsageError(f"{_names(result, reissued)} 的确认书数字有变化，将作为新版本重新签发：请加 {missing}"
                         "（更正原因与批准人会印在新版确认书上）")
    lang = language(result.input.settings.language)
    deadline = reissue_deadline(result.input.settings, issued_on or date.today()).isoformat()
    for eid in reissued:
        stamps[eid] = replace(stamps[eid], change_note=change_note(stamps[eid], reason, approver, lang),
                              change_reason=reason, approved_by=approver, appeal_deadline=deadline)
    return stamps


def agreement_stamps(result: PeriodResult, db_path: Path, employee_ids: Iterable[str],
                     reissue: bool = False) -> dict[str, DocumentStamp]:
    """The agreement versions of ``employee_ids`` under the term: a re-issue is always a new version, which
    says which one it replaces (the signed paper of both is then told apart at a glance)."""
    term = result.input.settings.term.key
    wanted = set(employee_ids)
    figures = {r.employee.employee_id: agreement_figures(result, r) for r in result.results
               if r.employee.employee_id in wanted}
    stamps = stamp_documents(current_documents(db_path, "agreement", term), "agreement", term, figures,
                             bump=wanted if reissue else ())
    lang = language(result.input.settings.language)
    return {eid: replace(s, change_note=supersession_note(s, lang)) if s.is_new_version else s
            for eid, s in stamps.items()}


def written_documents(stamps: Mapping[str, DocumentStamp], paths: Mapping[str, Path]) -> dict[str, str]:
    """code → sha256 of each stamped document whose file ``paths`` (employee → path) holds."""
    from reporter.pipeline.build import file_sha256

    return {stamps[eid].code: file_sha256(path) for eid, path in paths.items() if eid in stamps and path.is_file()}


def record_issued(db_path: Path, stamps: Mapping[str, DocumentStamp], paths: Mapping[str, Path],
                  issued_on: str) -> None:
    """Record the stamped documents whose files were written (employee → path), in one transaction."""
    chosen = [stamps[eid] for eid in paths if eid in stamps]
    record_documents(db_path, chosen, written_documents(stamps, paths), issued_on)

"""manifest.json: what a built period holds and who it belongs to.

Later steps (mail delivery) read this instead of the input workbook: each
employee's address and own files, and the period's mail settings (never a
password).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from reporter.errors import UsageError
from reporter.model import PeriodResult
from reporter.store.documents import DocumentStamp
from reporter.writers.language import language
from reporter.writers.paths import employee_files

MANIFEST = "manifest.json"
# Periods built before version 0.2 named the files in the singular; they are read under today's names,
# so mailing an earlier period still finds its attachments.
OLD_FILE_KEYS = {"letter": "letters", "agreement": "agreements", "scorecard": "scorecards"}


@dataclass(frozen=True)
class Recipient:
    employee_id: str
    name: str
    email: str
    company: str
    department: str
    appraised: bool
    files: dict[str, str]  # kind -> path relative to the period folder
    letter_code: str = ""  # the letter's verification code; "" in a manifest from before codes existed
    letter_version: int = 1  # what `reporter email` keys its ledger on: a new version is sent again


@dataclass(frozen=True)
class Manifest:
    folder: Path
    period: str
    period_label: str
    company: str
    hr_signatory: str
    appeal_deadline: str
    mail: dict
    recipients: tuple[Recipient, ...]
    hr_department: str = "人事部门"  # 设置 人事部门名称; a manifest from before it existed reads the default
    appeal_route: str = ""  # 设置 申诉方式, resolved (以书面形式向… 提出)
    language: str = "zh"  # 设置 语言; a manifest from before it existed is Chinese
    term: str = ""  # the agreement's term (设置 责任书期限), the plan folder's name; "": the period
    appraisal_date: str = ""  # 设置 考核日期, printed on the letters; "": not set
    unanswered_after_deadline: str = "deemed_confirmed"  # 设置 逾期未回; a manifest from before it existed: default
    calibration: dict | None = None  # the grades and 校准 settings `reporter calibrate` reads; None: an older build


def render_manifest(result: PeriodResult, folder: Path | None = None,
                    letters: Mapping[str, DocumentStamp] | None = None) -> bytes:
    """The manifest of the period folder ``folder``: each employee's letter, scorecard if appraised, and
    agreement if ``folder`` holds it (always when ``folder`` is None).

    A build writes no agreements unless asked (`reporter plan` issues them), so its manifest lists none;
    `reporter email --attach agreements` then finds them in the plan's folder (see
    :func:`reporter.mail.message.attachment_path`).  A letter or scorecard is always listed: if a partial
    build has not written it yet, mailing it is an error that says so, never a message without it.
    ``letters`` gives each employee's letter version and code (see reporter.store.documents).
    """
    s = result.input.settings
    recipients = []
    for r in result.results:
        _, letter, agreement, *scorecard = employee_files(Path(), r)
        files = {"letters": str(letter), "agreements": str(agreement)}
        if scorecard:
            files["scorecards"] = str(scorecard[0])
        if folder is not None and not (folder / agreement).is_file():
            del files["agreements"]
        e = r.employee
        stamp = (letters or {}).get(e.employee_id)
        recipients.append({"employee_id": e.employee_id, "name": e.name, "email": e.email, "company": e.company,
                           "department": e.department, "appraised": r.appraised, "files": files,
                           "letter_code": stamp.code if stamp else "", "letter_version": stamp.version if stamp else 1})
    data = {
        "period": s.period.key, "period_label": language(s.language).period_label(s.period), "company": s.company,
        "hr_signatory": s.hr_signatory, "appeal_deadline": s.appeal_deadline.isoformat(),
        "hr_department": s.hr_department, "appeal_route": s.appeal, "language": s.language, "term": s.term.key,
        "appraisal_date": s.appraisal_date.isoformat() if s.appraisal_date else "",
        "unanswered_after_deadline": s.unanswered_after_deadline,
        "mail": {"host": s.smtp_host, "port": s.smtp_port, "security": s.smtp_security, "user": s.smtp_user,
                 "sender": s.sender, "sender_name": s.sender_name or s.company, "rate_limit": s.rate_limit},
        "recipients": recipients,
        "calibration": calibration_settings(result),
    }
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def calibration_settings(result: PeriodResult) -> dict:
    """The grades (highest first) and the 校准 settings, for `reporter calibrate` (reporter.pipeline.calibrate)."""
    s = result.input.settings
    grades = sorted(result.input.grades, key=lambda g: g.min_score, reverse=True)
    return {"grades": [g.grade for g in grades], "targets": [[g, f"{share:f}"] for g, share in s.grade_targets],
            "tolerance": f"{s.calibration_tolerance:f}",
            "budget": None if s.performance_pay_budget is None else f"{s.performance_pay_budget:f}"}


def read_manifest(folder: Path) -> Manifest:
    """The manifest of a built period folder; a clear error for any other folder (e.g. the output root)."""
    folder = Path(folder)
    if not (folder / MANIFEST).is_file():
        periods = sorted(p.parent.name for p in folder.glob(f"*/{MANIFEST}"))
        if periods:
            raise UsageError(f"{folder} 是输出根目录，不是一个期间：请指定期间文件夹，例如 {folder / periods[-1]}"
                             f"（已有：{'、'.join(periods)}）")
        raise UsageError(f"{folder} 不是 reporter build 生成的期间文件夹（缺少 {MANIFEST}）：请先运行 reporter build，"
                         "再指定 OUT/<期间> 文件夹")
    data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    recipients = tuple(Recipient(**{**r, "files": {OLD_FILE_KEYS.get(k, k): v for k, v in r["files"].items()}})
                       for r in data["recipients"])
    return Manifest(Path(folder), data["period"], data["period_label"], data["company"], data["hr_signatory"],
                    data["appeal_deadline"], data["mail"], recipients,
                    data.get("hr_department", "人事部门"), data.get("appeal_route", ""), data.get("language", "zh"),
                    data.get("term", ""), data.get("appraisal_date", ""),
                    data.get("unanswered_after_deadline", "deemed_confirmed"), data.get("calibration"))

"""The 确认 sheet: HR's record of what each employee answered to their letter, checked like the input workbook.

Headers in Chinese or English, cells parsed by :mod:`reporter.input.cells` (a 工号 keeps its leading
zeros, text that looks like a formula stays text), and every problem of the file reported at once with
its sheet, row and column; nothing is recorded unless the whole sheet is right.
"""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

from reporter.errors import CellError, InputError
from reporter.input.cells import parse_choice
from reporter.input.reader import SheetData, WorkbookReader
from reporter.input.schema import Column as C
from reporter.input.schema import Sheet
from reporter.period import parse_period
from reporter.store.confirmations import Answer, current_letters, letter_codes
from reporter.store.documents import current_documents
from reporter.writers.manifest import Manifest

# The words HR types: the first spelling of each is what the pre-filled sheet's drop-down offers.
ANSWER_RESULTS = {
    "confirmed": ("无异议", "confirmed", "确认", "已确认", "no objection"),
    "appealed": ("有异议", "appealed", "申诉", "appeal", "objection"),
    "no_reply": ("未回", "no reply", "no_reply", "未回复", "未答复"),
}
RESOLUTIONS = {
    "rejected": ("维持原结果", "rejected", "驳回", "申诉驳回", "result stands"),
    "upheld": ("更正", "upheld", "申诉成立", "予以更正", "corrected"),
}
ANSWER_CHOICES = {"answer_result": ANSWER_RESULTS, "resolution": RESOLUTIONS}

CONFIRM_SHEET = Sheet(
    "confirmations", "确认", "confirmations",
    help="每位员工一行：员工对确认书的答复。只有工号与结果必填。",
    columns=(
        C("employee_id", "工号", "employee_id", "id", True, "与确认书上的工号一致"),
        C("name", "姓名", "name", "text", False, "仅供核对，不读取"),
        C("code", "校验码", "code", "text", False, "确认书上的校验码；填写则核对是否为当前版本"),
        C("result", "结果", "result", "answer_result", True, "无异议 / 有异议 / 未回"),
        C("on_date", "日期", "date", "date", False, "员工签字或答复的日期：不早于确认书发放日，不晚于今天"),
        C("appeal_reason", "申诉理由", "appeal_reason", "text", False, "结果为有异议时必填"),
        C("resolution", "处理结果", "resolution", "resolution", False,
          "申诉的处理：维持原结果（驳回）或 更正（申诉成立，更正后重新出具确认书）；留空为处理中"),
        C("resolution_note", "处理说明", "resolution_note", "text", False, "如何处理、由谁批准"),
    ),
)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


class AnswerReader(WorkbookReader):
    """The input workbook's reader, for the one 确认 sheet and its two coded columns."""

    def _parse(self, ws, cell, kind, where, low=None, high=None, limit=None):
        if kind not in ANSWER_CHOICES:
            return super()._parse(ws, cell, kind, where, low, high, limit)
        try:
            return parse_choice(self._raw(ws, cell), ANSWER_CHOICES[kind])
        except CellError as err:
            self.problem(str(err), ws.title, cell.row, where)
            return None

    def confirm_sheet(self) -> SheetData | None:
        names = {_norm(n) for n in (CONFIRM_SHEET.zh, CONFIRM_SHEET.en, CONFIRM_SHEET.key, "confirm", "confirmation")}
        found = [ws for ws in self.book.worksheets if _norm(ws.title) in names]
        if not found:
            sheets = "、".join(ws.title for ws in self.book.worksheets)
            self.problem(f"缺少工作表「{CONFIRM_SHEET.zh}」（{CONFIRM_SHEET.en}）：本文件的工作表为 {sheets}；"
                         "可用 reporter status PERIOD_DIR --confirm-template 生成预填好的确认表")
            return None
        for extra in found[1:]:
            self.problem(f"与工作表「{found[0].title}」重复：请只保留一个", extra.title)
        return self._read_table(found[0], CONFIRM_SHEET, {})


def letter_issued_on(manifest: Manifest) -> date:
    """The day the letters are dated: 设置 考核日期, or else the period's last day."""
    if manifest.appraisal_date:
        return date.fromisoformat(manifest.appraisal_date)
    return parse_period(manifest.period).end


def read_answers(path: Path, manifest: Manifest, db: Path, today: date) -> tuple[list[Answer], list]:
    """Every row of the 确认 sheet as an Answer, and the warnings; InputError with every problem found."""
    reader = AnswerReader(path)
    data = reader.confirm_sheet()
    if data is None:
        raise InputError(reader.problems)
    roster = {r.employee_id: r for r in manifest.recipients}
    letters = current_letters(db, manifest.period)  # None: no letter of the period on record, all version 1
    first_issued = letter_issued_on(manifest)
    reissued_on = {eid: date.fromisoformat(doc.issued_on)
                   for eid, doc in current_documents(db, "letter", manifest.period).items()
                   if doc.version > 1 and doc.issued_on}
    seen: dict[str, int] = {}
    answers = []

    def problem(message, row, key, severity="error"):
        reader.problem(message, data.title, row, data.where(key), severity)

    for row in data.rows:
        v, number = row.values, row.number
        eid, result = v.get("employee_id"), v.get("result")
        if eid is None:
            continue  # the reader has reported the blank or bad 工号
        if eid not in roster:
            problem(f"工号 {eid} 不在 {manifest.period} 期的名单中（共 {len(roster)} 人）：请核对工号", number,
                    "employee_id")
            continue
        if eid in seen:
            problem(f"工号 {eid} 重复（与第 {seen[eid]} 行相同）：每位员工只填一行", number, "employee_id")
            continue
        seen[eid] = number
        letter = (1, "") if letters is None else letters.get(eid)
        if letter is None:
            problem(f"工号 {eid} 在本期没有出具确认书：请核对工号", number, "employee_id")
            continue
        version, current_code = letter
        code = (v.get("code") or "").strip().upper()
        if code and not current_code:
            problem("本期确认书尚无校验码记录，该校验码未核对", number, "code", "warning")
        elif code and code != current_code.upper():
            older = {c.upper(): n for c, n in letter_codes(db, manifest.period, eid).items()}.get(code)
            if older is not None and older < version:
                problem(f"校验码 {code} 属于第 {older} 版确认书，已被第 {version} 版取代：请让员工确认新版确认书后"
                        "再登记，或填写新版的校验码", number, "code")
            else:
                problem(f"校验码 {code} 与工号 {eid} 当前确认书（第 {version} 版）的校验码不符：请对照确认书核对",
                        number, "code")
        on, issued_on = v.get("on_date"), reissued_on.get(eid, first_issued)  # a re-issue answers its own date
        if on is not None and on < issued_on:
            problem(f"日期 {on} 早于第 {version} 版确认书的出具日期 {issued_on}：请核对日期", number, "on_date")
        elif on is not None and on > today:
            problem(f"日期 {on} 晚于今天（{today}）：请填写员工实际答复的日期", number, "on_date")
        reason, resolution = v.get("appeal_reason") or "", v.get("resolution") or ""
        if result == "appealed" and not reason:
            problem("结果为「有异议」时必须填写申诉理由：请记录员工提出的理由", number, "appeal_reason")
        if resolution and result is not None and result != "appealed":
            problem("填写了处理结果，但结果不是「有异议」：只有申诉才有处理结果，请核对结果或清空处理结果",
                    number, "resolution")
        if result is None:
            continue
        source = f"{reader.file} › {data.title} › 第 {number} 行"
        answers.append(Answer(eid, version, code, result, on, reason, resolution, v.get("resolution_note") or "",
                              source))
    if not data.rows:
        reader.problem("确认表没有数据行：请每位员工填写一行", data.title, 2)
    errors = [p for p in reader.problems if p.severity == "error"]
    if errors:
        raise InputError(reader.problems)
    return answers, reader.problems


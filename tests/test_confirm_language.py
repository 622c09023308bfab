"""The weeks after the letters in the company's language, and the state each letter stands in as built.

The fixture company (BASE, E001 S, E002 D, E003 not appraised, E004 C) built without PDFs, as in
tests/test_confirm.py; here in English too.
"""

from __future__ import annotations

import copy
import sqlite3
from contextlib import closing
from datetime import date

import openpyxl

from reporter.pipeline.build import build
from reporter.store.confirmations import latest_answers
from tests.conftest import BASE, write_book
from tests.test_confirm import ALL_CONFIRMED, make_period, read_csv, run, sheet


def english_period(root):
    sheets = copy.deepcopy(BASE)
    sheets["设置"].append(["语言", "en"])
    return make_period(root, sheets)


def test_an_english_company_gets_english_status_and_confirm_workbooks(tmp_path):
    period = english_period(tmp_path)
    template, report = tmp_path / "confirm.xlsx", tmp_path / "status.xlsx"
    assert run("status", period, "--confirm-template", template).exit_code == 0
    book = openpyxl.load_workbook(template)
    assert book.sheetnames == ["Confirmations"]
    ws = book["Confirmations"]
    assert [c.value for c in ws[1]] == ["employee_id", "name", "code", "result", "date", "appeal_reason",
                                        "resolution", "resolution_note"]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists == {"D2:D5": '"confirmed,appealed,no reply"', "G2:G5": '"rejected,upheld"'}
    for row, result in zip(range(2, 6), ("confirmed", "appealed", "confirmed", "confirmed"), strict=True):
        ws.cell(row, 4, result)
    ws.cell(3, 6, "The complaint count is wrong")
    book.save(template)
    assert run("confirm", period, template).exit_code == 0  # the English words read back
    assert latest_answers(period.parent / "reporter.sqlite", "2026-10")["E002"].answer.result == "appealed"

    assert run("status", period, "--out-file", report, "--as-of", "2026-11-12").exit_code == 0
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["Summary", "Employees", "Interviews due"]
    counts = [[c.value for c in row] for row in book["Summary"].iter_rows(min_row=2)]
    assert counts[0] == ["Department", "Issued", "E-mailed", "Confirmed", "Appeal open", "Appeal upheld",
                         "Appeal rejected", "Pending", "Overdue"]
    assert counts[-1] == ["Total", 4, 0, 3, 1, 0, 0, 0, 0]
    states = {row[1].value: row[3].value for row in book["Employees"].iter_rows(min_row=2)}
    assert states == {"E001": "Confirmed", "E002": "Appeal open", "E003": "Confirmed", "E004": "Confirmed"}

    paid = tmp_path / "pay.csv"
    assert run("payroll", period, "--out-file", paid, "--as-of", "2026-11-12", "--allow-pending").exit_code == 0
    rows = {r["Employee ID"]: r for r in read_csv(paid)}
    assert rows["E001"]["Confirmation"] == "Confirmed"
    assert rows["E002"]["Confirmation"].startswith("Appeal open: personal commission and one-time bonus withheld")
    assert "确认状态" not in read_csv(paid)[0]


def payroll_sheet_states(folder) -> dict[str, str]:
    ws = openpyxl.load_workbook(folder / "summary.xlsx", data_only=True)["工资表"]  # the cached values
    header = [c.value for c in ws[1]]
    column = header.index("确认状态")
    return {row[1].value: row[column].value for row in ws.iter_rows(min_row=2) if row[0].value == "2026-10"}


def test_payroll_csv_and_the_payroll_sheet_carry_each_letters_state_as_built(tmp_path):
    period = make_period(tmp_path)
    assert {r["工号"]: r["确认状态"] for r in read_csv(period / "payroll.csv")} == dict.fromkeys(
        ("E001", "E002", "E003", "E004"), "待确认")
    assert payroll_sheet_states(period) == dict.fromkeys(("E001", "E002", "E003", "E004"), "待确认")

    with closing(sqlite3.connect(period.parent / "reporter.sqlite")) as conn, conn:  # the letters on record
        conn.executemany(
            "INSERT INTO documents (period, employee_id, kind, version, code, digest, figures, file_sha256, "
            "issued_on) VALUES ('2026-10', ?, 'letter', 1, ?, '', '{}', '', '2026-10-31')",
            [(eid, f"202610-{eid}-L1-AAAA") for eid in ("E001", "E002", "E003", "E004")])
    rows = [ALL_CONFIRMED[0], ["E002", "李娜", None, "有异议", date(2026, 11, 10), "差评统计有误"]]
    assert run("confirm", period, sheet(tmp_path / "c.xlsx", rows)).exit_code == 0
    # Built again the next day (the same figures, so the same letters): the answers stand.
    build(tmp_path / "input.xlsx", period.parent, only=("summary",), force=True, now=lambda: "2026-11-12T09:00:00")
    expected = {"E001": "已确认", "E002": "申诉中", "E003": "待确认", "E004": "待确认"}
    assert {r["工号"]: r["确认状态"] for r in read_csv(period / "payroll.csv")} == expected
    assert payroll_sheet_states(period) == expected
    # After the deadline (2026-11-13) silence counts as confirmed, the default policy.
    build(tmp_path / "input.xlsx", period.parent, only=("summary",), force=True, now=lambda: "2026-11-14T09:00:00")
    assert payroll_sheet_states(period)["E004"] == "逾期视为确认"


def test_a_letter_issued_after_the_deadline_is_still_pending(tmp_path):
    """Built late, for the first time: nobody has had the letter yet, so nothing is overdue."""
    out = tmp_path / "out"
    build(write_book(tmp_path / "input.xlsx", copy.deepcopy(BASE)), out, only=("summary",),
          now=lambda: "2026-12-01T09:00:00")
    assert {r["确认状态"] for r in read_csv(out / "2026-10" / "payroll.csv")} == {"待确认"}


def test_an_answer_to_a_reissued_letter_is_dated_after_its_own_issue(tmp_path):
    period = make_period(tmp_path)
    db = period.parent / "reporter.sqlite"
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.executemany(
            "INSERT INTO documents (period, employee_id, kind, version, code, digest, figures, file_sha256, "
            "issued_on) VALUES ('2026-10', ?, 'letter', ?, ?, '', '{}', '', ?)",
            [("E001", 1, "202610-E001-L1-AAAA", "2026-10-31"), ("E001", 2, "202610-E001-L2-BBBB", "2026-11-20"),
             ("E002", 1, "202610-E002-L1-CCCC", "2026-10-31")])
    rows = [["E001", "张伟", "202610-E001-L2-BBBB", "无异议", date(2026, 11, 15)],  # before version 2 existed
            ["E002", "李娜", "202610-E002-L1-CCCC", "无异议", date(2026, 11, 15)]]
    result = run("confirm", period, sheet(tmp_path / "c.xlsx", rows))
    assert result.exit_code == 2
    assert "第 2 行 › E 列「日期」: 日期 2026-11-15 早于第 2 版确认书的出具日期 2026-11-20" in result.output
    assert "第 3 行" not in result.output
    rows[0][4] = date(2026, 11, 21)
    assert run("confirm", period, sheet(tmp_path / "d.xlsx", rows)).exit_code == 0


def test_bilingual_status_labels_carry_both_words(tmp_path):
    sheets = copy.deepcopy(BASE)
    sheets["设置"].append(["语言", "zh-en"])
    period = make_period(tmp_path, sheets)
    report = tmp_path / "status.xlsx"
    assert run("status", period, "--out-file", report).exit_code == 0
    book = openpyxl.load_workbook(report)
    assert book.sheetnames == ["汇总 Summary", "明细 Employees", "待面谈 Interviews due"]
    header = [c.value for c in next(book["汇总 Summary"].iter_rows(min_row=2, max_row=2))]
    assert header[:2] == ["部门\nDepartment", "已出具\nIssued"]

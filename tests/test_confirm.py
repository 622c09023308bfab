"""After the letters: `reporter confirm` records answers, `status` reports them, `payroll` pays what is settled.

The period is the fixture company (BASE) built without PDFs: E001 S, E002 D (failing), E003 not
appraised, E004 C; appeal deadline 2026-11-13, letters dated the period's last day, 2026-10-31.
"""

from __future__ import annotations

import copy
import csv
import getpass
import io
import os
import sqlite3
import stat
from contextlib import closing
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.pipeline.build import build
from reporter.store.confirmations import latest_answers
from reporter.store.history import SCHEMA_VERSION, record_period
from tests.conftest import BASE, write_book

# Letters as the history's documents table records them (reporter.store.documents); figures left out.
ISSUED = ("INSERT INTO documents (period, employee_id, kind, version, code, digest, figures, file_sha256, issued_on) "
          "VALUES ('2026-10', ?, 'letter', ?, ?, '', '{}', '', '2026-11-01')")
HEADER = ["工号", "姓名", "校验码", "结果", "日期", "申诉理由", "处理结果"]
ALL_CONFIRMED = [["E001", "张伟", None, "无异议", date(2026, 11, 8)], ["E002", "李娜", None, "无异议", None],
                 ["E003", "王芳", None, "无异议", None], ["E004", "刘洋", None, "无异议", "2026-11-09"]]


def make_period(root, sheets=None):
    """A full period folder (results, summary, payroll.csv, manifest) and its history, without PDFs."""
    out = root / "out"
    book = write_book(root / "input.xlsx", sheets or copy.deepcopy(BASE))
    report = build(book, out, only=("summary",))
    record_period(out / "reporter.sqlite", report.result, input_sha256="0" * 64, built_at="2026-11-01T09:00:00")
    return out / "2026-10"


@pytest.fixture
def period(tmp_path):
    return make_period(tmp_path)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def sheet(path, rows, header=HEADER, title="确认"):
    return write_book(path, {title: [header, *rows]})


def read_csv(path):
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_history_gains_the_confirmations_table_last(period):
    with closing(sqlite3.connect(period.parent / "reporter.sqlite")) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        columns = [row[1] for row in conn.execute("PRAGMA table_info(confirmations)")]
    assert columns == ["period", "employee_id", "version", "code", "result", "on_date", "appeal_reason",
                       "resolution", "resolution_note", "recorded_by", "recorded_at", "source"]


def test_before_any_answer_everyone_is_pending(period):
    result = run("status", period, "--as-of", "2026-11-10")
    assert result.exit_code == 0, result.output
    total = next(line for line in result.output.splitlines() if line.startswith("合计"))
    # 已出具 4, 已发邮件 0, 已确认 0, 申诉中 0, 申诉成立 0, 申诉驳回 0, 待确认 4, 逾期未回 0
    assert total.split()[1:] == ["4", "0", "0", "0", "0", "0", "4", "0"]


def test_all_confirmed_then_payroll_is_written_with_every_state(period, tmp_path):
    result = run("confirm", period, sheet(tmp_path / "c.xlsx", ALL_CONFIRMED), "--recorded-by", "周敏")
    assert result.exit_code == 0, result.output
    assert "已登记 4 条" in result.output
    answers = latest_answers(period.parent / "reporter.sqlite", "2026-10")
    assert {a.answer.result for a in answers.values()} == {"confirmed"}
    assert answers["E004"].answer.on_date == date(2026, 11, 9)
    assert answers["E001"].recorded_by == "周敏"
    assert answers["E001"].answer.source == "c.xlsx › 确认 › 第 2 行"

    out = tmp_path / "pay.csv"
    result = run("payroll", period, "--out-file", out, "--as-of", "2026-11-10")
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    built = read_csv(period / "payroll.csv")
    assert [r["工号"] for r in rows] == ["E001", "E002", "E003", "E004"]
    assert {r["确认状态"] for r in rows} == {"已确认"}
    assert {r["确认状态"] for r in built} == {"待确认"}  # as the build issued the letters
    assert list(rows[0]) == list(built[0])  # the build's columns, the state replaced, not added

    def figures(table):
        return [{k: v for k, v in r.items() if k != "确认状态"} for r in table]

    assert figures(rows) == figures(built)  # the build's figures
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600


def test_recorded_by_defaults_to_the_login_name(period, tmp_path):
    assert run("confirm", period, sheet(tmp_path / "c.xlsx", ALL_CONFIRMED[:1])).exit_code == 0
    assert latest_answers(period.parent / "reporter.sqlite", "2026-10")["E001"].recorded_by == getpass.getuser()


def test_an_open_appeal_stops_payroll_and_allow_pending_withholds_its_performance_pay(period, tmp_path):
    rows = copy.deepcopy(ALL_CONFIRMED)
    rows[0] = ["E001", "张伟", None, "有异议", date(2026, 11, 10), "差评统计有误"]
    assert run("confirm", period, sheet(tmp_path / "c.xlsx", rows)).exit_code == 0
    out = tmp_path / "pay.csv"
    result = run("payroll", period, "--out-file", out, "--as-of", "2026-11-12")
    assert result.exit_code == 1
    assert "E001 张伟：申诉中" in result.output and "未写入" in result.output
    assert not out.exists()

    result = run("payroll", period, "--out-file", out, "--as-of", "2026-11-12", "--allow-pending")
    assert result.exit_code == 0, result.output
    assert "E001" in result.output and "1 人未结清" in result.output
    paid = {r["工号"]: r for r in read_csv(out)}
    built = {r["工号"]: r for r in read_csv(period / "payroll.csv")}
    # E001: 100000 × 1% personal commission × 120% (S) = 1200.00, the part of the pay that follows the grade
    assert built["E001"]["个人绩效提成"] == "1200.00"
    assert paid["E001"]["个人绩效提成"] == "" and paid["E001"]["一次性奖励"] == ""
    assert Decimal(paid["E001"]["应发合计"]) == Decimal(built["E001"]["应发合计"]) - Decimal("1200.00")
    assert paid["E001"]["确认状态"].startswith("申诉中：个人绩效提成、一次性奖励暂缓发放")
    assert paid["E002"]["确认状态"] == "已确认" and paid["E002"]["应发合计"] == built["E002"]["应发合计"]


def test_a_rejected_appeal_is_settled_and_an_upheld_one_is_not(period, tmp_path):
    rows = copy.deepcopy(ALL_CONFIRMED)
    rows[0] = ["E001", "张伟", None, "有异议", None, "差评统计有误", "维持原结果"]
    rows[1] = ["E002", "李娜", None, "appealed", None, "考勤有误", "更正"]
    assert run("confirm", period, sheet(tmp_path / "c.xlsx", rows)).exit_code == 0
    result = run("status", period, "--as-of", "2026-11-12")
    total = next(line for line in result.output.splitlines() if line.startswith("合计"))
    assert total.split()[1:] == ["4", "0", "2", "0", "1", "1", "0", "0"]
    result = run("payroll", period, "--as-of", "2026-11-12")
    assert result.exit_code == 1
    assert "E002 李娜：申诉成立" in result.output and "E001" not in result.output


@pytest.mark.parametrize("policy, payroll_exit, state", [
    (None, 0, "逾期视为确认"), ("视为确认", 0, "逾期视为确认"), ("上报", 1, "逾期未回（已上报）")])
def test_overdue_follows_the_company_policy(tmp_path, policy, payroll_exit, state):
    sheets = copy.deepcopy(BASE)
    if policy:
        sheets["设置"].append(["逾期未回", policy])
    period = make_period(tmp_path, sheets)
    rows = [r for r in ALL_CONFIRMED if r[0] != "E002"] + [["E002", "李娜", None, "未回"]]
    assert run("confirm", period, sheet(tmp_path / "c.xlsx", rows)).exit_code == 0
    on_deadline = run("status", period, "--as-of", "2026-11-13").output
    assert "E002 李娜：待确认" in on_deadline  # the deadline's own day is still in time
    after = run("status", period, "--as-of", "2026-11-14")
    total = next(line for line in after.output.splitlines() if line.startswith("合计"))
    assert total.split()[-2:] == ["0", "1"]  # 待确认 0, 逾期未回 1
    out = tmp_path / "pay.csv"
    result = run("payroll", period, "--as-of", "2026-11-14", "--out-file", out)
    assert result.exit_code == payroll_exit, result.output
    if payroll_exit == 0:
        assert {r["工号"]: r["确认状态"] for r in read_csv(out)}["E002"] == state
    else:
        assert f"E002 李娜：{state}" in result.output and not out.exists()


def test_every_problem_of_the_sheet_at_once_with_sheet_row_and_column(period, tmp_path):
    rows = [
        ["E001", "张伟", None, "无异议", date(2026, 10, 15)],  # 2: before the letters' date
        ["E009", "某某", None, "无异议"],  # 3: not in the period
        ["E001", "张伟", None, "无异议"],  # 4: twice
        ["E002", "李娜", None, "有异议", date(2026, 11, 10)],  # 5: no reason
        ["E003", "王芳", None, "无异议", date(2099, 1, 1), None, "更正"],  # 6: future; resolution without appeal
        ["E004", "刘洋", None, "同意啦"],  # 7: not a result
        [None, "无名", None, "无异议"],  # 8: no 工号
    ]
    result = run("confirm", period, sheet(tmp_path / "c.xlsx", rows))
    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("错误")]
    expected = [("第 2 行 › E 列「日期」", "早于第 1 版确认书的出具日期 2026-10-31"),
                ("第 3 行 › A 列「工号」", "E009 不在 2026-10 期的名单中"),
                ("第 4 行 › A 列「工号」", "重复（与第 2 行相同）"),
                ("第 5 行 › F 列「申诉理由」", "必须填写申诉理由"),
                ("第 6 行 › E 列「日期」", "晚于今天"),
                ("第 6 行 › G 列「处理结果」", "结果不是「有异议」"),
                ("第 7 行 › D 列「结果」", "'同意啦' 不是可选的值"),
                ("第 8 行 › A 列「工号」", "有数据但没有工号")]
    for where, what in expected:
        assert any(f"c.xlsx › 确认 › {where}" in e and what in e for e in errors), (where, result.output)
    assert len(errors) == len(expected)
    assert latest_answers(period.parent / "reporter.sqlite", "2026-10") == {}


def test_a_missing_sheet_or_required_column_is_named(period, tmp_path):
    result = run("confirm", period, sheet(tmp_path / "a.xlsx", ALL_CONFIRMED, title="Sheet1"))
    assert result.exit_code == 2 and "缺少工作表「确认」" in result.output and "Sheet1" in result.output
    result = run("confirm", period, sheet(tmp_path / "b.xlsx", [["E001", "张伟"]], header=["工号", "姓名"]))
    assert result.exit_code == 2 and "b.xlsx › 确认 › 第 1 行: 缺少必填列「结果」" in result.output


def test_english_headers_and_words_and_formula_text_stays_text(period, tmp_path):
    header = ["employee_id", "name", "code", "result", "date", "appeal_reason", "resolution"]
    rows = [["E001", "Zhang Wei", None, "appealed", "2026-11-10", '=HYPERLINK("http://x.example","y")', "rejected"],
            ["E002", "Li Na", None, "confirmed"], ["E003", "Wang Fang", None, "No Reply"]]
    result = run("confirm", period, sheet(tmp_path / "c.xlsx", rows, header=header, title="confirmations"))
    assert result.exit_code == 0, result.output
    answers = latest_answers(period.parent / "reporter.sqlite", "2026-10")
    assert answers["E001"].answer.appeal_reason == '=HYPERLINK("http://x.example","y")'
    assert (answers["E001"].answer.result, answers["E001"].answer.resolution) == ("appealed", "rejected")
    assert answers["E003"].answer.result == "no_reply"
    report = tmp_path / "status.xlsx"
    assert run("status", period, "--out-file", report, "--as-of", "2026-11-12").exit_code == 0
    ws = openpyxl.load_workbook(report)["明细"]
    cell = next(row[6] for row in ws.iter_rows(min_row=2) if row[1].value == "E001")
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_a_code_of_a_superseded_letter_is_refused(period, tmp_path):
    """With a table of issued documents (version, code per letter), the code is checked against the current one."""
    db = period.parent / "reporter.sqlite"
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.executemany(ISSUED,
                         [("E001", 1, "202610-E001-L1-AAAA"), ("E001", 2, "202610-E001-L2-BBBB"),
                          ("E002", 1, "202610-E002-L1-CCCC")])
    rows = [["E001", "张伟", "202610-E001-L1-AAAA", "无异议"], ["E002", "李娜", "202610-E002-L1-XXXX", "无异议"]]
    result = run("confirm", period, sheet(tmp_path / "c.xlsx", rows))
    assert result.exit_code == 2
    assert "第 2 行 › C 列「校验码」: 校验码 202610-E001-L1-AAAA 属于第 1 版确认书，已被第 2 版取代" in result.output
    assert "第 3 行 › C 列「校验码」: 校验码 202610-E002-L1-XXXX 与工号 E002 当前确认书（第 1 版）的校验码不符" in result.output
    rows = [["E001", "张伟", "202610-e001-l2-bbbb", "无异议"]]  # typed in lower case: the same code
    assert run("confirm", period, sheet(tmp_path / "d.xlsx", rows)).exit_code == 0
    assert latest_answers(db, "2026-10")["E001"].answer.version == 2


def test_the_prefilled_template_round_trips_through_confirm(period, tmp_path):
    template = tmp_path / "确认.xlsx"
    result = run("status", period, "--confirm-template", template)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(template)
    ws = book["确认"]
    assert [c.value for c in ws[1]] == ["工号", "姓名", "校验码", "结果", "日期", "申诉理由", "处理结果", "处理说明"]
    assert [(r[0].value, r[1].value) for r in ws.iter_rows(min_row=2)] == [
        ("E001", "张伟"), ("E002", "李娜"), ("E003", "王芳"), ("E004", "刘洋")]
    lists = {str(dv.sqref): dv.formula1 for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert lists == {"D2:D5": '"无异议,有异议,未回"', "G2:G5": '"维持原结果,更正"'}
    for row in range(2, 6):
        ws.cell(row, 4, "无异议")
    ws.cell(3, 4, "有异议")
    ws.cell(3, 6, "态度评分偏低")
    book.save(template)
    assert run("confirm", period, template).exit_code == 0
    result = run("status", period, "--as-of", "2026-11-12")
    total = next(line for line in result.output.splitlines() if line.startswith("合计"))
    assert total.split()[1:] == ["4", "0", "3", "1", "0", "0", "0", "0"]


def test_status_workbook_counts_per_department_and_lists_missing_interviews(tmp_path):
    sheets = copy.deepcopy(BASE)
    sheets["评语"][3][4] = None  # E004 (C: 80% pay coefficient) has no interview date
    sheets["评语"][1][4] = None  # E001 (S) has none either, and needs none
    period = make_period(tmp_path, sheets)
    assert run("confirm", period, sheet(tmp_path / "c.xlsx", ALL_CONFIRMED[:2])).exit_code == 0
    report = tmp_path / "status.xlsx"
    result = run("status", period, "--out-file", report, "--as-of", "2026-11-12")
    assert result.exit_code == 0, result.output
    assert "待面谈：E004 刘洋" in result.output and "待面谈：E001" not in result.output
    book = openpyxl.load_workbook(report)
    summary = [[c.value for c in row] for row in book["汇总"].iter_rows(min_row=2)]
    assert summary[0][:4] == ["部门", "已出具", "已发邮件", "已确认"]
    by_department = {row[0]: row[1:] for row in summary[1:]}
    assert by_department == {"华东公司-客服部": [3, 0, 2, 0, 0, 0, 1, 0], "华东公司-运营部": [1, 0, 0, 0, 0, 0, 1, 0],
                             "合计": [4, 0, 2, 0, 0, 0, 2, 0]}
    assert [[c.value for c in row][1] for row in book["待面谈"].iter_rows(min_row=2)] == ["E004"]
    assert book["明细"].print_options.horizontalCentered and book["明细"].page_setup.paperSize == 9


def test_sent_counts_only_mail_sent_for_real(period):
    with closing(sqlite3.connect(period.parent / "reporter.sqlite")) as conn, conn:
        conn.execute("CREATE TABLE outbox (period TEXT, employee_id TEXT, channel TEXT, recipient TEXT, "
                     "message_id TEXT, status TEXT, attempts INTEGER, last_reply TEXT, updated_at TEXT)")
        conn.executemany("INSERT INTO outbox VALUES ('2026-10', ?, ?, '', '', ?, 1, '', '')",
                         [("E001", "live", "sent"), ("E002", "live", "failed"), ("E003", "rehearsal:hr@x", "sent")])
    total = next(line for line in run("status", period).output.splitlines() if line.startswith("合计"))
    assert total.split()[2] == "1"


def test_the_policy_setting_is_validated_and_in_the_blank_workbook(tmp_path):
    sheets = copy.deepcopy(BASE)
    sheets["设置"].append(["逾期未回", "不管"])
    result = run("validate", write_book(tmp_path / "in.xlsx", sheets))
    assert result.exit_code == 2 and "逾期未回" in result.output and "视为确认" in result.output
    blank = tmp_path / "blank.xlsx"
    assert run("init", blank).exit_code == 0
    settings = openpyxl.load_workbook(blank)["设置"]
    assert any(row[0].value == "逾期未回" for row in settings.iter_rows())


def test_an_answer_to_a_superseded_letter_no_longer_counts(period, tmp_path):
    """An upheld appeal waits for the corrected letter; once version 2 is issued, it waits for a new answer."""
    rows = [["E001", "张伟", None, "有异议", None, "差评统计有误", "更正"]]
    assert run("confirm", period, sheet(tmp_path / "c.xlsx", rows)).exit_code == 0
    assert "E001 张伟：申诉成立" in run("status", period, "--as-of", "2026-11-12").output
    with closing(sqlite3.connect(period.parent / "reporter.sqlite")) as conn, conn:
        conn.executemany(ISSUED, [("E001", 1, "202610-E001-L1-AAAA"), ("E001", 2, "202610-E001-L2-BBBB")])
    assert "E001 张伟：待确认" in run("status", period, "--as-of", "2026-11-12").output


@pytest.mark.slow  # the sample's 48 people through confirm, status and payroll: seconds
def test_the_sample_period_from_48_pending_to_payroll(tmp_path):
    """The issue's scenario on the demo company: 40 无异议, 5 有异议 (2 更正, 3 维持原结果), 3 未回."""
    from tests.conftest import SAMPLE

    out = tmp_path / "out"
    report = build(SAMPLE, out, only=("summary",))
    record_period(out / "reporter.sqlite", report.result, input_sha256="0" * 64, built_at="2026-11-01T09:00:00")
    period = out / report.period
    deadline = report.result.input.settings.appeal_deadline
    in_time, late = deadline.isoformat(), date.fromordinal(deadline.toordinal() + 1).isoformat()
    total = next(line for line in run("status", period, "--as-of", in_time).output.splitlines()
                 if line.startswith("合计"))
    assert total.split()[1:] == ["48", "0", "0", "0", "0", "0", "48", "0"]
    ids = [r.employee.employee_id for r in report.result.results]
    rows = [[eid, None, None, "无异议"] for eid in ids[:40]]
    rows += [[eid, None, None, "有异议", None, "评分有误", "更正"] for eid in ids[40:42]]
    rows += [[eid, None, None, "有异议", None, "评分有误", "维持原结果"] for eid in ids[42:45]]
    rows += [[eid, None, None, "未回"] for eid in ids[45:]]
    assert run("confirm", period, sheet(tmp_path / "c.xlsx", rows)).exit_code == 0
    total = next(line for line in run("status", period, "--as-of", in_time).output.splitlines()
                 if line.startswith("合计"))
    assert total.split()[1:] == ["48", "0", "40", "0", "2", "3", "3", "0"]
    late_status = run("status", period, "--as-of", late).output
    assert next(line for line in late_status.splitlines() if line.startswith("合计")).split()[-2:] == ["0", "3"]
    result = run("payroll", period, "--as-of", late)
    assert result.exit_code == 1  # the two upheld appeals wait for their corrected letters
    assert {line.split()[0].split("：")[1] for line in result.output.splitlines() if line.startswith("未结清")} \
        == set(ids[40:42])

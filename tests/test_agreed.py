"""What was agreed: recorded per period and employee, and held against the plan a build scores."""

import sqlite3
from datetime import date
from decimal import Decimal as D

from click.testing import CliRunner

from reporter.cli import cli
from reporter.input.validate import load_input
from reporter.pipeline.build import file_sha256
from reporter.store.agreed import agreed_problems, load_agreed, load_amendments, record_agreed
from reporter.store.history import SCHEMA_VERSION, list_periods
from tests.test_history import build_into

SIGNED = date(2026, 10, 1)
CHANGE = ["原目标值", "调整原因", "批准人"]


def agree(db, book, **kwargs):
    inp = load_input(book)
    record_agreed(db, inp, SIGNED, **kwargs, input_sha256=file_sha256(book))
    return inp


def with_change_columns(sheets, row=None, change=(None, None, None)):
    """考核方案 with 原目标值/调整原因/批准人; ``row`` (sheet row number) gets ``change``."""
    plans = sheets["考核方案"]
    plans[0] = plans[0] + CHANGE
    for n, r in enumerate(plans[1:], start=2):
        plans[n - 1] = r + list(change if n == row else (None, None, None))
    return sheets


def errors(problems):
    return [p for p in problems if p.severity == "error"]


def test_recorded_then_checked_clean(tmp_path, make_book):
    db, book = tmp_path / "h.sqlite", make_book()
    inp = agree(db, book)
    assert agreed_problems(db, inp) == ()
    agreed = load_agreed(db, "2026-10")
    assert sorted(agreed) == ["E001", "E002", "E003", "E004"]
    conversion = agreed["E004"][0]
    assert (conversion.item, conversion.kpi, conversion.weight, conversion.target) == ("订单转换率", "conversion",
                                                                                      D("0.6"), D("0.04"))
    assert conversion.agreed_on == "2026-10-01" and conversion.input_sha256 == file_sha256(book)
    with sqlite3.connect(db) as conn:  # Decimals as text: nothing lost to floating point
        assert conn.execute("SELECT weight, target FROM agreed_lines WHERE employee_id='E004' AND line_no=1"
                            ).fetchone() == ("0.60", "0.04")


def test_changed_target_without_a_recorded_change_is_an_error_at_its_row(tmp_path, base_sheets, make_book):
    db = tmp_path / "h.sqlite"
    agree(db, make_book(base_sheets))
    base_sheets["考核方案"][2][7] = 3  # 差评次数 target 2 → 3, row 3, shared by the three 在线客服专员
    found = agreed_problems(db, load_input(make_book(base_sheets)))
    assert [(p.sheet, p.row, p.column, p.severity) for p in found] == [("考核方案", 3, "「目标值」列", "error")]
    assert "「差评次数」的目标值 3次 与 2026-10-01 签订的 2次 不同" in found[0].message
    assert "张伟（E001）、李娜（E002）、王芳（E003）" in found[0].message  # one problem for the role's line


def test_a_recorded_change_from_the_agreed_target_is_an_amendment(tmp_path, base_sheets, make_book):
    db = tmp_path / "h.sqlite"
    agree(db, make_book(with_change_columns(base_sheets)))
    base_sheets["考核方案"][8][7] = "5%"  # 订单转换率 4% → 5%, recorded as a change from the agreed 4%
    conversion = base_sheets["考核方案"][8]
    conversion[-3:] = ["4%", "批准调整", "赵总"]
    [unsigned] = agreed_problems(db, load_input(make_book(base_sheets)))  # builds; no addendum signed yet
    assert (unsigned.severity, unsigned.row, unsigned.column) == ("warning", 9, "「目标值」列")
    assert "「订单转换率」的目标调整（4% → 5%）已记录，但尚未签订变更补充协议" in unsigned.message
    conversion[-3:] = ["3%", "批准调整", "赵总"]  # a change from another target than the agreed one
    found = errors(agreed_problems(db, load_input(make_book(base_sheets))))
    assert [(p.row, p.column) for p in found] == [(9, "「目标值」列")]
    assert "5% 与 2026-10-01 签订的 4% 不同" in found[0].message and "刘洋（E004）" in found[0].message


def test_changed_weight_is_an_error_at_its_row(tmp_path, base_sheets, make_book):
    db = tmp_path / "h.sqlite"
    agree(db, make_book(base_sheets))
    base_sheets["考核方案"][8][5], base_sheets["考核方案"][9][5] = "50%", "50%"
    found = agreed_problems(db, load_input(make_book(base_sheets)))
    assert [(p.row, p.column) for p in found] == [(9, "「权重」列"), (10, "「权重」列")]
    assert "权重 50% 与 2026-10-01 签订的 60% 不同" in found[0].message


def test_lines_added_or_removed_name_the_plan_and_item(tmp_path, base_sheets, make_book):
    db = tmp_path / "h.sqlite"
    agree(db, make_book(base_sheets))
    ops = base_sheets["考核方案"]
    ops[9] = ["运营专员", None, "考勤", "考勤", "attendance_deduction", "40%", "扣分制", None, None, None, "-2/次"]
    found = errors(agreed_problems(db, load_input(make_book(base_sheets))))
    assert [(p.row, p.column) for p in found] == [(None, ""), (10, "「考核项目」列")]
    assert "方案「运营专员」缺少 2026-10-01 签订的「工作能力」" in found[0].message
    assert "方案「运营专员」的「考勤」是 2026-10-01 签订后新增的项目" in found[1].message


def test_rerecording_replaces_those_employees_only(tmp_path, base_sheets, make_book):
    db = tmp_path / "h.sqlite"
    agree(db, make_book(base_sheets))
    base_sheets["设置"][2][1] = "2026-09"
    agree(db, make_book(base_sheets))
    base_sheets["设置"][2][1] = "2026-10"
    base_sheets["考核方案"][8][7] = "5%"
    corrected = make_book(base_sheets)
    assert errors(agreed_problems(db, load_input(corrected)))
    record_agreed(db, load_input(corrected), date(2026, 10, 3), ["E004"])  # plan re-run for one person
    assert agreed_problems(db, load_input(corrected)) == ()
    october, september = load_agreed(db, "2026-10"), load_agreed(db, "2026-09")
    assert october["E004"][0].target == D("0.05") and october["E004"][0].agreed_on == "2026-10-03"
    assert october["E001"][0].agreed_on == "2026-10-01" and len(october["E004"]) == 2
    assert september["E004"][0].target == D("0.04")  # the other period untouched


def test_nothing_agreed_is_one_warning(tmp_path, make_book):
    inp = load_input(make_book())
    found = agreed_problems(tmp_path / "none.sqlite", inp)
    assert [(p.severity, p.sheet, p.row) for p in found] == [("warning", "", None)]
    assert found[0].message.startswith("本期（2026-10）没有签订记录") and "reporter plan" in found[0].message
    assert not (tmp_path / "none.sqlite").exists()  # looking does not create a history file
    db = tmp_path / "h.sqlite"
    agree(db, make_book(), employee_ids=[])  # an empty plan run records nothing
    assert [p.severity for p in agreed_problems(db, inp)] == ["warning"]


def test_a_history_file_of_the_previous_schema_gains_the_table(tmp_path, make_book):
    db = tmp_path / "old.sqlite"
    book = make_book()
    build_into(db, book)
    with sqlite3.connect(db) as conn:  # as the code before agreed_lines left it: version 1, no table
        conn.execute("DROP TABLE agreed_lines")
        conn.execute("ALTER TABLE results DROP COLUMN improvement")  # a later version's column
        conn.execute("ALTER TABLE results DROP COLUMN bonus_base")  # v8's
        conn.execute("ALTER TABLE periods DROP COLUMN settings")
        conn.execute("PRAGMA user_version = 1")
    inp = agree(db, book)
    assert agreed_problems(db, inp) == ()
    assert [p[0] for p in list_periods(db)] == ["2026-10"]  # the built period kept
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_history_file_of_schema_2_gains_where_each_agreement_was_issued(tmp_path, make_book):
    db = tmp_path / "v2.sqlite"
    book = make_book()
    agree(db, book)
    with sqlite3.connect(db) as conn:  # as version 2 left it: no issued_in, no amendments
        conn.execute("ALTER TABLE agreed_lines DROP COLUMN issued_in")
        conn.execute("DROP TABLE amendments")
        conn.execute("ALTER TABLE results DROP COLUMN improvement")  # a later version's column
        conn.execute("ALTER TABLE results DROP COLUMN bonus_base")  # v8's
        conn.execute("ALTER TABLE periods DROP COLUMN settings")
        conn.execute("PRAGMA user_version = 2")
    agreed = load_agreed(db, "2026-10")
    assert {a.issued_in for lines in agreed.values() for a in lines} == {""}  # kept, issued where unknown
    assert agreed_problems(db, load_input(book)) == ()
    assert load_amendments(db, "2026-10") == ()


def test_build_warns_once_when_nothing_was_agreed_and_stops_on_a_change(tmp_path, base_sheets, make_book):
    book, out = make_book(base_sheets), tmp_path / "out"
    built = CliRunner().invoke(cli, ["build", str(book), "--out", str(out), "--only", "scorecards,summary"])
    assert built.exit_code == 0, built.output
    assert built.output.count("没有签订记录") == 1 and "提示：1 条" in built.output
    db = out / "reporter.sqlite"
    agree(db, book)
    base_sheets["考核方案"][2][7] = 3
    changed = make_book(base_sheets)
    stopped = CliRunner().invoke(cli, ["build", str(changed), "--out", str(tmp_path / "o2"), "--db", str(db)])
    assert stopped.exit_code == 2
    assert "考核方案 › 第 3 行 › 「目标值」列" in stopped.output and "未写入任何文件" in stopped.output
    assert not (tmp_path / "o2" / "2026-10").exists()
    checked = CliRunner().invoke(cli, ["validate", str(changed), "--db", str(db)])
    assert checked.exit_code == 2 and "第 3 行 › 「目标值」列" in checked.output
    assert CliRunner().invoke(cli, ["validate", str(changed)]).exit_code == 0  # without --db: not checked


def test_the_warning_is_in_the_workbooks_language(tmp_path, base_sheets, make_book):
    base_sheets["设置"].append(["语言", "en"])
    found = agreed_problems(tmp_path / "none.sqlite", load_input(make_book(base_sheets)))
    assert found[0].message.startswith("No agreement on record for 2026-10: the plan was not signed")

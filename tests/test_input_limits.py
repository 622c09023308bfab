"""Validation refuses what would fail later: sizes, IDs that collide as tabs, text unfit for mail or file names.

Each case names the cell (sheet › row › column) and is reported once, in `reporter validate`.
"""

from __future__ import annotations

import errno
import re
import time
import zipfile
from dataclasses import astuple

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.input.limits import AROUND_LABEL, FILE_NAME_UNSAFE, LABEL_BYTES, RESERVED_TABS, SHEET_NAME_CHARS
from reporter.input.validate import load_input
from tests.test_inputs import find, problems_of, set_cell

EMPLOYEE_ROW = ["工号", "姓名", "邮箱", "公司", "部门", "岗位", "入职日期", "岗位工资"]


def add_employee(sheets, employee_id: str, email: str) -> int:
    """A fifth employee, like E004 but for ID and e-mail; returns their row."""
    e004 = dict(zip(sheets["员工"][0], sheets["员工"][4], strict=True))
    sheets["员工"].append([{"工号": employee_id, "邮箱": email}.get(h, e004[h]) for h in sheets["员工"][0]])
    return len(sheets["员工"])


# ---------------------------------------------------------------- sizes of numbers

@pytest.mark.parametrize("sheet, row, column, value", [
    ("考核方案", 2, "目标值", 1e308),  # a target (quantity)
    ("考核方案", 2, "目标值", "1e300"),
    ("月度数据", 2, "response_seconds", 1e308),  # seconds
    ("月度数据", 2, "response_seconds", 366 * 24 * 3600 + 1),  # more than a year
    ("月度数据", 2, "bad_reviews", 1e12),  # a count
    ("历史", 2, "部门排名", 1e308),  # a count with only a lower bound in the schema
])
def test_a_huge_number_is_out_of_range_at_its_cell(base_sheets, make_book, sheet, row, column, value):
    base_sheets["历史"] = [["考核期间", "工号", "总分", "等级", "部门排名"], ["2026-09", "E001", 95, "S", 1]]
    set_cell(base_sheets, sheet, row, column, value)
    problem = find(problems_of(make_book(base_sheets)), sheet, row, column, "超出允许范围")
    assert len(problem.message) < 200  # 1e308 is quoted short, not as 309 digits


def test_the_largest_allowed_numbers_pass(base_sheets, make_book):
    set_cell(base_sheets, "月度数据", 2, "response_seconds", 366 * 24 * 3600)
    set_cell(base_sheets, "月度数据", 2, "bad_reviews", 10 ** 9)
    inp = load_input(make_book(base_sheets))
    assert (inp.measures["E001"]["response_seconds"], inp.measures["E001"]["bad_reviews"]) == (31622400, 10 ** 9)


# ---------------------------------------------------------------- sizes of text

@pytest.mark.parametrize("sheet, row, column, value", [
    ("设置", 2, "B 列", "某" * 32767),  # 公司名称: Excel's largest cell
    ("员工", 2, "公司", "某" * 32767),
    ("员工", 2, "姓名", "张" * 101),
    ("评语", 2, "考核评语", "好" * 2001),
])
def test_a_too_long_text_is_refused_quickly_at_its_cell(base_sheets, make_book, sheet, row, column, value):
    if sheet == "设置":
        base_sheets["设置"][1][1] = value
    else:
        set_cell(base_sheets, sheet, row, column, value)
    path = make_book(base_sheets)
    started = time.monotonic()
    problem = find(problems_of(path), sheet, row, column, f"{len(value)} 个字符")
    assert time.monotonic() - started < 5
    assert value not in problem.message


def test_a_comment_may_be_long_and_hold_line_breaks(base_sheets, make_book):
    comment = "好" * 1980 + "\u2028第二行\r\n第三行\u0085第四行"
    set_cell(base_sheets, "评语", 2, "考核评语", comment)
    inp = load_input(make_book(base_sheets))
    assert inp.reviews["E001"].comment == "好" * 1980 + "\n第二行\n第三行\n第四行"


def test_control_characters_escaped_in_the_file_are_read_as_themselves(base_sheets, make_book):
    """A workbook holds a carriage return as _x000D_ and a bell as _x0007_ (OOXML's escape for characters XML
    cannot hold; openpyxl hands it over as text): read as those characters, then checked like any other."""
    set_cell(base_sheets, "评语", 2, "考核评语", "粘贴自 Windows 的第一行\r\n第二行，_x0041_ 照写")
    set_cell(base_sheets, "评语", 3, "考核评语", "响铃\x07")
    path = make_book(base_sheets)
    with zipfile.ZipFile(path) as book:
        held = book.read("xl/sharedStrings.xml").decode()
    assert "第一行_x000D_\n第二行" in held and "响铃_x0007_" in held and "_x005F_x0041_" in held  # as written
    find(problems_of(path), "评语", 3, "考核评语", "含有控制字符 U+0007")
    set_cell(base_sheets, "评语", 3, "考核评语", "响铃")
    inp = load_input(make_book(base_sheets))
    assert inp.reviews["E001"].comment == "粘贴自 Windows 的第一行\n第二行，_x0041_ 照写"


# ---------------------------------------------------------------- one root cause, one problem

@pytest.mark.parametrize("sheet, header, typo", [
    ("员工", "工号", "工号码"), ("员工", "部门", "部 门 名"), ("月度数据", "工号", "工号X"), ("考勤", "工号", "员工号"),
    ("评分", "评分", "分数"), ("考核方案", "评分方法", "评分方式"), ("度量定义", "度量代码", "代码"),
])
def test_a_misspelled_required_header_is_one_problem(base_sheets, make_book, sheet, header, typo):
    base_sheets[sheet][0][base_sheets[sheet][0].index(header)] = typo
    problems = problems_of(make_book(base_sheets))
    assert len(problems) == 1, "\n".join(map(str, problems))
    problem = problems[0]
    assert (problem.sheet, problem.row) == (sheet, 1) and typo in problem.column
    assert f"缺少必填列「{header}」" in problem.message


@pytest.mark.parametrize("sheet", ["员工", "月度数据", "度量定义", "考核方案"])
def test_a_misspelled_sheet_name_is_one_error(base_sheets, make_book, sheet):
    base_sheets[sheet + "表"] = base_sheets.pop(sheet)
    errors = [p for p in problems_of(make_book(base_sheets)) if p.severity == "error"]
    assert len(errors) == 1 and f"缺少工作表「{sheet}」" in errors[0].message, "\n".join(map(str, errors))


def test_a_misspelled_setting_is_one_problem(base_sheets, make_book):
    base_sheets["设置"][4][0] = "人事负责"  # 人事负责人
    problems = problems_of(make_book(base_sheets))
    assert [(p.sheet, p.row, p.column) for p in problems] == [("设置", 5, "A 列")]
    assert "人事负责人" in problems[0].message


def test_data_under_no_header_is_one_problem_per_column(base_sheets, make_book):
    for row in base_sheets["员工"][1:]:
        row.append("多余")
    problem = find(problems_of(make_book(base_sheets)), "员工", 2, "M 列", "没有列名")
    assert "共 4 行" in problem.message
    assert len(problems_of(make_book(base_sheets))) == 1


# ---------------------------------------------------------------- IDs that become tabs and file names

def test_ids_differing_only_in_case_are_reported_at_the_second(base_sheets, make_book):
    row = add_employee(base_sheets, "e001", "e001@example.com")
    problems = problems_of(make_book(base_sheets))
    problem = find(problems, "员工", row, "工号", "第 2 行")
    assert "E001" in problem.message and "e001" in problem.message
    assert len(problems) == 1


def test_ids_sharing_their_first_31_characters_are_reported_at_the_second(base_sheets, make_book):
    stem = "A" * SHEET_NAME_CHARS
    first = add_employee(base_sheets, stem + "1", "a1@example.com")
    second = add_employee(base_sheets, stem + "2", "a2@example.com")
    problem = find(problems_of(make_book(base_sheets)), "员工", second, "工号", f"第 {first} 行")
    assert stem + "1" in problem.message


def test_an_id_named_like_a_summary_tab_is_refused(base_sheets, make_book):
    from reporter.writers.language import language
    from reporter.writers.xlsx.summary import sheet_names

    fixed = {name.casefold() for code in ("zh", "en", "zh-en") for name in astuple(sheet_names(language(code)))}
    assert {name for name in fixed if re.fullmatch("[a-z0-9_-]+", name)} <= RESERVED_TABS  # what an ID can spell
    row = add_employee(base_sheets, "Summary", "s@example.com")
    find(problems_of(make_book(base_sheets)), "员工", row, "工号", "同名")


# ---------------------------------------------------------------- text for mail headers

@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085", "\t"])
def test_a_line_separator_in_a_name_is_refused(base_sheets, make_book, separator):
    set_cell(base_sheets, "员工", 3, "姓名", f"李{separator}娜")
    problem = find(problems_of(make_book(base_sheets)), "员工", 3, "姓名", "换行")
    assert separator == "\t" or f"U+{ord(separator):04X}" in problem.message


@pytest.mark.parametrize("sheet, row, column", [("员工", 2, "部门"), ("员工", 2, "岗位"), ("评分", 2, "考核项目")])
def test_single_line_columns_refuse_a_paragraph_separator(base_sheets, make_book, sheet, row, column):
    set_cell(base_sheets, sheet, row, column, "甲\u2029乙")
    find(problems_of(make_book(base_sheets)), sheet, row, column, "U+2029")


def test_a_line_separator_in_the_company_name_is_refused(base_sheets, make_book):
    base_sheets["设置"][1][1] = "测试\u2028公司"
    find(problems_of(make_book(base_sheets)), "设置", 2, "B 列", "U+2028")


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_a_period_built_before_still_names_the_bad_name_when_mailing(separator):
    from reporter.errors import DeliveryError
    from reporter.mail.message import check_header_text

    with pytest.raises(DeliveryError, match="姓名") as info:
        check_header_text(f"李{separator}娜", "姓名")
    assert "李" in str(info.value)


# ---------------------------------------------------------------- names that become file names

@pytest.mark.parametrize("department, word", [
    ("A/B", "/"), ("A\\B", "\\"), ("客服:一组", ":"), (".hidden", "“.”"), ("客服部\n二组", "换行"),
])
def test_a_department_unfit_for_a_file_name_is_refused(base_sheets, make_book, department, word):
    for row in (2, 3, 4):
        set_cell(base_sheets, "员工", row, "部门", department)
    set_cell(base_sheets, "员工", 5, "部门", "A_B")  # what A/B became when sanitised: one folder for two
    for row in (2, 3, 4):
        assert word in find(problems_of(make_book(base_sheets)), "员工", row, "部门", "").message


def test_the_file_names_refused_are_those_the_writer_would_change():
    from reporter.writers.paths import _UNSAFE

    assert set(_UNSAFE) <= set(FILE_NAME_UNSAFE)


@pytest.mark.parametrize("first, second", [
    (("华东公司", "Sales"), ("华东公司", "SALES")),  # one folder on a case-blind file system
    (("华东公司-A", "B"), ("华东公司", "A-B")),  # the same 公司-部门
])
def test_two_departments_sharing_a_file_name_are_reported_at_the_second(base_sheets, make_book, first, second):
    for row in (2, 3, 4):
        set_cell(base_sheets, "员工", row, "公司", first[0])
        set_cell(base_sheets, "员工", row, "部门", first[1])
    set_cell(base_sheets, "员工", 5, "公司", second[0])
    set_cell(base_sheets, "员工", 5, "部门", second[1])
    problems = problems_of(make_book(base_sheets))
    problem = find(problems, "员工", 5, "部门", "第 2 行")
    assert first[1] in problem.message and len(problems) == 1


def test_a_department_too_long_in_bytes_is_refused_where_the_file_system_would(base_sheets, make_book, tmp_path):
    company = "华东公司"  # 12 bytes, then '-'
    fits = "部" * 72 + "x" * (LABEL_BYTES - 13 - 216)
    for department in (fits, fits + "x"):
        assert len(department) <= 100
        set_cell(base_sheets, "员工", 5, "部门", department)
        label = f"{company}-{department}"
        longest = f".agreements-{label}.pdf.ABCDEFGH"  # the hidden temporary file of the print batch
        assert len(longest.encode()) == len(label.encode()) + AROUND_LABEL
        if department == fits:
            load_input(make_book(base_sheets))
            (tmp_path / longest).write_bytes(b"")  # the file system takes it
        else:
            find(problems_of(make_book(base_sheets)), "员工", 5, "部门", f"{LABEL_BYTES + 1} 字节")
            with pytest.raises(OSError) as info:
                (tmp_path / longest).write_bytes(b"")
            assert info.value.errno == errno.ENAMETOOLONG


def test_a_300_byte_department_is_refused(base_sheets, make_book):
    set_cell(base_sheets, "员工", 2, "部门", "部" * 100)  # 100 characters, 300 bytes
    find(problems_of(make_book(base_sheets)), "员工", 2, "部门", "字节")


# ---------------------------------------------------------------- the command line

def test_validate_names_the_cells_and_exits_2_without_traceback(base_sheets, make_book):
    set_cell(base_sheets, "员工", 3, "姓名", "李\u2028娜")
    set_cell(base_sheets, "员工", 2, "部门", "A/B")
    set_cell(base_sheets, "考核方案", 2, "目标值", 1e308)
    base_sheets["设置"][1][1] = "某" * 32767
    result = CliRunner().invoke(cli, ["validate", str(make_book(base_sheets))], catch_exceptions=False)
    assert result.exit_code == 2
    for where in ("员工 › 第 3 行 › B 列「姓名」", "员工 › 第 2 行 › E 列「部门」", "考核方案 › 第 2 行 › H 列「目标值」",
                  "设置 › 第 2 行 › B 列"):
        assert where in result.stderr
    assert "Traceback" not in result.stderr and "共 4 个问题" in result.stderr
    assert len(result.stderr) < 5000


def test_an_employee_with_a_bad_cell_is_not_unknown_in_their_personal_plan(base_sheets, make_book):
    base_sheets["考核方案"].append([None, "E001", "KPI", "及时响应时间", "response_time", "100%", "达标制", 30])
    set_cell(base_sheets, "员工", 2, "岗位工资", "四千五")
    problems = problems_of(make_book(base_sheets))
    assert len(problems) == 1 and (problems[0].sheet, problems[0].row) == ("员工", 2), "\n".join(map(str, problems))

"""Validation: every broken case named in the issue, each pointing at file › sheet › row › column."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import openpyxl
import pytest

from reporter.errors import InputError, InputFileError
from reporter.input.validate import load_input


def problems_of(path):
    with pytest.raises(InputError) as info:
        load_input(path)
    return info.value.problems


def find(problems, sheet, row, column, text):
    """The one problem at that place whose message says ``text``; fail with the list otherwise."""
    hits = [p for p in problems if p.sheet == sheet and p.row == row and column in p.column and text in p.message]
    assert hits, f"no problem at {sheet} › {row} › {column} saying {text!r}; got:\n" + "\n".join(map(str, problems))
    return hits[0]


def set_cell(sheets, sheet, row, header, value):
    """Set the cell of a data row (1-based row as in Excel) under a header."""
    col = sheets[sheet][0].index(header)
    sheets[sheet][row - 1][col] = value


def edit_book(path, fn):
    wb = openpyxl.load_workbook(path)
    fn(wb)
    wb.save(path)
    return path


# (case, change, sheet, row, column, words in the message)
CELL_CASES = [
    ("ID stored as a number", lambda s: set_cell(s, "员工", 2, "工号", 1001), "员工", 2, "工号", "数字"),
    ("bare 85 in a percent column is ambiguous", lambda s: set_cell(s, "员工", 2, "个人提成比例", 85),
     "员工", 2, "个人提成比例", "不明确"),
    ("percent out of range", lambda s: set_cell(s, "员工", 2, "个人提成比例", "80%"), "员工", 2, "个人提成比例", "范围"),
    ("NaN in a money column", lambda s: set_cell(s, "员工", 3, "岗位工资", "NaN"), "员工", 3, "岗位工资", "数"),
    ("inf in a money column", lambda s: set_cell(s, "员工", 3, "岗位工资", "inf"), "员工", 3, "岗位工资", "数"),
    ("text in a number column", lambda s: set_cell(s, "员工", 3, "岗位工资", "四千五"), "员工", 3, "岗位工资", "四千五"),
    ("negative count", lambda s: set_cell(s, "考勤", 2, "迟到次数", -1), "考勤", 2, "迟到次数", "负"),
    ("fractional count", lambda s: set_cell(s, "考勤", 2, "迟到次数", 1.5), "考勤", 2, "迟到次数", "整数"),
    ("ambiguous date 3/1/2024", lambda s: set_cell(s, "员工", 2, "入职日期", "3/1/2024"), "员工", 2, "入职日期", "不明确"),
    ("malformed e-mail", lambda s: set_cell(s, "员工", 2, "邮箱", "zhangwei@"), "员工", 2, "邮箱", "邮箱"),
    ("two e-mail addresses", lambda s: set_cell(s, "员工", 2, "邮箱", "a@example.com; b@example.com"),
     "员工", 2, "邮箱", "只能填一个"),
    ("missing e-mail", lambda s: set_cell(s, "员工", 2, "邮箱", None), "员工", 2, "邮箱", "必填"),
    ("line break in a name (mail header injection)", lambda s: set_cell(s, "员工", 2, "姓名", "张伟\r\nBcc: all@example.com"),
     "员工", 2, "姓名", "换行"),
    ("encoded word in a name", lambda s: set_cell(s, "员工", 3, "姓名", "=?utf-8?b?5byg5Lyf?= <x@evil.example>"),
     "员工", 3, "姓名", "编码字"),
    ("#DIV/0! cell", lambda s: set_cell(s, "月度数据", 2, "response_seconds", "#DIV/0!"),
     "月度数据", 2, "response_seconds", "#DIV/0!"),
    ("#N/A cell", lambda s: set_cell(s, "月度数据", 2, "bad_reviews", "#N/A"), "月度数据", 2, "bad_reviews", "#N/A"),
    ("row without an ID", lambda s: set_cell(s, "考勤", 3, "工号", None), "考勤", 3, "工号", "没有工号"),
    ("negative money", lambda s: set_cell(s, "员工", 2, "岗位工资", -5), "员工", 2, "岗位工资", "范围"),
]


@pytest.mark.parametrize("case, change, sheet, row, column, text", CELL_CASES, ids=[c[0] for c in CELL_CASES])
def test_bad_cell_is_located(base_sheets, make_book, case, change, sheet, row, column, text):
    change(base_sheets)
    problem = find(problems_of(make_book(base_sheets)), sheet, row, column, text)
    assert problem.file.endswith(".xlsx")
    assert "›" in str(problem)


def test_duplicate_id_after_normalising(base_sheets, make_book):
    set_cell(base_sheets, "员工", 3, "工号", "　Ｅ００１ ")  # full-width and padded: the same as E001
    find(problems_of(make_book(base_sheets)), "员工", 3, "工号", "重复")


def test_full_width_and_padded_ids_are_normalised(base_sheets, make_book):
    set_cell(base_sheets, "月度数据", 2, "工号", " Ｅ００１\u3000")
    set_cell(base_sheets, "员工", 5, "工号", "E004 ")
    inp = load_input(make_book(base_sheets))
    assert inp.measures["E001"]["response_seconds"] == 25
    assert "E004" in {e.employee_id for e in inp.employees}


def test_duplicate_email_across_employees(base_sheets, make_book):
    set_cell(base_sheets, "员工", 3, "邮箱", "ZhangWei@Example.com")
    find(problems_of(make_book(base_sheets)), "员工", 3, "邮箱", "第 2 行")


def test_trailing_total_row(base_sheets, make_book):
    base_sheets["员工"].append(["合计", None, None, None, None, None, None, 22000])
    find(problems_of(make_book(base_sheets)), "员工", 6, "", "合计行")


@pytest.mark.parametrize("value", [0.01, "1%", "１％", "0.01"])
def test_percent_spellings_normalise(base_sheets, make_book, value):
    set_cell(base_sheets, "员工", 2, "个人提成比例", value)
    inp = load_input(make_book(base_sheets))
    assert inp.employees[0].commission_rate == D("0.01")


@pytest.mark.parametrize("value", ["5,000.00", "5，000.00", 5000, "5000"])
def test_thousands_separators(base_sheets, make_book, value):
    set_cell(base_sheets, "员工", 2, "岗位工资", value)
    assert load_input(make_book(base_sheets)).employees[0].position_pay == D("5000")


@pytest.mark.parametrize("value", [date(2020, 3, 1), 43891, "2020/3/1", "2020-03-01", "2020年3月1日"])
def test_date_spellings(base_sheets, make_book, value):
    set_cell(base_sheets, "员工", 2, "入职日期", value)
    assert load_input(make_book(base_sheets)).employees[0].hire_date == date(2020, 3, 1)


def test_missing_sheet(base_sheets, make_book):
    del base_sheets["等级"]
    problems = problems_of(make_book(base_sheets))
    assert any("缺少工作表「等级」" in p.message for p in problems)


def test_missing_required_column(base_sheets, make_book):
    for row in base_sheets["员工"]:
        del row[2]  # 邮箱
    problems = problems_of(make_book(base_sheets))
    assert any(p.sheet == "员工" and "缺少必填列「邮箱」" in p.message for p in problems)


def test_unknown_header_lists_expected_names(base_sheets, make_book):
    base_sheets["员工"][0][1] = "名字"
    problem = find(problems_of(make_book(base_sheets)), "员工", 1, "名字", "未知列名")
    assert "姓名/name" in problem.message and "工号/employee_id" in problem.message


def test_duplicate_header(base_sheets, make_book):
    base_sheets["员工"][0][1] = "工号"
    find(problems_of(make_book(base_sheets)), "员工", 1, "B 列", "列名重复")


def test_english_headers_work(base_sheets, make_book):
    base_sheets["员工"][0] = ["employee_id", "name", "email", "company", "department", "role", "hire_date",
                             "position_pay", "months_absent", "personal_sales", "commission_rate", "commission_pool"]
    assert len(load_input(make_book(base_sheets)).employees) == 4


def test_formula_without_cached_value(base_sheets, make_book):
    path = make_book(base_sheets)
    edit_book(path, lambda wb: wb["员工"].cell(2, 8, "=4000+1000"))
    find(problems_of(path), "员工", 2, "岗位工资", "缓存值")


def test_formula_with_cached_value_is_read(tmp_path, base_sheets, make_book):
    """A workbook saved by a spreadsheet program: the formula's cached value is used."""
    import xlsxwriter

    path = tmp_path / "cached.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    for title, rows in base_sheets.items():
        ws = book.add_worksheet(title)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value is not None and not (title == "员工" and r == 1 and c == 7):
                    ws.write(r, c, value, book.add_format({"num_format": "yyyy-mm-dd"}) if isinstance(value, date) else None)
    book.get_worksheet_by_name("员工").write_formula(1, 7, "=4000+1000", None, 5000)
    book.close()
    assert load_input(path).employees[0].position_pay == 5000


def test_merged_cells_in_data_area(base_sheets, make_book):
    path = edit_book(make_book(base_sheets), lambda wb: wb["员工"].merge_cells("D2:E2"))
    find(problems_of(path), "员工", 2, "", "合并单元格 D2:E2")


def test_hidden_sheet_and_row_are_warnings(base_sheets, make_book):
    def hide(wb):
        wb["评语"].sheet_state = "hidden"
        wb["员工"].row_dimensions[3].hidden = True

    inp = load_input(edit_book(make_book(base_sheets), hide))
    assert any(w.sheet == "评语" and "隐藏" in w.message for w in inp.warnings)
    assert any(w.sheet == "员工" and w.row == 3 and "隐藏" in w.message for w in inp.warnings)


def test_weights_must_sum_to_exactly_100(base_sheets, make_book):
    set_cell(base_sheets, "考核方案", 2, "权重", "30.01%")
    problem = find(problems_of(make_book(base_sheets)), "考核方案", 2, "权重", "100.01")
    assert "须恰好为 100%" in problem.message


def test_plan_item_with_unknown_kpi(base_sheets, make_book):
    set_cell(base_sheets, "考核方案", 3, "指标代码", "bad_reviewz")
    find(problems_of(make_book(base_sheets)), "考核方案", 3, "指标代码", "bad_reviewz")


def test_formula_with_unknown_measure(base_sheets, make_book):
    set_cell(base_sheets, "指标库", 4, "计算公式", "buyers / visitors")
    find(problems_of(make_book(base_sheets)), "指标库", 4, "计算公式", "visitors")


def test_formula_syntax_error_points_at_the_character(base_sheets, make_book):
    set_cell(base_sheets, "指标库", 4, "计算公式", "buyers / / uv")
    problem = find(problems_of(make_book(base_sheets)), "指标库", 4, "计算公式", "第 10 个字符")
    assert "buyers / / uv" in problem.message


@pytest.mark.parametrize("row, max_score, word", [(3, 89, "有空档"), (3, 91, "重叠")])
def test_grade_bands_gap_or_overlap(base_sheets, make_book, row, max_score, word):
    set_cell(base_sheets, "等级", row, "分数上限", max_score)
    find(problems_of(make_book(base_sheets)), "等级", row, "分数上限", word)


@pytest.mark.parametrize("code, word", [("s", "等级代码重复"), ("A*", "通配符")])
def test_grade_codes_that_a_workbook_lookup_would_confuse(base_sheets, make_book, code, word):
    set_cell(base_sheets, "等级", 3, "等级", code)  # the band after S
    problems = problems_of(make_book(base_sheets))
    assert any(p.sheet == "等级" and word in p.message for p in problems)


def test_employee_without_a_plan(base_sheets, make_book):
    set_cell(base_sheets, "员工", 5, "岗位", "数据分析师")
    find(problems_of(make_book(base_sheets)), "员工", 5, "岗位", "没有考核方案")


def test_missing_measure_names_the_cell(base_sheets, make_book):
    set_cell(base_sheets, "月度数据", 5, "uv", None)
    find(problems_of(make_book(base_sheets)), "月度数据", 5, "uv", "刘洋（E004）")


def test_missing_rating(base_sheets, make_book):
    del base_sheets["评分"][3]
    problems = problems_of(make_book(base_sheets))
    assert any("E004" in p.message and "工作能力" in p.message for p in problems)


def test_adjustment_without_a_plan_line(base_sheets, make_book):
    base_sheets["加减分"].append(["E004", "支援客服", 5])
    problems = problems_of(make_book(base_sheets))
    assert any("E004" in p.message and "bonus_points" in p.message for p in problems)


def test_target_change_needs_reason_and_approver(base_sheets, make_book):
    base_sheets["考核方案"][0] += ["原目标值", "调整原因", "批准人"]
    base_sheets["考核方案"][8] += ["5%", None, None]  # the 运营专员 conversion line, Excel row 9
    find(problems_of(make_book(base_sheets)), "考核方案", 9, "调整原因", "批准人")
    base_sheets["考核方案"][8][-2:] = ["市场重大变化", "总经理 赵刚"]
    line = load_input(make_book(base_sheets)).plans["运营专员"].lines[0]
    assert (line.original_target, line.change_reason, line.approved_by) == (D("0.05"), "market_change", "总经理 赵刚")


def test_every_problem_of_a_file_in_one_run(base_sheets, make_book):
    set_cell(base_sheets, "员工", 2, "工号", 1001)
    set_cell(base_sheets, "员工", 3, "邮箱", "bad")
    set_cell(base_sheets, "考勤", 2, "迟到次数", -2)
    set_cell(base_sheets, "考核方案", 2, "权重", "31%")
    set_cell(base_sheets, "等级", 3, "分数上限", 85)
    problems = problems_of(make_book(base_sheets))
    assert {p.sheet for p in problems} >= {"员工", "考勤", "考核方案", "等级"}
    assert len(problems) >= 5


@pytest.mark.parametrize("content, word", [
    (b"\xe5\xb7\xa5\xe5\x8f\xb7,\xe5\xa7\x93\xe5\x90\x8d\nE001,\xe5\xbc\xa0\xe4\xbc\x9f\n", "CSV"),
    (bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 600, ".xls"),
])
def test_not_an_xlsx(tmp_path, content, word):
    path = tmp_path / "input.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputFileError) as info:
        load_input(path)
    assert word in str(info.value)


def test_truncated_workbook(make_book):
    path = make_book()
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(InputFileError, match="损坏|不完整"):
        load_input(path)


def test_appraisal_date_outside_days_5_to_10_warns(base_sheets, make_book):
    base_sheets["设置"].append(["考核日期", date(2026, 11, 20)])
    for row in base_sheets["评语"][1:]:
        row[4] = date(2026, 11, 12)  # after the appraisal on the 6th, before the appeal deadline (the 13th)
    inp = load_input(make_book(base_sheets))
    assert any(w.sheet == "设置" and "5～10 日" in w.message for w in inp.warnings)
    base_sheets["设置"][-1][1] = date(2026, 11, 6)
    assert not load_input(make_book(base_sheets)).warnings


def test_rating_for_an_item_not_in_the_plan_warns(base_sheets, make_book):
    base_sheets["评分"].append(["E004", "工作态度 ", 5])  # E004's plan has 工作能力 only
    inp = load_input(make_book(base_sheets))
    assert any("E004" in w.message and "工作态度" in w.message and "写错" in w.message for w in inp.warnings)


def test_one_mistake_is_reported_once(base_sheets, make_book):
    """A broken formula is not reported again as an unknown KPI in every plan line using it."""
    set_cell(base_sheets, "指标库", 4, "计算公式", "buyers / / uv")
    problems = problems_of(make_book(base_sheets))
    assert len(problems) == 1 and problems[0].sheet == "指标库"


def test_unknown_id_rows_are_grouped(base_sheets, make_book):
    base_sheets["评分"] += [["E404", "工作态度", 3], ["E404", "工作能力", 3]]
    problem = find(problems_of(make_book(base_sheets)), "评分", 5, "工号", "E404")
    assert "共 2 行" in problem.message


@pytest.mark.parametrize("rating, floor, target, ok", [
    (0, None, None, False),  # 0 on the default 1–5 scale
    (6, None, None, False),
    (1, None, None, True), (5, None, None, True), (4.5, None, None, True),
    (0, 0, None, True),  # the plan's 下限 makes 0 a rating
    (8, None, 10, True), (11, None, 10, False),  # a 1–10 scale
])
def test_a_rating_outside_its_lines_scale_is_an_error_at_its_cell(base_sheets, make_book, rating, floor, target, ok):
    plan = next(r for r in base_sheets["考核方案"] if r[3] == "工作能力")
    plan[7], plan[8] = target, floor
    set_cell(base_sheets, "评分", 4, "评分", rating)  # E004's 工作能力
    if ok:
        assert load_input(make_book(base_sheets)).ratings["E004"]["工作能力"] == D(str(rating))
        return
    hit = find(problems_of(make_book(base_sheets)), "评分", 4, "评分", "不在评分标准")
    assert "刘洋（E004）" in hit.message and "工作能力" in hit.message
    assert f"{floor if floor is not None else 1}～{target or 5}" in hit.message


def test_a_rating_scale_must_run_upwards(base_sheets, make_book):
    plan_row = next(i for i, r in enumerate(base_sheets["考核方案"], start=1) if r[3] == "工作能力")
    base_sheets["考核方案"][plan_row - 1][8] = 5  # 下限 5 = 满分 5
    find(problems_of(make_book(base_sheets)), "考核方案", plan_row, "下限", "最低分")


def test_an_interview_before_the_appraisal_is_a_warning_at_its_cell(base_sheets, make_book):
    base_sheets["设置"].append(["考核日期", date(2026, 11, 7)])
    # 评语: E001 and E002 were interviewed on 11-06, E004 on 11-07 (the appraisal day itself is fine).
    problems = load_input(make_book(base_sheets)).warnings
    hit = find(problems, "评语", 2, "面谈日期", "早于考核日期")
    assert "张伟（E001）" in hit.message and "2026-11-06" in hit.message and "2026-11-07" in hit.message
    find(problems, "评语", 3, "面谈日期", "早于考核日期")
    assert not [p for p in problems if p.sheet == "评语" and p.row == 4]
    assert [p.severity for p in problems if "面谈" in p.message] == ["warning", "warning"]


def test_an_interview_after_the_appeal_deadline_is_a_warning_at_its_cell(base_sheets, make_book):
    """The letter prints both dates: an interview after the deadline would leave no time to appeal."""
    base_sheets["评语"][3][4] = date(2026, 11, 14)  # E004; the deadline is 2026-11-13, E001 and E002 on 11-06
    problems = load_input(make_book(base_sheets)).warnings
    hit = find(problems, "评语", 4, "面谈日期", "晚于申诉截止日期")
    assert "刘洋（E004）" in hit.message and "2026-11-14" in hit.message and "2026-11-13" in hit.message
    assert hit.severity == "warning"
    assert [p.row for p in problems if "申诉截止" in p.message] == [4]

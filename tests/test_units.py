"""Units (篇七): validation of the cascade and its alignment codes, and unit scores worked by hand.

The fixture is tests/unit_company.py: 测试集团 → 华东公司 (客服部, 运营部) and 华南公司 (客服部).
"""

from __future__ import annotations

import copy
from datetime import date
from decimal import Decimal

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.errors import InputError
from reporter.input.validate import load_input
from reporter.rules.alignment import alignment, unsupported
from reporter.rules.engine import score_period
from tests.conftest import BASE, write_book
from tests.unit_company import unit_sheets

D = Decimal
HEAD = ["单位代码", "期限", "行代码", "维度", "类别", "考核项目", "指标代码", "权重", "评分方法", "目标值", "下限", "封顶",
        "评分标准", "支撑上级指标", "原目标值", "调整原因", "批准人"]


def plan_row(sheets: dict, code: str) -> list:
    """The 单位方案 row of a line code (the first, for codes two departments share)."""
    return next(r for r in sheets["单位方案"][1:] if r[2] == code)


def row_number(sheets: dict, title: str, row: list) -> int:
    return sheets[title].index(row) + 1  # the header is row 1


def scored(tmp_path, sheets=None):
    inp = load_input(write_book(tmp_path / "units.xlsx", sheets or unit_sheets()))
    return inp, {u.unit.code: u for u in score_period(inp).units}


def problems(tmp_path, sheets) -> list:
    with pytest.raises(InputError) as info:
        load_input(write_book(tmp_path / "bad.xlsx", sheets))
    return [p for p in info.value.problems if p.severity == "error"]


# ------------------------------------------------------------------ scores, worked by hand


def test_three_unit_scores_worked_by_hand(tmp_path):
    inp, units = scored(tmp_path)
    assert not inp.warnings
    # 客服部 of 华东: 成交额 900,000 of 1,000,000 → 0.9 × 30 = 27; 满意度 94 < 95 → 0 (达标制);
    # 响应 30 s target, 24 s actual, lower is better → 30/24 = 1.25, capped at 120 % → 24; 团队建设 4 of 5 → 16.
    kf = units["HD_KF"]
    assert [lr.points for lr in kf.lines] == [D("27.00"), D("0.00"), D("24.00"), D("16.00")]
    assert kf.own_total == kf.total == D("67.00")
    assert kf.people == ("E001", "E002")  # E003 is not appraised (absent 3 months)
    assert kf.people_average == D("81.60")  # (122.20 + 41.00) / 2, the people's totals of test_engine.py
    assert (kf.grade.grade, kf.rank, kf.peers) == ("C", 2, 2)  # 运营部 scores 72.50
    # 华东公司: 成交额 6.6 M of 6 M → 1.1 × 60 = 66; 转换率 7,000 / 200,000 = 3.5 %, linear from 2 % to 4 % → 0.75 × 40 = 30.
    hd = units["HD"]
    assert [lr.points for lr in hd.lines] == [D("66.00"), D("30.00")]
    assert (hd.total, hd.grade.grade, hd.rank, hd.peers) == (D("96.00"), "S", 1, 2)
    assert hd.people == ("E001", "E002", "E004")
    assert hd.people_average == D("75.07")  # (122.20 + 41.00 + 62.00) / 3 = 75.0666…
    # 集团: 成交额 9 M of 10 M → 0.9 × 70 = 63; 满意度 96 ≥ 95 → 10; 组织建设 4 of 5 → 0.8 × 20 = 16.
    jt = units["JT"]
    assert (jt.total, jt.grade.grade, jt.rank, jt.peers) == (D("89.00"), "A", 1, 1)
    assert units["HN"].people == () and units["HN"].people_average is None


def test_blended_unit_scores_worked_by_hand(tmp_path):
    sheets = unit_sheets()
    sheets["设置"] += [["单位得分方式", "与员工平均加权"], ["单位方案权重", "70%"]]
    _, units = scored(tmp_path, sheets)
    assert units["HD_KF"].total == D("71.38")  # 0.7 × 67.00 + 0.3 × 81.60 = 46.90 + 24.48
    assert units["HD_KF"].grade.grade == "B"
    assert units["HD_YY"].total == D("69.35")  # 0.7 × 72.50 + 0.3 × 62.00 = 50.75 + 18.60
    assert (units["HD_KF"].rank, units["HD_YY"].rank) == (1, 2)  # blending turned the order round
    assert units["HN"].total == D("60.00")  # no people: its own plan's total


def test_a_workbook_without_units_scores_people_only(tmp_path):
    inp = load_input(write_book(tmp_path / "plain.xlsx", BASE))
    assert inp.units == {} and score_period(inp).units == ()


def test_an_annual_unit_plan_is_aligned_but_not_scored_in_a_month(tmp_path):
    sheets = unit_sheets()
    sheets["单位方案"].append(["JT", "年度", "JT_Y_GMV", None, "KPI", "年度成交额", "gmv", "100%", "达成率", 120000000,
                              None, "120%", None, None, None, None, None])
    inp, units = scored(tmp_path, sheets)
    assert [p.term.key for p in inp.unit_plans if p.unit == "JT"] == ["2026", "2026-10"]
    assert units["JT"].plan.term.key == "2026-10" and units["JT"].total == D("89.00")
    annual = next(a for a in alignment(inp) if a.line.code == "JT_Y_GMV")
    assert annual.term.key == "2026" and annual.supporters == ()
    assert annual not in unsupported(alignment(inp), inp)  # no company plans for the year: not a gap yet
    sheets["单位方案"].append(["HN", "年度", "HN_Y_GMV", None, "KPI", "年度成交额", "gmv", "100%", "达成率", 48000000,
                              None, "120%", None, None, None, None, None])
    inp, _ = scored(tmp_path, sheets)
    assert [a.line.code for a in unsupported(alignment(inp), inp) if a.term.key == "2026"] == ["JT_Y_GMV"]


def test_alignment_gathers_units_and_people(tmp_path):
    inp, _ = scored(tmp_path)
    aligned = {(a.unit, a.line.code): a for a in alignment(inp)}
    assert [(s.owner, s.person) for s in aligned[("JT", "JT_GMV")].supporters] == [("HD", False), ("HN", False)]
    assert [s.owner for s in aligned[("HD_KF", "KF_RESP")].supporters] == ["E001", "E002", "E003"]
    assert [s.owner for s in aligned[("HD_YY", "YY_CONV")].supporters] == ["E004"]
    nobody = [(a.unit, a.line.code) for a in unsupported(alignment(inp), inp)]
    assert nobody == [("JT", "JT_CSAT"), ("HD_KF", "KF_GMV"), ("HD_KF", "KF_CSAT"), ("HD_YY", "YY_CSAT"),
                      ("HD_YY", "YY_RESP")]  # key goals and the units with nothing below (HN_KF's people) are not flagged


# ------------------------------------------------------------------ validation, at the cell


def test_an_unknown_alignment_code_is_reported_at_its_cell(tmp_path):
    sheets = unit_sheets()
    plan_row(sheets, "HD_GMV")[13] = "JT_SALES"
    person = next(r for r in sheets["考核方案"][1:] if r[3] == "订单转换率")
    person[-1] = "YY_SALES"
    found = problems(tmp_path, sheets)
    unit = next(p for p in found if p.sheet == "单位方案")
    assert (unit.row, unit.column) == (5, "N 列「支撑上级指标」")
    assert "JT_SALES" in unit.message and "华东公司" not in unit.message and "测试集团" in unit.message
    people = next(p for p in found if p.sheet == "考核方案")
    assert people.row == row_number(sheets, "考核方案", person) and "支撑上级指标" in people.column
    assert "YY_SALES" in people.message and "刘洋（E004）" in people.message and "HD_YY" in people.message


def test_an_uncovered_dimension_is_a_warning_at_the_plan(tmp_path):
    sheets = unit_sheets()
    team = next(r for r in sheets["单位方案"][1:] if r[0] == "HD_YY" and r[2] == "YY_TEAM")
    team[3] = "客户"
    inp = load_input(write_book(tmp_path / "dims.xlsx", sheets))
    (warning,) = inp.warnings
    first = next(r for r in sheets["单位方案"][1:] if r[0] == "HD_YY")
    assert (warning.sheet, warning.row, warning.column) == ("单位方案", row_number(sheets, "单位方案", first), "D 列「维度」")
    assert "人与组织" in warning.message and "运营部" in warning.message


def test_structure_weights_approvers_and_figures_are_checked(tmp_path):
    sheets = unit_sheets()
    sheets["组织"][5][3] = "JT"  # a department directly under the group
    plan_row(sheets, "HN_GMV")[7] = "90%"
    plan_row(sheets, "HD_GMV")[16] = "孙总"  # HD's own head, not the group's 韩总
    sheets["单位数据"][6][2] = None  # 华南客服部's gmv
    sheets["员工"][4][4] = "推广部"  # E004 in a department 组织 does not have
    found = {(p.sheet, p.row, p.column.split(" ")[0]): p.message for p in problems(tmp_path, sheets)}
    assert "上级须为区域公司" in found[("组织", 6, "D")]
    assert "90.00%，须恰好为 100%" in found[("单位方案", 7, "H")]
    assert "韩总" in found[("单位方案", 5, "Q")]
    assert "gmv" in found[("单位数据", 7, "C")]
    assert "推广部" in found[("员工", 5, "E")]


def test_unit_codes_and_line_codes_are_checked(tmp_path):
    sheets = unit_sheets()
    sheets["单位方案"].append(["XX", None, "X1", None, "KPI", "x", "gmv", "100%", "达成率", 1, None, None, None, None,
                              None, None, None])
    plan_row(sheets, "KF_RESP")[2] = "KF_GMV"  # twice in 华东客服部
    plan_row(sheets, "YY_RESP")[6] = "late"  # an employee's attendance measure
    found = {(p.sheet, p.row, p.column.split(" ")[0]): p.message for p in problems(tmp_path, sheets)}
    assert "XX" in found[("单位方案", len(sheets["单位方案"]), "A")]
    assert "重复" in found[("单位方案", 10, "C")]
    assert "只属于员工" in found[("单位方案", 14, "G")]


def test_validate_names_the_cell_and_exits_2(tmp_path):
    sheets = unit_sheets()
    plan_row(sheets, "HD_GMV")[13] = "JT_SALES"
    book = write_book(tmp_path / "bad.xlsx", sheets)
    result = CliRunner().invoke(cli, ["validate", str(book)])
    assert result.exit_code == 2
    assert "bad.xlsx › 单位方案 › 第 5 行 › N 列「支撑上级指标」" in result.output and "Traceback" not in result.output


def test_the_history_keeps_each_scored_unit(tmp_path):
    import sqlite3

    from reporter.store.history import record_period
    inp = load_input(write_book(tmp_path / "units.xlsx", unit_sheets()))
    db = tmp_path / "reporter.sqlite"
    record_period(db, score_period(inp), input_sha256="x", built_at="2026-11-06T09:00:00")
    record_period(db, score_period(inp), input_sha256="x", built_at="2026-11-06T10:00:00")  # replaced, not added
    rows = sqlite3.connect(db).execute(
        "SELECT unit, own_total, people, people_average, total, grade, rank, peers FROM unit_results "
        "WHERE period = '2026-10' ORDER BY unit").fetchall()
    assert len(rows) == 6
    assert ("HD_KF", "67.00", 2, "81.60", "67.00", "C", 2, 2) in rows
    assert ("HN", "60.00", 0, None, "60.00", "C", 2, 2) in rows


def test_a_quarter_rolls_the_peoples_quarter_into_the_departments(tmp_path):
    """A quarter's workbook: the units' plans (期限 blank) are quarterly, blended with the people's quarter."""
    sheets = unit_sheets()
    settings = dict((row[0], i) for i, row in enumerate(sheets["设置"]))
    sheets["设置"][settings["考核期间"]][1] = "2026-Q4"
    sheets["设置"][settings["申诉截止日期"]][1] = date(2027, 1, 13)
    sheets["设置"] += [["单位得分方式", "与员工平均加权"], ["单位方案权重", "50%"]]
    sheets["单位方案"].append(["JT", "年度", "JT_Y", None, "KPI", "年度成交额", "gmv", "100%", "达成率", 40000000,
                              None, "120%", None, None, None, None, None])
    inp, units = scored(tmp_path, sheets)
    assert {p.term.key for p in inp.unit_plans} == {"2026-Q4", "2026"}
    kf = units["HD_KF"]
    assert kf.plan.term.key == "2026-Q4" and kf.own_total == D("67.00")
    assert kf.total == D("74.30")  # 0.5 × 67.00 + 0.5 × 81.60: the same figures, now the quarter's
    assert units["JT"].plan.term.key == "2026-Q4"  # the annual plan waits for the year


def test_a_unit_plan_shorter_than_the_period_is_refused(tmp_path):
    sheets = unit_sheets()
    settings = dict((row[0], i) for i, row in enumerate(sheets["设置"]))
    sheets["设置"][settings["考核期间"]][1] = "2026-Q4"
    sheets["设置"][settings["申诉截止日期"]][1] = date(2027, 1, 13)
    plan_row(sheets, "HN_GMV")[1] = "月度"
    (found,) = [p for p in problems(tmp_path, sheets) if p.sheet == "单位方案"]
    assert (found.row, found.column) == (7, "B 列「期限」") and "短于考核期间" in found.message


def test_a_heads_id_and_a_stray_rating_are_checked(tmp_path):
    sheets = unit_sheets()
    sheets["组织"][4][5] = "E999"
    sheets["单位评分"].append(["HD_KF", "制度建设", 3, "孙总"])
    found = problems(tmp_path, sheets)
    assert [(p.sheet, p.row, p.column) for p in found] == [("组织", 5, "F 列「负责人工号」")]
    sheets["组织"][4][5] = None
    inp = load_input(write_book(tmp_path / "stray.xlsx", sheets))
    (warning,) = inp.warnings
    assert (warning.sheet, warning.row) == ("单位评分", 6) and "制度建设" in warning.message


def test_a_persons_agreement_names_the_department_line_it_supports(tmp_path):
    from reporter.writers.pdf.documents import indicator_row
    inp, _ = scored(tmp_path)
    result = score_period(inp)
    line = next(ln for ln in inp.plans["运营专员"].lines if ln.supports)
    assert indicator_row(result, line, employee_id="E004")["supports"] == "YY_CONV 部门转换率"
    sheets = copy.deepcopy(BASE)  # no units: 支撑上级指标 is the company's own words, printed as typed
    sheets["考核方案"][0].append("支撑上级指标")
    for row in sheets["考核方案"][1:]:
        row.append("部门订单转换率" if row[3] == "订单转换率" else None)
    plain = load_input(write_book(tmp_path / "plain.xlsx", sheets))
    free = next(ln for ln in plain.plans["运营专员"].lines if ln.supports)
    assert indicator_row(score_period(plain), free, employee_id="E004")["supports"] == "部门订单转换率"

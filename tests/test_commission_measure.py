"""One fact, one input cell: personal sales for commission taken from a 月度数据 measure (设置 提成销售额度量).

Customer service's own GMV is read by a KPI (the sales share) and is also the base of the personal
commission. With the setting, both read the one cell: in the input (月度数据) and in the scorecard (the
appendix's measure cell, which the pay block's 个人销售额 refers to).
"""

from __future__ import annotations

import io
from decimal import Decimal as D

import openpyxl
import pytest

from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.writers.xlsx.scorecard import render_scorecard
from tests.test_inputs import find, problems_of, set_cell


@pytest.fixture
def linked(base_sheets):
    """The small workbook with own_gmv in 月度数据 and 提成销售额度量 = own_gmv; 员工.个人销售额 cleared."""
    base_sheets["设置"].append(["提成销售额度量", "own_gmv"])
    base_sheets["度量定义"].append(["own_gmv", "个人成交额", "金额"])
    measures = base_sheets["月度数据"]
    measures[0].append("own_gmv")
    for row, value in zip(measures[1:], (120000, 90000, None, None), strict=True):
        row.append(value)
    for row in (2, 3):
        set_cell(base_sheets, "员工", row, "个人销售额", None)
    return base_sheets


def by_id(result, eid):
    return next(r for r in result.results if r.employee.employee_id == eid)


def setting_row(sheets) -> int:
    return next(i for i, row in enumerate(sheets["设置"], start=1) if row[0] == "提成销售额度量")


def test_personal_sales_come_from_the_measure(linked, make_book):
    result = score_period(load_input(make_book(linked)))
    e001, e002 = by_id(result, "E001"), by_id(result, "E002")
    assert (e001.employee.personal_sales, e001.employee.sales_measure) == (D("120000"), "own_gmv")
    # E001 is graded S (coefficient 120 %, test_engine): 120,000 × 1 % × 1.2 = 1,440.00
    assert e001.pay.personal_commission == D("1440.00")
    # E002 is graded D (coefficient 0 %): 90,000 × 1 % × 0 = 0
    assert e002.employee.personal_sales == D("90000") and e002.pay.personal_commission == D("0.00")
    # E004 has no own_gmv (an operations employee): still the 员工 column, here blank → 0
    assert by_id(result, "E004").employee.sales_measure == ""


def test_an_employee_without_the_measure_keeps_the_typed_sales(linked, make_book):
    set_cell(linked, "员工", 5, "个人销售额", 50000)
    set_cell(linked, "员工", 5, "个人提成比例", "2%")
    e004 = by_id(score_period(load_input(make_book(linked))), "E004")
    assert e004.employee.personal_sales == D("50000") and e004.employee.sales_measure == ""
    # E004 is graded by its own plan; whatever the coefficient, the base is the typed 50,000
    assert e004.pay.personal_commission == (D("50000") * D("0.02") * e004.pay.pay_coefficient).quantize(D("0.01"))


def test_the_named_measure_must_exist(linked, make_book):
    linked["设置"][setting_row(linked) - 1][1] = "own_gvm"
    find(problems_of(make_book(linked)), "设置", setting_row(linked), "提成销售额度量", "own_gvm 未在「度量定义」中定义")


def test_a_different_typed_sales_is_an_error_at_its_cell(linked, make_book):
    set_cell(linked, "员工", 3, "个人销售额", 80000)  # 月度数据 says 90,000
    problem = find(problems_of(make_book(linked)), "员工", 3, "个人销售额", "own_gmv（90,000）")
    assert "80,000" in problem.message and "两者不同" in problem.message and "请清空此单元格" in problem.message


def test_the_same_typed_sales_is_a_warning(linked, make_book):
    set_cell(linked, "员工", 2, "个人销售额", 120000)
    inp = load_input(make_book(linked))
    find(list(inp.warnings), "员工", 2, "个人销售额", "与之相同")
    assert by_id(score_period(inp), "E001").employee.sales_measure == "own_gmv"


def test_a_measure_that_is_not_money_is_a_warning(linked, make_book):
    linked["设置"][setting_row(linked) - 1][1] = "bad_reviews"
    inp = load_input(make_book(linked))
    find(list(inp.warnings), "设置", setting_row(linked), "提成销售额度量", "不是金额")


def test_blank_setting_keeps_the_employee_column(base_sheets, make_book):
    result = score_period(load_input(make_book(base_sheets)))
    e001 = by_id(result, "E001")
    assert e001.employee.sales_measure == "" and e001.employee.personal_sales == D("100000")


def row_of(ws, column: str, text: str) -> int:
    return next(c.row for c in ws[column] if c.value == text)


def test_the_scorecard_commission_reads_the_measure_cell(linked, make_book):
    result = score_period(load_input(make_book(linked)))
    r = by_id(result, "E001")
    ws = openpyxl.load_workbook(io.BytesIO(render_scorecard(result, r)))["E001"]
    cached = openpyxl.load_workbook(io.BytesIO(render_scorecard(result, r)), data_only=True)["E001"]
    measure = row_of(ws, "K", "own_gmv")  # listed in the appendix though the plan reads no own_gmv
    assert ws[f"E{measure}"].value == 120000 and ws[f"E{measure}"].protection.locked is False  # the input cell
    sales = row_of(ws, "A", "个人销售额")
    assert ws[f"E{sales}"].value == f"=$E${measure}" and ws[f"E{sales}"].protection.locked is not False
    assert cached[f"E{sales}"].value == 120000
    commission = ws[f"E{row_of(ws, 'A', '个人绩效提成=销售额×比例×系数')}"].value
    assert f"$E${sales}" in commission and commission.startswith("=ROUND(")


def test_without_the_setting_the_scorecard_sales_cell_is_an_input(base_sheets, make_book):
    result = score_period(load_input(make_book(base_sheets)))
    r = by_id(result, "E001")
    ws = openpyxl.load_workbook(io.BytesIO(render_scorecard(result, r)))["E001"]
    sales = ws[f"E{row_of(ws, 'A', '个人销售额')}"]
    assert sales.value == 100000 and sales.protection.locked is False
    assert not any(c.value == "own_gmv" for c in ws["K"])


def test_the_template_has_the_setting_blank(tmp_path):
    from reporter.input.template import write_template

    write_template(tmp_path / "template.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "template.xlsx")["设置"]
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "提成销售额度量")
    assert row[1].value is None and "own_gmv" in row[2].value  # blank: commission from 员工, as before

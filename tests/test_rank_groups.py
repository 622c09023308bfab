"""排名组: employees with a rank group are ranked only within it; a blank group ranks as before."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from reporter.errors import InputError
from reporter.input.validate import load_input
from reporter.rules.engine import score_period


def with_second_operator(sheets, group: str | None):
    """E005 joins 运营部 as a second 运营专员 (a head of the team in practice) with a better month than E004."""
    sheets["员工"][0].append("排名组")
    for row in sheets["员工"][1:]:
        row.append(None)
    sheets["员工"].append(["E005", "孙强", "sunqiang@example.com", "华东公司", "运营部", "运营专员", date(2016, 1, 4),
                         12000, 0, None, None, None, group])
    sheets["月度数据"].append(["E005", "孙强", None, None, 50000, 2000])
    sheets["评分"].append(["E005", "工作能力", 5])
    return sheets


def ranks(result):
    return {r.employee.employee_id: (r.department_rank, r.department_size, r.role_rank, r.role_size)
            for r in result.appraised}


def test_without_groups_everyone_in_the_department_is_ranked_together(base_sheets, make_book):
    # E004: conversion 1500/50000 = 3 % → (3 − 2)/(4 − 2) × 60 = 30, ability 4/5 × 40 = 32: 62.
    # E005: 2000/50000 = 4 % → 60, 5/5 × 40 = 40: 100.
    result = score_period(load_input(make_book(with_second_operator(base_sheets, None))))
    totals = {r.employee.employee_id: r.total for r in result.appraised}
    assert (totals["E004"], totals["E005"]) == (D("62.00"), D("100.00"))
    assert ranks(result)["E004"] == (2, 2, 2, 2)
    assert ranks(result)["E005"] == (1, 2, 1, 2)


def test_a_rank_group_takes_its_members_out_of_their_staffs_ranking(base_sheets, make_book):
    result = score_period(load_input(make_book(with_second_operator(base_sheets, "管理层"))))
    assert ranks(result)["E004"] == (1, 1, 1, 1)
    assert ranks(result)["E005"] == (1, 1, 1, 1)
    e5 = next(r for r in result.appraised if r.employee.employee_id == "E005")
    assert e5.employee.rank_group == "管理层"
    # The customer-service staff, who have no group, rank as before: E001 above E002.
    assert ranks(result)["E001"][:2] == (1, 2) and ranks(result)["E002"][:2] == (2, 2)


def test_members_of_one_group_rank_against_each_other(base_sheets, make_book):
    sheets = with_second_operator(base_sheets, "管理层")
    sheets["员工"][4][-1] = "管理层"  # E004 (row 5) too
    result = score_period(load_input(make_book(sheets)))
    assert ranks(result)["E004"] == (2, 2, 2, 2)
    assert ranks(result)["E005"] == (1, 2, 1, 2)


@pytest.mark.parametrize("group", ["*", "管理?", "<A", "=x", "2024"])
def test_a_rank_group_that_would_be_read_as_a_criterion_is_an_error(base_sheets, make_book, group):
    with pytest.raises(InputError) as info:
        load_input(make_book(with_second_operator(base_sheets, group)))
    hits = [p for p in info.value.problems if p.sheet == "员工" and p.row == 6 and "排名组" in p.column]
    assert hits and "通配符" in hits[0].message


def write_summary_of(result, path):
    from reporter.writers.xlsx.summary import render_summary

    path.write_bytes(render_summary(result))
    return path


def test_the_summary_ranks_by_the_rank_group_column(base_sheets, make_book, tmp_path):
    import openpyxl

    result = score_period(load_input(make_book(with_second_operator(base_sheets, "管理层"))))
    ws = openpyxl.load_workbook(write_summary_of(result, tmp_path / "summary.xlsx"))["汇总"]
    head = [c.value for c in ws[1]]
    group_col = openpyxl.utils.get_column_letter(head.index("排名组") + 1)
    rows = {ws.cell(r, 1).value: r for r in range(2, ws.max_row + 1)}
    assert ws[f"{group_col}{rows['E005']}"].value == "管理层"
    assert ws[f"{group_col}{rows['E004']}"].value in (None, "")
    for title in ("部门排名", "岗位排名"):
        formula = ws.cell(rows["E005"], head.index(title) + 1).value
        assert f"({group_col}{rows['E005']})&\"\"" in formula and f"${group_col}$2:${group_col}$" in formula


@pytest.mark.slow  # LibreOffice recalculates the summary
def test_libreoffice_ranks_by_the_rank_group_like_the_engine(base_sheets, make_book, tmp_path):
    from tests.recalc import assert_parity

    sheets = with_second_operator(base_sheets, "管理层")
    result = score_period(load_input(make_book(sheets)))
    assert assert_parity([write_summary_of(result, tmp_path / "summary.xlsx")], tmp_path / "re") > 0

"""Scorecards and the summary workbook: live formulas that a real spreadsheet program agrees with.

LibreOffice recalculates every generated workbook (recalculation forced, see
recalc.py) and every formula cell must equal the engine's cached value: to the
cent for money, to 1e-9 otherwise.
"""

from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from tests.conftest import SAMPLE
from tests.recalc import assert_parity, compare, recalculate

PERIOD = "2026-10"


def scorecards(folder: Path) -> list[Path]:
    return sorted((folder / "scorecards").rglob("*.xlsx"))


def test_one_scorecard_per_appraised_employee(sample_build, sample_result):
    files = {p.stem: p for p in scorecards(sample_build)}
    appraised = {r.employee.employee_id for r in sample_result.appraised}
    assert set(files) == appraised and "HZ0017" not in files  # on leave: no scorecard
    hz0016 = files["HZ0016"]
    assert hz0016.parent.name == "华东公司-客服部" and hz0016.name == "HZ0016.xlsx"


def test_sample_parity_with_libreoffice(sample_build, tmp_path):
    """Every formula cell of the summary and of every scorecard, recalculated by LibreOffice."""
    checked = assert_parity([sample_build / "summary.xlsx", *scorecards(sample_build)], tmp_path)
    assert checked > 3000


def test_planted_wrong_cached_value_is_caught(sample_build, tmp_path):
    """Change one cached total inside a real scorecard: the parity check must name it."""
    original = sample_build / "scorecards" / "华东公司-客服部" / "HZ0016.xlsx"
    planted = tmp_path / "planted" / "HZ0016.xlsx"
    planted.parent.mkdir()
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(planted, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, count = re.subn(rb"(<f>ROUND\(MAX\(0,SUM[^<]*</f><v>)110\.4(</v>)", rb"\g<1>101.4\g<2>", data)
                assert count == 1
            dst.writestr(item, data)
    recalculated = recalculate([planted], tmp_path / "re")[planted]
    mismatches, _ = compare(planted, recalculated)
    assert len(mismatches) == 1
    text = str(mismatches[0])
    assert "HZ0016.xlsx" in text and "101.4" in text and "110.4" in text and "ROUND(MAX(0,SUM" in text


def find_row(ws, column: str, text: str) -> int:
    for row in range(1, ws.max_row + 1):
        value = ws[f"{column}{row}"].value
        if isinstance(value, str) and value.startswith(text):
            return row
    raise AssertionError(f"{text!r} not found in column {column}")


def test_edit_and_recalculate_matches_the_engine(sample_build, tmp_path):
    """HR corrects three inputs in HZ0016's scorecard; LibreOffice must reach the engine's new numbers."""
    card = tmp_path / "edited" / "HZ0016.xlsx"
    card.parent.mkdir()
    shutil.copy(sample_build / "scorecards" / "华东公司-客服部" / "HZ0016.xlsx", card)
    wb = openpyxl.load_workbook(card)
    ws = wb["HZ0016"]
    ws[f"E{find_row(ws, 'K', 'response_seconds')}"] = 45  # now fails "≤ 30 s"
    ws[f"E{find_row(ws, 'K', 'own_gmv')}"] = 100000  # sales share falls below target
    ws[f"I{find_row(ws, 'C', '工作态度')}"] = 2  # attitude rated 2 instead of 5
    wb.save(card)

    # The same corrections in the input workbook, scored by the engine.
    book = openpyxl.load_workbook(SAMPLE)
    for sheet, header, eid, value in (("月度数据", "response_seconds", "HZ0016", 45),
                                      ("月度数据", "own_gmv", "HZ0016", 100000)):
        ws_in = book[sheet]
        col = [c.value for c in ws_in[1]].index(header) + 1
        row = next(r for r in range(2, ws_in.max_row + 1) if ws_in.cell(r, 1).value == eid)
        ws_in.cell(row, col, value)
    ratings = book["评分"]
    row = next(r for r in range(2, ratings.max_row + 1)
               if ratings.cell(r, 1).value == "HZ0016" and ratings.cell(r, 3).value == "工作态度")
    ratings.cell(row, 4, 2)
    changed = tmp_path / "changed.xlsx"
    book.save(changed)
    expected = next(r for r in score_period(load_input(changed)).results if r.employee.employee_id == "HZ0016")

    recalculated = recalculate([card], tmp_path / "re")[card]
    got = openpyxl.load_workbook(recalculated, data_only=True)["HZ0016"]
    first_line = find_row(got, "C", "及时响应时间")
    points = [D(str(round(got[f"J{first_line + i}"].value, 2))) for i in range(len(expected.lines))]
    assert points == [lr.points for lr in expected.lines]
    total_row = find_row(got, "A", "总分")
    assert D(str(round(got[f"J{total_row}"].value, 2))) == expected.total
    assert expected.total < D("90") and got[f"J{total_row + 1}"].value == expected.grade.grade == "A"
    pay = {label: D(str(round(got[f"{col}{find_row(got, col_label, label)}"].value, 2)))
           for label, col, col_label in (("个人绩效提成", "E", "A"), ("绩效系数", "E", "A"), ("公共绩效提成", "I", "F"))}
    assert pay["绩效系数"] == expected.pay.pay_coefficient
    assert pay["个人绩效提成"] == expected.pay.personal_commission  # 318,640 × 1 % × 110 %
    assert pay["公共绩效提成"] == expected.pay.shared_commission
    pay_total = D(str(round(got[f"E{find_row(got, 'A', '应发合计')}"].value, 2)))
    assert pay_total - expected.pay.total == D("200") - expected.pay.one_time_bonus  # the bonus cell is an input


def test_round_trip_with_openpyxl(sample_build, sample_result):
    path = sample_build / "scorecards" / "华东公司-客服部" / "HZ0016.xlsx"
    formulas = openpyxl.load_workbook(path)
    cached = openpyxl.load_workbook(path, data_only=True)
    assert formulas.sheetnames == ["HZ0016"]
    ws, values = formulas["HZ0016"], cached["HZ0016"]
    line_row = find_row(ws, "C", "成交额转换率")
    assert ws[f"I{line_row}"].value.startswith("=IF(") and "/" in ws[f"I{line_row}"].value  # own_gmv / team_avg_gmv
    assert ws[f"J{line_row}"].value.startswith("=ROUND(") and "MIN(" in ws[f"J{line_row}"].value
    assert values[f"J{line_row}"].value == pytest.approx(14.4)
    total_row = find_row(ws, "A", "总分")
    assert values[f"J{total_row}"].value == pytest.approx(110.4) and values[f"J{total_row + 1}"].value == "S"
    assert ws[f"J{total_row + 1}"].value.startswith("=LOOKUP(")
    # protection: formula cells locked under sheet protection, inputs unlocked and yellow
    assert ws.protection.sheet
    assert ws[f"J{line_row}"].protection.locked
    measure = ws[f"E{find_row(ws, 'K', 'own_gmv')}"]
    assert not measure.protection.locked and measure.fill.fgColor.rgb.endswith("FFF2CC")
    # number formats: percent weights, money with ¥ and two decimals, seconds
    assert ws[f"D{line_row}"].number_format.endswith("%")
    assert "¥" in ws[f"E{find_row(ws, 'A', '应发合计')}"].number_format
    assert "秒" in ws[f"E{find_row(ws, 'K', 'response_seconds')}"].number_format
    # print setup: A4, one page wide, title rows repeated
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$2"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToHeight == 0  # width 1 is the default


def test_injected_text_is_a_string_cell(hostile_build):
    out = hostile_build.out  # E001's name, a bonus item and a comment typed as formulas; exit code: the fixture
    card = openpyxl.load_workbook(next((out / PERIOD / "scorecards").rglob("E001.xlsx")))["E001"]
    texts = [c for row in card.iter_rows() for c in row if isinstance(c.value, str) and c.value[:1] in "=@+"]
    injected = [c for c in texts if "HYPERLINK" in c.value or "cmd|" in c.value]
    assert len(injected) == 2 and all(c.data_type == "s" for c in injected)
    summary = openpyxl.load_workbook(out / PERIOD / "summary.xlsx")["汇总"]
    name = next(c for row in summary.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value)
    assert name.data_type == "s"


def test_same_input_gives_identical_bytes(sample_build, tmp_path):
    again = tmp_path / "again"
    args = ["build", str(SAMPLE), "--out", str(again), "--only", "scorecards,summary"]  # PDFs: test_letters
    assert CliRunner().invoke(cli, args).exit_code == 0
    for path in [sample_build / "summary.xlsx", *scorecards(sample_build)]:
        twin = again / PERIOD / path.relative_to(sample_build)
        assert twin.read_bytes() == path.read_bytes(), path.name


def test_summary_workbook_sheets(sample_build, sample_result):
    path = sample_build / "summary.xlsx"
    wb = openpyxl.load_workbook(path)
    appraised = [r.employee.employee_id for r in sample_result.appraised]
    assert wb.sheetnames[:7] == ["汇总", "等级分布", "部门统计", "工资表", "未参与考核", "提示", "规则"]
    assert sorted(wb.sheetnames[7:]) == sorted(appraised)
    summary = wb["汇总"]
    assert summary.auto_filter.ref == f"A1:S{len(sample_result.results) + 1}"
    assert summary["J2"].value.startswith("=COUNTIFS(")  # department rank
    values = openpyxl.load_workbook(path, data_only=True)
    rows = {r[0].value: r for r in values["汇总"].iter_rows(min_row=2) if r[0].value}
    assert rows["HZ0016"][6].value == pytest.approx(110.4) and rows["HZ0016"][7].value == "S"
    assert rows["HZ0017"][5].value == "未参与考核" and "缺岗" in rows["HZ0017"][18].value
    not_appraised = [r[0].value for r in values["未参与考核"].iter_rows(min_row=2)]
    assert not_appraised == ["HZ0017"]
    distribution = {r[0].value: r[3].value for r in values["等级分布"].iter_rows(min_row=2) if r[0].value != "合计"}
    assert sum(distribution.values()) == len(appraised)
    assert distribution["D"] == sum(1 for r in sample_result.appraised if r.grade.grade == "D")
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())  # native Excel chart
    payroll = values["工资表"]
    assert payroll["B2"].value == sample_result.results[0].employee.employee_id


@pytest.mark.slow
def test_sheet_password_comes_from_the_environment(tmp_path, make_book):
    out = tmp_path / "out"
    result = CliRunner(env={"REPORTER_SHEET_PASSWORD": "hr-2026"}).invoke(
        cli, ["build", str(make_book()), "--out", str(out)])
    assert result.exit_code == 0
    card = openpyxl.load_workbook(next((out / PERIOD / "scorecards").rglob("E001.xlsx")))["E001"]
    assert card.protection.sheet and card.protection.password  # a hash, not the password itself
    assert b"hr-2026" not in next((out / PERIOD / "scorecards").rglob("E001.xlsx")).read_bytes()


@pytest.mark.slow
def test_random_organisation_parity(tmp_path):
    """A seeded synthetic group of 220 people: every formula of the summary (with all scorecard sheets)."""
    from reporter.samples.demo_data import write_demo_workbook

    source = tmp_path / "group.xlsx"
    write_demo_workbook(source, employees=220, seed=20261124)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(source), "--out", str(out), "--only", "scorecards,summary"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sample_cards = scorecards(out / PERIOD)[:10]
    checked = assert_parity([out / PERIOD / "summary.xlsx", *sample_cards], tmp_path / "parity")
    assert checked > 10_000

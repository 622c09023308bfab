"""Scorecards and the summary workbook: live formulas that a real spreadsheet program agrees with.

LibreOffice recalculates every generated workbook (recalculation forced, see
recalc.py) and every formula cell must equal the engine's cached value: to the
cent for money, to 1e-9 otherwise.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.input.validate import load_input
from reporter.rules.engine import TOTAL_FORMULA, score_period
from reporter.rules.pay import PAY_FORMULAS
from reporter.rules.rulebook import ANNUAL_RULES, RULE_FORMULAS
from reporter.rules.scoring import METHOD_FORMULAS
from reporter.writers.xlsx.scorecard import render_scorecard
from reporter.writers.xlsx.summary import render_summary
from tests.conftest import SAMPLE, streak_of_two
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
           for label, col, col_label in (("个人绩效提成", "E", "A"), ("绩效系数", "E", "A"), ("公共绩效提成", "K", "F"))}
    assert pay["绩效系数"] == expected.pay.pay_coefficient
    assert pay["个人绩效提成"] == expected.pay.personal_commission
    # One cell: own_gmv is both the sales share's measure and the personal sales for commission.
    # sales share 100,000 / 195,394.24 = 51.18 % × 12 = 6.14; commission 100,000 × 1 % × grade A 110 % = 1,100.00
    assert points[find_row(got, "C", "成交额转换率") - first_line] == D("6.14")
    assert pay["个人绩效提成"] == D("1100.00")
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
    grade_rule = rf"=INDEX\(\$A\$\d+:\$A\$\d+,MATCH\(\$J\${total_row},\$C\$\d+:\$C\$\d+,1\)\)"
    assert re.fullmatch(grade_rule, ws[f"J{total_row + 1}"].value)  # the grade rule, over the appendix's band table
    # protection: formula cells locked under sheet protection, inputs unlocked and yellow
    assert ws.protection.sheet
    assert ws[f"J{line_row}"].protection.locked
    measure = ws[f"E{find_row(ws, 'K', 'own_gmv')}"]
    assert not measure.protection.locked and measure.fill.fgColor.rgb.endswith("FFF2CC")
    # number formats: percent weights, money with ¥ and two decimals, seconds
    assert ws[f"D{line_row}"].number_format.endswith("%")
    assert "¥" in ws[f"E{find_row(ws, 'A', '应发合计')}"].number_format
    assert values[f"K{find_row(ws, 'F', '参与分配人数')}"].value == 5  # the pool's appraised members (HZ0017 on leave)
    seconds = find_row(ws, 'K', 'response_seconds')  # the appendix: the unit in its own column, not twice
    assert ws[f"F{seconds}"].value == "秒" and "秒" not in ws[f"E{seconds}"].number_format
    assert "秒" in ws[f"I{find_row(ws, 'C', '及时响应时间')}"].number_format  # the plan line: the unit in the format
    # print setup: A4 landscape at a fixed scale (10-pt text prints at 8 pt or more), title rows repeated
    assert ws.page_setup.paperSize == 9 and ws.print_title_rows == "$1:$2"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.scale >= 80


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
    assert wb.sheetnames[:11] == ["汇总", "等级分布", "部门统计", "校准", "工资表", "未参与考核", "提示", "规则",
                                  "单位汇总", "目标对齐", "目标调整"]  # the sample has units (篇七)
    assert sorted(wb.sheetnames[11:]) == sorted(appraised)
    summary = wb["汇总"]
    assert summary.auto_filter.ref == f"A1:U{len(sample_result.results) + 1}"  # T: 排名组, read by the ranks
    assert summary["U1"].value == "直属上级" and summary["U2"].value == "沈国华"  # the reviewer 校准 groups by
    assert summary["T1"].value == "排名组" and summary["T2"].value == "管理层"  # HZ0001, the operations director
    assert summary["J2"].value.startswith("=COUNTIFS(")  # department rank
    values = openpyxl.load_workbook(path, data_only=True)
    rows = {r[0].value: r for r in values["汇总"].iter_rows(min_row=2) if r[0].value}
    assert rows["HZ0016"][6].value == pytest.approx(110.4) and rows["HZ0016"][7].value == "S"
    assert rows["HZ0017"][5].value == "未参与考核" and "未到岗" in rows["HZ0017"][18].value
    not_appraised = [r[0].value for r in values["未参与考核"].iter_rows(min_row=2)]
    assert not_appraised == ["HZ0017"]
    distribution = {r[0].value: r[3].value for r in values["等级分布"].iter_rows(min_row=2) if r[0].value != "合计"}
    assert sum(distribution.values()) == len(appraised)
    assert distribution["D"] == sum(1 for r in sample_result.appraised if r.grade.grade == "D")
    with zipfile.ZipFile(path) as z:
        assert any(n.startswith("xl/charts/chart") for n in z.namelist())  # native Excel chart
    payroll = values["工资表"]
    assert payroll["B2"].value == sample_result.results[0].employee.employee_id
    shown = {c.value for row in wb["规则"].iter_rows() for c in row}
    period_rules = {text for name, text in RULE_FORMULAS.items() if name not in ANNUAL_RULES}  # annual: reporter annual
    every_rule = {TOTAL_FORMULA, *period_rules, *PAY_FORMULAS.values(), *METHOD_FORMULAS.values()}
    assert every_rule <= shown  # the 规则 sheet lists the text of every rule the workbook computes with


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
    """A seeded synthetic group of 120 people: every formula of the summary (with all scorecard sheets)."""
    from reporter.samples.demo_data import write_demo_workbook

    source = tmp_path / "group.xlsx"
    write_demo_workbook(source, employees=120, seed=20261124)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(source), "--out", str(out), "--only", "scorecards,summary"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    sample_cards = scorecards(out / PERIOD)[:10]
    checked = assert_parity([out / PERIOD / "summary.xlsx", *sample_cards], tmp_path / "parity")
    assert checked > 5_000, checked  # about 55 formula cells per employee


def summary_rows(result, sheet: str) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(render_summary(result)), read_only=True)
    return [row for row in book[sheet].iter_rows(min_row=2, values_only=True) if row[0]]


def card_texts(result, employee_id: str) -> list[str]:
    r = next(x for x in result.results if x.employee.employee_id == employee_id)
    ws = openpyxl.load_workbook(io.BytesIO(render_scorecard(result, r)), read_only=True)[employee_id]
    return [v for row in ws.iter_rows(values_only=True) for v in row if isinstance(v, str)]


def test_streak_of_two_in_the_summary_and_scorecards(base_sheets, make_book):
    """连续月数 = 2, E001 first and E002 failing in 2026-09 and now: the words say 2; E002's card says nothing."""
    result = score_period(load_input(make_book(streak_of_two(base_sheets))))
    notes = {row[0]: row[18] for row in summary_rows(result, "汇总")}
    assert notes["E001"] == "连续 2 个月部门排名第一，发放一次性奖励 ¥200.00"
    assert notes["E002"] == "连续 2 个月考核不及格，需跟进"
    e001 = card_texts(result, "E001")
    assert any("一次性奖励：连续 2 个月第一" in t for t in e001)  # the pay block's note
    assert "岗位排名 1/2；连续 2 个月部门排名第一，发放一次性奖励 ¥200.00" in e001  # E001 and E002 share the role
    e002 = card_texts(result, "E002")
    assert any("一次性奖励：连续 2 个月第一" in t for t in e002) and "岗位排名 2/2" in e002
    assert not any("不及格" in t or "跟进" in t for t in e002)


def test_quarterly_streak_counts_quarters(base_sheets, make_book):
    base_sheets["设置"][2][1] = "2026-Q3"
    base_sheets["设置"].append(["连续月数", 2])
    base_sheets["历史"] = [["考核期间", "工号", "总分", "等级", "部门排名"], ["2026-Q2", "E001", 95, "S", 1]]
    result = score_period(load_input(make_book(base_sheets)))
    notes = {row[0]: row[18] for row in summary_rows(result, "汇总")}
    assert notes["E001"] == "连续 2 个季度部门排名第一，发放一次性奖励 ¥200.00"
    assert any("一次性奖励：连续 2 个季度第一" in t for t in card_texts(result, "E001"))


def test_absence_limit_and_zero_divisor_reach_the_summary(base_sheets, make_book):
    base_sheets["设置"].append(["缺勤上限月数", 1])
    base_sheets["月度数据"][4][4] = 0  # E004 刘洋: uv = 0 → conversion buyers / uv taken as 0
    result = score_period(load_input(make_book(base_sheets)))
    reason = "考评期内累计未到岗 3 个月，超过 1 个月，按制度不参与本期考核"
    assert [(row[0], row[6]) for row in summary_rows(result, "未参与考核")] == [("E003", reason)]
    assert {row[0]: row[18] for row in summary_rows(result, "汇总")}["E003"] == reason
    assert [row[5] for row in summary_rows(result, "提示")] == ["刘洋（E004）：指标「订单转换率」的分母 uv 为 0，指标值按 0 计"]


def tied_company(sheets: dict) -> dict:
    """The fixture company, changed so that the rules meet their corners.

    客服部: E001 and E002 tie at 122.20 (E002: clean attendance +3, bonus 12 + 10 capped at 20, penalty −3);
    E005 lands exactly on the S boundary, 90.00 = 30 + 31.2 + attitude 2/5 × 30 + 4 + 10 + bonus 3 + 2
    − penalties 1.2 + 1.  运营部: E006 lands exactly on the A boundary, 80.00 = conversion 3.6 % (48) +
    ability 4/5 × 40; E004 scores 62.  Annual rewards: E006 sales exactly at the 80 % threshold
    (800,000 × 0.3 % = 2,400), campaign below it (0); E004 4,320.99 + 2,250.00 = 6,570.99.
    """
    staff = sheets["员工"]
    staff.append(["E005", "赵磊", "zhaolei@example.com", "华东公司", "客服部", "在线客服专员", date(2023, 5, 1), 4500, 0,
                  50000, "1%", "客服池"])
    staff.append(["E006", "孙丽", "sunli@example.com", "华东公司", "运营部", "运营专员", date(2021, 7, 1), 8000, 0,
                  None, None, None])
    sheets["月度数据"][2][2:4] = [25, 0]
    sheets["月度数据"] += [["E005", "赵磊", 25, 0, None, None], ["E006", "孙丽", None, None, 50000, 1800]]
    sheets["考勤"][2][2:7] = [0, 0, 0, 4, 4]
    sheets["考勤"].append(["E005", "赵磊", 0, 0, 0, 4, 4])
    sheets["评分"][2][2] = 5
    sheets["评分"] += [["E005", "工作态度", 2], ["E006", "工作能力", 4]]
    sheets["加减分"] = [sheets["加减分"][0], ["E001", "双11值班支援", 15], ["E001", "大促客服培训讲师", 8],
                     ["E002", "夜班支援", 12], ["E002", "新人带教", 10], ["E002", "违规用语", -3],
                     ["E005", "活动支援", 3], ["E005", "知识库整理", 2], ["E005", "超时回复", -1.2], ["E005", "漏登记", -1]]
    sheets["年度奖励"] = [
        ["工号", "年销售目标", "年销售实绩", "销售奖励比例", "活动销售目标", "活动销售实绩", "活动奖励比例", "达成率门槛"],
        ["E006", 1000000, 800000, "0.3%", 500000, 390000, "0.5%", "80%"],
        ["E004", 1000000, 1234567.89, "0.35%", 500000, 500001, "0.45%", "80%"]]
    return sheets


def exact_row(ws, column: str, text: str) -> int:
    return next(row for row in range(1, ws.max_row + 1) if ws[f"{column}{row}"].value == text)


@pytest.mark.slow
def test_ties_boundaries_and_adjustments_recalculated_by_libreoffice(tmp_path, base_sheets, make_book):
    """Grade, coefficient, ranks, bonus/penalty sums and annual reward: LibreOffice recalculates what the engine says."""
    source = make_book(tied_company(base_sheets))
    result = score_period(load_input(source))
    by_id = {r.employee.employee_id: r for r in result.results}
    # The engine, worked by hand (see tied_company).
    assert by_id["E001"].total == by_id["E002"].total == D("122.20")
    assert [by_id[e].department_rank for e in ("E001", "E002", "E005", "E004", "E006")] == [1, 1, 3, 2, 1]
    assert [by_id[e].role_rank for e in ("E001", "E002", "E005", "E004", "E006")] == [1, 1, 3, 2, 1]
    assert (by_id["E005"].total, by_id["E005"].grade.grade, by_id["E005"].pay.pay_coefficient) == (D("90.00"), "S", D("1.2"))
    assert (by_id["E006"].total, by_id["E006"].grade.grade, by_id["E006"].pay.pay_coefficient) == (D("80.00"), "A", D("1.1"))
    assert (by_id["E006"].pay.annual_reward, by_id["E004"].pay.annual_reward) == (D("2400.00"), D("6570.99"))

    out = tmp_path / "out"
    args = ["build", str(source), "--out", str(out), "--only", "scorecards,summary"]
    assert CliRunner().invoke(cli, args, catch_exceptions=False).exit_code == 0
    summary, cards = out / PERIOD / "summary.xlsx", scorecards(out / PERIOD)
    recalculated = recalculate([summary, *cards], tmp_path / "re")
    assert compare(summary, recalculated[summary])[0] == []
    for card in cards:
        assert compare(card, recalculated[card])[0] == []

    # LibreOffice's own numbers, read back, against the engine's.
    sheet = openpyxl.load_workbook(recalculated[summary], data_only=True)["汇总"]
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2) if row[0].value in by_id}
    for eid, r in by_id.items():
        if r.appraised:
            grade, name, dept_rank, role_rank, coefficient = (c.value for c in rows[eid][7:12])
            assert (grade, name, dept_rank, role_rank) == (r.grade.grade, r.grade.name, r.department_rank, r.role_rank)
            assert D(str(round(coefficient, 4))) == r.pay.pay_coefficient
    for card in cards:
        eid = card.stem
        ws = openpyxl.load_workbook(recalculated[card], data_only=True)[eid]
        r = by_id[eid]
        assert ws[f"J{find_row(ws, 'A', '等级')}"].value == r.grade.grade
        values = {lr.line.kpi: lr.value for lr in r.lines}
        for item, kpi in (("自愿性任务", "bonus_points"), ("违规扣分", "penalty_points")):
            if kpi in values:
                assert D(str(round(ws[f"I{find_row(ws, 'C', item)}"].value, 2))) == values[kpi]
        if r.pay.annual_reward is not None:
            assert D(str(round(ws[f"E{exact_row(ws, 'A', '预计年度绩效奖励')}"].value, 2))) == r.pay.annual_reward
    sums = {eid: {lr.line.kpi: lr.value for lr in by_id[eid].lines} for eid in ("E002", "E005")}
    assert (sums["E002"]["bonus_points"], sums["E002"]["penalty_points"]) == (D(22), D(-3))
    assert (sums["E005"]["bonus_points"], sums["E005"]["penalty_points"]) == (D(5), D("-2.2"))

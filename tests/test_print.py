"""Workbooks that print: page setup of every sheet, input validation, units, the payroll sheet's totals.

The fast tests read the workbooks back with openpyxl; the slow ones print them through LibreOffice
(PDF export) and read the pages with pdfplumber and pdftotext, as the person holding the paper would.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import re
import subprocess
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from reporter.errors import Problem
from reporter.period import parse_period
from reporter.writers.payroll_csv import render_payroll_csv
from reporter.writers.xlsx.scorecard import render_scorecard
from reporter.writers.xlsx.summary import render_summary

MONTHLY_PARTS = ("岗位工资", "个人绩效提成", "公共绩效提成", "工龄工资", "一次性奖励")


@pytest.fixture(scope="module")
def summary_book(sample_result, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("print") / "summary.xlsx"
    path.write_bytes(render_summary(sample_result))
    return path


@pytest.fixture(scope="module")
def summary_formulas(summary_book):
    """The summary read once per module (47 scorecard sheets: each load takes seconds). Read only."""
    return openpyxl.load_workbook(summary_book)


@pytest.fixture(scope="module")
def summary_cached(summary_book):
    return openpyxl.load_workbook(summary_book, data_only=True)


def director(result):
    return next(r for r in result.appraised if r.pay.annual_reward is not None)


def cents(value) -> D:
    return D(str(value)).quantize(D("0.01"))


@pytest.mark.slow  # reads the sample's 54-sheet summary
def test_every_sheet_of_the_summary_has_print_settings(summary_formulas, sample_result):
    book = summary_formulas
    settings = sample_result.input.settings
    assert len(book.sheetnames) == 11 + len(sample_result.appraised)  # the sample has the three unit sheets
    for ws in book.worksheets:
        setup = ws.page_setup
        assert setup.paperSize == 9, ws.title
        assert setup.orientation in ("portrait", "landscape"), ws.title
        assert ws.page_margins.left <= 0.5 and ws.page_margins.top >= 0.5, ws.title
        assert ws.print_area, ws.title
        header, footer = ws.oddHeader, ws.oddFooter
        assert settings.company in header.left.text and settings.period.label in header.right.text, ws.title
        assert "&P" in footer.center.text and "&N" in footer.center.text, ws.title
        fitted = ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else False
        if fitted:
            assert setup.fitToWidth in (None, 1), ws.title  # omitted in the file when 1, the default
        else:
            assert setup.scale and setup.scale >= 80, ws.title  # 10-pt text never prints below 8 pt
    for name in ("汇总", "工资表", "提示", "未参与考核"):
        assert book[name].page_setup.orientation == "landscape" and book[name].print_title_rows == "$1:$1"


@pytest.mark.slow  # reads the sample's 54-sheet summary
def test_payroll_sheet_has_totals_and_an_approval_block(summary_formulas, summary_cached, sample_result):
    formulas = summary_formulas["工资表"]
    cached = summary_cached["工资表"]
    titles = [c.value for c in formulas[1]]
    people = len(sample_result.results)
    total_row = people + 2
    assert str(formulas.cell(total_row, 1).value).startswith("合计")
    for title in (*MONTHLY_PARTS, "应发合计"):
        col = titles.index(title) + 1
        assert formulas.cell(total_row, col).value.startswith("=SUM(")
        column = sum((cents(cached.cell(r, col).value) for r in range(2, total_row)), D(0))
        assert cents(cached.cell(total_row, col).value) == column  # the cached total is the column's sum
    expected = sum((r.pay.total for r in sample_result.results), D(0))  # worked from the engine, not the sheet
    assert cents(cached.cell(total_row, titles.index("应发合计") + 1).value) == expected
    texts = [str(c.value) for row in formulas.iter_rows(min_row=total_row + 1) for c in row if c.value]
    for word in ("制表：", "审核：", "批准："):
        assert word in texts
    assert texts.count("日期：") == 3
    assert formulas.print_area.endswith(f"$N${formulas.max_row}")  # the approval block and 确认状态 print


@pytest.mark.slow  # reads the sample's 54-sheet summary
def test_annual_reward_is_labelled_provisional_and_stays_out_of_monthly_pay(summary_formulas, sample_result):
    d = director(sample_result)
    ws = summary_formulas["工资表"]
    titles = [c.value for c in ws[1]]
    reward_title = next(t for t in titles if t and "年度绩效奖励" in t)
    assert reward_title.startswith("预计") and "不计入应发合计" in reward_title
    text = render_payroll_csv(sample_result).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    header = list(rows[0])
    reward_column = next(h for h in header if "年度绩效奖励" in h)
    assert reward_column.startswith("预计") and "不计入应发合计" in reward_column
    assert header.index(reward_column) > header.index("应发合计")
    for row in rows:  # 应发合计 is the monthly parts, never the reward
        assert D(row["应发合计"]) == sum((D(row[p]) for p in MONTHLY_PARTS), D(0)), row["工号"]
    own = next(row for row in rows if row["工号"] == d.employee.employee_id)
    assert D(own[reward_column]) == d.pay.annual_reward > 0
    assert D(own["应发合计"]) < d.pay.annual_reward  # the month's pay is far below a year's reward
    card = openpyxl.load_workbook(io.BytesIO(render_scorecard(sample_result, d)))[d.employee.employee_id]
    labels = {str(c.value) for row in card.iter_rows() for c in row if isinstance(c.value, str)}
    assert "预计年度绩效奖励" in labels and "年度绩效奖励" not in labels


@pytest.mark.parametrize(("period", "provisional"), [("2026-10", True), ("2026-12", False), ("2026-Q3", True),
                                                      ("2026-Q4", False), ("2026-H1", True), ("2026-H2", False),
                                                      ("2026", False)])
def test_an_annual_reward_is_an_estimate_until_the_year_ends(period, provisional):
    assert parse_period(period).closes_year is not provisional


def validations(ws) -> dict[str, object]:
    found = {}
    for dv in ws.data_validations.dataValidation:
        for cell_range in dv.sqref.ranges:
            found[cell_range.coord] = dv
    return found


def row_of(ws, column: str, text: str) -> int:
    return next(c.row for c in ws[column] if c.value == text)


def test_inputs_are_validated_by_their_kind(sample_result):
    r = next(x for x in sample_result.appraised if any(lr.line.method == "rating" for lr in x.lines))
    ws = openpyxl.load_workbook(io.BytesIO(render_scorecard(sample_result, r)))[r.employee.employee_id]
    rules = validations(ws)
    for lr in r.lines:
        if lr.line.method == "rating":
            dv = rules[f"I{row_of(ws, 'C', lr.line.item)}"]
            assert dv.type == "decimal" and dv.operator in (None, "between")  # between is the default
            assert float(dv.formula1) == 1 and float(dv.formula2) == float(lr.line.target)
    leave = row_of(ws, "B", "请假天数")
    dv = rules[f"E{leave}"]
    assert dv.type == "custom" and f"MOD(E{leave}*2,1)=0" in dv.formula1 and f"E{leave}>=0" in dv.formula1
    late = row_of(ws, "B", "迟到次数")
    assert rules[f"E{late}"].type == "whole" and rules[f"E{late}"].operator == "greaterThanOrEqual"
    position_pay = row_of(ws, "A", "岗位工资")
    assert rules[f"E{position_pay}"].type == "decimal" and float(rules[f"E{position_pay}"].formula1) == 0
    unlocked = [c.coordinate for row in ws.iter_rows() for c in row
                if c.protection.locked is False and c.data_type == "n" and c.value is not None]
    assert unlocked and all(coord in rules for coord in unlocked), set(unlocked) - set(rules)
    kinds = [(dv.type, dv.operator, dv.formula1, dv.formula2, dv.error) for dv in ws.data_validations.dataValidation]
    assert len(kinds) == len(set(kinds)) < len(rules)  # the cells of one rule share one validation


def test_leave_days_show_halves_and_are_labelled_days(sample_result):
    r = sample_result.appraised[0]
    ws = openpyxl.load_workbook(io.BytesIO(render_scorecard(sample_result, r)))[r.employee.employee_id]
    leave = row_of(ws, "B", "请假天数")
    assert ws[f"E{leave}"].number_format == "0.0" and ws[f"F{leave}"].value == "天"
    assert ws[f"F{row_of(ws, 'B', '迟到次数')}"].value == "次"


# ------------------------------------------------------------------ through LibreOffice


def print_pdf(xlsx: Path, out: Path) -> Path:
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(xlsx)], check=True, capture_output=True, timeout=300)
    return out / (xlsx.stem + ".pdf")


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def standard_column_text(doc) -> str:
    """The text printed in the 评分标准 column of every page, wrapped lines joined, whitespace removed.

    The column starts right of the 得分 column, whose header is centred in a column ~40 pt wide.
    """
    text = ""
    for page in doc.pages:
        header = next((w for w in page.extract_words() if w["text"] == "得分"), None)
        if header is None:
            continue
        edge = header["x1"] + 10
        text += page.filter(lambda obj, edge=edge: obj.get("x0", edge) >= edge).extract_text() or ""
    return squeeze(text)


@pytest.mark.slow
@pytest.mark.parametrize("which", ["director", "longest plan"])
def test_a_scorecard_prints_legibly_and_whole(sample_result, tmp_path, which):
    r = director(sample_result) if which == "director" else max(sample_result.appraised, key=lambda x: len(x.lines))
    assert which == "director" or len(r.lines) == 14  # a standard plan at its longest
    xlsx = tmp_path / "card.xlsx"
    xlsx.write_bytes(render_scorecard(sample_result, r))
    with pdfplumber.open(print_pdf(xlsx, tmp_path)) as doc:
        sizes = [c["size"] for page in doc.pages for c in page.chars]
        texts = [squeeze(page.extract_text() or "") for page in doc.pages]
        assert all(max(c["x1"] for c in page.chars) < page.width for page in doc.pages)  # no column cut off
        standards = standard_column_text(doc)
    assert min(sizes) >= 7.95, f"smallest character {min(sizes):.1f} pt"
    # The director's 8 lines, and a 14-line plan with a commission pool: the plan, its totals and the pay
    # on page 1; the appendix on page 2, closed by both signatures (they sign the data too).
    assert len(texts) == 2, len(texts)
    assert "总分" in texts[0] and "应发合计" in texts[0] and "附：月度数据" not in texts[0]
    assert "附：月度数据" in texts[1] and "附：等级标准" in texts[1]
    assert "考核人签字" not in texts[0] and "被考核人签字" in texts[1]
    assert texts[1].index("附：等级标准") < texts[1].index("被考核人签字")
    for lr in r.lines:  # every wrapped line of every standard printed: none clipped by its row's height
        assert squeeze(lr.line.standard) in standards, lr.line.item


SUMMARY_SHEETS = ("考核结果汇总", "等级分布", "部门统计", "工资表", "未参与考核人员", "提示", "考核规则")
LONG_WARNING = "「月度数据」第 12 行的度量值与上期相差超过十倍，请核对数据来源与单位是否一致" * 8


@dataclasses.dataclass(frozen=True)
class PrintedSummary:
    pages: list[tuple[str, float]]  # each page's text and its smallest character's size
    hints: str  # the 说明 column of the 提示 pages, from the left edge of the messages' first words


@pytest.fixture(scope="module")
def printed_summary(sample_result, tmp_path_factory) -> PrintedSummary:
    """The sample's summary with three long warnings (a file path, a 300-character message), printed through
    LibreOffice and read with pdfplumber once for the tests below: ~110 pages, seconds each to read."""
    out = tmp_path_factory.mktemp("printed")
    warnings = tuple(Problem(LONG_WARNING, f"/data/hr/{'年度考核资料/' * 4}appraisal-2026-10.xlsx", "月度数据", 12 + i,
                             "E 列「own_gmv」", "warning") for i in range(3))
    book = out / "summary.xlsx"
    book.write_bytes(render_summary(dataclasses.replace(sample_result, warnings=warnings)))
    hints = ""
    with pdfplumber.open(print_pdf(book, out)) as doc:
        pages = [(page.extract_text() or "", min(c["size"] for c in page.chars)) for page in doc.pages]
        for page, (text, _) in zip(doc.pages, pages, strict=True):
            if "提示" not in text.split("\n")[0]:
                continue
            starts = [w["x0"] for w in page.extract_words() if w["text"].startswith("「月度数据」第")]
            if starts:
                edge = min(starts) - 1
                hints += page.filter(lambda obj, edge=edge: obj.get("x0", edge) >= edge).extract_text()
    return PrintedSummary(pages, hints)


@pytest.mark.slow
def test_the_summary_prints_to_a_bounded_number_of_pages(printed_summary, summary_formulas, sample_result):
    """118 pages before. Now each scorecard sheet prints on the pages its planned breaks make (2, or 3 when
    a plan too long for page 1 moves the pay to a page of its own) and no more; the eight sheets before them
    take at most 17 (汇总 4: two halves across, 48 people two pages down; 等级分布 1, 部门统计 1, 校准 2, 工资表 2,
    未参与考核 1, 提示 1, 规则 4, one spare), the three unit sheets as many as their rows need.
    No character of any page is below 8 pt."""
    book = summary_formulas  # the same sheets as the one printed, but for the warnings of 提示
    planned = sum(len(ws.row_breaks.brk) + 1 for ws in book.worksheets[11:])  # after the sample's 3 unit sheets
    assert planned == 2 * len(sample_result.appraised)  # every sample plan (≤ 14 lines) on two pages
    pages = printed_summary.pages
    unit_titles = ("单位考核结果汇总", "目标对齐", "目标调整记录")  # the sample's units (篇七): one page wide each,
    units = [text for text, _ in pages if any(t in text.split("\n")[0] for t in unit_titles)]  # rows down
    unit_rows = sum(book[name].max_row for name in ("单位汇总", "目标对齐", "目标调整"))
    assert 3 <= len(units) <= unit_rows // 20 + 3, (len(units), unit_rows)  # 20 rows or more a page
    assert len(pages) <= 17 + planned + len(units), len(pages)  # 校准: two pages
    small = [(i + 1, text.split("\n")[0], size) for i, (text, size) in enumerate(pages) if size < 7.95]
    assert not small, small  # page, its header line, its smallest character
    cards = [size for text, size in pages if "绩效考核表 ·" in text.split("\n")[0]]
    assert len(cards) == planned and min(cards) >= 7.95  # LibreOffice added no break of its own
    payroll = [(text, size) for text, size in pages if "工资表" in text.split("\n")[0]]
    assert len(payroll) <= 2  # one page wide, landscape
    assert "制表" in payroll[-1][0] and "合计" in payroll[-1][0]  # totals and approval on the last page
    distribution = [text for text, _ in pages if "等级分布" in text.split("\n")[0]]
    assert len(distribution) == 1  # the table and its chart on one page
    calibration = [text for text, _ in pages if "校准" in text.split("\n")[0]]
    assert len(calibration) == 2 and "差额" not in calibration[0]  # one page wide; the 46 rows of groups, then
    pay = calibration[1].split("\n")
    assert any(line.startswith("绩效工资（") for line in pay) and "差额" in pay[-2]  # the pay block whole


@pytest.mark.slow
def test_every_summary_sheet_prints_at_8_pt_with_long_texts(printed_summary, sample_result):
    """Long warnings (a file path, a 300-character message) wrap in their cells instead of shrinking the page."""
    pages, hints = printed_summary.pages, printed_summary.hints
    titles = [text.split("\n")[0] for text, _ in pages]
    for sheet in SUMMARY_SHEETS:
        mine = [size for title, (_, size) in zip(titles, pages, strict=True) if sheet in title]
        assert mine and min(mine) >= 7.95, (sheet, mine)
    assert squeeze(hints).count(squeeze(LONG_WARNING)) == 3  # every wrapped line printed: none clipped by its row
    # 汇总 in two halves across: results, then pay and notes, each with 工号 and 姓名
    halves = [text for title, (text, _) in zip(titles, pages, strict=True) if "考核结果汇总" in title][:2]
    first = sample_result.results[0].employee
    assert "总分" in halves[0] and "应发合计" not in halves[0] and "应发合计" in halves[1] and "总分" not in halves[1]
    assert all(first.employee_id in half and first.name in half for half in halves)

"""The summary workbook's unit sheets: 单位汇总, 目标对齐 and 目标调整, read back with openpyxl and LibreOffice.

The fixture company is tests/unit_company.py; its numbers, worked by hand:

* people (汇总): E001 122.20, E002 41.00, E004 62.00 (E003 not appraised).  客服部 HD_KF's people
  average (122.20 + 41.00) / 2 = 81.60; 运营部 HD_YY's 62.00; 华东公司 HD's and the group's
  (122.20 + 41.00 + 62.00) / 3 = 75.07; 华南公司 HN and its 客服部 HN_KF have nobody.
* own plan totals: HD_KF 27 + 0 + 24 + 16 = 67 (gmv 90 % of 30; csat 94 < 95; response 30/24 capped at
  120 % of 20; rating 4/5 of 20), HD_YY 25 + 20 + 7.5 + 20 = 72.5 (conversion 3 % halfway from 2 % to
  4 % of 50; csat; response 30/40 of 10; 5/5 of 20), HD 66 + 30 = 96, HN 60 % of 100 = 60,
  HN_KF 48 + 20 + 20 + 12 = 100, JT 63 + 10 + 16 = 89.
* blended at 70 %: HD_KF 0.7 × 67 + 0.3 × 81.60 = 71.38, HD_YY 0.7 × 72.5 + 0.3 × 62 = 69.35 (so
  HD_KF now ranks first of the two), HD 0.7 × 96 + 0.3 × 75.07 = 89.72, JT 0.7 × 89 + 0.3 × 75.07
  = 84.82; HN and HN_KF, without people, keep 60 and 100.
"""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal as D

import openpyxl
import pdfplumber
import pytest

from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.writers.xlsx.summary import render_summary
from tests.conftest import BASE, write_book
from tests.recalc import compare, recalculate
from tests.unit_company import unit_sheets

UNIT_SHEETS = ("单位汇总", "目标对齐", "目标调整")
BLENDED = [["单位得分方式", "与员工平均加权"], ["单位方案权重", "70%"]]


def summary_of(tmp_path, sheets: dict, name: str = "summary"):
    source = write_book(tmp_path / f"{name}-input.xlsx", sheets)
    path = tmp_path / f"{name}.xlsx"
    path.write_bytes(render_summary(score_period(load_input(source))))
    return path


def rows_of(ws, first: int = 2) -> list[tuple]:
    return [row for row in ws.iter_rows(min_row=first, values_only=True)]


def by_code(ws) -> dict[str, tuple]:
    """单位汇总's unit rows (until the note below them) by 单位代码."""
    found = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[1] is None:
            break
        found[row[1]] = row
    return found


def cents(value) -> D:
    return D(str(value)).quantize(D("0.01"))


def test_unit_summary_one_row_per_unit_top_down(tmp_path):
    book = openpyxl.load_workbook(summary_of(tmp_path, unit_sheets()), data_only=True)
    assert book.sheetnames[8:11] == list(UNIT_SHEETS)
    units = by_code(book["单位汇总"])
    assert list(units) == ["JT", "HD", "HN", "HD_KF", "HD_YY", "HN_KF"]  # as 组织 lists them, top down
    level, code, name, parent, head, term, own, people, average, score, grade, rank = units["HD_KF"]
    assert (level, name, parent, head, term) == ("部门", "客服部", "HD", "陈主管", "2026年10月")
    assert (cents(own), people, cents(average), cents(score), grade, rank) == (D("67.00"), 2, D("81.60"),
                                                                               D("67.00"), "C", "2/2")
    expected = {"JT": ("89.00", 3, "75.07", "A", "1/1"), "HD": ("96.00", 3, "75.07", "S", "1/2"),
                "HN": ("60.00", 0, None, "C", "2/2"), "HD_YY": ("72.50", 1, "62.00", "B", "1/2"),
                "HN_KF": ("100.00", 0, None, "S", "1/1")}
    for code, (total, count, mean, band, place) in expected.items():
        row = units[code]
        assert (cents(row[6]), row[7], row[8] and cents(row[8]), cents(row[9]), row[10], row[11]) == \
            (D(total), count, mean and D(mean), D(total), band, place), code
    assert units["JT"][3] is None and units["HD"][0] == "区域公司"


def test_unit_summary_formulas_read_the_people_and_the_rules(tmp_path):
    """The people's totals listed below the units refer to 汇总; count, average, score, grade, rank are formulas."""
    ws = openpyxl.load_workbook(summary_of(tmp_path, unit_sheets()))["单位汇总"]
    cells = {row[1].value: row for row in ws.iter_rows(min_row=2, max_row=7)}
    listed = {row[3].value: row for row in ws.iter_rows(min_row=9) if row[3].value and row[3].value.startswith("E")}
    assert listed["E001"][6].value == "='汇总'!$G$2" and listed["E004"][6].value == "='汇总'!$G$5"
    assert listed["E003"][5].value == "未参与考核" and listed["E003"][6].value is None  # not counted
    kf = cells["HD_KF"]
    first, last = listed["E001"][6].row, listed["E003"][6].row
    assert kf[7].value == f'=COUNTIFS($G${first}:$G${last},">=0")'
    assert kf[8].value.startswith("=ROUND(") and f"SUMIF($G${first}:$G${last}" in kf[8].value
    assert kf[9].value == f"=G{kf[9].row}"  # unit_score_own
    assert kf[10].value.startswith("=INDEX('规则'!$A$3:$A$7,MATCH(J")
    assert kf[11].value.startswith("=(COUNTIFS($A$2:$A$7,A") and '"/"' in kf[11].value
    group = cells["JT"][7].value  # everyone under the group: one run of the list
    assert group == f'=COUNTIFS($G${first}:$G${listed["E004"][6].row},">=0")'
    assert isinstance(cells["HN"][7].value, int) and cells["HN"][8].value is None  # nobody under 华南公司


def test_blended_scores_and_ranks(tmp_path):
    sheets = unit_sheets()
    sheets["设置"] += BLENDED
    units = by_code(openpyxl.load_workbook(summary_of(tmp_path, sheets), data_only=True)["单位汇总"])
    scores = {code: (cents(row[9]), row[11]) for code, row in units.items()}
    assert scores == {"JT": (D("84.82"), "1/1"), "HD": (D("89.72"), "1/2"), "HN": (D("60.00"), "2/2"),
                      "HD_KF": (D("71.38"), "1/2"), "HD_YY": (D("69.35"), "2/2"), "HN_KF": (D("100.00"), "1/1")}
    assert units["HD_KF"][10] == "B"


def test_a_unit_without_a_plan_this_period(tmp_path):
    """华南客服部's plan is annual: not scored this month, listed with its people count; its lines still align."""
    sheets = unit_sheets()
    for row in sheets["单位方案"][1:]:
        if row[0] == "HN_KF":
            row[1] = "年度"
    book = openpyxl.load_workbook(summary_of(tmp_path, sheets), data_only=True)
    hn_kf = by_code(book["单位汇总"])["HN_KF"]
    assert hn_kf[5] == "本期无方案" and hn_kf[6] is None and hn_kf[9] is None and hn_kf[11] is None
    assert hn_kf[7] == 0 and hn_kf[10] is None
    support = [row for row in rows_of(book["目标对齐"]) if row[3] == "HN_GMV"]
    assert support == [("HN", "华南公司", "2026年10月", "HN_GMV", "区域成交额", "KPI", None, "下级单位", "HN_KF",
                        "客服部", "KF_GMV 客服成交额")]
    assert {row[2] for row in rows_of(book["目标对齐"]) if row[0] == "HN_KF"} == {"2026年度"}


def test_alignment_lists_every_supporter_and_flags_unsupported_kpis(tmp_path):
    ws = openpyxl.load_workbook(summary_of(tmp_path, unit_sheets()))["目标对齐"]
    rows = rows_of(ws)
    assert len(rows) == 21  # 18 lines (3 + 2 + 1 + 4 × 3); JT_GMV has two supporters, KF_RESP three
    supporters = {(row[0], row[3]): [] for row in rows}
    for row in rows:
        supporters[(row[0], row[3])].append(row[7:])
    assert supporters[("HD_KF", "KF_RESP")] == [("员工", "E001", "张伟", "及时响应时间"),
                                                ("员工", "E002", "李娜", "及时响应时间"),
                                                ("员工", "E003", "王芳", "及时响应时间")]
    assert supporters[("JT", "JT_GMV")] == [("下级单位", "HD", "华东公司", "HD_GMV 区域成交额"),
                                            ("下级单位", "HN", "华南公司", "HN_GMV 区域成交额")]
    assert supporters[("HD_YY", "YY_CONV")] == [("员工", "E004", "刘洋", "订单转换率")]
    flagged = [(row[0], row[3]) for row in rows if row[7] == "无人支撑"]
    assert flagged == [("JT", "JT_CSAT"), ("HD_KF", "KF_GMV"), ("HD_KF", "KF_CSAT"), ("HD_YY", "YY_CSAT"),
                       ("HD_YY", "YY_RESP")]
    # A key goal, and the lines of a unit with nothing below it, are not flagged.
    assert supporters[("JT", "JT_TEAM")] == [("—", None, None, None)]
    assert supporters[("HN_KF", "KF_CSAT")] == [("—", None, None, None)]
    kf_gmv = next(row for row in ws.iter_rows(min_row=2) if row[7].value == "无人支撑" and row[0].value == "HD_KF")
    assert kf_gmv[7].fill.fgColor.rgb.endswith("FFC7CE") and kf_gmv[6].value == "规模与盈利"
    assert ws.auto_filter.ref == "A1:K22"


def test_target_changes_of_units_and_people(tmp_path):
    """HD's changed GMV target (单位方案 row 5) and a changed target on the 运营专员 role plan (考核方案 row 9)."""
    sheets = unit_sheets()
    plans = sheets["考核方案"]
    plans[0] += ["原目标值", "调整原因", "批准人"]
    for row in plans[1:]:
        row += ["5%", "批准调整", "赵经理"] if row[3] == "订单转换率" else [None, None, None]
    ws = openpyxl.load_workbook(summary_of(tmp_path, sheets))["目标调整"]
    assert [c.value for c in ws[1]] == ["方案", "方案对象", "适用员工", "期限", "考核项目", "原目标值", "新目标值",
                                        "调整原因", "批准人", "工作表", "行"]
    unit, person = rows_of(ws)
    assert unit == ("单位方案", "HD 华东公司", "—", "2026年10月", "HD_GMV 区域成交额", 6500000, 6000000,
                    "市场重大变化", "韩总", "单位方案", 5)
    assert person[:5] == ("岗位方案", "运营专员", "E004 刘洋", "2026年10月", "订单转换率")
    assert (cents(person[5]), cents(person[6]), *person[7:]) == (D("0.05"), D("0.04"), "批准调整", "赵经理",
                                                                  "考核方案", 9)
    assert ws.cell(3, 6).number_format == "0%" and ws.cell(2, 6).number_format == "#,##0"


def test_unit_sheets_print_landscape_one_page_wide_with_their_titles_repeated(tmp_path):
    book = openpyxl.load_workbook(summary_of(tmp_path, unit_sheets()))
    for name, area in (("单位汇总", "$A$1:$L$15"), ("目标对齐", "$A$1:$K$22"), ("目标调整", "$A$1:$K$2")):
        ws = book[name]
        assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1), name
        assert ws.page_setup.fitToHeight == 0 and ws.print_title_rows == "$1:$1", name
        assert ws.print_area == f"'{name}'!{area}" and "测试电商有限公司" in ws.oddHeader.left.text, name


def test_without_units_no_unit_sheets_and_changes_only_when_there_are_some(tmp_path):
    book = openpyxl.load_workbook(summary_of(tmp_path, BASE, "plain"), read_only=True)
    assert not set(UNIT_SHEETS) & set(book.sheetnames) and book.sheetnames[8] == "E001"
    sheets = {**BASE, "考核方案": [row + extra for row, extra in
                                 zip(BASE["考核方案"], [["原目标值", "调整原因", "批准人"], [25, "不可抗力", "陈主管"]]
                                     + [[None] * 3] * 20, strict=False)]}
    book = openpyxl.load_workbook(summary_of(tmp_path, sheets, "changed"), read_only=True)
    assert book.sheetnames[8] == "目标调整" and not {"单位汇总", "目标对齐"} & set(book.sheetnames)
    rows = rows_of(book["目标调整"])
    assert rows == [("岗位方案", "在线客服专员", "E001 张伟、E002 李娜、E003 王芳", "2026年10月", "及时响应时间", 25, 30,
                     "不可抗力", "陈主管", "考核方案", 2)]


@pytest.mark.parametrize(("code", "names"), [("en", ("Units", "Alignment", "Target changes")),
                                              ("zh-en", ("单位汇总 Units", "目标对齐 Alignment",
                                                         "目标调整 Target changes"))])
def test_unit_sheets_in_english_and_bilingual(tmp_path, code, names):
    sheets = unit_sheets()
    sheets["设置"].append(["语言", code])
    book = openpyxl.load_workbook(summary_of(tmp_path, sheets))
    assert book.sheetnames[8:11] == list(names)
    units, aligned, changes = (book[name] for name in names)
    if code == "en":  # no Chinese but what the company typed (names, items), every label English
        typed = {str(value) for rows in sheets.values() for row in rows for value in row if value is not None}
        words = {word for ws in (units, aligned, changes) for row in ws.iter_rows(values_only=True)
                 for value in row if isinstance(value, str) for word in value.split()}
        assert {word for word in words if re.search("[\u4e00-\u9fff]", word)} <= typed
        assert [c.value for c in units[1]][:3] == ["Level", "Code", "Name"]
        assert (units["A5"].value, units["F5"].value) == ("Department", "October 2026")
        assert units["H5"].value.startswith("=COUNTIFS(") and "'Summary'!" in units["G12"].value
        assert aligned["H4"].value == "Not supported" and changes["H2"].value == "major market change"
        assert changes["J2"].value == "unit_plans"
    else:
        assert units["A1"].value == "层级\nLevel" and units["A5"].value == "部门"


@pytest.mark.slow
@pytest.mark.parametrize("blended", [False, True], ids=["own", "blended"])
def test_unit_summary_recalculated_by_libreoffice(tmp_path, blended):
    """Every formula cell of a unit workbook's summary, recalculated by LibreOffice, equals the engine's value."""
    sheets = unit_sheets()
    if blended:
        sheets["设置"] += BLENDED
    summary = summary_of(tmp_path, sheets)
    recalculated = recalculate([summary], tmp_path / "re")[summary]
    mismatches, checked = compare(summary, recalculated)
    assert mismatches == [] and checked > 100
    units = by_code(openpyxl.load_workbook(recalculated, data_only=True)["单位汇总"])
    kf = units["HD_KF"]
    assert (kf[7], cents(kf[8])) == (2, D("81.60"))
    assert (cents(kf[9]), kf[10], kf[11]) == ((D("71.38"), "B", "1/2") if blended else (D("67.00"), "C", "2/2"))


@pytest.mark.slow
def test_unit_sheets_print_one_page_wide(tmp_path):
    """Printed by LibreOffice: each unit sheet on one landscape page, nothing below 8 pt, nothing cut off."""
    summary = summary_of(tmp_path, unit_sheets())
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(summary)], check=True, capture_output=True, timeout=300)
    with pdfplumber.open(tmp_path / "summary.pdf") as doc:
        pages = {}
        for page in doc.pages:
            title = (page.extract_text() or "").split("\n")[0]
            for name in ("单位考核结果汇总", "目标对齐", "目标调整记录"):
                if name in title:
                    pages.setdefault(name, []).append((page, page.extract_text()))
        assert {name: len(found) for name, found in pages.items()} == {"单位考核结果汇总": 1, "目标对齐": 1,
                                                                      "目标调整记录": 1}
        for found in pages.values():
            page, _ = found[0]
            assert page.width > page.height and min(c["size"] for c in page.chars) >= 7.95
            assert max(c["x1"] for c in page.chars) < page.width
        units = pages["单位考核结果汇总"][0][1]
        assert "同级排名" in units and "2/2" in units and "刘洋" in units  # the last column and the last row
        aligned = pages["目标对齐"][0][1]
        assert "支撑行" in aligned and aligned.count("无人支撑") == 5

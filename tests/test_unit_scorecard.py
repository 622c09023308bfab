"""Unit scorecards (篇七): the fixture company's units on sheets whose formulas agree with the engine.

The fast tests read the workbooks back with openpyxl (cached values against the
engine and against scores worked by hand in tests/unit_company.py); the slow
ones recalculate every unit workbook in LibreOffice (recalculation forced, see
recalc.py), in both of 设置 单位得分方式, and print one to PDF.
"""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.writers.xlsx.unit_blocks import COLUMNS_EN
from reporter.writers.xlsx.unit_scorecard import render_unit_scorecard
from tests.conftest import write_book
from tests.recalc import compare_all, recalculate
from tests.test_print import print_pdf, squeeze, standard_column_text
from tests.unit_company import unit_sheets

BLENDED = [["单位得分方式", "与员工平均加权"], ["单位方案权重", "70%"]]
CJK = re.compile(r"[\u3400-\u9fff]")


def scored(tmp_path: Path, settings: list | None = None):
    sheets = unit_sheets()
    sheets["设置"] += settings or []
    path = tmp_path / f"units-{len(list(tmp_path.glob('units-*.xlsx')))}.xlsx"
    write_book(path, sheets)
    return score_period(load_input(path))


@pytest.fixture(scope="module")
def own(tmp_path_factory):
    """The fixture company scored with each unit's own plan (the default 单位得分方式). Read only."""
    return scored(tmp_path_factory.mktemp("own"))


@pytest.fixture(scope="module")
def blended(tmp_path_factory):
    """The same, blended with the people's average at 70 %. Read only."""
    return scored(tmp_path_factory.mktemp("blended"), BLENDED)


def write_cards(result, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    cards = {}
    for unit in result.units:
        if unit.scored:
            cards[unit.unit.code] = folder / f"{unit.unit.code}.xlsx"
            cards[unit.unit.code].write_bytes(render_unit_scorecard(result, unit))
    return cards


def open_card(result, code: str, tmp_path: Path):
    """The unit's scorecard sheet twice: formulas, and the cached values a viewer shows."""
    unit = next(u for u in result.units if u.unit.code == code)
    path = tmp_path / f"{code}.xlsx"
    path.write_bytes(render_unit_scorecard(result, unit))
    return unit, openpyxl.load_workbook(path)[code], openpyxl.load_workbook(path, data_only=True)[code]


def row_of(ws, label: str, column: str = "A") -> int:
    return next(r for r in range(1, ws.max_row + 1)
                if isinstance(ws[f"{column}{r}"].value, str) and ws[f"{column}{r}"].value.startswith(label))


def title_row(ws, title: str) -> int:
    """The row of a block's title (exactly the text, in column A)."""
    return next(r for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == title)


def cents(value) -> D:
    return D(str(round(value, 2))).quantize(D("0.01"))


def formula_cells(ws) -> set[str]:
    return {c.coordinate for row in ws.iter_rows() for c in row
            if isinstance(c.value, str) and c.value.startswith("=")}


@pytest.mark.parametrize("rule", ["own", "blended"])
def test_every_computed_cell_caches_the_engine_value(request, tmp_path, rule):
    """Each line's value and points, the own total, count, average, unit score, grade: every formula cell."""
    result = request.getfixturevalue(rule)
    assert sum(u.scored for u in result.units) == 6
    for unit in (u for u in result.units if u.scored):
        unit, formulas, cached = open_card(result, unit.unit.code, tmp_path)
        first = row_of(cached, "序号") + 1
        checked = set()
        for i, lr in enumerate(unit.lines):
            row = first + i
            assert cached[f"E{row}"].value == lr.line.code
            assert cents(cached[f"L{row}"].value) == lr.points
            assert D(str(cached[f"K{row}"].value)) == lr.value
            checked |= {f"L{row}"} | ({f"K{row}"} if lr.line.method != "rating" else set())
        own, score, grade = row_of(cached, "本单位方案总分"), row_of(cached, "单位得分"), row_of(cached, "等级（")
        count, average = row_of(cached, "所属员工人数"), row_of(cached, "所属员工平均总分")
        assert cents(cached[f"L{own}"].value) == unit.own_total
        assert cached[f"L{count}"].value == len(unit.people)
        if unit.people:
            assert cents(cached[f"L{average}"].value) == unit.people_average
            checked.add(f"L{average}")
        else:
            assert cached[f"L{average}"].value == "—" and not formulas[f"L{average}"].value.startswith("=")
        assert cents(cached[f"L{score}"].value) == unit.total
        assert (cached[f"L{grade}"].value, cached[f"M{grade}"].value) == (unit.grade.grade, unit.grade.name)
        assert cached[f"L{grade + 1}"].value == f"{unit.rank}/{unit.peers}"
        checked |= {f"L{own}", f"L{count}", f"L{score}", f"L{grade}", f"M{grade}"}
        assert formula_cells(formulas) == checked, unit.unit.code


def test_hd_kf_worked_by_hand_in_both_score_rules(own, blended, tmp_path):
    """客服部: 27 + 0 + 24 + 16 = 67.00 on its plan; E001 122.20 and E002 41.00 average 81.60 (E003 not appraised).

    Own plan: 67.00, grade C, second to 运营部 (72.50). Blended at 70 %: 0.7 × 67 + 0.3 × 81.60 = 71.38, grade B,
    and first: 运营部 blends to 0.7 × 72.50 + 0.3 × 62.00 = 69.35.
    """
    for result, score, grade, rank in ((own, "67.00", "C", "2/2"), (blended, "71.38", "B", "1/2")):
        _, formulas, cached = open_card(result, "HD_KF", tmp_path)
        first = row_of(cached, "序号") + 1
        assert [cents(cached[f"L{first + i}"].value) for i in range(4)] == [D(27), D(0), D(24), D(16)]
        assert cents(cached[f"L{row_of(cached, '本单位方案总分')}"].value) == D("67.00")
        assert cents(cached[f"L{row_of(cached, '所属员工平均总分')}"].value) == D("81.60")
        listed = title_row(cached, "所属员工") + 2
        assert [(cached[f"B{r}"].value, cached[f"D{r}"].value, cents(cached[f"L{r}"].value))
                for r in (listed, listed + 1)] == [("E001", "张伟", D("122.20")), ("E002", "李娜", D("41.00"))]
        at = row_of(cached, "单位得分")
        assert cents(cached[f"L{at}"].value) == D(score)
        assert cached[f"L{at + 1}"].value == grade and cached[f"L{at + 2}"].value == rank
        assert "华东公司" in cached[f"M{at + 2}"].value  # the peers: departments of 华东公司
        if result is blended:
            weight = row_of(cached, "单位方案权重")
            assert cached[f"L{weight}"].value == 0.7
            assert f"$L${weight}" in formulas[f"L{at}"].value  # the weight is a cell the score reads


def test_alignment_block_names_supporters_and_flags_unsupported_kpis(own, tmp_path):
    result = own
    _, _, kf = open_card(result, "HD_KF", tmp_path)
    top = row_of(kf, "指标承接") + 2
    rows = {kf[f"B{r}"].value: kf[f"F{r}"].value for r in range(top, top + 4)}
    assert rows == {"KF_GMV": "无下级支撑", "KF_CSAT": "无下级支撑",
                    "KF_RESP": "E001 张伟、E002 李娜、E003 王芳：及时响应时间", "KF_TEAM": "—"}  # a key goal: no flag
    _, _, hd = open_card(result, "HD", tmp_path)
    top = row_of(hd, "指标承接") + 2
    assert [(hd[f"B{r}"].value, hd[f"F{r}"].value) for r in (top, top + 1)] == [
        ("HD_GMV", "HD_KF 客服部：KF_GMV 客服成交额"), ("HD_CONV", "HD_YY 运营部：YY_CONV 部门转换率")]
    first = row_of(hd, "序号") + 1
    assert hd[f"M{first}"].value.endswith("（支撑：JT_GMV 集团成交额）")
    assert "目标由 6500000 调整为 6000000，韩总 批准" in hd[f"M{first}"].value
    # 华南公司's department has nobody under it: nothing to flag, and no people's average.
    _, _, hn_kf = open_card(result, "HN_KF", tmp_path)
    top = row_of(hn_kf, "指标承接") + 2
    assert {hn_kf[f"F{r}"].value for r in range(top, top + 4)} == {"—"}
    assert hn_kf[f"A{title_row(hn_kf, '所属员工') + 2}"].value == "无已考核员工"


def test_an_english_workbook_has_english_labels(tmp_path):
    result = scored(tmp_path, [["语言", "en"], *BLENDED])
    _, _, ws = open_card(result, "HD_KF", tmp_path)
    header = row_of(ws, "No.")
    assert tuple(ws.cell(header, col).value for col in range(1, 14)) == COLUMNS_EN
    labels = [ws[f"A{r}"].value for r in range(1, ws.max_row + 1) if isinstance(ws[f"A{r}"].value, str)]
    assert not [label for label in labels if CJK.search(label.replace("测试集团", ""))]  # the group's name as typed
    for label in ("Unit score (blended", "Grade (", "Rank among peers", "People under the unit", "Unit data",
                  "Alignment", "Grade bands", "Unit head's signature:", "Parent unit head's signature:"):
        assert any(text.startswith(label) for text in labels), label
    top = row_of(ws, "Alignment") + 2
    assert ws[f"F{top}"].value == "Not supported by any line below"
    assert ws[f"F{top + 2}"].value == "E001 张伟, E002 李娜, E003 王芳: 及时响应时间"


def test_a_unit_without_a_plan_this_period_has_no_scorecard(own):
    unit = next(u for u in own.units if u.unit.code == "HD_KF")
    unplanned = type(unit)(unit.unit, None, unit.people, unit.people_average)
    with pytest.raises(ValueError, match="HD_KF"):
        render_unit_scorecard(own, unplanned)


@pytest.mark.slow
def test_libreoffice_recalculates_every_unit_workbook_to_the_engine(own, blended, tmp_path):
    """Both score rules, every scored unit: one soffice run; then the blended HD_KF read back from LibreOffice."""
    own_cards = write_cards(own, tmp_path / "own")
    blended_cards = write_cards(blended, tmp_path / "blended")
    assert len(own_cards) == len(blended_cards) == 6
    copies = recalculate([*own_cards.values(), *blended_cards.values()], tmp_path / "libreoffice")
    assert compare_all(copies) >= 2 * 60
    ws = openpyxl.load_workbook(copies[blended_cards["HD_KF"]], data_only=True)["HD_KF"]
    assert cents(ws[f"L{row_of(ws, '单位得分')}"].value) == D("71.38")
    hn_kf = openpyxl.load_workbook(copies[blended_cards["HN_KF"]], data_only=True)["HN_KF"]
    assert cents(hn_kf[f"L{row_of(hn_kf, '单位得分')}"].value) == D("100.00")  # nobody under it: its own total


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "zh-en"])
def test_a_unit_scorecard_prints_whole(tmp_path, language):
    result = scored(tmp_path, [["语言", language], *BLENDED])
    xlsx = write_cards(result, tmp_path / "cards")["HD_KF"]
    with pdfplumber.open(print_pdf(xlsx, tmp_path)) as doc:
        texts = [squeeze(page.extract_text() or "") for page in doc.pages]
        standards = standard_column_text(doc)
        assert all(max(c["x1"] for c in page.chars) < page.width - 20 for page in doc.pages)  # no column cut off
        sizes = [c["size"] for page in doc.pages for c in page.chars]
    assert len(texts) == 2 and min(sizes) >= 7.95
    assert "单位得分" in texts[0] and "71.38" in texts[0]
    assert "上级单位负责人签字" in texts[-1] and texts[-1].index("等级标准") < texts[-1].index("单位负责人签字")
    assert squeeze("达成率（支撑：HD_GMV 区域成交额）") in standards  # wrapped, printed whole

"""The unit documents of 篇七's cascade: the unit result letter and the unit's target-responsibility agreement.

The fixture company (tests/unit_company.py): 客服部 HD_KF scores 27 + 0 + 24 + 16 = 67.00 on its own
plan; its appraised people E001 (122.20) and E002 (41.00) average (122.20 + 41.00) / 2 = 81.60; with the
default rule (本单位方案) its score is 67.00, grade C (60–75), second of 华东公司's two departments
(运营部 72.50).  Its KF_RESP is supported by the people's 及时响应时间 lines; nothing names KF_GMV.
华东公司's HD_GMV supports 测试集团's JT_GMV; its target went from 6500000 to 6000000 (市场重大变化, 韩总).
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from reporter.input.validate import load_input
from reporter.model import PeriodResult
from reporter.rules.engine import score_period
from reporter.writers.pdf.unit_documents import unit_agreement_context, unit_letter_context
from tests.conftest import write_book
from tests.test_languages_pdf import foreign_chinese, typed_texts
from tests.unit_company import unit_sheets

NOV_5 = datetime(2026, 11, 5)


@pytest.fixture(scope="module")
def unit_book(tmp_path_factory) -> Path:
    return write_book(tmp_path_factory.mktemp("units") / "units.xlsx", unit_sheets())


@pytest.fixture(scope="module")
def unit_result(unit_book) -> PeriodResult:
    return score_period(load_input(unit_book))


@pytest.fixture(scope="module")
def english_book(tmp_path_factory) -> Path:
    """The same company with 语言 en: the policy words' defaults (人事部门) are English too."""
    sheets = unit_sheets()
    sheets["设置"].append(["语言", "en"])
    return write_book(tmp_path_factory.mktemp("units-en") / "units.xlsx", sheets)


def in_language(result: PeriodResult, code: str, **settings) -> PeriodResult:
    inp = result.input
    return score_period(dataclasses.replace(inp, settings=dataclasses.replace(inp.settings, language=code, **settings)))


def unit(result: PeriodResult, code: str):
    return next(u for u in result.units if u.unit.code == code)


def plan(result: PeriodResult, code: str):
    return next(p for p in result.input.unit_plans if p.unit == code)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages(path: Path) -> list[str]:
    """Each page's text, read back with poppler's pdftotext (not our own code)."""
    count = len(PdfReader(path).pages)
    return [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def table_rows(path: Path, pages_of: slice = slice(None)) -> list[list[str]]:
    """Every row of every ruled table, as pdfplumber reads it, each cell without its line breaks."""
    with pdfplumber.open(path) as pdf:
        return [[squeeze(cell or "") for cell in row] for page in pdf.pages[pages_of]
                for table in page.extract_tables() for row in table]


def row_of(rows: list[list[str]], first: str, column: int = 0) -> list[str]:
    """The first row whose cell in ``column`` starts with ``first``."""
    return next(row for row in rows if len(row) > column and row[column].startswith(first))


# ------------------------------------------------------------------ what goes on the page (fast)


def test_letter_context_states_the_units_numbers(unit_result):
    context = unit_letter_context(unit_result, unit(unit_result, "HD_KF"))
    assert (context["own_total"], context["people_average"], context["people_count"]) == ("67.00", "81.60", "2 人")
    assert (context["total"], context["grade"]["grade"], context["rank"]) == ("67.00", "C", "2 / 2")
    assert [line["points"] for line in context["lines"]] == ["27.00", "0.00", "24.00", "16.00"]
    assert context["upper"]["name"] == "华东公司" and context["upper"]["head"] == "孙总"
    assert context["rule"].startswith("单位得分 = 本单位方案总分 = 67.00")


def test_blended_rule_is_said_with_its_weights_and_numbers(unit_result):
    blended = in_language(unit_result, "zh", unit_score_rule="blended", unit_own_weight=Decimal("0.7"))
    context = unit_letter_context(blended, unit(blended, "HD_KF"))
    # 67.00 × 70% + 81.60 × 30% = 46.90 + 24.48 = 71.38
    assert context["total"] == "71.38"
    assert "本单位方案总分 × 70% + 所属员工平均分 × 30% = 67.00 × 70% + 81.60 × 30% = 71.38" in context["rule"]


def test_alignment_names_supporters_and_flags_unsupported_kpis(unit_result):
    rows = {row["code"]: row for row in unit_letter_context(unit_result, unit(unit_result, "HD_KF"))["alignment"]}
    assert rows["KF_GMV"]["upward"] == {"code": "HD_GMV", "item": "区域成交额"}
    assert rows["KF_GMV"]["below"] == [] and rows["KF_GMV"]["unsupported"]
    assert rows["KF_RESP"]["below"] == ["及时响应时间：E001 张伟、E002 李娜、E003 王芳"]
    assert not rows["KF_RESP"]["unsupported"]
    assert not rows["KF_TEAM"]["unsupported"]  # a key goal, not a KPI: nothing to flag
    # 华南公司's 客服部 has neither people nor units below it: nothing can support its lines, nothing is flagged.
    south = unit_letter_context(unit_result, unit(unit_result, "HN_KF"))["alignment"]
    assert not any(row["unsupported"] for row in south)


def test_agreement_parties_come_from_the_input(unit_result):
    region = unit_agreement_context(unit_result.input, plan(unit_result, "HD"))
    assert (region["upper"]["name"], region["upper"]["head"], region["unit"]["head"]) == ("测试集团", "韩总", "孙总")
    assert region["changes"] == [{"code": "HD_GMV", "item": "区域成交额", "original": "¥6,500,000.00",
                                  "new": "¥6,000,000.00", "reason": "市场重大变化", "approved_by": "韩总"}]
    group = unit_agreement_context(unit_result.input, plan(unit_result, "JT"))
    assert group["upper"]["name"] == "测试集团董事会"  # the group's own name, no company's words built in
    assert group["changes"] == []


# ------------------------------------------------------------------ the PDFs (slow)


@pytest.fixture(scope="module")
def rendered(unit_result, english_book, tmp_path_factory) -> dict[str, Path]:
    from reporter.writers.pdf.renderer import PdfRenderer
    from reporter.writers.pdf.unit_documents import render_unit_agreement, render_unit_letter

    folder, renderer = tmp_path_factory.mktemp("unit-pdfs"), PdfRenderer()
    english = score_period(load_input(english_book))
    documents = {
        "letter": render_unit_letter(renderer, unit_result, unit(unit_result, "HD_KF"), NOV_5),
        "letter-group": render_unit_letter(renderer, unit_result, unit(unit_result, "JT"), NOV_5),
        "agreement": render_unit_agreement(renderer, unit_result.input, plan(unit_result, "HD"), NOV_5),
        "agreement-department": render_unit_agreement(renderer, unit_result.input, plan(unit_result, "HD_KF"), NOV_5),
        "letter-en": render_unit_letter(renderer, english, unit(english, "HD_KF"), NOV_5),
        "agreement-en": render_unit_agreement(renderer, english.input, plan(english, "HD_KF"), NOV_5),
    }
    paths = {}
    for name, data in documents.items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(data)
    return paths


@pytest.mark.slow
def test_letter_shows_totals_grade_rank_and_alignment(rendered):
    text = squeeze("".join(pages(rendered["letter"])))
    assert "单位绩效考核结果通知书" in text
    conclusion = text[text.index("二、考核结论"):text.index("三、指标对齐")]
    assert "所属员工平均分81.602人" in conclusion and "C·待改进" in conclusion and "2/2" in conclusion
    assert "单位得分=本单位方案总分=67.00" in conclusion
    rows = table_rows(rendered["letter"])
    assert row_of(rows, "本单位方案总分")[5] == "67.00"
    # The alignment table: this unit's line, the line above it supports, the lines below that support it.
    assert row_of(rows, "KF_RESP平均响应时间")[1:] == ["—", "及时响应时间：E001张伟、E002李娜、E003王芳"]
    assert row_of(rows, "KF_GMV客服成交额")[1:] == ["HD_GMV区域成交额", "无下级支撑"]
    assert "单位负责人签字：陈主管" in text and "上级单位负责人签字：孙总" in text and "人事签批：周敏" in text


@pytest.mark.slow
def test_agreement_shows_support_upward_and_the_approved_change(rendered):
    first = squeeze(pages(rendered["agreement"])[0])
    assert "单位目标责任书" in first and "甲方执" in first
    assert "甲方测试集团负责人韩总" in first and "乙方华东公司（HD）负责人孙总" in first
    assert "须记录调整原因，并经甲方负责人批准" in first
    rows = table_rows(rendered["agreement"], slice(0, 1))
    line = row_of(rows, "HD_GMV区域成交额", column=2)
    assert (line[3], line[4], line[6]) == ("60%", "¥6,000,000.00", "JT_GMV集团成交额")
    assert row_of(rows, "HD_GMV区域成交额") == ["HD_GMV区域成交额", "¥6,500,000.00", "¥6,000,000.00", "市场重大变化", "韩总"]
    assert row_of(rows, "HD_CONV区域转换率") == ["HD_CONV区域转换率", "运营部YY_CONV部门转换率"]


@pytest.mark.slow
def test_documents_fit_two_pages_each(rendered):
    for name in ("letter", "letter-group", "letter-en"):
        assert len(PdfReader(rendered[name]).pages) <= 2, name
    for name in ("agreement", "agreement-department", "agreement-en"):
        texts = pages(rendered[name])
        # Two originals, each on at most two pages (a blank page lets the second start on a right-hand page).
        party_a = [t for t in texts if "甲方执" in t or "Party A's copy" in t]
        party_b = [t for t in texts if "乙方执" in t or "Party B's copy" in t]
        assert 1 <= len(party_a) <= 2 and 1 <= len(party_b) <= 2, name


@pytest.mark.slow
def test_english_documents_are_english(rendered, english_book):
    typed = typed_texts(english_book)
    for name in ("letter-en", "agreement-en"):
        text = "".join(pages(rendered[name]))
        assert foreign_chinese(text, typed) == [], name
    letter = squeeze("".join(pages(rendered["letter-en"])))
    assert "UnitPerformanceResult" in letter and "Unitplantotal67.00" in letter
    conclusion = letter[letter.index("2.Conclusion"):letter.index("3.Alignment")]
    assert "People'saverage81.602people" in conclusion and "2/2departmentsof华东公司" in conclusion
    assert "Nosupportfrombelow" in letter


def test_english_context_says_the_rule_and_peers_in_english(unit_result):
    english = in_language(unit_result, "en")
    context = unit_letter_context(english, unit(english, "HD_KF"))
    assert context["peers"] == "departments of 华东公司" and context["people_count"] == "2 people"
    assert context["rule"].startswith("Unit score = the unit plan's total = 67.00")
    region = unit_letter_context(english, unit(english, "HD"))
    assert region["peers"] == "regional companies of 测试集团" and region["rank"] == "1 / 2"
    assert unit_letter_context(english, unit(english, "JT"))["upper"]["name"] == "Board of Directors of 测试集团"

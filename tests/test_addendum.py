"""The amendment to the agreement (目标责任书变更补充协议) for a plan line whose target was changed (篇七 3.1).

The sample's 运营专员 plan changes 成交额GMV from 600000 to 500000 (市场重大变化, approved by 沈国华);
the 运营总监 plan has no changed line.
"""

from __future__ import annotations

import dataclasses
import re
import subprocess
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from pypdf import PdfReader

from reporter.model import PeriodResult
from reporter.rules.engine import score_period
from reporter.writers.pdf.addendum import addendum_context, changed_lines, render_addendum
from tests.conftest import ROOT, SAMPLE
from tests.test_languages_pdf import foreign_chinese, typed_texts

OCT_31 = datetime(2026, 10, 31)
OPERATIONS, DIRECTOR = "HZ0002", "HZ0001"  # 运营专员 (a changed GMV target), 运营总监 (none)


def in_language(result: PeriodResult, code: str) -> PeriodResult:
    inp = result.input
    return score_period(dataclasses.replace(inp, settings=dataclasses.replace(inp.settings, language=code)))


def employee(result: PeriodResult, employee_id: str):
    return next(r for r in result.results if r.employee.employee_id == employee_id)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdftext(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


# ------------------------------------------------------------------ the context (fast)


def test_only_the_plan_with_a_changed_target_has_amendments(sample_result):
    inp = sample_result.input
    operations, director = employee(sample_result, OPERATIONS), employee(sample_result, DIRECTOR)
    assert changed_lines(inp.plan_for(director.employee)) == ()
    assert [line.item for line in changed_lines(inp.plan_for(operations.employee))] == ["成交额GMV"]


def test_context_names_old_and_new_target_reason_and_approver(sample_result):
    context = addendum_context(sample_result, employee(sample_result, OPERATIONS))
    assert context["title_text"] == "目标责任书变更补充协议"
    assert context["changes"] == [{"item": "成交额GMV", "weight": "20%", "original": "¥600,000.00",
                                   "new": "¥500,000.00", "reason": "市场重大变化", "approved_by": "沈国华"}]
    # It amends the month's agreement, and the new target applies from the period's first day.
    assert context["agreement_subtitle"] == "2026年10月 · 运营专员"
    assert (context["term_from"], context["term_to"]) == ("2026年10月1日", "2026年10月31日")
    assert context["effective"] == "2026年10月1日"


def test_english_context(sample_result):
    result = in_language(sample_result, "en")
    context = addendum_context(result, employee(result, OPERATIONS))
    assert context["title_text"] == "Amendment to the Target Responsibility Agreement"
    row = context["changes"][0]
    assert (row["original"], row["new"], row["reason"], row["approved_by"]) == (
        "¥600,000.00", "¥500,000.00", "Major market change", "沈国华")
    assert context["effective"] == "1 October 2026"


def test_no_changed_line_no_addendum(sample_result):
    director = employee(sample_result, DIRECTOR)
    assert addendum_context(sample_result, director) is None
    # None before anything is rendered: no PDF renderer is needed to learn there is nothing to sign.
    assert render_addendum(SimpleNamespace(templates=ROOT / "templates"), sample_result, director, OCT_31) is None


# ------------------------------------------------------------------ the documents (slow)


def render_to(tmp_path: Path, name: str, result: PeriodResult, employee_id: str) -> Path:
    from reporter.writers.pdf.renderer import PdfRenderer

    path = tmp_path / name
    path.write_bytes(render_addendum(PdfRenderer(), result, employee(result, employee_id), OCT_31))
    return path


@pytest.mark.slow
def test_addendum_reads_back(sample_result, tmp_path):
    path = render_to(tmp_path, "zh.pdf", sample_result, OPERATIONS)
    text = squeeze(pdftext(path))
    for part in ("目标责任书变更补充协议", "周子涵（工号HZ0002）", "¥600,000.00", "¥500,000.00", "市场重大变化", "沈国华",
                 "自2026年10月1日", "原责任书的其他条款继续有效", "甲方执", "乙方执", "甲方盖章处"):
        assert part in text, part
    # Two originals of one page each, the second starting on a right-hand page (a blank page between).
    pages = PdfReader(path).pages
    assert len(pages) == 3 and pages[1].extract_text().strip() == ""
    assert "甲方执" in squeeze(pages[0].extract_text()) and "乙方执" in squeeze(pages[2].extract_text())


@pytest.mark.slow
def test_english_addendum_holds_no_chinese_but_the_inputs(sample_result, tmp_path):
    path = render_to(tmp_path, "en.pdf", in_language(sample_result, "en"), OPERATIONS)
    text = pdftext(path)
    assert foreign_chinese(text, typed_texts(SAMPLE)) == []
    words = re.sub(r"\s+", " ", text)
    for part in ("Amendment to the Target Responsibility Agreement", "¥600,000.00", "¥500,000.00",
                 "Major market change", "沈国华", "The new targets apply from 1 October 2026",
                 "All other terms of the original agreement stay in force", "Party A's copy", "Party B's copy"):
        assert part in words, part
    assert len(PdfReader(path).pages) == 3


@pytest.mark.slow
def test_bilingual_addendum(sample_result, tmp_path):
    path = render_to(tmp_path, "zh-en.pdf", in_language(sample_result, "zh-en"), OPERATIONS)
    text = squeeze(pdftext(path))
    for part in ("目标责任书变更补充协议", "AmendmenttotheTargetResponsibilityAgreement", "市场重大变化",
                 "Majormarketchange", "甲方执PartyA'scopy", "乙方执PartyB'scopy"):
        assert part in text, part
    assert len(PdfReader(path).pages) == 3


def three_changes(result: PeriodResult) -> PeriodResult:
    """The 运营专员 plan with its first three lines' targets changed (a long English reason among them)."""
    inp = result.input
    plan = inp.plans["运营专员"]
    lines = list(plan.lines)
    for i, reason in zip(range(3), ("force_majeure", "approved", "market_change"), strict=True):
        if lines[i].original_target is None:
            lines[i] = dataclasses.replace(lines[i], original_target=lines[i].target * 2, change_reason=reason,
                                           approved_by="沈国华")
    plans = {**inp.plans, "运营专员": dataclasses.replace(plan, lines=tuple(lines))}
    return score_period(dataclasses.replace(inp, plans=plans))


@pytest.mark.slow
@pytest.mark.parametrize("code", ["zh", "en", "zh-en"])
def test_three_changed_lines_keep_each_original_to_one_page(sample_result, tmp_path, code):
    result = in_language(three_changes(sample_result), code)
    assert len(addendum_context(result, employee(result, OPERATIONS))["changes"]) == 3
    path = render_to(tmp_path, f"{code}.pdf", result, OPERATIONS)
    assert len(PdfReader(path).pages) == 3

"""篇八 5 and 8: last period's improvement plan comes back beside this period's result."""

from __future__ import annotations

import copy
import subprocess
from datetime import date
from decimal import Decimal

import pytest

from reporter.input.validate import load_input
from reporter.model import HistoryRecord
from reporter.rules.engine import score_period
from reporter.store.history import load_history, record_period
from reporter.writers.language import language
from reporter.writers.pdf.documents import previous_improvement
from tests.conftest import BASE, cli_build, write_book


def september(sheets: dict) -> dict:
    """The fixture moved to 2026-09, with its own improvement plans."""
    settings = dict((row[0], row) for row in sheets["设置"])
    settings["考核期间"][1], settings["申诉截止日期"][1] = "2026-09", date(2026, 10, 13)
    for row in sheets["评语"][1:]:
        row[3] = f"九月计划：{row[0]} 每周复盘一次。"
        row[4] = date(2026, 10, 8)
    return sheets


def test_the_history_keeps_each_improvement_plan_and_the_engine_hands_back_last_periods(tmp_path):
    db = tmp_path / "h.sqlite"
    record_period(db, score_period(load_input(write_book(tmp_path / "9.xlsx", september(copy.deepcopy(BASE))))),
                  input_sha256="x", built_at="")
    stored = {(h.period, h.employee_id): h for h in load_history(db)}
    assert stored[("2026-09", "E001")].improvement == "九月计划：E001 每周复盘一次。"
    october = score_period(load_input(write_book(tmp_path / "10.xlsx", copy.deepcopy(BASE))), load_history(db))
    e1 = next(r for r in october.results if r.employee.employee_id == "E001")
    assert (e1.previous.period, e1.previous.improvement) == ("2026-09", "九月计划：E001 每周复盘一次。")
    e3 = next(r for r in october.results if r.employee.employee_id == "E003")
    assert e3.previous is None  # not appraised in September: nothing on record


@pytest.mark.parametrize(("code", "label", "result"), [
    ("zh", "上期（2026年9月）改进计划", "上期总分 78.50，等级 B"),
    ("en", "Improvement plan of the last period (September 2026)", "last period's total 78.50, grade B"),
])
def test_the_letter_names_last_periods_plan_and_result(code, label, result):
    from types import SimpleNamespace

    before = HistoryRecord("2026-09", "E001", Decimal("78.5"), "B", 1, "多复盘。")
    shown = previous_improvement(SimpleNamespace(previous=before), language(code))
    assert shown == {"label": label, "result": result, "text": "多复盘。"}
    assert previous_improvement(SimpleNamespace(previous=None), language(code)) is None
    assert previous_improvement(SimpleNamespace(previous=HistoryRecord("2026-09", "E001", Decimal(80), "A")),
                                language(code)) is None  # no plan was written: nothing to show


@pytest.mark.slow
def test_octobers_letter_shows_septembers_plan(tmp_path):
    out = tmp_path / "out"
    cli_build(write_book(tmp_path / "9.xlsx", september(copy.deepcopy(BASE))), out)
    cli_build(write_book(tmp_path / "10.xlsx", copy.deepcopy(BASE)), out)
    text = "".join(subprocess.run(["pdftotext", str(out / "2026-10" / "letters" / "E002.pdf"), "-"],
                                  capture_output=True, text=True, check=True).stdout.split())
    assert "上期（2026年9月）改进计划" in text and "九月计划：E002每周复盘一次。" in text
    assert "学习话术规范。" in text  # this period's plan too

"""Results in words: the engine states facts, the writers' one wording module says them.

Every expected sentence is written out by hand from the fact's numbers.
"""

from __future__ import annotations

import ast
import json
import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from reporter.input.validate import load_input
from reporter.model import (
    FAILING_STREAK,
    FIRST_RANK_STREAK,
    Flag,
    LineResult,
    MeasureDef,
    NotAppraised,
    PlanLine,
)
from reporter.rules.engine import score_period
from reporter.writers.result_json import render_result_json
from reporter.writers.wording import explain_line, flag_text, hr_note, not_appraised_text, period_warnings
from tests.conftest import ROOT, streak_of_two

CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def line(method, weight, direction="higher", unit="", **params):
    return PlanLine(category="kpi", item="x", method=method, weight=D(weight), direction=direction, unit=unit,
                    **{k: D(v) for k, v in params.items()})


@pytest.mark.parametrize("plan_line, value, points, expected", [
    (line("achievement", "0.3", unit="元", target="1000000", cap="1.2"), "900000", "27.00",
     "实际 ¥900,000.00 ÷ 目标 ¥1,000,000.00（封顶 120.00%）× 权重 30 = 27.00 分"),
    (line("achievement", "0.26", "lower", target="2", cap="1.2"), "0", "31.20",
     "实际为 0，按封顶 120.00% × 权重 26 = 31.20 分"),
    (line("pass_fail", "0.15", "lower", unit="秒", target="30"), "31", "0.00",
     "实际 31 秒，标准 ≤ 30 秒：未达标，得 0.00 分"),
    (line("deduction", "0.1", step="2"), "3", "4.00", "满分 10 − 扣分 3 × 2（不低于 0）= 4.00 分"),
    (line("bonus", "0", cap="0.2"), "23", "20.00", "合计 23 分，上限 20 分，计 20.00 分"),
])
def test_explanations_show_the_arithmetic(plan_line, value, points, expected):
    assert explain_line(LineResult(plan_line, D(value), D(points))) == expected


@pytest.mark.parametrize("inputs, value, points, expected", [
    # 1 late × 2 + 1 leave day = 3 deducted from 10 at 1 point each → 7
    ({"late": "1", "early_leave": "0", "leave_days": "1"}, "3", "7.00",
     "迟到 1 次、早退 0 次、请假 1 天 → 扣 3 分；满分 10 − 3（不低于 0）= 7.00 分"),
    ({"leave_days": "0.5", "late": "0", "early_leave": "0"}, "0.5", "9.50",
     "迟到 0 次、早退 0 次、请假 0.5 天 → 扣 0.5 分；满分 10 − 0.5（不低于 0）= 9.50 分"),
])
def test_attendance_working_shows_the_counts(inputs, value, points, expected):
    lr = LineResult(line("deduction", "0.1", step="1"), D(value), D(points), {k: D(v) for k, v in inputs.items()})
    assert explain_line(lr) == expected


def test_working_names_the_measures_it_came_from():
    lr = LineResult(line("achievement", "0.1", unit="%", target="0.45", cap="1"), D("0.6"), D("10.00"),
                    {"paid_uv": D("1590"), "served_uv": D("2650")})
    measures = {"paid_uv": MeasureDef("paid_uv", "付款人数", "count"), "served_uv": MeasureDef("served_uv", "接待人数", "count"),
                "gmv": MeasureDef("gmv", "成交额", "amount")}
    assert explain_line(lr, measures) == (
        "付款人数 1590、接待人数 2650：实际 60.00% ÷ 目标 45.00%（封顶 100.00%）× 权重 10 = 10.00 分")
    money = LineResult(lr.line, D("0.5"), D("10.00"), {"gmv": D("2113586.21"), "paid_uv": D("4")})
    assert explain_line(money, measures).startswith("成交额 ¥2,113,586.21、付款人数 4：")
    single = LineResult(line("pass_fail", "0.1", "lower", unit="秒", target="30"), D("16.2"), D("10.00"),
                        {"response_seconds": D("16.2")})
    assert explain_line(single, {"response_seconds": MeasureDef("response_seconds", "平均响应时间", "seconds")}) == "实际 16.2 秒，标准 ≤ 30 秒：达标，得 10.00 分"


@pytest.mark.parametrize("flag, kind, expected", [
    (Flag(FIRST_RANK_STREAK, 3, 3, amount=D("200")), "month", "连续 3 个月部门排名第一，发放一次性奖励 ¥200.00"),
    (Flag(FIRST_RANK_STREAK, 4, 2, amount=D("1500")), "month", "连续 4 个月部门排名第一，发放一次性奖励 ¥1,500.00"),
    (Flag(FIRST_RANK_STREAK, 2, 2, amount=D("200")), "quarter", "连续 2 个季度部门排名第一，发放一次性奖励 ¥200.00"),
    (Flag(FAILING_STREAK, 3, 3, hr_only=True), "month", "连续 3 个月考核不及格，需跟进"),
    (Flag(FAILING_STREAK, 2, 2, hr_only=True), "year", "连续 2 年考核不及格，需跟进"),
])
def test_flags_in_words(flag, kind, expected):
    assert flag_text(flag, kind) == expected


@pytest.mark.parametrize("months, limit, expected", [
    ("3", "2", "考评期内累计未到岗 3 个月，超过 2 个月，按制度不参与本期考核"),
    ("1.5", "1", "考评期内累计未到岗 1.5 个月，超过 1 个月，按制度不参与本期考核"),
    ("2.0", "0.5", "考评期内累计未到岗 2 个月，超过 0.5 个月，按制度不参与本期考核"),
])
def test_absence_in_words(months, limit, expected):
    assert not_appraised_text(NotAppraised(D(months), D(limit))) == expected


def test_hr_note_names_every_flag_and_never_resignation(base_sheets, make_book):
    result = score_period(load_input(make_book(streak_of_two(base_sheets))))
    notes = {r.employee.employee_id: hr_note(r, "month") for r in result.results}
    assert notes == {"E001": "连续 2 个月部门排名第一，发放一次性奖励 ¥200.00",
                     "E002": "连续 2 个月考核不及格，需跟进",
                     "E003": "考评期内累计未到岗 3 个月，超过 2 个月，按制度不参与本期考核",
                     "E004": ""}


def test_zero_divisor_reaches_hr_in_words(base_sheets, make_book):
    base_sheets["月度数据"][4][4] = 0  # E004 刘洋: uv = 0 → conversion buyers / uv
    path = make_book(base_sheets)
    result = score_period(load_input(path))
    [warning] = period_warnings(result)
    assert warning.message == "刘洋（E004）：指标「订单转换率」的分母 uv 为 0，指标值按 0 计"
    assert warning.severity == "warning" and warning.file == path.name


# ---- the engine writes no sentence -------------------------------------------------------


def cjk_literals(source: str) -> list[tuple[int, str]]:
    """String literals (f-string parts included) holding CJK text; docstrings and comments are allowed."""
    tree = ast.parse(source)
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                docstrings.add(id(body[0].value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings and CJK.search(node.value)]


def test_the_scan_finds_cjk_literals_and_spares_docstrings():
    source = '"""模块说明。"""\n# 注释\ndef f(n):\n    """函数说明。"""\n    return f"连续 {n} 个月", "ok"\n'
    assert cjk_literals(source) == [(5, "连续 "), (5, " 个月")]
    assert cjk_literals('x = "exact ASCII"  # 中文注释\n') == []


@pytest.mark.parametrize("path", sorted((ROOT / "reporter" / "rules").glob("*.py")), ids=lambda p: p.name)
def test_no_rules_module_writes_chinese(path: Path):
    assert cjk_literals(path.read_text(encoding="utf-8")) == []


def test_result_json_keeps_the_facts_and_their_words(base_sheets, make_book):
    result = score_period(load_input(make_book(streak_of_two(base_sheets))))
    trace = {r.employee.employee_id: json.loads(render_result_json(result, r)) for r in result.results}
    assert trace["E002"]["flags"] == [{"rule": "failing_streak", "streak": 2, "threshold": 2, "amount": None,
                                       "hr_only": True, "text": "连续 2 个月考核不及格，需跟进"}]
    assert trace["E001"]["flags"][0]["amount"] == "200" and trace["E001"]["flags"][0]["hr_only"] is False
    assert trace["E003"]["not_appraised"] == {"months_absent": "3", "limit": "2"}
    assert trace["E003"]["not_appraised_reason"] == "考评期内累计未到岗 3 个月，超过 2 个月，按制度不参与本期考核"
    # E004 conversion 1500 / 50000 = 3 %, linear from 2 % to 4 %: (3 − 2) / (4 − 2) × 60 = 30
    assert trace["E004"]["lines"][0]["explanation"] == (
        "（实际 3.00% − 零分点 2.00%）÷（目标 4.00% − 零分点 2.00%），限 0～100.00%，× 权重 60 = 30.00 分")

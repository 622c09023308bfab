"""Cell parsers: what HR types in a Chinese Excel, and what must be refused."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporter.errors import CellError
from reporter.input.cells import (
    ERROR_LITERALS,
    PARSERS,
    parse_cell,
    parse_choice,
    parse_count,
    parse_date,
    parse_email,
    parse_money,
    parse_percent,
)
from reporter.input.schema import CHOICES, SHEETS, YES_NO, period_bounds
from reporter.period import parse_period

D = Decimal

GOOD = [
    # text
    ("text", "  张伟 ", {}, "张伟"),
    ("text", "=SUM(A1:A3)", {}, "=SUM(A1:A3)"),
    ("text", "=buyers/uv", {}, "=buyers/uv"),
    ("text", 12.0, {}, "12"),
    ("text", 12, {}, "12"),
    ("text", 0.1 + 0.2, {}, "0.3"),
    ("text", 1e20, {}, "100000000000000000000"),
    ("text", "e\u0301", {}, "\u00e9"),  # NFC
    ("text", "A　B", {}, "A　B"),  # internal ideographic space kept
    ("text", datetime(2026, 10, 1), {}, "2026-10-01"),
    # id
    ("id", "HZ001", {}, "HZ001"),
    ("id", "000123", {}, "000123"),
    ("id", "　ＨＺ００１ ", {}, "HZ001"),
    ("id", "\u00a0hz-01_a\u00a0", {}, "hz-01_a"),
    # decimal
    ("decimal", 3, {}, D(3)),
    ("decimal", 0.1 + 0.2, {}, D("0.3")),
    ("decimal", "1,234.50", {}, D("1234.50")),
    ("decimal", "1，234.50", {}, D("1234.50")),
    ("decimal", "12,345,678", {}, D("12345678")),
    ("decimal", "+5", {}, D(5)),
    ("decimal", "－5", {}, D(-5)),
    ("decimal", "１２.５", {}, D("12.5")),
    ("decimal", "-3", {"low": "-100", "high": "100"}, D(-3)),
    ("decimal", "100", {"low": "0", "high": "100"}, D(100)),
    # quantity
    ("quantity", "3.5%", {}, D("0.035")),
    ("quantity", "３.５％", {}, D("0.035")),
    ("quantity", 120, {}, D(120)),
    ("quantity", "120", {}, D(120)),
    # money
    ("money", "¥1,200.50", {}, D("1200.50")),
    ("money", "￥1200", {}, D(1200)),
    ("money", "RMB 100", {}, D(100)),
    ("money", "100元", {}, D(100)),
    ("money", "-¥5.5", {}, D("-5.5")),
    ("money", 6000.0, {"low": "0", "high": "1000000"}, D(6000)),
    ("money", 19.99, {}, D("19.99")),
    ("money", "12.500", {}, D("12.500")),
    # count
    ("count", 3, {}, D(3)),
    ("count", 3.0, {}, D(3)),
    ("count", "3", {}, D(3)),
    ("count", 0, {"high": "100"}, D(0)),
    # percent
    ("percent", "85%", {}, D("0.85")),
    ("percent", "８５％", {}, D("0.85")),
    ("percent", 0.85, {}, D("0.85")),
    ("percent", "0.85", {}, D("0.85")),
    ("percent", 1, {}, D(1)),
    ("percent", "0.5%", {"low": "0", "high": "0.2"}, D("0.005")),
    ("percent", "120%", {"low": "0", "high": "5"}, D("1.2")),
    ("percent", 1.2, {"low": "0", "high": "5"}, D("1.2")),
    # date
    ("date", datetime(2024, 3, 1, 9, 30), {}, date(2024, 3, 1)),
    ("date", date(2024, 3, 1), {}, date(2024, 3, 1)),
    ("date", 45352, {}, date(2024, 3, 1)),
    ("date", 45352.75, {}, date(2024, 3, 1)),
    ("date", "2024/3/1", {}, date(2024, 3, 1)),
    ("date", "2024-03-01", {}, date(2024, 3, 1)),
    ("date", "2024.3.1", {}, date(2024, 3, 1)),
    ("date", "2024年3月1日", {}, date(2024, 3, 1)),
    ("date", "２０２４年３月１日", {}, date(2024, 3, 1)),
    ("date", "20240301", {}, date(2024, 3, 1)),
    ("date", "2024-03-01 00:00:00", {}, date(2024, 3, 1)),
    ("date", "25/3/2024", {}, date(2024, 3, 25)),  # only one reading possible
    # email
    ("email", "ZhangWei@Example.COM", {}, "ZhangWei@example.com"),
    ("email", " zhangwei＠example.com　", {}, "zhangwei@example.com"),
    ("email", "a.b+c@mail.example.cn", {}, "a.b+c@mail.example.cn"),
    # identifier
    ("identifier", " gmv ", {}, "gmv"),
    ("identifier", "ｃｏｎｖｅｒｓｉｏｎ_rate", {}, "conversion_rate"),
    # formula
    ("formula", "=buyers/uv", {}, "buyers/uv"),
    ("formula", " buyers / uv ", {}, "buyers / uv"),
    ("formula", "gmv／buyers", {}, "gmv/buyers"),
    # choices
    ("category", "KPI", {}, "kpi"),
    ("category", "重点工作", {}, "key_goal"),
    ("category", " Key  Goal ", {}, "key_goal"),
    ("method", "达成率", {}, "achievement"),
    ("method", "PASS/FAIL", {}, "pass_fail"),
    ("direction", "低优", {}, "lower"),
    ("measure_kind", "金额", {}, "amount"),
    ("change_reason", "Force Majeure", {}, "force_majeure"),
    ("yes_no", "是", {}, True),
    ("yes_no", "n", {}, False),
    ("yes_no", 1, {}, True),
    ("yes_no", True, {}, True),
    ("yes_no", False, {}, False),
]


@pytest.mark.parametrize(("kind", "raw", "kw", "expected"), GOOD)
def test_good_values(kind, raw, kw, expected):
    result = parse_cell(kind, raw, **kw)
    assert result == expected
    assert type(result) is type(expected)


BAD = [
    # (kind, raw, kwargs, keywords the message must contain)
    ("id", 1001, {}, ("1001", "文本", "前导零")),
    ("id", 1001.0, {}, ("1001", "文本")),
    ("id", "HZ 001", {}, ("空格", "删除")),
    ("id", "张伟", {}, ("字母", "数字")),
    ("id", "A" * 33, {}, ("32",)),
    ("id", datetime(2024, 1, 1), {}, ("文本",)),
    ("decimal", "1,23", {}, ("千位分隔符", "请")),
    ("decimal", "NaN", {}, ("不是数字", "请")),
    ("decimal", "nan", {}, ("不是数字",)),
    ("decimal", "inf", {}, ("不是数字",)),
    ("decimal", "Infinity", {}, ("不是数字",)),
    ("decimal", float("nan"), {}, ("不是有效数字", "请")),
    ("decimal", float("inf"), {}, ("不是有效数字",)),
    ("decimal", "abc", {}, ("'abc' 不是数字", "请")),
    ("decimal", "12 元", {}, ("不是数字",)),
    ("decimal", True, {}, ("逻辑值", "请")),
    ("decimal", datetime(2024, 1, 1), {}, ("日期", "常规")),
    ("decimal", "150", {"low": "0", "high": "100"}, ("超出允许范围", "0 到 100", "改正")),
    ("decimal", -1, {"low": "0"}, ("不小于 0",)),
    ("quantity", "abc%", {}, ("abc%", "不是数字")),
    ("money", "12.345", {}, ("金额最多两位小数", "四舍五入")),
    ("money", 12.345, {}, ("金额最多两位小数",)),
    ("money", "十元", {}, ("不是数字",)),
    ("money", "-1", {"low": "0", "high": "100"}, ("超出允许范围",)),
    ("count", -1, {}, ("次数不能为负", "请")),
    ("count", "-2", {}, ("次数不能为负",)),
    ("count", 2.5, {}, ("不是整数", "改正")),
    ("count", "101", {"high": "100"}, ("不大于 100",)),
    ("percent", 85, {}, ("含义不明确", "85 是 85% 还是 8500%", "请输入 85% 或 0.85")),
    ("percent", "85", {}, ("含义不明确",)),
    ("percent", 0.5, {"low": "0", "high": "0.2"}, ("0.5% 还是 50%", "0.005")),
    ("percent", "150%", {"high": "1"}, ("150%", "超出允许范围", "0% 到 100%")),
    ("percent", 1.5, {}, ("1.5 是 1.5% 还是 150%",)),
    # a bare number above 1 was meant as a percentage: say so, and that it is out of range even then
    ("percent", 150, {}, ("150 是 150% 还是 15000%", "也超出 0%～100%")),
    ("percent", 15000, {}, ("含义不明确", "也超出")),
    ("percent", "-5%", {}, ("超出允许范围",)),
    ("date", "3/1/2024", {}, ("日期 3/1/2024 含义不明确", "3 月 1 日还是 1 月 3 日", "2024-03-01")),
    ("date", "1/3/2024", {}, ("含义不明确",)),
    ("date", "2024-02-30", {}, ("不存在", "请检查")),
    ("date", "20241301", {}, ("不存在",)),
    ("date", "下周一", {}, ("无法识别", "2024-03-01")),
    ("date", 2024, {}, ("2024", "日期")),
    ("date", 10**9, {}, ("日期",)),
    ("date", "1900-01-01", {}, ("年份", "请填写")),
    ("date", time(9, 30), {}, ("不是日期",)),
    ("email", "a@x.com, b@x.com", {}, ("一个单元格只能填一个邮箱",)),
    ("email", "a@x.com；b@x.com", {}, ("一个单元格只能填一个邮箱",)),
    ("email", "a@x.com b@x.com", {}, ("一个单元格只能填一个邮箱",)),
    ("email", "a@b@x.com", {}, ("一个单元格只能填一个邮箱",)),
    ("email", "a@x.com\r\nb@x.com", {}, ("换行", "删除")),
    ("email", "zhangwei", {}, ("不是有效的邮箱", "请检查")),
    ("email", "zhang@example", {}, ("不是有效的邮箱",)),
    ("email", "张伟@example.com", {}, ("非英文字符", "张伟")),
    ("email", "zhang@example。com", {}, ("非英文字符",)),
    ("email", "张伟 <zw@example.com>", {}, ("只填写邮箱地址",)),
    ("email", 123, {}, ("不是邮箱",)),
    ("identifier", "成交 额", {}, ("无效", "下划线")),
    ("identifier", "1gmv", {}, ("字母或下划线开头",)),
    ("identifier", "gmv-2", {}, ("无效",)),
    ("formula", "=", {}, ("公式为空", "buyers / uv")),
    ("category", "其他", {}, ("不是可选的值", "KPI、重点工作、加减分")),
    ("direction", "higher is better", {}, ("高优、低优",)),
    ("yes_no", "maybe", {}, ("是、否",)),
    ("yes_no", 2, {}, ("不是可选的值",)),
]


@pytest.mark.parametrize(("kind", "raw", "kw", "keywords"), BAD)
def test_bad_values(kind, raw, kw, keywords):
    with pytest.raises(CellError) as info:
        parse_cell(kind, raw, **kw)
    message = str(info.value)
    for keyword in keywords:
        assert keyword in message
    assert "：" in message or "？" in message  # says what is wrong, then what to do


@pytest.mark.parametrize("kind", sorted(PARSERS))
@pytest.mark.parametrize("literal", ERROR_LITERALS)
def test_excel_error_values_refused_by_every_kind(kind, literal):
    with pytest.raises(CellError, match="Excel 错误值") as info:
        parse_cell(kind, f" {literal} ")
    assert literal in str(info.value) and "请修正源公式" in str(info.value)


@pytest.mark.parametrize("kind", sorted(PARSERS))
@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000", "\u00a0\t\n"])
def test_blank_is_none_for_every_kind(kind, raw):
    assert parse_cell(kind, raw) is None


def test_every_schema_kind_has_a_parser():
    kinds = {column.kind for sheet in SHEETS for column in sheet.columns}
    assert kinds <= set(PARSERS)
    assert set(CHOICES) <= set(PARSERS)


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        parse_cell("no_such_kind", "x")


def test_explicit_choices_override_and_direct_calls():
    assert parse_cell("yes_no", "Y", choices={"ok": ("Y",)}) == "ok"
    assert parse_choice("是", YES_NO) is True
    assert parse_percent("85%") == D("0.85")
    assert parse_money("1，234.50") == D("1234.50")
    assert parse_count(3.0) == D(3)
    assert parse_date("2024年3月1日") == date(2024, 3, 1)
    assert parse_email("A@X.CN") == "A@x.cn"


@pytest.mark.parametrize("period", ["2026-02", "2026-10", "2026-Q3", "2026-H1", "2026"])
def test_schema_bounds_work_with_their_examples(period):
    """Every example in the schema parses with its own column's kind and bounds, in a period of any kind."""
    bounds = period_bounds(parse_period(period))
    for sheet in SHEETS:
        for column in sheet.columns:
            for example in column.example:
                parse_cell(column.kind, example, low=bounds.get(column.low, column.low),
                           high=bounds.get(column.high, column.high))


@given(st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12))
def test_floats_round_trip_like_excel(x):
    d = parse_cell("decimal", x)
    assert float(d) == pytest.approx(x, rel=1e-14, abs=1e-300)


@given(st.text(max_size=20))
def test_arbitrary_text_only_raises_cell_error(text):
    for kind in PARSERS:
        try:
            parse_cell(kind, text)
        except CellError:
            pass

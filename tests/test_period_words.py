"""The period in words: every kind of period has its own words, in Chinese and English."""

from __future__ import annotations

import re

import pytest

from reporter.model import FIRST_RANK_STREAK, Flag
from reporter.period import KINDS, parse_period
from reporter.writers.wording import (
    data_title,
    flag_text,
    period_context,
    period_noun,
    period_pay_title,
    period_streak,
    periods,
)

CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.mark.parametrize("kind, noun, pay, data, streak", [
    ("month", "本月", "本月工资核算", "月度数据", "连续 3 个月"),
    ("quarter", "本季度", "本期工资核算", "季度数据", "连续 3 个季度"),
    ("half", "本半年", "本期工资核算", "半年度数据", "连续 3 个半年度"),
    ("year", "本年度", "本期工资核算", "年度数据", "连续 3 年"),
])
def test_chinese_words_per_kind(kind, noun, pay, data, streak):
    assert (period_noun(kind), period_pay_title(kind), data_title(kind), period_streak(3, kind)) == (
        noun, pay, data, streak)


@pytest.mark.parametrize("kind", ["quarter", "half", "year"])
def test_a_longer_period_never_reads_as_a_month(kind):
    words = [period_noun(kind), period_pay_title(kind), data_title(kind), period_streak(2, kind), periods(2, kind)]
    assert not any("月" in w for w in words), words


@pytest.mark.parametrize("kind, noun, data, streak", [
    ("month", "this month", "Monthly data", "2 months in a row"),
    ("quarter", "this quarter", "Quarterly data", "2 quarters in a row"),
    ("half", "this half-year", "Half-yearly data", "2 half-years in a row"),
    ("year", "this year", "Annual data", "2 years in a row"),
])
def test_english_words_per_kind(kind, noun, data, streak):
    assert (period_noun(kind, "en"), data_title(kind, "en"), period_streak(2, kind, "en")) == (noun, data, streak)
    assert period_streak(1, kind, "en") == f"1 {streak.split()[1][:-1]} in a row"
    assert not CJK.search(period_pay_title(kind, "en"))


def test_every_kind_has_words_in_every_language():
    for kind in KINDS:
        for language in ("zh", "en"):
            context = period_context(parse_period({"month": "2026-10", "quarter": "2026-Q3", "half": "2026-H2",
                                                   "year": "2026"}[kind]), language)
            assert all(context.values())


def test_a_half_year_streak_flag_reads_in_half_years():
    flag = Flag(FIRST_RANK_STREAK, 2, 2, amount=None)
    assert flag_text(flag, "half").startswith("连续 2 个半年度部门排名第一")
    assert period_context(parse_period("2026年下半年"))["label"] == "2026年下半年"

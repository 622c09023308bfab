"""The 语言 setting: prose in one language, labels in both, dates and periods as each language writes them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from reporter.model import FAILING_STREAK, FIRST_RANK_STREAK, Flag, NotAppraised
from reporter.period import parse_period
from reporter.writers.language import Language, language
from reporter.writers.wording import absence_rule, flag_text, not_appraised_text, running


def test_prose_is_english_only_in_an_english_document():
    assert [Language(c).say("本期", "this period") for c in ("zh", "en", "zh-en")] == ["本期", "this period", "本期"]


def test_a_bilingual_label_carries_the_english_beneath():
    zh, en, both = Language("zh"), Language("en"), Language("zh-en")
    assert (zh.label("姓名", "Name"), en.label("姓名", "Name"), both.label("姓名", "Name")) == ("姓名", "Name", "姓名\nName")
    assert both.inline("汇总", "Summary") == "汇总 Summary"
    assert str(both.html("<b>", "a&b")) == '&lt;b&gt;<span class="en">a&amp;b</span>'  # escaped both sides
    assert str(en.html("<b>", "a&b")) == "a&amp;b"


def test_a_documents_title_on_its_page_in_its_html_title_and_in_its_footer():
    both = Language("zh-en").titles("确认书", "Review Letter")
    assert both == {"title": '确认书<span class="en">Review Letter</span>', "title_text": "确认书 Review Letter",
                    "footer_title": "确认书\nReview Letter"}
    assert Language("zh").titles("确认书", "Review Letter") == {"title": "确认书", "title_text": "确认书",
                                                                "footer_title": "确认书"}
    assert Language("en").titles("确认书", "Review Letter")["footer_title"] == "Review Letter"


def test_an_unknown_code_is_refused_and_blank_is_chinese():
    with pytest.raises(ValueError, match="zh-en"):
        Language("fr")
    assert language(None).code == language("").code == "zh"


@pytest.mark.parametrize(("key", "zh", "en"), [
    ("2026-10", "2026年10月", "October 2026"), ("2026-Q3", "2026年第3季度", "Q3 2026"),
    ("2026-H1", "2026年上半年", "H1 2026"), ("2026", "2026年度", "2026"),
])
def test_periods_read_naturally_in_each_language(key, zh, en):
    period = parse_period(key)
    assert Language("zh").period_label(period) == Language("zh-en").period_label(period) == zh
    assert Language("en").period_label(period) == en


def test_dates():
    assert Language("zh").date(date(2026, 11, 13)) == "2026年11月13日"
    assert Language("en").date(date(2026, 11, 3)) == "3 November 2026"
    assert Language("en").date(None) == "—"


def test_the_rules_in_english_count_periods_in_the_periods_unit():
    assert running(2, "quarter", "en") == "for 2 quarters in a row"
    assert running(1, "month", "en") == "for 1 month in a row"
    assert flag_text(Flag(FIRST_RANK_STREAK, 3, 3, D("200")), "month", "en") == (
        "First in the department for 3 months in a row: one-time bonus of ¥200.00")
    assert flag_text(Flag(FAILING_STREAK, 2, 2, None, hr_only=True), "half", "en") == (
        "Below the pass mark for 2 half-years in a row: follow-up needed")
    assert not_appraised_text(NotAppraised(D("1.5"), D("1")), "en") == (
        "Away from the post for 1.5 months in the appraisal period, more than the 1 month the policy allows: "
        "not appraised this period")
    assert absence_rule(D("2"), "en").startswith("an employee away from the post for more than 2 months")


def test_a_language_prints_as_its_html_tag_for_templates_written_before_it_was_an_object():
    assert [str(Language(c)) for c in ("zh", "en", "zh-en")] == ["zh-CN", "en", "zh-CN"]

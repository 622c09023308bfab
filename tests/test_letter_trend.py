"""The review letter's trend chart: the facts worked by hand over three recorded months, the SVG, the letter.

Three months of the fixture company (BASE), recorded with the fast path:

- 2026-08: BASE, with 王芳 (E003) appraised too: response 25 s (full 30), 2 bad reviews against a target
  of 2 (26), attitude 4/5 (24), reports 4/4 (4), attendance 10 → 94.00.  客服部 has 3 appraised:
  张伟 122.20, 李娜 41.00, 王芳 94.00 → average 257.20 / 3 = 85.7333 → 85.73.
- 2026-09: BASE, with 李娜 absent 3 months (not appraised: a gap in her chart); 客服部 has 张伟 alone.
- 2026-10: BASE: 张伟 122.20, 李娜 41.00; 王芳 not appraised, so 客服部 has 2 appraised.
运营部 has 刘洋 (62.00 each month) alone: its average is never shown.
"""

from __future__ import annotations

import copy
import xml.etree.ElementTree as ET
from datetime import date
from decimal import Decimal as D

import pdfplumber
import pytest

from reporter.input.validate import load_input
from reporter.model import HistoryRecord
from reporter.rules.engine import score_period
from reporter.rules.trend import PastResult, Trend, TrendPoint, employee_trends
from reporter.store.history import load_history, record_period
from reporter.writers.language import Language
from reporter.writers.pdf.trend_chart import render_with_trend, trend_context, trend_svg
from tests.conftest import BASE, write_book

SVG = "{http://www.w3.org/2000/svg}"
LONGEST = 14  # sample letters the tallest chart is tried on, per language


def month(key: str, deadline: date) -> dict:
    sheets = copy.deepcopy(BASE)
    settings = {row[0]: i for i, row in enumerate(sheets["设置"])}
    sheets["设置"][settings["考核期间"]][1] = key
    sheets["设置"][settings["申诉截止日期"]][1] = deadline
    return sheets


def august() -> dict:
    sheets = month("2026-08", date(2026, 9, 13))
    sheets["员工"][3][8] = 0  # 王芳 not absent
    sheets["月度数据"][3][2:4] = [25, 2]
    sheets["考勤"].append(["E003", "王芳", 0, 0, 0, 4, 4])
    sheets["评分"].append(["E003", "工作态度", 4])
    return sheets


def september() -> dict:
    sheets = month("2026-09", date(2026, 10, 13))
    sheets["员工"][2][8] = 3  # 李娜 absent: not appraised
    return sheets


def scored(folder, name, sheets, db):
    inp = load_input(write_book(folder / f"{name}.xlsx", sheets))
    return score_period(inp, load_history(db, before=inp.settings.period.key))


@pytest.fixture(scope="module")
def three_months(tmp_path_factory):
    """The history of 2026-08, -09 and -10, and the results of each month (scored against it)."""
    folder = tmp_path_factory.mktemp("trend")
    db = folder / "reporter.sqlite"
    results = {}
    for name, sheets in (("2026-08", august()), ("2026-09", september()), ("2026-10", copy.deepcopy(BASE))):
        results[name] = scored(folder, name, sheets, db)
        record_period(db, results[name], input_sha256="x", built_at=f"{name}-28")
    return folder, db, results


def recorded(db) -> list[PastResult]:
    from reporter.rules.trend import past_results
    from reporter.store.history import read_results

    return past_results(read_results(db))


def test_the_facts_of_three_months_worked_by_hand(three_months):
    folder, db, results = three_months
    trends = employee_trends(recorded(db), results["2026-10"])
    assert set(trends) == {"E001", "E002", "E004"}  # 王芳 is not appraised in October: her letter has no results
    assert trends["E001"].points == (
        TrendPoint("2026-08", D("122.20"), D("85.73")),
        TrendPoint("2026-09", D("122.20"), None, withheld=True),  # 张伟 alone in 客服部
        TrendPoint("2026-10", D("122.20"), None, withheld=True))  # 2 appraised: fewer than 3
    assert trends["E002"].points == (
        TrendPoint("2026-08", D("41.00"), D("85.73")),
        TrendPoint("2026-09", None, None, withheld=True),  # absent: a gap in her line
        TrendPoint("2026-10", D("41.00"), None, withheld=True))
    assert [(p.total, p.department_average) for p in trends["E004"].points] == [(D("62.00"), None)] * 3
    assert all(t.withheld for t in trends.values())


def test_rebuilding_an_older_month_shows_no_later_one(three_months):
    folder, db, results = three_months
    trends = employee_trends(recorded(db), results["2026-09"])  # the history holds October already
    assert set(trends) == {"E001", "E004"}  # 李娜 is not appraised in September
    assert [p.period for p in trends["E001"].points] == ["2026-08", "2026-09"]


def test_no_chart_with_one_period_and_a_window_of_the_last_periods(three_months):
    folder, db, results = three_months
    assert employee_trends([], results["2026-10"]) == {}
    last_two = employee_trends(recorded(db), results["2026-10"], periods=2)
    assert [p.period for p in last_two["E001"].points] == ["2026-09", "2026-10"]
    assert "E002" not in last_two  # a gap and one total: fewer than two totals to draw


def past(period, eid, total, company="华东公司", department="客服部"):
    return PastResult(period, eid, company, department, total is not None, None if total is None else D(total))


def test_three_appraised_show_the_average_two_do_not_and_other_companies_and_kinds_do_not_count(three_months):
    folder, db, results = three_months
    september = [past("2026-09", "E001", "90"), past("2026-09", "E002", "60"), past("2026-09", "X1", "70.01"),
                 past("2026-09", "X2", "10", company="华南公司"),  # another company's 客服部
                 past("2026-09", "E004", "50", department="运营部"), past("2026-09", "X3", "40", department="运营部"),
                 past("2026-Q3", "E001", "1"), past("2026-Q3", "E002", "1"), past("2026-Q3", "X1", "1")]
    trends = employee_trends(september, results["2026-10"])
    assert trends["E001"].points[0] == TrendPoint("2026-09", D("90"), D("73.34"))  # 220.01 / 3, rounded
    assert trends["E004"].points[0] == TrendPoint("2026-09", D("50"), None, withheld=True)  # two appraised
    assert [p.period for p in trends["E002"].points] == ["2026-09", "2026-10"]  # the quarter is ignored


def test_the_input_history_sheet_draws_the_employees_own_totals_where_nothing_was_recorded(three_months):
    """Totals typed into 历史 name no department: the employee's line, no average; a recorded period wins."""
    folder, db, results = three_months
    typed = [HistoryRecord("2026-07", "E001", D("77.5"), "B"), HistoryRecord("2026-07", "E002", D("66"), "C"),
             HistoryRecord("2026-07", "E004", D("55"), "C"),  # three people: still no department average
             HistoryRecord("2026-09", "E001", D("1"), "D"),  # September was built: the history wins
             HistoryRecord("2026-Q2", "E001", D("1"), "D")]  # another kind of period: ignored
    trend = employee_trends(recorded(db), results["2026-10"], imported=typed)["E001"]
    assert trend.points[0] == TrendPoint("2026-07", D("77.5"), None)
    assert [p.period for p in trend.points] == ["2026-07", "2026-08", "2026-09", "2026-10"]
    assert trend.points[2].total != D("1")
    only_typed = employee_trends([], results["2026-10"], imported=typed)
    assert [(p.period, p.total, p.department_average) for p in only_typed["E001"].points][0] == (
        "2026-07", D("77.5"), None)


def test_the_chart_is_well_formed_svg_with_every_value_and_period(three_months):
    folder, db, results = three_months
    trend = employee_trends(recorded(db), results["2026-10"])["E002"]
    svg = ET.fromstring(trend_svg(trend, Language("zh")))
    assert svg.tag == f"{SVG}svg" and svg.get("width") == "78.0mm"
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert {"本人", "部门平均", "8月", "9月", "10月", "2026年", "41.00", "85.73", "—"} <= set(texts)
    assert texts.count("41.00") == 2 and "122.20" not in texts  # nobody else's total
    assert len(svg.findall(f"{SVG}polyline")) == 0  # the gap breaks her line; one average: no dashed line
    english = [t.text for t in ET.fromstring(trend_svg(trend, Language("en"))).iter(f"{SVG}text")]
    assert {"You", "Department average", "Aug", "Sep", "Oct", "2026"} <= set(english)
    both = [t.text for t in ET.fromstring(trend_svg(trend, Language("zh-en"))).iter(f"{SVG}text")]
    assert {"本人 You", "部门平均 Department average", "10月"} <= set(both)


def test_the_notes_say_what_is_left_out():
    steady = Trend("E1", (TrendPoint("2026-09", D("80"), D("75")), TrendPoint("2026-10", D("82"), D("77"))))
    assert trend_context(steady, Language("zh"))["trend"]["note"] == ""
    assert trend_context(None, Language("zh")) == {"trend": None}
    holed = Trend("E1", (TrendPoint("2026-08", D("80"), None, True), TrendPoint("2026-09", None, None),
                         TrendPoint("2026-10", D("82"), D("77"))))
    assert trend_context(holed, Language("zh"))["trend"]["note"] == (
        "“—”：该期未参与考核。本部门考核不足 3 人的期间不显示部门平均。")
    assert "fewer than 3 of its people" in trend_context(holed, Language("en"))["trend"]["note"]
    svg = ET.fromstring(str(trend_context(holed, Language("en"))["trend"]["svg"]))
    assert len(svg.findall(f"{SVG}polyline")) == 0 and len(svg.findall(f"{SVG}circle")) == 2


@pytest.mark.slow
def test_the_letters_draw_the_chart_and_hold_no_one_elses_total(tmp_path):
    from reporter.pipeline.build import RenderOptions, build
    from tests.test_letters import pdftext, squeeze

    out, options = tmp_path / "out", RenderOptions(workers=1)
    for name, sheets in (("2026-08", august()), ("2026-09", september())):
        record_period(out / "reporter.sqlite", scored(tmp_path, name, sheets, out / "reporter.sqlite"),
                      input_sha256="x", built_at=f"{name}-28")
    october = write_book(tmp_path / "2026-10.xlsx", copy.deepcopy(BASE))
    build(october, out, options=options)
    letters = out / "2026-10" / "letters"
    zhang, li, liu, wang = (squeeze(pdftext(letters / f"{eid}.pdf")) for eid in ("E001", "E002", "E004", "E003"))
    assert "本人" in zhang and "部门平均" in zhang and "8月" in zhang and "85.73" in zhang
    assert zhang.count("122.20") == 6  # the total row, the conclusion, last period's plan and 3 points
    assert "41.00" not in zhang and "94.00" not in zhang  # nobody else's total
    assert "85.73" in li and "122.20" not in li and "“—”：该期未参与考核" in li
    assert "本部门考核不足3人的期间不显示部门平均" in liu and "85.73" not in liu
    assert "部门平均" not in wang  # not appraised: no results, no chart
    for eid in ("E001", "E002", "E004"):
        with pdfplumber.open(letters / f"{eid}.pdf") as pdf:
            assert len(pdf.pages) <= 2 and min(c["size"] for page in pdf.pages for c in page.chars) >= 7.95

    # HR re-issues 张伟's letter alone: the chart is drawn from the same history (October's own rows replaced).
    build(october, out, employee_ids=["E001"], force=True, options=options)
    assert squeeze(pdftext(letters / "E001.pdf")) == zhang


@pytest.mark.slow
@pytest.mark.parametrize("language", ["zh", "en"])
def test_the_chart_and_its_notes_add_no_page_to_the_samples_letters(tmp_path, language):
    """The tallest chart there is (a gap and a withheld average: both notes) in the sample's longest letters
    (the LONGEST of the most plan lines and review text), as a build prints them: with its verification code, and last period's improvement plan on record.
    A few English letters need the chart in a block of its own after the figures (render_with_trend)."""
    import io
    from datetime import datetime

    import openpyxl
    from pypdf import PdfReader

    from reporter.pipeline.issue import letter_stamps
    from reporter.writers.pdf.documents import render_letter
    from reporter.writers.pdf.renderer import PdfRenderer
    from tests.conftest import SAMPLE

    book = openpyxl.load_workbook(SAMPLE)
    settings = book["设置"]
    settings.append(["语言", language])
    book.save(tmp_path / "2026-10.xlsx")
    for row in settings.iter_rows(min_row=2):
        if row[0].value in ("考核期间", "考核日期", "申诉截止日期"):
            row[1].value = "2026-09" if row[0].value == "考核期间" else row[1].value.replace(month=10)
    book.save(tmp_path / "2026-09.xlsx")
    db = tmp_path / "reporter.sqlite"
    record_period(db, score_period(load_input(tmp_path / "2026-09.xlsx")), input_sha256="x", built_at="x")
    result = score_period(load_input(tmp_path / "2026-10.xlsx"), load_history(db, before="2026-10"))
    assert result.input.settings.language == language
    stamps = letter_stamps(result, db, issued_on=date(2026, 11, 1))
    renderer, pages, charted = PdfRenderer(), {}, set()
    points = (TrendPoint("2026-05", D("100.00"), None, withheld=True), TrendPoint("2026-06", None, D("80.00")),
              *(TrendPoint(f"2026-{m:02d}", D("75.50"), D("81.25")) for m in (7, 8, 9, 10)))
    # The letters most at risk of a third page: the longest plans, then the longest review texts (every
    # sample letter was checked once; the build's own letters are counted by test_documents.py).
    longest = sorted(result.appraised, key=lambda r: (len(r.lines), len(r.review.comment + r.review.improvement)
                                                      if r.review else 0), reverse=True)[:LONGEST]
    for r in longest:
        eid = r.employee.employee_id
        data = render_letter(renderer, result, r, datetime(2026, 10, 31), stamps[eid], Trend(eid, points))
        pdf = PdfReader(io.BytesIO(data))
        pages[eid] = len(pdf.pages)
        if any(legend in page.extract_text() for page in pdf.pages for legend in ("部门平均", "Department average")):
            charted.add(eid)
    assert sum(r.previous is not None and bool(r.previous.improvement) for r in result.appraised) > 40
    assert len(pages) == LONGEST and max(pages.values()) == 2, {k: v for k, v in pages.items() if v > 2}
    # Without a page to spare a letter goes without the chart (render_with_trend): a few English ones.
    assert len(charted) >= len(pages) - (0 if language == "zh" else 4), sorted(set(pages) - charted)


@pytest.mark.parametrize(("beside", "plain", "apart", "kept"), [
    (2, None, None, "beside"),  # fits: laid out once
    (3, 3, None, "beside"),  # a letter long anyway keeps its chart: laid out twice
    (3, 2, 2, "apart"),  # the chart in a block of its own after the figures
    (3, 2, 3, "plain"),  # the chart would cost a sheet either way: the letter as without it
])
def test_the_chart_never_adds_a_page(beside, plain, apart, kept):
    trend = Trend("E1", (TrendPoint("2026-09", D("80"), D("75")), TrendPoint("2026-10", D("82"), D("77"))))
    layouts = []

    def render(context):
        layout = "plain" if context["trend"] is None else "apart" if context["trend"]["apart"] else "beside"
        layouts.append(layout)
        return layout.encode(), {"beside": beside, "apart": apart, "plain": plain}[layout]

    data = render_with_trend(render, {"total": "82.00"}, trend, Language("zh"))
    assert data == kept.encode() and layouts == ["beside", "plain", "apart"][:len(layouts)]
    assert len(layouts) == 1 + (plain is not None) + (apart is not None)

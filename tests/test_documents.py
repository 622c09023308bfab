"""What a reviewer checks on a printed letter or agreement: pages, running headers, cells, glyphs, originals.

Every check reads the PDF back with a second reader (pypdf, pdftotext, pdfplumber) and compares it with
values worked out from the input, never with our own output.
"""

from __future__ import annotations

import dataclasses
import re
from decimal import Decimal as D
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from reporter.input.limits import LINE, NOTE
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.writers.pdf.documents import render_agreement, render_letter
from reporter.writers.pdf.renderer import PdfRenderer, RenderError
from tests.test_letters import OCT_31, pdftext, squeeze

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def renderer():
    return PdfRenderer()


def pages_of(path: Path) -> list[str]:
    return [squeeze(pdftext(path, page=n)) for n in range(1, len(PdfReader(path).pages) + 1)]


def test_nine_in_ten_sample_letters_fit_two_pages(sample_build, sample_result):
    counts = [len(PdfReader(sample_build / "letters" / f"{r.employee.employee_id}.pdf").pages)
              for r in sample_result.results]
    assert sum(n <= 2 for n in counts) >= 0.9 * len(counts), counts


def test_total_row_never_starts_a_page(sample_build, sample_result):
    """The page with 总分 also holds the plan's last line (the total is kept with the lines)."""
    for r in (x for x in sample_result.results if x.appraised):
        pages = pages_of(sample_build / "letters" / f"{r.employee.employee_id}.pdf")
        page = next(p for p in pages if "总分（各项得分之和）" in p)
        before = page[:page.index("总分（各项得分之和）")]
        assert squeeze(r.lines[-1].line.item) in before, r.employee.employee_id


def test_section_references_name_the_section(sample_build, sample_result):
    for r in sample_result.results:
        text = squeeze(pdftext(sample_build / "letters" / f"{r.employee.employee_id}.pdf"))
        headings = re.findall(r"([一二三四五六七八九十])、(考核结果明细|考核结论|结果应用|本月工资核算|考核评语与改进计划|申诉与确认)",
                              text)
        numerals = [n for n, _ in headings]
        assert numerals == list("一二三四五六"[:len(numerals)]), (r.employee.employee_id, headings)
        appeal = dict((title, n) for n, title in headings)["申诉与确认"]
        assert appeal == ("六" if r.appraised else "二")
        for ref in re.findall(r"请按第(.)条申诉", text):
            assert ref == appeal, r.employee.employee_id


@pytest.mark.parametrize("kind", ["letters", "agreements"])
def test_name_id_and_period_on_every_page(sample_build, sample_result, kind):
    for r in sample_result.results:
        e = r.employee
        for n, page in enumerate(pages_of(sample_build / kind / f"{e.employee_id}.pdf"), start=1):
            if not page:
                continue  # the blank page before the second original
            assert f"{e.name}·工号{e.employee_id}·2026年10月" in page, (kind, e.employee_id, n)


def test_confirmation_block_has_the_choice_and_the_company_sign_off(sample_build, sample_result):
    hr = squeeze(sample_result.input.settings.hr_signatory)
    for r in sample_result.results:
        last = pages_of(sample_build / "letters" / f"{r.employee.employee_id}.pdf")[-1]
        block = last[last.index("申诉与确认"):]
        assert "无异议" in block and "有异议" in block
        assert block.index("员工签字") < block.index("考核人签字") < block.index("人事签批")
        assert hr in block[block.index("人事签批"):]  # the HR signatory is printed at the sign-off
        assert "公司盖章" in block and f"公司：{squeeze(sample_result.input.settings.company)}（盖章）" in block


def test_workings_show_their_inputs(sample_build, sample_result):
    inp = sample_result.input
    gz = squeeze(pdftext(sample_build / "letters" / "GZ0010.pdf"))
    m = inp.measures["GZ0010"]
    lost = (m["late"] + m["early_leave"]) * 2 + m["leave_days"]  # the sample's 考勤扣分 formula
    assert (f"迟到{m['late']:f}次、早退{m['early_leave']:f}次、请假{m['leave_days'].normalize():f}天"
            f"→扣{lost.normalize():f}分") in gz
    hz = squeeze(pdftext(sample_build / "letters" / "HZ0016.pdf"))
    pool = inp.pools["华东客服"]
    members = [r for r in sample_result.results if r.appraised and r.employee.commission_pool == "华东客服"]
    assert f"公共销售业绩总额¥{pool.shared_sales:,.2f}×0.5%÷{len(members)}人" in hz
    share = (pool.shared_sales * pool.rate / len(members)).quantize(D("0.01"))
    assert f"¥{share:,.2f}" in hz
    # hired 2019-04-15: 7 full years on 2026-10-31, ¥50 a year, capped at ¥500
    assert "工龄7年×¥50.00，上限¥500.00" in hz and "¥350.00" in hz
    assert "工作能力工作能力" not in hz and "工作态度工作态度" not in hz


def test_commission_note_only_for_staff_with_commission(sample_build, sample_result):
    for r in (x for x in sample_result.results if x.appraised):
        text = squeeze(pdftext(sample_build / "letters" / f"{r.employee.employee_id}.pdf"))
        earns = bool(r.employee.personal_sales or r.employee.commission_rate)
        assert ("个人绩效提成按此系数计发" in text) == earns, r.employee.employee_id


def test_director_annual_reward_is_provisional_in_october(sample_build, sample_result):
    r = next(x for x in sample_result.results if x.employee.employee_id == "HZ0001")
    assert r.pay.annual_reward is not None
    text = squeeze(pdftext(sample_build / "letters" / "HZ0001.pdf"))
    assert f"预计¥{r.pay.annual_reward:,.2f}" in text


def test_agreement_is_two_marked_originals(sample_build, sample_result):
    for r in sample_result.results:
        e = r.employee
        pages = pages_of(sample_build / "agreements" / f"{e.employee_id}.pdf")
        half = len(pages) // 2  # each original n pages; a blank page between when n is odd
        first, second = pages[:half], pages[-half:]
        assert all("甲方执" in p and "乙方执" not in p for p in first), e.employee_id
        assert all("乙方执" in p and "甲方执" not in p for p in second), e.employee_id
        # one layout, two marks: the originals cannot differ in anything else
        assert [p.replace("甲方执", "") for p in first] == [p.replace("乙方执", "") for p in second], e.employee_id
        assert len(pages) == 2 * half + half % 2 and (len(pages) - half) % 2 == 0  # original 2 starts on an odd page
        for original in (first, second):
            text = "".join(original)
            assert "甲方（盖章）" in text and "乙方（签字）" in text and "甲方盖章处" in text
            assert text.count("日期：") >= 2 and "负责人（签字）" in text
            assert f"第1页/共{half}页" in original[0]
        # typeset once: both originals draw the same page contents with the same embedded fonts
        reader = PdfReader(sample_build / "agreements" / f"{e.employee_id}.pdf")
        first_drawn = [_body_objects(page) for page in reader.pages[:half]]
        assert first_drawn == [_body_objects(page) for page in reader.pages[-half:]], e.employee_id
        assert all(fonts for _, fonts in first_drawn), e.employee_id


def _body_objects(page) -> tuple[list[int], set[int]]:
    """The numbers of a page's content streams (but the last, its stamp) and of its fonts."""
    contents = page.raw_get("/Contents")  # a stream, or an array of streams (maybe itself by reference)
    array = contents.get_object()
    streams = [ref.idnum for ref in array[:-1]] if isinstance(array, list) else [contents.idnum]
    fonts = page["/Resources"].get("/Font", {})
    return streams, {ref.idnum for ref in fonts.get_object().values()}


def test_agreement_party_block_and_section_six_hold_together(sample_build, sample_result):
    for r in sample_result.results:
        e = r.employee
        path = sample_build / "agreements" / f"{e.employee_id}.pdf"
        with pdfplumber.open(path) as pdf:
            words = pdf.pages[0].extract_words(keep_blank_chars=True, x_tolerance=1.5)
        party = next(w["text"] for w in words if e.department in w["text"])  # 华东公司 客服部 · 在线客服专员
        assert squeeze(party).endswith(f"{e.department}·{e.role}"), (e.employee_id, party)  # one line, not wrapped
        for page in pages_of(path):
            if "六、工资调整" in page:
                assert page.index("六、工资调整") < page.index("分数区间"), e.employee_id


# ---- hostile inputs ---------------------------------------------------------------------------

def hostile_result(base_sheets, make_book):
    """The largest amounts and the longest unbroken words the input allows (reporter.input.limits)."""
    base_sheets["员工"][1][7] = 1000000  # ¥1,000,000.00 position pay
    base_sheets["员工"][1][9] = 999999999  # personal sales: an eight-digit commission
    base_sheets["考核方案"][2][3] = "差评" + "W" * (LINE.chars - 2)  # a KPI line's item name
    base_sheets["评语"][1][2] = "W" * NOTE.chars
    base_sheets["加减分"][1][1] = "支援" + "W" * (LINE.chars - 2)
    return score_period(load_input(make_book(base_sheets)))


def words_outside_cells(path: Path) -> list[tuple]:
    """Words that cross their table cell's right edge or leave the page."""
    bad = []
    with pdfplumber.open(path) as pdf:
        for n, page in enumerate(pdf.pages, start=1):
            cells = [c for t in page.find_tables() for c in t.cells]
            for w in page.extract_words(x_tolerance=1):
                if w["x0"] < 0 or w["x1"] > page.width or w["bottom"] > page.height:
                    bad.append((n, w["text"][:20], "page"))
                    continue
                mid = (w["top"] + w["bottom"]) / 2
                home = [c for c in cells if c[0] - 0.5 <= w["x0"] <= c[2] and c[1] <= mid <= c[3]]
                if home and w["x1"] > min(c[2] for c in home) + 0.5:
                    bad.append((n, w["text"][:20], "cell"))
    return bad


def test_huge_amounts_and_long_words_stay_in_their_cells(renderer, base_sheets, make_book, tmp_path):
    result = hostile_result(base_sheets, make_book)
    e001 = next(r for r in result.results if r.employee.employee_id == "E001")
    assert e001.pay.position_pay == D("1000000.00") and e001.pay.total > D("10000000")
    biggest = D("9999999999.99")
    huge = dataclasses.replace(e001, pay=dataclasses.replace(
        e001.pay, position_pay=biggest, personal_commission=biggest, shared_commission=biggest, total=biggest))
    for name, r in (("real", e001), ("huge", huge)):
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(render_letter(renderer, result, r, OCT_31))
        text = squeeze(pdftext(path))
        assert f"¥{r.pay.total:,.2f}" in text and f"¥{r.pay.position_pay:,.2f}" in text
        assert text.count("W") >= 2 * (LINE.chars - 2) + NOTE.chars  # the long words are all printed, not cut
        assert words_outside_cells(path) == [], name
    path = tmp_path / "agreement.pdf"
    path.write_bytes(render_agreement(renderer, result, e001, OCT_31))
    assert words_outside_cells(path) == []


def test_overflowing_cells_are_detected(renderer, sample_result, tmp_path):
    """The check bites: a no-wrap amount column does run out of its cell."""
    from weasyprint import CSS

    r = next(x for x in sample_result.results if x.employee.employee_id == "HZ0016")
    biggest = D("9999999999.99")
    r = dataclasses.replace(r, pay=dataclasses.replace(r.pay, position_pay=biggest * 1000))
    from weasyprint import HTML

    from reporter.writers.pdf.documents import letter_context

    html = renderer.html("letter.html.j2", {**letter_context(sample_result, r), "created": "2026-10-31T00:00:00Z"})
    nowrap = CSS(string="td { white-space: nowrap; word-break: normal; overflow-wrap: normal }")
    data = HTML(string=html, base_url=renderer.templates.as_uri() + "/").write_pdf(
        stylesheets=[*renderer.css, nowrap], font_config=renderer.font_config)
    path = tmp_path / "nowrap.pdf"
    path.write_bytes(data)
    assert any(kind == "cell" for _, _, kind in words_outside_cells(path))


def test_missing_glyph_fails_naming_the_employee(renderer, base_sheets, make_book):
    base_sheets["员工"][1][1] = "张\U00020000"  # 𠀀: no installed font has it
    result = score_period(load_input(make_book(base_sheets)))
    e001 = next(r for r in result.results if r.employee.employee_id == "E001")
    for render in (render_letter, render_agreement):
        with pytest.raises(RenderError) as info:
            render(renderer, result, e001, OCT_31)
        assert "E001" in str(info.value) and "\U00020000" in str(info.value) and "U+20000" in str(info.value)


def test_rare_but_covered_characters_print(renderer, base_sheets, make_book, tmp_path):
    """Characters the CJK font has (a rare surname 喆, ¥, ～) pass the check and survive text extraction."""
    base_sheets["员工"][1][1] = "喆䶮"
    result = score_period(load_input(make_book(base_sheets)))
    e001 = next(r for r in result.results if r.employee.employee_id == "E001")
    path = tmp_path / "rare.pdf"
    path.write_bytes(render_letter(renderer, result, e001, OCT_31))
    assert "喆䶮" in squeeze(pdftext(path)) and "\ufffd" not in pdftext(path)


def test_agreement_references_name_their_section(sample_build, sample_result):
    for r in sample_result.results:
        text = squeeze(pdftext(sample_build / "agreements" / f"{r.employee.employee_id}.pdf"))
        heading = re.search(r"([一二三四五六七八九十])、工资调整", text).group(1)
        refs = re.findall(r"见第(.)条", text)
        assert all(ref == heading for ref in refs), (r.employee.employee_id, refs, heading)
        if r.employee.personal_sales or r.employee.commission_rate:
            assert refs, r.employee.employee_id


@pytest.mark.parametrize("kind", ["letters", "agreements"])
def test_no_text_below_eight_points(sample_build, sample_result, kind):
    for eid in ("HZ0001", "HZ0016", "HZ0017", "GZ0010"):
        with pdfplumber.open(sample_build / kind / f"{eid}.pdf") as pdf:
            sizes = [c["size"] for page in pdf.pages for c in page.chars]
        assert sizes and min(sizes) >= 7.95, (kind, eid, min(sizes))

"""Review letters, agreements and print batches: read back with poppler and checked against the engine."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from datetime import datetime
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pdfplumber
import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reporter.cli import cli
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.store.documents import DocumentStamp
from reporter.writers.pdf.documents import document_language, letter_context, render_agreement, render_letter
from reporter.writers.pdf.renderer import PdfRenderer, RenderError, _make_fetcher, check_fonts
from reporter.writers.pdf.verification import verification_context
from tests.conftest import ROOT, streak_of_two

OCT_31 = datetime(2026, 10, 31)  # the sample period's last day: the default date of its documents


def pdftext(path: Path, *, page: int | None = None) -> str:
    args = ["pdftotext"]  # reading order: a wrapped cell stays together (-layout interleaves columns)
    if page is not None:
        args += ["-f", str(page), "-l", str(page)]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def is_qr_code(size: tuple[str, str]) -> bool:
    """The size (pdfimages' width and height) of a verification QR code: 4 pixels per module, versions 1–10."""
    return size[0] == size[1] and int(size[0]) in {4 * (17 + 4 * version) for version in range(1, 11)}


def squeeze(text: str) -> str:
    """pdftotext spaces CJK text unpredictably; compare without whitespace."""
    return re.sub(r"\s+", "", text)


def table_cells(path: Path, first_original: bool = False) -> list[str]:
    """Every table cell's text (pdfplumber keeps a wrapped cell together), whitespace removed.

    ``first_original``: only the first half of the pages, the first of an agreement's two originals (the
    second is the same document with the other party's mark, checked in tests/test_documents.py), at
    half the cost of reading both.
    """
    with pdfplumber.open(path) as pdf:
        pages = pdf.pages[:len(pdf.pages) // 2] if first_original else pdf.pages
        return [squeeze(c) for page in pages for table in page.extract_tables() for row in table for c in row if c]


# Each target of the sample's plans (value and unit as typed in 考核方案) as the agreement prints it,
# worked out by hand: a percentage × 100 with two decimals, money as ¥ with separators and two
# decimals, any other unit as the plain number followed by the unit (spaces do not count).
TARGETS_PRINTED = {
    (D("1"), "%"): "100.00%", (D("0.95"), "%"): "95.00%", (D("0.9"), "%"): "90.00%",
    (D("0.45"), "%"): "45.00%", (D("0.4"), "%"): "40.00%", (D("0.35"), "%"): "35.00%",
    (D("0.3"), "%"): "30.00%", (D("0.05"), "%"): "5.00%", (D("0.035"), "%"): "3.50%",
    (D("0.03"), "%"): "3.00%",
    (D("500000"), "元"): "¥500,000.00", (D("200"), "元"): "¥200.00", (D("1.2"), "元"): "¥1.20",
    (D("50000"), "人"): "50000 人", (D("2500"), "人"): "2500 人",
    (D("90"), "秒"): "90 秒", (D("30"), "秒"): "30 秒",
    (D("5"), "次"): "5 次", (D("2"), "次"): "2 次",
    (D("100"), "条"): "100 条", (D("40"), "项"): "40 项", (D("5"), "倍"): "5 倍", (D("4"), "页"): "4 页",
}


@pytest.fixture(scope="module")
def renderer():
    return PdfRenderer()


def test_harfbuzz_subsetting_is_installed():
    """Without libharfbuzz-subset0 WeasyPrint falls back to fontTools: ~13 s per CJK page."""
    from weasyprint.text import ffi

    assert ffi.harfbuzz_subset is not None, "apt-get install libharfbuzz-subset0 (make test does)"


def test_missing_fonts_fail_clearly():
    with pytest.raises(RenderError, match="fonts-noto-cjk"):
        check_fonts(("No Such Font SC",))


def test_every_letter_matches_the_engine(sample_build, sample_result):
    for r in sample_result.results:
        path = sample_build / "letters" / f"{r.employee.employee_id}.pdf"
        text = squeeze(pdftext(path))
        assert r.employee.name in text and r.employee.employee_id in text and "2026年10月" in text
        if not r.appraised:
            assert "不参与本期考核" in text and "不评定等级" in text
            continue
        cells = table_cells(path)
        for lr in r.lines:
            assert f"{lr.points:.2f}" in cells and squeeze(lr.line.item) in "".join(cells), lr.line.item
        assert "总分（各项得分之和）" in cells and f"{r.total:.2f}" in cells
        assert f"{r.grade.grade}·{r.grade.name}" in text
        assert f"¥{r.pay.total:,.2f}" in text
        assert "2026年11月13日" in text  # the appeal deadline
        assert "员工签字" in text and "考核人签字" in text
        for flag in r.flags:  # the bonus is the employee's news; the failing streak is for HR only
            if flag.hr_only:
                assert "考核不及格" not in text and "请人事部门跟进" not in text
            else:
                assert f"连续{flag.streak}个月部门排名第一，发放一次性奖励¥{flag.amount:,.2f}" in text
        assert "请辞" not in text


def test_failing_streak_is_for_hr_not_for_the_letter(sample_build):
    """GZ0010 failed 2026-08, 2026-09 and now: HR's summary and payroll say so, her letter does not."""
    letter = squeeze(pdftext(sample_build / "letters" / "GZ0010.pdf"))
    assert "GZ0010" in letter and "D·不合格" in letter
    assert "考核不及格" not in letter and "请人事部门跟进" not in letter and "请辞" not in letter
    summary = openpyxl.load_workbook(sample_build / "summary.xlsx", read_only=True)["汇总"]
    notes = {row[0]: row[18] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert notes["GZ0010"] == "连续 3 个月考核不及格，需跟进"
    assert notes["HZ0016"] == "连续 3 个月部门排名第一，发放一次性奖励 ¥200.00"
    with open(sample_build / "payroll.csv", encoding="utf-8-sig", newline="") as fh:
        payroll = {row["工号"]: row["备注"] for row in csv.DictReader(fh)}
    assert payroll["GZ0010"] == "连续 3 个月考核不及格，需跟进"
    card = openpyxl.load_workbook(sample_build / "scorecards" / "华南公司-推广部" / "GZ0010.xlsx", read_only=True)
    texts = "".join(str(v) for ws in card.worksheets for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "GZ0010" in texts and "不及格" not in texts


def render_to(tmp_path: Path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return squeeze(pdftext(path))


def test_streak_of_two_is_what_the_letter_and_agreement_say(renderer, base_sheets, make_book, tmp_path):
    """连续月数 = 2 and E001 first in 2026-09 and now: every sentence says 2, none says 3."""
    result = score_period(load_input(make_book(streak_of_two(base_sheets))))
    e001, e002 = (next(r for r in result.results if r.employee.employee_id == x) for x in ("E001", "E002"))
    letter = render_to(tmp_path, "E001.pdf", render_letter(renderer, result, e001, OCT_31))
    assert "连续2个月部门排名第一，发放一次性奖励¥200.00" in letter  # the flag
    assert "一次性奖励¥200.00连续2个月部门排名第一" in letter  # the pay row and its note
    assert "¥9,200.00" in letter and "连续3" not in letter and "三个月" not in letter
    agreement = render_to(tmp_path, "E001-agreement.pdf", render_agreement(renderer, result, e001, OCT_31))
    assert "连续2个月部门排名第一的，给予一次性奖励¥200.00" in agreement and "连续3" not in agreement
    failing = render_to(tmp_path, "E002.pdf", render_letter(renderer, result, e002, OCT_31))
    assert "李娜" in failing and "不及格" not in failing and "跟进" not in failing


def test_absence_limit_of_one_is_what_the_letter_says(renderer, base_sheets, make_book, tmp_path):
    base_sheets["设置"].append(["缺勤上限月数", 1])
    result = score_period(load_input(make_book(base_sheets)))
    e003 = next(r for r in result.results if r.employee.employee_id == "E003")
    text = render_to(tmp_path, "E003.pdf", render_letter(renderer, result, e003, OCT_31))
    assert "考评期内累计未到岗3个月，超过1个月，按制度不参与本期考核" in text
    assert "考评期内未到岗累计超过1个月的员工不参与当期考核" in text and "超过2个月" not in text


def test_every_agreement_lists_the_plan(sample_build, sample_result):
    inp = sample_result.input
    for r in sample_result.results:
        path = sample_build / "agreements" / f"{r.employee.employee_id}.pdf"
        text, cells = squeeze(pdftext(path)), table_cells(path, first_original=True)
        assert "目标责任书" in text and r.employee.name in text
        assert "业绩指标" in text and "管理指标" in text and "一式两份" in text and "甲方（盖章）" in text
        rows = [line for line in inp.plan_for(r.employee).lines]
        for line in rows:
            assert any(cell.startswith(squeeze(line.item)) for cell in cells), (r.employee.employee_id, line.item)
            if line.category != "bonus":
                weight = f"{line.weight * 100:f}".rstrip("0").rstrip(".") + "%"
                assert weight in cells, (r.employee.employee_id, line.item, weight)
            if line.method in ("achievement", "linear", "pass_fail"):
                target = TARGETS_PRINTED[(line.target, line.unit)]
                assert squeeze(target) in cells, (r.employee.employee_id, line.item, target)


def test_director_agreement_is_annual_with_the_reward_formula(sample_build):
    text = squeeze(pdftext(sample_build / "agreements" / "HZ0001.pdf"))
    assert "有效期为壹年，自2026年1月1日起至2026年12月31日止" in text
    assert "年度绩效奖励=企业年销售目标达成奖励+运营活动销售目标达成奖励" in text
    assert "¥31,200,000.00" in text and "0.3%" in text  # sales target and reward rate
    assert "有权参与制定公司经营发展规划并提出建议" in text  # the post's rights (篇五)


def test_adjusted_target_shows_reason_and_approver(sample_build, sample_result):
    changed = [(r, ln) for r in sample_result.results for ln in sample_result.input.plan_for(r.employee).lines
               if ln.original_target is not None]
    assert changed
    r, line = changed[0]
    text = squeeze(pdftext(sample_build / "agreements" / f"{r.employee.employee_id}.pdf"))
    assert "市场重大变化" in text and squeeze(line.approved_by) in text


def test_fonts_are_embedded_cjk_without_type3(sample_build):
    for path in [sample_build / "letters" / "HZ0016.pdf", sample_build / "agreements" / "HZ0001.pdf"]:
        listing = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
        fonts = listing.strip().splitlines()[2:]
        assert fonts
        for row in fonts:
            assert "CJK" in row and "Type 3" not in row and " yes yes " in row, row
        assert "\ufffd" not in pdftext(path)  # no .notdef boxes in the extracted text


def test_page_counts(sample_build, sample_result):
    for r in sample_result.results:
        letter = len(PdfReader(sample_build / "letters" / f"{r.employee.employee_id}.pdf").pages)
        agreement = len(PdfReader(sample_build / "agreements" / f"{r.employee.employee_id}.pdf").pages)
        assert (1 if not r.appraised else 2) <= letter <= 4, r.employee.employee_id
        assert 2 <= agreement // 2 <= 4, r.employee.employee_id  # two originals in one file


def duplex_starts(page_counts: list[int], copies: int) -> tuple[list[int], int]:
    """Where each copy must start (1-based, always odd) and the batch's length, blank pages included."""
    starts, length = [], 0
    for n in page_counts:
        for _ in range(copies):
            length += length % 2  # a blank page so that the next document starts on a right-hand page
            starts.append(length + 1)
            length += n
    return starts, length


@pytest.mark.parametrize("kind, copies, first_page_marker", [("agreements", 2, "乙方（员工）"), ("letters", 1, "公司/部门")])
def test_print_batches_start_each_document_on_an_odd_page(sample_build, sample_result, kind, copies, first_page_marker):
    members = [r.employee.employee_id for r in sample_result.results
               if (r.employee.company, r.employee.department) == ("华东公司", "客服部")]
    # an agreement file holds the two originals (n pages each, a blank page between when n is odd)
    counts = [len(PdfReader(sample_build / kind / f"{eid}.pdf").pages) // copies for eid in members]
    expected_starts, expected_length = duplex_starts(counts, copies)
    batch = PdfReader(sample_build / "print" / f"{kind}-华东公司-客服部.pdf")
    assert len(batch.pages) == expected_length
    starts = [i + 1 for i, page in enumerate(batch.pages) if first_page_marker in squeeze(page.extract_text() or "")]
    assert starts == expected_starts and all(n % 2 == 1 for n in starts)
    names = [squeeze(batch.pages[n - 1].extract_text()) for n in starts]
    owners = [eid for eid in members for _ in range(copies)]
    assert all(eid in text for eid, text in zip(owners, names, strict=True))  # in order, two originals each


def test_each_letter_holds_only_its_own_employee(sample_build, sample_result):
    people = [(r.employee.employee_id, r.employee.name) for r in sample_result.results]
    for r in sample_result.results:
        own = r.employee
        allowed = {own.name, own.manager, r.review.reviewer if r.review else ""}
        for kind in ("letters", "agreements"):
            text = squeeze(pdftext(sample_build / kind / f"{own.employee_id}.pdf"))
            for eid, name in people:
                if eid != own.employee_id:
                    assert eid not in text, (kind, own.employee_id, eid)
                    if not any(name in a for a in allowed if a):
                        assert name not in text, (kind, own.employee_id, name)


def test_same_input_same_bytes(renderer, sample_result):
    r = next(x for x in sample_result.results if x.employee.employee_id == "HZ0016")
    assert render_letter(renderer, sample_result, r, OCT_31) == render_letter(renderer, sample_result, r, OCT_31)
    assert render_agreement(renderer, sample_result, r, OCT_31) == render_agreement(renderer, sample_result, r, OCT_31)


def test_the_renderer_counts_the_pages_it_writes(renderer, sample_result):
    """The trend chart's placement is decided by the count from the layout (render_counted): the PDF's own."""
    lang = document_language(sample_result)
    for r in sample_result.results[:3]:
        context = letter_context(sample_result, r) | verification_context(None, lang) | {"trend": None}
        pdf, pages = renderer.render_counted("letter.html.j2", context, identifier="x", created=OCT_31)
        assert pages == len(PdfReader(io.BytesIO(pdf)).pages) >= 1
        assert pdf == renderer.render("letter.html.j2", context, identifier="x", created=OCT_31)


def test_documents_carry_the_date_they_are_given(renderer, sample_result):
    r = next(x for x in sample_result.results if x.employee.employee_id == "HZ0016")
    info = PdfReader(io.BytesIO(render_letter(renderer, sample_result, r, OCT_31))).metadata
    assert info["/CreationDate"].startswith("D:20261031")
    info = PdfReader(io.BytesIO(render_letter(renderer, sample_result, r, datetime(2026, 1, 1)))).metadata
    assert info["/CreationDate"].startswith("D:20260101")


@pytest.mark.slow
def test_html_in_names_and_comments_is_text(tmp_path, base_sheets, make_book):
    base_sheets["员工"][1][1] = '张伟<img src="file:///etc/hostname">'
    base_sheets["评语"][1][2] = '<link rel="attachment" href="file:///etc/passwd">响应及时'
    base_sheets["评语"][1][3] = '<script>alert(1)</script><img src="http://evil.example/x.png">'
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(make_book(base_sheets)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    letter = out / "2026-10" / "letters" / "E001.pdf"
    text = squeeze(pdftext(letter))
    assert '<imgsrc="file:///etc/hostname">' in text  # printed as text, not fetched
    assert "file:///etc/passwd" in text and "<script>" in text
    images = subprocess.run(["pdfimages", "-list", str(letter)], capture_output=True, text=True, check=True).stdout
    sizes = [tuple(line.split()[3:5]) for line in images.strip().splitlines()[2:]]
    assert all(is_qr_code(size) for size in sizes)  # no image but the verification code's QR
    attachments = subprocess.run(["pdfdetach", "-list", str(letter)], capture_output=True, text=True, check=True).stdout
    assert attachments.startswith("0 embedded files")


@pytest.mark.parametrize("url, allowed", [
    ("file:///etc/hostname", False),
    ("http://example.com/logo.png", False),
    ("https://example.com/logo.png", False),
    ((ROOT / "templates" / ".." / "pyproject.toml").as_uri(), False),
    ((ROOT / "templates" / "print.css").as_uri(), True),
    ("data:text/plain;base64,5Lit5paH", True),
])
def test_fetcher_serves_only_the_template_folder(url, allowed):
    fetcher = _make_fetcher(ROOT / "templates")
    if allowed:
        assert fetcher.fetch(url).read()
    else:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
        assert fetcher.refused == [url]


def test_templates_autoescape_and_fail_on_missing_values(renderer):
    html = renderer.env.from_string("{{ name }}").render(name="<b>x</b>")
    assert html == "&lt;b&gt;x&lt;/b&gt;"
    assert renderer.env.get_template("letter.html.j2").environment.autoescape is True
    with pytest.raises(RenderError, match="undefined"):
        renderer.html("letter.html.j2", {})


def test_long_letter_keeps_the_signature_block_whole(renderer, sample_result, tmp_path):
    """19 plan lines and a long comment: a few pages, and the appeal heading, text and signatures together."""
    import dataclasses

    r = next(x for x in sample_result.results if x.employee.employee_id == "HZ0016")
    long = dataclasses.replace(r, lines=r.lines + r.lines[:5],
                               review=dataclasses.replace(r.review, comment="本月整体表现突出。" * 40))
    path = tmp_path / "long.pdf"
    path.write_bytes(render_letter(renderer, sample_result, long, OCT_31))
    pages = len(PdfReader(path).pages)
    assert 2 <= pages <= 4
    last = squeeze(pdftext(path, page=pages))
    assert "六、申诉与确认" in last and "员工签字" in last and "考核人签字" in last
    first = squeeze(pdftext(path, page=1))
    assert "得分计算" in first and "得分计算" in squeeze(pdftext(path, page=2))  # the header row repeats


@pytest.mark.slow
def test_letterhead_and_seal_images_come_from_the_settings(tmp_path, base_sheets, make_book):
    """E001's documents only (--employee): the images come from the settings, the same for everyone."""
    from PIL import Image

    Image.new("RGB", (240, 60), "#1f3864").save(tmp_path / "logo.png")
    Image.new("RGBA", (120, 120), (200, 0, 0, 128)).save(tmp_path / "seal.png")
    base_sheets["设置"] += [["抬头图片", "logo.png"], ["公章图片", "seal.png"]]
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(make_book(base_sheets)), "--out", str(out),
                                      "--only", "letters,agreements", "--employee", "E001"])
    assert result.exit_code == 0, result.output

    def images(path):
        listing = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True).stdout
        rows = [line.split() for line in listing.strip().splitlines()[2:]]
        # an alpha channel is listed as an extra "smask"; the verification code's QR is not the company's
        return [row for row in rows if row[2] == "image" and not is_qr_code((row[3], row[4]))]

    # the letter's company sign-off carries the seal; the agreement is two originals, each with both
    assert sorted((row[3], row[4]) for row in images(out / "2026-10" / "letters" / "E001.pdf")) == [
        ("120", "120"), ("240", "60")]
    assert sorted((row[3], row[4]) for row in images(out / "2026-10" / "agreements" / "E001.pdf")) == [
        ("120", "120"), ("120", "120"), ("240", "60"), ("240", "60")]


def test_missing_letterhead_image_is_an_input_error(base_sheets, make_book):
    from reporter.errors import InputError
    from reporter.input.validate import load_input

    base_sheets["设置"].append(["抬头图片", "no-such-logo.png"])
    with pytest.raises(InputError) as info:
        load_input(make_book(base_sheets))
    problem = info.value.problems[0]
    assert problem.sheet == "设置" and problem.row == len(base_sheets["设置"]) and "no-such-logo.png" in problem.message


@pytest.mark.parametrize("kind, block, earlier", [
    ("letters", "申诉与确认", ("一、", "二、", "三、", "四、", "五、")),
    ("agreements", "八、签署", ("七、其他",)),
])
def test_signature_block_is_never_alone_on_its_page(sample_build, sample_result, kind, block, earlier):
    for r in sample_result.results:
        path = sample_build / kind / f"{r.employee.employee_id}.pdf"
        pages = len(PdfReader(path).pages)
        page = next(n for n in range(1, pages + 1) if block in squeeze(pdftext(path, page=n)))
        text = squeeze(pdftext(path, page=page))
        assert "签字" in text[text.index(block):]  # heading and signature lines together
        assert any(h in text[:text.index(block)] for h in earlier), (kind, r.employee.employee_id, page)


def test_templates_are_sandboxed(renderer, tmp_path):
    """A company's own template folder may be passed in: no template reaches Python's internals."""
    import shutil

    from reporter.writers.pdf.renderer import PdfRenderer

    own = tmp_path / "templates"
    shutil.copytree(renderer.templates, own)
    (own / "probe.html.j2").write_text("{{ employee.__class__.__init__.__globals__ }}", encoding="utf-8")
    with pytest.raises(RenderError, match="unsafe|not safely"):
        PdfRenderer(own).html("probe.html.j2", {"employee": object()})


@pytest.mark.slow  # renders a PDF
@pytest.mark.parametrize("company", ["Kestrel Outdoor Goods Ltd.", "浙江省杭州市西湖区云端跨境电子商务贸易有限责任公司",
                                     "杭州云栖电子商务集团有限公司"])
def test_the_company_sign_off_keeps_clear_of_the_verification_code(renderer, base_sheets, make_book, company):
    """A company's name long enough to fill its line stops short of the QR code beside it (4 mm), wrapping
    if it must: the sign-off beside the code once ran into it; and （盖章） is never split over two lines (a
    name of 14 characters once left "（盖" on one line and "章）" on the next)."""
    base_sheets["设置"] = [row if row[0] != "公司名称" else [row[0], company] for row in base_sheets["设置"]]
    result = score_period(load_input(make_book(base_sheets)))
    r = result.results[0]
    stamp = DocumentStamp(code=f"202610-{r.employee.employee_id}-L1-7Q2M4XKD", period="2026-10",
                          employee_id=r.employee.employee_id, kind="letter", version=1, digest="", figures={})
    pdf = render_letter(renderer, result, r, OCT_31, stamp)
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[-1]
        footer = page.height - 15 * 72 / 25.4  # the bottom margin: the running code's QR is there
        [qr] = [image for image in page.images if image["bottom"] < footer]
        beside = [w for w in page.extract_words()  # the words level with the QR code that start left of it
                  if w["x0"] < qr["x0"] and w["bottom"] > qr["top"] and w["top"] < qr["bottom"]]
    assert any("（盖章）" in w["text"] for w in beside)
    assert qr["x0"] - max(w["x1"] for w in beside) >= 4 * 72 / 25.4 - 0.5

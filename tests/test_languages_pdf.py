"""The review letter and the agreement in each language of 语言: zh, en and bilingual zh-en.

The PDFs are read back with poppler and pdfplumber.  An English document may hold Chinese only where
the input did (names, items, standards, comments): the allowed text is taken from the workbook itself.
Every worked number is worked out by hand here from the fixture company's inputs (tests/conftest.py).
"""

from __future__ import annotations

import copy
import dataclasses
import re
import subprocess
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from reporter.model import LineResult, MeasureDef, PlanLine
from reporter.writers.language import Language
from reporter.writers.pdf.documents import category_label, shared_note
from reporter.writers.wording import explain_line, fmt_number
from tests.conftest import BASE, cli_build, once_per_run, write_book

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def line(method, weight, direction="higher", unit="", **params):
    return PlanLine(category="kpi", item="x", method=method, weight=D(weight), direction=direction, unit=unit,
                    **{k: D(v) for k, v in params.items()})


def points(value: D) -> str:
    return f"{value:.2f}"


# Each method's working in English, the points worked out by hand from the line's numbers.
@pytest.mark.parametrize("plan_line, value, inputs, expected", [
    # 900,000 ÷ 1,000,000 = 0.9 (under the 120% cap) × 30
    (line("achievement", "0.3", unit="元", target="1000000", cap="1.2"), "900000", {},
     f"actual ¥900,000.00 ÷ target ¥1,000,000.00 (cap 120.00%) × weight 30 = {points(D('0.9') * 30)} points"),
    # lower is better: 2 ÷ 4 = 0.5 × 26
    (line("achievement", "0.26", "lower", target="2", cap="1.2"), "4", {},
     f"target 2 ÷ actual 4 (cap 120.00%) × weight 26 = {points(D('0.5') * 26)} points"),
    # (3% − 2%) ÷ (4% − 2%) = 0.5 × 60
    (line("linear", "0.6", unit="%", target="0.04", floor="0.02", cap="1"), "0.03", {},
     "(actual 3.00% − zero-point 2.00%) ÷ (target 4.00% − zero-point 2.00%), within 0–100.00%, "
     f"× weight 60 = {points(D('0.5') * 60)} points"),
    # 25 s against ≤ 30 s: met, the whole weight
    (line("pass_fail", "0.15", "lower", unit="秒", target="30"), "25", {},
     f"actual 25 s, standard ≤ 30 s: met, {points(D(15))} points"),
    (line("pass_fail", "0.15", "lower", unit="秒", target="30"), "31", {},
     f"actual 31 s, standard ≤ 30 s: not met, {points(D(0))} points"),
    # 3 deducted at 2 points each from 10
    (line("deduction", "0.1", step="2"), "3", {},
     f"full marks 10 − deduction 3 × 2 (not below 0) = {points(10 - D(3) * 2)} points"),
    # 1 late × 2 + 1 leave day = 3, one point each, from 10
    (line("deduction", "0.1", step="1"), "3", {"late": "1", "early_leave": "0", "leave_days": "1"},
     f"late 1 time, left early 0 times, leave 1 day → 3 points off; full marks 10 − 3 (not below 0) = "
     f"{points(10 - D(1) * 2 - 1)} points"),
    # rated 4 of 5 on a 30% line
    (line("rating", "0.3", target="5"), "4", {}, f"rating 4 / 5 × weight 30 = {points(D(4) / 5 * 30)} points"),
    # 23 bonus points, capped at 20
    (line("bonus", "0", cap="0.2"), "23", {}, f"23 points in total, capped at 20: {points(D(20))} points"),
])
def test_explanations_in_english_show_the_arithmetic(plan_line, value, inputs, expected):
    lr = LineResult(plan_line, D(value), D(expected.rsplit(" ", 2)[-2]), {k: D(v) for k, v in inputs.items()})
    assert explain_line(lr, prose="en") == expected
    assert not CJK.search(explain_line(lr, prose="en"))


def test_english_working_names_the_measures_as_typed():
    lr = LineResult(line("achievement", "0.1", unit="%", target="0.45", cap="1"), D("0.6"), D("10.00"),
                    {"paid_uv": D("1590"), "served_uv": D("2650"), "wait": D("12")})
    measures = {"paid_uv": MeasureDef("paid_uv", "付款人数", "count"), "served_uv": MeasureDef("served_uv", "接待人数", "count"),
                "wait": MeasureDef("wait", "等待时长", "seconds")}
    # 1590 ÷ 2650 = 60% of a 45% target, capped at 100% × 10
    assert explain_line(lr, measures, "en") == ("付款人数 1590, 接待人数 2650, 等待时长 12 s: "
                                                "actual 60.00% ÷ target 45.00% (cap 100.00%) × weight 10 = 10.00 points")


@pytest.mark.parametrize("value, unit, zh, en", [
    ("28", "秒", "28 秒", "28 s"), ("2", "次", "2 次", "2"), ("1.5", "倍", "1.5 倍", "1.5×"),
    ("50000", "人", "50000 人", "50000 people"), ("4", "页", "4 页", "4 pages"),
    ("1", "页", "1 页", "1 page"), ("12", "箱", "12 箱", "12 箱"),  # a unit of the company's own stays as typed
    ("0.035", "%", "3.50%", "3.50%"), ("1234.5", "元", "¥1,234.50", "¥1,234.50"),
])
def test_units_in_english(value, unit, zh, en):
    assert fmt_number(D(value), unit) == zh
    assert fmt_number(D(value), unit, "en") == en


# ------------------------------------------------------------------ the documents, rendered


def built_in(root: Path, code: str) -> Path:
    sheets = copy.deepcopy(BASE)
    sheets["设置"].append(["语言", code])
    return cli_build(write_book(root / "input.xlsx", sheets), root / "out", "--only", "letters,agreements").out / "2026-10"


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Path:
    return once_per_run(tmp_path_factory, "english", lambda root: built_in(root, "en"))


@pytest.fixture(scope="module")
def bilingual(tmp_path_factory) -> Path:
    return once_per_run(tmp_path_factory, "bilingual", lambda root: built_in(root, "zh-en"))


def typed_texts(book: Path) -> list[str]:
    """Every text the company typed: the data rows of each sheet, and the values (not the names) of 设置."""
    wb = openpyxl.load_workbook(book)
    texts = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(min_row=2, values_only=True):
            cells = row[1:2] if ws.title == "设置" else row
            texts += [c for c in cells if isinstance(c, str)]
    return texts


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def words(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def cells(path: Path) -> list[str]:
    """Every table cell's text, a wrapped cell kept together, its lines joined by spaces."""
    with pdfplumber.open(path) as pdf:
        return [words(c) for page in pdf.pages for table in page.extract_tables() for row in table for c in row if c]


def squeezed(texts: list[str]) -> list[str]:
    """pdftotext and pdfplumber space Chinese unpredictably: compare it without whitespace."""
    return [re.sub(r"\s+", "", t) for t in texts]


def foreign_chinese(text: str, typed: list[str]) -> list[str]:
    """The runs of Chinese in a document that no typed input contains."""
    allowed_chars = {c for t in typed for c in t}
    return [run for run in CJK.findall(text) if not all(c in allowed_chars for c in run)
            or not any(run in t for t in typed)]


@pytest.mark.slow
def test_english_documents_hold_no_chinese_but_the_inputs(english):
    typed = typed_texts(english.parent.parent / "input.xlsx")
    documents = sorted(english.glob("letters/*.pdf")) + sorted(english.glob("agreements/*.pdf"))
    assert len(documents) == 7  # four letters, three agreements: E003 is not appraised and was not named
    for pdf in documents:
        assert foreign_chinese(pdf_text(pdf), typed) == [], pdf.name


@pytest.mark.slow
def test_english_letter_reads_in_english(english):
    letter = english / "letters" / "E001.pdf"
    text = words(pdf_text(letter))
    for heading in ("Performance Review Letter", "1. Results", "2. Conclusion", "4. Pay for the month",
                    "6. Appeal and confirmation", "Appraisal period: October 2026 (1 October 2026 to 31 October 2026)"):
        assert heading in text, heading
    assert "by 13 November 2026" in text and "in writing to the HR Department" in text
    assert "Page 1 of 2" in text
    # 考勤: 1 late × 2 + 1 leave day = 3 points off the 10 of the line's weight
    table = cells(letter)
    assert ("late 1 time, left early 0 times, leave 1 day → 3 points off; "
            f"full marks 10 − 3 (not below 0) = {10 - 1 * 2 - 1:.2f} points") in table
    # 及时响应时间: 25 s against ≤ 30 s, the whole 30
    assert "actual 25 s, standard ≤ 30 s: met, 30.00 points" in table
    # seniority: hired 2020-03-01, 6 full years by 2026-10-31, × ¥50 (under the ¥500 cap)
    assert "6 years of service × ¥50.00, cap ¥500.00" in table and f"¥{6 * 50}.00" in table


@pytest.mark.slow
def test_english_not_appraised_letter(english):
    text = words(pdf_text(english / "letters" / "E003.pdf"))
    assert "Dear 王芳," in text
    assert ("Away from the post for 3 months in the appraisal period, more than the 2 months the policy allows: "
            "not appraised this period") in text
    assert "1. Pay for the month" in text and "2. Appeal and confirmation" in text and "Results" not in text


@pytest.mark.slow
def test_english_agreement(english):
    pdf = english / "agreements" / "E004.pdf"
    text = words(pdf_text(pdf))
    for part in ("Target Responsibility Agreement", "1. Purpose", "2. Term", "4. Appraisal indicators",
                 "This agreement runs for one month, from 1 October 2026 to 31 October 2026.",
                 "As set out in the Company's job description.", "Party A's copy", "Party B's copy",
                 "monitored by Party A's management and the HR Department"):
        assert part in text, part
    assert "out of 5" in cells(pdf)  # 工作能力 is rated out of 5


@pytest.mark.slow
def test_bilingual_letter_has_english_beneath_chinese_labels(bilingual):
    letter = bilingual / "letters" / "E001.pdf"
    lines = [ln.strip() for ln in pdf_text(letter).splitlines() if ln.strip()]
    for zh, en in (("一、考核结果明细", "Results"), ("六、申诉与确认", "Appeal and confirmation")):
        assert zh in lines and lines[lines.index(zh) + 1] == en, (zh, en)
    table = cells(letter)
    assert "序号 No." in table and "得分计算 How it is scored" in table
    assert "迟到1次、早退0次、请假1天→扣3分；满分10−3（不低于0）=7.00分" in squeezed(table)  # the prose stays Chinese
    text = re.sub(r"\s+", "", pdf_text(letter))
    assert "如对考核结果有异议，请于2026年11月13日前以书面形式向人事部门提出申诉" in text
    assert "late 1 time" not in text


def footer_title_lines(path: Path) -> list[str]:
    """The first page's footer title (in the bottom margin, 15 mm, at the left), line by line."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        found = [w for w in page.extract_words() if w["top"] > page.height - 15 / 25.4 * 72 and w["x0"] < page.width / 3]
    lines: dict[float, list[dict]] = {}
    for word in found:
        lines.setdefault(round(word["top"]), []).append(word)
    return [" ".join(w["text"] for w in sorted(ws, key=lambda w: w["x0"])) for _, ws in sorted(lines.items())]


@pytest.mark.slow
def test_a_bilingual_footer_title_is_two_lines_the_english_beneath(bilingual):
    """The title in the footer's left box: the Chinese, and the English whole beneath it, not wrapped mid-title."""
    for path, zh, en in ((bilingual / "letters" / "E001.pdf", "绩效考核结果确认书", "Performance Review Letter"),
                         (next((bilingual / "agreements").rglob("E001*.pdf")), "目标责任书",
                          "Target Responsibility Agreement")):
        assert footer_title_lines(path) == [zh, en], path.name


@pytest.mark.slow
def test_chinese_letter_is_unchanged(small_build):
    letter = small_build.out / "2026-10" / "letters" / "E001.pdf"
    text = re.sub(r"\s+", "", pdf_text(letter))
    for sentence in ("张伟：根据公司绩效考核制度，现将您2026年10月的绩效考核结果及其应用告知如下。",
                     "一、考核结果明细", "二、考核结论", "四、本月工资核算", "六、申诉与确认",
                     "如对考核结果有异议，请于2026年11月13日前以书面形式向人事部门提出申诉，逾期视为无异议。",
                     "第1页/共"):
        assert sentence in text, sentence
    assert not re.search(r"Results|Appeal|Page\d", text)
    table = squeezed(cells(letter))
    assert "迟到1次、早退0次、请假1天→扣3分；满分10−3（不低于0）=7.00分" in table
    assert "实际25秒，标准≤30秒：达标，得30.00分" in table


@pytest.mark.slow
def test_a_companys_own_templates_get_the_language(tmp_path, make_book, base_sheets):
    """t, say and lang are in the context, not the bundled environment: a --templates folder has them too."""
    import shutil
    from datetime import date

    from reporter.input.validate import load_input
    from reporter.rules.engine import score_period
    from reporter.writers.pdf.documents import letter_context
    from reporter.writers.pdf.renderer import PdfRenderer
    from reporter.writers.templates import default_templates

    own = tmp_path / "own"
    shutil.copytree(default_templates(), own, ignore=shutil.ignore_patterns("__pycache__"))
    letter = own / "letter.html.j2"
    letter.write_text(letter.read_text(encoding="utf-8").replace(
        "{% block content %}", '{% block content %}<p class="own">{{ t("自有", "Own label") }} {{ say("自有句子", "Own sentence") }}'
        ' {{ lang.date(lang_day) }}</p>', 1), encoding="utf-8")
    base_sheets["设置"].append(["语言", "en"])
    result = score_period(load_input(make_book(base_sheets)))
    r = next(x for x in result.results if x.employee.employee_id == "E001")
    html = PdfRenderer(own).html("letter.html.j2", {**letter_context(result, r), "lang_day": date(2026, 11, 6),
                                                     "created": "2026-10-31T00:00:00Z"})
    assert '<html lang="en">' in html
    assert '<p class="own">Own label Own sentence 6 November 2026</p>' in html


@pytest.mark.parametrize(("category", "item", "zh", "en"), [
    ("attitude", "工作态度", "", ""), ("attitude", "Attitude", "", ""), ("attendance", " attendance ", "", ""),
    ("kpi", "拣货量", "KPI", "KPI"), ("ability", "Competence", "工作能力", "Ability"),
])
def test_a_category_is_shown_under_its_item_unless_it_repeats_it_in_either_language(category, item, zh, en):
    plan_line = dataclasses.replace(line("rating", "0.2"), category=category, item=item)
    assert category_label(plan_line, Language("zh")) == zh
    assert category_label(plan_line, Language("en")) == en


@pytest.mark.parametrize("members, words", [(1, "÷ 1 person"), (5, "÷ 5 people")])
def test_shared_commission_note_counts_people_in_english(sample_result, members, words):
    """A pool of one read "÷ 1 people" in a half-year English company's letter."""
    r = next(r for r in sample_result.results if r.employee.employee_id == "HZ0016")  # a pool of 5
    r = dataclasses.replace(r, pay=dataclasses.replace(r.pay, shared_by=members))
    assert shared_note(sample_result, r, Language("en")).endswith(words)

"""The workbooks, the payroll CSV and the result JSON in each 语言: zh, en and bilingual zh-en.

One small company is built three times (``--only scorecards,summary``: no PDFs), once per language,
and the outputs are read back with openpyxl, csv and json:

* an English workbook holds no Chinese character except what the input workbook holds (names,
  items, standards, grade names …): the allowed strings are computed from the input's data cells,
  never its headers or its coded columns (类别 考勤 must print as Attendance);
* a bilingual workbook carries both words in its labels, on rows tall enough for both lines
  (LibreOffice never grows a row whose height is set);
* every language has the same cells, number formats, formulas (but for the sheet names they
  name) and values; LibreOffice recalculates each to the same numbers (slow);
* the CSV's headers and texts follow the language, the JSON's keys never do;
* an English scorecard prints on as many pages as the Chinese one (slow).
"""

from __future__ import annotations

import copy
import csv
import io
import json
import re
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pdfplumber
import pytest

from reporter.input.schema import CHOICES, SHEETS
from reporter.input.template import write_template
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.writers.payroll_csv import MONTHLY_HEADER, MONTHLY_HEADER_EN
from reporter.writers.wording import explain_line
from reporter.writers.xlsx.layout import MOST_BORROWED, POINTS_COL, STANDARD_COL, WIDTHS, column_widths
from reporter.writers.xlsx.scorecard import render_scorecard
from reporter.writers.xlsx.style import row_height
from reporter.writers.xlsx.summary import render_summary
from tests import recalc
from tests.conftest import BASE, SAMPLE, cli_build, once_per_run, streak_of_two, write_book

LANGUAGES = ("zh", "en", "zh-en")
CJK = re.compile(r"[\u3400-\u9fff]")
# The words a formula's cached text value may differ by: the status the summary counts.
STATUS = {"Appraised": "已考核", "Not appraised": "未参与考核"}
SUMMARY_SHEETS = {"zh": ["汇总", "等级分布", "部门统计", "校准", "工资表", "未参与考核", "提示", "规则"],
                  "en": ["Summary", "Grades", "Departments", "Calibration", "Payroll", "Not appraised", "Warnings",
                         "Rules"],
                  "zh-en": ["汇总 Summary", "等级分布 Grades", "部门统计 Departments", "校准 Calibration", "工资表 Payroll",
                            "未参与考核 Not appraised", "提示 Warnings", "规则 Rules"]}


def in_language(sheets: dict, code: str) -> dict:
    sheets["设置"].append(["语言", code])
    return sheets


# Items named apart from their categories, so that a category printed in Chinese is not taken for typed text.
ITEMS = {"考勤": "出勤纪律", "周报": "周报提交", "工作态度": "服务态度", "工作能力": "专业能力"}


def small_company() -> dict:
    """BASE with both streak rules firing, a director's annual reward and someone not appraised (E003)."""
    sheets = streak_of_two(copy.deepcopy(BASE))
    for row in sheets["考核方案"][1:] + sheets["评分"][1:]:
        item = 3 if len(row) > 3 else 1
        row[item] = ITEMS.get(row[item], row[item])
    sheets["年度奖励"] = [["工号", "姓名", "年销售目标", "年销售实绩", "销售奖励比例", "活动销售目标", "活动销售实绩",
                       "活动奖励比例", "达成率门槛"],
                      ["E004", "刘洋", 30000000, 27600000, "0.3%", 8000000, 8400000, "0.5%", "80%"]]
    return sheets


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """The small company's period folder in each language (scorecards, summary, CSV, JSON)."""

    def make(root: Path) -> dict[str, Path]:
        folders = {}
        for code in LANGUAGES:
            book = write_book(root / f"input-{code}.xlsx", in_language(small_company(), code))
            folders[code] = cli_build(book, root / code, "--only", "scorecards,summary").out / "2026-10"
        return folders

    return once_per_run(tmp_path_factory, "languages", make)


@pytest.fixture(scope="module")
def input_book(builds) -> Path:
    return builds["en"].parent.parent / "input-en.xlsx"


def workbooks(folder: Path) -> list[Path]:
    """summary.xlsx, then the scorecards by 工号."""
    return [folder / "summary.xlsx", *sorted((folder / "scorecards").rglob("*.xlsx"), key=lambda p: p.stem)]


# ------------------------------------------------------------------ what the input holds


def input_texts(book: Path) -> list[str]:
    """The Chinese strings HR typed as data: every data cell but coded ones (类别, 评分方法 …), longest first.

    Headers and sheet names are the tool's own words (工号, 考勤) and do not count: an English
    workbook must not print them.
    """
    wb = openpyxl.load_workbook(book, read_only=True)
    texts: set[str] = set()
    for sheet in SHEETS:
        title = next((t for t in wb.sheetnames if t in (sheet.zh, sheet.en)), None)
        if title is None:
            continue
        rows = list(wb[title].iter_rows(values_only=True))
        if sheet.key_value:
            texts.update(row[1] for row in rows[1:] if len(row) > 1 and isinstance(row[1], str))
            continue
        coded = set()
        for i, header in enumerate(rows[0]):
            column = next((c for c in sheet.columns if header in (c.zh, c.en)), None)
            if column is not None and column.kind in CHOICES:
                coded.add(i)
        texts.update(v.strip() for row in rows[1:] for i, v in enumerate(row) if isinstance(v, str) and i not in coded)
    wb.close()
    return sorted((t for t in texts if CJK.search(t)), key=len, reverse=True)


def foreign(text: str, allowed: list[str]) -> str:
    """The Chinese characters of a text once every input string is taken out of it."""
    for typed in allowed:
        text = text.replace(typed, "")
    return "".join(CJK.findall(text))


def printed_texts(path: Path) -> list[tuple[str, str]]:
    """(where, text) of everything a workbook shows: sheet names, cells, print headers and footers,
    validation messages and the charts' titles and series names."""
    found = []
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        found.append((ws.title, ws.title))
        for part in (ws.oddHeader.left, ws.oddHeader.center, ws.oddHeader.right, ws.oddFooter.center):
            found.append((f"{ws.title} header/footer", part.text or ""))
        for row in ws.iter_rows():
            found += [(f"{ws.title}!{c.coordinate}", c.value) for c in row if isinstance(c.value, str)]
        for dv in ws.data_validations.dataValidation:
            found += [(f"{ws.title} validation {dv.sqref}", dv.error or ""), (f"{ws.title} prompt", dv.prompt or "")]
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/charts/"):
                xml = z.read(name).decode("utf-8")
                found += [(name, t) for t in re.findall(r"<(?:c:v|a:t)>([^<]*)<", xml)]
    return found


# ------------------------------------------------------------------ the words


def test_an_english_workbook_holds_no_chinese_but_the_input(builds, input_book):
    allowed = input_texts(input_book)
    assert "张伟" in allowed and "出勤纪律" in allowed  # data, not codes or headers:
    assert not {"考勤", "工作态度", "工号"} & set(allowed)
    for path in workbooks(builds["en"]):
        leftovers = {where: text for where, text in printed_texts(path) if foreign(text, allowed)}
        assert not leftovers, (path.name, leftovers)
    # The check finds what it looks for: the Chinese workbook is full of the tool's own words.
    assert any(foreign(text, allowed) for _, text in printed_texts(builds["zh"] / "summary.xlsx"))


def test_sheet_names_follow_the_language_and_every_formula_names_them(builds):
    for code, names in SUMMARY_SHEETS.items():
        wb = openpyxl.load_workbook(builds[code] / "summary.xlsx")
        assert wb.sheetnames[:8] == names and all(len(n) <= 31 for n in wb.sheetnames)
        formulas = [c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
                    if isinstance(c.value, str) and c.value.startswith("=")]
        named = {m for f in formulas for m in re.findall(r"'([^']+)'!", f)}
        assert named and named <= set(wb.sheetnames), named - set(wb.sheetnames)
        assert f"'{names[0]}'!" in "".join(formulas) and f"'{names[-1]}'!" in "".join(formulas)
        chart = zipfile.ZipFile(builds[code] / "summary.xlsx").read("xl/charts/chart1.xml").decode("utf-8")
        assert set(re.findall(r"<c:f>'?([^'!<]+)'?!", chart)) == {names[1]}  # the chart reads 等级分布


def test_bilingual_labels_carry_both_words_on_rows_tall_enough(builds):
    card = openpyxl.load_workbook(next((builds["zh-en"] / "scorecards").rglob("E001.xlsx")))["E001"]
    header = [c.value for c in card[7]]
    assert header[:3] == ["序号\nNo.", "类别\nCategory", "考核项目\nItem"] and header[-1] == "评分标准\nScoring standard"
    labels = {c.value for row in card.iter_rows() for c in row if isinstance(c.value, str)}
    assert {"工号\nEmployee ID", "考勤\nAttendance", "岗位工资 Position pay"} <= labels
    summary = openpyxl.load_workbook(builds["zh-en"] / "summary.xlsx")
    assert summary["汇总 Summary"]["A1"].value == "工号\nID"
    assert summary["工资表 Payroll"]["A1"].value == "考核期间\nPeriod"
    for path in workbooks(builds["zh-en"]):
        for ws in openpyxl.load_workbook(path).worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and "\n" in c.value:
                        height = ws.row_dimensions[c.row].height
                        assert height and height >= row_height(c.value.count("\n") + 1), (path.name, c.coordinate)
    english = openpyxl.load_workbook(next((builds["en"] / "scorecards").rglob("E001.xlsx")))["E001"]
    assert [c.value for c in english[7]][:3] == ["No.", "Category", "Item"]


def cells(path: Path, data_only: bool) -> list[dict[str, tuple]]:
    """Per sheet in order: coordinate -> (value, number format) of every cell holding a number or a formula
    (with ``data_only``, of every non-empty cell: a formula's cached result may be text)."""
    wb = openpyxl.load_workbook(path, data_only=data_only)
    return [{c.coordinate: (c.value, c.number_format) for row in ws.iter_rows() for c in row
             if c.value is not None and (data_only or not isinstance(c.value, str) or c.value.startswith("="))}
            for ws in wb.worksheets]


def numbers(sheet: dict[str, tuple], formulas: dict[str, tuple]) -> dict[str, tuple]:
    """The cells of ``sheet`` (read with data_only) that hold a number, or a formula in ``formulas``."""
    return {coord: v for coord, v in sheet.items() if not isinstance(v[0], str) or coord in formulas}


@pytest.mark.slow  # every cell of two workbooks per language: seconds
@pytest.mark.parametrize("code", ["en", "zh-en"])
def test_cells_formats_formulas_and_values_are_the_same_in_every_language(builds, code):
    names = dict(zip(SUMMARY_SHEETS[code], SUMMARY_SHEETS["zh"], strict=True))
    zh_paths, paths = workbooks(builds["zh"]), workbooks(builds[code])
    assert [p.name for p in paths] == [p.name for p in zh_paths]
    checked = 0
    for zh_path, path in zip(zh_paths, paths, strict=True):
        formulas, zh_formulas = cells(path, False), cells(zh_path, False)
        cached = [numbers(*pair) for pair in zip(cells(path, True), formulas, strict=True)]
        zh_cached = [numbers(*pair) for pair in zip(cells(zh_path, True), zh_formulas, strict=True)]
        for zh_sheet, sheet in (*zip(zh_formulas, formulas, strict=True), *zip(zh_cached, cached, strict=True)):
            assert set(sheet) == set(zh_sheet), (path.name, set(sheet) ^ set(zh_sheet))
            for coord, (value, number_format) in sheet.items():
                zh_value, zh_format = zh_sheet[coord]
                assert number_format == zh_format, (path.name, coord)
                if isinstance(value, str) and value.startswith("="):  # the same formula, naming its sheets
                    for name, zh_name in names.items():
                        value = value.replace(f"'{name}'!", f"'{zh_name}'!")
                    value = value.replace('"Appraised"', '"已考核"').replace('"Not appraised"', '"未参与考核"')
                    assert value == zh_value, (path.name, coord)
                    checked += 1
                else:  # numbers, dates and cached results: the status is the one word that differs
                    assert STATUS.get(value, value) == zh_value, (path.name, coord, value, zh_value)
    assert checked > 200


# ------------------------------------------------------------------ CSV and JSON


def csv_rows(folder: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO((folder / "payroll.csv").read_bytes().decode("utf-8-sig"))))


def test_payroll_csv_headers_follow_the_language(builds, input_book):
    zh, en, bilingual = (csv_rows(builds[code]) for code in LANGUAGES)
    assert zh[0][:len(MONTHLY_HEADER)] == list(MONTHLY_HEADER) and zh[0][-2:] == ["备注", "确认状态"]
    assert en[0][:len(MONTHLY_HEADER_EN)] == list(MONTHLY_HEADER_EN) and en[0][-2:] == ["Notes", "Confirmation"]
    assert en[0][-3] == "Annual performance reward (estimate), not in total pay"
    assert bilingual == zh  # payroll reads one header set: a bilingual company's is the Chinese one
    allowed = input_texts(input_book)
    assert not [cell for row in en for cell in row if foreign(cell, allowed)]
    status, notes, state = en[0].index("Status"), en[0].index("Notes"), en[0].index("Confirmation")
    for zh_row, en_row in zip(zh[1:], en[1:], strict=True):  # only the words differ
        assert [v for i, v in enumerate(en_row) if i not in (status, notes, state)] == \
               [v for i, v in enumerate(zh_row) if i not in (status, notes, state)]
        assert STATUS[en_row[status]] == zh_row[status]
        assert (zh_row[state], en_row[state]) == ("待确认", "Awaiting confirmation")  # a first build: all pending
    assert "First in the department for 2 months in a row: one-time bonus of ¥200.00" in {r[notes] for r in en[1:]}


def keys(value) -> object:
    """The shape of a JSON value: its keys, recursively, without the values."""
    if isinstance(value, dict):
        return {k: keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [keys(v) for v in value]
    return None


def test_result_json_keeps_its_keys_and_words_its_texts_in_the_prose_language(builds, input_book):
    result = score_period(load_input(input_book))
    for r in result.results:
        name = f"results/{r.employee.employee_id}.json"
        zh, en = (json.loads((builds[code] / name).read_text("utf-8")) for code in ("zh", "en"))
        assert keys(en) == keys(zh)
        assert (builds["zh-en"] / name).read_bytes() == (builds["zh"] / name).read_bytes()  # prose is Chinese
        assert [line["explanation"] for line in en["lines"]] == [explain_line(lr, prose="en") for lr in r.lines]
        for flag in en["flags"]:
            assert not CJK.search(flag["text"]) and "in a row" in flag["text"]
        if not r.appraised:
            assert en["not_appraised_reason"].startswith("Away from the post") and CJK.search(zh["not_appraised_reason"])


# ------------------------------------------------------------------ through LibreOffice


@pytest.mark.slow
def test_libreoffice_recalculates_every_language_to_the_same_values(builds, tmp_path):
    paths = {code: workbooks(builds[code]) for code in LANGUAGES}
    again = recalc.recalculate([p for code in LANGUAGES for p in paths[code]], tmp_path / "libreoffice")
    assert recalc.compare_all(again) > 600  # each language: LibreOffice agrees with the cached values
    for code in ("en", "zh-en"):  # and with the Chinese workbook's recalculated values, cell by cell
        for zh_path, path in zip(paths["zh"], paths[code], strict=True):
            zh_values, values = cells(again[zh_path], True), cells(again[path], True)
            formulas = cells(path, False)
            for zh_sheet, sheet, formula_sheet in zip(zh_values, values, formulas, strict=True):
                for coord, (text, _) in formula_sheet.items():
                    if isinstance(text, str) and text.startswith("="):
                        value, zh_value = sheet.get(coord, (None,))[0], zh_sheet.get(coord, (None,))[0]
                        assert STATUS.get(value, value) == zh_value, (code, path.name, coord)


def sample_in(code: str, folder: Path):
    """The demo company's result with 语言 set to ``code`` in its 设置 sheet."""
    wb = openpyxl.load_workbook(SAMPLE)
    wb["设置"].append(["语言", code])
    book = folder / f"sample-{code}.xlsx"
    wb.save(book)
    return book, score_period(load_input(book))


@pytest.mark.slow
def test_the_english_sample_holds_no_chinese_but_the_input(tmp_path):
    """Every sheet of the demo company's English summary (its 47 scorecards included)."""
    book, result = sample_in("en", tmp_path)
    path = tmp_path / "summary.xlsx"
    path.write_bytes(render_summary(result))
    allowed = input_texts(book)
    leftovers = {where: text for where, text in printed_texts(path) if foreign(text, allowed)}
    assert not leftovers


@pytest.mark.slow
def test_an_english_scorecard_prints_on_as_many_pages_as_the_chinese_one(tmp_path):
    """One employee of every role of the demo company (the director, the 14-line plan, the plans that
    only just fit page 1 in Chinese), printed by LibreOffice in both languages."""
    _, zh = sample_in("zh", tmp_path)
    _, en = sample_in("en", tmp_path)
    roles = {}
    for r in zh.appraised:
        roles.setdefault(r.employee.role, r.employee.employee_id)
    out = tmp_path / "print"
    out.mkdir()
    for code, result in (("zh", zh), ("en", en)):
        for r in result.appraised:
            if r.employee.employee_id in roles.values():
                (out / f"{r.employee.employee_id}-{code}.xlsx").write_bytes(render_scorecard(result, r))
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), *map(str, sorted(out.glob("*.xlsx")))],
                   check=True, capture_output=True, timeout=600)
    for employee_id in roles.values():
        with pdfplumber.open(out / f"{employee_id}-zh.pdf") as zh_doc, \
                pdfplumber.open(out / f"{employee_id}-en.pdf") as en_doc:
            assert len(en_doc.pages) == len(zh_doc.pages), employee_id
            assert min(c["size"] for page in en_doc.pages for c in page.chars) >= 7.95
            assert all(max(c["x1"] for c in page.chars) < page.width for page in en_doc.pages)  # no column cut off
            text = "".join(page.extract_text() or "" for page in en_doc.pages)
            assert "Appraiser's signature:" in text and "Page 1 of" in text and "第" not in text


def test_the_points_column_widens_to_the_bands_longest_latin_word():
    """It is the bands' position-level column too: Unchanged needs 10 units, taken from the scoring standard."""
    assert column_widths("zh", ["不变", "降一级"]) == WIDTHS  # Chinese breaks anywhere
    english = column_widths("en", ["Unchanged", "Down one level"])
    assert english[POINTS_COL] == 10 and sum(english) == sum(column_widths("en"))
    assert english[STANDARD_COL] == column_widths("en")[STANDARD_COL] - 3.5
    assert column_widths("en", ["x" * 40])[POINTS_COL] == column_widths("en")[POINTS_COL] + MOST_BORROWED


@pytest.mark.slow
def test_english_band_words_print_whole_at_8_pt(tmp_path):
    """`init --language en`'s grade bands (Unchanged, Down one level …) print in their columns with no word
    broken in the middle and nothing shrunk below 8 pt to fit, on the scorecard's two pages (LibreOffice)."""
    book = tmp_path / "en.xlsx"
    write_template(book, "en")
    result = score_period(load_input(book))
    scorecards = [tmp_path / f"{r.employee.employee_id}.xlsx" for r in result.appraised]
    for r, path in zip(result.appraised, scorecards, strict=True):
        path.write_bytes(render_scorecard(result, r))
    assert scorecards  # soffice given no file waits for one
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), *map(str, scorecards)],
                   check=True, capture_output=True, timeout=300)
    texts = [text for band in result.input.grades
             for text in (band.name, band.training, band.promotion, band.level_change, band.salary_change)]
    words = {word: sum(text.split().count(word) for text in texts) for text in texts for word in text.split()}
    assert words["Unchanged"] == 2  # the position level's and the salary's
    for r in result.appraised:
        with pdfplumber.open(tmp_path / f"{r.employee.employee_id}.pdf") as doc:
            assert len(doc.pages) == 2
            assert min(c["size"] for page in doc.pages for c in page.chars) >= 7.95
            printed = "\n".join(page.extract_text() for page in doc.pages)
        # A word broken over two lines is not in the text as a whole: it would be found fewer times.
        assert {word: printed.count(word) for word in words if printed.count(word) < words[word]} == {}

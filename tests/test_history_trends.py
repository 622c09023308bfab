"""`reporter history`: the trend workbook over two built periods, worked by hand and recalculated by LibreOffice;
in the 语言 recorded with the latest period (English, bilingual; Chinese before settings were recorded)."""

from __future__ import annotations

import copy
import io
import re
import sqlite3
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.frames import open_history
from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.store.history import record_period
from reporter.writers.xlsx.style import row_height
from reporter.writers.xlsx.trends import render_trends
from tests.conftest import BASE, write_book

CJK = re.compile(r"[\u3400-\u9fff]")


def september() -> dict:
    """BASE one month earlier, with two bad reviews for E002 instead of four."""
    sheets = copy.deepcopy(BASE)
    settings = {row[0]: i for i, row in enumerate(sheets["设置"])}
    sheets["设置"][settings["考核期间"]][1] = "2026-09"
    sheets["设置"][settings["申诉截止日期"]][1] = date(2026, 10, 13)
    sheets["月度数据"][2][3] = 2
    return sheets


def in_language(sheets: dict, code: str | None) -> dict:
    if code:
        sheets["设置"].append(["语言", code])
    return sheets


def record_two_periods(folder: Path, languages: tuple[str | None, str | None] = (None, None)) -> Path:
    """2026-09 and 2026-10 of BASE recorded in a history in ``folder``, each period in its 语言 (None: none set)."""
    db = folder / "reporter.sqlite"
    for (name, sheets), code in zip((("2026-09", september()), ("2026-10", copy.deepcopy(BASE))), languages,
                                    strict=True):
        book = write_book(folder / f"{name}.xlsx", in_language(sheets, code))
        record_period(db, score_period(load_input(book)), input_sha256="x", built_at=f"{name}-28")
    return db


def history_command(folder: Path) -> str:
    result = CliRunner().invoke(cli, ["history", "--out", str(folder)])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history")
    record_two_periods(folder)
    return folder, history_command(folder)


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    folder = tmp_path_factory.mktemp("history-en")
    record_two_periods(folder, ("en", "en"))
    return folder, history_command(folder)


def test_department_averages_over_the_periods_worked_by_hand(two_periods):
    folder, output = two_periods
    book = openpyxl.load_workbook(folder / "history.xlsx")
    assert book.sheetnames == ["员工趋势", "部门趋势", "明细"]
    rows = {(r[0], r[1]): r[2:] for r in book["部门趋势"].iter_rows(min_row=2, values_only=True) if r[0]}
    # 客服部, 2026-09: E001 122.20 and E002 54.00 (response 0 + bad reviews 2/2 × 26 + attitude 18 + reports 3
    # + attendance 10 − 3) → 88.10; 2026-10: 122.20 and 41.00 → 81.60. E003 is not appraised in either.
    cached = {(r[0], r[1]): r[2:] for r in openpyxl.load_workbook(folder / "history.xlsx", data_only=True)
              ["部门趋势"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert cached[("华东公司", "客服部")] == (88.10, 81.60)
    assert cached[("华东公司", "运营部")] == (62.00, 62.00)
    assert rows[("华东公司", "客服部")][0].startswith("=IFERROR(AVERAGEIFS(")
    assert "华东公司客服部  88.10  81.60" in output and "2 个考核期间（2026-09 至 2026-10），4 名员工" in output
    people = {r[0]: r for r in book["员工趋势"].iter_rows(min_row=2, values_only=True)}
    assert people["E002"][4:8] == (54.00, 41.00, "D", "D")
    assert people["E003"][4:8] == (None, None, "", "")


def test_a_missing_history_says_where_it_looked(tmp_path):
    result = CliRunner().invoke(cli, ["history", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "reporter.sqlite 不存在" in result.output and "Traceback" not in result.output


def typed_texts(folder: Path) -> list[str]:
    """What the input workbooks hold that the history prints as typed: names, companies, departments, roles,
    grades; longest first."""
    texts = set()
    for book in folder.glob("2026-*.xlsx"):
        for row in openpyxl.load_workbook(book, read_only=True)["员工"].iter_rows(min_row=2, values_only=True):
            texts.update(v for v in row if isinstance(v, str))
    return sorted(texts, key=len, reverse=True)


def printed_texts(path: Path) -> list[str]:
    """Every string of the workbook a reader sees: sheet names, cells (formulas too), the charts' XML."""
    book = openpyxl.load_workbook(path)
    texts = list(book.sheetnames)
    texts += [c.value for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    with zipfile.ZipFile(path) as z:
        texts += [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/")]
    return texts


def untyped_chinese(path: Path, folder: Path) -> list[str]:
    found = []
    for text in printed_texts(path):
        for typed in typed_texts(folder):
            text = text.replace(typed, "")
        found += CJK.findall(text)
    return found


def test_an_english_history_names_its_sheets_headers_and_charts_in_english(english):
    folder, output = english
    path = folder / "history.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Employee trends", "Department trends", "Records"]
    assert [c.value for c in book["Records"][1]] == ["Period", "ID", "Name", "Company", "Department", "Role",
                                                     "Appraised", "Total", "Grade", "Dept. rank"]
    assert [c.value for c in book["Employee trends"][1]] == ["ID", "Name", "Company", "Department", "2026-09 total",
                                                             "2026-10 total", "2026-09 grade", "2026-10 grade"]
    assert {r[6] for r in book["Records"].iter_rows(min_row=2, values_only=True)} == {"Yes", "No"}
    formula = book["Department trends"]["C2"].value
    assert "'Records'!$H$2:$H$9" in formula and '"Yes"' in formula, formula
    cached = {(r[0], r[1]): r[2:] for r in openpyxl.load_workbook(path, data_only=True)
              ["Department trends"].iter_rows(min_row=2, values_only=True) if r[0]}
    assert cached[("华东公司", "客服部")] == (88.10, 81.60)  # the same averages as in Chinese
    charts = "".join(t for t in printed_texts(path) if t.startswith("<?xml"))
    assert "Department averages over the periods" in charts and "'Department trends'!" in charts
    assert untyped_chinese(path, folder) == []
    assert "华东公司客服部  88.10  81.60" in output and "已写入" in output  # the terminal speaks Chinese, as every command


def test_a_bilingual_history_carries_both_words(tmp_path):
    record_two_periods(tmp_path, ("zh", "zh-en"))  # the latest period's 语言
    history = open_history(tmp_path / "reporter.sqlite")
    path = tmp_path / "history.xlsx"
    path.write_bytes(render_trends(history))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["员工趋势 Employee trends", "部门趋势 Department trends", "明细 Records"]
    assert book["明细 Records"]["A1"].value == "考核期间\nPeriod" and book["明细 Records"]["G2"].value == "是 Yes"
    assert book["员工趋势 Employee trends"]["E1"].value == "2026-09 总分\n2026-09 total"
    assert "'明细 Records'!$A$2:$A$9" in book["部门趋势 Department trends"]["C2"].value
    assert all(ws.row_dimensions[1].height >= row_height(2) for ws in book)  # both lines of each header show
    with zipfile.ZipFile(path) as z:
        charts = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/"))
    assert "部门平均分趋势 Department averages over the periods" in charts


def test_a_history_without_recorded_settings_stays_chinese(tmp_path):
    db = record_two_periods(tmp_path, ("en", "en"))
    with sqlite3.connect(db) as conn:  # as a history recorded before schema v8 reads
        conn.execute("UPDATE periods SET settings = '{}'")
    book = openpyxl.load_workbook(io.BytesIO(render_trends(open_history(db))))
    assert book.sheetnames == ["员工趋势", "部门趋势", "明细"] and book["明细"]["G2"].value == "是"


@pytest.mark.slow
def test_libreoffice_recalculates_the_trends_to_the_same_averages(two_periods, english, tmp_path):
    from tests.recalc import assert_parity

    paths = [two_periods[0] / "history.xlsx", english[0] / "history.xlsx"]
    assert assert_parity(paths, tmp_path) >= 8  # two departments × two periods, in each language

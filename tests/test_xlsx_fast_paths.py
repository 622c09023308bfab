"""The scorecard's shortcuts through XlsxWriter write the very bytes XlsxWriter's own paths write.

style.RuleSheet writes its formulas as given and a formatted number, string or blank cell's XML at once;
style.Styles copies each format from a prototype instead of add_format;
book.Book writes a styles.xml, core.xml and shared string it has written before as it was.  They reach into
XlsxWriter's internals, so an upgrade that changes them must fail here, not change the scorecards silently.
Byte for byte at ZipFile's zlib level; at book.LEVEL, the workbook's own parts deflate faster and unzip to
the same.
"""

from __future__ import annotations

import io
import zipfile
import zlib
from datetime import datetime

import pytest
import xlsxwriter

from reporter.writers.xlsx import book as kept
from reporter.writers.xlsx import style
from reporter.writers.xlsx.scorecard import render_scorecard
from reporter.writers.xlsx.style import BASE, INPUT_FILL, ROLES, RuleSheet, Styles, new_workbook

CREATED = datetime(2026, 3, 31)
# (role, num, input_cell, extra) of the formats the sheet below uses, in the order it first uses them
FORMATS = [("title", None, False, {}), ("cell", "0.00", False, {}), ("cell", None, True, {"text_wrap": True}),
           ("total", "¥#,##0.00", False, {"align": "center"}), ("header", None, False, {}),
           ("note", None, False, {"text_wrap": True}), ("cell", "0.00", False, {})]


def plain_format(book, role, num, input_cell, extra):
    """The format XlsxWriter's add_format makes of Styles.get's properties."""
    props = {**BASE, **ROLES.get(role, {})}
    if num:
        props["num_format"] = num
    if input_cell:
        props.update({"locked": False, "bg_color": INPUT_FILL, "border": 1})
    return book.add_format({**props, **extra})


def write_book(fast: bool, streaming: bool, finish: bool = False, grey: bool = False) -> bytes:
    buffer = io.BytesIO()
    book = new_workbook(buffer, CREATED, streaming=streaming)
    if fast:
        styles = Styles(book)
        fmts = [styles.get(role, num=num, input_cell=input_cell, **extra) for role, num, input_cell, extra in FORMATS]
        ws = book.add_worksheet("S1", worksheet_class=RuleSheet)
    else:
        fmts = [plain_format(book, *spec) for spec in FORMATS]
        ws = book.add_worksheet("S1")
    title, number, wrap, total, header, note, same = fmts
    ws.merge_range(0, 0, 0, 5, "标题 & <title>", title)
    ws.set_row(1, 30, note)  # a row format: cells of no format of their own take it
    ws.write_number(1, 0, 3)
    ws.write_string(1, 1, "  leading and trailing  ", header)
    ws.write_string(1, 2, "control \x07 char _x0041_", wrap)
    ws.write_number(2, 0, 1234.5678, number)
    ws.write_number(2, 1, 1e-20, same)
    ws.write_blank(2, 2, None, wrap)
    ws.write_blank(2, 3, None)  # no format: no cell
    ws.write_formula(3, 0, "=IF(A3>0,ROUND(A3*2,2),0)", total, 2469.14)
    ws.write_formula(3, 1, '=IF(COUNTBLANK(A3:C3)>0,"未录入",A3)', total, "未录入")
    ws.write_formula(3, 2, "=A3>0", number, True)
    ws.write_string(4, 0, "", number)
    ws.merge_range(4, 1, 4, 3, 42, wrap)
    ws.data_validation(2, 0, 2, 0, {"validate": "custom", "value": "=AND(ISNUMBER(A3),A3>=0,MOD(A3*2,1)=0)",
                                    "error_message": "半天"})
    ws.data_validation(2, 1, 2, 1, {"validate": "decimal", "criteria": ">=", "value": 0})
    ws.conditional_format(3, 1, 3, 1, {"type": "cell", "criteria": "==", "value": '"A"', "format": total})
    if grey:  # one format more: another styles.xml
        ws.write_string(5, 0, "灰", styles.get("label") if fast else plain_format(book, "label", None, False, {}))
    ws.protect("", {"select_locked_cells": True})
    if finish:
        ws.finish()
        assert ws.row_data_fh_closed and not ws.merged_cells  # what only writing needed is let go
    book.add_worksheet("S2").write_string(0, 0, "下一张", header)  # the workbook goes on after S1
    book.close()
    return buffer.getvalue()


@pytest.fixture
def zipfile_level():
    """Workbooks zipped at ZipFile's level: their bytes are XlsxWriter's own."""
    with kept.deflated_at(kept.ZIPFILE_LEVEL):
        yield


@pytest.mark.parametrize("streaming", [False, True])
def test_rulesheet_and_styles_write_what_xlsxwriter_writes(streaming, zipfile_level):
    assert write_book(True, streaming) == write_book(False, streaming)


def test_a_finished_streamed_sheet_is_written_as_before():
    """The summary's scorecard sheets close their temporary files as they are done (RuleSheet.finish)."""
    assert write_book(True, True, finish=True) == write_book(False, True)


def members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert z.testzip() is None
        return [(info.filename, z.read(info)) for info in z.infolist()]


def test_at_its_level_a_workbook_unzips_to_xlsxwriters_parts(monkeypatch):
    """The workbook's own parts are deflated at LEVEL (zlib 1), the shared ones at ZipFile's: the same parts."""
    assert kept.LEVEL == 1
    ours = write_book(True, False)
    monkeypatch.setattr(style, "Book", xlsxwriter.Workbook)  # XlsxWriter's own, zipped by ZipFile
    theirs = write_book(False, False)
    assert ours != theirs and members(ours) == members(theirs)
    with zipfile.ZipFile(io.BytesIO(ours)) as z:
        sheet, styles_xml = z.getinfo("xl/worksheets/sheet1.xml"), z.getinfo("xl/styles.xml")
        assert sheet.compress_size == len(kept.deflated(z.read(sheet), 1)[1])
        assert styles_xml.compress_size == len(kept.deflated(z.read(styles_xml), zlib.Z_DEFAULT_COMPRESSION)[1])


def test_styles_formats_belong_to_their_workbook():
    """A prototype's copy is the workbook's own: indices of one book never leak into another."""
    first, second = (xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True}) for _ in range(2))
    a, b = Styles(first).get("cell", num="0.00"), Styles(second).get("cell", num="0.00")
    assert a is not b and a in first.formats and b in second.formats and b not in first.formats
    first.add_worksheet().write_number(0, 0, 1, a)
    first.close()
    assert b.xf_index is None and b.xf_format_indices is second.xf_format_indices


def test_a_styles_xml_written_before_is_what_xlsxwriter_writes(monkeypatch, zipfile_level):
    kept._STYLES.clear()
    kept._CORE.clear()
    first, grey = write_book(True, False), write_book(True, False, grey=True)  # worked out, and kept
    assert len(kept._STYLES) == 2 and len(kept._CORE) == 1
    again, grey_again = write_book(True, False), write_book(True, False, grey=True)  # written as kept
    monkeypatch.setattr(style, "Book", xlsxwriter.Workbook)  # XlsxWriter's own, every part worked out
    assert first == again == write_book(True, False)
    assert grey == grey_again == write_book(True, False, grey=True) != first


def test_a_format_not_of_styles_is_worked_out_as_xlsxwriter_does():
    kept._STYLES.clear()
    write_book(False, False)  # add_format's formats: no name to keep their styles.xml by
    write_book(True, True)  # streamed to temporary files
    assert not kept._STYLES


def test_scorecards_with_kept_parts_are_xlsxwriters(sample_result, monkeypatch, zipfile_level):
    """Every scorecard of the sample, its styles.xml, core.xml and shared strings kept from the first: byte
    for byte."""
    kept._STYLES.clear()
    ours = [render_scorecard(sample_result, r) for r in sample_result.appraised]
    assert kept._STYLES
    monkeypatch.setattr(style, "Book", xlsxwriter.Workbook)
    assert ours == [render_scorecard(sample_result, r) for r in sample_result.appraised]


def test_sheet_names_are_checked_as_xlsxwriter_checks_them():
    """Book looks a new sheet's name up in a set (XlsxWriter compares it with every sheet's: quadratic in the
    summary's sheet per person): the same names, the same refusals, each with XlsxWriter's error."""
    from xlsxwriter.exceptions import DuplicateWorksheetName, InvalidWorksheetName

    names = [None, "考核 Ab", None, "x" * 31]
    books = [kept.Book(io.BytesIO(), {"in_memory": True}), xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})]
    ours, theirs = ([book.add_worksheet(name).name for name in names] for book in books)
    assert ours == theirs == ["Sheet1", "考核 Ab", "Sheet3", "x" * 31]
    for book in books:
        for taken in ("考核 aB", "SHEET1", "sheet3"):  # case ignored, as Excel does
            with pytest.raises(DuplicateWorksheetName):
                book.add_worksheet(taken)
        for wrong in ("a/b", "x" * 32, "'quoted'"):
            with pytest.raises(InvalidWorksheetName):
                book.add_worksheet(wrong)
        assert [sheet.name for sheet in book.worksheets()] == theirs  # nothing added by a refusal
        book.add_worksheet("Sheet5")  # a name refused is not taken
        book.close()


def test_a_summary_of_many_sheets_checks_each_name_once(monkeypatch):
    """1,000 sheets: each new name is compared with no other sheet's (XlsxWriter's loop finds none to compare)."""
    compared = []
    book = kept.Book(io.BytesIO(), {"in_memory": True})
    real = kept.Book.worksheets
    monkeypatch.setattr(kept.Book, "worksheets", lambda self: compared.extend(real(self)) or real(self))
    for i in range(1000):
        book.add_worksheet(f"S{i}")
    assert len(book.worksheets_objs) == 1000 and compared == []

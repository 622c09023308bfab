"""Formats and sizing shared by the scorecard and the summary workbook.

XlsxWriter formats belong to one workbook, so they are created once per
workbook here and looked up by name; nothing creates a format per cell.
"""

from __future__ import annotations

import functools
import math
import unicodedata
from datetime import datetime

from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell_fast
from xlsxwriter.worksheet import Worksheet

from reporter.writers.xlsx.book import Book

INPUT_FILL = "#FFF2CC"  # the yellow HR recognises as "you may type here"
GRADE_COLOURS = ("#C6EFCE", "#E2EFDA", "#FFFFFF", "#FCE4D6", "#FFC7CE")  # best band first
UNIT_FORMATS = {
    "%": "0.00%", "元": "¥#,##0.00", "¥": "¥#,##0.00", "秒": '0.0" 秒"',
    "次": "#,##0", "人": "#,##0", "个": "#,##0", "件": "#,##0", "倍": "0.00", "分": "0.00", "天": "0.0",
}
# Each measure kind (schema.MEASURE_KINDS, plus the attendance sheet's days) as format, unit and what may be typed;
# the appendix shows the unit in a column of its own, so only ¥ and % stay in the format.
KIND_FORMATS = {"amount": "¥#,##0.00", "percent": "0.00%", "seconds": "0.0", "count": "#,##0", "days": "0.0",
                "number": "#,##0.00"}
KIND_UNITS = {"amount": "元", "percent": "%", "seconds": "秒", "count": "次", "days": "天", "number": ""}
A4 = 9
DEFAULT_ROW_HEIGHT = 15  # points, XlsxWriter's default row
MARGINS = {"left": 0.3, "right": 0.3, "top": 0.5, "bottom": 0.5}  # inches; header and footer 0.2 from the edge
HEADER_MARGIN = 0.2
PAGE_FOOTER = "&C第 &P 页 / 共 &N 页"
DEFAULT_NUMBER = "#,##0.00"
MONEY = "¥#,##0.00"


def new_workbook(target, created: datetime, *, streaming: bool = False) -> Book:
    """A workbook that never turns input text into formulas and is byte-reproducible.

    ``streaming`` (XlsxWriter's constant_memory) flushes each row to a temporary file as soon as the
    next row is written, so a summary of 10,000 scorecard sheets does not hold them all in memory;
    every sheet must then be written strictly row by row.
    """
    # No "use_future_functions": it runs ~500 regex substitutions per formula (40 % of a scorecard's
    # time); the two newer functions used (MAXIFS, MINIFS) are written with their _xlfn. prefix.
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    options.update({"constant_memory": True} if streaming else {"in_memory": True})
    book = Book(target, options)
    book.set_properties({"created": created, "author": "reporter", "comments": ""})
    return book


_PLAIN_CELLS = {"Blank", "Number", "String"}  # XlsxWriter's cell kinds RuleSheet writes itself


class RuleSheet(Worksheet):
    """A worksheet whose formulas are the rule translator's (reporter.formula.excel) and the writers' own: they
    use only functions of Excel 2007 (IF, ROUND, MIN, MAX, ABS, IFERROR, COUNTIFS, COUNTBLANK, SUMIF, SUM, INDEX,
    MATCH, AND, ISNUMBER, MOD), so none needs the _xlfn. prefix that XlsxWriter otherwise looks for with ~30
    regular expressions per cell formula and ~500 per data-validation or conditional-format formula (half the
    time of 10,000 annual rows; a seventh of a scorecard's). A formula of a newer function is written with
    its prefix (MAXIFS as _xlfn.MAXIFS), as XlsxWriter would leave it."""

    def _prepare_formula(self, formula, expand_future_functions=False):
        return formula[1:] if formula.startswith("=") else formula

    def _write_cell(self, row: int, col: int, cell) -> None:
        """XlsxWriter's <c> element of a formatted number, shared string or blank, written at once: its two
        attributes (a cell name, a format's index) never need the XML escaping XlsxWriter tries on each."""
        kind, fmt = type(cell).__name__, cell.format
        if fmt is None or kind not in _PLAIN_CELLS or (kind == "String" and self.constant_memory):
            super()._write_cell(row, col, cell)
        elif kind == "Blank":
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}"/>')
        elif kind == "Number":
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}">'
                          f"<v>{cell.number:.16G}</v></c>")
        else:  # a shared string: its index
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}" s="{fmt._get_xf_index()}" t="s">'
                          f"<v>{cell.string}</v></c>")

    def finish(self) -> None:
        """A streamed sheet that gets no more cells lets go of what only writing needed: its temporary file is
        closed (XlsxWriter reopens it to assemble the workbook, as after its own close()) and the index of
        every merged cell, kept only to refuse overlapping merges, is dropped.  The summary of 10,000
        scorecard sheets then holds about 40 KB per sheet until it is written, not 80 KB and an open file."""
        if self.constant_memory:
            self._opt_close()
            self.merged_cells.clear()


def display_width(text: str, wide: float = 2) -> float:
    """Column units a text needs: a CJK character counts ``wide`` (2 to be safe, ~1.7 as rendered)."""
    return sum(wide if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


ROLES = {
    "title": {"bold": True, "font_size": 16, "align": "center"},
    "subtitle": {"font_size": 11, "align": "center"},
    "label": {"bold": True, "bg_color": "#F2F2F2", "border": 1},
    "header": {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "text_wrap": True},
    "section": {"bold": True, "font_size": 11, "bottom": 2},
    "total": {"bold": True, "border": 1, "bg_color": "#F2F2F2"},
    "wrap": {"text_wrap": True, "border": 1, "valign": "top"},
    "cell": {"border": 1},
    "sign": {"bottom": 1},
    "note": {"italic": True, "font_color": "#595959"},
}
BASE = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "vcenter"}
# A format's state as XlsxWriter's Format builds it from its properties (and the workbook's defaults), by
# Styles.get's key: a scorecard workbook's ~40 formats are copies of these, not built property by property.
_PROTOTYPES: dict[tuple, dict] = {}


class Styles:
    """Named formats of one workbook."""

    def __init__(self, book: Book):
        self.book = book
        self._cache: dict[tuple, object] = {}
        self._defaults = tuple(sorted(book.default_format_properties.items()))

    def get(self, name: str = "", *, num: str | None = None, input_cell: bool = False, **extra):
        """A format by role: '', 'title', 'subtitle', 'label', 'header', 'total', 'wrap', 'section'."""
        key = (name, num, input_cell, tuple(sorted(extra.items())) if extra else ())
        fmt = self._cache.get(key)
        if fmt is None:
            fmt = self._cache[key] = self._new_format(key)
        return fmt

    def _new_format(self, key: tuple) -> Format:
        """What ``book.add_format(props)`` gives, copied from a prototype of the same properties and defaults."""
        state = _PROTOTYPES.get((self._defaults, key))
        if state is None:
            name, num, input_cell, extra = key
            props = {**BASE, **ROLES.get(name, {})}
            if num:
                props["num_format"] = num
            if input_cell:
                props.update({"locked": False, "bg_color": INPUT_FILL, "border": 1})
            props.update(extra)
            prototype = Format({**dict(self._defaults), **props})
            prototype._get_format_key()  # computed once: a copy keeps it
            state = _PROTOTYPES[self._defaults, key] = dict(vars(prototype))
        fmt = Format.__new__(Format)
        vars(fmt).update(state)
        fmt.xf_format_indices, fmt.dxf_format_indices = self.book.xf_format_indices, self.book.dxf_format_indices
        fmt.style_key = self._defaults, key  # what decides it: reporter.writers.xlsx.book keeps styles.xml by it
        self.book.formats.append(fmt)
        return fmt

    def grade(self, index: int, count: int):
        """Colour of the index-th band counted from the best; the worst is always red."""
        colour = GRADE_COLOURS[0] if index == 0 else GRADE_COLOURS[-1] if index == count - 1 else \
            GRADE_COLOURS[min(index, len(GRADE_COLOURS) - 2)]
        return self.get("total", bg_color=colour, align="center")


def unit_format(unit: str) -> str:
    return UNIT_FORMATS.get(unit, DEFAULT_NUMBER)


def percent_format(value) -> str:
    """Whole percentages as 15%, others with two decimals."""
    return "0%" if value is not None and (value * 100) == (value * 100).to_integral() else "0.00%"


def input_rule(kind: str, cell: str) -> dict:
    """The data validation of an input cell of a measure kind: nothing negative, whole counts, half days."""
    if kind == "count":
        return {"validate": "integer", "criteria": ">=", "value": 0, "error_message": "请填写不小于 0 的整数"}
    if kind == "days":
        return {"validate": "custom", "value": f"=AND(ISNUMBER({cell}),{cell}>=0,MOD({cell}*2,1)=0)",
                "error_message": "请填写不小于 0 的天数，最小单位半天（0.5）"}
    if kind == "number":
        return {"validate": "decimal", "criteria": "between", "minimum": -1e15, "maximum": 1e15,
                "error_message": "请填写数值"}
    return {"validate": "decimal", "criteria": ">=", "value": 0, "error_message": "请填写不小于 0 的数值"}


def print_setup(ws, settings, title: str, *, landscape: bool, fit_width: bool = True, repeat: int | None = 0,
                area: tuple[int, int] | None = None, scale: int | None = None) -> None:
    """A4, margins, header (company, title, period) and footer (page x / y) on every sheet.

    ``area`` is (last row, last column) of the print area; ``repeat`` the last header row repeated on
    every page; a sheet wider than the paper is fitted to one page wide (as many pages tall as needed),
    or printed at a fixed ``scale`` where manual page breaks must hold (Excel ignores them when fitting).
    """
    ws.set_paper(A4)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.set_margins(**MARGINS)
    ws.set_header(f"&L{settings.company.replace('&', '&&')}&C{title.replace('&', '&&')}&R{settings.period.label}",
                  {"margin": HEADER_MARGIN})
    ws.set_footer(PAGE_FOOTER, {"margin": HEADER_MARGIN})
    if scale is not None:
        ws.set_print_scale(scale)
    elif fit_width:
        ws.fit_to_pages(1, 0)
    if repeat is not None:
        ws.repeat_rows(0, repeat)
    if area is not None:
        ws.print_area(0, 0, *area)
    ws.center_horizontally()


def money_width(amounts) -> float:
    """Column units for the widest of ``amounts`` as ¥#,##0.00 in bold (a totals row), and never below 9."""
    widest = max((abs(a) for a in amounts), default=0)
    return max(9, len(f"¥{widest:,.2f}") + 1)


def text_width(texts, low: float, high: float) -> float:
    """Units for the longest of ``texts`` (a CJK character counts 1.9), between ``low`` and ``high`` (then wrapped)."""
    return min(high, max([low, *(display_width(t, wide=1.9) + 1 for t in texts if t)]))


def fit_row(ws, row: int, texts: list[tuple[str, float]], minimum: float = 0) -> None:
    """Give a row the height of its most wrapped cell: ``texts`` are (text, column units) pairs.

    Wrapped text grows a row in neither program's print; the summary streams its rows, so this is
    called before the row's cells are written.
    """
    lines = max([1, *(wrapped_lines(text, width) for text, width in texts if text)])
    if lines > 1 or minimum:
        ws.set_row(row, max(minimum, row_height(lines) if lines > 1 else DEFAULT_ROW_HEIGHT))


@functools.lru_cache(maxsize=8192)  # the same labels, standards and bands on every employee's scorecard
def wrapped_lines(text: str, width: float) -> int:
    """Lines a wrapped text takes in a column of ``width`` units, counted generously.

    Counted as Excel lays out 10-pt YaHei (a CJK character 13.3 px, 1.9 units of 7 px): LibreOffice, whose
    column unit is wider, fits more on a line, so neither clips the last line.
    """
    room = max(width, 1)
    return max(1, sum(math.ceil(display_width(part, wide=1.9) / room) or 1 for part in str(text).split("\n")))


def row_height(lines: int) -> float:
    """Points for ``lines`` lines of 10-pt CJK text (the CJK fallback fonts' line height, with air)."""
    return 14 * lines + 4


def page_height(scale: int, landscape: bool = True) -> float:
    """Points of sheet rows an A4 page holds between the margins at ``scale`` percent."""
    inches = (8.27 if landscape else 11.69) - MARGINS["top"] - MARGINS["bottom"]
    return inches * 72 * 100 / scale

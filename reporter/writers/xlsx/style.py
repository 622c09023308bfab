"""Formats and sizing shared by the scorecard and the summary workbook.

XlsxWriter formats belong to one workbook, so they are created once per
workbook here and looked up by name; nothing creates a format per cell.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

import xlsxwriter

INPUT_FILL = "#FFF2CC"  # the yellow HR recognises as "you may type here"
GRADE_COLOURS = ("#C6EFCE", "#E2EFDA", "#FFFFFF", "#FCE4D6", "#FFC7CE")  # best band first
UNIT_FORMATS = {
    "%": "0.00%", "元": "¥#,##0.00", "¥": "¥#,##0.00", "秒": '0.0" 秒"',
    "次": "#,##0", "人": "#,##0", "个": "#,##0", "件": "#,##0", "倍": "0.00", "分": "0.00",
}
DEFAULT_NUMBER = "#,##0.00"
MONEY = "¥#,##0.00"


def new_workbook(target, created: datetime, *, streaming: bool = False) -> xlsxwriter.Workbook:
    """A workbook that never turns input text into formulas and is byte-reproducible.

    ``streaming`` (XlsxWriter's constant_memory) flushes each row to a temporary file as soon as the
    next row is written, so a summary of 10,000 scorecard sheets does not hold them all in memory;
    every sheet must then be written strictly row by row.
    """
    # No "use_future_functions": it runs ~500 regex substitutions per formula (40 % of a scorecard's
    # time); the two newer functions used (MAXIFS, MINIFS) are written with their _xlfn. prefix.
    options = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}
    options.update({"constant_memory": True} if streaming else {"in_memory": True})
    book = xlsxwriter.Workbook(target, options)
    book.set_properties({"created": created, "author": "reporter", "comments": ""})
    return book


def display_width(text: str, wide: float = 2) -> float:
    """Column units a text needs: a CJK character counts ``wide`` (2 to be safe, ~1.7 as rendered)."""
    return sum(wide if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


class Styles:
    """Named formats of one workbook."""

    def __init__(self, book: xlsxwriter.Workbook):
        self.book = book
        self._cache: dict[tuple, object] = {}
        base = {"font_name": "Microsoft YaHei", "font_size": 10, "valign": "vcenter"}
        self.base = base

    def get(self, name: str = "", *, num: str | None = None, input_cell: bool = False, **extra):
        """A format by role: '', 'title', 'subtitle', 'label', 'header', 'total', 'wrap', 'section'."""
        key = (name, num, input_cell, tuple(sorted(extra.items())))
        if key in self._cache:
            return self._cache[key]
        props = dict(self.base)
        props.update({
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
        }.get(name, {}))
        if num:
            props["num_format"] = num
        if input_cell:
            props.update({"locked": False, "bg_color": INPUT_FILL, "border": 1})
        props.update(extra)
        fmt = self.book.add_format(props)
        self._cache[key] = fmt
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

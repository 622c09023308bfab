"""``reporter init``: a blank input workbook that explains itself.

Written from :mod:`reporter.input.schema`, so the template, the reader and the
column reference in docs/input.md cannot disagree.
"""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

import xlsxwriter

from reporter.input.english_examples import example_values
from reporter.input.schema import (
    CHOICES,
    INSTRUCTIONS_SHEET,
    PERIOD_BOUNDS,
    SHEETS,
    Column,
    Sheet,
    bound_text,
)
from reporter.period import PERIOD_FORMATS
from reporter.store.atomic import write_bytes_atomic

KIND_NAMES = {
    "text": "文本", "name": "姓名（不含换行）", "id": "工号（文本格式）", "email": "邮箱（一个）", "decimal": "数字", "quantity": "数字或百分比",
    "money": "金额（两位小数）", "count": "整数次数", "percent": "百分比（如 20% 或 0.2）",
    "date": "日期（2026-03-01）", "identifier": "代码（字母数字下划线）", "formula": "公式",
}
DATA_ROWS = 2000


def _kind_name(col: Column) -> str:
    if col.kind in CHOICES:
        return "选项：" + " / ".join(str(v[0]) for v in CHOICES[col.kind].values())
    return KIND_NAMES.get(col.kind, col.kind)


def _bounds(col: Column) -> str:
    """The range a number must lie in, as HR reads it: 0～考核期天数 (a bound that follows the period is named)."""
    if col.kind not in ("decimal", "count", "money", "quantity") or (col.low is None and col.high is None):
        return ""
    low = bound_text(col.low) or ("0" if col.kind == "count" else "")
    high = bound_text(col.high)
    return f"范围：{low}～{high}" if high else f"不小于 {low}"


def _note(col: Column) -> str:
    parts = [f"{col.zh}（{col.en}）", _kind_name(col), "必填" if col.required else "选填"]
    if col.high in PERIOD_BOUNDS or col.low in PERIOD_BOUNDS:
        parts.append(_bounds(col))
    if col.help:
        parts.append(col.help)
    return "\n".join(parts)


class _Formats:
    def __init__(self, book):
        self.header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True,
                                       "valign": "vcenter"})
        self.text = book.add_format({"num_format": "@"})
        self.percent = book.add_format({"num_format": "0.00%"})
        self.money = book.add_format({"num_format": "#,##0.00"})
        self.date = book.add_format({"num_format": "yyyy-mm-dd"})
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.bold = book.add_format({"bold": True})


def _write_example(ws, row: int, col_index: int, col: Column, value: str, fmt: _Formats) -> None:
    if value == "":
        return
    if col.kind in ("percent", "quantity") and value.endswith("%"):
        ws.write_number(row, col_index, float(Decimal(value[:-1]) / 100), fmt.percent)
        return
    if col.kind in ("money", "decimal", "count", "quantity", "percent"):
        try:
            ws.write_number(row, col_index, float(Decimal(value)), fmt.money if col.kind == "money" else None)
            return
        except InvalidOperation:
            pass
    if col.kind == "date":
        ws.write_datetime(row, col_index, date.fromisoformat(value), fmt.date)
        return
    ws.write_string(row, col_index, value, fmt.text)


def _write_table(book, sheet: Sheet, fmt: _Formats, language: str) -> None:
    ws = book.add_worksheet(sheet.zh)
    ws.freeze_panes(1, 0)
    for i, col in enumerate(sheet.columns):
        ws.write_string(0, i, col.zh, fmt.header)
        ws.write_comment(0, i, _note(col), {"x_scale": 2, "y_scale": 2})
        ws.set_column(i, i, max(10, 2 * len(col.zh) + 4), fmt.text if col.kind == "id" else None)
        if col.kind in CHOICES:
            options = [str(v[0]) for v in CHOICES[col.kind].values()]
            ws.data_validation(1, i, DATA_ROWS, i, {
                "validate": "list", "source": options, "error_title": col.zh,
                "error_message": "请从下拉列表中选择：" + " / ".join(options)})
        for r, value in enumerate(example_values(col, language), start=1):
            _write_example(ws, r, i, col, str(value), fmt)
    if sheet.open_columns and sheet.columns[0].example:  # the measure columns of the example rows
        for j, code in enumerate(("uv", "buyers"), start=len(sheet.columns)):
            ws.write_string(0, j, code, fmt.header)
            ws.write_comment(0, j, "度量代码：须在「度量定义」中定义，一列一个度量。")
            for r in (1, 2):
                ws.write_number(r, j, {"uv": 52000, "buyers": 1630}[code] * r)


def _write_settings(book, sheet: Sheet, fmt: _Formats, language: str) -> None:
    ws = book.add_worksheet(sheet.zh)
    ws.write_string(0, 0, "项目", fmt.header)
    ws.write_string(0, 1, "值", fmt.header)
    ws.write_string(0, 2, "说明", fmt.header)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 28)
    ws.set_column(2, 2, 60, fmt.wrap)
    for r, col in enumerate(sheet.columns, start=1):
        ws.write_string(r, 0, col.zh)
        example = example_values(col, language)
        if example:
            _write_example(ws, r, 1, col, str(example[0]), fmt)
        ws.write_string(r, 2, _note(col).replace("\n", "；"))


def _write_instructions(book, fmt: _Formats) -> None:
    ws = book.add_worksheet(INSTRUCTIONS_SHEET[0])
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, 90, fmt.wrap)
    lines = [
        ("绩效考核数据模板", ""),
        ("用法", "每个考核期间一个文件。按各工作表的列填写数据（示例行请替换为真实数据），"
               "然后运行 reporter validate 文件名 检查，再运行 reporter build 文件名 生成结果。"),
        ("列名", "列名可用中文或英文（如 工号 或 employee_id）；鼠标停在列名上可看说明。"),
        ("工号", "请把工号列设为文本格式，以免 Excel 去掉前导零。"),
        ("百分比", "请输入 20% 或 0.2；单独的 20 含义不明确，会被拒绝。"),
        ("考核期间", f"「设置」中的考核期间决定本文件的期间类型：{PERIOD_FORMATS}。"
                 "「月度数据」「考勤」填写整个考核期的数据（季度即三个月合计）；请假天数不超过考核期天数，"
                 "周报应交/实交不超过考核期跨越的周数（如 31 天的月份最多 6 周，季度最多 14 周）。"
                 "「连续月数」按同类型的期间计（季度考核即连续几个季度），「历史」表填写同类型的往期结果。"),
        ("", ""),
    ]
    lines += [(s.zh, f"（{s.en}）{'必需' if s.required else '可选'}。{s.help}") for s in SHEETS]
    for r, (a, b) in enumerate(lines):
        ws.write_string(r, 0, a, fmt.title if r == 0 else fmt.bold)
        ws.write_string(r, 1, b)


def columns_markdown() -> str:
    """The column reference of docs/input.md, generated from the schema (``make docs`` rewrites it)."""
    out = []
    for sheet in SHEETS:
        out.append(f"#### {sheet.zh} ({sheet.en}){'' if sheet.required else ' — optional'}\n")
        if sheet.help:
            out.append(f"{sheet.help}\n")
        out.append("| column (zh / en) | kind | required | notes |\n|---|---|---|---|")
        for c in sheet.columns:
            out.append(f"| {c.zh} / `{c.en}` | {_kind_name(c)} | {'yes' if c.required else ''} | {c.help} |")
        if sheet.open_columns:
            out.append("| *one column per measure code* | number by the measure's kind | | "
                       "headers are measure codes from 度量定义 |")
        out.append("")
    return "\n".join(out)


def write_template(path: Path, language: str = "zh") -> None:
    """The blank workbook; ``language`` is its 语言 row, and for ``en`` the example rows are in English."""
    data = io.BytesIO()  # written whole, through a rename: a full disk leaves no half-written workbook
    book = xlsxwriter.Workbook(data, {"strings_to_formulas": False, "strings_to_numbers": False,
                                      "in_memory": True})
    fmt = _Formats(book)
    _write_instructions(book, fmt)
    for sheet in SHEETS:
        if sheet.key_value:
            _write_settings(book, sheet, fmt, language)
        else:
            _write_table(book, sheet, fmt, language)
    book.close()
    write_bytes_atomic(Path(path), data.getvalue())

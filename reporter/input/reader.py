"""Read the input workbook into typed rows, collecting every problem with its location.

The reader knows the layout (:mod:`reporter.input.schema`) and how to parse one cell
(:mod:`reporter.input.cells`); it knows nothing of plans or scores.  Cross-sheet
rules live in :mod:`reporter.input.validate`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from reporter.errors import CellError, Problem
from reporter.input.cells import parse_cell
from reporter.input.guard import open_workbook
from reporter.input.limits import (
    MEASURE_LIMITS,
    MEASURE_PARSERS,
    NUMBER_LIMITS,
    TextLimit,
    check_length,
    check_text,
    text_limit,
)
from reporter.input.schema import INSTRUCTIONS_SHEET, SHEETS, Column, Sheet, bound_text, period_bounds
from reporter.period import parse_period

_TOTAL_WORDS = ("合计", "总计", "小计", "total", "sum", "subtotal")


@dataclass
class Row:
    number: int
    values: dict[str, Any]
    extra: dict[str, Any] = field(default_factory=dict)  # open columns (measures)


@dataclass
class SheetData:
    spec: Sheet
    title: str
    headers: dict[str, str] = field(default_factory=dict)  # column key -> header as typed
    letters: dict[str, str] = field(default_factory=dict)  # column key -> column letter
    extra: dict[str, str] = field(default_factory=dict)  # open column code -> letter
    rows: list[Row] = field(default_factory=list)
    unknown: dict[int, str] = field(default_factory=dict)  # column index -> header matching no column
    refused: set[int] = field(default_factory=set)  # columns whose header was reported: their cells are not

    def where(self, key: str) -> str:
        """How a column is named in messages: its letter and its header as HR typed it."""
        if key in self.letters:
            return f"{self.letters[key]} 列「{self.headers[key]}」"
        if key in self.extra:
            return f"{self.extra[key]} 列「{key}」"
        return f"「{self.spec.column(key).zh}」列" if any(c.key == key for c in self.spec.columns) else key


# A character XML cannot hold is written _xHHHH_ in a workbook (OOXML's ST_Xstring): a carriage return of
# text pasted from Windows is "_x000D_", by Excel's older versions, XlsxWriter and others. openpyxl hands the
# escape over as text. Only control characters are decoded, so "_x0041_" typed by hand stays as typed.
_CONTROL_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f]|007[Ff])_")


def unescape_control_characters(value: Any) -> Any:
    """A text cell's value with its escaped control characters decoded (then checked like any other)."""
    if isinstance(value, str) and "_x" in value:
        return _CONTROL_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    return value


def _norm(text: Any) -> str:
    cleaned = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"[\s*＊]+", "", cleaned)


def _header_index(spec: Sheet) -> dict[str, Column]:
    index = {}
    for col in spec.columns:
        for name in (col.zh, col.en, col.key):
            index[_norm(name)] = col
    return index


def _closest(col: Column, headers: dict[int, str], alone: bool) -> int | None:
    """The header most like one of the column's names (or the only one left), if any is alike enough."""
    names = [_norm(n) for n in (col.zh, col.en, col.key)]
    score = {index: max(SequenceMatcher(None, _norm(h), n).ratio() for n in names) for index, h in headers.items()}
    best = max(score, key=score.get, default=None)
    return best if best is not None and (score[best] >= 0.5 or alone and score[best] > 0) else None


def _sheet_index() -> dict[str, Sheet]:
    return {_norm(name): s for s in SHEETS for name in (s.zh, s.en, s.key)}


class WorkbookReader:
    """Reads one workbook; ``problems`` collects everything wrong or worth a warning."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.file = self.path.name
        self.problems: list[Problem] = []
        self.book = open_workbook(self.path)
        self._cached = None  # the data_only twin, loaded only if a formula cell is met
        # Bounds that depend on the period (schema.PERIOD_BOUNDS), once 设置 has been read.
        self.bounds: dict[str, str | None] = period_bounds(None)
        self.incomplete: set[str] = set()  # sheets missing, or missing a required column: follow-on checks skip them

    def problem(self, message: str, sheet: str = "", row: int | None = None, column: str = "",
                severity: str = "error") -> None:
        self.problems.append(Problem(message, self.file, sheet, row, column, severity))

    def read(self, measure_kinds: dict[str, str] | None = None, skip: tuple[str, ...] = ()) -> dict[str, SheetData]:
        """Read every known sheet but those in ``skip`` (not even checked); report missing, unknown and hidden sheets."""
        by_name = _sheet_index()
        found: dict[str, Any] = {}
        for ws in self.book.worksheets:
            if ws.sheet_state != "visible":
                self.problem("工作表被隐藏，仍会读取；如不需要请删除", ws.title, severity="warning")
            key = _norm(ws.title)
            if key in (_norm(n) for n in INSTRUCTIONS_SHEET):
                continue
            spec = by_name.get(key)
            if spec is None:
                known = "、".join(s.zh for s in SHEETS)
                self.problem(f"无法识别的工作表，已忽略。可用的工作表：{known}", ws.title, severity="warning")
            elif spec.key in found:
                self.problem(f"与工作表「{found[spec.key].title}」重复：请只保留一个", ws.title)
            else:
                found[spec.key] = ws
        sheets: dict[str, SheetData] = {}
        for spec in SHEETS:
            if spec.key in skip:
                continue
            if spec.key not in found:
                if spec.required:
                    self.problem(f"缺少工作表「{spec.zh}」（{spec.en}）：请按 reporter init 生成的模板添加")
                    self.incomplete.add(spec.key)
                continue
            ws = found[spec.key]
            if spec.key in ("measures", "unit_measures"):  # one column per measure, typed by its 度量定义
                sheets[spec.key] = self._read_table(ws, spec, measure_kinds or {})
            elif spec.key_value:
                sheets[spec.key] = self._read_key_value(ws, spec)
            else:
                sheets[spec.key] = self._read_table(ws, spec, {})
            if spec.key == "settings":
                self.bounds = period_bounds(self._period(sheets[spec.key]))
            if spec.key == "measure_defs":
                measure_kinds = {r.values["code"]: r.values["kind"] for r in sheets[spec.key].rows
                                 if r.values.get("code") and r.values.get("kind")}
        return sheets

    @staticmethod
    def _period(settings: SheetData):
        """The period 设置 names, or None (validate reports a bad one at its cell)."""
        text = next((r.values["period"] for r in settings.rows if r.values.get("period")), None)
        try:
            return parse_period(text) if text else None
        except CellError:
            return None

    # -- cells ------------------------------------------------------------

    def _raw(self, ws, cell) -> Any:
        """The value a cell shows: for a formula, the value Excel cached when it last saved."""
        if cell.data_type != "f":
            return unescape_control_characters(cell.value)
        if self._cached is None:
            self._cached = open_workbook(self.path, data_only=True)
        cached = self._cached[ws.title].cell(cell.row, cell.column).value
        if cached is None:
            raise CellError("公式单元格没有缓存值（文件未在 Excel 中保存过）：请在 Excel 中打开并保存，或改为直接填写数值")
        return unescape_control_characters(cached)

    def _parse(self, ws, cell, kind: str, where: str, low: str | None = None, high: str | None = None,
               limit: TextLimit | None = None) -> Any:
        """The cell's value, or None after reporting why not; ``limit`` bounds text (default: the kind's)."""
        period_bound = next((b for b in (low, high) if b in self.bounds), None)
        low, high = self.bounds.get(low, low), self.bounds.get(high, high)
        widest = NUMBER_LIMITS.get(kind)
        if widest:
            low, high = widest[0] if low is None else low, widest[1] if high is None else high
        limit = limit or text_limit("", "", kind)
        try:
            raw = self._raw(ws, cell)
            check_length(raw, limit)
            value = parse_cell(kind, raw, low=low, high=high)
            return check_text(value, limit) if isinstance(value, str) and kind in ("text", "name") else value
        except CellError as err:
            why = f"（上限随「设置」的考核期间而定：{bound_text(period_bound)} {self.bounds[period_bound]}）" \
                if period_bound and self.bounds[period_bound] else ""
            self.problem(f"{err}{why}", ws.title, cell.row, where)
            return None

    # -- tables -----------------------------------------------------------

    def _check_merged(self, ws, first_data_row: int) -> None:
        for rng in ws.merged_cells.ranges:
            if rng.max_row >= first_data_row:
                self.problem(f"数据区有合并单元格 {rng.coord}：请取消合并，每个单元格单独填写",
                             ws.title, rng.min_row)

    def _check_hidden(self, ws) -> None:
        for number, dim in sorted(ws.row_dimensions.items()):
            if dim.hidden and number <= ws.max_row:
                self.problem("该行被隐藏，仍会读取；如不应参与考核请删除", ws.title, number, severity="warning")
        for letter, dim in sorted(ws.column_dimensions.items()):
            if dim.hidden:
                self.problem(f"{letter} 列被隐藏，仍会读取", ws.title, severity="warning")

    def _read_header(self, ws, spec: Sheet, data: SheetData) -> dict[int, tuple[str, str | None, Column | None]]:
        """Which column holds what, from row 1; records the headers in ``data`` and reports unknown ones."""
        index = _header_index(spec)
        columns: dict[int, tuple[str, str | None, Column | None]] = {}  # index -> (key, kind, col)
        for cell in next(ws.iter_rows(min_row=1, max_row=1), ()):
            if cell.value is None or str(cell.value).strip() == "":
                continue
            letter = get_column_letter(cell.column)
            header = str(cell.value).strip()
            col = index.get(_norm(header))
            if col is not None:
                if col.key in data.headers:
                    self.problem(f"列名重复（与 {data.letters[col.key]} 列相同）：请删除或改名其中一列",
                                 ws.title, 1, f"{letter} 列「{header}」")
                    data.refused.add(cell.column)
                    continue
                data.headers[col.key], data.letters[col.key] = header, letter
                columns[cell.column] = (col.key, col.kind, col)
            elif spec.open_columns:
                code = unicodedata.normalize("NFKC", header).strip()
                if not code.isidentifier():
                    self.problem("度量列名须为度量代码（字母、数字、下划线，如 gmv）", ws.title, 1,
                                 f"{letter} 列「{header}」")
                    data.refused.add(cell.column)
                elif code in data.extra:
                    self.problem(f"列名重复（与 {data.extra[code]} 列相同）", ws.title, 1, f"{letter} 列「{header}」")
                    data.refused.add(cell.column)
                else:
                    data.extra[code] = letter
                    columns[cell.column] = (code, None, None)
            else:
                data.unknown[cell.column] = header
        return columns

    def _report_headers(self, ws, spec: Sheet, data: SheetData, columns: dict, measure_kinds: dict[str, str]) -> None:
        """A missing required column and the unknown header that was probably meant as it: one problem, not two.

        On 月度数据 a header that is no known measure code may be the misspelled 工号.  A sheet missing a
        required column is ``incomplete``: the validator then checks it cell by cell only.
        """
        expected = "、".join(f"{c.zh}/{c.en}" for c in spec.columns)
        guesses = dict(data.unknown)
        if spec.open_columns and measure_kinds:
            guesses.update({index: key for index, (key, kind, _) in columns.items()
                            if kind is None and key not in measure_kinds})
        for col in spec.columns:
            if not col.required or col.key in data.headers:
                continue
            self.incomplete.add(spec.key)
            index = _closest(col, guesses, alone=len(guesses) == 1)
            if index is None:
                self.problem(f"缺少必填列「{col.zh}」（{col.en}）", ws.title, 1)
                continue
            header = guesses.pop(index)
            if index in columns:  # taken for a measure code
                data.extra.pop(columns.pop(index)[0], None)
            data.unknown.pop(index, None)
            data.refused.add(index)
            self.problem(f"未知列名，且本表缺少必填列「{col.zh}」（{col.en}）：是否写错了？请改为「{col.zh}」或 {col.en}"
                         f"（本表可用的列名为 {expected}）", ws.title, 1, f"{get_column_letter(index)} 列「{header}」")
        for index, header in data.unknown.items():
            data.refused.add(index)
            self.problem(f"未知列名：本表可用的列名为 {expected}", ws.title, 1, f"{get_column_letter(index)} 列「{header}」")

    def _read_table(self, ws, spec: Sheet, measure_kinds: dict[str, str]) -> SheetData:
        data = SheetData(spec, ws.title)
        columns = self._read_header(ws, spec, data)
        self._report_headers(ws, spec, data, columns, measure_kinds)
        headless: dict[int, list[int]] = {}  # a column with data but no header -> its rows
        self._check_merged(ws, 2)
        self._check_hidden(ws)
        first_key = spec.columns[0].key
        for cells in ws.iter_rows(min_row=2):
            present = [c for c in cells if c.value is not None and str(c.value).strip() != ""]
            if not present:
                continue
            number = present[0].row
            if self._looks_like_total(present):
                self.problem("这一行像是合计行：请删除，合计由 reporter 计算", ws.title, number)
                continue
            for c in present:
                if c.column not in columns and c.column not in data.refused:
                    headless.setdefault(c.column, []).append(number)
            row = Row(number, {})
            for cell in cells:
                if cell.column not in columns:
                    continue
                key, kind, col = columns[cell.column]
                if col is None:  # a measure column: parsed by the measure's declared kind
                    mkind = measure_kinds.get(key, "number")
                    low, high = MEASURE_LIMITS.get(mkind, (None, None))
                    row.extra[key] = self._parse(ws, cell, MEASURE_PARSERS.get(mkind, "decimal"), data.where(key),
                                                 low, high)
                else:
                    row.values[key] = self._parse(ws, cell, kind, data.where(key), col.low, col.high,
                                                  text_limit(spec.key, key, kind))
            for col in spec.columns:
                if col.required and col.key in data.headers and row.values.get(col.key) is None:
                    raw = ws.cell(number, ws[f"{data.letters[col.key]}1"].column).value
                    if raw is None or str(raw).strip() == "":
                        what = "有数据但没有工号" if col.key == first_key and col.kind == "id" else "必填项为空"
                        self.problem(f"{what}：请填写「{col.zh}」", ws.title, number, data.where(col.key))
            data.rows.append(row)
        for index, numbers in headless.items():
            shown = "、".join(map(str, numbers[:10])) + ("…" if len(numbers) > 10 else "")
            self.problem(f"该列有数据但没有列名（共 {len(numbers)} 行：第 {shown} 行）：请补上列名或删除数据",
                         ws.title, numbers[0], f"{get_column_letter(index)} 列")
        return data

    @staticmethod
    def _looks_like_total(present) -> bool:
        first = present[0].value
        return isinstance(first, str) and _norm(first).rstrip(":：") in _TOTAL_WORDS

    def _read_key_value(self, ws, spec: Sheet) -> SheetData:
        data = SheetData(spec, ws.title)
        index = _header_index(spec)
        values: dict[str, Any] = {}
        unknown: dict[int, str] = {}  # row -> a setting name matching none
        self._check_merged(ws, 1)
        self._check_hidden(ws)
        for cells in ws.iter_rows(min_row=1, max_col=2):
            name_cell, value_cell = cells[0], cells[1] if len(cells) > 1 else None
            if name_cell.value is None or str(name_cell.value).strip() == "":
                continue
            name = str(name_cell.value).strip()
            if _norm(name) in ("项目", "设置项", "key", "setting", "name"):
                continue  # the header row
            col = index.get(_norm(name))
            if col is None:
                unknown[name_cell.row] = name
                continue
            if col.key in values:
                self.problem(f"设置项「{name}」重复：请只保留一行", ws.title, name_cell.row, "A 列")
                continue
            data.letters[col.key], data.headers[col.key] = "B", name
            values[col.key] = None if value_cell is None else self._parse(
                ws, value_cell, col.kind, f"B 列「{name}」", col.low, col.high, text_limit(spec.key, col.key, col.kind))
            data.rows.append(Row(name_cell.row, {col.key: values[col.key]}))
        expected = "、".join(f"{c.zh}/{c.en}" for c in spec.columns)
        for col in spec.columns:
            if col.required and values.get(col.key) is None and col.key not in data.headers:
                row = _closest(col, unknown, alone=len(unknown) == 1)
                if row is None:
                    self.problem(f"缺少设置项「{col.zh}」（{col.en}）", ws.title)
                else:
                    self.problem(f"未知设置项「{unknown.pop(row)}」，且缺少设置项「{col.zh}」（{col.en}）：是否写错了？"
                                 f"请改为「{col.zh}」", ws.title, row, "A 列")
            elif col.required and values.get(col.key) is None:
                row = next(r.number for r in data.rows if col.key in r.values)
                if not any(p.sheet == ws.title and p.row == row for p in self.problems):
                    self.problem(f"设置项「{col.zh}」不能为空", ws.title, row, "B 列")
        for row, name in unknown.items():
            self.problem(f"未知设置项「{name}」：可用的设置项为 {expected}", ws.title, row, "A 列")
        return data


"""The spreadsheet's rules for comparing cells: criteria of SUMIF/COUNTIFS, MATCH, numbers joined into text.

A cell is a Decimal, a str or None (blank).  These functions do what
LibreOffice, which the parity tests recalculate with, was seen to do, and
what Excel does for every criterion reporter's rules write:

* A criterion is a value or a text such as ``">0"``, ``"<>done"`` or
  ``">"&x``: an optional leading operator (``<= >= <> < > =``), then a
  number or a text.  ``< <= > >=`` with a number compare number cells only
  (a blank is not 0 here, so ``">"&x`` never counts a blank); with a text,
  non-empty text cells only, ignoring case.  ``=`` or no operator with a number
  matches equal numbers and text cells that read like the criterion
  (``"5"`` matches 5 and "5"; a number criterion matches numbers only);
  with a text, cells equal to it ignoring case, where ``*`` and ``?`` are
  wildcards (``~`` escapes them; LibreOffice lets wildcards match numbers
  as written, Excel does not); an empty text matches blanks and empty
  text.  ``<>`` is true of every cell that the same criterion with ``=``
  would not match, blanks included.
* MATCH(x, cells, 0) compares like ``=``, with x taken as a value, never
  as an operator; MATCH(x, cells, 1) expects ascending cells.
* ``&`` writes a number with at most 15 significant digits and no trailing
  zeros (known gap: Excel switches to exponent notation for very large or
  very small numbers; criteria read both forms as the same number).
* Numbers compare exactly in Decimal; the values reporter's rules compare
  are cents, which doubles order the same way.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache

Cell = Decimal | str | None
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_OPERATORS = ("<=", ">=", "<>", "<", ">", "=")
_COMPARE = {
    "=": lambda a, b: a == b, "<>": lambda a, b: a != b, "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b, ">": lambda a, b: a > b, ">=": lambda a, b: a >= b,
}


def sig15(x: Decimal) -> Decimal:
    """x rounded to 15 significant digits, the precision Excel shows and compares."""
    if x.is_zero():
        return x
    return x.quantize(Decimal(1).scaleb(x.adjusted() - 14), ROUND_HALF_EVEN)


def fold(text: str) -> str:
    """Text as Excel compares it: case does not matter."""
    return text.lower()


def as_text(value: Decimal | str) -> str:
    """A value as Excel's ``&`` writes it: text unchanged, a number with up to 15 significant digits."""
    if isinstance(value, str):
        return value
    text = format(sig15(value).normalize(), "f")
    return "0" if text in ("-0", "0") else text


def as_number(text: str) -> Decimal | None:
    """The number a criterion's text stands for (spaces around it allowed), or None."""
    text = text.strip()
    return Decimal(text) if _NUMBER.fullmatch(text) else None


def equality_key(value: Decimal | str) -> str | None:
    """For a criterion that is plain text (no operator, wildcard or number): the key
    that matching cells share, ``fold(cell) == key``; None for any other criterion."""
    if not isinstance(value, str) or not value or value[0] in "<>=" or any(c in value for c in "*?~"):
        return None
    return None if as_number(value) is not None else fold(value)


@lru_cache(maxsize=256)
def _pattern(text: str) -> re.Pattern[str]:
    """Excel wildcards as a regular expression: ``*`` any text, ``?`` one character, ``~`` escapes."""
    parts, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "~" and i + 1 < len(text):
            parts.append(re.escape(text[i + 1]))
            i += 2
            continue
        parts.append(".*" if c == "*" else "." if c == "?" else re.escape(c))
        i += 1
    return re.compile("".join(parts), re.DOTALL)


def text_equals(pattern: str) -> Callable[[Cell], bool]:
    """Whether a cell is text equal to ``pattern``, ignoring case, with wildcards."""
    folded = fold(pattern)
    if not any(c in folded for c in "*?~"):
        return lambda cell: isinstance(cell, str) and (cell == pattern or fold(cell) == folded)
    regex = _pattern(folded)

    def test(cell: Cell) -> bool:
        text = as_text(cell) if isinstance(cell, Decimal) else cell
        return bool(text) and regex.fullmatch(fold(text)) is not None

    return test


def parse(value: Decimal | str) -> tuple[str, Decimal | str, str]:
    """A criterion as (operator, operand, operand as written): ``">85.50"`` is (">", Decimal("85.50"), "85.50")."""
    if isinstance(value, Decimal):
        return "", value, ""
    op = next((o for o in _OPERATORS if value.startswith(o)), "")
    rest = value[len(op):]
    number = as_number(rest)
    return op, number if number is not None else rest, rest


def criterion(value: Decimal | str) -> Callable[[Cell], bool]:
    """The test a SUMIF/COUNTIFS criterion applies to each cell."""
    op, operand, written = parse(value)
    if op == "<>":
        test = criterion("=" + written)
        return lambda cell: not test(cell)
    if isinstance(operand, Decimal):
        compare = _COMPARE[op or "="]
        if op in ("", "=") and written:  # "5" also matches the text "5"
            same_text = text_equals(written)
            return lambda cell: same_text(cell) if isinstance(cell, str) else cell is not None and cell == operand
        return lambda cell: isinstance(cell, Decimal) and compare(cell, operand)
    if op in ("", "="):
        return text_equals(operand) if operand else lambda cell: cell is None or cell == ""
    compare, folded = _COMPARE[op], fold(operand)
    return lambda cell: isinstance(cell, str) and cell != "" and compare(fold(cell), folded)


class Column(tuple):
    """A column of cells, checked once so that many evaluations can share it: Decimal, text or None (blank).

    It remembers which rows meet an equality criterion and keeps its numbers
    sorted, so that COUNTIFS over a column of n cells, evaluated once per
    row as a rank is, costs n log n in all rather than n².
    """

    def __new__(cls, cells: Iterable[object] = ()):
        if isinstance(cells, str | bytes):
            raise TypeError(f"{cells!r} is one value, not a column")
        return super().__new__(cls, (_cell(cell) for cell in cells))

    def rows(self, value: Decimal | str) -> frozenset[int] | None:
        """Rows meeting the criterion, or None for all of them."""
        op, operand, _ = parse(value)
        if isinstance(operand, Decimal) and op in ("<", "<=", ">", ">="):
            numbers, rows = self._sorted()
            low, high = _bounds(numbers, op, operand)
            return None if high - low == len(self) else frozenset(rows[low:high])
        cache = self.__dict__.setdefault("_rows", {})
        key = (type(value), value)
        if key not in cache:
            if len(cache) > 256:
                cache.clear()
            test = criterion(value)
            matched = frozenset(i for i, cell in enumerate(self) if test(cell))
            cache[key] = None if len(matched) == len(self) else matched
        return cache[key]

    def count_matching(self, value: Decimal | str) -> int:
        """How many cells meet the criterion."""
        op, operand, _ = parse(value)
        if isinstance(operand, Decimal) and op in ("<", "<=", ">", ">="):
            low, high = _bounds(self._sorted()[0], op, operand)
            return high - low
        matched = self.rows(value)
        return len(self) if matched is None else len(matched)

    def _sorted(self) -> tuple[list[Decimal], list[int]]:
        """The numbers in ascending order, and the row of each."""
        if "_numbers" not in self.__dict__:
            pairs = sorted((cell, i) for i, cell in enumerate(self) if isinstance(cell, Decimal))
            self.__dict__["_numbers"] = ([v for v, _ in pairs], [i for _, i in pairs])
        return self.__dict__["_numbers"]


def _bounds(numbers: list[Decimal], op: str, operand: Decimal) -> tuple[int, int]:
    """The slice of sorted ``numbers`` that ``op operand`` keeps."""
    if op in (">", ">="):
        return (bisect_right if op == ">" else bisect_left)(numbers, operand), len(numbers)
    return 0, (bisect_left if op == "<" else bisect_right)(numbers, operand)


def _cell(value: object) -> Cell:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float):
        raise TypeError(f"not a number or text: {value!r}")
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if not number.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return number


def count_ifs(pairs: Sequence[tuple[Column, Decimal | str]]) -> int:
    """COUNTIFS: rows where every column meets its criterion (columns of equal length)."""
    rows: frozenset[int] | None = None  # None: every row so far
    compared = []  # number comparisons go last: one alone over every row is a binary search
    for cells, value in pairs:
        op, operand, _ = parse(value)
        if isinstance(operand, Decimal) and op in ("<", "<=", ">", ">="):
            compared.append((cells, value))
            continue
        matched = cells.rows(value)
        rows = matched if rows is None else rows if matched is None else rows & matched
    if rows is None and len(compared) == 1:
        return compared[0][0].count_matching(compared[0][1])
    for cells, value in compared:
        matched = cells.rows(value)
        rows = matched if rows is None else rows if matched is None else rows & matched
    return len(pairs[0][0]) if rows is None else len(rows)


def sum_if(cells: Sequence[Cell], value: Decimal | str) -> Decimal:
    """SUMIF: the numbers among ``cells`` that meet the criterion."""
    test = criterion(value)
    return sum((c for c in cells if isinstance(c, Decimal) and test(c)), Decimal(0))


def match(value: Decimal | str, cells: Sequence[Cell], match_type: int) -> int | None:
    """MATCH: 1-based position, or None (Excel's #N/A).

    Type 0 finds the first cell equal to ``value`` (text: ignoring case, with
    wildcards; a text that reads as a number also finds that number, as in
    LibreOffice).  Type 1 finds the last cell ≤ ``value`` of an ascending run
    of cells of the same kind (number or text), as Excel's binary search does
    on the ascending ranges it requires.
    """
    if match_type == 0:
        number = as_number(value) if isinstance(value, str) else value
        same_text = text_equals(value) if isinstance(value, str) else lambda c: False
        test = lambda c: same_text(c) or (number is not None and isinstance(c, Decimal) and c == number)  # noqa: E731
        return next((i + 1 for i, c in enumerate(cells) if test(c)), None)
    found, key = None, fold(value) if isinstance(value, str) else value
    for i, c in enumerate(cells):
        if isinstance(c, str) != isinstance(value, str) or c is None:
            continue
        if (fold(c) if isinstance(c, str) else c) > key:
            break
        found = i + 1
    return found

"""Excel's rules for comparing cells: criteria of SUMIF/COUNTIFS, MATCH, and numbers joined into text.

A cell is a Decimal, a str or None (blank).  What Excel does, and so what
these functions do:

* A criterion is a value or a text such as ``">0"``, ``"<>done"`` or
  ``">"&x``: an optional leading operator (``<= >= <> < > =``), then a
  number or a text.  A number compares with number cells only (a blank is not
  0 here, so ``">"&x`` never counts a blank); text compares with text cells,
  ignoring case, and ``=`` / no operator understand the wildcards ``*`` and
  ``?`` (``~`` escapes them).  ``<>`` is true of every cell that the same
  criterion with ``=`` would not match, blanks included.  An empty criterion
  matches blank cells.
* ``&`` writes a number with at most 15 significant digits and no trailing
  zeros (known gap: Excel switches to exponent notation for very large or
  very small numbers; criteria read both forms as the same number).
* Numbers compare exactly in Decimal; the values reporter's rules compare
  are cents, which doubles order the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
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
    """The number a criterion's text stands for, or None."""
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
    return lambda cell: isinstance(cell, str) and regex.fullmatch(fold(cell)) is not None


def criterion(value: Decimal | str) -> Callable[[Cell], bool]:
    """The test a SUMIF/COUNTIFS criterion applies to each cell."""
    if isinstance(value, Decimal):
        op, operand = "=", value
    else:
        op = next((o for o in _OPERATORS if value.startswith(o)), "")
        rest = value[len(op):]
        number = as_number(rest)
        operand = number if number is not None else rest
    if op == "<>":
        test = criterion("=" + as_text(operand))
        return lambda cell: not test(cell)
    if isinstance(operand, Decimal):
        compare = _COMPARE[op or "="]
        return lambda cell: isinstance(cell, Decimal) and compare(cell, operand)
    if op in ("", "="):
        if not operand:
            return (lambda cell: cell is None or cell == "") if not op else (lambda cell: cell is None)
        return text_equals(operand)
    compare, folded = _COMPARE[op], fold(operand)
    return lambda cell: isinstance(cell, str) and compare(fold(cell), folded)


def count_ifs(pairs: Sequence[tuple[Sequence[Cell], Decimal | str]]) -> int:
    """COUNTIFS: rows where every column meets its criterion (columns of equal length)."""
    rows = range(len(pairs[0][0]))
    for cells, value in pairs:
        test = criterion(value)
        rows = [i for i in rows if test(cells[i])]
    return len(rows)


def sum_if(cells: Sequence[Cell], value: Decimal | str) -> Decimal:
    """SUMIF: the numbers among ``cells`` that meet the criterion."""
    test = criterion(value)
    return sum((c for c in cells if isinstance(c, Decimal) and test(c)), Decimal(0))


def match(value: Decimal | str, cells: Sequence[Cell], match_type: int) -> int | None:
    """MATCH: 1-based position, or None (Excel's #N/A).

    Type 0 finds the first cell equal to ``value`` (text: ignoring case, with
    wildcards).  Type 1 finds the last cell ≤ ``value`` of an ascending run
    of cells of the same kind (number or text), as Excel's binary search does
    on the ascending ranges it requires.
    """
    if match_type == 0:
        test = text_equals(value) if isinstance(value, str) else lambda c: isinstance(c, Decimal) and c == value
        return next((i + 1 for i, c in enumerate(cells) if test(c)), None)
    found, key = None, fold(value) if isinstance(value, str) else value
    for i, c in enumerate(cells):
        if isinstance(c, str) != isinstance(value, str) or c is None:
            continue
        if (fold(c) if isinstance(c, str) else c) > key:
            break
        found = i + 1
    return found

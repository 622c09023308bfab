"""Exact evaluation of a parsed formula tree, in Decimal, with Excel's semantics."""

from __future__ import annotations

import operator
from decimal import ROUND_HALF_UP, Decimal

from reporter.formula import criteria
from reporter.formula.criteria import Cell, sig15
from reporter.formula.syntax import FormulaError

_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "=": operator.eq, "<>": operator.ne,
              "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


def excel_round(x: Decimal, digits: int) -> Decimal:
    """Excel's ROUND: half away from zero, applied to the 15-digit value."""
    x = sig15(x)
    if x.is_zero() or x.as_tuple().exponent >= -digits:
        return x
    if -digits > x.adjusted() + 1:
        return Decimal(0)
    result = x.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return result.quantize(Decimal(1)) if digits < 0 and result.adjusted() < 30 else result


class Evaluator:
    """Evaluates one tree over ``env`` (names → Decimal or text, column names → tuples of cells)."""

    def __init__(self, text: str, env: dict, zeros: list[str] | None):
        self.text, self.env, self.zeros = text, env, zeros

    def number(self, node: tuple) -> Decimal:
        return self.checked(self.eval(node))

    def checked(self, value: Decimal | str) -> Decimal:
        if isinstance(value, str):
            raise FormulaError(f'文本 "{value}" 不能参与计算', self.text)
        return value

    def eval(self, node: tuple) -> Decimal | str:
        # one stack frame per tree level: a 1000-character chain of "+" must not overflow
        kind = node[0]
        if kind in ("num", "str"):
            return node[1]
        if kind == "name":
            return self.env[node[1]]
        if kind == "neg":
            return -self.checked(self.eval(node[1]))
        if kind == "cat":
            return criteria.as_text(self.eval(node[1])) + criteria.as_text(self.eval(node[2]))
        if kind == "cmp":
            a, b = self.checked(self.eval(node[2])), self.checked(self.eval(node[3]))
            return Decimal(_OPERATORS[node[1]](sig15(a), sig15(b)))
        if kind != "bin":
            return self.call(node[1], node[2])
        _, op, left, right, source = node
        a, b = self.checked(self.eval(left)), self.checked(self.eval(right))
        if op != "/":
            return _OPERATORS[op](a, b)
        if b.is_zero():
            if self.zeros is not None:
                self.zeros.append(source.strip())
            return Decimal(0)
        return a / b

    def call(self, fname: str, args: tuple) -> Decimal | str:
        if fname == "IF":
            return self.eval(args[1] if self.eval(args[0]) else args[2])
        if fname == "ROUND":
            return excel_round(self.number(args[0]), args[1])
        if fname == "IFERROR":
            return self.eval(args[0])
        if fname in ("MATCH", "INDEX", "SUMIF", "COUNTIFS"):
            return self.range_call(fname, args)
        results = [self.number(arg) for arg in args]
        if fname == "ABS":
            return abs(results[0])
        return min(results) if fname == "MIN" else max(results)

    def column(self, node: tuple) -> tuple[Cell, ...]:
        return self.env[node[1]]

    def range_call(self, fname: str, args: tuple) -> Decimal | str:
        if fname == "MATCH":
            position = criteria.match(self.eval(args[0]), self.column(args[1]), args[2])
            if position is None:
                raise FormulaError(f"MATCH 在 {args[1][1]} 中找不到 {self.eval(args[0])}（Excel 为 #N/A）", self.text)
            return Decimal(position)
        if fname == "INDEX":
            cells, position = self.column(args[0]), int(self.number(args[1]))  # Excel truncates
            if not 1 <= position <= len(cells):
                raise FormulaError(f"INDEX 的位置 {position} 超出 {args[0][1]} 的范围（Excel 为 #REF!）", self.text)
            cell = cells[position - 1]
            return Decimal(0) if cell is None else cell
        if fname == "SUMIF":
            return criteria.sum_if(self.column(args[0]), self.eval(args[1]))
        pairs = [(self.column(args[i]), self.eval(args[i + 1])) for i in range(0, len(args), 2)]
        if len({len(cells) for cells, _ in pairs}) > 1:
            raise FormulaError("COUNTIFS 的各列长度须相同（Excel 为 #VALUE!）", self.text)
        return Decimal(criteria.count_ifs(pairs))

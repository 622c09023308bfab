"""Tokenizer and recursive-descent parser: formula text → a small tuple tree.

Tree nodes: ``("num", Decimal)``, ``("str", text)``, ``("name", name, pos)``,
``("range", name, pos)`` (a name standing for a column of values),
``("neg", x)``, ``("bin", op, left, right, source)``, ``("cmp", op, left,
right)``, ``("cat", left, right)`` (Excel's ``&``) and ``("call", FNAME,
args)``, where ROUND's digit count and MATCH's match type are plain ints.
"""

from __future__ import annotations

import re
from decimal import Decimal

from reporter.errors import ReporterError

MAX_LENGTH = 1000
MAX_DEPTH = 50
FUNCTIONS = {"MIN": (1, None), "MAX": (1, None), "IF": (3, 3), "ABS": (1, 1), "ROUND": (2, 2), "IFERROR": (2, 2)}
# Functions over columns, for the rules reporter defines itself (grade bands, ranks, sums), not for HR's KPIs.
RANGE_FUNCTIONS = {"MATCH": (3, 3), "INDEX": (2, 2), "SUMIF": (2, 2), "COUNTIFS": (2, None)}
MATCH_TYPES = (0, 1)
COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(%?)")
_OPERATOR = re.compile(r"==|!=|<>|<=|>=|[-+*/=<>(),&]")
_STRING = re.compile(r'"((?:[^"]|"")*)"')
_EXPECT_OPERAND = "缺少数值或度量名称"


class FormulaError(ReporterError):
    """Syntax or name error; ``position`` is the 0-based index in ``text`` (or None)."""

    def __init__(self, message: str, text: str, position: int | None = None):
        self.message, self.text, self.position = message, text, position
        if position is None:
            where = f'公式 "{_excerpt(text, 0)}"'
        else:
            where = f'公式 "{_excerpt(text, position)}" 第 {position + 1} 个字符处'
        super().__init__(f"{where}: {message}")


def _excerpt(text: str, position: int, width: int = 30) -> str:
    """The whole formula if short, else a window around the faulty character."""
    if len(text) <= 2 * width:
        return text
    start = max(0, position - width)
    end = min(len(text), position + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")


def range_argument(fname: str, index: int) -> bool:
    """Whether argument ``index`` of ``fname`` is a column (a range in Excel)."""
    return {"MATCH": index == 1, "INDEX": index == 0, "SUMIF": index == 0, "COUNTIFS": index % 2 == 0}.get(fname, False)


def tokenize(text: str, rules: bool = False) -> list[tuple[str, object, int, int]]:
    """Tokens as (kind, value, start, end); kinds: num, str, name, op, (, ), ",", end.

    Text literals and ``&`` exist only in rule formulas (``rules``); in a KPI
    formula they are unknown characters, as before.
    """
    tokens: list[tuple[str, object, int, int]] = []
    i, n = 0, len(text)
    while i < n:
        c, start = text[i], i
        if c.isspace():
            i += 1
        elif number := _NUMBER.match(text, i):
            value, i = Decimal(number[1]), number.end()
            if number[2]:  # exact /100, independent of any context precision
                sign, digits, exponent = value.as_tuple()
                value = Decimal((sign, digits, exponent - 2))
            tokens.append(("num", value, start, i))
        elif c.isidentifier():
            while i < n and ("_" + text[i]).isidentifier():
                i += 1
            tokens.append(("name", text[start:i], start, i))
        elif rules and c == '"':
            if not (string := _STRING.match(text, i)):
                raise FormulaError('这个 """ 缺少对应的 """', text, i)
            i = string.end()
            tokens.append(("str", string[1].replace('""', '"'), start, i))
        elif (op := _OPERATOR.match(text, i)) and (rules or op[0] != "&"):
            if op[0] in ("==", "!="):
                hint = '相等请写 "="' if c == "=" else '不等请写 "<>"'
                raise FormulaError(f'不支持 "{op[0]}"，{hint}（与 Excel 相同）', text, i)
            i = op.end()
            tokens.append(("op" if op[0] not in "()," else op[0], op[0], start, i))
        elif c == "%":
            raise FormulaError('"%" 只能紧跟在数字后面，例如 120%', text, i)
        else:
            raise FormulaError(f'无法识别的字符 "{c}"', text, i)
    tokens.append(("end", None, n, n))
    return tokens


class Parser:
    """Recursive descent: [concat := expr (& expr)*,] expr := term (+|- term)*, term := unary (*|/ unary)*."""

    def __init__(self, text: str, rules: bool = False):
        self.text, self.rules = text, rules
        self.tokens = tokenize(text, rules)
        self.i = 0
        self.depth = 0
        self.names: set[str] = set()
        self.ranges: set[str] = set()

    def error(self, message: str, position: int | None) -> FormulaError:
        return FormulaError(message, self.text, position)

    @property
    def tok(self) -> tuple[str, object, int, int]:
        return self.tokens[self.i]

    def take(self) -> tuple[str, object, int, int]:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def enter(self, position: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"嵌套层数过多（最多 {MAX_DEPTH} 层）", position)

    def unexpected(self, wanted: str) -> FormulaError:
        """The error for a token that cannot stand where it is."""
        kind, value, pos, _ = self.tok
        if kind == "op" and value in COMPARISONS:
            return self.error("比较只能用作 IF 的条件，例如 IF(uv = 0, 0, bounce / uv)", pos)
        if kind == ")":
            return self.error('多余的 ")"', pos)
        if kind == ",":
            return self.error("逗号只能分隔函数的参数（数字不要写千位分隔符）", pos)
        return self.error(wanted, pos)

    def parse(self) -> tuple:
        if self.tok[0] == "end":
            raise self.error("公式为空", None)
        node = self.value()
        if self.tok[0] != "end":
            raise self.unexpected("这里缺少运算符")
        both = self.names & self.ranges
        if both:
            raise self.error(f'"{sorted(both)[0]}" 不能既是一列数据又是单个数值', None)
        return node

    def value(self) -> tuple:
        """An expression, joined by ``&`` into text in rule formulas."""
        node = self.expr()
        while self.tok[0] == "op" and self.tok[1] == "&":
            self.take()
            node = ("cat", node, self.expr())
        return node

    def expr(self) -> tuple:
        node = self.term()
        while self.tok[0] == "op" and self.tok[1] in "+-":
            op = self.take()[1]
            node = ("bin", op, node, self.term(), "")
        return node

    def term(self) -> tuple:
        node = self.unary()
        while self.tok[0] == "op" and self.tok[1] in "*/":
            op = self.take()[1]
            start = self.tok[2]
            right = self.unary()
            node = ("bin", op, node, right, self.text[start:self.tokens[self.i - 1][3]])
        return node

    def unary(self) -> tuple:
        kind, value, pos, _ = self.tok
        if kind == "op" and value in "+-":
            self.take()
            self.enter(pos)
            operand = self.unary()
            self.depth -= 1
            return operand if value == "+" else ("neg", operand)
        return self.primary()

    def primary(self) -> tuple:
        kind, value, pos, _ = self.take()
        if kind == "num":
            return ("num", value)
        if kind == "str":
            return ("str", value)
        if kind == "name" and self.tok[0] == "(":
            return self.call(str(value), pos)
        if kind == "name":
            self.names.add(str(value))
            return ("name", value, pos)
        if kind == "(":
            self.enter(pos)
            node = self.value()
            if self.tok[0] != ")":
                if self.tok[0] == "end":
                    raise self.error('这个 "(" 缺少对应的 ")"', pos)
                raise self.unexpected('这里缺少 ")" 或运算符')
            self.take()
            self.depth -= 1
            return node
        prefix = "公式不完整：" if kind == "end" else ""
        raise self.error(prefix + _EXPECT_OPERAND, pos)

    def call(self, name: str, pos: int) -> tuple:
        fname = name.upper()
        if fname in RANGE_FUNCTIONS and not self.rules:
            raise self.error(f'函数 "{name}" 只用于系统内置的等级、排名等规则，指标公式中不能使用'
                             f'（可用：{"、".join(FUNCTIONS)}）', pos)
        if fname not in FUNCTIONS and fname not in RANGE_FUNCTIONS:
            known = [*FUNCTIONS, *RANGE_FUNCTIONS] if self.rules else FUNCTIONS
            raise self.error(f'未知函数 "{name}"（可用：{"、".join(known)}）', pos)
        self.enter(pos)
        open_pos = self.take()[2]
        args: list = []
        if self.tok[0] != ")":
            while True:
                args.append(self.argument(fname, len(args)))
                if self.tok[0] != ",":
                    break
                self.take()
        if self.tok[0] != ")":
            if self.tok[0] == "end":
                raise self.error(f'{fname} 的 "(" 缺少对应的 ")"', open_pos)
            raise self.unexpected('这里缺少 "," 或 ")"')
        self.take()
        self.depth -= 1
        low, high = FUNCTIONS.get(fname) or RANGE_FUNCTIONS[fname]
        if len(args) < low or (high is not None and len(args) > high):
            count = f"至少 {low}" if high is None else str(low)
            raise self.error(f"{fname} 需要 {count} 个参数，这里有 {len(args)} 个", pos)
        if fname == "COUNTIFS" and len(args) % 2:
            raise self.error("COUNTIFS 的参数须成对：一列数据，一个条件", pos)
        return ("call", fname, tuple(args))

    def argument(self, fname: str, index: int):
        """One argument: a column name, a literal integer or an expression, as the function wants."""
        kind, value, pos, _ = self.tok
        if range_argument(fname, index):
            if kind != "name" or self.tokens[self.i + 1][0] not in (",", ")"):
                raise self.error(f"{fname} 的第 {index + 1} 个参数须是一列数据的名称", pos)
            self.take()
            self.ranges.add(str(value))
            return ("range", value, pos)
        if fname == "IF" and index == 0:
            return self.condition()
        node = self.value() if self.rules else self.expr()
        if fname == "ROUND" and index == 1:
            return self.literal_int(node, pos, range(-100, 101), "ROUND 的第二个参数必须是整数，例如 2 或 -1")
        if fname == "MATCH" and index == 2:
            return self.literal_int(node, pos, MATCH_TYPES, "MATCH 的第三个参数须是 0（精确匹配）或 1（升序区间查找）")
        return node

    def condition(self) -> tuple:
        left = self.expr()
        kind, op, pos, _ = self.tok
        if kind != "op" or op not in COMPARISONS:
            raise self.error("IF 的第一个参数必须是比较，例如 IF(uv = 0, 0, bounce / uv)", pos)
        self.take()
        return ("cmp", op, left, self.expr())

    def literal_int(self, node: tuple, pos: int, allowed, message: str) -> int:
        """An integer literal, optionally negated, from ``allowed``."""
        sign, inner = (-1, node[1]) if node[0] == "neg" else (1, node)
        if inner[0] != "num" or inner[1] != inner[1].to_integral_value() or sign * int(inner[1]) not in allowed:
            raise self.error(message, pos)
        return sign * int(inner[1])

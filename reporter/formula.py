"""A tiny, safe expression language for KPI formulas that HR writes as data.

One parsed formula yields both an exact value (:meth:`Formula.evaluate`, in
Decimal) and the equivalent Excel formula text (:meth:`Formula.to_excel`), so
the number in a generated document and the live formula in the workbook are
the same thing.  Input is never handed to ``eval``: a tokenizer and a
recursive-descent parser build a small tuple tree.

Language: numbers (``12``, ``0.5``, ``.5``, ``120%`` = 1.2; no thousands
separators, no exponents), names (Unicode identifiers, case-sensitive),
unary ``+ -``, binary ``+ - * /``, parentheses and the case-insensitive
functions MIN, MAX, ABS, ROUND(x, n) with an integer literal n,
IFERROR(x, fallback) and IF(condition, a, b), whose condition - and only
that - is a comparison ``= <> < <= > >=``.  The text is NFKC-normalised first
(full-width ``（＋）`` become ASCII); ``Formula.text`` and error positions
refer to that normalised text.

Semantics, the same in both languages:

* Arithmetic is Decimal with 34 significant digits.
* ``a / b`` is 0 when b is 0 (Excel: ``IF((b)=0,0,(a)/(b))``), so #DIV/0!
  never reaches a document; ``evaluate`` can report such divisors to HR.
  A non-zero number literal divisor needs no guard.  Known gap: a computed
  divisor that is exactly 0 in Decimal may be a tiny double in Excel
  (0.1+0.2-0.3), where the guard does not fire.
* Excel computes in doubles with 15 significant digits.  To agree to the cent,
  ROUND first rounds x to 15 significant digits and then rounds half away
  from zero (Excel's rule), and IF compares both sides at 15 digits.
* IF evaluates only the chosen branch.  IFERROR(x, y) is x in Python (there
  are no error values here) but is kept in Excel, where a hand-edited cell
  may hold text.
* Excel text wraps every operand of a binary operator in parentheses (except
  numbers and function calls), so Excel precedence cannot change the meaning.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, DecimalException, localcontext

from reporter.errors import ReporterError

MAX_LENGTH = 1000
MAX_DEPTH = 50
EXCEL_MAX_LENGTH = 8192  # Excel's limit on the length of a formula
FUNCTIONS = {"MIN": (1, None), "MAX": (1, None), "IF": (3, 3), "ABS": (1, 1), "ROUND": (2, 2), "IFERROR": (2, 2)}
COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")
_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]*)?|\.[0-9]+)(%?)")
_OPERATOR = re.compile(r"==|!=|<>|<=|>=|[-+*/=<>(),]")
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


def _tokenize(text: str) -> list[tuple[str, object, int, int]]:
    """Tokens as (kind, value, start, end); kinds: num, name, op, (, ), ",", end."""
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
        elif op := _OPERATOR.match(text, i):
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


class _Parser:
    """Recursive descent: expr := term (+|- term)*, term := unary (*|/ unary)*."""

    def __init__(self, text: str):
        self.text = text
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0
        self.names: set[str] = set()

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
        node = self.expr()
        if self.tok[0] != "end":
            raise self.unexpected("这里缺少运算符")
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
        if kind == "name" and self.tok[0] == "(":
            return self.call(str(value), pos)
        if kind == "name":
            self.names.add(str(value))
            return ("name", value, pos)
        if kind == "(":
            self.enter(pos)
            node = self.expr()
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
        if fname not in FUNCTIONS:
            raise self.error(f'未知函数 "{name}"（可用：{"、".join(FUNCTIONS)}）', pos)
        self.enter(pos)
        open_pos = self.take()[2]
        args: list = []
        if self.tok[0] != ")":
            while True:
                arg_pos = self.tok[2]
                args.append(self.condition() if fname == "IF" and not args else self.expr())
                if fname == "ROUND" and len(args) == 2:
                    args[1] = self.round_digits(args[1], arg_pos)
                if self.tok[0] != ",":
                    break
                self.take()
        if self.tok[0] != ")":
            if self.tok[0] == "end":
                raise self.error(f'{fname} 的 "(" 缺少对应的 ")"', open_pos)
            raise self.unexpected('这里缺少 "," 或 ")"')
        self.take()
        self.depth -= 1
        low, high = FUNCTIONS[fname]
        if len(args) < low or (high is not None and len(args) > high):
            count = f"至少 {low}" if high is None else str(low)
            raise self.error(f"{fname} 需要 {count} 个参数，这里有 {len(args)} 个", pos)
        return ("call", fname, tuple(args))

    def condition(self) -> tuple:
        left = self.expr()
        kind, op, pos, _ = self.tok
        if kind != "op" or op not in COMPARISONS:
            raise self.error("IF 的第一个参数必须是比较，例如 IF(uv = 0, 0, bounce / uv)", pos)
        self.take()
        return ("cmp", op, left, self.expr())

    def round_digits(self, node: tuple, pos: int) -> int:
        """ROUND's digit count must be an integer literal, optionally negated."""
        sign, inner = (-1, node[1]) if node[0] == "neg" else (1, node)
        if inner[0] != "num" or inner[1] != inner[1].to_integral_value() or abs(inner[1]) > 100:
            raise self.error("ROUND 的第二个参数必须是整数，例如 2 或 -1", pos)
        return sign * int(inner[1])


def _sig15(x: Decimal) -> Decimal:
    """x rounded to 15 significant digits, the precision Excel shows and compares."""
    if x.is_zero():
        return x
    return x.quantize(Decimal(1).scaleb(x.adjusted() - 14), ROUND_HALF_EVEN)


def _round(x: Decimal, digits: int) -> Decimal:
    """Excel's ROUND: half away from zero, applied to the 15-digit value."""
    x = _sig15(x)
    if x.is_zero() or x.as_tuple().exponent >= -digits:
        return x
    if -digits > x.adjusted() + 1:
        return Decimal(0)
    result = x.quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return result.quantize(Decimal(1)) if digits < 0 and result.adjusted() < 30 else result


_OPERATORS = {"+": operator.add, "-": operator.sub, "*": operator.mul, "=": operator.eq, "<>": operator.ne,
              "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}


@dataclass(frozen=True)
class Formula:
    """A parsed formula: evaluate it exactly, or translate it to Excel text."""

    text: str
    names: frozenset[str]
    _tree: tuple = field(repr=False, compare=False, default=())

    def evaluate(self, values: Mapping[str, Decimal], zero_divisions: list[str] | None = None) -> Decimal:
        """The exact value; divisors that were zero are appended to ``zero_divisions``."""
        missing = sorted(self.names - set(values))
        if missing:
            raise FormulaError("缺少度量 " + "、".join(f'"{m}"' for m in missing) + " 的值", self.text)
        env = {}
        for name in self.names:
            value = values[name]
            try:
                env[name] = value if isinstance(value, Decimal) else Decimal(str(value))
            except DecimalException:
                env[name] = Decimal("NaN")
            if not env[name].is_finite():
                raise FormulaError(f'度量 "{name}" 的值不是数字: {value!r}', self.text)
        try:
            with localcontext() as ctx:
                ctx.prec, ctx.rounding = 34, ROUND_HALF_EVEN
                return self._eval(self._tree, env, zero_divisions) + 0  # + 0 turns -0 into 0
        except DecimalException as exc:
            raise FormulaError(f"计算失败（数值超出范围或不是数字）: {type(exc).__name__}", self.text) from None

    def _eval(self, node: tuple, env: dict[str, Decimal], zeros: list[str] | None) -> Decimal:
        kind = node[0]
        if kind == "num":
            return node[1]
        if kind == "name":
            return env[node[1]]
        if kind == "neg":
            return -self._eval(node[1], env, zeros)
        if kind == "bin":
            _, op, left, right, source = node
            a, b = self._eval(left, env, zeros), self._eval(right, env, zeros)
            if op != "/":
                return _OPERATORS[op](a, b)
            if b.is_zero():
                if zeros is not None:
                    zeros.append(source.strip())
                return Decimal(0)
            return a / b
        if kind == "cmp":
            a, b = _sig15(self._eval(node[2], env, zeros)), _sig15(self._eval(node[3], env, zeros))
            return Decimal(_OPERATORS[node[1]](a, b))
        fname, args = node[1], node[2]
        if fname == "IF":
            chosen = args[1] if self._eval(args[0], env, zeros) else args[2]
            return self._eval(chosen, env, zeros)
        if fname == "ROUND":
            return _round(self._eval(args[0], env, zeros), args[1])
        if fname == "IFERROR":
            return self._eval(args[0], env, zeros)
        results = [self._eval(arg, env, zeros) for arg in args]
        if fname == "ABS":
            return abs(results[0])
        return min(results) if fname == "MIN" else max(results)

    def to_excel(self, refs: Mapping[str, str]) -> str:
        """Excel formula text without the leading "=", names replaced by ``refs``."""
        return self._excel(self._tree, refs)

    def _excel(self, node: tuple, refs: Mapping[str, str]) -> str:
        kind = node[0]
        if kind == "num":
            out = format(node[1], "f")
        elif kind == "name":
            if node[1] not in refs:
                raise FormulaError(f'没有度量 "{node[1]}" 的单元格引用', self.text, node[2])
            out = refs[node[1]]
        elif kind == "neg":
            out = f"-({self._excel(node[1], refs)})"
        elif kind in ("bin", "cmp"):
            # one stack frame per tree level: a 1000-character chain of "+" must not overflow
            op, left, right = node[1], self._excel(node[2], refs), self._excel(node[3], refs)
            left, right = _wrap(node[2], left), _wrap(node[3], right)
            if op != "/":
                out = f"{left}{op}{right}"
            elif not _guarded(node):
                out = f"{left}/{right}"  # a non-zero literal divisor needs no guard
            else:
                out = f"IF({right}=0,0,{left}/{right})"
        else:
            fname, args = node[1], node[2]
            parts = [self._excel(arg, refs) if isinstance(arg, tuple) else str(arg) for arg in args]
            out = f"{fname}({','.join(parts)})"
        if len(out) > EXCEL_MAX_LENGTH:
            raise FormulaError(f"转换成的 Excel 公式超过 {EXCEL_MAX_LENGTH} 个字符的上限", self.text)
        return out


def _wrap(node: tuple, text: str) -> str:
    """Parenthesise an operand unless it is a number or a function call."""
    return text if node[0] in ("num", "call") or _guarded(node) else f"({text})"


def _guarded(node: tuple) -> bool:
    """Whether a division needs (and so is wrapped in) Excel's IF(divisor=0,0,...)."""
    return node[0] == "bin" and node[1] == "/" and not (node[3][0] == "num" and not node[3][1].is_zero())


def parse_formula(text: str) -> Formula:
    """Parse HR's formula text; raises :class:`FormulaError` pointing at the fault."""
    if len(text) <= MAX_LENGTH:  # checked before normalising too: never work on huge input
        text = unicodedata.normalize("NFKC", text)
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式太长（最多 {MAX_LENGTH} 个字符）", text, MAX_LENGTH)
    parser = _Parser(text)
    tree = parser.parse()
    return Formula(text, frozenset(parser.names), tree)

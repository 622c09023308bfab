"""A tiny, safe expression language for KPI formulas that HR writes as data, and for reporter's own rules.

One parsed formula yields both an exact value (:meth:`Formula.evaluate`, in
Decimal) and the equivalent Excel formula text (:meth:`Formula.to_excel`), so
the number in a generated document and the live formula in the workbook are
the same thing.  Input is never handed to ``eval``: a tokenizer and a
recursive-descent parser (:mod:`.syntax`) build a small tuple tree, which
:mod:`.evaluate` computes and :mod:`.excel` translates.

Language: numbers (``12``, ``0.5``, ``.5``, ``120%`` = 1.2; no thousands
separators, no exponents), names (Unicode identifiers, case-sensitive),
unary ``+ -``, binary ``+ - * /``, parentheses and the case-insensitive
functions MIN, MAX, ABS, ROUND(x, n) with an integer literal n,
IFERROR(x, fallback) and IF(condition, a, b), whose condition - and only
that - is a comparison ``= <> < <= > >=``.  The text is NFKC-normalised first
(full-width ``（＋）`` become ASCII); ``Formula.text`` and error positions
refer to that normalised text.

Rule formulas (``parse_formula(text, rules=True)``, for the grade lookup,
ranks and sums that reporter defines itself, never for HR's KPIs) add
columns and text: a name in a column position stands for a sequence of
cells (a range in Excel), text literals ``"..."`` and Excel's ``&`` join
text, and MATCH(x, column, 0|1), INDEX(column, n), SUMIF(column,
criterion) and COUNTIFS(column, criterion, ...) behave as in Excel (see
:mod:`.criteria`).  Values may then be text, as Excel's are.

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
  may hold text.  Where Excel would show #N/A or #REF! (MATCH finds nothing,
  INDEX out of range), ``evaluate`` raises :class:`FormulaError`.
* Excel text wraps every operand of a binary operator in parentheses (except
  numbers and function calls), so Excel precedence cannot change the meaning.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal, DecimalException, localcontext

from reporter.formula.criteria import Column
from reporter.formula.evaluate import Evaluator
from reporter.formula.excel import EXCEL_MAX_LENGTH, to_excel
from reporter.formula.syntax import COMPARISONS, FUNCTIONS, MAX_DEPTH, MAX_LENGTH, FormulaError, Parser

__all__ = ["COMPARISONS", "Column", "EXCEL_MAX_LENGTH", "FUNCTIONS", "MAX_DEPTH", "MAX_LENGTH", "Formula", "FormulaError",
           "parse_formula"]


@dataclass(frozen=True)
class Formula:
    """A parsed formula: evaluate it exactly, or translate it to Excel text.

    ``names`` are the single values it reads, ``columns`` the sequences
    (rule formulas only); ``rules`` says whether text values are allowed.
    """

    text: str
    names: frozenset[str]
    _tree: tuple = field(repr=False, compare=False, default=())
    columns: frozenset[str] = frozenset()
    rules: bool = False

    def evaluate(self, values: Mapping[str, object], zero_divisions: list[str] | None = None) -> Decimal | str:
        """The exact value (text for a rule that yields text); divisors that were zero are appended to ``zero_divisions``."""
        missing = sorted((self.names | self.columns) - set(values))
        if missing:
            raise FormulaError("缺少度量 " + "、".join(f'"{m}"' for m in missing) + " 的值", self.text)
        env: dict[str, object] = {name: self._value(name, values[name]) for name in self.names}
        for name in self.columns:
            cells = values[name]
            try:
                env[name] = cells if isinstance(cells, Column) else Column(cells)
            except (TypeError, ValueError) as exc:
                raise FormulaError(f'"{name}" 须是一列数值或文本: {exc}', self.text) from None
        try:
            with localcontext() as ctx:
                ctx.prec, ctx.rounding = 34, ROUND_HALF_EVEN
                result = Evaluator(self.text, env, zero_divisions).eval(self._tree)
                return result if isinstance(result, str) else result + 0  # + 0 turns -0 into 0
        except DecimalException as exc:
            raise FormulaError(f"计算失败（数值超出范围或不是数字）: {type(exc).__name__}", self.text) from None

    def _value(self, name: str, value: object) -> Decimal | str:
        if self.rules and isinstance(value, str):
            return value
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except DecimalException:
            number = Decimal("NaN")
        if not number.is_finite():
            raise FormulaError(f'度量 "{name}" 的值不是数字: {value!r}', self.text)
        return number

    def to_excel(self, refs: Mapping[str, str]) -> str:
        """Excel formula text without the leading "=", names (and columns) replaced by ``refs``."""
        return to_excel(self._tree, refs, self.text)


def parse_formula(text: str, rules: bool = False) -> Formula:
    """Parse formula text; raises :class:`FormulaError` pointing at the fault.

    ``rules`` admits columns, text and MATCH/INDEX/SUMIF/COUNTIFS: only for
    the rule definitions in :mod:`reporter.rules`, not for HR's KPI formulas.
    """
    if len(text) <= MAX_LENGTH:  # checked before normalising too: never work on huge input
        text = unicodedata.normalize("NFKC", text)
    if len(text) > MAX_LENGTH:
        raise FormulaError(f"公式太长（最多 {MAX_LENGTH} 个字符）", text, MAX_LENGTH)
    parser = Parser(text, rules)
    tree = parser.parse()
    return Formula(text, frozenset(parser.names), tree, frozenset(parser.ranges), rules)

"""Translation of a parsed formula tree to Excel formula text."""

from __future__ import annotations

from collections.abc import Mapping

from reporter.formula.syntax import FormulaError

EXCEL_MAX_LENGTH = 8192  # Excel's limit on the length of a formula


def to_excel(node: tuple, refs: Mapping[str, str], text: str) -> str:
    """Excel text of ``node``; names and columns replaced by ``refs`` (``text`` is for errors)."""
    kind = node[0]
    if kind == "num":
        out = format(node[1], "f")
    elif kind == "str":
        out = '"' + node[1].replace('"', '""') + '"'
    elif kind in ("name", "range"):
        if node[1] not in refs:
            raise FormulaError(f'没有度量 "{node[1]}" 的单元格引用', text, node[2])
        out = refs[node[1]]
    elif kind == "neg":
        out = f"-({to_excel(node[1], refs, text)})"
    elif kind == "cat":
        left, right = to_excel(node[1], refs, text), to_excel(node[2], refs, text)
        out = f"{wrap(node[1], left)}&{wrap(node[2], right)}"
    elif kind in ("bin", "cmp"):
        # one stack frame per tree level: a 1000-character chain of "+" must not overflow
        op, left, right = node[1], to_excel(node[2], refs, text), to_excel(node[3], refs, text)
        left, right = wrap(node[2], left), wrap(node[3], right)
        if op != "/":
            out = f"{left}{op}{right}"
        elif not guarded(node):
            out = f"{left}/{right}"  # a non-zero literal divisor needs no guard
        else:
            out = f"IF({right}=0,0,{left}/{right})"
    else:
        fname, args = node[1], node[2]
        parts = [to_excel(arg, refs, text) if isinstance(arg, tuple) else str(arg) for arg in args]
        out = f"{fname}({','.join(parts)})"
    if len(out) > EXCEL_MAX_LENGTH:
        raise FormulaError(f"转换成的 Excel 公式超过 {EXCEL_MAX_LENGTH} 个字符的上限", text)
    return out


def wrap(node: tuple, text: str) -> str:
    """Parenthesise an operand unless it is a number, a text or a function call."""
    return text if node[0] in ("num", "str", "call") or guarded(node) else f"({text})"


def guarded(node: tuple) -> bool:
    """Whether a division needs (and so is wrapped in) Excel's IF(divisor=0,0,...)."""
    return node[0] == "bin" and node[1] == "/" and not (node[3][0] == "num" and not node[3][1].is_zero())

"""Turn one raw cell value (as openpyxl returns it) into a clean Python value.

Accepts what HR really types in a Chinese Excel (full-width digits, ¥/元, 85%,
2024年3月1日, 1,234.50) and refuses, saying what to do, anything it would have
to guess: IDs stored as numbers (leading zeros lost), 3/1/2024, a bare 85 in a
percent column.  Blank is None for every kind; the reader adds the location.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal
from functools import partial

from openpyxl.utils.datetime import from_excel

from reporter.errors import CellError
from reporter.input.schema import CHOICES

ERROR_LITERALS = ("#DIV/0!", "#N/A", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")

_EDGE_SPACE = re.compile(r"^[\s\u200b\u200c\u200d\u2060\ufeff]+|[\s\u200b\u200c\u200d\u2060\ufeff]+$")
_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?")
_GROUPED = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?")
_MONEY_PREFIX = re.compile(r"^([+-]?)\s*(?:¥|RMB|CNY)\s*", re.IGNORECASE)
_ID = re.compile(r"[A-Za-z0-9_-]+")
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,}"
)
_DATES_YMD = (  # (pattern, groups holding year, month, day)
    (re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"), (1, 3, 4)),
    (re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?"), (1, 2, 3)),
    (re.compile(r"(\d{4})(\d{2})(\d{2})"), (1, 2, 3)),
)
_DATE_DMY = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4})")
_YEARS = (1950, 2100)


# ---------------------------------------------------------------- helpers

def _clean(text: str) -> str:
    """NFKC (full-width → ASCII) and strip whitespace incl. U+3000, NBSP, zero-width."""
    return _EDGE_SPACE.sub("", unicodedata.normalize("NFKC", text))


def _blank(raw) -> bool:
    """True for an empty cell; an Excel error value is refused for every kind."""
    if raw is None:
        return True
    if isinstance(raw, str):
        text = _clean(raw)
        if not text:
            return True
        if text.upper() in ERROR_LITERALS:
            raise CellError(f"单元格是 Excel 错误值 {text.upper()}：请修正源公式或填入数值")
    return False


def _plain(d: Decimal) -> str:
    return format(d, "f")


def _short(d: Decimal) -> str:
    """A number as a message quotes it: plain, or 1.000000e+308 when plain would fill the screen."""
    text = _plain(d)
    return text if len(text) <= 24 else format(d, ".6e")


def _pct(d: Decimal) -> str:
    return _short((d * 100).normalize()) + "%"


def _float(x: float) -> Decimal:
    """Excel keeps 15 significant digits; '.15g' drops binary noise (0.30000000000000004)."""
    if not math.isfinite(x):
        raise CellError(f"{x} 不是有效数字：请填入数值")
    return Decimal(format(x, ".15g"))


def _to_decimal(raw, shown: str | None = None) -> Decimal:
    if isinstance(raw, bool):
        raise CellError(f"单元格是逻辑值 {'TRUE' if raw else 'FALSE'}，不是数字：请填入数值")
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        return _float(raw)
    if isinstance(raw, Decimal) and raw.is_finite():
        return raw
    if isinstance(raw, (datetime, date, time)):
        raise CellError(f"单元格是日期/时间 {raw}，不是数字：请把单元格格式设为“常规”或“数值”后重新输入数字")
    if not isinstance(raw, str):
        raise CellError(f"单元格内容 {raw} 不是数字：请填入数值")
    text = _clean(raw).replace("\u2212", "-")
    shown = shown or text
    if "," in text:
        if not _GROUPED.fullmatch(text):
            raise CellError(f"'{shown}' 的千位分隔符位置不对：请去掉逗号直接填写数字，如 1234.5")
        text = text.replace(",", "")
    if not _NUMBER.fullmatch(text):
        raise CellError(f"'{shown}' 不是数字：请只填写数字（可带小数点和正负号），不要带文字或单位")
    return Decimal(text)


def _check_range(v: Decimal, low, high, show=_short) -> Decimal:
    lo = None if low is None else Decimal(str(low))
    hi = None if high is None else Decimal(str(high))
    if (lo is not None and v < lo) or (hi is not None and v > hi):
        allowed = (f"在 {show(lo)} 到 {show(hi)} 之间" if lo is not None and hi is not None
                   else f"不小于 {show(lo)}" if lo is not None else f"不大于 {show(hi)}")
        raise CellError(f"{show(v)} 超出允许范围（应{allowed}）：请检查并改正该数值")
    return v


def _number_text(x: int | float) -> str:
    """12.0 -> '12', 1e20 -> '100000000000000000000' (no '.0', no exponent)."""
    return str(x) if isinstance(x, int) else _plain(_float(x).normalize())


def _split_percent(raw) -> tuple[object, bool]:
    """('85', True) for '85%' / '８５％'; (raw, False) otherwise."""
    if isinstance(raw, str):
        text = _clean(raw)
        if text.endswith("%"):
            return _clean(text[:-1]), True
    return raw, False


# ---------------------------------------------------------------- parsers

def parse_text(raw) -> str | None:
    """Free text, NFC and stripped; '=...' stays text. Numbers lose Excel's '.0'."""
    if _blank(raw):
        return None
    if isinstance(raw, bool):
        return "TRUE" if raw else "FALSE"
    if isinstance(raw, (int, float)):
        return _number_text(raw)
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat(sep=" ")
    if isinstance(raw, (date, time)):
        return raw.isoformat()
    return _EDGE_SPACE.sub("", unicodedata.normalize("NFC", str(raw)))


# A person's name goes into mail headers: no line breaks, control characters or encoded words.
_HEADER_UNSAFE = re.compile(r"[\r\n\x00-\x1f\x7f]|=\?")


def parse_name(raw) -> str | None:
    """A person's name: text that is also safe as an e-mail display name."""
    text = parse_text(raw)
    if text is not None and _HEADER_UNSAFE.search(text):
        raise CellError(f"姓名 {text!r} 含有换行、控制字符或“=?”编码字，不能用于邮件：请只填写姓名本身")
    return text


def parse_id(raw) -> str | None:
    """Employee ID; must be stored as text or leading zeros are already gone."""
    if _blank(raw):
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise CellError(
            f"工号 {_number_text(raw)} 被存成了数字，前导零可能已丢失（如 000123 会变成 123）："
            "请把工号列设为“文本”格式后重新输入工号")
    if not isinstance(raw, str):
        raise CellError(f"工号 {raw} 不是文本：请把工号列设为“文本”格式后重新输入工号")
    text = _clean(raw)
    if re.search(r"\s", text):
        raise CellError(f"工号 '{text}' 中间有空格：请删除空格后重新填写")
    if not _ID.fullmatch(text):
        bad = "".join(dict.fromkeys(c for c in text if not _ID.fullmatch(c)))
        raise CellError(f"工号 '{text}' 含有不允许的字符 '{bad}'：工号只能由英文字母、数字、- 和 _ 组成，请改正")
    if len(text) > 32:
        raise CellError(f"工号 '{text[:40]}' 超过 32 个字符：请检查是否把其他内容粘贴进了工号列")
    return text


def parse_decimal(raw, low=None, high=None) -> Decimal | None:
    if _blank(raw):
        return None
    return _check_range(_to_decimal(raw), low, high)


def parse_quantity(raw, low=None, high=None) -> Decimal | None:
    """A number that may also be written as a percentage ('3.5%' -> 0.035)."""
    if _blank(raw):
        return None
    value, percent = _split_percent(raw)
    d = _to_decimal(value, shown=f"{value}%" if percent else None)
    return _check_range(d.scaleb(-2) if percent else d, low, high)


def parse_money(raw, low=None, high=None) -> Decimal | None:
    """Amount in yuan; '¥1,200.50', 'RMB 100', '100元' accepted; at most 2 decimals (fen)."""
    if _blank(raw):
        return None
    value = raw
    if isinstance(raw, str):
        value = _MONEY_PREFIX.sub(r"\1", re.sub(r"\s*元$", "", _clean(raw)))
    d = _to_decimal(value, shown=_clean(raw) if isinstance(raw, str) else None)
    places = -d.normalize().as_tuple().exponent
    if places > 2:
        raise CellError(f"金额最多两位小数：{_short(d)} 有 {places} 位小数，请四舍五入到分后重新填写")
    return _check_range(d, low, high)


def parse_count(raw, low=None, high=None) -> Decimal | None:
    """Whole number of times/items, never negative."""
    if _blank(raw):
        return None
    d = _to_decimal(raw)
    if d < 0:
        raise CellError(f"次数不能为负（填的是 {_short(d)}）：请填写 0 或正整数")
    if d != d.to_integral_value():
        raise CellError(f"{_short(d)} 不是整数：次数/个数必须是整数，请改正")
    return _check_range(Decimal(int(d)), low, high)


def parse_percent(raw, low=None, high=None) -> Decimal | None:
    """A fraction: '85%' and 0.85 both give 0.85; a bare 85 is refused as ambiguous."""
    if _blank(raw):
        return None
    low = "0" if low is None else low
    high = "1" if high is None else high
    lo, hi = Decimal(str(low)), Decimal(str(high))
    value, percent = _split_percent(raw)
    if percent:
        d = _to_decimal(value, shown=f"{value}%").scaleb(-2)
    else:
        d = _to_decimal(value)
        # A bare number above the column's range was almost surely meant as a percentage.
        if not lo <= d <= hi and (lo <= d.scaleb(-2) <= hi or d > 1):
            v = _short(d)
            limit = "" if lo <= d.scaleb(-2) <= hi else f"（且 {v}% 也超出 {_pct(lo)}～{_pct(hi)} 的范围）"
            raise CellError(
                f"含义不明确：{v} 是 {v}% 还是 {_short((d * 100).normalize())}%？{limit}"
                f"请输入 {v}% 或 {_short(d.scaleb(-2))}")
    return _check_range(d, lo, hi, _pct)


def _make_date(y: int, m: int, d: int, shown: str) -> date:
    try:
        result = date(y, m, d)
    except ValueError:
        raise CellError(f"日期 {shown} 不存在：请检查年、月、日是否写错") from None
    if not _YEARS[0] <= y <= _YEARS[1]:
        raise CellError(
            f"{shown} 不像一个合理的日期（年份 {y} 不在 {_YEARS[0]}–{_YEARS[1]} 之间）："
            "请填写正确的日期，如 2024-03-01")
    return result


def parse_date(raw) -> date | None:
    """Real Excel dates, Excel serial numbers and the usual Chinese spellings."""
    if _blank(raw):
        return None
    if isinstance(raw, date):  # datetime too
        return _make_date(raw.year, raw.month, raw.day, f"{raw.year}-{raw.month:02d}-{raw.day:02d}")
    if isinstance(raw, time) or isinstance(raw, bool):
        raise CellError(f"{raw} 不是日期：请填写日期，如 2024-03-01")
    if isinstance(raw, (int, float)):
        shown = _number_text(raw)
        try:
            result = from_excel(raw)
        except (OverflowError, ValueError, TypeError):
            result = None
        if not isinstance(result, datetime):
            raise CellError(f"数字 {shown} 不是合理的日期：请把单元格设为日期格式后填写，如 2024-03-01")
        return _make_date(result.year, result.month, result.day, f"数字 {shown}")
    text = _clean(str(raw))
    for pattern, groups in _DATES_YMD:
        m = pattern.fullmatch(text)
        if m:
            y, mo, d = (int(m.group(i)) for i in groups)
            return _make_date(y, mo, d, text)
    m = _DATE_DMY.fullmatch(text)
    if m:
        a, b, y = int(m.group(1)), int(m.group(3)), int(m.group(4))
        if a == b or a > 12 or b > 12:  # only one reading is possible
            mo, d = (a, b) if b > 12 or a == b else (b, a)
            return _make_date(y, mo, d, text)
        raise CellError(
            f"日期 {text} 含义不明确（{a} 月 {b} 日还是 {b} 月 {a} 日？）"
            f"请写成 {y}-{a:02d}-{b:02d} 这样的 年-月-日 格式")
    raise CellError(f"无法识别的日期 '{text}'：请写成 2024-03-01 或 2024年3月1日 的格式")


def parse_email(raw) -> str | None:
    """Exactly one plain ASCII address; the domain part is lower-cased."""
    if _blank(raw):
        return None
    if not isinstance(raw, str):
        raise CellError(f"'{raw}' 不是邮箱地址：请填写如 zhangwei@example.com 的邮箱")
    text = _clean(raw)
    if "\r" in text or "\n" in text:
        raise CellError("邮箱中包含换行：一个单元格只能填一个邮箱，请删除换行和多余内容")
    if "<" in text or ">" in text:
        raise CellError(f"'{text}' 带有姓名或尖括号：请只填写邮箱地址本身，如 zhangwei@example.com")
    if re.search(r"[,;\s]", text) or text.count("@") > 1:
        raise CellError(f"一个单元格只能填一个邮箱（'{text}'）：请只保留一个地址")
    odd = "".join(dict.fromkeys(c for c in text if not "!" <= c <= "~"))
    if odd:
        raise CellError(f"邮箱 '{text}' 含有非英文字符 '{odd}'：邮箱只能用英文字母、数字和符号，请改正")
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise CellError(f"'{text}' 不是有效的邮箱地址：请检查 @ 和域名，如 zhangwei@example.com")
    local, domain = text.split("@")
    return f"{local}@{domain.lower()}"


def parse_identifier(raw) -> str | None:
    """Measure/KPI code used inside formulas, so it must be a valid identifier."""
    if _blank(raw):
        return None
    text = _clean(raw if isinstance(raw, str) else parse_text(raw))
    if not text.isidentifier():
        raise CellError(
            f"代码 '{text}' 无效：须以字母或下划线开头，只能包含字母、数字和下划线，"
            "不能有空格或符号，如 gmv、conversion_rate")
    return text


def parse_formula_text(raw) -> str | None:
    """KPI formula kept as text; a leading '=' (typed as in Excel) is dropped."""
    if _blank(raw):
        return None
    text = _clean(raw if isinstance(raw, str) else parse_text(raw))
    if text.startswith("="):
        text = _clean(text[1:])
    if not text:
        raise CellError("公式为空：请填写计算公式，如 buyers / uv")
    return text


def _choice_key(text: str) -> str:
    return " ".join(_clean(text).split()).casefold()


def parse_choice(raw, choices: dict) -> object | None:
    """Coded value: any listed spelling (case-insensitive, full-width ok) -> its code."""
    if _blank(raw):
        return None
    if isinstance(raw, bool) and any(k is raw for k in choices):
        return raw
    text = parse_text(raw)
    lookup = {_choice_key(s): code for code, spellings in reversed(choices.items())
              for s in (*spellings, *([code] if isinstance(code, str) else []))}
    key = _choice_key(text)
    if key in lookup:
        return lookup[key]
    accepted = "、".join(spellings[0] for spellings in choices.values())
    raise CellError(f"'{_clean(text)}' 不是可选的值：请填写 {accepted} 之一")


PARSERS = {
    "text": parse_text, "name": parse_name, "id": parse_id, "email": parse_email, "date": parse_date,
    "identifier": parse_identifier, "formula": parse_formula_text,
    "decimal": parse_decimal, "quantity": parse_quantity, "money": parse_money,
    "count": parse_count, "percent": parse_percent,
}
PARSERS.update({kind: partial(parse_choice, choices=codes) for kind, codes in CHOICES.items()})
_RANGED = frozenset({"decimal", "quantity", "money", "count", "percent"})


def parse_cell(kind: str, raw, *, low: str | None = None, high: str | None = None,
               choices: dict | None = None):
    """Parse ``raw`` as ``kind`` (a reporter.input.schema Column.kind). Blank -> None.

    ``choices`` overrides the coded values of a choice kind.  An unknown kind
    is a programming error and raises KeyError, not CellError.
    """
    parser = PARSERS[kind]
    if choices is not None:
        return parse_choice(raw, choices)
    return parser(raw, low, high) if kind in _RANGED else parser(raw)

"""How large a cell may be, and what text may hold: one table, read by the reader and by docs/input.md.

A number or text that passes here is one every later step can use: a number whose size makes sense
for what it counts, text short enough for a letter or a tab, a name that fits in a mail header, a
department that fits in a file name.  A column's own ``low``/``high`` in :mod:`reporter.input.schema`
narrows its kind's range; a column not listed in :data:`COLUMN_TEXT` takes its kind's text limit.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from reporter.errors import CellError

YEAR_SECONDS = 366 * 24 * 3600

# kind -> (low, high, what the range is for): the widest range any column of the kind accepts.
NUMBER_LIMITS: dict[str, tuple[str, str, str]] = {
    "money": ("-1000000000000", "1000000000000", "金额：±1 万亿元，最多两位小数"),
    "count": ("0", "1000000000", "次数、个数：0 到 10 亿的整数"),
    "decimal": ("-1000000000000000", "1000000000000000", "数字（分值、天数、月数）：±10¹⁵"),
    "quantity": ("-1000000000000000", "1000000000000000", "目标值、下限：±10¹⁵（或百分数）"),
}
# A measure column (月度数据) is parsed by its declared kind (度量定义 › 类型) within these bounds.
MEASURE_PARSERS = {"count": "count", "amount": "money", "seconds": "decimal", "percent": "percent", "number": "decimal"}
MEASURE_LIMITS = {"seconds": ("0", str(YEAR_SECONDS)), "amount": ("-1000000000000", "1000000000000"),
                  "percent": ("-10", "10")}


@dataclass(frozen=True)
class TextLimit:
    """At most ``chars`` characters; ``lines``: line breaks allowed; ``file_name``: part of a file name."""

    chars: int
    lines: bool = False
    file_name: bool = False
    header: bool = False  # goes into a mail header: no encoded words (=?)
    why: str = ""


LINE = TextLimit(100, why="一行：名称、岗位、项目等")
SENTENCE = TextLimit(500, why="一句话：印在文书中")
NOTE = TextLimit(2000, lines=True, why="评语、评分标准等，可换行")
FILE_PART = TextLimit(100, file_name=True, why="公司、部门：用作文件夹与文件名")
HEADER = TextLimit(100, header=True, why="姓名、公司名称、发件人名称：写入邮件标题")
# Kinds whose parser checks the text itself; the limit only refuses a huge cell before parsing it.
KIND_TEXT = {"text": LINE, "name": HEADER, "formula": TextLimit(1000, lines=True, why="计算公式"),
             "id": TextLimit(32, why="工号（计分卡的工作表名取前 31 个字符）"), "email": TextLimit(254, why="邮箱")}
OTHER_KINDS = TextLimit(100, why="日期、数字、代码、选项")
COLUMN_TEXT: dict[tuple[str, str], TextLimit] = {
    ("settings", "company"): HEADER, ("settings", "sender_name"): HEADER,
    ("settings", "agreement_monitor"): SENTENCE, ("settings", "target_setting"): SENTENCE,
    ("settings", "appeal_route"): SENTENCE, ("settings", "letterhead_image"): SENTENCE,
    ("settings", "seal_image"): SENTENCE, ("settings", "smtp_host"): TextLimit(253, why="主机名"),
    ("employees", "company"): FILE_PART, ("employees", "department"): FILE_PART,
    ("kpis", "definition"): NOTE, ("plans", "standard"): NOTE, ("role_duties", "text"): NOTE,
    ("reviews", "comment"): NOTE, ("reviews", "improvement"): NOTE,
    ("confirmations", "appeal_reason"): NOTE, ("confirmations", "resolution_note"): NOTE,  # `reporter confirm`
}

# A department's print batch is print/agreements-<公司>-<部门>.pdf, written first as a hidden temporary
# .agreements-<公司>-<部门>.pdf.XXXXXXXX beside it; a file name holds at most 255 bytes (UTF-8).
FILE_NAME_BYTES = 255
AROUND_LABEL = len(".agreements-.pdf.XXXXXXXX")
LABEL_BYTES = FILE_NAME_BYTES - AROUND_LABEL
FILE_NAME_UNSAFE = '/\\:*?"<>|'  # reporter.writers.paths would replace them by '_'
# An ID names its scorecard's tab, and Excel compares tab names ignoring case, up to 31 characters; the
# summary workbook's own tabs (any language) take these names.
SHEET_NAME_CHARS = 31
RESERVED_TABS = frozenset({"summary", "grades", "departments", "payroll", "warnings", "rules", "history", "units",
                           "alignment", "calibration"})


def text_limit(sheet: str, column: str, kind: str) -> TextLimit:
    return COLUMN_TEXT.get((sheet, column)) or KIND_TEXT.get(kind, OTHER_KINDS)


def check_length(raw, limit: TextLimit) -> None:
    """Refuse a text cell longer than its limit, before parsing (and without quoting) it."""
    if isinstance(raw, str) and len(raw) > limit.chars and len(raw.strip()) > limit.chars:
        raise CellError(f"内容有 {len(raw.strip())} 个字符，超过本列上限 {limit.chars} 个字符（{limit.why}）："
                        "请检查是否粘贴了多余内容，并缩短后重新填写")


def _code(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def _line_break(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Zl", "Zp")


def check_text(text: str, limit: TextLimit) -> str:
    """The text as later steps may use it: one line (or lines joined by \\n), no control characters."""
    check_length(text, limit)
    if limit.lines:
        text = "\n".join(text.splitlines())  # \r\n, U+0085, U+2028, U+2029 … all become \n
        bad = next((ch for ch in text if _line_break(ch) and ch not in "\n\t"), None)
        if bad:
            raise CellError(f"含有控制字符 {_code(bad)}：请删除该字符后重新填写")
    else:
        bad = next((ch for ch in text if _line_break(ch)), None)
        if bad:
            raise CellError(f"含有换行或控制字符 {_code(bad)}：本列只能填一行（会写入邮件、文件名或表格），"
                            "请删除换行后重新填写")
    if limit.header and "=?" in text:
        raise CellError("含有“=?”（邮件编码字）：本列会写入邮件标题，请删除")
    if limit.file_name:
        unsafe = "".join(dict.fromkeys(ch for ch in text if ch in FILE_NAME_UNSAFE))
        if unsafe:
            raise CellError(f"含有不能用于文件名的字符 {unsafe}：本列用作文件夹与文件名，请改用 - 或 、")
        if text.startswith(".") or text.endswith("."):
            raise CellError("不能以“.”开头或结尾：本列用作文件夹与文件名（以点开头的文件会被隐藏）")
    return text


def file_label(company: str, department: str) -> str:
    """The folder and batch name of a department: as reporter.writers.paths.department_label writes it."""
    return f"{company}-{department}"


def label_problem(label: str) -> str | None:
    size = len(label.encode("utf-8"))
    if size <= LABEL_BYTES:
        return None
    return (f"公司与部门合起来「{label[:20]}…」有 {size} 字节（UTF-8，一个汉字 3 字节），用作文件名时超过上限 "
            f"{LABEL_BYTES} 字节（文件名最多 {FILE_NAME_BYTES} 字节，另需 {AROUND_LABEL} 字节给前后缀）：请缩短公司或部门名称")


def tab_key(employee_id: str) -> str:
    """What Excel compares when it names a tab after an ID (and what a case-blind file system compares)."""
    return employee_id[:SHEET_NAME_CHARS].casefold()


def limits_markdown() -> str:
    """The tables in docs/input.md (`make docs`): numbers by kind, then text by limit and the columns it holds."""
    from reporter.input.confirm_sheet import CONFIRM_SHEET
    from reporter.input.schema import SHEETS

    rows = ["| kind | range |", "|---|---|"]
    for kind, (low, high, why) in NUMBER_LIMITS.items():
        rows.append(f"| `{kind}` | {why}（{low} – {high}） |")
    rows.append(f"| 月度数据, a measure of 类型 秒 | 秒：0 – {YEAR_SECONDS}（一年） |")
    rows.append("| `percent` | each column's own range (default 0 – 100%); 月度数据 ±1000% |")
    rows += ["", "A column's own range (in the reference below) narrows its kind's.", "",
             "| text | at most | line breaks | also | columns |", "|---|---|---|---|---|"]
    columns: dict[TextLimit, list[str]] = {}
    for sheet in (*SHEETS, CONFIRM_SHEET):
        for col in sheet.columns:
            if col.kind in KIND_TEXT:
                columns.setdefault(text_limit(sheet.key, col.key, col.kind), []).append(f"{sheet.zh} › {col.zh}")
    unsafe = FILE_NAME_UNSAFE.replace("|", "&#124;")
    for limit in (*dict.fromkeys((*columns, OTHER_KINDS)),):
        also = "; ".join(w for w, on in (("no `=?`", limit.header),
                                          (f"none of `{unsafe}`, no leading or trailing `.`", limit.file_name)) if on)
        held = "every other text column" if limit == LINE else "、".join(columns.get(limit, ())) or "—"
        lines = "allowed" if limit.lines else "no"
        rows.append(f"| {limit.why} | {limit.chars} characters | {lines} | {also} | {held} |")
    return "\n".join(rows) + "\n"

"""Two workbooks of the weeks after the letters: the status report HR forwards, and the 确认 sheet HR fills.

The status report has a sheet of counts per department (the terminal's table), a sheet of every
employee with a department column (filter it to send each manager their own), and the weak grades
still waiting for an interview.  The 确认 sheet comes pre-filled with 工号, 姓名 and 校验码 and offers
the accepted words of 结果 and 处理结果 as drop-down lists; `reporter confirm` reads it back.

Both follow the period's 语言: labels bilingual for ``zh-en``, English sheets, headers and words for
``en`` (the 确认 sheet then has the English headers and words `reporter confirm` accepts too).
"""

from __future__ import annotations

import io
from datetime import datetime
from types import SimpleNamespace

from reporter.input.confirm_sheet import ANSWER_RESULTS, CONFIRM_SHEET, RESOLUTIONS
from reporter.period import parse_period
from reporter.pipeline.settle import COUNTS, PeriodStanding, department_of
from reporter.store.confirmations import current_letters
from reporter.writers.language import Language, language
from reporter.writers.wording import COUNT_WORDS, policy_words, state_words
from reporter.writers.xlsx.style import Styles, display_width, new_workbook, print_setup

DETAIL_HEADER = (("部门", "Department"), ("工号", "ID"), ("姓名", "Name"), ("状态", "State"),
                 ("已发邮件", "E-mailed"), ("答复日期", "Answered on"), ("申诉理由", "Appeal reason"),
                 ("处理说明", "Resolution note"), ("登记人", "Recorded by"), ("来源", "Source"))
INTERVIEW_HEADER = (("部门", "Department"), ("工号", "ID"), ("姓名", "Name"), ("说明", "Note"))
INTERVIEW_NOTE = ("不及格或绩效系数低于 100% 的等级，评语表未填写面谈日期",
                  "failing grade or a pay coefficient below 100%, and no interview date on the review")


def _lang(standing: PeriodStanding) -> Language:
    return language(standing.manifest.language)


def _page(standing: PeriodStanding):
    """What print_setup needs for the page header: the company and the period."""
    m = standing.manifest
    return SimpleNamespace(company=m.company, period=parse_period(m.period))


def _created(standing: PeriodStanding) -> datetime:
    return datetime(standing.today.year, standing.today.month, standing.today.day)


def _table(ws, styles, header, rows, first_row: int = 0) -> None:
    widths = [max(display_width(part) for part in h.split("\n")) + 2 for h in header]
    ws.write_row(first_row, 0, header, styles.get("header"))
    for i, row in enumerate(rows, start=first_row + 1):
        for col, value in enumerate(row):
            ws.write(i, col, value, styles.get("cell"))
            widths[col] = max(widths[col], min(display_width(str(value)) + 2, 50))
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)


def status_header(lang: Language, sep: str = "\n") -> list[str]:
    """The counts table's header: 部门, then a title per count."""
    return [lang.label(zh, en, sep) for zh, en in (("部门", "Department"), *(COUNT_WORDS[key] for key in COUNTS))]


def status_rows(standing: PeriodStanding, lang: Language | None = None) -> list[list]:
    """The counts table: one row per department and a 合计 row, a column per COUNTS."""
    total = (lang or _lang(standing)).label("合计", "Total", " ")
    return [[total if label == "合计" else label, *(counts[key] for key in COUNTS)]
            for label, counts in standing.by_department()]


def status_heading(standing: PeriodStanding, lang: Language | None = None) -> str:
    lang = lang or _lang(standing)
    if lang.prose == "en":
        return (f"{standing.manifest.period_label}: confirmations as of {standing.today} (appeal deadline "
                f"{standing.deadline}; no reply by then is {policy_words(standing.policy, 'en')})")
    return (f"{standing.manifest.period_label} 确认状态（截至 {standing.today}；申诉截止 {standing.deadline}；"
            f"逾期未回：{policy_words(standing.policy)}）")


def render_status(standing: PeriodStanding) -> bytes:
    buffer = io.BytesIO()
    book = new_workbook(buffer, _created(standing))
    styles = Styles(book)
    page, lang = _page(standing), _lang(standing)
    labels = [lang.label(zh, en) for zh, en in DETAIL_HEADER]

    ws = book.add_worksheet(lang.inline("汇总", "Summary"))
    ws.write(0, 0, status_heading(standing, lang), styles.get("section"))
    rows = status_rows(standing, lang)
    _table(ws, styles, status_header(lang), rows, 1)
    print_setup(ws, page, lang.inline("确认状态汇总", "Confirmations"), landscape=True, repeat=1,
                area=(len(rows) + 1, len(COUNTS)))

    ws = book.add_worksheet(lang.inline("明细", "Employees"))
    detail = []
    for s in standing.standings:
        a = s.answer.answer if s.answer else None
        detail.append([department_of(s.recipient), s.recipient.employee_id, s.recipient.name,
                       state_words(s.state, lang.prose), lang.say("是", "yes") if s.sent else lang.say("否", "no"),
                       a.on_date.isoformat() if a and a.on_date else "", a.appeal_reason if a else "",
                       a.resolution_note if a else "", s.answer.recorded_by if s.answer else "", a.source if a else ""])
    _table(ws, styles, labels, detail)
    ws.autofilter(0, 0, len(detail), len(labels) - 1)
    ws.freeze_panes(1, 0)
    print_setup(ws, page, lang.inline("确认状态明细", "Confirmations by employee"), landscape=True, repeat=0,
                area=(len(detail), len(labels) - 1))

    ws = book.add_worksheet(lang.inline("待面谈", "Interviews due"))
    waiting = [[department_of(s.recipient), s.recipient.employee_id, s.recipient.name, lang.say(*INTERVIEW_NOTE)]
               for s in standing.needing_interview()]
    _table(ws, styles, [lang.label(zh, en) for zh, en in INTERVIEW_HEADER], waiting)
    print_setup(ws, page, lang.inline("待绩效面谈", "Performance interviews due"), landscape=False, repeat=0,
                area=(max(len(waiting), 1), 3))
    book.close()
    return buffer.getvalue()


def render_confirm_template(standing: PeriodStanding, db) -> bytes:
    """The period's 确认 sheet, one row per employee (by department), 结果 to be chosen from a list."""
    buffer = io.BytesIO()
    book = new_workbook(buffer, _created(standing))
    styles = Styles(book)
    english = _lang(standing).code == "en"  # headers and words `reporter confirm` reads in either language
    ws = book.add_worksheet(CONFIRM_SHEET.en.capitalize() if english else CONFIRM_SHEET.zh)
    header = [c.en if english else c.zh for c in CONFIRM_SHEET.columns]
    people = sorted(standing.standings, key=lambda s: (department_of(s.recipient), s.recipient.employee_id))
    letters = current_letters(db, standing.manifest.period) or {}
    rows = [[s.recipient.employee_id, s.recipient.name, letters.get(s.recipient.employee_id, (1, ""))[1]]
            for s in people]
    _table(ws, styles, header, rows)
    date_format = styles.get("", num="yyyy-mm-dd", input_cell=True)
    last = max(len(rows), 1)
    column = {c.key: i for i, c in enumerate(CONFIRM_SHEET.columns)}
    for i in range(1, last + 1):
        for key in ("result", "appeal_reason", "resolution", "resolution_note"):
            ws.write_blank(i, column[key], None, styles.get("", input_cell=True))
        ws.write_blank(i, column["on_date"], None, date_format)
    for key, choices in (("result", ANSWER_RESULTS), ("resolution", RESOLUTIONS)):
        ws.data_validation(1, column[key], last, column[key], {
            "validate": "list", "source": [words[1 if english else 0] for words in choices.values()],
            "error_message": "Choose from the list" if english else "请从下拉列表中选择"})
    ws.data_validation(1, column["on_date"], last, column["on_date"], {
        "validate": "date", "criteria": ">=", "value": datetime(2000, 1, 1),
        "error_message": "A date, e.g. 2026-11-10" if english else "请填写日期，如 2026-11-10"})
    for key, width in (("result", 10), ("on_date", 12), ("appeal_reason", 40), ("resolution", 12),
                       ("resolution_note", 30)):
        ws.set_column(column[key], column[key], width)
    ws.freeze_panes(1, 0)
    print_setup(ws, _page(standing), "Appraisal result confirmations" if english else "绩效考核结果确认登记",
                landscape=True, repeat=0,
                area=(last, len(header) - 1))
    book.close()
    return buffer.getvalue()

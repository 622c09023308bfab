"""Two workbooks of the weeks after the letters: the status report HR forwards, and the 确认 sheet HR fills.

The status report has a sheet of counts per department (the terminal's table), a sheet of every
employee with a department column (filter it to send each manager their own), and the weak grades
still waiting for an interview.  The 确认 sheet comes pre-filled with 工号, 姓名 and 校验码 and offers
the accepted words of 结果 and 处理结果 as drop-down lists; `reporter confirm` reads it back.
"""

from __future__ import annotations

import io
from datetime import datetime
from types import SimpleNamespace

from reporter.input.confirm_sheet import ANSWER_RESULTS, CONFIRM_SHEET, RESOLUTIONS
from reporter.period import parse_period
from reporter.pipeline.settle import COUNT_COLUMNS, POLICY_WORDS, STATE_WORDS, PeriodStanding, department_of
from reporter.store.confirmations import current_letters
from reporter.writers.xlsx.style import Styles, display_width, new_workbook, print_setup

DETAIL_HEADER = ("部门", "工号", "姓名", "状态", "已发邮件", "答复日期", "申诉理由", "处理说明", "登记人", "来源")
INTERVIEW_HEADER = ("部门", "工号", "姓名", "说明")
INTERVIEW_NOTE = "不及格或绩效系数低于 100% 的等级，评语表未填写面谈日期"


def _page(standing: PeriodStanding):
    """What print_setup needs for the page header: the company and the period."""
    m = standing.manifest
    return SimpleNamespace(company=m.company, period=parse_period(m.period))


def _created(standing: PeriodStanding) -> datetime:
    return datetime(standing.today.year, standing.today.month, standing.today.day)


def _table(ws, styles, header, rows, first_row: int = 0) -> None:
    widths = [display_width(h) + 2 for h in header]
    ws.write_row(first_row, 0, header, styles.get("header"))
    for i, row in enumerate(rows, start=first_row + 1):
        for col, value in enumerate(row):
            ws.write(i, col, value, styles.get("cell"))
            widths[col] = max(widths[col], min(display_width(str(value)) + 2, 50))
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)


def status_rows(standing: PeriodStanding) -> list[list]:
    """The counts table: one row per department and a 合计 row, the columns of COUNT_COLUMNS."""
    return [[label, *(counts[key] for key, _ in COUNT_COLUMNS)] for label, counts in standing.by_department()]


def status_heading(standing: PeriodStanding) -> str:
    return (f"{standing.manifest.period_label} 确认状态（截至 {standing.today}；申诉截止 {standing.deadline}；"
            f"逾期未回：{POLICY_WORDS[standing.policy]}）")


def render_status(standing: PeriodStanding) -> bytes:
    buffer = io.BytesIO()
    book = new_workbook(buffer, _created(standing))
    styles = Styles(book)
    page = _page(standing)

    ws = book.add_worksheet("汇总")
    ws.write(0, 0, status_heading(standing), styles.get("section"))
    rows = status_rows(standing)
    _table(ws, styles, ("部门", *(title for _, title in COUNT_COLUMNS)), rows, 1)
    print_setup(ws, page, "确认状态汇总", landscape=True, repeat=1, area=(len(rows) + 1, len(COUNT_COLUMNS)))

    ws = book.add_worksheet("明细")
    detail = []
    for s in standing.standings:
        a = s.answer.answer if s.answer else None
        detail.append([department_of(s.recipient), s.recipient.employee_id, s.recipient.name, STATE_WORDS[s.state],
                       "是" if s.sent else "否", a.on_date.isoformat() if a and a.on_date else "",
                       a.appeal_reason if a else "", a.resolution_note if a else "",
                       s.answer.recorded_by if s.answer else "", a.source if a else ""])
    _table(ws, styles, DETAIL_HEADER, detail)
    ws.autofilter(0, 0, len(detail), len(DETAIL_HEADER) - 1)
    ws.freeze_panes(1, 0)
    print_setup(ws, page, "确认状态明细", landscape=True, repeat=0, area=(len(detail), len(DETAIL_HEADER) - 1))

    ws = book.add_worksheet("待面谈")
    waiting = [[department_of(s.recipient), s.recipient.employee_id, s.recipient.name, INTERVIEW_NOTE]
               for s in standing.needing_interview()]
    _table(ws, styles, INTERVIEW_HEADER, waiting)
    print_setup(ws, page, "待绩效面谈", landscape=False, repeat=0, area=(max(len(waiting), 1), 3))
    book.close()
    return buffer.getvalue()


def render_confirm_template(standing: PeriodStanding, db) -> bytes:
    """The period's 确认 sheet, one row per employee (by department), 结果 to be chosen from a list."""
    buffer = io.BytesIO()
    book = new_workbook(buffer, _created(standing))
    styles = Styles(book)
    ws = book.add_worksheet(CONFIRM_SHEET.zh)
    header = [c.zh for c in CONFIRM_SHEET.columns]
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
            "validate": "list", "source": [words[0] for words in choices.values()],
            "error_message": "请从下拉列表中选择"})
    ws.data_validation(1, column["on_date"], last, column["on_date"], {
        "validate": "date", "criteria": ">=", "value": datetime(2000, 1, 1), "error_message": "请填写日期，如 2026-11-10"})
    for key, width in (("result", 10), ("on_date", 12), ("appeal_reason", 40), ("resolution", 12),
                       ("resolution_note", 30)):
        ws.set_column(column[key], column[key], width)
    ws.freeze_panes(1, 0)
    print_setup(ws, _page(standing), "绩效考核结果确认登记", landscape=True, repeat=0,
                area=(last, len(header) - 1))
    book.close()
    return buffer.getvalue()

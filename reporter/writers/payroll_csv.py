"""The payroll CSV: one row per employee in the shape payroll imports.

UTF-8 with a byte-order mark so that Excel on Chinese Windows opens it
without garbling names; money with two decimals; text that could be taken
for a formula is neutralised.

The last column, 确认状态, says where each employee's letter stands as the build issues it (待确认 for a
new letter): these figures are not yet the ones to pay.  ``reporter payroll`` writes the file payroll
imports, with the state as it is once the answers are in.

The headers follow the 语言 setting: English for ``en``, Chinese for ``zh`` and ``zh-en`` (a payroll
system maps one header set; docs/outputs.md lists both).  So do the status and the remarks.

应发合计 is the period's pay and nothing else.  The director's annual reward is
settled at year end: before the year's last day it is an estimate, so its
column is titled 预计… and says it is not part of 应发合计; it is never added
to any monthly total.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from reporter.model import EmployeeResult, PeriodResult
from reporter.period import Period
from reporter.writers.language import language
from reporter.writers.text_safety import csv_safe
from reporter.writers.wording import annual_reward_title, hr_note, state_words

MONTHLY_HEADER = ("考核期间", "工号", "姓名", "公司", "部门", "岗位", "考核状态", "总分", "等级", "部门排名",
                  "绩效系数", "岗位工资", "个人绩效提成", "公共绩效提成", "工龄工资", "一次性奖励", "应发合计")
MONTHLY_HEADER_EN = ("Period", "Employee ID", "Name", "Company", "Department", "Role", "Status", "Total", "Grade",
                     "Department rank", "Pay coefficient", "Position pay", "Personal commission", "Shared commission",
                     "Seniority pay", "One-time bonus", "Total pay")
NOT_IN_TOTAL = "（不计入应发合计）"
STATE_HEADER = {"zh": "确认状态", "en": "Confirmation"}
STATUS = {True: ("已考核", "Appraised"), False: ("未参与考核", "Not appraised")}


def not_in_total(prose: str = "zh") -> str:
    """What follows the annual reward's title: it is not part of 应发合计 (total pay)."""
    return ", not in total pay" if prose == "en" else NOT_IN_TOTAL


def status(appraised: bool, prose: str = "zh") -> str:
    """已考核 / 未参与考核; Appraised / Not appraised."""
    zh, en = STATUS[appraised]
    return en if prose == "en" else zh


def header(period: Period, prose: str = "zh") -> tuple[str, ...]:
    if prose == "en":
        return (*MONTHLY_HEADER_EN, annual_reward_title(period, prose) + not_in_total(prose), "Notes",
                STATE_HEADER[prose])
    return (*MONTHLY_HEADER, annual_reward_title(period) + NOT_IN_TOTAL, "备注", STATE_HEADER[prose])


def payroll_row(period: Period, r: EmployeeResult, prose: str = "zh", state: str = "pending") -> list[str]:
    e, pay = r.employee, r.pay
    return [
        period.key, csv_safe(e.employee_id), csv_safe(e.name), csv_safe(e.company), csv_safe(e.department),
        csv_safe(e.role), status(r.appraised, prose), "" if r.total is None else f"{r.total:.2f}", r.grade.grade if r.grade else "",
        "" if r.department_rank is None else str(r.department_rank),
        "" if pay.pay_coefficient is None else f"{pay.pay_coefficient:.2f}",
        f"{pay.position_pay:.2f}", f"{pay.personal_commission:.2f}", f"{pay.shared_commission:.2f}",
        f"{pay.seniority_pay:.2f}", f"{pay.one_time_bonus:.2f}", f"{pay.total:.2f}",
        "" if pay.annual_reward is None else f"{pay.annual_reward:.2f}", csv_safe(hr_note(r, period.kind, prose)),
        state_words(state, prose),
    ]


def render_payroll_csv(result: PeriodResult, employee_ids: set[str] | None = None,
                       states: Mapping[str, str] | None = None) -> bytes:
    """``states``: employee → where the letter stands (reporter.pipeline.settle.STATES; default pending)."""
    states = states or {}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    period, prose = result.input.settings.period, language(result.input.settings.language).prose
    writer.writerow(header(period, prose))
    for r in result.results:
        if employee_ids is None or r.employee.employee_id in employee_ids:
            writer.writerow(payroll_row(period, r, prose, states.get(r.employee.employee_id, "pending")))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

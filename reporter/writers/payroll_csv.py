"""The payroll CSV: one row per employee in the shape payroll imports.

UTF-8 with a byte-order mark so that Excel on Chinese Windows opens it
without garbling names; money with two decimals; text that could be taken
for a formula is neutralised.

应发合计 is the period's pay and nothing else.  The director's annual reward is
settled at year end: before the year's last day it is an estimate, so its
column is titled 预计… and says it is not part of 应发合计; it is never added
to any monthly total.
"""

from __future__ import annotations

import csv
import io

from reporter.model import EmployeeResult, PeriodResult
from reporter.period import Period
from reporter.writers.text_safety import csv_safe
from reporter.writers.wording import annual_reward_title, hr_note

MONTHLY_HEADER = ("考核期间", "工号", "姓名", "公司", "部门", "岗位", "考核状态", "总分", "等级", "部门排名",
                  "绩效系数", "岗位工资", "个人绩效提成", "公共绩效提成", "工龄工资", "一次性奖励", "应发合计")
NOT_IN_TOTAL = "（不计入应发合计）"


def header(period: Period) -> tuple[str, ...]:
    return (*MONTHLY_HEADER, annual_reward_title(period) + NOT_IN_TOTAL, "备注")


def payroll_row(period: Period, r: EmployeeResult) -> list[str]:
    e, pay = r.employee, r.pay
    status = "已考核" if r.appraised else "未参与考核"
    return [
        period.key, csv_safe(e.employee_id), csv_safe(e.name), csv_safe(e.company), csv_safe(e.department),
        csv_safe(e.role), status, "" if r.total is None else f"{r.total:.2f}", r.grade.grade if r.grade else "",
        "" if r.department_rank is None else str(r.department_rank),
        "" if pay.pay_coefficient is None else f"{pay.pay_coefficient:.2f}",
        f"{pay.position_pay:.2f}", f"{pay.personal_commission:.2f}", f"{pay.shared_commission:.2f}",
        f"{pay.seniority_pay:.2f}", f"{pay.one_time_bonus:.2f}", f"{pay.total:.2f}",
        "" if pay.annual_reward is None else f"{pay.annual_reward:.2f}", csv_safe(hr_note(r, period.kind)),
    ]


def render_payroll_csv(result: PeriodResult, employee_ids: set[str] | None = None) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    period = result.input.settings.period
    writer.writerow(header(period))
    for r in result.results:
        if employee_ids is None or r.employee.employee_id in employee_ids:
            writer.writerow(payroll_row(period, r))
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

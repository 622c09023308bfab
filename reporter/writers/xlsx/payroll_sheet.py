"""The summary workbook's 工资表 sheet: what payroll imports, live to 汇总, with each letter's 确认状态.

Written by the summary's sheet writer (:class:`PayrollSheet` is mixed into it, which supplies the
styles, the language and :meth:`summary_ref`).  Every amount refers to 汇总; the last column says
where the employee's letter stands as the build issues it (待确认 for a new letter): the figures are
paid once settled, from the file ``reporter payroll`` writes.
"""

from __future__ import annotations

from decimal import Decimal

from xlsxwriter.utility import xl_rowcol_to_cell

from reporter.writers.payroll_csv import STATE_HEADER, not_in_total, status
from reporter.writers.wording import annual_reward_title, state_words
from reporter.writers.xlsx.layout import num
from reporter.writers.xlsx.style import MONEY, fit_row, row_height, text_width, wrapped_lines
from reporter.writers.xlsx.widths import money_widths, people_widths, reward_width

PAY_PARTS = (("position_pay", "岗位工资"), ("personal_commission", "个人绩效提成"),
             ("shared_commission", "公共绩效提成"), ("seniority_pay", "工龄工资"), ("one_time_bonus", "一次性奖励"))
APPROVALS = (("制表", "Prepared by"), ("审核", "Checked by"), ("批准", "Approved by"))
PEOPLE = ("工号", "姓名", "公司", "部门", "考核状态")
REWARD_COL, STATE_COL = 12, 13
PAYROLL_LAST_COL = STATE_COL


def _cell(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)


class PayrollSheet:
    def payroll_state(self, employee_id: str) -> str:
        return state_words(self.states.get(employee_id, "pending"), self.prose)

    def payroll(self, ws) -> None:
        period = self.inp.settings.period
        reward = (annual_reward_title(period) + not_in_total(),
                  annual_reward_title(period, "en") + not_in_total("en"))
        titles = (("考核期间", "Period"), ("工号", "ID"), ("姓名", "Name"), ("公司", "Company"), ("部门", "Department"),
                  ("考核状态", "Status"), ("岗位工资", "Position pay"), ("个人绩效提成", "Personal commission"),
                  ("公共绩效提成", "Shared commission"), ("工龄工资", "Seniority pay"), ("一次性奖励", "One-time bonus"),
                  ("应发合计", "Total pay"), reward, (STATE_HEADER["zh"], STATE_HEADER["en"]))
        people = people_widths(self.rows, (status(True, self.prose), status(False, self.prose)))
        states = [self.payroll_state(r.employee.employee_id) for r in self.rows]
        # One landscape page wide at 8 pt or more: the two status columns wrap rather than widen it.
        people["考核状态"] = min(people["考核状态"], 7)
        widths = {0: text_width([period.key], 6, 10), **{col: people[name] for col, name in enumerate(PEOPLE, start=1)},
                  **dict(enumerate(money_widths(self.rows).values(), start=6)), REWARD_COL: reward_width(self.rows),
                  STATE_COL: text_width(states, 6, 10)}
        widths = self.header(ws, titles, widths, height=30)
        money = self.s.get("cell", num=MONEY)
        for i, (r, state) in enumerate(zip(self.rows, states, strict=True), start=1):
            fit_row(ws, i, [(r.employee.company, widths[3]), (r.employee.department, widths[4]),
                            (status(r.appraised, self.prose), widths[5]), (state, widths[STATE_COL])])
            ws.write_string(i, 0, period.key, self.s.get("cell"))
            for col, name in enumerate(PEOPLE, start=1):
                ws.write_formula(i, col, "=" + self.summary_ref(i, name), self.s.get("cell", text_wrap=True),
                                 {"工号": r.employee.employee_id, "姓名": r.employee.name, "公司": r.employee.company,
                                  "部门": r.employee.department, "考核状态": status(r.appraised, self.prose)}[name])
            for col, (key, title) in enumerate((*PAY_PARTS, ("total", "应发合计")), start=6):
                self.formula(ws, i, col, self.summary_ref(i, title), getattr(r.pay, key), money)
            if r.pay.annual_reward is not None:
                ws.write_number(i, REWARD_COL, num(r.pay.annual_reward), money)
            else:
                ws.write_blank(i, REWARD_COL, None, money)
            ws.write_string(i, STATE_COL, state, self.s.get("cell", text_wrap=True))
        self.payroll_totals(ws, len(self.rows) + 1, widths)

    def payroll_totals(self, ws, row: int, widths: dict[int, float]) -> None:
        """合计 of every money column, then the approval block (制表 / 审核 / 批准, each with 日期)."""
        last = row - 1
        people = len(self.rows)
        ws.merge_range(row, 0, row, 5, self.t(f"合计（{people} 人）", f"Total ({people} employees)", sep=" "),
                       self.s.get("total"))
        for col, key in enumerate(("position_pay", "personal_commission", "shared_commission", "seniority_pay",
                                   "one_time_bonus", "total"), start=6):
            value = sum((getattr(r.pay, key) for r in self.rows), Decimal(0))
            self.formula(ws, row, col, f"SUM({_cell(1, col)}:{_cell(last, col)})", value,
                         self.s.get("total", num=MONEY))
        rewards = [r.pay.annual_reward for r in self.rows if r.pay.annual_reward is not None]
        self.formula(ws, row, REWARD_COL, f"SUM({_cell(1, REWARD_COL)}:{_cell(last, REWARD_COL)})",
                     sum(rewards, Decimal(0)), self.s.get("total", num=MONEY))
        ws.write_blank(row, STATE_COL, None, self.s.get("total"))
        row += 2
        period = self.inp.settings.period
        ws.merge_range(row, 0, row, STATE_COL,
                       self.say(f"说明：{annual_reward_title(period)}年终结算，不计入应发合计。确认状态为本表生成时"
                                "确认书的状态；发放以 reporter payroll 写出的工资文件为准（仅含已确认的数字）。",
                                f"Note: the {annual_reward_title(period, 'en').lower()} is settled at year end and "
                                "is not part of total pay. Confirmation is the letter's state when this workbook "
                                "was made; pay from the file reporter payroll writes (settled figures only)."),
                       self.s.get("note", text_wrap=True, valign="top"))
        ws.set_row(row, 30)
        row += 2
        signs = [self.t(f"{zh}：", f"{en}:") for zh, en in APPROVALS]
        places = ((0, 1, 3), (5, 6, 8), (9, 10, STATE_COL))
        # Chinese words fit their narrow label cells; English ones wrap there (a right-aligned text running
        # out of its cell to the left would be cut off by the page's edge or the sign line before it).
        wrap = {"text_wrap": True} if self.lang.code != "zh" else {}
        for offset, words in ((0, signs), (1, [self.t("日期：", "Date:")] * len(APPROVALS))):
            lines = max(wrapped_lines(word, widths[label]) for word, (label, *_) in zip(words, places, strict=True))
            # Room to sign; the summary streams, so each row is written whole.
            ws.set_row(row + offset, max(30, row_height(lines)) if wrap else 30)
            for word, (label, first, last) in zip(words, places, strict=True):
                ws.write_string(row + offset, label, word, self.s.get("", align="right", **wrap))
                ws.merge_range(row + offset, first, row + offset, last, "", self.s.get("sign"))
        self.payroll_last = row + 1

"""The scorecard's appendix (page 2): the blocks page 1's formulas read.

A director's provisional annual reward (an estimate until year end, never this
period's pay), the period's data, the bonus/penalty items and the grade bands,
closed by the appraiser's and the employee's signatures (they sign the data too).
Written by the same sheet object as page 1 (:class:`AppendixBlocks` is mixed into
it), at the rows :func:`.layout.plan_layout` fixed.
"""

from __future__ import annotations

from decimal import Decimal

from reporter.rules.pay import pay_formula
from reporter.rules.rulebook import rule
from reporter.writers.wording import annual_reward_title, data_title
from reporter.writers.xlsx.layout import (
    EXTRA_ADJUSTMENT_ROWS,
    RIGHT_LABELS,
    RIGHT_VALUE_AT,
    SECTION_ROWS,
    SPACER_HEIGHT,
    STANDARD_COL,
    VALUE_AT,
    ref,
)
from reporter.writers.xlsx.style import KIND_FORMATS, KIND_UNITS, MONEY

ATTENDANCE_NAMES = {"late": "迟到次数", "early_leave": "早退次数", "leave_days": "请假天数",
                    "reports_due": "周报应交", "reports_submitted": "周报实交"}
ATTENDANCE_NAMES_EN = {"late": "Times late", "early_leave": "Early departures", "leave_days": "Leave days",
                       "reports_due": "Weekly reports due", "reports_submitted": "Weekly reports submitted"}
ATTENDANCE_KINDS = {"leave_days": "days"}  # the attendance sheet's columns are counts but for leave, in half days
ATTENDANCE_UNITS = {"reports_due": "份", "reports_submitted": "份"}  # weekly reports are counted in copies
# The unit column in English: KIND_UNITS and ATTENDANCE_UNITS by their Chinese unit.
UNITS_EN = {"元": "¥", "%": "%", "秒": "s", "次": "", "天": "days", "份": "reports", "": ""}


class AppendixBlocks:
    """Page 2 of a scorecard; the sheet's small writers (text, number, section …) come from the sheet."""

    def header_row(self, row: int, titles: tuple[str, ...], spans: dict, fit: bool = False):
        """A block's column titles. In English and bilingual sheets a title spans the columns its values span
        ({column: last column}, or {column: (first, last)}), as longer words need; Chinese ones keep their cell.
        """
        if self.lang.code == "zh":
            self.ws.write_row(row, 0, titles, self.s.get("header"))
            if fit:
                self.fit_height(row, [(title, col) for col, title in enumerate(titles)])
            return
        ranges = {col: span if isinstance(span, tuple) else (col, span) for col, span in spans.items()}
        covered = {c for first, last in ranges.values() for c in range(first, last + 1)}
        fmt, texts = self.s.get("header"), []
        for col, title in enumerate(titles):
            if col in ranges:
                first, last = ranges[col]
                self.ws.merge_range(row, first, row, last, title, fmt)
                texts.append((title, first, last))
            elif col not in covered:
                self.ws.write(row, col, title, fmt)
                texts.append((title, col))
        self.fit_height(row, texts)

    def annual_reward(self):
        plan = self.inp.annual_rewards[self.r.employee.employee_id]
        say = self.say
        title = self.fit(annual_reward_title(self.inp.settings.period),
                         annual_reward_title(self.inp.settings.period, "en"), 0, 3)
        heading = self.fit(f"附：{annual_reward_title(self.inp.settings.period)}（目标责任书）",
                           f"Appendix: {annual_reward_title(self.inp.settings.period, 'en')}", 0, 4)
        top = self.section(self.row, heading, say("达成率不低于门槛时按实绩 × 比例计发；年终结算，不计入本期应发",
                                                  "Paid as actual × rate when the achievement reaches the threshold; "
                                                  "settled at year end, not part of this period's pay"))
        sides = [(("企业年销售", "Company annual sales"), plan.sales_target, plan.sales_actual, plan.sales_rate,
                  0, 3, VALUE_AT),
                 (("运营活动销售", "Campaign sales"), plan.campaign_target, plan.campaign_actual, plan.campaign_rate,
                  *RIGHT_LABELS, RIGHT_VALUE_AT)]
        parts = [{key: ref(top + offset, at) for offset, key in enumerate(("target", "actual", "rate"))}
                 for *_, at in sides]
        for offset in range(3):
            labels = []
            for (zh, en), target, actual, rate, first, last, at in sides:
                words, value, fmt = (((f"{zh}目标", f"{en}: target"), target, MONEY),
                                     ((f"{zh}实绩", f"{en}: actual"), actual, MONEY),
                                     ((f"{zh}奖励比例", f"{en}: reward rate"), rate, "0.00%"))[offset]
                text = self.fit(*words, first, last)
                self.ws.merge_range(top + offset, first, top + offset, last, text, self.wrapping("label"))
                self.number(top + offset, at, value, fmt, editable=True, kind="amount")
                labels.append((text, first, last))
            self.fit_height(top + offset, labels)
        row = top + 3
        threshold = ref(row, RIGHT_VALUE_AT)
        part = pay_formula("reward_part")
        sales, campaign = (part.to_excel({**cells, "threshold": threshold}) for cells in parts)
        excel = rule("annual_reward").to_excel({"sales_reward": sales, "campaign_reward": campaign})
        self.ws.merge_range(row, 0, row, 3, title, self.wrapping("total"))
        self.formula(row, VALUE_AT, excel, self.r.pay.annual_reward, fmt=self.s.get("total", num=MONEY))
        threshold_label = self.fit("达成率门槛", "Achievement threshold", *RIGHT_LABELS)
        self.ws.merge_range(row, RIGHT_LABELS[0], row, RIGHT_LABELS[1], threshold_label, self.wrapping("label"))
        self.fit_height(row, [(title, 0, 3), (threshold_label, *RIGHT_LABELS)])
        self.number(row, RIGHT_VALUE_AT, plan.threshold, "0%", editable=True, kind="percent")
        self.cells.pay["annual_reward"] = ref(row, VALUE_AT)
        self.row = row + 1

    def appendix(self):
        t, say, kind_of_period = self.t, self.say, self.inp.settings.period.kind
        row = self.section(self.at.measures - SECTION_ROWS,
                           self.fit(f"附：{data_title(kind_of_period)}", f"Appendix: {data_title(kind_of_period, 'en')}",
                                    0, 4),
                           say("黄色单元格为输入；修改后重新计算，得分、等级与工资随之更新",
                               "Yellow cells are inputs: change one and recalculate, and points, grade and pay follow"))
        titles = (t("序号", "No."), t("度量名称", "Measure"), "", "", t("数值", "Value"), t("单位", "Unit"), "", "", "",
                  "", t("度量代码 · 数据来源", "Measure code · source"))
        self.header_row(row, titles, {1: 3})
        values = self.inp.measures.get(self.r.employee.employee_id, {})
        for i, name in enumerate(self.measures):
            row = self.at.measures + i
            definition = self.inp.measure_defs.get(name)
            kind = definition.kind if definition else ATTENDANCE_KINDS.get(name, "count")
            label = definition.name if definition else self.fit(ATTENDANCE_NAMES.get(name, name),
                                                                ATTENDANCE_NAMES_EN.get(name, name), 1, 3)
            self.number(row, 0, i + 1, "0", align="center")
            self.ws.merge_range(row, 1, row, 3, label, self.s.get("cell", text_wrap=True))
            self.number(row, VALUE_AT, values.get(name, Decimal(0)), KIND_FORMATS.get(kind, "#,##0.00"), editable=True,
                        kind=kind)
            unit = KIND_UNITS.get(kind, "") if definition else ATTENDANCE_UNITS.get(name, KIND_UNITS.get(kind, ""))
            self.text(row, 5, say(unit, UNITS_EN.get(unit, unit)), self.s.get("cell", align="center"))
            source = definition.source if definition else self.fit("考勤表", "Attendance sheet", STANDARD_COL, STANDARD_COL)
            code = f"{name} · {source}" if source else name
            self.text(row, STANDARD_COL, code, self.s.get("cell", text_wrap=True))
            self.fit_height(row, [(label, 1, 3), (code, STANDARD_COL)])
        self.adjustment_block()
        self.band_block()

    def adjustment_block(self):
        t = self.t
        row = self.section(self.at.adjustments - SECTION_ROWS, self.fit("附：加减分项", "Appendix: Bonus and penalty items", 0, 4),
                           self.say("加分填正数，扣分填负数；可在空行中补充",
                                    "A bonus is positive, a penalty negative; add more in the empty rows"))
        titles = (t("序号", "No."), "", t("事项", "Item"), "", t("分值", "Points"), "", "", "", "", "",
                  t("批准人", "Approved by"))
        self.header_row(row, titles, {2: (1, 3)})
        items = self.inp.adjustments.get(self.r.employee.employee_id, ())
        editable = self.s.get("cell", input_cell=True)
        for i in range(len(items) + EXTRA_ADJUSTMENT_ROWS):
            item, row = (items[i] if i < len(items) else None), self.at.adjustments + i
            self.number(row, 0, i + 1, "0", align="center")
            self.ws.merge_range(row, 1, row, 3, item.item if item else "", self.s.get("cell", input_cell=True, text_wrap=True))
            if item:
                self.number(row, VALUE_AT, item.points, "0.00", editable=True)
                self.fit_height(row, [(item.item, 1, 3), (item.approved_by, STANDARD_COL)])
            else:
                self.ws.write_blank(row, VALUE_AT, None, self.s.get("cell", num="0.00", input_cell=True))
            self.ws.write_string(row, STANDARD_COL, item.approved_by if item else "", editable)

    def band_block(self):
        t = self.t
        row = self.section(self.at.bands - SECTION_ROWS, self.fit("附：等级标准", "Appendix: Grade bands", 0, 4),
                           self.say("总分落在 [下限, 上限) 区间即为该等级", "A total in [lower, upper) earns the grade"))
        titles = (t("等级", "Grade"), t("等级名称", "Name"), t("分数下限", "Lower bound"), t("分数上限", "Upper bound"),
                  t("绩效系数", "Pay coefficient"), t("培训强度", "Training"), "", t("职位晋升", "Promotion"), "",
                  t("岗位级别", "Position level"), t("岗位工资调整", "Salary adjustment"))
        self.header_row(row, titles, {5: 6, 7: 8}, fit=True)
        wrap = self.s.get("cell", text_wrap=True)
        for i, band in enumerate(self.inp.grades):  # ascending by lower bound, as LOOKUP needs
            row = self.at.bands + i
            self.text(row, 0, band.grade)
            self.text(row, 1, band.name)
            self.number(row, 2, band.min_score, "0.00")
            if band.max_score is None:
                self.text(row, 3, "—")
            else:
                self.number(row, 3, band.max_score, "0.00")
            self.number(row, 4, band.pay_coefficient, "0%")
            self.ws.merge_range(row, 5, row, 6, band.training, wrap)
            self.ws.merge_range(row, 7, row, 8, band.promotion, wrap)
            self.text(row, 9, band.level_change, wrap)
            self.text(row, 10, band.salary_change, wrap)
            self.fit_height(row, [(band.training, 5, 6), (band.promotion, 7, 8), (band.level_change, 9),
                                  (band.salary_change, 10), (band.name, 1)])

    def signatures(self):
        """After the appendix: both sign the whole scorecard, its data included."""
        self.set_height(self.at.signatures, SPACER_HEIGHT)
        row = self.at.signatures + 1
        t = self.t
        date = t("日期：", "Date:")
        for label in (self.fit("考核人签字：", "Appraiser's signature:", 0, 2),
                      self.fit("被考核人签字：", "Employee's signature:", 0, 2)):
            self.ws.merge_range(row, 0, row, 2, label, self.wrapping("", valign="bottom"))
            self.ws.merge_range(row, 3, row, 5, "", self.s.get("sign"))
            self.text(row, 6, date, self.wrapping("", valign="bottom"))
            self.set_height(row, 26)
            self.fit_height(row, [(label, 0, 2), (date, 6)])
            self.ws.merge_range(row, 7, row, 9, "", self.s.get("sign"))
            row += 1

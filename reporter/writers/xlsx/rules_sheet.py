"""The summary workbook's 规则 sheet: the grade bands its lookups read, every scoring and rule formula, the KPIs.

Written by the summary's sheet writer (:class:`RulesSheet` is mixed into it), in the workbook's
language: titles and method words follow 语言, formulas and what the company typed stay as they are.
"""

from __future__ import annotations

from reporter.rules.engine import TOTAL_FORMULA
from reporter.rules.pay import PAY_FORMULAS
from reporter.rules.rulebook import RULE_FORMULAS
from reporter.rules.scoring import METHOD_FORMULAS
from reporter.writers.wording import METHOD_NAMES, METHOD_NAMES_EN
from reporter.writers.xlsx.layout import num
from reporter.writers.xlsx.style import row_height, wrapped_lines

DIRECTIONS = {"higher": ("越高越好", "higher is better"), "lower": ("越低越好", "lower is better"),
              "uncapped": ("不封顶", "uncapped")}


def every_rule() -> list[tuple[str, str]]:
    """Every rule's name and formula text but the scoring methods', in the order a scorecard applies them."""
    return [("total", TOTAL_FORMULA), *RULE_FORMULAS.items(), *PAY_FORMULAS.items()]


class RulesSheet:
    """The 规则 sheet; the writer's language (t, say, lang) and styles (s, inp) come from the summary."""

    def rules(self, ws) -> tuple[int, int]:
        t = self.t
        ws.write_string(0, 0, t("等级标准（总分落在 [下限, 上限) 即为该等级；按下限升序排列供查表）",
                                "Grade bands (a total in [lower, upper) earns the grade; in ascending order for "
                                "the lookup)", sep=" "), self.s.get("section"))
        titles = tuple(t(zh, en) for zh, en in (
            ("等级", "Grade"), ("等级名称", "Grade name"), ("分数下限", "Lower bound"), ("分数上限", "Upper bound"),
            ("绩效系数", "Pay coeff."), ("培训强度", "Training"), ("职位晋升", "Promotion"),
            ("岗位级别", "Position level"), ("岗位工资调整", "Salary adjustment"), ("不及格", "Failing")))
        ws.write_row(1, 0, titles, self.s.get("header"))
        if self.lang.code != "zh":
            ws.set_row(1, row_height(max(wrapped_lines(title, 10) for title in titles)))
        for i, band in enumerate(self.inp.grades):
            row = 2 + i
            ws.write_string(row, 0, band.grade, self.s.get("cell"))
            ws.write_string(row, 1, band.name, self.s.get("cell"))
            ws.write_number(row, 2, num(band.min_score), self.s.get("cell", num="0.00"))
            if band.max_score is None:
                ws.write_string(row, 3, "—", self.s.get("cell"))
            else:
                ws.write_number(row, 3, num(band.max_score), self.s.get("cell", num="0.00"))
            ws.write_number(row, 4, num(band.pay_coefficient), self.s.get("cell", num="0%"))
            failing = self.say("是", "Yes") if band.failing else self.say("否", "No")
            for col, text in enumerate((band.training, band.promotion, band.level_change, band.salary_change,
                                        failing), start=5):
                ws.write_string(row, col, text, self.s.get("cell"))
        band_rows = (2, 1 + len(self.inp.grades))
        row = band_rows[1] + 3
        ws.write_string(row, 0, t("评分方法（value 为实际值，weight 为权重；得分四舍五入到分）",
                                  "Scoring methods (value is the actual value, weight the weight; points rounded to "
                                  "the cent)", sep=" "), self.s.get("section"))
        self.title_row(ws, row + 1, (("方法", "Method"), ("方向", "Direction"), ("得分公式", "Points formula")))
        row += 2
        for (method, direction), text in METHOD_FORMULAS.items():
            words = DIRECTIONS.get(direction)
            ws.write_row(row, 0, (self.say(METHOD_NAMES[method], METHOD_NAMES_EN[method]),
                                  self.say(*words) if words else "—", text), self.s.get("cell"))
            row += 1
        row += 1
        ws.write_string(row, 0, t("规则公式（总分、等级、系数、排名、加减分、工资；金额逐项四舍五入到分）",
                                  "Rule formulas (total, grade, coefficient, ranks, bonus and penalty, pay; each "
                                  "amount rounded to the cent)", sep=" "), self.s.get("section"))
        self.title_row(ws, row + 1, (("规则", "Rule"), ("", ""), ("公式", "Formula")))
        row += 2
        for name, text in every_rule():
            ws.write_row(row, 0, (name, "", text), self.s.get("cell"))
            row += 1
        row += 1
        ws.write_string(row, 0, t("指标库", "KPI library", sep=" "), self.s.get("section"))
        self.title_row(ws, row + 1, (("指标代码", "KPI code"), ("指标名称", "KPI name"), ("计算公式", "Formula"),
                                     ("单位", "Unit"), ("方向", "Direction"), ("指标定义", "Definition"),
                                     ("数据来源", "Source")))
        row += 2
        for kpi in self.inp.kpis.values():
            ws.write_row(row, 0, (kpi.code, kpi.name, kpi.formula.text, kpi.unit,
                                  self.say(*DIRECTIONS["higher" if kpi.direction == "higher" else "lower"]),
                                  kpi.definition, kpi.source),
                         self.s.get("cell"))
            row += 1
        for col, width in enumerate((18, 14, 60, 10, 10, 30, 14, 12, 14, 8)):
            ws.set_column(col, col, width)
        self.rules_last = row - 1
        return band_rows

    def title_row(self, ws, row: int, titles) -> None:
        """Column titles inside a sheet (规则's blocks): (Chinese, English) pairs, tall enough when bilingual."""
        ws.write_row(row, 0, [self.t(zh, en) for zh, en in titles], self.s.get("header"))
        if self.lang.bilingual:
            ws.set_row(row, row_height(2))

"""The summary workbook's 规则 sheet: the grade bands its lookups read, every scoring and rule formula, the KPIs.

Written by the summary's sheet writer (:class:`RulesSheet` is mixed into it), in the workbook's
language: titles and method words follow 语言, formulas and what the company typed stay as they are.
"""

from __future__ import annotations

from reporter.rules.engine import TOTAL_FORMULA
from reporter.rules.pay import PAY_FORMULAS
from reporter.rules.rulebook import ANNUAL_RULES, RULE_FORMULAS
from reporter.rules.scoring import METHOD_FORMULAS
from reporter.writers.wording import METHOD_NAMES, METHOD_NAMES_EN
from reporter.writers.xlsx.layout import num
from reporter.writers.xlsx.style import fit_row, text_width
from reporter.writers.xlsx.widths import RULES_WIDTHS

BAND_TITLES = (("等级", "Grade"), ("等级名称", "Grade name"), ("分数下限", "Lower bound"), ("分数上限", "Upper bound"),
               ("绩效系数", "Pay coeff."), ("培训强度", "Training"), ("职位晋升", "Promotion"),
               ("岗位级别", "Position level"), ("岗位工资调整", "Salary adjustment"), ("不及格", "Failing"))
METHOD_TITLES = (("方法", "Method"), ("方向", "Direction"), ("得分公式", "Points formula"))
KPI_TITLES = (("指标代码", "KPI code"), ("指标名称", "KPI name"), ("计算公式", "Formula"), ("单位", "Unit"),
              ("方向", "Direction"), ("指标定义", "Definition"), ("数据来源", "Source"))
DIRECTIONS = {"higher": ("越高越好", "higher is better"), "lower": ("越低越好", "lower is better"),
              "uncapped": ("不封顶", "uncapped")}


def every_rule() -> list[tuple[str, str]]:
    """Every rule's name and formula text but the scoring methods' (and the year-end ones, see
    reporter.writers.xlsx.annual), in the order a scorecard applies them."""
    period_rules = [(name, text) for name, text in RULE_FORMULAS.items() if name not in ANNUAL_RULES]
    return [("total", TOTAL_FORMULA), *period_rules, *PAY_FORMULAS.items()]


class RulesSheet:
    """The 规则 sheet; the writer's language (t, say, lang) and styles (s, inp) come from the summary."""

    def rules(self, ws) -> tuple[int, int]:
        t, say = self.t, self.say
        widths = self.rule_widths(ws)
        wrap, cell = self.s.get("wrap", valign="vcenter"), self.s.get("cell")
        ws.write_string(0, 0, t("等级标准（总分落在 [下限, 上限) 即为该等级；按下限升序排列供查表）",
                                "Grade bands (a total in [lower, upper) earns the grade; in ascending order for "
                                "the lookup)", sep=" "), self.s.get("section"))
        self.title_row(ws, 1, BAND_TITLES, widths)
        for i, band in enumerate(self.inp.grades):
            row = 2 + i
            words = (band.training, band.promotion, band.level_change, band.salary_change)
            fit_row(ws, row, [(text, widths[col]) for col, text in enumerate(words, start=5)])
            ws.write_string(row, 0, band.grade, cell)
            ws.write_string(row, 1, band.name, cell)
            ws.write_number(row, 2, num(band.min_score), self.s.get("cell", num="0.00"))
            if band.max_score is None:
                ws.write_string(row, 3, "—", cell)
            else:
                ws.write_number(row, 3, num(band.max_score), self.s.get("cell", num="0.00"))
            ws.write_number(row, 4, num(band.pay_coefficient), self.s.get("cell", num="0%"))
            failing = say("是", "Yes") if band.failing else say("否", "No")
            for col, text in enumerate((*words, failing), start=5):
                ws.write_string(row, col, text, wrap)
        band_rows = (2, 1 + len(self.inp.grades))
        row = band_rows[1] + 3
        ws.write_string(row, 0, t("评分方法（value 为实际值，weight 为权重；得分四舍五入到分）",
                                  "Scoring methods (value is the actual value, weight the weight; points rounded to "
                                  "the cent)", sep=" "), self.s.get("section"))
        self.title_row(ws, row + 1, METHOD_TITLES, widths)
        row += 2
        for (method, direction), text in METHOD_FORMULAS.items():
            words = DIRECTIONS.get(direction)
            texts = (say(METHOD_NAMES[method], METHOD_NAMES_EN[method]), say(*words) if words else "—", text)
            fit_row(ws, row, [(texts[col], widths[col]) for col in (1, 2)])
            ws.write_string(row, 0, texts[0], cell)
            for col in (1, 2):
                ws.write_string(row, col, texts[col], wrap)
            row += 1
        row += 1
        ws.write_string(row, 0, t("规则公式（总分、等级、系数、排名、加减分、工资；金额逐项四舍五入到分）",
                                  "Rule formulas (total, grade, coefficient, ranks, bonus and penalty, pay; each "
                                  "amount rounded to the cent)", sep=" "), self.s.get("section"))
        self.title_row(ws, row + 1, (("规则", "Rule"), ("", ""), ("公式", "Formula")), widths)
        row += 2
        for name, text in every_rule():
            fit_row(ws, row, [(text, widths[2])])
            ws.write_row(row, 0, (name, ""), cell)
            ws.write_string(row, 2, text, wrap)
            row += 1
        row += 1
        ws.write_string(row, 0, t("指标库", "KPI library", sep=" "), self.s.get("section"))
        self.title_row(ws, row + 1, KPI_TITLES, widths)
        row += 2
        for kpi in self.inp.kpis.values():
            texts = (kpi.code, kpi.name, kpi.formula.text, kpi.unit,
                     say(*DIRECTIONS["higher" if kpi.direction == "higher" else "lower"]), kpi.definition, kpi.source)
            fit_row(ws, row, [(texts[col], widths[col]) for col in (1, 2, 4, 5, 6)])
            for col, text in enumerate(texts):
                ws.write_string(row, col, text, wrap if col in (1, 2, 4, 5, 6) else cell)
            row += 1
        self.rules_last = row - 1
        return band_rows

    def rule_widths(self, ws) -> tuple[float, ...]:
        """Columns sized to content: codes and method names do not wrap (the formula column gives way); an
        English title's longest word fits its column (a title wraps between words, never inside one).
        """
        names = [*self.inp.kpis, *(name for name, _ in every_rule()),
                 *(self.say(METHOD_NAMES[m], METHOD_NAMES_EN[m]) for m, _ in METHOD_FORMULAS)]
        first = text_width(names, 12, 24)
        widths = [first, RULES_WIDTHS[1], RULES_WIDTHS[2] - max(0, first - RULES_WIDTHS[0]), *RULES_WIDTHS[3:]]
        if self.lang.code != "zh":
            for titles in (BAND_TITLES, METHOD_TITLES, KPI_TITLES):
                for col, (_, en) in enumerate(titles):
                    widths[col] = max([widths[col], *(len(word) + 1.5 for word in en.split())])
        for col, width in enumerate(widths):
            ws.set_column(col, col, width)
        return tuple(widths)

    def title_row(self, ws, row: int, titles, widths) -> None:
        """Column titles inside a sheet (规则's blocks): (Chinese, English) pairs, as tall as their lines."""
        words = [self.t(zh, en) for zh, en in titles]
        fit_row(ws, row, [(text, widths[col]) for col, text in enumerate(words)])
        ws.write_row(row, 0, words, self.s.get("header"))

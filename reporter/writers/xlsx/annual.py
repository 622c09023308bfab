"""The annual workbook of `reporter annual` (篇八 7): the year's roll-up, live, for HR.

Sheets: 年度汇总 (one row per employee: each period's total, the quarter scores under 季度加权, the
annual score, grade, months appraised, eligibility, coefficient, bonus weight and bonus, promotion
candidate), 等级与晋升 (each period's grade and the running streak of top grades the promotion rule
reads) and 参数 (the settings used, the grade bands, the budget's totals and residue, every annual
rule's formula).  Each figure is the formula of its rule in reporter.rules.rulebook over these
cells, cached with the value the roll-up computed from the same rule, so a viewer that does not
recalculate shows the same numbers as one that does; change the budget or a weight on 参数 and the
workbook follows.  Sheet names and labels follow 语言.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from reporter.period import Period
from reporter.rules.annual import SCORE_RULES, AnnualResult
from reporter.rules.rulebook import ANNUAL_FORMULAS, annual_coefficient, rule
from reporter.writers.language import language
from reporter.writers.xlsx.layout import num
from reporter.writers.xlsx.pages import print_words
from reporter.writers.xlsx.style import (
    MONEY,
    RuleSheet,
    Styles,
    new_workbook,
    print_setup,
    row_height,
    wrapped_lines,
)

RULE_WORDS = {"months": ("月度平均", "Mean of months"), "quarters": ("季度加权", "Weighted quarters"),
              "plan": ("年度方案", "Annual plan")}
KIND_WORDS = {"month": ("月度", "monthly"), "quarter": ("季度", "quarterly"), "half": ("半年度", "half-yearly"),
              "year": ("年度", "annual")}
ROW = "#ROW#"  # stands for the row number in a formula translated once for every row (no formula holds it)
PRINT_SCALE = 68  # percent: a year of months (or the results) across one landscape A4 page
FIRST = 2  # data rows start here on both people sheets (row 0 the title, row 1 the column titles)
BAND_TITLES = (("等级", "Grade"), ("等级名称", "Grade name"), ("分数下限", "Lower bound"), ("分数上限", "Upper bound"),
               ("绩效系数", "Pay coeff."), ("年终奖系数", "Bonus coeff."), ("培训强度", "Training"),
               ("职位晋升", "Promotion"))


@dataclass(frozen=True)
class _Header:
    """What print_setup reads of a period's settings: the company and a period (here the year)."""

    company: str
    period: Period


def cell(row: int, col: int, absolute: bool = False) -> str:
    return xl_rowcol_to_cell(row, col, row_abs=absolute, col_abs=absolute)


def span(row: int, first: int, last: int, sheet: str = "", absolute: bool = False) -> str:
    """A one-row range (a single cell's range when first == last), on ``sheet`` when given."""
    ref = f"{cell(row, first, absolute)}:{cell(row, last, absolute)}"
    return f"'{sheet}'!{ref}" if sheet else ref


class _AnnualBook:
    def __init__(self, book, result: AnnualResult):
        self.book, self.result, self.s = book, result, Styles(book)
        self.policy = result.policy
        self.lang = language(self.policy.language)
        self.t, self.n = self.lang.label, self.lang.inline
        self.names = (self.n("年度汇总", "Annual summary"), self.n("等级与晋升", "Grades and promotion"),
                      self.n("参数", "Parameters"))
        self.header_info = _Header(self.policy.company, Period(result.year, "year", 1))
        p = len(result.periods)
        self.year_col = 5 + p if result.year_period and result.year_period not in result.periods else None
        self.q_col = 5 + p + (self.year_col is not None)
        quarters = 4 if self.policy.score_rule == "quarters" else 0
        first = self.q_col + quarters
        self.col = {name: first + i for i, name in enumerate(
            ("periods", "months", "score", "grade", "eligible", "base", "coefficient", "weight", "bonus", "candidate"))}
        self.last_col = self.col["candidate"]
        self.params = self.parameter_cells()
        self.last = FIRST + len(result.rows) - 1
        self.templates: dict[tuple[str, str], str] = {}

    # -- where things are -----------------------------------------------------

    def parameter_cells(self) -> dict[str, str]:
        """The 参数 sheet's cells the formulas read: fixed rows, so the people sheets can be written first."""
        sheet = self.names[2]
        at = {key: f"'{sheet}'!$B${row + 1}" for key, row in PARAMETER_ROWS.items()}
        at.update({f"q{q}_weight": f"'{sheet}'!${xl_col_to_name(q)}${PARAMETER_ROWS['quarter_weights'] + 1}"
                   for q in range(1, 5)})
        top = PARAMETER_ROWS["top_grades"]
        at["top_grades"] = span(top, 1, max(1, len(self.policy.top_grades)), sheet, True)
        at["blank"] = f"'{sheet}'!$D${PARAMETER_ROWS['period_months'] + 1}"  # always empty: an empty quarter's cells
        first, last = BAND_ROW + 1, BAND_ROW + len(self.policy.grades)
        for name, col in (("band_grade", 0), ("band_min", 2), ("band_bonus_coefficient", 5)):
            letter = xl_col_to_name(col)
            at[name] = f"'{sheet}'!${letter}${first + 1}:${letter}${last + 1}"
        return at

    def refs(self) -> dict[str, str]:
        """Every name of the annual rules on an employee's row, the row number left as ROW (see :meth:`formula`)."""
        r, c, p = self.result, self.col, len(self.result.periods)
        at = {name: f"{xl_col_to_name(col)}{ROW}" for name, col in c.items()}
        totals = f"{xl_col_to_name(5)}{ROW}:{xl_col_to_name(4 + p)}{ROW}"
        refs = dict(self.params)
        refs.update(period_totals=totals, score_totals=totals, annual_periods=at["periods"],
                    months_appraised=at["months"], total=at["score"], grade=at["grade"], eligible=at["eligible"],
                    bonus_base=at["base"], bonus_coefficient=at["coefficient"], bonus_weight=at["weight"],
                    bonus_weight_total=self.params["weight_total"],
                    top_streaks=f"'{self.names[1]}'!{xl_col_to_name(2 + p)}{ROW}:{xl_col_to_name(1 + 2 * p)}{ROW}")
        if r.score_columns == "year" and self.year_col is not None:
            refs["score_totals"] = f"{xl_col_to_name(self.year_col)}{ROW}:{xl_col_to_name(self.year_col)}{ROW}"
        for q in range(1, 5):
            columns = r.quarter_columns(q)
            refs[f"q{q}"] = f"{xl_col_to_name(self.q_col + q - 1)}{ROW}"
            refs[f"q{q}_totals"] = (f"{xl_col_to_name(5 + columns[0])}{ROW}:{xl_col_to_name(5 + columns[-1])}{ROW}"
                                    if columns else self.params["blank"])
        return refs

    # -- sheets ---------------------------------------------------------------

    def write(self) -> None:
        people, grades, params = (self.book.add_worksheet(name, worksheet_class=RuleSheet) for name in self.names)
        self.people(people)
        self.grades(grades)
        self.parameters(params)
        n, info = self.n, self.header_info
        for ws, title, landscape in ((people, n("年度绩效汇总", "Annual results"), True),
                                     (grades, n("等级与晋升", "Grades and promotion"), True),
                                     (params, n("参数与规则", "Parameters and rules"), False)):
            # The people sheets print at a fixed scale in two parts side by side (the periods, then the
            # results), 工号 and 姓名 repeated, page by page across then down: fitted to one page wide,
            # thirty columns would print too small to read.
            scale = PRINT_SCALE if ws is not params else None
            print_setup(ws, info, title, landscape=landscape, repeat=1 if ws is not params else None, scale=scale)
            print_words(ws, info, self.lang, title)
            if ws is not params:
                ws.repeat_columns(0, 1)
                ws.print_across()
        people.set_v_pagebreaks([self.q_col])
        grades.set_v_pagebreaks([2 + len(self.result.periods)])

    def title(self, ws, text: str, last_col: int) -> None:
        ws.set_row(0, 24)
        ws.merge_range(0, 0, 0, last_col, text, self.s.get("title"))

    def titles(self, ws, row: int, words: list[tuple[str, str]], widths: list[float]) -> None:
        """Column titles in the workbook's language, each column wide enough for its longest English word,
        the row as tall as the most wrapped title."""
        texts = [self.t(zh, en) for zh, en in words]
        lines = 1
        for col, (text, width) in enumerate(zip(texts, widths, strict=True)):
            if self.lang.code != "zh":
                width = max([width, *(len(word) + 1.5 for word in text.split())])
            ws.set_column(col, col, width)
            lines = max(lines, wrapped_lines(text, width))
        ws.set_row(row, row_height(lines))
        ws.write_row(row, 0, texts, self.s.get("header"))

    def people(self, ws) -> None:
        r, p = self.result, self.policy
        year_words = self.lang.say(f"{r.year}年度绩效汇总 · {p.company}", f"Annual results {r.year} · {p.company}")
        self.title(ws, year_words, self.q_col - 1)  # over the first printed part only
        words = [("工号", "ID"), ("姓名", "Name"), ("公司", "Company"), ("部门", "Dept."), ("岗位", "Role")]
        words += [(key, key) for key in r.periods]
        if self.year_col is not None:
            words.append((f"{r.year_period} 年度", f"{r.year_period} year"))
        if p.score_rule == "quarters":
            words += [(f"第{q}季度", f"Q{q}") for q in range(1, 5)]
        words += [("计分期数", "Periods scored"), ("考核月数", "Months appraised"), ("年度得分", "Annual score"),
                  ("年度等级", "Annual grade"), ("年终奖资格", "Bonus eligible"), ("年终奖基数", "Bonus base"),
                  ("年终奖系数", "Bonus coeff."), ("奖金权重", "Bonus weight"), ("年终奖", "Year-end bonus"),
                  ("晋升候选", "Promotion candidate")]
        widths = [10, 8, 10, 10, 10, *([7.5] * (len(words) - 15)), 8, 8, 9, 8, 9, 11, 9, 12, 12, 9]
        self.titles(ws, 1, words, widths)
        cell_fmt, score = self.s.get("cell"), self.s.get("cell", num="0.00")
        money, percent = self.s.get("cell", num=MONEY), self.s.get("cell", num="0%")
        yes = self.yes_no_format(("是", "Yes"), ("否", "No"))
        candidate = self.yes_no_format(("候选", "Candidate"), ("—", "—"))
        c, centred = self.col, self.s.get("cell", align="center")
        refs = self.refs()
        for i, row in enumerate(r.rows):
            at = FIRST + i
            ws.write_row(at, 0, [row.employee_id, row.name, row.company, row.department, row.role], cell_fmt)
            for j, total in enumerate(row.totals):
                self.number(ws, at, 5 + j, total, score)
            if self.year_col is not None:
                self.number(ws, at, self.year_col, row.year_total, score)
            for q, value in enumerate(row.quarters, start=1):
                self.formula(ws, at, self.q_col + q - 1, "quarter_score", {"quarter_totals": refs[f"q{q}_totals"]},
                             value, score, key=f"q{q}")
            self.formula(ws, at, c["periods"], "annual_periods", refs, row.periods_scored, cell_fmt)
            self.formula(ws, at, c["months"], "months_appraised", refs, row.months_appraised, cell_fmt)
            self.formula(ws, at, c["score"], SCORE_RULES[p.score_rule], refs, row.score, score)
            self.formula(ws, at, c["grade"], "annual_grade", refs, row.grade.grade if row.grade else "", centred)
            self.formula(ws, at, c["eligible"], "annual_eligible", refs, int(row.eligible), yes)
            self.number(ws, at, c["base"], row.bonus_base, money)
            self.formula(ws, at, c["coefficient"], "annual_bonus_coefficient", refs, row.coefficient, percent)
            self.formula(ws, at, c["weight"], "annual_bonus_weight", refs, row.bonus_weight, money)
            self.formula(ws, at, c["bonus"], "annual_bonus", refs, row.bonus, money)
            self.formula(ws, at, c["candidate"], "promotion_candidate", refs, int(row.promotion_candidate), candidate)
        ws.freeze_panes(FIRST, 2)
        ws.autofilter(1, 0, max(self.last, FIRST), self.last_col)

    def grades(self, ws) -> None:
        r, p = self.result, len(self.result.periods)
        self.title(ws, self.lang.say(f"{r.year}年各期等级与连续晋升等级期数", f"Grades of {r.year} and runs of top grades"),
                   1 + p)
        words = [("工号", "ID"), ("姓名", "Name"), *((f"{k} 等级", f"{k} grade") for k in r.periods),
                 *((f"{k} 连续", f"{k} run") for k in r.periods)]
        self.titles(ws, 1, words, [10, 8, *([7.5] * (2 * p))])
        cell_fmt = self.s.get("cell")
        for i, row in enumerate(r.rows):
            at = FIRST + i
            ws.write_row(at, 0, [row.employee_id, row.name], cell_fmt)
            ws.write_row(at, 2, list(row.grades), self.s.get("cell", align="center"))
            for j, streak in enumerate(row.streaks):
                previous = f"{xl_col_to_name(1 + p + j)}{ROW}" if j else "0"
                refs = {"top_grades": self.params["top_grades"], "grade": f"{xl_col_to_name(2 + j)}{ROW}",
                        "previous_streak": previous}
                self.formula(ws, at, 2 + p + j, "top_streak", refs, streak, cell_fmt, key=str(j))
        ws.freeze_panes(FIRST, 2)

    def parameters(self, ws) -> None:
        r, p, t, say = self.result, self.policy, self.t, self.lang.say
        label, cell_fmt, wrap = self.s.get("label"), self.s.get("cell"), self.s.get("wrap")
        ws.set_column(0, 0, 22)
        ws.set_column(1, 7, 12)
        ws.set_column(2, 2, 14)
        self.title(ws, self.lang.say(f"{r.year}年度汇总的参数与规则", f"Parameters and rules of {r.year}"), 7)
        periods = f"{r.periods[0]} – {r.periods[-1]}" if len(r.periods) > 1 else r.periods[0]
        kind = say(*KIND_WORDS[r.kind])
        texts = {
            "company": p.company, "year": str(r.year),
            "source": say(f"{p.source}（该年最后一个考核期间记录的设置）", f"{p.source} (the settings recorded with the "
                          "year's latest period)"),
            "periods": f"{periods} ({kind})" + (f" + {r.year_period}" if self.year_col is not None else ""),
            "ignored": "、".join(r.ignored) or "—", "score_rule": say(*RULE_WORDS[p.score_rule]),
            "rounding": say("得分四舍五入到 0.01；年终奖逐人四舍五入到分，预算余差不再分配",
                            "Scores rounded to 0.01; each bonus rounded half away from zero to the cent; the "
                            "budget's residue is not shared out"),
        }
        money = self.s.get("cell", num=MONEY)
        bonus_range = self.people_column("bonus")
        cells = {  # key → (value, format) or a callable writing the row's cells; written row by row (streaming)
            "quarter_weights": lambda row: [ws.write_number(row, q, num(w), self.s.get("cell", num="0%"))
                                            for q, w in enumerate(p.quarter_weights, start=1)],
            "period_months": (r.period_months, cell_fmt), "min_months": (p.min_months, cell_fmt),
            "bonus_budget": (p.budget, money), "promotion_periods": (p.promotion_periods, cell_fmt),
            "top_grades": lambda row: ws.write_row(row, 1, list(p.top_grades), cell_fmt),
            "weight_total": lambda row: self.formula(ws, row, 1, "annual_bonus_weight_total",
                                                     {"bonus_weights": self.people_column("weight")},
                                                     r.weight_total, money),
            "bonus_total": lambda row: ws.write_formula(row, 1, f"=SUM({bonus_range})", money, num(r.bonus_total)),
            "residue": lambda row: self.formula(ws, row, 1, "annual_bonus_residue",
                                                {"bonus_budget": self.params["bonus_budget"], "bonuses": bonus_range},
                                                r.residue, money),
        }
        for key, row in PARAMETER_ROWS.items():
            ws.write_string(row, 0, t(*PARAMETER_WORDS[key], sep=" "), label)
            what = cells.get(key)
            if key in texts:
                ws.write_string(row, 1, texts[key], cell_fmt)
            elif callable(what):
                what(row)
            else:
                self.number(ws, row, 1, what[0], what[1])
            if key == "bonus_budget" and p.budget is None:
                ws.write_string(row, 2, say("（未设预算：年终奖 = 基数 × 系数）", "(no budget: bonus = base × coefficient)"))
        ws.write_string(BAND_ROW - 1, 0, t("等级标准（年度得分落在 [下限, 上限) 即为该等级）",
                                           "Grade bands (an annual score in [lower, upper) earns the grade)", sep=" "),
                        self.s.get("section"))
        ws.write_row(BAND_ROW, 0, [t(zh, en) for zh, en in BAND_TITLES], self.s.get("header"))
        for i, g in enumerate(p.grades, start=BAND_ROW + 1):
            ws.write_row(i, 0, [g.grade, g.name], cell_fmt)
            ws.write_number(i, 2, num(g.min_score), self.s.get("cell", num="0.00"))
            self.number(ws, i, 3, g.max_score, self.s.get("cell", num="0.00"))
            ws.write_number(i, 4, num(g.pay_coefficient), self.s.get("cell", num="0%"))
            ws.write_number(i, 5, num(annual_coefficient(g)), self.s.get("cell", num="0%"))
            ws.write_row(i, 6, [g.training, g.promotion], wrap)
        row = BAND_ROW + len(p.grades) + 2
        ws.write_string(row, 0, t("年度规则公式（各单元格即按此计算）", "Annual rule formulas (each cell computes by one)",
                                  sep=" "), self.s.get("section"))
        for name, text in ANNUAL_FORMULAS.items():
            row += 1
            ws.write_string(row, 0, name, cell_fmt)
            ws.merge_range(row, 1, row, 7, text, wrap)
            ws.set_row(row, 15 * (len(text) // 110 + 1) + 2)

    # -- cells ----------------------------------------------------------------

    def people_column(self, name: str) -> str:
        """The 年度汇总 column of ``name`` (weight, bonus) over everyone's rows."""
        letter = xl_col_to_name(self.col[name])
        return f"'{self.names[0]}'!${letter}${FIRST + 1}:${letter}${max(self.last, FIRST) + 1}"

    def formula(self, ws, row: int, col: int, name: str, refs: dict, value, fmt, key: str = "") -> None:
        """The rule's formula over ``refs``, cached with ``value``.  Translated once per rule (and ``key``) with
        the row number left as ROW, then given each row's number: 10,000 rows, one translation."""
        template = self.templates.get((name, key))
        if template is None:
            template = self.templates[(name, key)] = "=" + rule(name).to_excel(refs)
        cached = "" if value is None else value
        ws.write_formula(row, col, template.replace(ROW, str(row + 1)), fmt, num(cached))

    @staticmethod
    def number(ws, row: int, col: int, value: Decimal | None, fmt) -> None:
        if value is None:
            ws.write_blank(row, col, None, fmt)
        else:
            ws.write_number(row, col, num(value), fmt)

    def yes_no_format(self, yes: tuple[str, str], no: tuple[str, str]):
        """1 and 0 shown as words: the cell stays the rule's number, which formulas and filters read."""
        words = [self.lang.inline(*yes), self.lang.inline(*no)]
        return self.s.get("cell", num='"{0}";"{0}";"{1}"'.format(*words), align="center")


PARAMETER_WORDS = {
    "company": ("公司", "Company"), "year": ("年度", "Year"), "source": ("设置来源", "Settings of"),
    "periods": ("汇总的考核期间", "Periods rolled up"), "ignored": ("未汇总的期间", "Periods not rolled up"),
    "score_rule": ("年度得分方式", "Annual score rule"), "quarter_weights": ("季度权重（一至四季度）", "Quarter weights (Q1–Q4)"),
    "period_months": ("每期月数", "Months per period"), "min_months": ("年度最少考核月数", "Minimum months appraised"),
    "bonus_budget": ("年终奖预算", "Bonus budget"), "weight_total": ("奖金权重合计", "Total bonus weight"),
    "bonus_total": ("年终奖合计", "Total bonus"), "residue": ("预算余差（舍入）", "Budget residue (rounding)"),
    "promotion_periods": ("晋升连续期数", "Top grades in a row"), "top_grades": ("晋升等级", "Top grades"),
    "rounding": ("舍入规则", "Rounding"),
}
PARAMETER_ROWS = {key: 2 + i for i, key in enumerate(PARAMETER_WORDS)}
BAND_ROW = 2 + len(PARAMETER_WORDS) + 2  # the band table's title row


def render_annual_workbook(result: AnnualResult, target, created: datetime, *, streaming: bool = False) -> None:
    """Write the annual workbook to ``target`` (a path, or a binary stream when not ``streaming``)."""
    book = new_workbook(target, created, streaming=streaming)
    _AnnualBook(book, result).write()
    book.close()

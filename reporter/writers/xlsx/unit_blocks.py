"""The unit scorecard's layout and the blocks below its score (see :mod:`.unit_scorecard`).

Where every block sits is fixed first (:func:`unit_layout`): the unit score's
formulas read the people's totals and the grade bands, the KPI values read the
unit's data, all written further down.  :class:`UnitBlocks` writes those
blocks (the people under the unit, the unit's data, the alignment of its lines,
the grade bands, the signatures) and plans the page breaks between them; it is
mixed into the sheet, whose small writers (text, number, merge, fit …) it uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from reporter.model import PeriodResult, UnitResult
from reporter.rules.alignment import AlignedLine, alignment, unsupported
from reporter.writers.xlsx.appendix import UNITS_EN
from reporter.writers.xlsx.style import DEFAULT_ROW_HEIGHT, KIND_FORMATS, KIND_UNITS, page_height

COLUMNS = ("序号", "类别", "维度", "考核项目", "行代码", "权重", "目标值", "下限", "封顶", "每单位扣分", "实际值", "得分",
           "评分标准")
COLUMNS_EN = ("No.", "Category", "Dimension", "Item", "Line code", "Weight", "Target", "Floor", "Cap", "Per unit",
              "Actual", "Points", "Scoring standard")
# A4 landscape at PRINT_SCALE, as the person scorecard (layout.WIDTHS): two more columns, a narrower standard.
WIDTHS = (4.5, 8, 10, 12, 7, 6.5, 12.5, 9, 6.5, 6, 12.5, 6.5, 31.5)
PRINT_SCALE = 80
PARAM_COLUMN = {"weight": 5, "target": 6, "floor": 7, "cap": 8, "step": 9}
VALUE_COL, POINTS_COL, STANDARD_COL = 10, 11, 12
DATA_VALUE_COL = 6  # the unit data's values: a column as wide as the target's
LAST_COL = STANDARD_COL
DETAILS_ROW, ITEMS_HEADER_ROW = 2, 4
SECTION_ROWS = 3  # a blank row, the block's title, its column titles
SPACER_HEIGHT = 8
FLAG_FILL = "#FFC7CE"  # the worst grade's red (style.GRADE_COLOURS): an upper KPI that nothing below supports
LEVEL_NAMES = {"group": ("集团", "Group"), "company": ("区域公司", "Regional company"),
               "department": ("部门", "Department")}
DIMENSION_NAMES = {"scale_profit": ("规模与盈利", "Scale and profit"), "customer": ("客户", "Customers"),
                   "operations": ("内部运营", "Internal operations"), "people": ("人与组织", "People and organisation")}
SCORE_RULES = {"own": ("本单位方案", "own plan"), "blended": ("与员工平均加权", "blended with its people's average")}


@dataclass(frozen=True)
class UnitLayout:
    """First row of every block of a unit scorecard."""

    lines: int
    summary: int  # own total, people's count and average, [own weight,] unit score, grade, rank
    people: int  # first row of the people (a block of at least one row)
    measures: int
    alignment: int
    bands: int
    signatures: int


def unit_measures(result: PeriodResult, unit: UnitResult) -> list[str]:
    """The 单位数据 measures the unit's KPI lines read, in order of first use."""
    names: list[str] = []
    for lr in unit.lines:
        kpi = result.input.kpis.get(lr.line.kpi)
        for name in sorted(kpi.formula.names) if kpi else [lr.line.kpi] if lr.line.kpi else []:
            if name not in names:
                names.append(name)
    return names


def unit_layout(result: PeriodResult, unit: UnitResult, measures: list[str], blended: bool) -> UnitLayout:
    lines = ITEMS_HEADER_ROW + 1
    summary = lines + len(unit.lines)
    people = summary + 6 + (1 if blended else 0) + SECTION_ROWS
    measures_at = people + max(1, len(unit.people)) + SECTION_ROWS
    aligned = measures_at + len(measures) + SECTION_ROWS
    bands = aligned + len(unit.lines) + SECTION_ROWS
    return UnitLayout(lines, summary, people, measures_at, aligned, bands, bands + len(result.input.grades))



class UnitBlocks:
    """The blocks below the score; the sheet's small writers come from the sheet."""

    def people(self):
        t, say = self.t, self.say
        row = self.section(self.at.people - SECTION_ROWS, self.fit("所属员工", "People under the unit", 0, 4),
                           say("本期已考核的员工及其总分（生成时的值）", "The appraised employees and their totals, as built"))
        titles = (t("序号", "No."), t("工号", "Employee ID"), "", t("姓名", "Name"), t("公司 · 部门", "Company · department"),
                  "", "", "", "", "", "", t("总分", "Total"), t("等级", "Grade"))
        self.merged_titles(row, titles)
        results = {r.employee.employee_id: r for r in self.result.appraised}
        for i, eid in enumerate(self.u.people):
            r, row = results[eid], self.at.people + i
            self.number(row, 0, i + 1, "0", align="center")
            self.ws.merge_range(row, 1, row, 2, eid, self.s.get("cell"))
            self.text(row, 3, r.employee.name)
            where = f"{r.employee.company} · {r.employee.department}"
            self.ws.merge_range(row, 4, row, 10, where, self.s.get("cell"))
            self.number(row, POINTS_COL, r.total, "0.00")
            self.text(row, STANDARD_COL, f"{r.grade.grade} {r.grade.name}")
        if not self.u.people:
            self.ws.merge_range(self.at.people, 0, self.at.people, VALUE_COL,
                                say("无已考核员工", "No appraised employees"), self.s.get("cell"))
            self.ws.write_blank(self.at.people, POINTS_COL, None, self.s.get("cell"))
            self.ws.write_blank(self.at.people, STANDARD_COL, None, self.s.get("cell"))

    def merged_titles(self, row: int, titles: tuple[str, ...]):
        """A block's column titles, each spanning the blank titles after it (its values span those columns)."""
        fmt, col, texts = self.s.get("header"), 0, []
        while col < len(titles):
            last = col
            while last + 1 < len(titles) and titles[last + 1] == "":
                last += 1
            self.merge(row, col, last, titles[col], fmt)
            texts.append((titles[col], col, last))
            col = last + 1
        self.fit_height(row, texts)

    def data(self):
        t, say = self.t, self.say
        row = self.section(self.at.measures - SECTION_ROWS,
                           self.fit("单位数据", "Unit data", 0, 4),
                           say("黄色单元格为输入；修改后重新计算，得分、等级随之更新",
                               "Yellow cells are inputs: change one and recalculate, and points and grade follow"))
        self.merged_titles(row, (t("序号", "No."), t("度量名称", "Measure"), "", "", "", "", t("数值", "Value"),
                                 t("单位", "Unit"), t("度量代码 · 数据来源", "Measure code · source"), "", "", "", ""))
        values = self.inp.unit_measures.get(self.u.unit.code, {})
        for i, name in enumerate(self.measures):
            row, definition = self.at.measures + i, self.inp.measure_defs.get(name)
            kind = definition.kind if definition else "number"
            label = definition.name if definition else name
            self.number(row, 0, i + 1, "0", align="center")
            self.ws.merge_range(row, 1, row, 5, label, self.s.get("cell", text_wrap=True))
            self.number(row, DATA_VALUE_COL, values.get(name, Decimal(0)), KIND_FORMATS.get(kind, "#,##0.00"),
                        editable=True, kind=kind)
            unit = KIND_UNITS.get(kind, "")
            self.text(row, 7, say(unit, UNITS_EN.get(unit, unit)), self.s.get("cell", align="center"))
            code = f"{name} · {definition.source}" if definition and definition.source else name
            self.ws.merge_range(row, 8, row, LAST_COL, code, self.s.get("cell"))

    def aligned(self):
        t, say = self.t, self.say
        row = self.section(self.at.alignment - SECTION_ROWS, self.fit("指标承接", "Alignment", 0, 4),
                           say("下级单位与员工的考核项目中「支撑上级指标」为本单位行代码的各行",
                               "The lines of the units and people below whose “supports” names a line of this unit"))
        self.merged_titles(row, (t("序号", "No."), t("行代码", "Line code"), "", t("考核项目", "Item"), "",
                                 t("支撑的下级指标", "Supported by"), "", "", "", "", "", "", ""))
        code = self.u.unit.code
        mine = [a for a in alignment(self.inp) if a.unit == code and a.term == self.u.plan.term]
        flagged = {id(a) for a in unsupported(tuple(mine), self.inp)}
        names = {e.employee_id: e.name for e in self.inp.employees}
        for i, a in enumerate(mine):
            row = self.at.alignment + i
            self.number(row, 0, i + 1, "0", align="center")
            self.ws.merge_range(row, 1, row, 2, a.line.code, self.s.get("cell"))
            self.ws.merge_range(row, 3, row, 4, a.line.item, self.s.get("cell", text_wrap=True))
            if id(a) in flagged:  # a KPI of a unit with units or people below it, which none of them supports
                text, fmt = say("无下级支撑", "Not supported by any line below"), self.s.get("cell", bold=True,
                                                                                       bg_color=FLAG_FILL)
            else:
                text, fmt = self.supporters(a, names) or "—", self.s.get("cell", text_wrap=True)
            self.ws.merge_range(row, 5, row, LAST_COL, text, fmt)
            self.fit_height(row, [(a.line.item, 3, 4), (text, 5, LAST_COL)])

    def supporters(self, a: AlignedLine, names: dict[str, str]) -> str:
        """Child units' lines one by one; people grouped by the item of their line."""
        sep, colon = self.say("、", ", "), self.say("：", ": ")
        units = [f"{s.owner} {self.inp.units[s.owner].name}{colon}{s.line.code} {s.line.item}"
                 for s in a.supporters if not s.person]
        items: dict[str, list[str]] = {}
        for s in a.supporters:
            if s.person:
                items.setdefault(s.line.item, []).append(f"{s.owner} {names.get(s.owner, '')}".strip())
        people = [f"{sep.join(ids)}{colon}{item}" for item, ids in items.items()]
        return self.say("；", "; ").join(units + people)

    def bands(self):
        t = self.t
        row = self.section(self.at.bands - SECTION_ROWS, self.fit("等级标准", "Grade bands", 0, 4),
                           self.say("单位得分落在 [下限, 上限) 区间即为该等级", "A unit score in [lower, upper) earns the grade"))
        self.merged_titles(row, (t("等级", "Grade"), t("等级名称", "Name"), "", t("分数下限", "Lower bound"),
                                 t("分数上限", "Upper bound"), ""))
        for i, band in enumerate(self.inp.grades):  # ascending by lower bound, as the grade rule's MATCH needs
            row = self.at.bands + i
            self.text(row, 0, band.grade, self.s.get("cell", align="center"))
            self.ws.merge_range(row, 1, row, 2, band.name, self.s.get("cell"))
            self.number(row, 3, band.min_score, "0.00")
            upper = "—" if band.max_score is None else float(band.max_score)
            self.ws.merge_range(row, 4, row, 5, upper, self.s.get("cell", num="0.00", align="right"))

    def signatures(self):
        """The unit's head and the head of the unit above sign (the group's plan: its appraiser)."""
        self.set_height(self.at.signatures, SPACER_HEIGHT)
        t, u = self.t, self.u.unit
        parent = self.inp.units.get(u.parent)
        upper = (self.fit("上级单位负责人签字：", "Parent unit head's signature:", 0, 3) if parent
                 else self.fit(f"{self.inp.settings.appraiser_title}签字：", "Appraiser's signature:", 0, 3))
        date = t("日期：", "Date:")
        row = self.at.signatures + 1
        for label in (self.fit("单位负责人签字：", "Unit head's signature:", 0, 3), upper):
            self.ws.merge_range(row, 0, row, 3, label, self.wrapping("", valign="bottom"))
            self.ws.merge_range(row, 4, row, 6, "", self.s.get("sign"))
            self.text(row, 8, date, self.wrapping("", valign="bottom"))
            self.ws.merge_range(row, 9, row, 10, "", self.s.get("sign"))
            self.set_height(row, 26)
            self.fit_height(row, [(label, 0, 3), (date, 8)])
            row += 1

    def page_breaks(self) -> list[int]:
        """Before a block that would not fit on the rest of its page, so no block's titles print apart from it.

        The rows are laid out as the printer will: a page holds page_height(PRINT_SCALE) points, the two
        title rows repeated atop each; where a page is full the printer breaks by itself (a long plan, a
        group's long list of people). A block longer than a page starts where its titles and three rows fit.
        """
        room, at = page_height(PRINT_SCALE), self.at
        starts = [at.people - SECTION_ROWS, at.measures - SECTION_ROWS, at.alignment - SECTION_ROWS,
                  at.bands - SECTION_ROWS]
        ends = dict(zip(starts, [*starts[1:], at.signatures + 3], strict=True))  # signatures stay with the bands

        def height(first: int, last: int) -> float:
            return sum(self.heights.get(r, DEFAULT_ROW_HEIGHT) for r in range(first, last))

        repeated, breaks, used = height(0, 2), [], 0.0
        for row in range(at.signatures + 3):
            if row in ends:
                block = height(row, ends[row])
                need = block if block <= room - repeated else height(row, row + SECTION_ROWS + 3)
                if used + need > room and used > repeated:
                    breaks.append(row)
                    used = repeated
            if used + height(row, row + 1) > room:  # the printer's own break
                used = repeated
            used += height(row, row + 1)
        return breaks

"""The summary workbook's sheets of 篇七's cascade: 单位汇总, 目标对齐 and 目标调整.

Written by the summary's sheet writer (:class:`UnitSheets` is mixed into it, which supplies the
styles, the language, :meth:`header`, :meth:`formula` and :meth:`summary_ref`).  单位汇总 is live
where the rulebook defines the rule: a unit's people count and average are rulebook formulas over
its people's totals, listed below the units (each a reference to 汇总, so a corrected scorecard
moves them); its score, grade and rank among its peers are rulebook formulas over the row and the
column of its peers.  目标对齐 lists who supports each upper line and flags the KPIs nobody does;
目标调整 is the audit of every changed target, of a unit's plan or a person's.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from reporter.input.columns import CHANGE_REASONS, LEVELS
from reporter.input.schema import sheet_by_key
from reporter.model import AppraisalInput, Employee, PlanLine
from reporter.period import Period
from reporter.rules.alignment import alignment, unsupported
from reporter.rules.rulebook import rule
from reporter.writers.payroll_csv import status
from reporter.writers.xlsx.layout import num
from reporter.writers.xlsx.pages import print_words
from reporter.writers.xlsx.scorecard import CATEGORY_NAMES, CATEGORY_NAMES_EN
from reporter.writers.xlsx.style import (
    fit_row,
    percent_format,
    print_setup,
    row_height,
    text_width,
    wrapped_lines,
)

UNIT_TITLES = (("层级", "Level"), ("单位代码", "Code"), ("单位名称", "Name"), ("上级单位", "Parent"),
               ("负责人", "Head"), ("期限", "Term"), ("方案得分", "Plan total"), ("考核人数", "People"),
               ("人员平均分", "People average"), ("单位得分", "Unit score"), ("等级", "Grade"),
               ("同级排名", "Rank"))
U = {zh: col for col, (zh, _) in enumerate(UNIT_TITLES)}
# The people block below the units, in columns 1–6 (as wide as the units' code, name, parent, head, term, total).
PEOPLE_TITLES = (("部门代码", "Dept. code"), ("部门", "Department"), ("工号", "ID"), ("姓名", "Name"),
                 ("考核状态", "Status"), ("总分", "Total"))
ALIGN_TITLES = (("单位代码", "Unit"), ("单位名称", "Unit name"), ("期限", "Term"), ("行代码", "Line code"),
                ("考核项目", "Item"), ("类别", "Category"), ("维度", "Dimension"), ("支撑方", "Supported by"),
                ("代码/工号", "Code / ID"), ("名称/姓名", "Name"), ("支撑行", "Supporting line"))
CHANGE_TITLES = (("方案", "Plan"), ("方案对象", "Owner"), ("适用员工", "Applies to"), ("期限", "Term"),
                 ("考核项目", "Line"), ("原目标值", "Original target"), ("新目标值", "New target"),
                 ("调整原因", "Reason"), ("批准人", "Approved by"), ("工作表", "Sheet"), ("行", "Row"))
DIMENSION_WORDS = {"scale_profit": ("规模与盈利", "Scale and profit"), "customer": ("客户", "Customers"),
                   "operations": ("内部运营", "Internal operations"), "people": ("人与组织", "People and organisation")}
PLAN_KINDS = {"unit": ("单位方案", "Unit plan"), "role": ("岗位方案", "Role plan"),
              "personal": ("个人方案", "Personal plan")}
NO_PLAN = ("本期无方案", "No plan this period")
UNSUPPORTED = ("无人支撑", "Not supported")
FLAG_FILL = "#FFC7CE"  # the failing grade's red: an upper KPI nobody supports


@dataclass(frozen=True)
class TargetChange:
    """A plan line whose target was changed (原目标值 ≠ 目标值): whose plan, whom it binds, where it was typed."""

    kind: str  # unit, role or personal (PLAN_KINDS)
    owner: str  # unit code, role name or employee ID
    people: tuple[Employee, ...]  # the employees a person's plan applies to
    term: Period
    line: PlanLine
    sheet: str  # the input sheet's key: unit_plans or plans


def target_changes(inp: AppraisalInput) -> tuple[TargetChange, ...]:
    """Every changed target at every level: the units' plans top down (every term), then the people's plans."""
    def changed(line: PlanLine) -> bool:
        return line.original_target is not None and line.original_target != line.target

    units = [TargetChange("unit", plan.unit, (), plan.term, line, "unit_plans")
             for plan in inp.unit_plans for line in plan.lines if changed(line)]
    plans = {key: plan for key, plan in inp.plans.items() if any(changed(line) for line in plan.lines)}
    bound: dict[int, list[Employee]] = defaultdict(list)  # id(plan) → its employees, found once
    if plans:
        for e in inp.employees:
            bound[id(inp.plan_for(e))].append(e)
    people = [TargetChange("personal" if plan.personal else "role", key, tuple(bound[id(plan)]),
                           inp.settings.period, line, "plans")
              for key, plan in plans.items() for line in plan.lines if changed(line)]
    return tuple(units + sorted(people, key=lambda c: c.line.row))


def people_order(inp: AppraisalInput) -> tuple[list[tuple[str, Employee]], dict[str, tuple[int, int]]]:
    """Everyone under a unit, department by department depth first, so that each unit's people are one run.

    Returns (department code, employee) in that order and, per unit with people, its (first, last) index.
    """
    children: dict[str, list[str]] = defaultdict(list)
    for code, unit in inp.units.items():
        if unit.parent:
            children[unit.parent].append(code)
    members: dict[str, list[Employee]] = defaultdict(list)
    for e in inp.employees:
        if e.employee_id in inp.employee_units:
            members[inp.employee_units[e.employee_id]].append(e)
    order: list[tuple[str, Employee]] = []
    spans: dict[str, tuple[int, int]] = {}

    def visit(code: str) -> None:
        first = len(order)
        order.extend((code, e) for e in members.get(code, ()))
        for child in children.get(code, ()):
            visit(child)
        if len(order) > first:
            spans[code] = (first, len(order) - 1)

    for code, unit in inp.units.items():
        if not unit.parent:
            visit(code)
    return order, spans


def _range(col: int, first: int, last: int, sheet: str = "") -> str:
    letter = xl_col_to_name(col)
    prefix = f"'{sheet}'!" if sheet else ""
    return f"{prefix}${letter}${first + 1}:${letter}${last + 1}"


class UnitSheets:
    """单位汇总, 目标对齐 and 目标调整, added after 规则 and before the scorecard sheets."""

    def unit_sheets(self, band_rows: tuple[int, int]) -> None:
        """The sheets that apply: the unit ones when 组织 exists, 目标调整 too when any target changed."""
        changes = target_changes(self.inp)
        n, inline = self.names, self.lang.inline
        if self.inp.units:
            ws = self.book.add_worksheet(n.units)
            last = self.unit_summary(ws, band_rows)
            self.print_unit_sheet(ws, inline("单位考核结果汇总", "Unit results"), last, len(UNIT_TITLES) - 1)
            ws = self.book.add_worksheet(n.alignment)
            last = self.alignment_sheet(ws)
            self.print_unit_sheet(ws, inline("目标对齐", "Goal alignment"), last, len(ALIGN_TITLES) - 1)
        if self.inp.units or changes:
            ws = self.book.add_worksheet(n.target_changes)
            last = self.changes_sheet(ws, changes)
            self.print_unit_sheet(ws, inline("目标调整记录", "Target changes"), last, len(CHANGE_TITLES) - 1)

    def print_unit_sheet(self, ws, title: str, last_row: int, last_col: int) -> None:
        """Landscape A4, one page wide (the columns are sized to ~130 units: 8 pt or more), titles repeated."""
        print_setup(ws, self.inp.settings, title, landscape=True, area=(max(1, last_row), last_col))
        print_words(ws, self.inp.settings, self.lang, title)

    # -- 单位汇总 -------------------------------------------------------------

    def level_word(self, level: str) -> str:
        words = LEVELS.get(level, (level,))
        return self.say(words[0], words[-1].capitalize())

    def term_word(self, term: Period) -> str:
        return term.label if self.lang.prose == "zh" else self.lang.period_label(term)

    def unit_summary(self, ws, band_rows: tuple[int, int]) -> int:
        """The units top down, live to their people's totals; below them the people each average is taken over."""
        say, inp, units = self.say, self.inp, self.result.units
        order, spans = people_order(inp)
        row_of = {r.employee.employee_id: i for i, r in enumerate(self.rows, start=1)}  # 汇总's rows
        by_id = {r.employee.employee_id: r for r in self.rows}
        statuses = {eid: self.status_word(r.appraised) for eid, r in by_id.items()}
        terms = [self.term_word(u.plan.term) if u.scored else say(*NO_PLAN) for u in units]
        widths = {0: text_width([self.level_word(u.unit.level) for u in units], 6, 12),
                  1: text_width([u.unit.code for u in units] + [c for c, _ in order], 8, 12),
                  2: text_width([u.unit.name for u in units], 8, 16),
                  3: text_width([u.unit.parent for u in units] + [e.employee_id for _, e in order], 8, 12),
                  4: text_width([u.unit.head for u in units] + [e.name for _, e in order], 6, 10),
                  5: text_width(terms + list(statuses.values()), 8, 14),
                  6: 8, 7: 6, 8: 8, 9: 8, 10: 5, 11: 7}
        widths = self.header(ws, UNIT_TITLES, widths, height=30)
        last = len(units)
        people_first = last + 5  # the table, a note, a gap, the block's title and its header row
        refs = {name: _range(U[title], 1, last) for name, title in
                (("peer_level", "层级"), ("peer_parent", "上级单位"), ("peer_score", "单位得分"))}
        bands = {name: _range(col, *band_rows, sheet=self.names.rules)
                 for name, col in (("band_grade", 0), ("band_name", 1), ("band_min", 2))}
        cell, text = self.s.get("cell"), self.s.get("cell", text_wrap=True)
        score = "unit_score_blended" if inp.settings.unit_score_rule == "blended" else "unit_score_own"
        weight = format(inp.settings.unit_own_weight, "f")
        for i, (u, term) in enumerate(zip(units, terms, strict=True), start=1):
            unit = u.unit
            fit_row(ws, i, [(unit.name, widths[2]), (term, widths[5])])
            for col, value in ((0, self.level_word(unit.level)), (1, unit.code), (2, unit.name), (3, unit.parent),
                               (4, unit.head), (5, term)):  # the group's parent stays blank: parent & "" is ""
                ws.write(i, col, value, text if col in (2, 5) else cell)
            at = {title: xl_rowcol_to_cell(i, col) for title, col in U.items()}
            if unit.code in spans:
                first, end = spans[unit.code]
                people = {"people_total": _range(6, people_first + first, people_first + end)}
                self.formula(ws, i, U["考核人数"], rule("people_count").to_excel(people), len(u.people),
                             self.s.get("cell", num="0"))
                self.formula(ws, i, U["人员平均分"], rule("people_average").to_excel(people),
                             u.people_average or Decimal(0), self.s.get("cell", num="0.00"))
            else:  # nobody under the unit: no list to count
                ws.write_number(i, U["考核人数"], 0, self.s.get("cell", num="0"))
                ws.write_blank(i, U["人员平均分"], None, cell)
            if not u.scored:
                for title in ("方案得分", "单位得分", "等级", "同级排名"):
                    ws.write_blank(i, U[title], None, cell)
                continue
            ws.write_number(i, U["方案得分"], num(u.own_total), self.s.get("cell", num="0.00"))
            values = {"own_total": at["方案得分"], "own_weight": weight, "people_count": at["考核人数"],
                      "people_average": at["人员平均分"]}
            self.formula(ws, i, U["单位得分"], rule(score).to_excel(values), u.total, self.s.get("cell", num="0.00"))
            self.formula(ws, i, U["等级"], rule("grade").to_excel({**bands, "total": at["单位得分"]}), u.grade.grade,
                         self.s.get("cell", align="center"))
            own = {"level": at["层级"], "parent": at["上级单位"], "score": at["单位得分"]}
            rank = rule("unit_rank").to_excel({**refs, **own})
            peers = f'COUNTIFS({refs["peer_level"]},{own["level"]},{refs["peer_parent"]},{own["parent"]}&"",' \
                    f'{refs["peer_score"]},">=0")'
            ws.write_formula(i, U["同级排名"], f'=({rank})&"/"&{peers}', self.s.get("cell", align="center"),
                             f"{u.rank}/{u.peers}")
        self.unit_note(ws, last + 1, sum(widths.values()))
        self.unit_people(ws, people_first, order, row_of, statuses, widths)
        return people_first + len(order) - 1 if order else last + 1

    def status_word(self, appraised: bool) -> str:
        return status(appraised, self.prose)

    def unit_note(self, ws, row: int, width: float) -> None:
        """How the score, the average and the rank are made (设置 单位得分方式, 单位方案权重)."""
        settings = self.inp.settings
        if settings.unit_score_rule == "blended":
            percent = settings.unit_own_weight * 100
            own, rest = (format(value.normalize(), "f") for value in (percent, 100 - percent))
            words = (f"单位得分 = {own}% × 方案得分 + {rest}% × 人员平均分（设置 单位得分方式：与员工平均加权；"
                     "无考核人员的单位取方案得分）。",
                     f"Unit score = {own}% × plan total + {rest}% × people average (setting: blended with the "
                     "people's average; a unit without appraised people keeps its plan total). ")
        else:
            words = ("单位得分 = 方案得分（设置 单位得分方式：本单位方案）。",
                     "Unit score = plan total (setting: the unit's own plan). ")
        note = self.say(words[0] + "人员平均分为下列考核人员总分的平均；同级排名为同一上级单位下同层级、本期有方案的单位之间的名次。",
                        words[1] + "The people average is over the totals listed below; the rank is among the units "
                        "of the same level under the same parent that have a plan this period.")
        ws.set_row(row, row_height(wrapped_lines(note, width - 2)))
        ws.merge_range(row, 0, row, len(UNIT_TITLES) - 1, note, self.s.get("note", text_wrap=True, valign="top"))

    def unit_people(self, ws, first: int, order, row_of, statuses, widths) -> None:
        ws.write_string(first - 2, 0, self.t("各单位考核人员（人员平均分据此计算；总分引用汇总表）",
                                             "The people of each unit (the averages above are taken over these "
                                             "totals, from the Summary sheet)", sep=" "), self.s.get("section"))
        words = [self.t(zh, en) for zh, en in PEOPLE_TITLES]
        fit_row(ws, first - 1, [(word, widths[col]) for col, word in enumerate(words, start=1)])
        ws.write_row(first - 1, 1, words, self.s.get("header"))
        cell, text = self.s.get("cell"), self.s.get("cell", text_wrap=True)
        by_id = {r.employee.employee_id: r for r in self.rows}
        for i, (code, e) in enumerate(order):
            row, r = first + i, by_id[e.employee_id]
            name = self.inp.units[code].name
            fit_row(ws, row, [(name, widths[2]), (e.name, widths[4]), (statuses[e.employee_id], widths[5])])
            for col, value in ((1, code), (2, name), (3, e.employee_id), (4, e.name), (5, statuses[e.employee_id])):
                ws.write_string(row, col, value, text if col in (2, 4, 5) else cell)
            if r.appraised:  # a blank total (not appraised) is not counted (people_total ">=0")
                self.formula(ws, row, 6, self.summary_ref(row_of[e.employee_id], "总分"), r.total,
                             self.s.get("cell", num="0.00"))
            else:
                ws.write_blank(row, 6, None, cell)

    # -- 目标对齐 -------------------------------------------------------------

    def alignment_sheet(self, ws) -> int:
        """Every unit plan line, one row per line that supports it; a KPI nobody supports flagged 无人支撑."""
        inp, say = self.inp, self.say
        aligned = alignment(inp)
        flagged = {id(a) for a in unsupported(aligned, inp)}
        people = {e.employee_id: e for e in inp.employees}
        rows = []
        for a in aligned:
            upper = (a.unit, inp.units[a.unit].name, self.term_word(a.term), a.line.code, a.line.item,
                     self.category_word(a.line.category), self.dimension_word(a.line.dimension))
            if not a.supporters:
                rows.append((upper, (say(*UNSUPPORTED) if id(a) in flagged else "—", "", "", ""), id(a) in flagged))
            for s in a.supporters:
                if s.person:
                    lower = (say("员工", "Employee"), s.owner, people[s.owner].name, s.line.item)
                else:
                    lower = (say("下级单位", "Unit below"), s.owner, inp.units[s.owner].name,
                             f"{s.line.code} {s.line.item}".strip())
                rows.append((upper, lower, False))
        texts = list(zip(*[upper + lower for upper, lower, _ in rows], strict=True)) if rows else [()] * 11
        # At most ~130 units in all: one landscape page wide at 80 % or more (widths.py); texts wrap beyond.
        limits = ((8, 10), (8, 12), (8, 13), (8, 10), (10, 14), (6, 10), (6, 12), (8, 14), (8, 10), (6, 10), (10, 20))
        widths = {col: text_width(texts[col], low, high) for col, (low, high) in enumerate(limits)}
        widths = self.header(ws, ALIGN_TITLES, widths, height=30)
        text = self.s.get("cell", text_wrap=True)
        flag = self.s.get("cell", text_wrap=True, bold=True, bg_color=FLAG_FILL)
        for i, (upper, lower, bad) in enumerate(rows, start=1):
            values = upper + lower
            fit_row(ws, i, [(value, widths[col]) for col, value in enumerate(values)])
            for col, value in enumerate(values):
                ws.write(i, col, value, flag if bad and col >= 7 else text)  # "" as a blank cell
        if rows:
            ws.autofilter(0, 0, len(rows), len(ALIGN_TITLES) - 1)
        return len(rows)

    def category_word(self, category: str) -> str:
        return self.say(CATEGORY_NAMES.get(category, category), CATEGORY_NAMES_EN.get(category, category))

    def dimension_word(self, dimension: str) -> str:
        return self.say(*DIMENSION_WORDS[dimension]) if dimension in DIMENSION_WORDS else dimension

    # -- 目标调整 -------------------------------------------------------------

    def changes_sheet(self, ws, changes: tuple[TargetChange, ...]) -> int:
        """Each changed target: the plan and whom it binds, the line, the targets, the reason, the approver, the row."""
        inp, say = self.inp, self.say
        people = {e.employee_id: e for e in inp.employees}
        joiner = "、" if self.lang.prose == "zh" else ", "
        rows = []
        for c in changes:
            if c.kind == "unit":
                owner, line = f"{c.owner} {inp.units[c.owner].name}", f"{c.line.code} {c.line.item}".strip()
            else:
                owner = f"{c.owner} {people[c.owner].name}" if c.kind == "personal" and c.owner in people else c.owner
                line = c.line.item
            applies = joiner.join(f"{e.employee_id} {e.name}" for e in c.people) or "—"
            reasons = CHANGE_REASONS.get(c.line.change_reason)
            reason = say(reasons[0], reasons[-1]) if reasons else c.line.change_reason
            source = sheet_by_key(c.sheet)
            rows.append((c, (say(*PLAN_KINDS[c.kind]), owner, applies, self.term_word(c.term), line),
                         (reason, c.line.approved_by, say(source.zh, source.en))))
        texts = list(zip(*[before + after for _, before, after in rows], strict=True)) if rows else [()] * 8
        widths = {0: text_width(texts[0], 8, 10), 1: text_width(texts[1], 8, 14), 2: text_width(texts[2], 10, 20),
                  3: text_width(texts[3], 8, 12), 4: text_width(texts[4], 10, 16), 5: 10, 6: 10,
                  7: text_width(texts[5], 8, 14), 8: text_width(texts[6], 6, 10), 9: text_width(texts[7], 8, 10),
                  10: 5}
        widths = self.header(ws, CHANGE_TITLES, widths, height=30)
        cell, text = self.s.get("cell"), self.s.get("cell", text_wrap=True)
        for i, (c, before, after) in enumerate(rows, start=1):
            fit_row(ws, i, [(value, widths[col]) for col, value in enumerate(before)] +
                    [(value, widths[col]) for col, value in enumerate(after, start=7)])
            for col, value in enumerate(before):
                ws.write_string(i, col, value, text)
            for col, value in ((5, c.line.original_target), (6, c.line.target)):
                ws.write_number(i, col, num(value), self.s.get("cell", num=target_format(c.line, value)))
            for col, value in enumerate(after, start=7):
                ws.write_string(i, col, value, text)
            ws.write_number(i, 10, c.line.row, cell)
        if rows:
            ws.autofilter(0, 0, len(rows), len(CHANGE_TITLES) - 1)
        return len(rows)


def target_format(line: PlanLine, value: Decimal) -> str:
    """A percentage as one, else the number with its cents only when it has some."""
    if line.unit == "%":
        return percent_format(value)
    return "#,##0" if value == value.to_integral() else "#,##0.00"

"""The rows a person's and a unit's scorecard share: title, details, the items' header, a plan line's cells.

A mixin of :class:`~reporter.writers.xlsx.scorecard.ScorecardSheet` (and so of the unit scorecard): where
the cells go is the sheet's (``param_column``, ``value_col``, ``points_col``, ``last_col``, ``details_row``,
``items_header_row``, ``detail_spans``); the small writers (``text``, ``number``, ``formula``, ``merge``,
``fit_height``) are the sheet's too.
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

from reporter.rules.scoring import line_parameters, points_formula
from reporter.writers.xlsx.layout import ref
from reporter.writers.xlsx.style import percent_format, unit_format


class ScorecardRows:
    def title_rows(self, title: str) -> None:
        """Row 0: the title; row 1: the appraisal period with its dates."""
        s, lang = self.inp.settings, self.lang
        self.ws.merge_range(0, 0, 0, self.last_col, title, self.s.get("title"))
        self.set_height(0, 24)
        dates = self.say(f"（{s.period.start} 至 {s.period.end}）", f" ({s.period.start} to {s.period.end})")
        colon = self.say("：", ": ")
        self.ws.merge_range(1, 0, 1, self.last_col, f"{lang.inline('考核期间', 'Appraisal period')}{colon}"
                            f"{lang.period_label(s.period)}{dates}", self.s.get("subtitle"))

    def detail_rows(self, pairs: list[tuple[str, str]]) -> None:
        """(label, value) pairs, three to a row; a row is sized before the next (the summary streams)."""
        for at in range(0, len(pairs), 3):
            row, labels = self.details_row + at // 3, pairs[at:at + 3]
            for (label, value), (label_first, label_last, first, last) in zip(labels, self.detail_spans, strict=False):
                self.merge(row, label_first, label_last, label, self.wrapping("label"))
                self.merge(row, first, last, value, self.s.get("cell"))
            self.fit_height(row, [(label, *span[:2]) for (label, _), span in zip(labels, self.detail_spans, strict=False)])

    def items_header(self, zh: tuple[str, ...], en: tuple[str, ...]) -> None:
        columns = [self.t(z, e) for z, e in zip(zh, en, strict=True)]
        self.ws.write_row(self.items_header_row, 0, columns, self.s.get("header"))
        self.fit_height(self.items_header_row, [(title, col) for col, title in enumerate(columns)])

    def line_cells(self, row: int, lr) -> None:
        """A plan line's parameters, its value (a KPI's formula over the data cells, or a rating to type) and its
        points (the scoring method's formula): the same for a person's line and a unit's."""
        line, say = lr.line, self.say
        kpi = self.inp.kpis.get(line.kpi)
        formula, params = points_formula(line), line_parameters(line)
        unit_fmt = unit_format(line.unit) if line.method != "rating" else "0.0"
        for name, col in self.param_column.items():
            if name not in formula.names:
                self.text(row, col, "")
                continue
            fmt = {"weight": percent_format(line.weight), "cap": percent_format(params["cap"]),
                   "step": "0.00"}.get(name, unit_fmt)
            self.number(row, col, params[name], fmt)
        if line.method == "rating":  # a rating runs from 1 to the top of its scale (the line's target)
            self.number(row, self.value_col, lr.value, unit_fmt, editable=True)
            top = float(params["target"])
            self.validate(row, self.value_col, {
                "validate": "decimal", "criteria": "between", "minimum": 1, "maximum": top,
                "error_message": say(f"评分应在 1 到 {top:g} 之间", f"A rating from 1 to {top:g}")})
        elif kpi is not None:
            self.formula(row, self.value_col, kpi.formula.to_excel(self.refs), lr.value, unit_fmt)
        else:
            self.formula(row, self.value_col, self.refs[line.kpi], lr.value, unit_fmt)
        cells = {name: ref(row, col) for name, col in self.param_column.items()}
        excel = formula.to_excel({**cells, "value": ref(row, self.value_col)})
        self.formula(row, self.points_col, excel, lr.points, "0.00")

    def validate(self, row: int, col: int, rule: dict) -> None:
        """An input cell's data validation: the cells of one rule get one, written by write_validations (a
        scorecard's ~20 input cells have 3 or 4 rules, and XlsxWriter's work goes by validation)."""
        self.validations.setdefault(tuple(rule.items()), []).append((row, col))

    def write_validations(self) -> None:
        for items, cells in self.validations.items():
            (row, col), rule = cells[0], dict(items)
            if len(cells) > 1:
                rule["multi_range"] = " ".join(xl_rowcol_to_cell(r, c) for r, c in cells)
            self.ws.data_validation(row, col, row, col, rule)

    def change_note(self, line) -> str:
        """An approved target change, after the scoring standard."""
        if line.original_target is None:
            return ""
        return self.say(f"（目标由 {line.original_target:f} 调整为 {line.target:f}，{line.approved_by} 批准）",
                        f" (target was {line.original_target:f}; approved by {line.approved_by})")

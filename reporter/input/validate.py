"""Turn the typed rows of a workbook into a validated :class:`AppraisalInput`.

Every rule that spans rows or sheets is run from here: unique IDs and e-mails,
formulas that name known measures, settings that agree with the period.  Two
mixins hold the larger groups: :mod:`~reporter.input.plans` (weights summing to
exactly 100 %, grade bands without gaps) and :mod:`~reporter.input.period_data`
(the period's figures, a value for every measure a plan needs).  All problems
of a file are collected and raised together as one InputError.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from reporter.errors import CellError, InputError, Problem
from reporter.formula import FormulaError, parse_formula
from reporter.formula.criteria import equality_key
from reporter.input.limits import RESERVED_TABS, SHEET_NAME_CHARS, file_label, label_problem, tab_key
from reporter.input.period_data import PERIOD_DATA_SHEETS, PeriodDataRules
from reporter.input.plans import BUILT_IN_MEASURES, PlanRules
from reporter.input.policy import role_duties
from reporter.input.reader import SheetData, WorkbookReader
from reporter.input.sales import sales_from_measure
from reporter.input.schema import SETTINGS
from reporter.input.targets import in_band_order, match_grades, parse_grade_targets
from reporter.input.units import UnitRules
from reporter.input.year_end import annual_values, check_promotion_grades
from reporter.model import (
    HR_DEPARTMENT,
    AnnualRewardPlan,
    AppraisalInput,
    Employee,
    HistoryRecord,
    Kpi,
    MeasureDef,
    Pool,
    Settings,
)
from reporter.period import MONTHS, TERMS, parse_period

__all__ = ["PERIOD_DATA_SHEETS", "STAGES", "load_input"]

STAGES = ("build", "plan")
IMAGE_BYTES = 2 * 1024 * 1024  # a logo or a seal; larger would bloat every letter
IMAGE_KINDS = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}
# Policy words (设置) the documents print inside a sentence of their own: kept without a closing full stop.
CLAUSES = ("agreement_monitor", "target_setting", "appeal_route")


class _Validator(PlanRules, PeriodDataRules, UnitRules):
    def __init__(self, path: Path, stage: str = "build"):
        self.stage = stage
        self.path = Path(path)
        self.reader = WorkbookReader(path)
        self.file = self.reader.file
        self.problems = self.reader.problems
        self.sheets: dict[str, SheetData] = {}
        self.listed_ids: set[str] = set()  # every ID in 员工, even on a row with a bad cell
        self.broken_codes: set[str] = set()  # KPIs already reported, so plans do not report them again
        self.settings_value: Settings | None = None
        self.settings_rows: dict[str, int] = {}
        self.typed_sales: set[str] = set()  # employees whose 个人销售额 cell in 员工 is filled
        self.unreadable: set[tuple] = set()  # (sheet, row, column) of the cells the reader could not read

    def problem(self, message, sheet_key="", row=None, column_key="", severity="error"):
        if sheet_key in self.reader.incomplete:
            return  # its header is reported: a check of its rows would repeat that once per row
        data = self.sheets.get(sheet_key)
        sheet = data.title if data else sheet_key
        column = data.where(column_key) if data and column_key else column_key
        if (sheet, row, column) in self.unreadable:
            return  # the cell could not be read, which is reported: it is not also blank or wrong
        self.problems.append(Problem(message, self.file, sheet, row, column, severity))

    def complete(self, *keys: str) -> bool:
        """True unless one of these sheets is missing or lacks a required column (reported once, at its header)."""
        return not self.reader.incomplete.intersection(keys)

    def rows(self, key):
        data = self.sheets.get(key)
        return data.rows if data else []

    # -- the run ------------------------------------------------------------

    def run(self) -> AppraisalInput:
        self.sheets = self.reader.read(skip=PERIOD_DATA_SHEETS if self.stage == "plan" else ())
        self.unreadable = {(p.sheet, p.row, p.column) for p in self.problems if p.column and p.severity == "error"}
        settings = self.settings_value = self.settings()
        employees = self.employees()
        measure_defs = self.measure_defs()
        kpis = self.kpis(measure_defs)
        plans = self.plans(kpis, measure_defs, employees)
        grades = self.grades()
        if settings and settings.grade_targets and self.complete("grades"):
            match_grades(settings.grade_targets, grades, lambda message: self.problem(
                message, "settings", self.settings_rows.get("grade_targets"), "grade_targets"))
            settings = replace(settings, grade_targets=in_band_order(settings.grade_targets, grades))
        check_promotion_grades(settings, grades, self.settings_rows.get("promotion_grades"), self.problem)
        pools = self.pools(settings)
        by_id = {e.employee_id: e for e in employees}
        absence_limit = settings.absence_limit_months if settings else Decimal(2)
        appraised = {e.employee_id for e in employees if e.months_absent <= absence_limit}
        plans_read = self.complete("plans", "kpis", "measure_defs")  # else every role would lack a plan
        for e in employees:
            if plans_read and e.role not in plans and e.employee_id not in plans:
                self.problem(f"岗位「{e.role}」没有考核方案：请在「考核方案」中添加该岗位或该员工的方案",
                             "employees", e.row, "role")
            if e.commission_pool and e.commission_pool not in pools and self.complete("pools"):
                self.problem(f"提成池「{e.commission_pool}」未在「提成池」表中定义", "employees", e.row,
                             "commission_pool")
        measures = self.measures(by_id, measure_defs)
        code = settings.commission_measure if settings and self.complete("measure_defs") else ""
        employees = sales_from_measure(employees, code, measures, measure_defs, self.typed_sales,
                                       self.settings_rows.get("commission_measure"), self.problem)
        ratings = self.ratings(by_id)
        adjustments = self.adjustments(by_id)  # summed into bonus_points / penalty_points by the rules stage
        if self.stage != "plan" and self.complete("plans", "kpis", "measure_defs"):
            self.check_inputs_present(employees, appraised, plans, kpis, measures, ratings)
            self.check_adjustments_scored(employees, plans, adjustments)
        reviews = self.reviews(by_id, appraised if self.stage != "plan" else set())
        rewards = self.annual_rewards(by_id)
        history = self.history()
        units = self.units()
        period = settings.period if settings else None
        unit_plans = self.unit_plans(units, kpis, measure_defs, period)
        departments = self.department_units(units, employees) if units else {}
        if units:
            self.check_unit_targets(units, unit_plans)
            if self.complete("plans", "kpis", "measure_defs", "units", "unit_plans"):
                self.check_alignment(units, unit_plans, plans, employees, departments)
        unit_measures, unit_ratings = self.unit_data(units, unit_plans, kpis, measure_defs, period)
        duties = role_duties(self.rows("role_duties"), {e.role for e in employees},
                             self.problem if self.complete("employees") else lambda *args, **kwargs: None)
        errors = [p for p in self.problems if p.severity == "error"]
        if errors or settings is None:
            raise InputError(self.problems)
        freeze = MappingProxyType
        return AppraisalInput(
            source=self.file, settings=settings, employees=tuple(employees),
            measure_defs=freeze(measure_defs), kpis=freeze(kpis), plans=freeze(plans),
            measures=freeze({k: freeze(v) for k, v in measures.items()}),
            ratings=freeze({k: freeze(v) for k, v in ratings.items()}), reviews=freeze(reviews),
            adjustments=freeze(adjustments), grades=tuple(grades), pools=freeze(pools),
            annual_rewards=freeze(rewards), history=tuple(history), role_duties=duties,
            warnings=tuple(p for p in self.problems if p.severity != "error"),
            units=freeze(units), unit_plans=unit_plans, employee_units=freeze(departments),
            unit_measures=freeze({k: freeze(v) for k, v in unit_measures.items()}),
            unit_ratings=freeze({k: freeze(v) for k, v in unit_ratings.items()}),
        )

    # -- sheets -------------------------------------------------------------

    def settings(self) -> Settings | None:
        values = {k: v for r in self.rows("settings") for k, v in r.values.items() if v is not None}
        row_of = self.settings_rows = {k: r.number for r in self.rows("settings") for k in r.values}
        if any(c.required and c.key not in values for c in SETTINGS.columns):
            return None  # the reader has reported the missing or unreadable setting
        try:
            period = parse_period(values.pop("period"))
        except CellError as err:
            self.problem(str(err), "settings", row_of.get("period"), "period")
            return None
        values.update({k: int(values[k]) for k in ("streak_months", "smtp_port", "rate_limit") if k in values})
        values.update({k: self.image(values[k], row_of.get(k), k) for k in ("letterhead_image", "seal_image")
                       if k in values})
        if "grade_targets" in values:  # 校准: the text alone here, against the 等级 sheet in run()
            values["grade_targets"], wrong = parse_grade_targets(values["grade_targets"])
            if wrong:
                self.problem(wrong, "settings", row_of.get("grade_targets"), "grade_targets")
        annual_values(values, row_of, self.problem)
        if (term := values.get("agreement_term")) and MONTHS[term] < period.months:
            self.problem(f"责任书期限「{TERMS[term][0]}」短于考核期间 {period.label}：请填写{TERMS[period.kind][0]}或更长的期限，"
                         f"或留空（与考核期间相同）", "settings", row_of.get("agreement_term"), "agreement_term")
            del values["agreement_term"]
        values.setdefault("hr_department", HR_DEPARTMENT["en" if values.get("language") == "en" else "zh"])
        for key in CLAUSES:  # the documents go on after them: "… monitored by <it>." / "<it>，具体如下。"
            if key in values:
                values[key] = values[key].rstrip("。．. ")
        settings = Settings(period=period, **values)
        appraised_on = settings.appraisal_date
        if appraised_on is not None:
            next_month = period.end.replace(day=28) + timedelta(days=4)
            if not (appraised_on.year, appraised_on.month) == (next_month.year, next_month.month) \
                    or not 5 <= appraised_on.day <= 10:
                self.problem(f"考核日期 {appraised_on} 不在考核期次月的 5～10 日之间（制度：考核期结束后次月的 5～10 日考核）",
                             "settings", row_of.get("appraisal_date"), "appraisal_date", severity="warning")
        deadline_row = row_of.get("appeal_deadline")
        if settings.appeal_deadline <= period.end:
            self.problem(f"申诉截止日期 {settings.appeal_deadline} 早于考核期结束日 {period.end}：请填写考核结果确认之后的日期",
                         "settings", deadline_row, "appeal_deadline")
        return settings

    def image(self, name: str, row: int | None, key: str) -> str:
        """An image file in the workbook's folder (or below it), as a data: URI (the PDF renderer reads no other files).

        Only there: a workbook passed around must not make the letters print (or the build read) some other
        file of the machine it is built on.  Checked by size before reading, so a huge file is never loaded.
        """
        folder = self.path.parent.resolve()
        path = (folder / name).resolve()
        if Path(name).is_absolute() or not path.is_relative_to(folder):
            self.problem(f"图片 {name} 不在工作簿所在文件夹 {folder} 中：请把图片放在该文件夹（或其子文件夹）里，"
                         "并只写相对路径，如 seal.png", "settings", row, key)
            return ""
        if not path.is_file():
            self.problem(f"找不到图片文件 {name}（相对于工作簿所在文件夹 {folder}）", "settings", row, key)
            return ""
        data = path.read_bytes() if path.stat().st_size <= IMAGE_BYTES else b""
        mime = next((m for magic, m in IMAGE_KINDS.items() if data.startswith(magic)), None)
        if mime is None:
            self.problem("图片须为不超过 2 MB 的 PNG 或 JPEG 文件", "settings", row, key)
            return ""
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"

    def employees(self) -> list[Employee]:
        employees, first_row, email_row, tab_row = [], {}, {}, {}
        for r in self.rows("employees"):
            v = r.values
            eid = v.get("employee_id")
            if not eid:
                continue
            self.listed_ids.add(eid)
            if eid in first_row:
                self.problem(f"工号 {eid} 重复（第 {first_row[eid]} 行已有；比较时已去除空格并统一全角半角）",
                             "employees", r.number, "employee_id")
                continue
            first_row[eid] = r.number
            if not self.tab_free(eid, r.number, tab_row):
                continue
            email = (v.get("email") or "").lower()  # one mailbox, however it is capitalised
            if email and email in email_row:
                self.problem(f"邮箱 {email} 与第 {email_row[email]} 行的员工相同：每位员工须有自己的邮箱，结果只发给本人",
                             "employees", r.number, "email")
            elif email:
                email_row[email] = r.number
            required = ("name", "email", "company", "department", "role", "hire_date", "position_pay")
            if any(v.get(k) is None for k in required):
                continue  # the reader has already reported the blank or bad cell
            optional = {k: v[k] for k in ("manager", "seniority_pay", "months_absent", "personal_sales",
                                          "commission_rate", "commission_pool", "rank_group") if v.get(k) is not None}
            if v.get("rank_group") and equality_key(v["rank_group"]) is None:
                self.problem(f"排名组「{v['rank_group']}」不能是数字、不能以 < > = 开头、不能含 * ? ~："
                             "工作簿按排名组计数排名时它们是比较符或通配符", "employees", r.number, "rank_group")
                continue
            if v.get("personal_sales") is not None:
                self.typed_sales.add(eid)
            employees.append(Employee(employee_id=eid, row=r.number, **{k: v[k] for k in required}, **optional))
        self.check_file_labels(employees)
        return employees

    def tab_free(self, eid: str, row: int, tab_row: dict[str, tuple[str, int]]) -> bool:
        """An ID names a scorecard tab and files: unique ignoring case and beyond 31 characters, not a fixed tab."""
        key = tab_key(eid)
        if key in RESERVED_TABS:
            self.problem(f"工号 {eid} 与汇总工作簿的工作表同名（不区分大小写）：请改用其他工号", "employees", row,
                         "employee_id")
            return False
        if key in tab_row:
            first, first_row = tab_row[key]
            self.problem(f"工号 {eid} 与第 {first_row} 行的工号 {first} 只差大小写或前 {SHEET_NAME_CHARS} 个字符相同："
                         "Excel 的工作表名与一些系统的文件名不区分大小写、最多 31 个字符，两人的计分卡会互相覆盖："
                         "请改用不同的工号", "employees", row, "employee_id")
            return False
        tab_row[key] = (eid, row)
        return True

    def check_file_labels(self, employees: list[Employee]) -> None:
        """Each 公司-部门 names folders and print batches: it must fit, and two departments must not share one."""
        first: dict[str, Employee] = {}  # file name, ignoring case -> the first employee under it
        seen: set[tuple[str, str]] = set()
        for e in employees:
            if (e.company, e.department) in seen:
                continue
            seen.add((e.company, e.department))
            label = file_label(e.company, e.department)
            other = first.setdefault(label.casefold(), e)
            if other is e:
                if message := label_problem(label):
                    self.problem(message, "employees", e.row, "department")
                continue
            self.problem(f"公司与部门「{e.company}」「{e.department}」的文件名 {label} 与第 {other.row} 行的"
                         f"「{other.company}」「{other.department}」相同（比较时不区分大小写）："
                         "两个部门的文件会放进同一个文件夹：请改用可区分的名称", "employees", e.row, "department")

    def measure_defs(self) -> dict[str, MeasureDef]:
        defs = {}
        for r in self.rows("measure_defs"):
            code = r.values.get("code")
            if not code or r.values.get("name") is None or r.values.get("kind") is None:
                continue
            if code in defs or code in BUILT_IN_MEASURES:
                what = "内置度量（来自考勤或加减分表）" if code in BUILT_IN_MEASURES else "重复"
                self.problem(f"度量代码 {code} {what}：请改用其他代码", "measure_defs", r.number, "code")
                continue
            defs[code] = MeasureDef(code, r.values["name"], r.values["kind"], r.values.get("source") or "")
        return defs

    def kpis(self, measure_defs) -> dict[str, Kpi]:
        kpis = {}
        known = set(measure_defs) | set(BUILT_IN_MEASURES)
        for r in self.rows("kpis"):
            v = r.values
            if not v.get("code") or not v.get("formula") or not v.get("name") or not v.get("direction"):
                continue
            if v["code"] in kpis or v["code"] in measure_defs:
                self.problem(f"指标代码 {v['code']} 与已有指标或度量重复", "kpis", r.number, "code")
                continue
            try:
                formula = parse_formula(v["formula"])
            except FormulaError as err:
                self.problem(f"{err}：请检查公式", "kpis", r.number, "formula")
                self.broken_codes.add(v["code"])
                continue
            unknown = sorted(formula.names - known)
            if unknown and not self.complete("measure_defs"):
                self.broken_codes.add(v["code"])
                continue
            if unknown:
                self.problem(f"公式用到未定义的度量 {'、'.join(unknown)}：请在「度量定义」中添加，或改正拼写",
                             "kpis", r.number, "formula")
                self.broken_codes.add(v["code"])
                continue
            kpis[v["code"]] = Kpi(v["code"], v["name"], formula, v["direction"], v.get("unit") or "",
                                  v.get("definition") or "", v.get("source") or "", v.get("role") or "")
        return kpis

    def pools(self, settings) -> dict[str, Pool]:
        pools = {}
        default_rate = settings.shared_commission_rate if settings else Decimal("0.005")
        for r in self.rows("pools"):
            v = r.values
            if v.get("pool") is None or v.get("shared_sales") is None:
                continue
            if v["pool"] in pools:
                self.problem(f"提成池「{v['pool']}」重复", "pools", r.number, "pool")
            pools[v["pool"]] = Pool(v["pool"], v["shared_sales"], v.get("rate") or default_rate)
        return pools

    def rows_by_employee(self, key, by_id, *, unique=True):
        """Rows of a sheet keyed by employee ID, reporting unknown IDs and duplicates."""
        seen: dict[str, int] = {}
        unknown: dict[str, list[int]] = defaultdict(list)
        for r in self.rows(key):
            eid = r.values.get("employee_id")
            if not eid:
                continue
            if eid not in by_id:
                if eid not in self.listed_ids and self.complete("employees"):  # reported once, where it is
                    unknown[eid].append(r.number)
                continue
            if unique and eid in seen:
                self.problem(f"工号 {eid} 重复（第 {seen[eid]} 行已有）", key, r.number, "employee_id")
                continue
            seen[eid] = r.number
            yield eid, r
        for eid, rows in unknown.items():
            more = f"（共 {len(rows)} 行：第 {'、'.join(map(str, rows))} 行）" if len(rows) > 1 else ""
            self.problem(f"工号 {eid} 不在「员工」表中{more}：请检查工号是否写错，或在「员工」表中添加", key, rows[0],
                         "employee_id")

    def annual_rewards(self, by_id) -> dict[str, AnnualRewardPlan]:
        rewards = {}
        for eid, r in self.rows_by_employee("annual_rewards", by_id):
            v = {k: val for k, val in r.values.items() if val is not None and k not in ("employee_id", "name")}
            try:
                rewards[eid] = AnnualRewardPlan(**v)
            except TypeError:
                continue  # a required cell was blank; the reader reported it
        return rewards

    def history(self) -> list[HistoryRecord]:
        records = []
        for r in self.rows("history"):
            v = r.values
            if any(v.get(k) is None for k in ("period", "employee_id", "total", "grade")):
                continue
            try:
                period = parse_period(v["period"]).key
            except CellError as err:
                self.problem(str(err), "history", r.number, "period")
                continue
            if self.settings_value and parse_period(period).kind != self.settings_value.period.kind:
                self.problem(f"往期 {period} 与本期 {self.settings_value.period.key} 的期间类型不同，"
                             "连续排名第一/不及格只按同类型的相邻期间计算，该行不计入", "history", r.number, "period",
                             severity="warning")
            rank = v.get("department_rank")
            records.append(HistoryRecord(period, v["employee_id"], v["total"], v["grade"],
                                         int(rank) if rank is not None else None))
        return records


def load_input(path: Path, stage: str = "build") -> AppraisalInput:
    """Read and validate one input workbook; raise InputError listing every problem.

    ``stage="plan"`` checks what a plan needs and skips PERIOD_DATA_SHEETS: whatever they hold is not even read.
    """
    assert stage in STAGES, stage
    return _Validator(Path(path), stage).run()

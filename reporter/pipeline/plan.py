"""The plan pipeline: input workbook (plans, no figures yet) → agreements and tracking scorecards.

`reporter plan` runs at the start of a period.  It validates only what a plan needs
(``load_input(path, stage="plan")``), then writes into ``OUT/plans/<term>/`` (the agreement's term,
设置 责任书期限; the period by default) — never into ``OUT/<period>/``, which `build` owns — each employee's target-responsibility agreement, a tracking
scorecard (targets and formulas in place, the figures empty), the departments' print batches of
agreements and a manifest.  A full run stages the whole folder and renames it into place; a run for
some employees or departments replaces just their files (and their departments' print batches).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from reporter.errors import OutputExistsError
from reporter.input.plans import ATTENDANCE_MEASURES
from reporter.input.validate import load_input
from reporter.model import AppraisalInput, EmployeeResult, PeriodResult
from reporter.rules.engine import score_period
from reporter.store.agreed import record_agreed
from reporter.store.atomic import staged_folder, write_bytes_atomic
from reporter.writers.language import language
from reporter.writers.paths import department_label
from reporter.writers.pdf.addendum import has_amendments, render_addendum
from reporter.writers.xlsx.tracking import render_tracking_scorecard

from .build import DEFAULT_DB_NAME, RenderOptions, file_sha256, select_employees
from .render import Progress, Renderer, RenderJob

PLANS_DIR = "plans"
PLAN_MANIFEST = "plan.json"
PLAN_KINDS = {"agreements", "scorecards"}  # the scorecards a plan writes are the tracking ones
# on_agreed(inp, agreed_on, employee_ids): employee_ids is None after a full run, else the employees rewritten
OnAgreed = Callable[[AppraisalInput, date, "list[str] | None"], None]


@dataclass(frozen=True)
class PlanReport:
    period: str
    folder: Path
    files: tuple[Path, ...]
    result: PeriodResult  # the plan laid out as a period with no figures: every result is 0
    partial: bool
    skipped: tuple[str, ...] = ()


def tracking_path(folder: Path, r: EmployeeResult) -> Path:
    return folder / "tracking" / department_label(r) / f"{r.employee.employee_id}.xlsx"


def plan_files(folder: Path, r: EmployeeResult, amended: bool = False) -> dict[str, Path]:
    """An employee's plan files: the agreement, an addendum if a target was changed (``amended``) and, if
    appraised this period, the tracking scorecard."""
    files = {"agreements": folder / "agreements" / f"{r.employee.employee_id}.pdf"}
    if amended:
        files["addenda"] = folder / "addenda" / f"{r.employee.employee_id}.pdf"
    if r.appraised:
        files["scorecards"] = tracking_path(folder, r)
    return files


def employee_plan_files(folder: Path, result: PeriodResult, r: EmployeeResult) -> dict[str, Path]:
    plan = result.input.plan_for(r.employee)
    return plan_files(folder, r, amended=plan is not None and has_amendments(plan))


def lay_out_plan(inp: AppraisalInput) -> PeriodResult:
    """The period as the writers expect it, scored with every figure at 0.

    The agreement reads only the plan from it; the tracking scorecard takes its layout (lines, measures,
    bands) and replaces every cached result by 0 / not entered.  No number of it is shown as a result.
    """
    codes = tuple(inp.measure_defs) + ATTENDANCE_MEASURES
    zero = Decimal(0)
    measures, ratings = {}, {}
    for e in inp.employees:
        measures[e.employee_id] = MappingProxyType(dict.fromkeys(codes, zero))
        plan = inp.plan_for(e)
        rated = [line.item for line in plan.lines if line.method == "rating"] if plan else []
        ratings[e.employee_id] = MappingProxyType(dict.fromkeys(rated, zero))
    return score_period(replace(inp, measures=MappingProxyType(measures), ratings=MappingProxyType(ratings)))


@dataclass
class PlanJob(RenderJob):
    """Renders a plan's files with the build's machinery (workers, progress, print batches)."""

    def has_agreement(self, r: EmployeeResult) -> bool:
        return True  # a plan issues every employee's agreement

    def paths(self, r: EmployeeResult) -> dict[str, Path]:
        """No result trace in a plan; no tracking scorecard for someone not appraised."""
        return plan_files(self.folder, r)

    def render_data(self, kind: str, r: EmployeeResult) -> bytes:
        if kind == "scorecards":  # the scorecard a plan writes is the tracking one
            return render_tracking_scorecard(self.result, r, self.sheet_password, self.created)
        return super().render_data(kind, r)

    def render_addendum_file(self, index: int) -> Path | None:
        """The addendum (变更补充协议) of an employee whose plan records a changed target; None for the others."""
        r = self.result.results[index]
        data = render_addendum(self.pdf_renderer(), self.result, r, self.created)
        if data is None:
            return None
        path = self.folder / "addenda" / f"{r.employee.employee_id}.pdf"
        write_bytes_atomic(path, data)
        return path

    def run_task(self, task: tuple) -> list[Path]:
        written = super().run_task(task)
        if task[0] == "agreements":  # an agreement and its addendum are issued together
            written += [p for i in task[1] if (p := self.render_addendum_file(i)) is not None]
        return written


def render_plan_manifest(result: PeriodResult, agreed_on: date) -> bytes:
    s = result.input.settings
    data = {"period": s.period.key, "period_label": language(s.language).period_label(s.period),
            "term": s.term.key, "company": s.company, "language": s.language, "agreed_on": agreed_on.isoformat(),
            "employees": [{"employee_id": r.employee.employee_id, "name": r.employee.name,
                           "company": r.employee.company, "department": r.employee.department,
                           "files": {k: str(p) for k, p in employee_plan_files(Path(), result, r).items()}}
                          for r in result.results]}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def plan(input_path: Path, out_dir: Path = Path("output"), *, employee_ids: Iterable[str] = (),
         departments: Iterable[str] = (), force: bool = False, agreed_on: date | None = None,
         progress: Progress | None = None, options: RenderOptions | None = None,
         on_agreed: OnAgreed | None = None, db_path: Path | None = None) -> PlanReport:
    """Write a period's plan into ``out_dir/plans/<term>``; ``agreed_on`` (default today) dates the agreement.

    ``employee_ids``/``departments`` make the run partial: only those employees' files and their departments'
    print batches are replaced.  ``on_agreed(inp, agreed_on, employee_ids)`` is called once after the files are
    written: ``employee_ids`` is None after a full run, else the sorted IDs of a partial one.  What was agreed
    is recorded in the history database ``db_path`` (default ``out_dir/reporter.sqlite``, the one `build` uses).
    """
    progress, options = progress or Progress(), options or RenderOptions()
    workers = options.workers or os.cpu_count() or 1
    agreed_on = agreed_on or date.today()
    db_path = Path(db_path) if db_path else Path(out_dir) / DEFAULT_DB_NAME
    sha256 = file_sha256(Path(input_path))
    inp = load_input(Path(input_path), stage="plan")
    result = lay_out_plan(inp)
    period = inp.settings.period.key
    # One agreement per term (设置 责任书期限): a quarter's months share plans/<quarter>, so a second
    # month of the term finds it there and does not issue another agreement without --force.
    target = Path(out_dir) / PLANS_DIR / inp.settings.term.key
    created = options.created or inp.settings.period.document_date
    selected = select_employees(result, employee_ids, departments)
    chosen = [r for r in result.results if selected is None or r.employee.employee_id in selected]

    def job(folder: Path) -> PlanJob:
        return PlanJob(result, folder, created, options.sheet_password, options.templates, options.renderer)

    if selected is not None:
        existing = [p for r in chosen for p in employee_plan_files(target, result, r).values() if p.exists()]
        if existing and not force:
            raise OutputExistsError(f"{existing[0]} 已存在。如确需替换这些文件，请加 --force")
        renderer = Renderer(job(target), set(PLAN_KINDS), progress, workers)
        renderer.run(chosen)
        record_what_was_agreed(inp, agreed_on, sorted(selected), on_agreed, db_path, sha256)
        return PlanReport(period, target, tuple(renderer.written), result, True, tuple(renderer.skipped))

    with staged_folder(target, force) as staging:
        renderer = Renderer(job(staging), set(PLAN_KINDS), progress, workers)
        renderer.run(chosen)
        write_bytes_atomic(staging / PLAN_MANIFEST, render_plan_manifest(result, agreed_on))
        written = [target / p.relative_to(staging) for p in [*renderer.written, staging / PLAN_MANIFEST]]
    record_what_was_agreed(inp, agreed_on, None, on_agreed, db_path, sha256)
    return PlanReport(period, target, tuple(written), result, False, tuple(renderer.skipped))


def record_what_was_agreed(inp: AppraisalInput, agreed_on: date, employee_ids: list[str] | None,
                           on_agreed: OnAgreed | None, db_path: Path, input_sha256: str) -> None:
    """Record what was agreed: the agreed plan lines go into the history, which `build` checks its plan against.

    Called only once every file is in place; ``on_agreed`` (if given) is told after the history has it.
    """
    record_agreed(db_path, inp, agreed_on, employee_ids, input_sha256=input_sha256)
    if on_agreed is not None:
        on_agreed(inp, agreed_on, employee_ids)

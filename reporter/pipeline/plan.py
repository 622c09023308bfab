"""The plan pipeline: input workbook (plans, no figures yet) → agreements, addenda and tracking scorecards.

`reporter plan` runs at the start of each period.  It validates only what a plan needs
(``load_input(path, stage="plan")``) and compares the plan with what the history says was agreed for
the agreement's term (设置 责任书期限; the period by default), then writes into ``OUT/plans/<term>/`` —
never into ``OUT/<period>/``, which `build` owns:

- an agreement for whoever has none on record for the term (the term's first period, someone who joined
  or came back; everyone with ``reissue``), unless not appraised this period and not named;
- an addendum for every target changed since it was agreed, with the row's recorded reason and approver;
- this period's tracking scorecards (targets and formulas in place, the figures empty);
- this period's print batches of what it issued, and a manifest of the whole term.

So a quarter's first month issues the agreements and its later months only their tracking scorecards and
whatever changed.  A document once issued is never rewritten, except by ``reissue``, which makes each
agreement's next version (reporter.store.documents: its code and QR code are printed on every page).  Every run stages a
copy of the term's folder (hard links) and renames it into place, so it appears complete or not at all.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType

from reporter.errors import InputError, OutputExistsError, Problem
from reporter.input.plans import ATTENDANCE_MEASURES
from reporter.input.validate import load_input
from reporter.model import AppraisalInput, EmployeeResult, PeriodResult, PlanLine
from reporter.rules.engine import score_period
from reporter.store.agreed import (
    AgreedLine,
    PlanRecord,
    compare_with_agreed,
    load_agreed,
    load_amendments,
    located,
    next_addendum_numbers,
    who,
    write_plan,
)
from reporter.store.atomic import Leftover, output_lock, staged_folder, write_bytes_atomic
from reporter.store.documents import insert_documents
from reporter.store.journal import StatementLog, commit_journal, recover_output, write_journal
from reporter.writers.language import language
from reporter.writers.paths import department_label, unit_agreement_path
from reporter.writers.pdf.addendum import changed_lines, render_addendum
from reporter.writers.pdf.unit_documents import render_unit_agreement
from reporter.writers.xlsx.tracking import render_tracking_scorecard

from .build import DEFAULT_DB_NAME, RenderOptions, check_cluster, file_sha256, select_employees
from .issue import agreement_stamps, written_documents
from .render import Progress, Renderer, RenderJob

PLANS_DIR = "plans"
PLAN_MANIFEST = "plan.json"
PLAN_KINDS = {"agreements", "scorecards"}  # the scorecards a plan writes are the tracking ones
# on_agreed(inp, agreed_on, employee_ids): employee_ids is None after a full run, else the employees rewritten
OnAgreed = Callable[[AppraisalInput, date, "list[str] | None"], None]


@dataclass(frozen=True)
class PlanReport:
    period: str
    folder: Path  # the term's folder, OUT/plans/<term>
    files: tuple[Path, ...]
    result: PeriodResult  # the plan laid out as a period with no figures: every result is 0
    partial: bool
    skipped: tuple[str, ...] = ()
    agreements: tuple[str, ...] = ()  # the employees issued an agreement by this run
    addenda: Mapping[str, int] = field(default_factory=dict)  # employee → number of the addendum issued
    recovered: tuple[Leftover, ...] = ()  # what a dead run had left in the output folder, and what was done


def tracking_path(folder: Path, period: str, r: EmployeeResult) -> Path:
    return folder / "tracking" / period / department_label(r) / f"{r.employee.employee_id}.xlsx"


def agreement_path(folder: Path, employee_id: str) -> Path:
    return folder / "agreements" / f"{employee_id}.pdf"


def addendum_path(folder: Path, employee_id: str, number: int) -> Path:
    return folder / "addenda" / f"{employee_id}-{number}.pdf"


def plan_batch_path(folder: Path, period: str, kind: str, label: str) -> Path:
    """A department's print batch of the agreements or addenda one period's plan run issued."""
    return folder / "print" / period / f"{kind}-{label}.pdf"


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
    unit_measures = {code: MappingProxyType(dict.fromkeys(inp.measure_defs, zero)) for code in inp.units}
    unit_ratings = {code: MappingProxyType({ln.item: zero for p in inp.unit_plans if p.unit == code
                                            for ln in p.lines if ln.method == "rating"}) for code in inp.units}
    return score_period(replace(inp, measures=MappingProxyType(measures), ratings=MappingProxyType(ratings),
                                unit_measures=MappingProxyType(unit_measures), unit_ratings=MappingProxyType(unit_ratings)))


def what_to_issue(result: PeriodResult, chosen: list[EmployeeResult], agreed: Mapping[str, tuple[AgreedLine, ...]],
                  named: Iterable[str] = (), reissue: bool = False) -> tuple[PlanRecord, tuple[Problem, ...]]:
    """The agreements and addenda a plan run issues to ``chosen``, and what stops it.

    An agreement goes to whoever is appraised (or named) and has none on record for the term, or to
    everyone with ``reissue``; a first agreement whose plan already records changed targets comes with an
    addendum for them.  Someone on record is held to what was agreed: a change the row records is an
    addendum; any other difference is a problem at its row (change it back, record it, or re-issue).
    """
    inp, named = result.input, set(named)
    found: dict[tuple, list[str]] = defaultdict(list)
    agreements, amendments = [], {}
    for r in chosen:
        eid, plan = r.employee.employee_id, inp.plan_for(r.employee)
        if not (r.appraised or eid in named):
            continue  # absent for the period: nothing to sign unless HR names them
        if reissue or eid not in agreed:
            agreements.append(eid)
            if eid not in agreed and changed_lines(plan):
                amendments[eid] = changed_lines(plan)
            continue
        changed, problems = compare_with_agreed(plan, agreed[eid])
        for finding in problems:
            found[finding].append(who(r.employee))
        if changed:
            amendments[eid] = changed
    return PlanRecord(tuple(agreements), amendments), located(found, inp)


@dataclass
class PlanJob(RenderJob):
    """Renders one plan run's files with the build's machinery (workers, progress)."""

    period: str = ""
    agreements: frozenset[str] = frozenset()  # who is issued an agreement
    addenda: Mapping[str, tuple[int, tuple[PlanLine, ...]]] = field(default_factory=dict)  # eid → (number, lines)

    def paths(self, r: EmployeeResult) -> dict[str, Path]:
        """This run's files of ``r``: no result trace in a plan; a tracking scorecard only if appraised."""
        eid, files = r.employee.employee_id, {}
        if eid in self.agreements:
            files["agreements"] = agreement_path(self.folder, eid)
        if eid in self.addenda:
            files["addenda"] = addendum_path(self.folder, eid, self.addenda[eid][0])
        if r.appraised:
            files["scorecards"] = tracking_path(self.folder, self.period, r)
        return files

    def render_data(self, kind: str, r: EmployeeResult) -> bytes:
        if kind == "scorecards":  # the scorecard a plan writes is the tracking one
            return render_tracking_scorecard(self.result, r, self.sheet_password, self.created)
        if kind == "addenda":
            number, lines = self.addenda[r.employee.employee_id]
            return render_addendum(self.pdf_renderer(), self.result, r, self.created, lines, number)
        return super().render_data(kind, r)

    def run_task(self, task: tuple) -> list[Path]:
        if task[0] == "unit_agreement":  # a unit's agreement for one of its plans (篇七)
            plan = self.result.input.unit_plans[task[1]]
            path = unit_agreement_path(self.folder, plan.unit, plan.term.key)
            write_bytes_atomic(path, render_unit_agreement(self.pdf_renderer(), self.result.input, plan, self.created))
            return [path]
        written = super().run_task(task)
        if task[0] == "agreements":  # an agreement and its addendum are issued together
            written += [p for i in task[1] if (p := self.render_employee_file("addenda", i)) is not None]
        return written

    def task_files(self, task: tuple) -> list[tuple[Path, bytes]]:
        made = super().task_files(task)
        if task[0] == "agreements":  # an agreement and its addendum are issued together
            made += [m for i in task[1] if (m := self.employee_file("addenda", i)) is not None]
        return made

    def batch_path(self, kind: str, label: str) -> Path:
        """The period's print batch of the agreements or addenda it issued."""
        return plan_batch_path(self.folder, self.period, kind, label)


def issued_in_period(db_path: Path, term: str, period: str, record: PlanRecord,
                     numbers: Mapping[str, int]) -> dict[str, dict[str, list[str]]]:
    """What the period's plan runs issued, this one included: kind → employee → file stems."""
    issued: dict[str, dict[str, list[str]]] = {"agreements": defaultdict(list), "addenda": defaultdict(list)}
    for eid, lines in load_agreed(db_path, term).items():
        if lines[0].issued_in == period and eid not in record.agreements:
            issued["agreements"][eid].append(eid)
    for eid in record.agreements:
        issued["agreements"][eid].append(eid)
    for a in load_amendments(db_path, term):
        stem = f"{a.employee_id}-{a.number}"
        if a.issued_in == period and stem not in issued["addenda"][a.employee_id]:
            issued["addenda"][a.employee_id].append(stem)
    for eid, number in numbers.items():
        issued["addenda"][eid].append(f"{eid}-{number}")
    return issued


def batch_tasks(job: PlanJob, chosen: list[EmployeeResult], issued: dict[str, dict[str, list[str]]],
                skipped: list[str]) -> tuple[list[tuple], list[int]]:
    """Per department of ``chosen``, a print batch of each kind the period issued (both originals in each file)."""
    departments: dict[str, list[str]] = defaultdict(list)
    affected = {department_label(r) for r in chosen}
    for r in job.result.results:
        if department_label(r) in affected:
            departments[department_label(r)].append(r.employee.employee_id)
    tasks, sizes = [], []
    for label, ids in sorted(departments.items()):
        for kind in ("agreements", "addenda"):
            stems = [stem for eid in ids for stem in issued[kind].get(eid, ())]
            missing = [stem for stem in stems if not (job.folder / kind / f"{stem}.pdf").exists()]
            if missing:
                skipped.append(f"{plan_batch_path(Path(), job.period, kind, label)}：{'、'.join(missing)} 的文件不在")
                stems = [stem for stem in stems if stem not in missing]
            if stems:
                tasks.append(("batch", kind, label, stems))
                sizes.append(len(stems))
    return tasks, sizes


def render_plan_manifest(result: PeriodResult, folder: Path, agreed_on: date) -> bytes:
    """The term's folder as it stands: each employee's agreement, addenda and tracking scorecards."""
    s = result.input.settings

    def files(r: EmployeeResult) -> dict:
        eid = r.employee.employee_id
        agreement = agreement_path(folder, eid)
        return {"agreement": str(agreement.relative_to(folder)) if agreement.exists() else None,
                "addenda": sorted(str(p.relative_to(folder)) for p in (folder / "addenda").glob(f"{eid}-*.pdf")),
                "tracking": {p.parent.parent.name: str(p.relative_to(folder))
                             for p in sorted((folder / "tracking").glob(f"*/*/{eid}.xlsx"))}}

    data = {"term": s.term.key, "company": s.company, "language": s.language,
            "last_period": s.period.key, "last_period_label": language(s.language).period_label(s.period),
            "last_run_on": agreed_on.isoformat(),
            "employees": [{"employee_id": r.employee.employee_id, "name": r.employee.name,
                           "company": r.employee.company, "department": r.employee.department, **files(r)}
                          for r in result.results]}
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def plan(input_path: Path, out_dir: Path = Path("output"), *, employee_ids: Iterable[str] = (),
         departments: Iterable[str] = (), force: bool = False, reissue: bool = False,
         agreed_on: date | None = None, progress: Progress | None = None, options: RenderOptions | None = None,
         on_agreed: OnAgreed | None = None, db_path: Path | None = None) -> PlanReport:
    """Write a period's plan into ``out_dir/plans/<term>``; ``agreed_on`` (default today) dates what is signed.

    ``employee_ids``/``departments`` make the run partial: only those employees and their departments' print
    batches.  A file this run would write that exists already (this period's tracking scorecard, a document)
    is replaced only with ``force``; ``reissue`` issues new agreements to the chosen even if the term has
    theirs on record (and implies ``force``).  What was issued is recorded in the history ``db_path``
    (default ``out_dir/reporter.sqlite``, the one `build` uses), then ``on_agreed(inp, agreed_on, ids)`` is
    told: ``ids`` is None after a full run, else the sorted IDs of a partial one.
    """
    progress, options = progress or Progress(), options or RenderOptions()
    check_cluster(options)
    db_path = Path(db_path) if db_path else Path(out_dir) / DEFAULT_DB_NAME
    with output_lock(Path(out_dir), progress.waiting):
        recovered = recover_output(Path(out_dir), db_path)
        progress.recovered(recovered)
        report = _plan(input_path, Path(out_dir), employee_ids, departments, force, reissue,
                       agreed_on or date.today(), progress, options, on_agreed, db_path)
    return replace(report, recovered=tuple(recovered))


def _plan(input_path: Path, out_dir: Path, employee_ids: Iterable[str], departments: Iterable[str], force: bool,
          reissue: bool, agreed_on: date, progress: Progress, options: RenderOptions, on_agreed: OnAgreed | None,
          db_path: Path) -> PlanReport:
    """:func:`plan` once it holds the output folder."""
    workers = options.workers or os.cpu_count() or 1
    sha256 = file_sha256(Path(input_path))
    inp = load_input(Path(input_path), stage="plan")
    result = lay_out_plan(inp)
    term, period = inp.settings.term.key, inp.settings.period.key
    target = Path(out_dir) / PLANS_DIR / term
    selected = select_employees(result, employee_ids, departments)
    chosen = [r for r in result.results if selected is None or r.employee.employee_id in selected]
    named = {e.strip() for e in employee_ids if e.strip()}
    record, problems = what_to_issue(result, chosen, load_agreed(db_path, term), named, reissue)
    if problems:
        raise InputError([*problems, *inp.warnings])
    numbers = next_addendum_numbers(db_path, term, record.amendments)
    stamps = agreement_stamps(result, db_path, record.agreements, reissue)  # each agreement's version and code
    job = PlanJob(result, target, options.created or inp.settings.period.document_date, options.sheet_password,
                  options.templates, options.renderer, frozenset(named), {"agreements": stamps}, period=period,
                  agreements=frozenset(record.agreements),
                  addenda={eid: (numbers[eid], lines) for eid, lines in record.amendments.items()})
    existing = [p for r in chosen for p in job.paths(r).values() if p.exists()]
    if existing and not (force or reissue):
        raise OutputExistsError(f"{existing[0]} 已存在。如确需替换，请加 --force")
    skipped = [f"{eid}：{term} 的目标责任书已签订（见历史记录），但文件不在 {agreement_path(target, eid)}；"
               f"如需重新签发，请加 --reissue"
               for eid in sorted({r.employee.employee_id for r in chosen} & set(load_agreed(db_path, term))
                                 - set(record.agreements))
               if not agreement_path(target, eid).exists()]

    with staged_folder(target, force=True) as staging:
        if target.exists():  # the term's earlier runs, linked not copied: a rewritten file gets a new inode
            shutil.copytree(target, staging, copy_function=os.link, dirs_exist_ok=True)
        job.folder = staging
        renderer = Renderer(job, set(PLAN_KINDS), progress, workers, options.cluster)
        # The print batches in the same pool as the documents they join (in one process they were a quarter of
        # the plan's wall time at 10,000 people).
        renderer.run(chosen, batch_tasks=lambda: batch_tasks(
            job, chosen, issued_in_period(db_path, term, period, record, numbers), skipped))
        if selected is None:  # the units' agreements: each plan's once, again only with --reissue
            units = [("unit_agreement", i) for i, p in enumerate(inp.unit_plans)
                     if reissue or not unit_agreement_path(staging, p.unit, p.term.key).exists()]
            renderer.run_tasks("units", units, [1] * len(units), None)
        write_bytes_atomic(staging / PLAN_MANIFEST, render_plan_manifest(result, staging, agreed_on))
        written = [target / p.relative_to(staging) for p in [*renderer.written, staging / PLAN_MANIFEST]]
        # What the history is to record travels with the files (reporter.store.journal), committed after the swap.
        log = StatementLog()
        paths = {eid: agreement_path(staging, eid) for eid in record.agreements}
        insert_documents(log, [stamps[eid] for eid in paths if eid in stamps], written_documents(stamps, paths),
                         agreed_on.isoformat())
        write_plan(log, inp, agreed_on, record, input_sha256=sha256, numbers=numbers)
        write_journal(staging, log)
    job.folder = target
    commit_journal(db_path, target)
    if on_agreed is not None:
        on_agreed(inp, agreed_on, None if selected is None else sorted(selected))
    return PlanReport(period, target, tuple(written), result, selected is not None, tuple(skipped),
                      record.agreements, dict(numbers))

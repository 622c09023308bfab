"""Rendering a scored period's files, on one process or a pool of forked workers.

Everything a worker needs is one explicit :class:`RenderJob`.  A pool is
forked with the job as its initializer's argument: under ``fork`` the child
inherits it from the parent's memory, so the scored period is never pickled,
and each worker builds its one PDF renderer on first use (or inherits the one
the caller passed in).  Without a pool the same task functions run in this
process with the same job.
"""

from __future__ import annotations

import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from reporter.model import EmployeeResult, PeriodResult
from reporter.rules.trend import Trend
from reporter.store.atomic import atomic_file, write_bytes_atomic
from reporter.store.documents import DocumentStamp
from reporter.writers.manifest import MANIFEST, render_manifest
from reporter.writers.paths import batch_path, department_label, employee_files, unit_paths
from reporter.writers.payroll_csv import render_payroll_csv
from reporter.writers.pdf.documents import document_characters, render_agreement, render_letter
from reporter.writers.pdf.print_batch import write_for_duplex
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.pdf.unit_documents import render_unit_letter
from reporter.writers.result_json import render_result_json
from reporter.writers.xlsx.scorecard import render_scorecard
from reporter.writers.xlsx.summary import render_summary
from reporter.writers.xlsx.unit_scorecard import render_unit_scorecard

KINDS = ("scorecards", "letters", "agreements", "summary")
# What `build` writes when not told --only: agreements are issued at the start of the period by
# `reporter plan`; the period's end renders them again only when asked.
DEFAULT_KINDS = ("scorecards", "letters", "summary")
EMPLOYEE_KINDS = ("results", "scorecards", "letters", "agreements")
STAGE_NAMES = {"results": "结果明细", "scorecards": "评分卡", "letters": "确认书", "agreements": "责任书",
               "print": "打印合集", "summary": "汇总表", "units": "单位考核"}
CHUNK = 8  # employees per task: small enough to balance, large enough to amortise the hand-off
# A worker is replaced after this many tasks (~500 documents): WeasyPrint's caches grow ~20 KB per
# document, which over 20,000 documents would approach the memory bound; a fresh fork starts clean.
TASKS_PER_WORKER = 64
# WeasyPrint makes hundreds of thousands of short-lived objects per document; at Python's default thresholds
# the collector scans its youngest generation every 700 allocations, about a tenth of a letter's CPU
# (measured: 644 → 562 ms a letter).  Rendering collects every 50,000 instead.
RENDER_GC_THRESHOLD = (50_000, 20, 20)


class Progress:
    """What the build reports as it goes; the CLI draws it as a progress bar."""

    def start(self, stage: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def close(self) -> None: ...

    def waiting(self, holder: str) -> None:
        """Another run holds the output folder (``holder``: its pid and host); this one waits for it."""

    def recovered(self, leftovers) -> None:
        """What a dead run had left in the output folder, and what was done (reporter.store.atomic.Leftover)."""


@dataclass
class RenderJob:
    """One period's rendering: what to render from, where to, and with which collaborators."""

    result: PeriodResult
    folder: Path
    created: datetime  # the date stamped in every PDF and workbook of the period
    sheet_password: str = ""
    templates: Path | None = None  # None: the bundled templates
    renderer: PdfRenderer | None = field(default=None, repr=False)
    named: frozenset[str] = frozenset()  # employees HR named (--employee): an agreement even if not appraised
    # kind ("letters", "agreements") → employee → the document version to print (reporter.store.documents)
    stamps: Mapping[str, Mapping[str, DocumentStamp]] = field(default_factory=dict)
    # employee → where the letter stands as issued (reporter.pipeline.settle), for payroll.csv and 工资表
    states: Mapping[str, str] = field(default_factory=dict)
    # employee → the facts of the letter's trend chart (reporter.rules.trend), from the history as it stood
    trends: Mapping[str, Trend] = field(default_factory=dict)

    def has_agreement(self, r: EmployeeResult) -> bool:
        """Someone not appraised (absent for the period) gets no agreement unless HR names them."""
        return r.appraised or r.employee.employee_id in self.named

    def paths(self, r: EmployeeResult) -> dict[str, Path]:
        paths = employee_paths(self.folder, r)
        if not self.has_agreement(r):
            del paths["agreements"]
        return paths

    def pdf_renderer(self) -> PdfRenderer:
        """The process's renderer, built on first use (fonts checked and reduced to the input's characters,
        stylesheet parsed once)."""
        if self.renderer is None:
            self.renderer = PdfRenderer(self.templates, document_characters(self.result.input))
        return self.renderer

    def render_data(self, kind: str, r: EmployeeResult) -> bytes:
        """One employee's file of one kind, as bytes."""
        if kind == "results":
            return render_result_json(self.result, r)
        stamp = self.stamps.get(kind, {}).get(r.employee.employee_id)
        if kind == "letters":
            return render_letter(self.pdf_renderer(), self.result, r, self.created, stamp,
                                 self.trends.get(r.employee.employee_id))
        if kind == "agreements":
            return render_agreement(self.pdf_renderer(), self.result, r, self.created, stamp)
        return render_scorecard(self.result, r, self.sheet_password, self.created)

    def employee_file(self, kind: str, index: int) -> tuple[Path, bytes] | None:
        """One employee's file of one kind: where it goes and its bytes (None: they have none of that kind)."""
        r = self.result.results[index]
        path = self.paths(r).get(kind)
        if path is None:
            return None  # no scorecard, nor unless named an agreement, for someone not appraised
        return path, self.render_data(kind, r)

    def render_employee_file(self, kind: str, index: int) -> Path | None:
        made = self.employee_file(kind, index)
        if made is None:
            return None
        write_bytes_atomic(*made)
        return made[0]

    def task_files(self, task: tuple) -> list[tuple[Path, bytes]]:
        """An employee task's files as (path, bytes), not written: what a cluster's worker sends back."""
        kind, indices = task
        return [made for i in indices if (made := self.employee_file(kind, i)) is not None]

    def batch_path(self, kind: str, label: str) -> Path:
        """Where a department's print batch of ``kind`` goes."""
        return batch_path(self.folder, kind, label)

    def render_batch(self, kind: str, label: str, members: list[str]) -> Path:
        """``members``: the stems of the files in ``folder/kind`` (an employee ID, or a plan's "ID-number")."""
        path = self.batch_path(kind, label)
        with atomic_file(path) as out:  # read and written one document at a time
            write_for_duplex(((self.folder / kind / f"{stem}.pdf").read_bytes() for stem in members), out)
        return path

    def render_unit_file(self, kind: str, code: str) -> Path:
        """A scored unit's scorecard or result letter (篇七): written with the period's summary."""
        unit = next(u for u in self.result.units if u.unit.code == code)
        if kind == "scorecards":
            data = render_unit_scorecard(self.result, unit, self.sheet_password, self.created)
        else:
            data = render_unit_letter(self.pdf_renderer(), self.result, unit, self.created)
        path = unit_paths(self.folder, code)[kind]
        write_bytes_atomic(path, data)
        return path

    def run_task(self, task: tuple) -> list[Path]:
        if task[0] == "batch":
            return [self.render_batch(*task[1:])]
        if task[0] == "unit":
            return [self.render_unit_file(*task[1:])]
        kind, indices = task
        return [p for i in indices if (p := self.render_employee_file(kind, i)) is not None]


_worker_job: RenderJob | None = None  # set in each worker process by _start_worker, never in the parent
_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
PARENT_CHECK_SECONDS = 1.0


def _start_worker(job: RenderJob, parent_pid: int, pool_thread: int) -> None:
    global _worker_job
    _worker_job = job
    gc.set_threshold(*RENDER_GC_THRESHOLD)
    _exit_with_parent(parent_pid, pool_thread)


def _exit_with_parent(parent_pid: int, pool_thread: int) -> None:
    """End this worker when the build that forked it dies, even by SIGKILL.

    A pool worker blocks reading its task pipe, whose write end it inherited itself, so a dead
    parent never gives it end-of-file: without this it lives on, idle, until someone kills it.
    On Linux the kernel sends SIGKILL the moment the parent goes (PR_SET_PDEATHSIG) — but that
    signal follows the forking *thread*, and the pool forks replacement workers from its own
    helper thread, which ends at the pool's close while workers still share its locks.  So only a
    worker forked by the thread that made the pool asks for it; every worker (and every one on
    other systems) also checks its parent each second from a daemon thread.  getppid() is checked
    once more right away: the parent may have died before the prctl call took effect.
    """
    if sys.platform.startswith("linux") and threading.get_ident() == pool_thread:
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the check below still ends us within a second
    if os.getppid() != parent_pid:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _run_in_worker(task: tuple) -> list[Path]:
    assert _worker_job is not None, "a render worker runs only in a pool started by Renderer.run"
    return _worker_job.run_task(task)


@contextmanager
def fewer_collections():
    """Rendering here, in this process: the collector at :data:`RENDER_GC_THRESHOLD`, as in a worker."""
    before = gc.get_threshold()
    gc.set_threshold(*RENDER_GC_THRESHOLD)
    try:
        yield
    finally:
        gc.set_threshold(*before)


def fork_pool(job, workers: int):
    """``workers`` forked processes holding ``job`` (anything with ``run_task(task) -> list[Path]``: a
    RenderJob, or the year-end letters' job), each ending with its parent; the caller closes and joins it,
    then calls ``gc.unfreeze()``."""
    gc.collect()
    gc.freeze()  # keep the inherited objects' pages shared: the collector would touch them all
    return multiprocessing.get_context("fork").Pool(
        workers, initializer=_start_worker, initargs=(job, os.getpid(), threading.get_ident()),
        maxtasksperchild=TASKS_PER_WORKER)


def run_each(job, tasks: list[tuple], pool):
    """Each task's written paths, in order: in the pool's workers, or here without a pool."""
    return pool.imap(_run_in_worker, tasks) if pool is not None else map(job.run_task, tasks)


def employee_paths(folder: Path, r: EmployeeResult) -> dict[str, Path]:
    trace, letter, agreement, *scorecard = employee_files(folder, r)
    paths = {"results": trace, "letters": letter, "agreements": agreement}
    if scorecard:
        paths["scorecards"] = scorecard[0]
    return paths


class Renderer:
    """Writes the chosen kinds of output for the chosen employees into the job's folder."""

    def __init__(self, job: RenderJob, kinds: set[str], progress: Progress, workers: int,
                 cluster: str | None = None):
        self.job, self.kinds, self.progress, self.workers = job, kinds, progress, workers
        self.cluster = cluster  # a Dask scheduler's address: the employees' files are rendered there
        self.written: list[Path] = []
        self.skipped: list[str] = []

    @property
    def folder(self) -> Path:
        return self.job.folder

    def targets(self, chosen: list[EmployeeResult]) -> list[Path]:
        """Every file this run would write, to check for overwrites before writing any."""
        wanted = {"results"} | self.kinds
        paths = [p for r in chosen for k, p in self.job.paths(r).items() if k in wanted]
        if "summary" in self.kinds:
            paths += [self.folder / "summary.xlsx", self.folder / "payroll.csv", self.folder / MANIFEST]
            paths += [unit_paths(self.folder, task[2])[task[1]] for task in self.unit_tasks()]
        return paths

    def unit_tasks(self) -> list[tuple]:
        """The scored units' scorecards and letters, made with the period-wide files (the summary's kind)."""
        if "summary" not in self.kinds:
            return []
        return [("unit", kind, u.unit.code) for u in self.job.result.units if u.scored
                for kind in ("scorecards", "letters") if kind in self.kinds]

    def run_tasks(self, stage: str, tasks: list[tuple], sizes: list[int], pool) -> None:
        self.progress.start(STAGE_NAMES[stage], sum(sizes))
        if hasattr(pool, "run_tasks"):  # a cluster (reporter.pipeline.cluster): it writes, we report
            self.written += pool.run_tasks(tasks, sizes, self.progress)
            self.progress.close()
            return
        results = run_each(self.job, tasks, pool)
        for paths, size in zip(results, sizes, strict=True):
            self.written += paths
            self.progress.advance(size)
        self.progress.close()

    def employee_tasks(self, kind: str, chosen: list[EmployeeResult]) -> tuple[list[tuple], list[int]]:
        index = {id(r): i for i, r in enumerate(self.job.result.results)}
        positions = [index[id(r)] for r in chosen]
        chunks = [positions[i:i + CHUNK] for i in range(0, len(positions), CHUNK)]
        return [(kind, chunk) for chunk in chunks], [len(chunk) for chunk in chunks]

    def batch_tasks(self, chosen: list[EmployeeResult]) -> tuple[list[tuple], list[int]]:
        """A department's letters (one copy) and agreements (two originals), each on a right-hand page.

        An agreement batch holds the department's agreements: the appraised, and whoever not appraised
        was named or already has one in the folder; a department without any has no agreement batch.
        """
        affected = {department_label(r) for r in chosen}
        departments: dict[str, list[EmployeeResult]] = {}
        for r in self.job.result.results:
            if department_label(r) in affected:
                departments.setdefault(department_label(r), []).append(r)
        tasks, sizes = [], []
        for label, members in sorted(departments.items()):
            for kind in ("letters", "agreements"):  # an agreement file holds both originals
                if kind not in self.kinds:
                    continue
                ids = [r.employee.employee_id for r in members if kind == "letters" or self.job.has_agreement(r)
                       or (self.folder / kind / f"{r.employee.employee_id}.pdf").exists()]
                if not ids:
                    continue
                missing = [eid for eid in ids if not (self.folder / kind / f"{eid}.pdf").exists()]
                if missing:
                    name = self.job.batch_path(kind, label).name
                    self.skipped.append(f"{name}：{'、'.join(missing)} 的文件尚未生成")
                    continue
                tasks.append(("batch", kind, label, ids))
                sizes.append(len(ids))
        return tasks, sizes

    def period_files(self) -> None:
        result, job = self.job.result, self.job
        self.progress.start(STAGE_NAMES["summary"], 1)
        for name, data in (("summary.xlsx", render_summary(result, job.sheet_password, job.created, job.states)),
                           ("payroll.csv", render_payroll_csv(result, states=job.states)),
                           (MANIFEST, render_manifest(result, job.folder, job.stamps.get("letters", {})))):
            write_bytes_atomic(self.folder / name, data)
            self.written.append(self.folder / name)
        self.progress.advance()
        self.progress.close()

    def run(self, chosen: list[EmployeeResult], batches: bool = True,
            batch_tasks: Callable[[], tuple[list[tuple], list[int]]] | None = None) -> None:
        """Each kind's files of ``chosen``, then (``batches``) the print batches: the departments' of
        :meth:`batch_tasks`, or those ``batch_tasks`` lists once the documents are written (the plan's), in the
        same pool; then the units' files."""
        if self.kinds & {"letters", "agreements"}:
            self.job.pdf_renderer()  # fail on missing fonts before anything is written; forks inherit it
        pool = None
        if self.cluster is not None:
            from .cluster import ClusterPool  # imports Dask only when a cluster is asked for

            pool = ClusterPool(self.cluster, self.job)
        elif self.workers > 1 and len(chosen) > CHUNK:
            pool = fork_pool(self.job, self.workers)
        local = None if self.cluster is not None else pool  # print batches read the folder: made here
        try:
            with fewer_collections():
                for kind in EMPLOYEE_KINDS:
                    if kind == "results" or kind in self.kinds:
                        self.run_tasks(kind, *self.employee_tasks(kind, chosen), pool)
                if batches and self.kinds & {"letters", "agreements"}:
                    self.run_tasks("print", *(batch_tasks() if batch_tasks else self.batch_tasks(chosen)), local)
                if units := self.unit_tasks():
                    self.run_tasks("units", units, [1] * len(units), local)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
                gc.unfreeze()
        if "summary" in self.kinds:
            self.period_files()

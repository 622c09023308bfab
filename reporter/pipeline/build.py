"""The build pipeline: input workbook → validated model → scores → files → history.

Nothing is written until the input has validated.  A full build stages the
whole period folder and renames it into place, then records the period in
the history.  A partial build (``only`` some kinds of output, or some
employees) replaces just those files, one atomic write each, and leaves the
history alone.
"""

from __future__ import annotations

import gc
import hashlib
import multiprocessing
import os
import shutil
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from reporter.errors import InputError, OutputExistsError, Problem, ReporterError
from reporter.input.validate import load_input
from reporter.model import EmployeeResult, PeriodResult
from reporter.rules.engine import score_period
from reporter.store.atomic import staged_folder, write_bytes_atomic
from reporter.store.history import load_history, record_period
from reporter.writers.manifest import MANIFEST, render_manifest
from reporter.writers.paths import batch_path, department_label, employee_files
from reporter.writers.payroll_csv import render_payroll_csv
from reporter.writers.pdf.documents import render_agreement, render_letter
from reporter.writers.pdf.print_batch import merge_for_duplex
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.result_json import render_result_json
from reporter.writers.wording import period_warnings
from reporter.writers.xlsx.scorecard import render_scorecard
from reporter.writers.xlsx.summary import render_summary

DEFAULT_DB_NAME = "reporter.sqlite"
KINDS = ("scorecards", "letters", "agreements", "summary")


class Progress:
    """What the build reports as it goes; the CLI draws it as a progress bar."""

    def start(self, stage: str, total: int) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class BuildReport:
    period: str
    folder: Path
    files: tuple[Path, ...]
    result: PeriodResult
    partial: bool
    skipped: tuple[str, ...] = field(default=())  # what was not written, and why

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return period_warnings(self.result)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def score_input(input_path: Path, db_path: Path | None) -> PeriodResult:
    """Validate and score, with earlier periods from the history database."""
    inp = load_input(input_path)
    stored = load_history(db_path, before=inp.settings.period.key) if db_path else []
    return score_period(inp, stored)


def in_shard(employee_id: str, shard: tuple[int, int]) -> bool:
    """Shard K of N (1-based) holds the IDs whose CRC-32 is K-1 modulo N: stable as people join or leave."""
    k, n = shard
    return zlib.crc32(employee_id.encode("utf-8")) % n == k - 1


def _select(result: PeriodResult, employee_ids: Iterable[str], departments: Iterable[str] = ()) -> set[str] | None:
    """The employees a partial build is for: IDs, plus everyone of the named departments."""
    wanted = {e.strip() for e in employee_ids if e.strip()}
    for name in (d.strip() for d in departments if d.strip()):
        members = {r.employee.employee_id for r in result.results
                   if name in (r.employee.department, department_label(r))}
        if not members:
            known = sorted({department_label(r) for r in result.results})
            raise InputError([Problem(f"没有部门「{name}」：可用 {'、'.join(known)}，或只写部门名", result.input.source)])
        wanted |= members
    if not wanted:
        return None
    unknown = sorted(wanted - {r.employee.employee_id for r in result.results})
    if unknown:
        raise InputError([Problem(f"工号 {'、'.join(unknown)} 不在「员工」表中：请检查 --employee 参数",
                                  result.input.source)])
    return wanted


# Rendering runs in forked worker processes; they inherit the scored period from the parent
# (set just before the pool starts) instead of receiving it pickled, and each builds its one
# PdfRenderer on first use, so WeasyPrint is imported and configured once per worker.
_JOB: dict = {}
EMPLOYEE_KINDS = ("results", "scorecards", "letters", "agreements")
STAGE_NAMES = {"results": "结果明细", "scorecards": "评分卡", "letters": "确认书", "agreements": "责任书",
               "print": "打印合集", "summary": "汇总表"}
CHUNK = 8  # employees per task: small enough to balance, large enough to amortise the hand-off
# A worker is replaced after this many tasks (~500 documents): WeasyPrint's caches grow ~20 KB per
# document, which over 20,000 documents would approach the memory bound; a fresh fork starts clean.
TASKS_PER_WORKER = 64


def _renderer() -> PdfRenderer:
    if "renderer" not in _JOB:
        _JOB["renderer"] = PdfRenderer()
    return _JOB["renderer"]


def _render_employee_file(kind: str, index: int) -> Path | None:
    result, folder = _JOB["result"], _JOB["folder"]
    r = result.results[index]
    path = _employee_paths(folder, r).get(kind)
    if path is None:
        return None  # no scorecard for someone not appraised
    data = {
        "results": lambda: render_result_json(result, r),
        "letters": lambda: render_letter(_renderer(), result, r),
        "agreements": lambda: render_agreement(_renderer(), result, r),
        "scorecards": lambda: render_scorecard(result, r, _JOB["sheet_password"]),
    }[kind]()
    write_bytes_atomic(path, data)
    return path


def _render_batch(kind: str, label: str, members: list[str], copies: int) -> Path:
    folder = _JOB["folder"]
    documents = [(folder / kind / f"{eid}.pdf").read_bytes() for eid in members]
    path = batch_path(folder, kind, label)
    write_bytes_atomic(path, merge_for_duplex(documents, copies))
    return path


def _task(job: tuple) -> list[Path]:
    if job[0] == "batch":
        return [_render_batch(*job[1:])]
    kind, indices = job
    return [p for i in indices if (p := _render_employee_file(kind, i)) is not None]


def _employee_paths(folder: Path, r: EmployeeResult) -> dict[str, Path]:
    trace, letter, agreement, *scorecard = employee_files(folder, r)
    paths = {"results": trace, "letters": letter, "agreements": agreement}
    if scorecard:
        paths["scorecards"] = scorecard[0]
    return paths


class _Writer:
    """Writes the chosen kinds of output for the chosen employees into one folder, on ``workers`` processes."""

    def __init__(self, folder: Path, result: PeriodResult, kinds: set[str], progress: Progress,
                 sheet_password: str, workers: int):
        self.folder, self.result, self.kinds, self.progress = folder, result, kinds, progress
        self.workers = workers
        _JOB.clear()
        _JOB.update(result=result, folder=folder, sheet_password=sheet_password)
        self.written: list[Path] = []
        self.skipped: list[str] = []

    def targets(self, chosen: list[EmployeeResult]) -> list[Path]:
        """Every file this run would write, to check for overwrites before writing any."""
        wanted = {"results"} | self.kinds
        paths = [p for r in chosen for k, p in _employee_paths(self.folder, r).items() if k in wanted]
        if "summary" in self.kinds:
            paths += [self.folder / "summary.xlsx", self.folder / "payroll.csv", self.folder / MANIFEST]
        return paths

    def run_tasks(self, stage: str, jobs: list[tuple], sizes: list[int], pool) -> None:
        self.progress.start(STAGE_NAMES[stage], sum(sizes))
        results = pool.imap(_task, jobs) if pool is not None else map(_task, jobs)
        for paths, size in zip(results, sizes, strict=True):
            self.written += paths
            self.progress.advance(size)
        self.progress.close()

    def employee_jobs(self, kind: str, chosen: list[EmployeeResult]) -> tuple[list[tuple], list[int]]:
        index = {id(r): i for i, r in enumerate(self.result.results)}
        positions = [index[id(r)] for r in chosen]
        chunks = [positions[i:i + CHUNK] for i in range(0, len(positions), CHUNK)]
        return [(kind, chunk) for chunk in chunks], [len(chunk) for chunk in chunks]

    def batch_jobs(self, chosen: list[EmployeeResult]) -> tuple[list[tuple], list[int]]:
        """A department's letters (one copy) and agreements (two originals), each on a right-hand page."""
        affected = {department_label(r) for r in chosen}
        departments: dict[str, list[EmployeeResult]] = {}
        for r in self.result.results:
            if department_label(r) in affected:
                departments.setdefault(department_label(r), []).append(r)
        jobs, sizes = [], []
        for label, members in sorted(departments.items()):
            for kind, copies in (("letters", 1), ("agreements", 2)):
                if kind not in self.kinds:
                    continue
                ids = [r.employee.employee_id for r in members]
                missing = [eid for eid in ids if not (self.folder / kind / f"{eid}.pdf").exists()]
                if missing:
                    name = batch_path(self.folder, kind, label).name
                    self.skipped.append(f"{name}：{'、'.join(missing)} 的文件尚未生成")
                    continue
                jobs.append(("batch", kind, label, ids, copies))
                sizes.append(len(ids))
        return jobs, sizes

    def period_files(self) -> None:
        self.progress.start(STAGE_NAMES["summary"], 1)
        for name, data in (("summary.xlsx", render_summary(self.result, _JOB["sheet_password"])),
                           ("payroll.csv", render_payroll_csv(self.result)), (MANIFEST, render_manifest(self.result))):
            write_bytes_atomic(self.folder / name, data)
            self.written.append(self.folder / name)
        self.progress.advance()
        self.progress.close()

    def run(self, chosen: list[EmployeeResult], batches: bool = True) -> None:
        if self.kinds & {"letters", "agreements"}:
            _renderer()  # fail on missing fonts before anything is written (and share the setup with forks)
        pool = None
        if self.workers > 1 and len(chosen) > CHUNK:
            gc.collect()
            gc.freeze()  # keep the inherited objects' pages shared: the collector would touch them all
            pool = multiprocessing.get_context("fork").Pool(self.workers, maxtasksperchild=TASKS_PER_WORKER)
        try:
            for kind in EMPLOYEE_KINDS:
                if kind == "results" or kind in self.kinds:
                    self.run_tasks(kind, *self.employee_jobs(kind, chosen), pool)
            if batches and self.kinds & {"letters", "agreements"}:
                self.run_tasks("print", *self.batch_jobs(chosen), pool)
        finally:
            if pool is not None:
                pool.close()
                pool.join()
                gc.unfreeze()
        if "summary" in self.kinds:
            self.period_files()


def build(input_path: Path, out_dir: Path = Path("output"), *, employee_ids: Iterable[str] = (),
          departments: Iterable[str] = (),
          only: Iterable[str] | None = None, force: bool = False, db_path: Path | None = None,
          now: Callable[[], str] | None = None, progress: Progress | None = None,
          sheet_password: str = "", workers: int | None = None,
          shard: tuple[int, int] | None = None) -> BuildReport:
    """Build one period's outputs; ``now`` gives the build timestamp recorded in the history.

    ``only`` limits the kinds of output (see KINDS) and ``employee_ids`` the employees; either makes
    the build partial. ``workers`` processes render the files (default: one per core). ``shard`` (K, N)
    renders only the employees of shard K of N, for :func:`merge` to combine. ``sheet_password`` protects the scorecards' formula cells with a password
    (default: protected without one, so HR can unprotect deliberately but not by accident).
    """
    progress = progress or Progress()
    workers = workers or os.cpu_count() or 1
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / DEFAULT_DB_NAME
    result = score_input(Path(input_path), db_path)
    period = result.input.settings.period.key
    target = out_dir / period
    selected = _select(result, employee_ids, departments)
    if shard is not None:
        k, n = shard
        if not 1 <= k <= n:
            raise ValueError(f"shard {k}/{n}: K must be between 1 and N")
        ids = selected or {r.employee.employee_id for r in result.results}
        selected = {eid for eid in ids if in_shard(eid, shard)}
    # Some employees alone: their own files, not the period-wide summary and payroll.
    kinds = set(only) if only is not None else set(KINDS) - ({"summary"} if selected is not None else set())
    if kinds - set(KINDS):
        raise ValueError(f"unknown output kinds: {sorted(kinds - set(KINDS))}")
    chosen = [r for r in result.results if selected is None or r.employee.employee_id in selected]

    if selected is not None or only is not None:
        writer = _Writer(target, result, kinds, progress, sheet_password, workers)
        existing = [p for p in writer.targets(chosen) if p.exists()]
        if existing and not force:
            raise OutputExistsError(f"{existing[0]} 已存在。如确需替换这些文件，请加 --force")
        writer.run(chosen, batches=shard is None)  # a department spans shards: merge prints it
        return BuildReport(period, target, tuple(writer.written), result, True, tuple(writer.skipped))

    with staged_folder(target, force) as staging:
        writer = _Writer(staging, result, kinds, progress, sheet_password, workers)
        writer.run(chosen)
        written = [target / p.relative_to(staging) for p in writer.written]
    record_period(db_path, result, input_sha256=file_sha256(Path(input_path)), built_at=now() if now else "")
    return BuildReport(period, target, tuple(written), result, False, tuple(writer.skipped))


def merge(input_path: Path, shard_dirs: Iterable[Path], out_dir: Path = Path("output"), *, force: bool = False,
          db_path: Path | None = None, now: Callable[[], str] | None = None, progress: Progress | None = None,
          sheet_password: str = "", workers: int | None = None) -> BuildReport:
    """Combine the employee files of shard builds into one period, then write what spans them all.

    The input is validated and scored again (seconds), every employee's files must be found in one of
    ``shard_dirs`` (each an OUT folder of a ``--shard`` build), and the result is the same folder a
    single full build would have written, recorded in the history the same way.
    """
    progress = progress or Progress()
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / DEFAULT_DB_NAME
    result = score_input(Path(input_path), db_path)
    period = result.input.settings.period.key
    sources: dict[Path, Path] = {}
    missing = []
    for r in result.results:
        for relative in employee_files(Path(), r):
            found = next((d / period / relative for d in map(Path, shard_dirs) if (d / period / relative).is_file()),
                         None)
            if found is None:
                missing.append(f"{r.employee.employee_id}: {relative}")
            else:
                sources[relative] = found
    if missing:
        raise ReporterError(f"分片结果不完整，缺少 {len(missing)} 个文件（如 {missing[0]}）：请检查每个分片都已生成")
    target = out_dir / period
    with staged_folder(target, force) as staging:
        progress.start("合并分片", len(sources))
        for relative, source in sources.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / relative)
            progress.advance()
        progress.close()
        writer = _Writer(staging, result, {"letters", "agreements", "summary"}, progress, sheet_password,
                         workers or os.cpu_count() or 1)
        writer.run_tasks("print", *writer.batch_jobs(list(result.results)), None)
        writer.period_files()
        written = [target / p for p in sources] + [target / p.relative_to(staging) for p in writer.written]
    record_period(db_path, result, input_sha256=file_sha256(Path(input_path)), built_at=now() if now else "")
    return BuildReport(period, target, tuple(written), result, False, tuple(writer.skipped))

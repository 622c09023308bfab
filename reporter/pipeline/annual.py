"""The year-end roll-up's run (`reporter annual`): history → annual figures → OUT/annual/<year>/.

The year is rolled up from the history (reporter.rules.annual), then written: the annual workbook
(annual.xlsx) and a result letter per employee (letters/<工号>.pdf).  Like a period folder, the
year's folder appears whole or not at all (staged, then renamed into place), and an existing one is
replaced only with ``force``; ``only`` some kinds of output replaces just those files, one atomic
write each.  The run holds the output folder's lock, as a build does.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from reporter.errors import HistoryError, OutputExistsError, UsageError
from reporter.rules.annual import AnnualResult, AnnualRow, latest_policy, roll_up, year_periods
from reporter.store.atomic import Leftover, clear_leftovers, output_lock, staged_folder, write_bytes_atomic
from reporter.store.history import list_periods
from reporter.store.journal import recover_output
from reporter.store.private import make_private
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.xlsx.annual import render_annual_workbook

from .build import DEFAULT_DB_NAME
from .render import CHUNK, Progress, fewer_collections, fork_pool, run_each

if TYPE_CHECKING:
    from reporter.frames import History

ANNUAL_KINDS = ("workbook", "letters")
WORKBOOK = "annual.xlsx"
STREAMING_ROWS = 2000  # from this many employees the workbook streams its rows (XlsxWriter constant_memory)


@dataclass(frozen=True)
class AnnualReport:
    year: int
    folder: Path
    files: tuple[Path, ...]
    result: AnnualResult
    partial: bool
    skipped: tuple[AnnualRow, ...] = field(default=())  # no letter: no appraised period in the year
    recovered: tuple[Leftover, ...] = field(default=())

    @property
    def not_eligible(self) -> tuple[AnnualRow, ...]:
        """Who gets no year-end bonus: scored but appraised too few months, or not scored at all."""
        return tuple(r for r in self.result.rows if not r.eligible)


def annual_folder(out_dir: Path, year: int) -> Path:
    return Path(out_dir) / "annual" / str(year)


def annual(year: int, out_dir: Path = Path("output"), *, db_path: Path | None = None,
           only: Iterable[str] | None = None, force: bool = False, progress: Progress | None = None,
           created: datetime | None = None, templates: Path | None = None, appeal_deadline: date | None = None,
           renderer: PdfRenderer | None = None, workers: int | None = None) -> AnnualReport:
    """Roll ``year`` up from the history (``db_path``, default OUT/reporter.sqlite) into OUT/annual/<year>/.

    ``only`` limits the outputs (ANNUAL_KINDS) and makes the run partial; ``created`` dates the files
    (default: the year's last day, so a rerun gives the same bytes); ``appeal_deadline`` overrides the
    letters' deadline (default 设置 年度申诉截止日期, else the latest period's 申诉截止日期); ``workers``
    render the letters (default one per core).
    """
    from reporter.frames import open_history  # pandas: loaded by the commands that lay out the history

    kinds = set(ANNUAL_KINDS if only is None else only)
    if unknown := kinds - set(ANNUAL_KINDS):
        raise UsageError(f"未知的输出类型 {sorted(unknown)}：可选 {', '.join(ANNUAL_KINDS)}")
    progress = progress or Progress()
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / DEFAULT_DB_NAME
    with output_lock(out_dir, progress.waiting):
        recovered = recover_output(out_dir, db_path) + clear_leftovers(out_dir / "annual")
        progress.recovered(recovered)
        history = open_history(db_path)
        result = roll_up_year(history, year, {p: built for p, built, _ in list_periods(db_path)})
        if appeal_deadline is not None:
            result = replace(result, policy=replace(result.policy, appeal_deadline=appeal_deadline))
        job = _Job(result, created or datetime(year, 12, 31), templates, renderer, progress,
                   workers or os.cpu_count() or 1)
        target = annual_folder(out_dir, year)
        if only is not None:
            existing = [p for p in job.targets(target, kinds) if p.exists()]
            if existing and not force:
                raise OutputExistsError(f"{existing[0]} 已存在。如确需替换，请加 --force")
            files = job.write(target, kinds)
        else:
            with staged_folder(target, force) as staging:
                files = [target / p.relative_to(staging) for p in job.write(staging, kinds)]
    return AnnualReport(year, target, tuple(files), result, only is not None, job.skipped, tuple(recovered))


def roll_up_year(history: History, year: int, built_at: dict[str, str] | None = None) -> AnnualResult:
    """The year's figures (reporter.rules.annual), or a HistoryError saying what the history lacks for them."""
    layout = year_periods(history, year)
    if layout is None:
        known = sorted({p[:4] for p in history.periods})
        raise HistoryError(f"历史记录 {history.path} 中没有 {year} 年的考核期间（已有年份：{'、'.join(known) or '无'}）："
                           "请先用 reporter build 生成该年的各期结果，或检查 --out / --db")
    policy = latest_policy(history, year, built_at or {})
    if policy is None:
        raise HistoryError(f"{year} 年的考核期间都是旧版本 reporter 记录的，没有记下等级与设置：请用本版本以 --force "
                           "重新生成该年最后一个考核期间（reporter build 输入表 --force）后再运行 reporter annual")
    if policy.score_rule == "plan" and layout[2] is None:
        raise HistoryError(f"年度得分方式为年度方案（{policy.source} 的设置），但历史记录中没有 {year} 年度期间的结果："
                           f"请先生成考核期间为 {year} 的年度考核，或改用月度平均、季度加权")
    return roll_up(history, year, policy, layout)


class _Job:
    """The files of one roll-up, written into a folder (the staging folder, or the year's own)."""

    def __init__(self, result: AnnualResult, created: datetime, templates: Path | None,
                 renderer: PdfRenderer | None, progress: Progress, workers: int):
        self.result, self.created, self.templates, self.renderer = result, created, templates, renderer
        self.progress, self.workers = progress, workers
        self.letter_folder = Path()
        appraised = {r.employee_id for r in result.rows if any(t is not None for t in (*r.totals, r.year_total))}
        self.lettered = [r for r in result.rows if r.employee_id in appraised]
        self.skipped = tuple(r for r in result.rows if r.employee_id not in appraised)

    def targets(self, folder: Path, kinds: set[str]) -> list[Path]:
        paths = [folder / WORKBOOK] if "workbook" in kinds else []
        if "letters" in kinds:
            paths += [folder / "letters" / f"{r.employee_id}.pdf" for r in self.lettered]
        return paths

    def write(self, folder: Path, kinds: set[str]) -> list[Path]:
        written = []
        if "workbook" in kinds:
            written.append(self.workbook(folder / WORKBOOK))
        if "letters" in kinds:
            written += self.letters(folder / "letters")
        return written

    def workbook(self, path: Path) -> Path:
        """Written beside its final name, then renamed: mode 0600 (it holds everyone's bonus)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.partial")
        make_private(temporary)
        try:
            render_annual_workbook(self.result, str(temporary), self.created,
                                   streaming=len(self.result.rows) >= STREAMING_ROWS)
            temporary.replace(path)
        finally:
            temporary.unlink(missing_ok=True)
        return path

    def letters(self, folder: Path) -> list[Path]:
        """One letter per employee with an appraised period, rendered by ``workers`` forked processes."""
        self.letter_folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.pdf_renderer()  # fail on missing fonts before anything is written; the workers inherit it
        positions = list(range(len(self.lettered)))
        tasks = [("annual_letters", positions[i:i + CHUNK]) for i in range(0, len(positions), CHUNK)]
        pool = fork_pool(self, self.workers) if self.workers > 1 and len(positions) > CHUNK else None
        written: list[Path] = []
        self.progress.start("年度通知书", len(positions))
        try:
            with fewer_collections():
                for (_, chunk), paths in zip(tasks, run_each(self, tasks, pool), strict=True):
                    written += paths
                    self.progress.advance(len(chunk))
        finally:
            self.progress.close()
            if pool is not None:
                pool.close()
                pool.join()
                gc.unfreeze()
        return written

    def pdf_renderer(self) -> PdfRenderer:
        if self.renderer is None:
            from reporter.writers.pdf.documents import document_characters

            self.renderer = PdfRenderer(self.templates, document_characters(self.lettered))
        return self.renderer

    def run_task(self, task: tuple) -> list[Path]:
        """Render and write one chunk of letters (in a worker, or here)."""
        from reporter.writers.pdf.annual_letter import render_annual_letter

        _, positions = task
        paths = []
        for i in positions:
            row = self.lettered[i]
            path = self.letter_folder / f"{row.employee_id}.pdf"
            write_bytes_atomic(path, render_annual_letter(self.pdf_renderer(), self.result, row, self.created))
            paths.append(path)
        return paths

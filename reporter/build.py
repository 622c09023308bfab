"""The build pipeline: input workbook → validated model → scores → files → history.

Nothing is written until the input has validated.  A full build stages the
whole period folder and renames it into place, then records the period in
the history.  A partial build (``only`` some kinds of output, or some
employees) replaces just those files, one atomic write each, and leaves the
history alone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .engine import score_period
from .errors import InputError, OutputExistsError, Problem
from .history import load_history, record_period
from .manifest import MANIFEST, render_manifest
from .model import EmployeeResult, PeriodResult
from .outputs import staged_folder, write_bytes_atomic
from .validate import load_input
from .writers.documents import render_agreement, render_letter
from .writers.paths import batch_path, department_label, employee_files
from .writers.payroll_csv import render_payroll_csv
from .writers.pdf import PdfRenderer
from .writers.print_batch import merge_for_duplex
from .writers.result_json import render_result_json
from .writers.scorecard import render_scorecard
from .writers.summary import render_summary

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
        return self.result.warnings


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


def _select(result: PeriodResult, employee_ids: Iterable[str]) -> set[str] | None:
    wanted = {e.strip() for e in employee_ids if e.strip()}
    if not wanted:
        return None
    unknown = sorted(wanted - {r.employee.employee_id for r in result.results})
    if unknown:
        raise InputError([Problem(f"工号 {'、'.join(unknown)} 不在「员工」表中：请检查 --employee 参数",
                                  result.input.source)])
    return wanted


class _Writer:
    """Writes the chosen kinds of output for the chosen employees into one folder."""

    def __init__(self, folder: Path, result: PeriodResult, kinds: set[str], progress: Progress,
                 sheet_password: str):
        self.folder, self.result, self.kinds, self.progress = folder, result, kinds, progress
        self.sheet_password = sheet_password
        self.renderer = PdfRenderer() if kinds & {"letters", "agreements"} else None
        self.written: list[Path] = []
        self.skipped: list[str] = []

    def put(self, path: Path, data: bytes) -> None:
        write_bytes_atomic(path, data)
        self.written.append(path)

    def targets(self, chosen: list[EmployeeResult]) -> list[Path]:
        """Every file this run would write, to check for overwrites before writing any."""
        paths = [p for r in chosen for p in self.employee_paths(r).values()]
        if "summary" in self.kinds:
            paths += [self.folder / "summary.xlsx", self.folder / "payroll.csv", self.folder / MANIFEST]
        return paths

    def employee_paths(self, r: EmployeeResult) -> dict[str, Path]:
        trace, letter, agreement, *scorecard = employee_files(self.folder, r)
        paths = {"results": trace, "letters": letter, "agreements": agreement}
        if scorecard:
            paths["scorecards"] = scorecard[0]
        return {k: p for k, p in paths.items() if k == "results" or k in self.kinds}

    def employees(self, chosen: list[EmployeeResult]) -> None:
        render = {
            "results": lambda r: render_result_json(self.result, r),
            "letters": lambda r: render_letter(self.renderer, self.result, r),
            "agreements": lambda r: render_agreement(self.renderer, self.result, r),
            "scorecards": lambda r: render_scorecard(self.result, r, self.sheet_password),
        }
        self.progress.start("个人文件", len(chosen))
        for r in chosen:
            for kind, path in self.employee_paths(r).items():
                self.put(path, render[kind](r))
            self.progress.advance()
        self.progress.close()

    def print_batches(self, chosen: list[EmployeeResult]) -> None:
        """A department's letters (one copy) and agreements (two originals), each on a right-hand page."""
        affected = {department_label(r) for r in chosen}
        departments: dict[str, list[EmployeeResult]] = {}
        for r in self.result.results:
            if department_label(r) in affected:
                departments.setdefault(department_label(r), []).append(r)
        kinds = [(k, c) for k, c in (("letters", 1), ("agreements", 2)) if k in self.kinds]
        self.progress.start("打印合集", len(departments))
        for label, members in sorted(departments.items()):
            for kind, copies in kinds:
                files = [self.folder / kind / f"{r.employee.employee_id}.pdf" for r in members]
                missing = [f.stem for f in files if not f.exists()]
                if missing:
                    self.skipped.append(f"{batch_path(self.folder, kind, label).name}：{'、'.join(missing)} 的文件尚未生成")
                    continue
                self.put(batch_path(self.folder, kind, label), merge_for_duplex([f.read_bytes() for f in files], copies))
            self.progress.advance()
        self.progress.close()

    def period_files(self) -> None:
        self.progress.start("汇总表", 1)
        self.put(self.folder / "summary.xlsx", render_summary(self.result, self.sheet_password))
        self.put(self.folder / "payroll.csv", render_payroll_csv(self.result))
        self.put(self.folder / MANIFEST, render_manifest(self.result))
        self.progress.advance()
        self.progress.close()

    def run(self, chosen: list[EmployeeResult]) -> None:
        self.employees(chosen)
        if self.kinds & {"letters", "agreements"}:
            self.print_batches(chosen)
        if "summary" in self.kinds:
            self.period_files()


def build(input_path: Path, out_dir: Path = Path("output"), *, employee_ids: Iterable[str] = (),
          only: Iterable[str] | None = None, force: bool = False, db_path: Path | None = None,
          now: Callable[[], str] | None = None, progress: Progress | None = None,
          sheet_password: str = "") -> BuildReport:
    """Build one period's outputs; ``now`` gives the build timestamp recorded in the history.

    ``only`` limits the kinds of output (see KINDS) and ``employee_ids`` the employees; either makes
    the build partial. ``sheet_password`` protects the scorecards' formula cells with a password
    (default: protected without one, so HR can unprotect deliberately but not by accident).
    """
    progress = progress or Progress()
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / DEFAULT_DB_NAME
    result = score_input(Path(input_path), db_path)
    period = result.input.settings.period.key
    target = out_dir / period
    selected = _select(result, employee_ids)
    # Some employees alone: their own files, not the period-wide summary and payroll.
    kinds = set(only) if only is not None else set(KINDS) - ({"summary"} if selected else set())
    if kinds - set(KINDS):
        raise ValueError(f"unknown output kinds: {sorted(kinds - set(KINDS))}")
    chosen = [r for r in result.results if selected is None or r.employee.employee_id in selected]

    if selected is not None or only is not None:
        writer = _Writer(target, result, kinds, progress, sheet_password)
        existing = [p for p in writer.targets(chosen) if p.exists()]
        if existing and not force:
            raise OutputExistsError(f"{existing[0]} 已存在。如确需替换这些文件，请加 --force")
        writer.run(chosen)
        return BuildReport(period, target, tuple(writer.written), result, True, tuple(writer.skipped))

    with staged_folder(target, force) as staging:
        writer = _Writer(staging, result, kinds, progress, sheet_password)
        writer.run(chosen)
        written = [target / p.relative_to(staging) for p in writer.written]
    record_period(db_path, result, input_sha256=file_sha256(Path(input_path)), built_at=now() if now else "")
    return BuildReport(period, target, tuple(written), result, False, tuple(writer.skipped))

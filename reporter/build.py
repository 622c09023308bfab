"""The build pipeline: input workbook → validated model → scores → files → history.

Nothing is written until the input has validated; the period's files are
staged and renamed into place together; the history database learns of the
period only after its files are in place.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .engine import score_period
from .errors import InputError, OutputExistsError, Problem
from .history import load_history, record_period
from .model import PeriodResult
from .outputs import staged_folder, write_bytes_atomic
from .validate import load_input
from .writers.payroll_csv import render_payroll_csv
from .writers.result_json import render_result_json
from .writers.scorecard import render_scorecard, scorecard_path
from .writers.summary import render_summary

DEFAULT_DB_NAME = "reporter.sqlite"


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
    known = {r.employee.employee_id for r in result.results}
    unknown = sorted(wanted - known)
    if unknown:
        raise InputError([Problem(f"工号 {'、'.join(unknown)} 不在「员工」表中：请检查 --employee 参数",
                                  result.input.source)])
    return wanted


def build(input_path: Path, out_dir: Path = Path("output"), *, employee_ids: Iterable[str] = (),
          force: bool = False, db_path: Path | None = None, now: Callable[[], str] | None = None,
          progress: Progress | None = None, sheet_password: str = "") -> BuildReport:
    """Build one period's outputs; ``now`` gives the build timestamp recorded in the history.

    ``sheet_password`` protects the scorecards' formula cells with a password (default: protected
    without one, so HR can unprotect deliberately but not overwrite a formula by accident).
    """
    progress = progress or Progress()
    out_dir = Path(out_dir)
    db_path = Path(db_path) if db_path else out_dir / DEFAULT_DB_NAME
    result = score_input(Path(input_path), db_path)
    period = result.input.settings.period.key
    target = out_dir / period
    selected = _select(result, employee_ids)
    chosen = [r for r in result.results if selected is None or r.employee.employee_id in selected]

    if selected is not None:
        files = [f for r in chosen for f in _employee_files(target, r)]
        existing = [f for f in files if f.exists()]
        if existing and not force:
            raise OutputExistsError(f"{existing[0]} 已存在。如确需替换这些员工的结果，请加 --force")
        _write_employee_files(target, result, chosen, progress, sheet_password)
        return BuildReport(period, target, tuple(files), result, partial=True)

    with staged_folder(target, force) as staging:
        written = _write_employee_files(staging, result, chosen, progress, sheet_password)
        progress.start("汇总表", 1)
        write_bytes_atomic(staging / "summary.xlsx", render_summary(result, sheet_password))
        write_bytes_atomic(staging / "payroll.csv", render_payroll_csv(result))
        written += [staging / "summary.xlsx", staging / "payroll.csv"]
        progress.advance()
        progress.close()
        written = [p.relative_to(staging) for p in written]
    built_at = now() if now else ""
    record_period(db_path, result, input_sha256=file_sha256(Path(input_path)), built_at=built_at)
    return BuildReport(period, target, tuple(target / p for p in written), result, partial=False)


def _employee_files(folder: Path, r) -> list[Path]:
    files = [folder / "results" / f"{r.employee.employee_id}.json"]
    if r.appraised:
        files.append(scorecard_path(folder, r))
    return files


def _write_employee_files(folder: Path, result: PeriodResult, chosen, progress: Progress,
                          sheet_password: str = "") -> list[Path]:
    """Each employee's own files: the JSON trace and, if appraised, the scorecard."""
    written: list[Path] = []
    progress.start("个人文件", len(chosen))
    for r in chosen:
        trace, *scorecard = _employee_files(folder, r)
        write_bytes_atomic(trace, render_result_json(result, r))
        if scorecard:
            write_bytes_atomic(scorecard[0], render_scorecard(result, r, sheet_password))
        written += [trace, *scorecard]
        progress.advance()
    progress.close()
    return written

"""reporter: performance-appraisal results from one HR workbook.

The stages, in the order data flows through them::

    reporter.input     read and validate the workbook      -> AppraisalInput
    reporter.rules     score it (formulas, grades, pay)    -> PeriodResult
    reporter.store     history database, atomic folders
    reporter.writers   scorecards, summary, letters, agreements, payroll, manifest
    reporter.mail      each employee's own results by e-mail
    reporter.pipeline  runs the stages; reporter.cli is the command line on top

The API for scripts and notebooks::

    import reporter
    inp = reporter.load("appraisal-2026-10.xlsx")      # raises reporter.InputError listing every problem
    result = reporter.score("appraisal-2026-10.xlsx")  # a PeriodResult: one EmployeeResult per employee
    df = result.to_frame()                             # the same as a pandas DataFrame, one row per employee
    history = reporter.open_history("output/reporter.sqlite").to_frame()   # one row per employee and period
    report = reporter.build("appraisal-2026-10.xlsx", "output")   # every file of the period
    report = reporter.plan("appraisal-2026-11.xlsx", "output")    # at the start: agreements, tracking scorecards

Every error the library raises on purpose is a :class:`ReporterError`;
problems with the input carry file, sheet, row and column.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING

from reporter.errors import (
    DeliveryError,
    HistoryError,
    InputError,
    InputFileError,
    OutputExistsError,
    Problem,
    ReporterError,
    UsageError,
)

if TYPE_CHECKING:
    from reporter.model import AppraisalInput, PeriodResult

try:
    __version__ = version("reporter")
except PackageNotFoundError:  # running from a checkout that was never installed
    __version__ = "0+unknown"

__all__ = [
    "DeliveryError", "HistoryError", "InputError", "InputFileError", "OutputExistsError", "Problem", "ReporterError", "UsageError",
    "__version__", "annual", "build", "load", "merge", "open_history", "plan", "score",
]


def load(path: str | Path, stage: str = "build") -> AppraisalInput:
    """Read and validate an input workbook; raises :class:`InputError` with every problem at once.

    ``stage="plan"`` checks only what a plan needs: the period's figures are neither needed nor read.
    """
    from reporter.input.validate import load_input

    return load_input(Path(path), stage)


def score(path: str | Path, history_db: str | Path | None = None) -> PeriodResult:
    """Validate and score a workbook; ``history_db`` (a build's reporter.sqlite) feeds the streak rules
    and holds the plan to what was agreed (reporter.store.agreed)."""
    from reporter.pipeline.build import score_input

    return score_input(Path(path), Path(history_db) if history_db else None)


def build(input_path: str | Path, out_dir: str | Path = "output", **options):
    """Write a period's outputs, as ``reporter build`` does (agreements only with ``only=[..., "agreements"]``:
    `reporter.plan` issues them); see :func:`reporter.pipeline.build.build`."""
    from reporter.pipeline.build import build as build_period

    return build_period(Path(input_path), Path(out_dir), **options)


def merge(input_path: str | Path, shard_dirs, out_dir: str | Path = "output", **options):
    """Combine shard builds into one period; see :func:`reporter.pipeline.build.merge`."""
    from reporter.pipeline.build import merge as merge_shards

    return merge_shards(Path(input_path), [Path(d) for d in shard_dirs], Path(out_dir), **options)


def plan(input_path: str | Path, out_dir: str | Path = "output", **options):
    """Write a period's plan (agreements, tracking scorecards) as ``reporter plan`` does; see
    :func:`reporter.pipeline.plan.plan`."""
    from reporter.pipeline.plan import plan as plan_period

    return plan_period(Path(input_path), Path(out_dir), **options)


def calibrate(period_dir: str | Path):
    """The calibration facts of a built period folder, as ``reporter calibrate`` prints them: a
    :class:`reporter.rules.calibration.Calibration` (``.everyone``, ``.departments``, ``.reviewers``,
    ``.outliers``, ``.pay``, ``.budget_difference``).  Reads the folder only."""
    from reporter.pipeline.calibrate import calibrate_folder

    return calibrate_folder(Path(period_dir))[1]


def annual(year: int, out_dir: str | Path = "output", **options):
    """The year-end roll-up into ``out_dir/annual/<year>/`` (reporter.pipeline.annual.annual): AnnualReport."""
    from reporter.pipeline.annual import annual as roll_up_year

    return roll_up_year(year, Path(out_dir), **options)


def open_history(path: str | Path):
    """The built periods of a history database (``OUT/reporter.sqlite``): ``.rows``, ``.periods``, ``.to_frame()``."""
    from reporter.frames import open_history as open_history_file

    return open_history_file(path)

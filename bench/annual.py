"""Benchmark `reporter annual`: the year-end roll-up of a synthetic group, twelve months of history.

    python bench/annual.py                     # 10,000 employees × 12 months
    python bench/annual.py --employees 1000

The history is filled quickly with ``record_period`` of synthetic results (each month's totals drawn
from a seeded generator, graded by the same grade rule; no workbook, no documents). Then it times
`reporter annual YEAR --only workbook` (the roll-up and the annual workbook with its live formulas),
and, since letters for 10,000 people cannot fit in a minute on two cores, renders a sample of annual
letters and reports their CPU milliseconds per page against the bare one-page PDF floor measured in
the same run (bench/run.py). A measurement, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import random
import resource
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from pypdf import PdfReader

from reporter.annual_settings import AnnualSettings
from reporter.model import AppraisalInput, Employee, EmployeeResult, GradeBand, Pay, PeriodResult, Settings
from reporter.period import Period
from reporter.pipeline.annual import annual
from reporter.rules.rulebook import find_grade
from reporter.store.history import record_period
from reporter.writers.pdf.annual_letter import render_annual_letter
from reporter.writers.pdf.renderer import PdfRenderer

sys.path.insert(0, str(Path(__file__).resolve().parent))
from run import trivial_pdf_floors  # noqa: E402  (bench/ is not a package)

GRADES = (GradeBand("D", "不合格", Decimal(0), Decimal(60), Decimal(0), failing=True, bonus_coefficient=Decimal("0.2")),
          GradeBand("C", "待改进", Decimal(60), Decimal(70), Decimal("0.8")),
          GradeBand("B", "合格", Decimal(70), Decimal(80), Decimal(1)),
          GradeBand("A", "良好", Decimal(80), Decimal(90), Decimal("1.1"), bonus_coefficient=Decimal("1.5")),
          GradeBand("S", "优秀", Decimal(90), None, Decimal("1.2"), bonus_coefficient=Decimal(2)))


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def fill_history(db: Path, employees: int, year: int, seed: int) -> None:
    """Twelve months of synthetic results: a level per person, monthly noise, 3 % of months absent."""
    rng = random.Random(seed)
    people = [Employee(f"E{i:05d}", f"员工{i}", f"e{i}@example.com", "示例公司", f"部门{i % 40}", "专员",
                       date(2020, 1, 1), Decimal(4000 + 100 * (i % 30))) for i in range(employees)]
    levels = [rng.uniform(55, 95) for _ in people]
    for month in range(1, 13):
        period = Period(year, "month", month)
        settings = Settings("示例公司", period, date(year + (month == 12), month % 12 + 1, 13), "人事部门负责人",
                            annual=AnnualSettings(annual_bonus_budget=Decimal("5000000")))
        inp = AppraisalInput("synthetic.xlsx", settings, tuple(people), {}, {}, {}, {}, {}, {}, {}, GRADES)
        results = []
        for e, level in zip(people, levels, strict=True):
            pay = Pay(e.position_pay, Decimal(0), Decimal(0), Decimal(0), Decimal(0), e.position_pay)
            if rng.random() < 0.03:
                results.append(EmployeeResult(e, False, pay))
                continue
            total = Decimal(str(round(min(120.0, max(0.0, rng.gauss(level, 6))), 2)))
            results.append(EmployeeResult(e, True, pay, total=total, grade=find_grade(total, GRADES)))
        record_period(db, PeriodResult(inp, tuple(results)), input_sha256="synthetic", built_at=f"{period.key}-28")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--letters", type=int, default=40, help="annual letters rendered for the per-page cost")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="reporter-bench-annual-") as tmp:
        out = Path(tmp)
        start = time.perf_counter()
        fill_history(out / "reporter.sqlite", args.employees, 2026, args.seed)
        print(f"history: {args.employees} employees × 12 months recorded in {time.perf_counter() - start:.1f} s")
        start, started_cpu = time.perf_counter(), cpu()
        report = annual(2026, out, only=["workbook"])
        wall, used = time.perf_counter() - start, cpu() - started_cpu
        size = (report.folder / "annual.xlsx").stat().st_size
        print(f"reporter annual 2026 --only workbook: {wall:.1f} s wall, {used:.1f} s CPU "
              f"({args.employees / wall:.0f} employees/s; annual.xlsx {size / 2**20:.1f} MiB)")
        renderer, rows = PdfRenderer(), report.result.rows[:args.letters]
        render_annual_letter(renderer, report.result, rows[0], datetime(2026, 12, 31))  # fonts loaded once
        started_cpu, pages = cpu(), 0
        for row in rows:
            data = render_annual_letter(renderer, report.result, row, datetime(2026, 12, 31))
            pages += len(PdfReader(io.BytesIO(data)).pages)
        per_page = (cpu() - started_cpu) * 1000 / pages
        floor = trivial_pdf_floors()["page_cpu"] * 1000
        print(f"annual letters: {per_page:.0f} ms CPU per page ({pages} pages of {len(rows)} letters) = "
              f"{per_page / floor:.1f} × the bare one-page PDF ({floor:.0f} ms); 10,000 letters ≈ "
              f"{per_page * pages / len(rows) * 10000 / 1000 / 60:.0f} CPU minutes")


if __name__ == "__main__":
    main()

"""Benchmark a whole period cycle of a synthetic group, `reporter plan` then `reporter build`, against floors.

    python bench/run.py                          # 1,000 employees
    python bench/run.py --employees 1000 10000   # both sizes, and how the CPU scales between them
    python bench/run.py --workers 1              # one process, for comparison

The plan run opens the period (an agreement and a tracking scorecard per employee, print batches);
the build closes it (scorecards, review letters, print batches, summary). For each run it prints,
per stage, employees per second, CPU milliseconds per PDF page or per scorecard, and our cost as a
ratio to two floors measured in the same run: a trivial one-page PDF in the same CJK font (bare, and
with our stylesheet) and each run's scorecard cells (40 spread over the run: the build's scorecards, the
plan's tracking ones) written with bare XlsxWriter. Then the whole
cycle: plan + build CPU seconds per employee, in bare one-page PDFs. It also prints the wall time
and the peak memory of each run's process tree (PSS, see MemorySampler; per stage in the MiB
column), and each figure beside its target (issue 16); and a sample of letters against their own HTML
typeset by WeasyPrint as installed (bench/content.py: what our renderer adds to the content's own cost). Then
each lever of the PDF renderer off and on for the same documents (bench/levers.py), and, for two sizes, the
ratio of their CPU. Results also go
to bench/results.json so runs can be compared. This is a measurement, not a test: it asserts nothing.

CPU time is measured, not estimated: this process and its workers, reaped or running, read from getrusage
and /proc at every stage's start and end (the memory sampler's own thread left out), and the floors are
timed in CPU seconds too, so a machine shared with other work skews no ratio; in as many processes at once
as the stages have workers, the page before, between and after the runs (see side_by_side)."""

from __future__ import annotations

import argparse
import gc
import io
import json
import multiprocessing
import os
import platform
import resource
import tempfile
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

import openpyxl
import xlsxwriter
from content import letters_against_their_content  # bench/content.py and bench/levers.py, beside this script
from levers import measure_levers
from pypdf import PdfReader

from reporter.pipeline.build import RenderOptions, build
from reporter.pipeline.plan import plan
from reporter.pipeline.render import STAGE_NAMES, Progress
from reporter.samples.demo_data import write_demo_workbook
from reporter.writers.pdf.flate import PYDYF_LEVEL, deflated_at
from reporter.writers.pdf.renderer import PdfRenderer

HERE = Path(__file__).resolve().parent
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def process_tree(pid: int) -> list[int]:
    """``pid`` and all its descendants, read from /proc."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo += [int(c) for c in task.read_text().split()]
            except OSError:
                pass
    return pids


class MemorySampler(threading.Thread):
    """Peak memory of this process and all its descendants, read from /proc.

    PSS (proportional set size) divides each shared page among the processes sharing it, so the
    sum is the memory the run really uses: summing RSS would count the forked workers' shared
    copy-on-write pages and the memory-mapped CJK fonts once per process. ``cpu`` is the sampler's
    own CPU time, to leave it out of the run's.

    Reading a process's PSS walks its page tables: about 10 ms of system time for a process of 1 GiB.
    Every 0.1 s, that was 1,200 CPU-seconds of the 10,000-employee run (growing with its length times
    its memory), taken from the two cores the workers need. So a reading waits at least ``BUDGET``
    times what the last one cost (the sampler uses at most 1/(BUDGET+1) of a core), and in between the
    RSS (``statm``, 30 µs) is watched: a sum 1 % above the highest seen so far is read at once.
    """

    BUDGET = 49

    def __init__(self, interval: float = 0.1):
        super().__init__(daemon=True)
        self.interval, self.peak, self.cpu, self._halt = interval, 0, 0.0, threading.Event()
        self.stage = ""  # the stage running now (set by StageClock): each stage's own peak in ``peaks``
        self.peaks: dict[str, int] = {}

    @staticmethod
    def pss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    @staticmethod
    def rss(pid: int) -> int:
        try:
            return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_SIZE
        except (OSError, IndexError, ValueError):
            return 0

    def run(self):
        next_reading, highest_rss, stage = 0.0, 0, None
        while not self._halt.is_set():
            pids = process_tree(os.getpid())
            rss = sum(self.rss(p) for p in pids)
            now = time.monotonic()
            # A reading at the budget's pace, at every stage's start and whenever the RSS reaches a new high.
            if now >= next_reading or rss > highest_rss * 1.01 or self.stage != stage:
                stage, highest_rss = self.stage, max(highest_rss, rss)
                cost = time.thread_time()
                pss = sum(self.pss(p) for p in pids)
                cost = time.thread_time() - cost
                self.peak = max(self.peak, pss)
                self.peaks[stage] = max(self.peaks.get(stage, 0), pss)
                next_reading = time.monotonic() + max(self.interval, cost * self.BUDGET)
            self.cpu = time.thread_time()
            time.sleep(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak


def running_cpu(pids: list[int]) -> float:
    """CPU seconds used so far by the processes ``pids`` that have not been reaped (zombies included)."""
    used = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # utime, stime
        except (OSError, IndexError, ValueError):
            pass  # reaped between the listing and the read: then counted among the reaped children
    return used


def cpu_seconds(sampler: MemorySampler) -> float:
    """CPU seconds used so far by this process and its children, reaped (getrusage) or not (/proc).

    A child reaped while its running siblings are read from /proc would be in neither count (the pool reaps
    a worker that has done its tasks whenever it likes: one such worker's CPU went missing from a stage), so
    the reaped children's total is read before and after, and the reading repeated until nobody was reaped
    in between."""
    def reaped() -> float:
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        return children.ru_utime + children.ru_stime

    while True:
        before = reaped()
        running = running_cpu(process_tree(os.getpid())[1:])
        after = reaped()
        if after == before:
            break
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime + after + running - sampler.cpu


class StageClock(Progress):
    """Wall and CPU seconds of each stage, from the progress the pipeline reports."""

    def __init__(self, cpu_now: Callable[[], float], sampler: MemorySampler | None = None):
        self.cpu_now, self.sampler = cpu_now, sampler
        self.started: dict[str, tuple[float, float]] = {}
        self.seconds: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.current = ""

    def start(self, stage, total):
        self.current = stage
        if self.sampler is not None:
            self.sampler.stage = stage
        self.started[stage] = (time.perf_counter(), self.cpu_now())

    def close(self):
        wall, cpu = self.started[self.current]
        self.seconds[self.current] = time.perf_counter() - wall
        self.cpu[self.current] = self.cpu_now() - cpu


@dataclass
class Measured:
    report: object
    clock: StageClock
    setup_seconds: float  # before the first stage: validation and scoring (or, for a plan, laying it out)
    setup_cpu: float
    seconds: float
    cpu: float
    peak_memory: int
    stage_peaks: dict[str, int]  # by stage name; "" before the first stage (validation, scoring)


def measure(run: Callable[[Progress], object]) -> Measured:
    sampler = MemorySampler()
    sampler.start()
    clock = StageClock(lambda: cpu_seconds(sampler), sampler)
    cpu_start, start = cpu_seconds(sampler), time.perf_counter()
    report = run(clock)
    seconds, cpu = time.perf_counter() - start, cpu_seconds(sampler) - cpu_start
    peak = sampler.stop()
    first_wall, first_cpu = min(clock.started.values())
    return Measured(report, clock, first_wall - start, first_cpu - cpu_start, seconds, cpu, peak, sampler.peaks)


def pdf_pages(paths: Iterable[Path]) -> int:
    return sum(len(PdfReader(p).pages) for p in paths)


def trivial_pdf_floors(repeat: int = 30) -> dict[str, float]:
    """Wall and CPU seconds for a one-page PDF: bare (one line in the same CJK font), and with our stylesheet."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    renderer = PdfRenderer()  # ours: the reduced faces and our stylesheet
    bare = '<p style="font-family: \'Noto Serif CJK SC\'">一页中文。</p>'
    styled = '<html lang="zh-CN"><body><h1 class="doc-title">页</h1><p>一页中文。<strong>粗体</strong></p></body></html>'

    def timed(name, html, font_config, **options):
        HTML(string=html).render(font_config=font_config, **options).write_pdf()
        start, cpu = time.perf_counter(), time.process_time()
        for _ in range(repeat):
            HTML(string=html).render(font_config=font_config, **options).write_pdf()
        return {name: (time.perf_counter() - start) / repeat, f"{name}_cpu": (time.process_time() - cpu) / repeat}

    # The bare page is WeasyPrint as installed: its own font configuration, the full face, no stylesheet,
    with deflated_at(PYDYF_LEVEL):  # and pydyf's own zlib level (the renderer set ours in this process)
        page = timed("page", bare, FontConfiguration())
    return {**page, **timed("styled_page", styled, renderer.font_config, stylesheets=renderer.css)}


def bare_xlsxwriter_floor(scorecards: list[Path], name: str = "scorecard", repeat: int = 5) -> dict[str, float]:
    """Wall and CPU seconds to write the same cells (values, formulas with cached values) with bare XlsxWriter,
    after one pass untimed (XlsxWriter's first workbooks of a process cost more)."""
    sheets = []
    for path in scorecards:
        formulas = openpyxl.load_workbook(path).worksheets[0]
        values = openpyxl.load_workbook(path, data_only=True).worksheets[0]
        sheets.append([(c.row - 1, c.column - 1, c.value, values[c.coordinate].value)
                       for row in formulas.iter_rows() for c in row if c.value is not None])

    def write_all():
        for cells in sheets:
            book = xlsxwriter.Workbook(io.BytesIO(), {"in_memory": True})
            ws = book.add_worksheet()
            for r, c, value, cached in cells:
                if isinstance(value, str) and value.startswith("="):
                    ws.write_formula(r, c, value, None, cached if cached is not None else 0)
                elif isinstance(value, str):
                    ws.write_string(r, c, value)
                else:
                    ws.write(r, c, value)
            book.close()

    write_all()
    start, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        write_all()
    n = repeat * len(sheets)
    return {name: (time.perf_counter() - start) / n, f"{name}_cpu": (time.process_time() - cpu) / n}


def spread(paths: list[Path], count: int) -> list[Path]:
    """``count`` of ``paths`` evenly spaced: a floor of the run's scorecards, not of its first department's
    (the files sort by department, and departments differ in their roles' lines)."""
    step = max(1, len(paths) // count)
    return paths[step // 2::step][:count]


def side_by_side(measure: Callable[[], dict[str, float]], processes: int) -> dict[str, float]:
    """``measure()`` run in ``processes`` processes at once, as the stages run on the workers (the mean of
    each figure): two busy cores each take more CPU per page than one alone (shared cache, memory bus).
    The machine's speed drifts over minutes, so the page floor is timed before, between and after the runs."""
    if processes == 1:
        return on_a_clean_heap(measure)
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return mean_of(pool.starmap(on_a_clean_heap, [(measure,)] * processes))


def on_a_clean_heap(measure: Callable[[], dict[str, float]]) -> dict[str, float]:
    """``measure()`` with this process's objects frozen, out of the collector's way: a floor is what a fresh
    process pays, as the workers, which freeze what they inherit (``fork_pool``). Measured in a process
    holding a 1,000-employee period, the bare page took 36.7 to 47.1 ms unfrozen and 34.9 to 36.5 frozen,
    bare XlsxWriter 4.6 to 7.1 ms and 4.6 to 4.8: the collector walking the period's objects now and then."""
    gc.collect()
    gc.freeze()
    try:
        return measure()
    finally:
        gc.unfreeze()


def mean_of(runs: list[dict[str, float]]) -> dict[str, float]:
    return {key: sum(run[key] for run in runs) / len(runs) for key in runs[0]}


def stage_rows(run: Measured, setup_name: str, counts: dict[str, int], pages: dict[str, int],
               floors: dict[str, float]) -> list[dict]:
    """One row per stage: employees per second and, for PDFs and scorecards, CPU per unit and × floor."""
    n = counts["employees"]
    mib = {stage: round(peak / 2**20) for stage, peak in run.stage_peaks.items()}
    rows = [{"stage": setup_name, "seconds": round(run.setup_seconds, 2), "cpu_seconds": round(run.setup_cpu, 2),
             "employees_per_second": round(n / run.setup_seconds, 1), "peak_memory_pss_mib": mib.get("", 0)}]
    for kind, name in STAGE_NAMES.items():
        if name not in run.clock.seconds or kind not in counts:
            continue
        seconds, cpu = run.clock.seconds[name], run.clock.cpu[name]
        row = {"stage": name, "seconds": round(seconds, 2), "cpu_seconds": round(cpu, 2),
               "employees_per_second": round(counts[kind] / seconds, 1), "peak_memory_pss_mib": mib.get(name, 0)}
        if kind in ("letters", "agreements") and pages.get(kind):
            cpu_ms = cpu * 1000 / pages[kind]
            row.update(pages=pages[kind], ms_per_page_cpu=round(cpu_ms, 1),
                       ratio_to_trivial_page=round(cpu_ms / (floors["page_cpu"] * 1000), 2),
                       ratio_to_styled_trivial_page=round(cpu_ms / (floors["styled_page_cpu"] * 1000), 2))
        if kind == "scorecards" and counts[kind]:
            cpu_ms = cpu * 1000 / counts[kind]
            row.update(ms_per_scorecard_cpu=round(cpu_ms, 1),
                       ratio_to_bare_xlsxwriter=round(cpu_ms / (floors["scorecard_cpu"] * 1000), 2))
        rows.append(row)
    return rows


def left(text: str, width: int) -> str:
    """``text`` padded to ``width`` terminal columns: a CJK character takes two."""
    return text + " " * (width - sum(1 + (unicodedata.east_asian_width(ch) in "WF") for ch in text))


def print_run(title: str, summary: dict) -> None:
    print(title)
    print(f"  {'stage':<22}{'seconds':>9}{'empl/s':>10}{'CPU ms':>9}{'× floor':>9}{'MiB':>7}")
    for row in summary["stages"]:
        per = row.get("ms_per_page_cpu", row.get("ms_per_scorecard_cpu", ""))
        ratio = row.get("ratio_to_trivial_page", row.get("ratio_to_bare_xlsxwriter", ""))
        print(f"  {left(row['stage'], 22)}{row['seconds']:>9}{row['employees_per_second']:>10}{per!s:>9}{ratio!s:>9}"
              f"{row.get('peak_memory_pss_mib', '')!s:>7}")
    print(f"  total {summary['total_seconds']} s wall, {summary['cpu_seconds']} s CPU · peak memory "
          f"{summary['peak_memory_pss_mib']} MiB (PSS of the run and its workers)")


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, nargs="+", default=[1000],
                        help="one or more sizes, e.g. 1000 10000: each is a whole cycle, and the last line "
                             "compares their CPU (linear in employees?)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    parser.add_argument("--levers", type=int, default=10, metavar="N",
                        help="measure each renderer lever off and on for N employees (0: not)")
    parser.add_argument("--content", type=int, default=10, metavar="N",
                        help="time N letters against their own HTML typeset by WeasyPrint as installed (0: not)")
    args = parser.parse_args(argv)
    options = RenderOptions(workers=args.workers)
    runs, levers = [], {}
    for employees in args.employees:
        result, scored = cycle_run(employees, args.seed, options, args.workers)
        if args.content:
            result["letters_against_their_content"] = letters_against_their_content(
                scored, scored.input.settings.period.document_date, args.content)
        runs.append(result)
        if args.levers and not levers:
            print("measuring the renderer's levers, off and on …", flush=True)
            levers = measure_levers(scored, scored.input.settings.period.document_date, args.levers)
        print_cycle(result)
    if levers:
        print(f"levers (CPU per document, off → on, the same {args.levers} employees, interleaved):")
        for name, lever in levers.items():
            print(f"  {left(name, 52)}{lever['off_ms']:>8} → {lever['on_ms']:>7} ms  × {lever['ratio']}")
    scaling = {}
    if len(runs) > 1:
        small, large = runs[0], runs[-1]
        scaling = {"employees": [small["employees"], large["employees"]],
                   "cpu_ratio": round(large["cycle"]["cpu_seconds"] / small["cycle"]["cpu_seconds"], 2),
                   "employee_ratio": round(large["employees"] / small["employees"], 2)}
        print(f"scaling: {scaling['employee_ratio']}× the employees took {scaling['cpu_ratio']}× the CPU "
              f"(target ≤ {SCALING_TARGET} for 1,000 → 10,000)")
    summary = {"runs": runs, "levers": levers, "scaling": scaling}
    args.out.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return summary


# Issue 16's targets: each a ratio to a floor measured in the same run.
PAGE_TARGET, SCORECARD_TARGET, CYCLE_TARGET, SCALING_TARGET, MEMORY_TARGET_GIB = 2.0, 1.5, 10.0, 10.5, 1.5


def targets(result: dict) -> list[tuple[str, float, float | None]]:
    """(what, measured, target) for each of issue 16's ratios in one run. The PDF target is the issue's own
    measure ("letters and agreements cost 278 ms per page, 3.4× that floor"): every page of both; each kind
    alone follows it, without a target of its own (None)."""
    plan = {row["stage"]: row for row in result["plan"]["stages"]}
    build = {row["stage"]: row for row in result["stages"]}
    rows: list[tuple[str, float, float | None]] = []
    letters, agreements = build.get("确认书", {}), plan.get("责任书", {})
    if letters.get("pages") and agreements.get("pages"):
        ms = (letters["cpu_seconds"] + agreements["cpu_seconds"]) * 1000 / (letters["pages"] + agreements["pages"])
        rows.append(("PDFs (letters + agreements), per page ÷ bare page",
                     round(ms / result["floors"]["trivial_pdf_page_cpu_ms"], 2), PAGE_TARGET))
    for label, stages, stage, key, target in (
            ("  of which review letters, per page", build, "确认书", "ratio_to_trivial_page", None),
            ("  of which agreements, per page", plan, "责任书", "ratio_to_trivial_page", None),
            ("scorecards ÷ bare XlsxWriter", build, "评分卡", "ratio_to_bare_xlsxwriter", SCORECARD_TARGET),
            ("tracking scorecards ÷ bare XlsxWriter", plan, "评分卡", "ratio_to_bare_xlsxwriter", SCORECARD_TARGET)):
        if key in stages.get(stage, {}):
            rows.append((label, stages[stage][key], target))
    rows.append(("whole cycle: bare pages of CPU per employee", result["cycle"]["bare_page_floors_per_employee"],
                 CYCLE_TARGET))
    rows.append(("peak memory, GiB PSS", round(result["cycle"]["peak_memory_pss_mib"] / 1024, 2), MEMORY_TARGET_GIB))
    return rows


def cycle_run(employees: int, seed: int, options: RenderOptions, workers: int | None) -> tuple[dict, object]:
    """One whole period (plan, then build) of a synthetic group: the figures, and the scored period."""
    with tempfile.TemporaryDirectory(prefix="reporter-bench-") as tmp:
        tmp = Path(tmp)
        source = tmp / "group.xlsx"
        write_demo_workbook(source, employees=employees, seed=seed)
        processes, page_floors = workers or os.cpu_count() or 1, []
        page_floors.append(side_by_side(trivial_pdf_floors, processes))
        # The plan first, into the same output folder: the build then finds what was agreed in its history.
        planned = measure(lambda clock: plan(source, tmp / "out", progress=clock, options=options))
        plan_pdfs = [p for p in planned.report.files if p.suffix == ".pdf"]
        signed = [p for p in plan_pdfs if p.parent.name in ("agreements", "addenda")]  # the rest: print batches
        agreement_pdfs = len(signed)  # more than the employees if addenda
        plan_pages = {"agreements": pdf_pages(signed),  # with any addenda
                      "print": pdf_pages(p for p in plan_pdfs if p not in signed)}
        tracking_files = sorted(p for p in planned.report.files if p.suffix == ".xlsx")
        tracking = len(tracking_files)
        # The plan's scored period (10,000 people: hundreds of MiB) is not the build's to carry: the build's
        # workers fork from this process, and its peak memory is the build's own.
        planned.report = None
        gc.collect()
        page_floors.append(side_by_side(trivial_pdf_floors, processes))
        built = measure(lambda clock: build(source, tmp / "out", progress=clock, options=options))
        page_floors.append(side_by_side(trivial_pdf_floors, processes))
        folder = built.report.folder
        build_pages = {kind: pdf_pages((folder / kind).glob("*.pdf")) for kind in ("letters", "agreements", "print")}
        # Each stage's scorecards against the same cells in bare XlsxWriter: the build's, and the plan's
        # tracking ones (their figures empty), 40 of each spread over the run.
        scorecards = spread(sorted((folder / "scorecards").rglob("*.xlsx")), 40)
        tracked = spread(tracking_files, 40)
        floors = {**mean_of(page_floors), **side_by_side(partial(bare_xlsxwriter_floor, scorecards), processes),
                  **side_by_side(partial(bare_xlsxwriter_floor, tracked, "tracking"), processes)}
        alone = {**on_a_clean_heap(trivial_pdf_floors), **on_a_clean_heap(partial(bare_xlsxwriter_floor, scorecards)),
                 **on_a_clean_heap(partial(bare_xlsxwriter_floor, tracked, "tracking"))}

    n = len(built.report.result.results)
    appraised = len(built.report.result.appraised)
    plan_counts = {"employees": n, "scorecards": tracking, "agreements": n, "print": n}
    build_counts = {"employees": n, "results": n, "scorecards": appraised, "letters": n, "agreements": n, "print": n,
                    "summary": n}
    cycle_cpu = planned.cpu + built.cpu
    result = {
        "date": date.today().isoformat(),
        "employees": n, "appraised": appraised, "workers": workers or os.cpu_count() or 1, "seed": seed,
        "machine": f"{platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}",
        # the build (the period's end), as before; the plan and the whole cycle below
        "total_seconds": round(built.seconds, 1), "cpu_seconds": round(built.cpu, 1),
        "peak_memory_pss_mib": round(built.peak_memory / 2**20),
        "floors": {"trivial_pdf_page_ms": round(floors["page"] * 1000, 1),
                   "trivial_pdf_page_cpu_ms": round(floors["page_cpu"] * 1000, 1),
                   "styled_trivial_pdf_page_ms": round(floors["styled_page"] * 1000, 1),
                   "styled_trivial_pdf_page_cpu_ms": round(floors["styled_page_cpu"] * 1000, 1),
                   "bare_xlsxwriter_scorecard_ms": round(floors["scorecard"] * 1000, 2),
                   "bare_xlsxwriter_scorecard_cpu_ms": round(floors["scorecard_cpu"] * 1000, 2),
                   "bare_xlsxwriter_tracking_scorecard_ms": round(floors["tracking"] * 1000, 2),
                   "bare_xlsxwriter_tracking_scorecard_cpu_ms": round(floors["tracking_cpu"] * 1000, 2)},
        "floors_alone": {"trivial_pdf_page_cpu_ms": round(alone["page_cpu"] * 1000, 1),
                         "bare_xlsxwriter_scorecard_cpu_ms": round(alone["scorecard_cpu"] * 1000, 2),
                         "bare_xlsxwriter_tracking_scorecard_cpu_ms": round(alone["tracking_cpu"] * 1000, 2)},
        "stages": stage_rows(built, "validation + scoring", build_counts, build_pages, floors),
        "plan": {"total_seconds": round(planned.seconds, 1), "cpu_seconds": round(planned.cpu, 1),
                 "peak_memory_pss_mib": round(planned.peak_memory / 2**20), "agreement_pdfs": agreement_pdfs,
                 "agreement_pages": plan_pages["agreements"],
                 "print_pages": plan_pages["print"], "tracking_scorecards": tracking,
                 "stages": stage_rows(planned, "validation + layout", plan_counts, plan_pages,
                                      {**floors, "scorecard_cpu": floors["tracking_cpu"]})},  # its own cells
        "cycle": {"wall_seconds": round(planned.seconds + built.seconds, 1), "cpu_seconds": round(cycle_cpu, 1),
                  "cpu_seconds_per_employee": round(cycle_cpu / n, 3),
                  "bare_page_floors_per_employee": round(cycle_cpu / n / floors["page_cpu"], 1),
                  "peak_memory_pss_mib": round(max(planned.peak_memory, built.peak_memory) / 2**20)},
    }
    result["targets"] = [{"what": what, "measured": value, "target": target} for what, value, target in targets(result)]
    return result, built.report.result


def print_cycle(result: dict) -> None:
    print(f"{result['employees']} employees ({result['appraised']} appraised), {result['workers']} workers, "
          f"{result['machine']}")
    print_run("reporter plan (the period's start: agreements, tracking scorecards, print batches)", result["plan"])
    print_run("reporter build (the period's end: scorecards, letters, print batches, summary)", result)
    cycle, f = result["cycle"], result["floors"]
    print(f"whole cycle: {cycle['wall_seconds']} s wall, {cycle['cpu_seconds']} s CPU = "
          f"{cycle['cpu_seconds_per_employee']} s per employee = {cycle['bare_page_floors_per_employee']} "
          "bare one-page PDFs per employee")
    alone = result["floors_alone"]
    print(f"floors (CPU, {result['workers']} processes at once, as the stages run; the page 3 times): bare page "
          f"{f['trivial_pdf_page_cpu_ms']} ms (alone {alone['trivial_pdf_page_cpu_ms']}; with our stylesheet and "
          f"faces {f['styled_trivial_pdf_page_cpu_ms']}), bare XlsxWriter scorecard "
          f"{f['bare_xlsxwriter_scorecard_cpu_ms']} ms (alone {alone['bare_xlsxwriter_scorecard_cpu_ms']}), "
          f"tracking scorecard {f['bare_xlsxwriter_tracking_scorecard_cpu_ms']} ms "
          f"(alone {alone['bare_xlsxwriter_tracking_scorecard_cpu_ms']})")
    content = result.get("letters_against_their_content")
    if content:
        print(f"{content['letters']} letters against their own HTML typeset by WeasyPrint as installed (no stylesheet, "
              f"its fonts): ours {content['ours_ms']} ms a letter ({content['ours_pages']} pages), bare "
              f"{content['bare_ms']} ms ({content['bare_pages']} pages): × {content['ratio']} a letter")
    print("targets:")
    for row in result["targets"]:
        if row["target"] is None:
            print(f"  {left(row['what'], 52)}{row['measured']:>8}  (by kind: no target of its own)")
            continue
        met = "met" if row["measured"] <= row["target"] else "NOT met"
        print(f"  {left(row['what'], 52)}{row['measured']:>8}  (≤ {row['target']}: {met})")


if __name__ == "__main__":
    main()

"""Benchmark a full build of a synthetic group and compare it with two floors.

    python bench/run.py                    # 1,000 employees
    python bench/run.py --employees 10000  # the big run
    python bench/run.py --workers 1        # one process, for comparison

Prints, per output kind, employees per second (and milliseconds per page for
PDFs), the total wall time, the peak memory of the whole process tree (the
build and its workers, PSS sampled every 0.1 s), and our cost as a ratio to
two floors measured in the same run: a trivial one-page PDF with the same
stylesheet and fonts, and the same scorecard cells written with bare
XlsxWriter. Results also go to bench/results.json so runs can be compared.
This is a measurement, not a test: it asserts nothing.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import tempfile
import threading
import time
from pathlib import Path

import openpyxl
import xlsxwriter
from pypdf import PdfReader

from reporter.pipeline.build import RenderOptions, build
from reporter.pipeline.render import STAGE_NAMES, Progress
from reporter.samples.demo_data import write_demo_workbook
from reporter.writers.pdf.renderer import PdfRenderer

HERE = Path(__file__).resolve().parent


class MemorySampler(threading.Thread):
    """Peak memory of this process and all its descendants, read from /proc every 0.1 s.

    PSS (proportional set size) divides each shared page among the processes sharing it, so the
    sum is the memory the build really uses: summing RSS would count the forked workers' shared
    copy-on-write pages and the memory-mapped CJK fonts once per process.
    """

    def __init__(self, interval: float = 0.1):
        super().__init__(daemon=True)
        self.interval, self.peak, self._halt = interval, 0, threading.Event()

    @staticmethod
    def tree(pid: int) -> list[int]:
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

    @staticmethod
    def pss(pid: int) -> int:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
        except OSError:
            pass
        return 0

    def run(self):
        while not self._halt.is_set():
            self.peak = max(self.peak, sum(self.pss(p) for p in self.tree(os.getpid())))
            time.sleep(self.interval)

    def stop(self) -> int:
        self._halt.set()
        self.join()
        return self.peak


class StageClock(Progress):
    def __init__(self):
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.current = ""

    def start(self, stage, total):
        self.current = stage
        self.started[stage] = time.perf_counter()

    def close(self):
        self.seconds[self.current] = time.perf_counter() - self.started[self.current]


def pdf_pages(folder: Path) -> int:
    return sum(len(PdfReader(p).pages) for p in folder.glob("*.pdf"))


def trivial_pdf_floors(repeat: int = 30) -> tuple[float, float]:
    """Seconds for a one-page PDF: bare (one line in the same CJK font), and with our stylesheet."""
    from weasyprint import HTML

    renderer = PdfRenderer()
    bare = '<p style="font-family: \'Noto Serif CJK SC\'">一页中文。</p>'
    styled = '<html lang="zh-CN"><body><h1 class="doc-title">页</h1><p>一页中文。<strong>粗体</strong></p></body></html>'

    def timed(html, **options):
        HTML(string=html).render(font_config=renderer.font_config, **options).write_pdf()
        start = time.perf_counter()
        for _ in range(repeat):
            HTML(string=html).render(font_config=renderer.font_config, **options).write_pdf()
        return (time.perf_counter() - start) / repeat

    return timed(bare), timed(styled, stylesheets=[renderer.css])


def bare_xlsxwriter_floor(scorecards: list[Path], repeat: int = 3) -> float:
    """Seconds to write the same cells (values and formulas with their cached values) with bare XlsxWriter."""
    sheets = []
    for path in scorecards:
        formulas = openpyxl.load_workbook(path).worksheets[0]
        values = openpyxl.load_workbook(path, data_only=True).worksheets[0]
        sheets.append([(c.row - 1, c.column - 1, c.value, values[c.coordinate].value)
                       for row in formulas.iter_rows() for c in row if c.value is not None])
    start = time.perf_counter()
    for _ in range(repeat):
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
    return (time.perf_counter() - start) / (repeat * len(sheets))


def main(argv=None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--employees", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=None, help="default: one per core")
    parser.add_argument("--out", type=Path, default=HERE / "results.json")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="reporter-bench-") as tmp:
        tmp = Path(tmp)
        source = tmp / "group.xlsx"
        write_demo_workbook(source, employees=args.employees, seed=args.seed)
        sampler = MemorySampler()
        sampler.start()
        clock = StageClock()
        start = time.perf_counter()
        report = build(source, tmp / "out", progress=clock, options=RenderOptions(workers=args.workers))
        total = time.perf_counter() - start
        peak = sampler.stop()
        first_stage = min(clock.started.values())
        folder = report.folder
        n = len(report.result.results)
        appraised = len(report.result.appraised)
        pages = {"letters": pdf_pages(folder / "letters"), "agreements": pdf_pages(folder / "agreements"),
                 "print": pdf_pages(folder / "print")}
        workers = args.workers or os.cpu_count() or 1
        page_floor, styled_floor = trivial_pdf_floors()
        cards = sorted((folder / "scorecards").rglob("*.xlsx"))[:20]
        card_floor = bare_xlsxwriter_floor(cards)

    stages = {"validation + scoring": (first_stage - start, n)}
    for key, name in STAGE_NAMES.items():
        if name in clock.seconds:
            count = appraised if key == "scorecards" else 1 if key == "summary" else n
            stages[name] = (clock.seconds[name], count if key != "summary" else n)
    rows = []
    for name, (seconds, count) in stages.items():
        row = {"stage": name, "seconds": round(seconds, 2), "employees_per_second": round(count / seconds, 1)}
        kind = next((k for k, v in STAGE_NAMES.items() if v == name), "")
        if kind in ("letters", "agreements") and pages[kind]:
            cpu_ms = seconds * workers * 1000 / pages[kind]  # both cores busy: CPU time per page
            row.update(pages=pages[kind], ms_per_page_cpu=round(cpu_ms, 1),
                       ratio_to_trivial_page=round(cpu_ms / (page_floor * 1000), 2),
                       ratio_to_styled_trivial_page=round(cpu_ms / (styled_floor * 1000), 2))
        if kind == "scorecards":
            cpu_ms = seconds * workers * 1000 / count
            row.update(ms_per_scorecard_cpu=round(cpu_ms, 1), ratio_to_bare_xlsxwriter=round(cpu_ms / (card_floor * 1000), 2))
        rows.append(row)
    result = {
        "employees": n, "appraised": appraised, "workers": workers, "seed": args.seed,
        "machine": f"{platform.machine()} · {os.cpu_count()} cores · Python {platform.python_version()}",
        "total_seconds": round(total, 1), "peak_memory_pss_mib": round(peak / 2**20),
        "floors": {"trivial_pdf_page_ms": round(page_floor * 1000, 1),
                   "styled_trivial_pdf_page_ms": round(styled_floor * 1000, 1),
                   "bare_xlsxwriter_scorecard_ms": round(card_floor * 1000, 2)},
        "stages": rows,
    }
    print(f"reporter build: {n} employees ({appraised} appraised), {workers} workers, {result['machine']}")
    print(f"{'stage':<24}{'seconds':>9}{'empl/s':>10}{'ms/page':>10}{'× floor':>9}")
    for row in rows:
        per = row.get("ms_per_page_cpu", row.get("ms_per_scorecard_cpu", ""))
        ratio = row.get("ratio_to_trivial_page", row.get("ratio_to_bare_xlsxwriter", ""))
        print(f"{row['stage']:<24}{row['seconds']:>9}{row['employees_per_second']:>10}{per!s:>10}{ratio!s:>9}")
    floors = result["floors"]
    print(f"total {result['total_seconds']} s · peak memory {result['peak_memory_pss_mib']} MiB (PSS of the build "
          "and its workers)")
    print(f"floors: trivial page {floors['trivial_pdf_page_ms']} ms (with our stylesheet "
          f"{floors['styled_trivial_pdf_page_ms']} ms), bare XlsxWriter scorecard {floors['bare_xlsxwriter_scorecard_ms']} ms")
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written {args.out}")
    return result


if __name__ == "__main__":
    main()

"""What a review letter's CPU is made of: the letter typeset with one part left out at a time.

    python bench/letter_parts.py                   # 100 employees of the demo group, two rounds
    python bench/letter_parts.py --employees 300 --rounds 3

Issue 16 holds the PDFs to 2 bare pages of CPU a page. The letters alone cost about 2.7 (bench/run.py); this
shows why, in two measures taken in one process:

- **The letter with a part left out**, for every employee of a synthetic group (`reporter demo-data`, seed 7),
  stamped as the build's, each variant's renderer interleaved with the others one employee after another:
  the part's share of the letter is what leaving it out saves. The variants are the bundled templates with
  one edit each, made in a temporary copy; an edit whose text is no longer in the template stops the script.
- **A table cell in bare WeasyPrint** (no stylesheet of ours, the full face): 13 rows of 7 one-character cells
  against one cell, the difference per cell, and the 91 cells in bare pages. The letter's results table of
  13 lines has about 100 cells; a cell costs what a one-line paragraph does.

A measurement, not a test: it asserts nothing. docs/performance.md records a run.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import tempfile
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from content import stamp  # bench/content.py, beside this script

import reporter
from reporter.samples.demo_data import write_demo_workbook
from reporter.writers.pdf.documents import document_characters, render_letter
from reporter.writers.pdf.flate import PYDYF_LEVEL, deflated_at
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.templates import default_templates

SIGN_OFF = '<div class="signatures">'


def _cut(text: str, start: str, end: str) -> str:
    """``text`` without what lies from ``start`` up to ``end`` (kept); ValueError if either is missing."""
    return text[:text.index(start)] + text[text.index(end):]


def _replaced(text: str, old: str, new: str) -> str:
    """``text`` with ``old`` replaced; ValueError if it is missing."""
    if old not in text:
        raise ValueError(f"not in the template: {old}")
    return text.replace(old, new)


def _without_sign_off(text: str) -> str:
    return text[:text.index(SIGN_OFF)] + "{% endblock %}\n"


# name: (edit of letter.html.j2, CSS added to print.css)
VARIANTS: dict[str, tuple[Callable[[str], str], str]] = {
    "the whole letter": (lambda t: t, ""),
    "without the sign-off block (the same for all but the code)": (_without_sign_off, ""),
    "without every part the same for all (sign-off, letterhead, title, table heads)": (
        lambda t: _replaced(_without_sign_off(t), "<thead>", '<thead style="display: none">'),
        "header.letterhead, h1, .subtitle { display: none }"),
    "without the results table": (lambda t: _cut(t, '<table class="lines">', "{% if adjustments %}"), ""),
    "results table without its 得分计算 text": (lambda t: _replaced(t, "{{ line.explanation }}", ""), ""),
}


def variant_templates(folder: Path, name: str, edit: Callable[[str], str], css: str) -> Path:
    target = folder / str(list(VARIANTS).index(name))
    shutil.copytree(default_templates(), target)
    letter = target / "letter.html.j2"
    letter.write_text(edit(letter.read_text(encoding="utf-8")), encoding="utf-8")
    if css:
        sheet = target / "print.css"
        sheet.write_text(sheet.read_text(encoding="utf-8") + "\n" + css + "\n", encoding="utf-8")
    return target


def letter_parts(employees: int, rounds: int) -> dict[str, float]:
    """CPU milliseconds per letter of each variant, over ``rounds`` passes through the group."""
    with tempfile.TemporaryDirectory(prefix="reporter-letter-parts-") as tmp:
        source = Path(tmp) / "group.xlsx"
        write_demo_workbook(source, employees=employees, seed=7)
        result = reporter.score(source)
        created, characters = datetime(2026, 11, 6), document_characters(result.input)
        renderers = {name: PdfRenderer(variant_templates(Path(tmp), name, *edit), characters)
                     for name, edit in VARIANTS.items()}
        for renderer in renderers.values():  # untimed: each renderer's first letters load its fonts
            for r in result.results[:3]:
                render_letter(renderer, result, r, created, stamp(r))
        cpu = dict.fromkeys(renderers, 0.0)
        gc.collect()
        gc.freeze()  # as the render workers run (reporter.pipeline.render.fork_pool)
        try:
            for _ in range(rounds):
                for r in result.results:
                    for name, renderer in renderers.items():
                        start = time.process_time()
                        render_letter(renderer, result, r, created, stamp(r))
                        cpu[name] += time.process_time() - start
        finally:
            gc.unfreeze()
    n = rounds * len(result.results)
    return {name: seconds * 1000 / n for name, seconds in cpu.items()}


def bare_cells(rows: int = 13, columns: int = 7, repeat: int = 20) -> dict[str, float]:
    """CPU milliseconds of a bare WeasyPrint document with one cell and with ``rows`` × ``columns`` cells."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    def table(n_rows: int, n_columns: int) -> str:
        row = "<tr>" + "<td>一</td>" * n_columns + "</tr>"
        return f"<table style=\"font-family: 'Noto Serif CJK SC'\">{row * n_rows}</table>"

    font_config = FontConfiguration()

    def timed(html: str) -> float:
        HTML(string=html).render(font_config=font_config).write_pdf()
        start = time.process_time()
        for _ in range(repeat):
            HTML(string=html).render(font_config=font_config).write_pdf()
        return (time.process_time() - start) * 1000 / repeat

    with deflated_at(PYDYF_LEVEL):  # WeasyPrint as installed, as the bare page of bench/run.py
        one, many = timed(table(1, 1)), timed(table(rows, columns))
        page = timed("<p style=\"font-family: 'Noto Serif CJK SC'\">一页中文。</p>")
    return {"one_cell": one, "cells": many, "per_cell": (many - one) / (rows * columns - 1), "bare_page": page}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--employees", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    parts = letter_parts(args.employees, args.rounds)
    whole = parts["the whole letter"]
    print(f"review letters of {args.employees} employees, {args.rounds} round(s), CPU per letter:")
    for name, ms in parts.items():
        print(f"  {name:<82}{ms:7.1f} ms  × {ms / whole:.3f}")
    cells = bare_cells()
    print(f"bare WeasyPrint: one cell {cells['one_cell']:.1f} ms, 13 × 7 cells {cells['cells']:.1f} ms: "
          f"{cells['per_cell']:.2f} ms a cell; the 91 cells = {(cells['cells'] - cells['one_cell']) / cells['bare_page']:.2f} "
          f"bare pages ({cells['bare_page']:.1f} ms)")


if __name__ == "__main__":
    main()

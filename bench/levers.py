"""Each lever of the PDF renderer (and the scorecards' workbook), measured off and on for the same documents in the same process.

Interleaved (off, on, on, off … one employee after another) so that a machine busy with other work slows
both alike; CPU time of this process only.  Used by bench/run.py, which prints the ratios.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from datetime import datetime

import xlsxwriter
from xlsxwriter.packager import Packager

from reporter.model import PeriodResult
from reporter.pipeline.render import RENDER_GC_THRESHOLD
from reporter.writers.pdf import serialised_once, shared_body, user_agent
from reporter.writers.pdf.documents import (
    ORIGINALS,
    agreement_context,
    document_characters,
    document_language,
    render_agreement,
    render_letter,
)
from reporter.writers.pdf.flate import LEVEL, PYDYF_LEVEL, deflated_at
from reporter.writers.pdf.print_batch import merge_for_duplex
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.pdf.verification import verification_context
from reporter.writers.xlsx import book, style
from reporter.writers.xlsx.scorecard import render_scorecard


def agreement_typeset_twice(renderer: PdfRenderer, result: PeriodResult, r, created: datetime) -> bytes:
    """The agreement as made before the stamp: each original laid out on its own, then joined."""
    lang = document_language(result)
    context = agreement_context(result, r, renderer.templates) | verification_context(None, lang)
    copies = [renderer.render("agreement.html.j2", {**context, "original": lang.inline(*mark)},
                              identifier=f"agreement/{r.employee.employee_id}/{mark[0]}", created=created)
              for mark in ORIGINALS]
    return merge_for_duplex(copies)


def typeset_whole(renderer: PdfRenderer, result: PeriodResult, r, created: datetime) -> bytes:
    """The agreement laid out whole, as before agreements of one plan shared a typeset body."""
    body_html = shared_body.body_html
    shared_body.body_html = lambda html, context: None
    try:
        return render_agreement(renderer, result, r, created)
    finally:
        shared_body.body_html = body_html


def _with_gc(threshold: tuple[int, int, int], render: Callable[[], bytes]) -> bytes:
    before = gc.get_threshold()
    gc.set_threshold(*threshold)
    try:
        return render()
    finally:
        gc.set_threshold(*before)


def _deflated_at(level: int, render: Callable[[], bytes]) -> bytes:
    with deflated_at(level):
        return render()


def _serialised_twice(render: Callable[[], bytes]) -> bytes:
    with serialised_once.serialised_twice():
        return render()


def _with_default_user_agent(render: Callable[[], bytes]) -> bytes:
    """``render()`` with WeasyPrint's whole user-agent sheet, as if every document had footnotes and notes."""
    uses = user_agent.uses
    user_agent.uses = lambda text: (True, True)
    try:
        return render()
    finally:
        user_agent.uses = uses


def _with_stock_workbook(render: Callable[[], bytes]) -> bytes:
    """``render()`` with XlsxWriter's own workbook: every part worked out and deflated anew."""
    ours = style.Book
    style.Book = xlsxwriter.Workbook
    try:
        return render()
    finally:
        style.Book = ours


def _times(n: int, render: Callable[[], bytes]) -> bytes:
    for _ in range(n - 1):
        render()
    return render()


SCORECARD_REPEATS = 20  # a scorecard takes ~5 ms: each is timed over 20 renders


def measure_levers(result: PeriodResult, created: datetime, sample: int = 10) -> dict[str, dict]:
    """CPU milliseconds per document with each lever off and on, and on ÷ off."""
    reduced = PdfRenderer(None, document_characters(result.input))
    full = PdfRenderer(None, reduce_fonts=False)
    one_face = PdfRenderer(None, document_characters(result.input), split_faces=False)
    default_gc = gc.get_threshold()
    levers: dict[str, tuple[Callable, Callable]] = {
        "reduced CJK faces (letters)": (lambda r: render_letter(full, result, r, created),
                                        lambda r: render_letter(reduced, result, r, created)),
        "core and spare faces, not one reduced face (letters)": (
            lambda r: render_letter(one_face, result, r, created),
            lambda r: render_letter(reduced, result, r, created)),
        "originals typeset once, marks stamped (agreements)": (
            lambda r: agreement_typeset_twice(reduced, result, r, created),
            lambda r: typeset_whole(reduced, result, r, created)),
        "agreements of one plan share a typeset body (agreements)": (
            lambda r: typeset_whole(reduced, result, r, created),
            lambda r: render_agreement(reduced, result, r, created)),
        "user-agent sheet without footnote and note rules (letters)": (
            lambda r: _with_default_user_agent(lambda: render_letter(reduced, result, r, created)),
            lambda r: render_letter(reduced, result, r, created)),
        "streams deflated at zlib level 6, not pydyf's 9 (letters)": (
            lambda r: _deflated_at(PYDYF_LEVEL, lambda: render_letter(reduced, result, r, created)),
            lambda r: _deflated_at(LEVEL, lambda: render_letter(reduced, result, r, created))),
        "each PDF object serialised once, not again for the /ID (letters)": (
            lambda r: _serialised_twice(lambda: render_letter(reduced, result, r, created)),
            lambda r: render_letter(reduced, result, r, created)),
        "fewer garbage collections (letters)": (
            lambda r: _with_gc((700, 10, 10), lambda: render_letter(reduced, result, r, created)),
            lambda r: _with_gc(RENDER_GC_THRESHOLD, lambda: render_letter(reduced, result, r, created))),
    }
    people = [r for r in result.results if r.appraised][:sample]
    cpu = {name: [0.0, 0.0] for name in levers}
    for pair in levers.values():  # once each, untimed: the first document loads the fonts
        for render in pair:
            render(people[0])
    gc.set_threshold(*RENDER_GC_THRESHOLD)  # as the build renders; the GC lever sets its own
    try:
        for turn, r in enumerate(people):
            for name, pair in levers.items():
                # Off then on, then on then off: what one leaves behind (garbage to collect) is charged to both.
                for i in ((0, 1) if turn % 2 == 0 else (1, 0)):
                    start = time.process_time()
                    pair[i](r)
                    cpu[name][i] += time.process_time() - start
    finally:
        gc.set_threshold(*default_gc)
    measured = {name: {"off_ms": round(off * 1000 / len(people), 1), "on_ms": round(on * 1000 / len(people), 1),
                       "ratio": round(on / off, 2)} for name, (off, on) in cpu.items()}
    return measured | scorecard_levers(result, people)


def _patched(owner, name: str, value, render: Callable[[], bytes]) -> bytes:
    """``render()`` with ``owner.name`` set to ``value`` (a lever turned off)."""
    before = owner.__dict__[name]
    setattr(owner, name, value)
    try:
        return render()
    finally:
        setattr(owner, name, before)


def _zipfile_level(render: Callable[[], bytes]) -> bytes:
    with book.deflated_at(book.ZIPFILE_LEVEL):
        return render()


def scorecard_levers(result: PeriodResult, people: list) -> dict[str, dict]:
    """The scorecards' levers, on their own: interleaved with the PDFs, a scorecard's few milliseconds were mostly
    the collection of what the letter before it left (× 1.19 one run, × 0.67 another); here the collector
    runs, untimed, before each."""
    def scorecards(r):
        return _times(SCORECARD_REPEATS, lambda: render_scorecard(result, r))

    levers = {
        "shared workbook parts made once per process (scorecards)": (
            lambda r: _with_stock_workbook(lambda: scorecards(r)), scorecards),
        "own parts at zlib level 1, not ZipFile's 6 (scorecards)": (
            lambda r: _zipfile_level(lambda: scorecards(r)), scorecards),
        "each shared string's XML kept (scorecards)": (
            lambda r: _patched(book.KeptParts, "_write_shared_strings_file",
                               Packager._write_shared_strings_file, lambda: scorecards(r)), scorecards),
    }
    cpu = {name: [0.0, 0.0] for name in levers}
    for pair in levers.values():
        for render in pair:
            render(people[0])
    for turn, r in enumerate(people):
        for name, pair in levers.items():
            for i in ((0, 1) if turn % 2 == 0 else (1, 0)):
                gc.collect()
                start = time.process_time()
                pair[i](r)
                cpu[name][i] += time.process_time() - start
    return {name: {"off_ms": round(off * 1000 / len(people) / SCORECARD_REPEATS, 2),
                   "on_ms": round(on * 1000 / len(people) / SCORECARD_REPEATS, 2), "ratio": round(on / off, 2)}
            for name, (off, on) in cpu.items()}

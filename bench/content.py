"""Review letters against their own content: the same HTML typeset by WeasyPrint as installed.

The bare page of bench/run.py is one line of text; a letter is two pages of tables. This asks a different
question: what does our renderer add to, or save from, the cost of a letter's own content? Each letter's HTML,
as our templates make it, is typeset by WeasyPrint with nothing of ours — no stylesheet (its user-agent sheet,
its default sizes and table layout), its own font configuration (the full face through fontconfig), pydyf's
zlib level — and by our renderer, interleaved (ours, bare, bare, ours … one employee after another), CPU of
this process. Used by bench/run.py, which prints the ratio per letter.
"""

from __future__ import annotations

import gc
import io
import time
from datetime import datetime

from pypdf import PdfReader

from reporter.model import PeriodResult
from reporter.store.documents import DocumentStamp
from reporter.writers.pdf.documents import document_characters, render_letter
from reporter.writers.pdf.flate import PYDYF_LEVEL, deflated_at
from reporter.writers.pdf.renderer import PdfRenderer


def stamp(r) -> DocumentStamp:
    """A first version's stamp, as the build prints one: the verification code and its QR code on every page."""
    return DocumentStamp(code=f"BENCH-{r.employee.employee_id}-L1-7Q2M4XKD", period="bench",
                         employee_id=r.employee.employee_id, kind="letter", version=1, digest="", figures={})


def letters_against_their_content(result: PeriodResult, created: datetime, sample: int = 10) -> dict:
    """CPU milliseconds and pages per letter, ours and bare WeasyPrint on the same HTML (stamped, as the build's), for
    ``sample`` employees spread over the period (appraised or not); ``ratio``: ours ÷ bare, per letter."""
    from weasyprint import HTML
    from weasyprint.text.fonts import FontConfiguration

    renderer = PdfRenderer(None, document_characters(result.input))
    html: dict[str, str] = {}
    make_html = renderer.html

    def kept(template: str, context: dict) -> str:  # the letter's HTML as the renderer typesets it
        html[context["employee"].employee_id] = text = make_html(template, context)
        return text

    renderer.html = kept
    step = max(1, len(result.results) // sample)
    people = result.results[step // 2::step][:sample]
    font_config = FontConfiguration()
    cpu, pages = [0.0, 0.0], [0, 0]

    def typeset(i: int, r) -> None:
        start = time.process_time()
        if i == 0:
            pdf = render_letter(renderer, result, r, created, stamp(r))
        else:
            with deflated_at(PYDYF_LEVEL):
                document = HTML(string=html[r.employee.employee_id]).render(font_config=font_config)
                document.write_pdf()
        cpu[i] += time.process_time() - start
        pages[i] += len(PdfReader(io.BytesIO(pdf)).pages) if i == 0 else len(document.pages)

    for r in people:  # untimed: each letter's HTML, and the first document of each loads its fonts
        typeset(0, r)
    typeset(1, people[0])
    cpu[:], pages[:] = [0.0, 0.0], [0, 0]
    gc.collect()
    gc.freeze()  # as the render workers run (reporter.pipeline.render.fork_pool)
    try:
        for turn, r in enumerate(people):
            for i in ((0, 1) if turn % 2 == 0 else (1, 0)):  # ours then bare, then bare then ours
                typeset(i, r)
    finally:
        gc.unfreeze()
    n = len(people)
    return {"letters": n, "ours_ms": round(cpu[0] * 1000 / n, 1), "ours_pages": round(pages[0] / n, 2),
            "bare_ms": round(cpu[1] * 1000 / n, 1), "bare_pages": round(pages[1] / n, 2),
            "ratio": round(cpu[0] / cpu[1], 2)}

"""Agreements of one plan share one typeset body, and print exactly as if each had been typeset whole.

The body is laid out once; each person's name, 工号 and verification code are typeset on pages of their own and
drawn over it (reporter.writers.pdf.shared_body). Checked by a second reader: the same page content streams
in two people's files, and page by page the same text (pdftotext) and the same pixels (pdftoppm) as the
agreement typeset whole; a name too long for its line is typeset whole.
"""

from __future__ import annotations

import dataclasses
import io
import subprocess
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from PIL import Image, ImageChops
from pypdf import PdfReader

from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.store.documents import DocumentStamp
from reporter.writers.pdf import shared_body
from reporter.writers.pdf.documents import (
    agreement_context,
    document_characters,
    document_language,
    render_agreement,
)
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.pdf.verification import verification_context
from tests.test_letters import OCT_31, pdftext, squeeze

pytestmark = pytest.mark.slow


def stamp(r) -> DocumentStamp:
    return DocumentStamp(code=f"202610-{r.employee.employee_id}-A1-7Q2M4XKD", period="2026-10",
                         employee_id=r.employee.employee_id, kind="agreement", version=1, digest="", figures={})


def typeset_whole(monkeypatch, renderer, result, r) -> bytes:
    with monkeypatch.context() as patch:
        patch.setattr(shared_body, "body_html", lambda html, context: None)
        return render_agreement(renderer, result, r, OCT_31, stamp(r))


def shares_a_body(pdf: bytes) -> bool:
    """Whether the file draws a person's particulars over a body (print_batch.stamp_originals)."""
    return any("/ReporterParticulars0" in page["/Resources"].get("/XObject", {}) for page in PdfReader(_io(pdf)).pages)


def _io(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)


def pages_as_images(pdf: bytes, folder: Path, name: str) -> list[Image.Image]:
    path = folder / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "100", str(path), str(folder / name)], check=True)
    return [Image.open(p).convert("L") for p in sorted(folder.glob(f"{name}-*.png"))]


def test_agreements_of_one_plan_draw_one_typeset_body(sample_build, sample_result):
    """Two people of one role and department: their files draw the same page contents, but for their names."""
    people = {}
    for r in sample_result.results:
        e = r.employee
        people.setdefault((e.company, e.department, e.role), []).append(e.employee_id)
    pair = next(ids for ids in people.values() if len(ids) >= 2)[:2]
    readers = [PdfReader(sample_build / "agreements" / f"{eid}.pdf") for eid in pair]
    for first, second in zip(readers[0].pages, readers[1].pages, strict=True):
        body = [page["/Contents"][1].get_object().get_data() for page in (first, second)]  # after the "q"
        assert body[0] == body[1] and len(body[0]) > 1000
    texts = [squeeze(pdftext(sample_build / "agreements" / f"{eid}.pdf", page=1)) for eid in pair]
    names = [next(r.employee.name for r in sample_result.results if r.employee.employee_id == eid) for eid in pair]
    assert f"{names[0]}（工号{pair[0]}）" in texts[0] and names[1] not in texts[0]
    assert f"{names[1]}（工号{pair[1]}）" in texts[1] and names[0] not in texts[1]


def test_a_shared_agreement_prints_as_if_typeset_whole(monkeypatch, sample_result, tmp_path):
    renderer = PdfRenderer(None, document_characters(sample_result.input))
    by_role = {}
    for r in sample_result.results:
        by_role.setdefault(r.employee.role, r)
    for r in list(by_role.values())[:3]:  # the first three roles
        shared = render_agreement(renderer, sample_result, r, OCT_31, stamp(r))
        whole = typeset_whole(monkeypatch, renderer, sample_result, r)
        assert shares_a_body(shared) and not shares_a_body(whole)
        eid = r.employee.employee_id
        for number in range(1, len(PdfReader(_io(whole)).pages) + 1):
            (tmp_path / "s.pdf").write_bytes(shared)
            (tmp_path / "w.pdf").write_bytes(whole)
            assert squeeze(pdftext(tmp_path / "s.pdf", page=number)) == squeeze(pdftext(tmp_path / "w.pdf", page=number))
        for a, b in zip(pages_as_images(shared, tmp_path, f"{eid}-s"), pages_as_images(whole, tmp_path, f"{eid}-w"),
                        strict=True):
            assert ImageChops.difference(a, b).getbbox() is None, eid


def test_a_name_too_long_for_its_line_is_typeset_whole(tmp_path):
    """English: a 54-letter name does not fit the particulars' cell on one line, so that agreement is laid
    out whole, with the name wrapped in its cell; the other person of the plan still shares a body."""
    from click.testing import CliRunner

    from reporter.cli import cli

    book = tmp_path / "book.xlsx"
    assert CliRunner().invoke(cli, ["init", str(book), "--language", "en"]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    long_name = "Alexandrina Maximiliana Featherstonehaugh-Worthington"
    wb["员工"]["B3"], wb["员工"]["E3"] = long_name, wb["员工"]["E2"].value  # one department: one plan
    wb.save(book)
    result = score_period(load_input(book))
    renderer = PdfRenderer(None, document_characters(result.input))
    pdfs = {r.employee.name: render_agreement(renderer, result, r, datetime(2026, 10, 31), stamp(r))
            for r in result.results}
    assert not shares_a_body(pdfs[long_name])
    assert shares_a_body(pdfs["Zhang Wei"])
    (tmp_path / "long.pdf").write_bytes(pdfs[long_name])
    assert squeeze(long_name) in squeeze(pdftext(tmp_path / "long.pdf", page=1))


def test_a_body_that_would_carry_the_person_is_not_shared(sample_result):
    renderer = PdfRenderer(None, document_characters(sample_result.input))
    r = sample_result.results[1]
    context = (agreement_context(sample_result, r, renderer.templates)
               | verification_context(stamp(r), document_language(sample_result)))
    html = renderer.html("agreement.html.j2", {**context, "original": "甲方执", "created": "2026-10-31T00:00:00Z"})
    body = shared_body.body_html(html, context)
    assert body is not None
    for own in shared_body.person_strings(context):  # name, 工号, code, QR code
        assert own in html and own not in body
    assert 'data-slot="party" style="visibility: hidden">〇（工号 0）' in body
    # a template without slots (a company's copy from before them), or a name that is also a word of the plan
    assert shared_body.body_html(html.replace("data-slot", "data-x"), context) is None
    named = {**context, "employee": dataclasses.replace(r.employee, name="考核")}
    assert shared_body.body_html(html.replace(r.employee.name, "考核"), named) is None

"""Agreements of one plan share one typeset body, and print exactly as if each had been typeset whole.

The body is laid out once; each person's name, 工号 and verification code are typeset on pages of their own and
drawn over it (reporter.writers.pdf.shared_body). Checked by a second reader: the same page content streams
in two people's files, and page by page the same text (pdftotext) and the same pixels (pdftoppm) as the
agreement typeset whole; a name too long for its line is typeset whole.
"""

from __future__ import annotations

import dataclasses
import hashlib
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
from reporter.writers.pdf.addendum import changed_lines, render_addendum
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
    """A first version's stamp; the code, as the record's, differs from person to person beyond the 工号."""
    eid = r.employee.employee_id
    suffix = hashlib.sha256(eid.encode()).hexdigest()[:8].upper()
    return DocumentStamp(code=f"202610-{eid}-A1-{suffix}", period="2026-10", employee_id=eid, kind="agreement",
                         version=1, digest="", figures={})


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


def test_agreements_of_one_plan_are_laid_out_once(sample_result, tmp_path):
    """Three people of one role and department: one layout of the body, each file with its own name only."""
    renderer = PdfRenderer(None, document_characters(sample_result.input))
    groups = {}
    for r in sample_result.results:
        e = r.employee
        groups.setdefault((e.company, e.department, e.role), []).append(r)
    people = max(groups.values(), key=len)[:3]
    assert len(people) == 3
    pdfs = [render_agreement(renderer, sample_result, r, OCT_31, stamp(r)) for r in people]
    assert renderer.bodies.laid_out == 1 and all(shares_a_body(pdf) for pdf in pdfs)
    for r, pdf in zip(people, pdfs, strict=True):
        (tmp_path / "a.pdf").write_bytes(pdf)
        text = squeeze(pdftext(tmp_path / "a.pdf"))
        e = r.employee
        assert f"{e.name}（工号{e.employee_id}）" in text and stamp(r).code in text
        assert not any(other.employee.name in text or stamp(other).code in text for other in people if other is not r)
    render_agreement(renderer, sample_result, next(r for g in groups.values() for r in g if r not in people
                                                   and r.employee.role != people[0].employee.role), OCT_31)
    assert renderer.bodies.laid_out == 2  # another plan, another body


def render(kind: str, renderer, result, r, with_stamp: bool = True) -> bytes:
    if kind == "agreement":
        return render_agreement(renderer, result, r, OCT_31, stamp(r) if with_stamp else None)
    return render_addendum(renderer, result, r, OCT_31)


def whole(kind: str, monkeypatch, renderer, result, r) -> bytes:
    with monkeypatch.context() as patch:
        patch.setattr(shared_body, "body_html", lambda html, context: None)
        return render(kind, renderer, result, r)


@pytest.mark.parametrize("kind", ["agreement", "addendum"])
def test_a_shared_document_prints_as_if_typeset_whole(kind, monkeypatch, sample_result, tmp_path):
    """Page by page the same text and the same pixels (100 dpi) as the document laid out whole: an agreement
    for each of three roles (with the verification code in its footers and signatures), an addendum."""
    renderer = PdfRenderer(None, document_characters(sample_result.input))
    by_role = {}
    for r in sample_result.results:
        if kind == "agreement" or changed_lines(sample_result.input.plan_for(r.employee)):
            by_role.setdefault(r.employee.role, r)
    for r in list(by_role.values())[:3 if kind == "agreement" else 1]:
        shared, laid_out = render(kind, renderer, sample_result, r), whole(kind, monkeypatch, renderer, sample_result, r)
        assert shares_a_body(shared) and not shares_a_body(laid_out)
        eid = r.employee.employee_id
        (tmp_path / "s.pdf").write_bytes(shared)
        (tmp_path / "w.pdf").write_bytes(laid_out)
        for number in range(1, len(PdfReader(_io(laid_out)).pages) + 1):
            assert squeeze(pdftext(tmp_path / "s.pdf", page=number)) == squeeze(pdftext(tmp_path / "w.pdf", page=number))
        for a, b in zip(pages_as_images(shared, tmp_path, f"{eid}-s"), pages_as_images(laid_out, tmp_path, f"{eid}-w"),
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
    # a template without slots (a company's copy from before them), a slot in a slot, or a name that is also
    # a word of the plan
    assert shared_body.body_html(html.replace("data-slot", "data-x"), context) is None
    assert shared_body.body_html(html.replace('<span data-slot="id">', '<span data-slot="id"><span>'), context) is None
    named = {**context, "employee": dataclasses.replace(r.employee, name="考核")}
    assert shared_body.body_html(html.replace(r.employee.name, "考核"), named) is None

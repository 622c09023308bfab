"""The user-agent sheet without the footnote and note rules (reporter.writers.pdf.user_agent): documents print
the same, byte for byte, WeasyPrint really typesets with it, and a document with a footnote keeps the rules."""

from __future__ import annotations

import subprocess
from datetime import datetime

import pytest

from reporter.writers.pdf import user_agent
from reporter.writers.pdf.documents import render_agreement, render_letter
from reporter.writers.pdf.renderer import PdfRenderer
from reporter.writers.pdf.user_agent import html_document, user_agent_sheet

pytestmark = pytest.mark.slow  # renders PDFs

OCT_31 = datetime(2026, 10, 31)


def text_of(pdf: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def test_letters_and_an_agreement_are_the_same_bytes_as_with_the_default_sheet(sample_result, monkeypatch):
    from weasyprint.html import UA_STYLESHEET

    renderer = PdfRenderer(None)
    assert html_document("<p>x</p>", renderer.author_css).user_agent is not UA_STYLESHEET  # the lean one
    people = {r.employee.employee_id: r for r in sample_result.results}
    chosen = [people["HZ0017"], people["HZ0025"], people["HZ0003"]]  # not appraised, two pages, one with a bonus

    def documents() -> list[bytes]:
        return ([render_letter(renderer, sample_result, r, OCT_31) for r in chosen]
                + [render_agreement(renderer, sample_result, people["HZ0003"], OCT_31)])

    lean = documents()
    monkeypatch.setattr(user_agent, "uses", lambda text: (True, True))  # as if every document had footnotes
    assert html_document("<p>x</p>").user_agent is UA_STYLESHEET
    assert documents() == lean


def test_weasyprint_typesets_with_the_sheet_the_document_carries():
    """If a WeasyPrint release stopped asking ``_ua_stylesheets``, the lean sheet would go unused: caught here."""
    from weasyprint import CSS

    document = html_document("<p>看得见</p><div>看不见</div>")
    document.user_agent = CSS(string="html, body, p { display: block } head, div { display: none }")
    text = text_of(document.render().write_pdf())
    assert "看得见" in text and "看不见" not in text


def test_a_document_with_a_footnote_keeps_the_footnote_rules():
    html = '<p>正文<span style="float: footnote">脚注内容</span></p>'
    document = html_document(html)
    assert user_agent.uses(html) == (True, False) and document.user_agent is user_agent_sheet(True, False)
    assert "1. 脚注内容" in text_of(document.render().write_pdf())  # ::footnote-marker's "1. "
    document.user_agent = user_agent_sheet(False, False)  # what the words protect against:
    try:
        text = text_of(document.render().write_pdf())
    except TypeError:  # WeasyPrint 70 finds no style for the marker and fails
        text = ""
    assert "1. 脚注内容" not in text
    assert html_document("<p>无</p>", ".n { position: note(side) }").user_agent is user_agent_sheet(False, True)

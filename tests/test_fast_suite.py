"""The fast/slow split holds: a test not marked slow cannot render a PDF or start LibreOffice.

conftest.py runs every test that is not marked slow inside ``refuse_slow_work()``, so these tests
(themselves fast) see the refusals a leaking test would meet.
"""

from __future__ import annotations

import openpyxl
import pytest
from click.testing import CliRunner
from weasyprint import HTML

from reporter.cli import cli
from reporter.writers.pdf.renderer import PdfRenderer
from tests import conftest, recalc


def test_a_fast_test_cannot_create_a_renderer_or_render():
    with pytest.raises(conftest.SlowWorkInFastTest, match="PdfRenderer"):
        PdfRenderer()
    with pytest.raises(conftest.SlowWorkInFastTest, match="PDF rendering"):
        PdfRenderer.render(object(), "letter.html.j2", {}, identifier="2026-10/E001", created=None)
    with pytest.raises(conftest.SlowWorkInFastTest, match="WeasyPrint"):
        HTML(string="<p>x</p>").write_pdf()  # WeasyPrint itself, whoever calls it


def test_a_fast_test_cannot_build_pdfs(make_book, tmp_path):
    """Not even through the CLI, whose last line of defence catches every Exception."""
    with pytest.raises(conftest.SlowWorkInFastTest):
        CliRunner().invoke(cli, ["build", str(make_book()), "--out", str(tmp_path / "out")])


def test_a_fast_test_cannot_start_libreoffice(tmp_path, monkeypatch):
    book = tmp_path / "book.xlsx"
    openpyxl.Workbook().save(book)
    monkeypatch.setattr(recalc, "find_soffice", lambda: "/usr/bin/false")  # installed or not, never run
    with pytest.raises(conftest.SlowWorkInFastTest, match="soffice"):
        recalc.recalculate([book], tmp_path / "out")


class FakeItem:
    def __init__(self, *fixturenames: str):
        self.fixturenames = list(fixturenames)
        self.markers: list[str] = []

    def add_marker(self, mark) -> None:
        self.markers.append(mark.name)


def test_a_test_using_a_slow_fixture_is_marked_slow():
    direct = FakeItem("tmp_path", "sample_build")
    indirect = FakeItem("period", "sample_build", "tmp_path")  # test_mailer's period copies sample_build
    renderer = FakeItem("renderer", "sample_result")
    fast = FakeItem("tmp_path", "make_book", "sample_result", "base_sheets")
    conftest.pytest_collection_modifyitems(None, [direct, indirect, renderer, fast])
    assert direct.markers == indirect.markers == renderer.markers == ["slow"]
    assert fast.markers == []

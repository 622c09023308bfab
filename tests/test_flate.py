"""The PDFs' streams deflated at zlib level 6, not pydyf's 9 (reporter.writers.pdf.flate): pydyf really
deflates at the level set, a renderer sets it, and a letter reads the same at either level."""

from __future__ import annotations

import subprocess
import zlib
from datetime import datetime

import pydyf
import pytest

from reporter.writers.pdf import flate
from reporter.writers.pdf.documents import render_letter
from reporter.writers.pdf.renderer import PdfRenderer

# Page-content operators like a letter's: level 9 finds matches here that level 6 does not look for.
CONTENT = "".join(f"BT /F1 9 Tf 1 0 0 -1 {x} {y} Tm <{x:04x}{y:04x}> Tj ET\n" for x in range(300) for y in (7, 19)).encode()


def deflated_stream(data: bytes) -> bytes:
    """The bytes between ``stream`` and ``endstream`` of a compressed pydyf stream holding ``data``."""
    written = pydyf.Stream([data], compress=True).data
    return written.split(b"\nstream\n", 1)[1].rsplit(b"\nendstream", 1)[0]


def test_pydyf_deflates_at_the_level_set_and_the_level_before_comes_back():
    assert zlib.compress(CONTENT, 6) != zlib.compress(CONTENT, 9)  # else the test below could not tell
    before = flate.set_level(6)
    try:
        assert deflated_stream(CONTENT) == zlib.compress(CONTENT, 6)
        with flate.deflated_at(flate.PYDYF_LEVEL):
            assert deflated_stream(CONTENT) == zlib.compress(CONTENT, 9)
        assert deflated_stream(CONTENT) == zlib.compress(CONTENT, 6)
        assert zlib.decompress(deflated_stream(CONTENT)) == CONTENT
        assert pydyf.zlib.crc32(b"x") == zlib.crc32(b"x")  # the rest of zlib is zlib's
    finally:
        flate.set_level(before)


@pytest.mark.slow  # renders PDFs
def test_a_renderer_deflates_at_level_6_and_a_letter_reads_the_same_at_either_level(sample_result):
    flate.set_level(flate.PYDYF_LEVEL)
    renderer = PdfRenderer(None)
    assert pydyf.zlib.level == flate.LEVEL == 6
    r = next(r for r in sample_result.results if r.employee.employee_id == "HZ0025")  # two pages
    ours = render_letter(renderer, sample_result, r, datetime(2026, 10, 31))
    with flate.deflated_at(9):
        pydyfs = render_letter(renderer, sample_result, r, datetime(2026, 10, 31))
    assert ours != pydyfs

    def text(pdf: bytes) -> str:
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True,
                              check=True).stdout.decode()

    assert text(ours) == text(pydyfs) and "HZ0025" in text(ours)
    assert len(ours) < len(pydyfs) * 1.02  # a few hundred bytes more, not a different file

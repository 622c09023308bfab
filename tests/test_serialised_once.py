"""Each PDF object serialised once per write (reporter.writers.pdf.serialised_once): the same bytes as pydyf's
own writing, each stream deflated once instead of twice, nothing remembered outside a write or across threads."""

from __future__ import annotations

import io
import threading
from datetime import datetime

import pydyf
import pytest

from reporter.writers.pdf import flate, serialised_once
from reporter.writers.pdf.documents import render_agreement, render_letter
from reporter.writers.pdf.renderer import PdfRenderer


def small_pdf(text: str) -> pydyf.PDF:
    """A one-page PDF with a compressed content stream and a compressed object stream, as WeasyPrint writes."""
    pdf = pydyf.PDF()
    content = pydyf.Stream(compress=True)
    content.begin_text()
    content.set_font_size("F1", 12)
    content.show_text(pydyf.String(text))
    content.end_text()
    pdf.add_object(content)
    font = pydyf.Dictionary({"Type": "/Font", "Subtype": "/Type1", "BaseFont": "/Helvetica"})
    pdf.add_object(font)
    page = pydyf.Dictionary({"Type": "/Page", "Parent": pdf.pages.reference, "MediaBox": pydyf.Array([0, 0, 200, 200]),
                             "Contents": content.reference,
                             "Resources": pydyf.Dictionary({"Font": pydyf.Dictionary({"F1": font.reference})})})
    pdf.add_page(page)
    return pdf


def written(pdf: pydyf.PDF, compress: bool = True) -> bytes:
    output = io.BytesIO()
    pdf.write(output, version=b"1.7", identifier=b"test", compress=compress)
    return output.getvalue()


class CountedZlib:
    """pydyf's zlib, counting the streams it deflates."""

    def __init__(self, zlib):
        self.zlib, self.streams = zlib, 0

    def __getattr__(self, name):
        return getattr(self.zlib, name)

    def compressobj(self, *args, **kwargs):
        self.streams += 1
        return self.zlib.compressobj(*args, **kwargs)


@pytest.fixture
def counted(monkeypatch):
    counter = CountedZlib(pydyf.zlib)
    monkeypatch.setattr(pydyf, "zlib", counter)
    return counter


def test_each_stream_is_deflated_once_per_write_and_the_bytes_are_pydyfs(counted):
    serialised_once.install()
    with serialised_once.serialised_twice():
        assert pydyf.Stream.data.fget.__module__ == "pydyf"  # pydyf's own property
        twice = written(small_pdf("reporter"))
    deflated_twice, counted.streams = counted.streams, 0
    assert pydyf.Stream.data.fget.__module__ == serialised_once.__name__
    once = written(small_pdf("reporter"))
    assert once == twice and b"/ID" in once
    # pydyf deflates the content stream and the object stream, then both again to hash them for the /ID.
    # If a pydyf release stops serialising twice, this fails: the module is then no longer needed.
    assert (counted.streams, deflated_twice) == (3, 5)  # the cross-reference stream is made after the hash
    with serialised_once.serialised_twice():  # and without object streams (WeasyPrint's uncompressed_pdf)
        twice = written(small_pdf("reporter"), compress=False)
    assert written(small_pdf("reporter"), compress=False) == twice and b"/ID" in twice


def test_nothing_is_remembered_outside_a_write():
    serialised_once.install()
    stream = pydyf.Stream([b"0 0 m"], compress=False)
    before = stream.data
    stream.stream.append(b"10 10 l")
    assert stream.data != before and b"10 10 l" in stream.data  # read afresh: no write is going on
    written(small_pdf("after"))
    assert serialised_once._written.objects is None  # the write's objects are let go


def test_writes_in_two_threads_do_not_share_what_they_remember():
    serialised_once.install()
    texts = [f"thread {n}" for n in range(8)]
    alone = {text: written(small_pdf(text)) for text in texts}
    together: dict[str, bytes] = {}
    start = threading.Barrier(len(texts))

    def write(text: str) -> None:
        start.wait()
        for _ in range(20):
            together[text] = written(small_pdf(text))

    threads = [threading.Thread(target=write, args=(text,)) for text in texts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert together == alone


@pytest.mark.slow  # renders PDFs
def test_letters_and_agreements_are_byte_for_byte_pydyfs_own(sample_result):
    renderer = PdfRenderer(None)  # installs it
    assert pydyf.zlib.level == flate.LEVEL
    created = datetime(2026, 11, 6)
    people = [r for r in sample_result.results
              if r.employee.employee_id in ("HZ0001", "HZ0016", "HZ0017", "HZ0025")]  # short, long, not appraised
    for r in people:
        letter, agreement = (render_letter(renderer, sample_result, r, created),
                             render_agreement(renderer, sample_result, r, created))
        with serialised_once.serialised_twice():
            assert render_letter(renderer, sample_result, r, created) == letter
            assert render_agreement(renderer, sample_result, r, created) == agreement

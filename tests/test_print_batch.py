"""The originals of a typeset document and the duplex print batches, on small PDFs made here (no WeasyPrint)."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from reporter.writers.pdf.print_batch import merge_for_duplex, stamp_originals


def pdf(*texts: str, y: int = 700) -> bytes:
    """One page per text, written in Helvetica (a standard font: nothing embedded)."""
    writer = PdfWriter()
    font = writer._add_object(DictionaryObject({NameObject("/Type"): NameObject("/Font"),
                                                NameObject("/Subtype"): NameObject("/Type1"),
                                                NameObject("/BaseFont"): NameObject("/Helvetica")}))
    for text in texts:
        page = writer.add_blank_page(width=595, height=842)
        stream = DecodedStreamObject()
        stream.set_data(f"BT /F1 12 Tf 72 {y} Td ({text}) Tj ET".encode())
        page[NameObject("/Contents")] = writer._add_object(stream)
        page[NameObject("/Resources")] = DictionaryObject(
            {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def texts(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def test_each_original_is_every_page_with_its_own_stamp_starting_on_an_odd_page():
    document = pdf("body one", "body two", "body three")
    stamped = stamp_originals(document, [pdf("MARK A", y=800), pdf("MARK B", y=800)])
    pages = texts(stamped)
    assert len(pages) == 7 and pages[3] == ""  # 3 pages, a blank back, then the second original from page 5
    for number, body in enumerate(("body one", "body two", "body three")):
        assert body in pages[number] and "MARK A" in pages[number] and "MARK B" not in pages[number]
        assert body in pages[4 + number] and "MARK B" in pages[4 + number] and "MARK A" not in pages[4 + number]


def test_the_originals_share_the_pages_contents_and_fonts():
    document = pdf(*(f"page {n} " + "x" * 2000 for n in range(4)))
    stamped = stamp_originals(document, [pdf("MARK A"), pdf("MARK B")])
    reader = PdfReader(io.BytesIO(stamped))
    first, second = reader.pages[:4], reader.pages[4:]
    for a, b in zip(first, second, strict=True):
        assert a.raw_get("/Contents")[:-1] == b.raw_get("/Contents")[:-1]  # the same stream objects
        assert a["/Resources"]["/Font"]["/F1"].indirect_reference == b["/Resources"]["/Font"]["/F1"].indirect_reference
    assert len(stamped) < 1.5 * len(document)  # not two copies of the body


def test_print_batch_starts_each_document_on_an_odd_page():
    batch = merge_for_duplex([pdf("A1"), pdf("B1", "B2", "B3"), pdf("C1")], copies=1)
    assert [t.strip() for t in texts(batch)] == ["A1", "", "B1", "B2", "B3", "", "C1"]

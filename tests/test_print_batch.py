"""The originals of a typeset document and the duplex print batches, on small PDFs made here (no WeasyPrint)."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from reporter.writers.pdf.print_batch import merge_for_duplex, stamp_originals, write_for_duplex


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
    batch = merge_for_duplex([pdf("A1"), pdf("B1", "B2", "B3"), pdf("C1")])
    assert [t.strip() for t in texts(batch)] == ["A1", "", "B1", "B2", "B3", "", "C1"]


def test_a_print_batch_is_written_as_its_documents_are_read():
    """A department of 1,000 letters must not sit in memory at once: each document is out before the next is read."""
    out = io.BytesIO()
    written_before = []

    def documents():
        for name in ("A", "B", "C"):
            written_before.append(out.getvalue().count(b"/Type /Page\n"))  # pages already written
            yield pdf(f"{name}1", f"{name}2")

    write_for_duplex(documents(), out)
    assert written_before == [0, 2, 4]
    assert [t.strip() for t in texts(out.getvalue())] == ["A1", "A2", "B1", "B2", "C1", "C2"]


def test_a_print_batch_reads_strictly_and_keeps_each_documents_shared_objects_once():
    batch = merge_for_duplex([pdf("A1", "A2"), pdf("B1")])
    assert batch == merge_for_duplex([pdf("A1", "A2"), pdf("B1")])  # the same documents, the same file (its /ID too)
    start = int(batch.rsplit(b"startxref", 1)[1].split()[0])
    table = batch[start:].split(b"trailer")[0].splitlines()[3:]  # after "xref", "0 N" and the free entry
    for number, entry in enumerate(table, start=1):  # each offset is where its object begins: pypdf alone would
        assert batch[int(entry[:10]):].startswith(b"%d 0 obj" % number)  # find a misplaced one by searching
    reader = PdfReader(io.BytesIO(batch), strict=True)
    fonts = [page["/Resources"]["/Font"]["/F1"].indirect_reference.idnum for page in reader.pages]
    assert len(fonts) == 3 and fonts[0] == fonts[1] != fonts[2]  # one font per document, as in the documents
    assert reader.trailer["/Root"]["/Pages"]["/Count"] == 3 and reader.metadata.producer == "reporter"


def test_a_link_to_another_page_of_the_document_still_finds_it():
    writer = PdfWriter(clone_from=io.BytesIO(pdf("first", "second")))
    target = writer.pages[1].indirect_reference
    link = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Subtype"): NameObject("/Link"),
                             NameObject("/Rect"): ArrayObject([]), NameObject("/Dest"): ArrayObject(
                                 [target, NameObject("/Fit")])})
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(link)])
    linked = io.BytesIO()
    writer.write(linked)
    reader = PdfReader(io.BytesIO(merge_for_duplex([pdf("before"), linked.getvalue()])))
    destination = reader.pages[2]["/Annots"][0].get_object()["/Dest"][0]
    assert destination.idnum == reader.pages[3].indirect_reference.idnum  # the link's page, after a blank back

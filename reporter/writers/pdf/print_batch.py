"""Print batches: a department's documents in one PDF, ready for duplex printing.

Each document starts on an odd (right-hand) page, so no sheet of paper holds
the end of one person's document and the start of the next.  An agreement file
already holds its two marked originals (甲方执, 乙方执; 篇五: 一式二份), joined here too.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterable
from functools import lru_cache
from typing import BinaryIO

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)


def merge_for_duplex(documents: Iterable[bytes]) -> bytes:
    """Concatenate PDFs, each starting on an odd page; blank pages fill the gaps."""
    buffer = io.BytesIO()
    write_for_duplex(documents, buffer)
    return buffer.getvalue()


def write_for_duplex(documents: Iterable[bytes], out: BinaryIO) -> None:
    """:func:`merge_for_duplex` written to ``out`` as it goes: one document in memory at a time.

    A department of 1,000 letters is a file of ~150 MB; joined in memory (pypdf's writer) it held ~0.7 MiB of
    Python objects a letter, which grew a build's memory with the size of its largest departments.  Here each
    document's objects are written out renumbered as soon as it is read, and only their offsets are kept.
    """
    pdf = _StreamedPdf(out)
    for data in documents:
        pdf.append(PdfReader(io.BytesIO(data)))
    pdf.close()


CATALOG, PAGES = 1, 2  # the object numbers of the catalog and the page tree, written last


class _StreamedPdf:
    """A PDF written object by object: pages from other PDFs, then the page tree, the cross-reference table."""

    def __init__(self, out: BinaryIO):
        self.out, self.position, self.digest = out, 0, hashlib.md5(usedforsecurity=False)
        self.offsets: dict[int, int] = {}
        self.kids: list[int] = []  # the page objects, in order
        self.next_number = PAGES + 1
        self._write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")

    def _write(self, data: bytes) -> None:
        self.out.write(data)
        self.digest.update(data)  # the file's /ID: a digest of its objects, so the same pages give the same file
        self.position += len(data)

    def _reserve(self) -> int:
        self.next_number += 1
        return self.next_number - 1

    def _write_object(self, number: int, obj: PdfObject) -> None:
        self.offsets[number] = self.position
        buffer = io.BytesIO()
        buffer.write(b"%d 0 obj\n" % number)
        obj.write_to_stream(buffer)
        buffer.write(b"\nendobj\n")
        self._write(buffer.getvalue())

    def append(self, reader: PdfReader) -> None:
        """Every page of ``reader`` and what they use, from an odd page (a blank back before it if needed)."""
        pages = list(reader.pages)
        if not pages:
            return
        if len(self.kids) % 2 == 1:
            blank = self._reserve()
            box = ArrayObject(FloatObject(v) for v in pages[0].mediabox)
            self._write_object(blank, DictionaryObject({
                NameObject("/Type"): NameObject("/Page"), NameObject("/Parent"): IndirectObject(PAGES, 0, None),
                NameObject("/MediaBox"): box, NameObject("/Resources"): DictionaryObject()}))
            self.kids.append(blank)
        numbers = {page.indirect_reference.idnum: self._reserve() for page in pages}  # links to a page find it
        todo: list[IndirectObject] = []

        def renumber(obj: PdfObject) -> PdfObject:
            """``obj`` with each reference to an object of ``reader`` made one to its number here (in place:
            the reader is read once and dropped)."""
            if isinstance(obj, IndirectObject):
                if obj.idnum not in numbers:
                    numbers[obj.idnum] = self._reserve()
                    todo.append(obj)
                return IndirectObject(numbers[obj.idnum], 0, None)
            if isinstance(obj, DictionaryObject):
                for key, value in list(obj.items()):
                    obj[key] = renumber(value)
            elif isinstance(obj, ArrayObject):
                for i, value in enumerate(obj):
                    obj[i] = renumber(value)
            return obj

        for page in pages:
            page.pop(NameObject("/Parent"), None)  # the source's page tree, and through it every page
            renumber(page)
            page[NameObject("/Parent")] = IndirectObject(PAGES, 0, None)
            self._write_object(numbers[page.indirect_reference.idnum], page)
            self.kids.append(numbers[page.indirect_reference.idnum])
        while todo:
            ref = todo.pop()
            obj = reader.get_object(ref)
            if obj is None:
                obj = NullObject()
            elif isinstance(obj, StreamObject):
                obj.pop(NameObject("/Length"), None)  # written again from the data (it may be a reference)
            self._write_object(numbers[ref.idnum], renumber(obj))

    def close(self) -> None:
        self._write_object(PAGES, DictionaryObject({
            NameObject("/Type"): NameObject("/Pages"), NameObject("/Count"): NumberObject(len(self.kids)),
            NameObject("/Kids"): ArrayObject(IndirectObject(kid, 0, None) for kid in self.kids)}))
        self._write_object(CATALOG, DictionaryObject({NameObject("/Type"): NameObject("/Catalog"),
                                                       NameObject("/Pages"): IndirectObject(PAGES, 0, None)}))
        info = self._reserve()
        self._write_object(info, DictionaryObject({NameObject("/Producer"): TextStringObject("reporter")}))
        identifier = self.digest.hexdigest().encode()
        table = [b"xref\n0 %d\n0000000000 65535 f \n" % self.next_number]
        table += [b"%010d 00000 n \n" % self.offsets[number] for number in range(1, self.next_number)]
        table.append(b"trailer\n<< /Size %d /Root %d 0 R /Info %d 0 R /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
                     % (self.next_number, CATALOG, info, identifier, identifier, self.position))
        self.out.write(b"".join(table))


def stamp_originals(document: bytes, stamps: list[bytes], particulars: bytes | None = None) -> bytes:
    """The originals of one typeset document: each its pages with one stamp (a one-page PDF, e.g. the header
    mark 甲方执) drawn over every page, each original starting on an odd page; ``particulars`` (a PDF of as
    many pages as ``document``): each of its pages drawn over the document's page of that number too, in
    every original (a person's particulars over a shared body: reporter.writers.pdf.shared_body).

    The originals share the document's fonts, images and page contents, embedded once: a page of an original
    is a new page whose contents are the document page's, then its stamp as a form XObject named in that
    original's own copy of the resources.  Nothing is parsed or re-encoded, so stamping costs about what
    copying does, and the file is about one original's size plus the stamps.
    """
    reader = _parsed(document) if particulars else PdfReader(io.BytesIO(document))
    writer = PdfWriter()
    save, restore = _stream(writer, b"q\n"), _stream(writer, b"\nQ\n")  # the page's drawing in a state of its own
    own = [(NameObject(f"/ReporterParticulars{number}"), _form_xobject(writer, page))
           for number, page in enumerate(PdfReader(io.BytesIO(particulars)).pages)] if particulars else []
    own_draws = [[_stream(writer, f"\nq {name} Do Q\n".encode())] for name, _ in own]
    for number, stamp in enumerate(stamps):
        if len(writer.pages) % 2 == 1:
            box = reader.pages[0].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
        name = NameObject(f"/ReporterStamp{number}")
        form = _form_xobject(writer, _parsed(stamp).pages[0])
        draw = _stream(writer, f"\nq {name} Do Q\n".encode())  # last: what comes before it, the originals share
        resources: dict[int, DictionaryObject] = {}  # a copy per shared resource dictionary, with the stamp
        for index, page in enumerate(reader.pages):
            shared = page.get("/Resources", DictionaryObject()).clone(writer)  # cloned once, then looked up
            if id(shared.get_object()) not in resources:
                copy = DictionaryObject(shared.get_object())
                copy[NameObject("/XObject")] = DictionaryObject({**copy.get("/XObject", DictionaryObject()),
                                                                  name: form, **dict(own)})
                resources[id(shared.get_object())] = copy
            contents = page.raw_get("/Contents").clone(writer) if "/Contents" in page else ArrayObject()
            stamped = PageObject(writer)
            stamped.update({key: value.clone(writer) for key, value in page.items()
                            if key not in ("/Parent", "/Contents", "/Resources")})
            stamped[NameObject("/Contents")] = ArrayObject(
                [save, *(contents if isinstance(contents, ArrayObject) else [contents]), restore,
                 *(own_draws[index] if own else []), draw])
            stamped[NameObject("/Resources")] = resources[id(shared.get_object())]
            writer._add_object(stamped)  # a page of this writer is added as it is; any other is deep-copied
            writer.add_page(stamped)
    writer.add_metadata({"/Producer": "reporter"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@lru_cache(maxsize=32)
def _parsed(pdf: bytes) -> PdfReader:
    """A PDF drawn into many files, parsed once: a shared body, an original's mark (a writer clones what it
    takes from a reader, and leaves the reader as it was)."""
    return PdfReader(io.BytesIO(pdf))


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = DecodedStreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _form_xobject(writer: PdfWriter, page: PageObject) -> IndirectObject:
    """A one-page PDF's page as a form XObject of ``writer``, to draw over other pages of the same size."""
    contents = page.get_contents()
    form = DecodedStreamObject()
    form.set_data(contents.get_data() if contents is not None else b"")
    form.update({NameObject("/Type"): NameObject("/XObject"), NameObject("/Subtype"): NameObject("/Form"),
                 NameObject("/BBox"): page.mediabox.clone(writer),
                 NameObject("/Resources"): page.get("/Resources", DictionaryObject()).clone(writer)})
    return writer._add_object(form.flate_encode())

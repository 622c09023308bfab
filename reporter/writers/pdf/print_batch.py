"""Print batches: a department's documents in one PDF, ready for duplex printing.

Each document starts on an odd (right-hand) page, so no sheet of paper holds
the end of one person's document and the start of the next.  An agreement file
already holds its two marked originals (甲方执, 乙方执; 篇五: 一式二份), joined here too.
"""

from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, IndirectObject, NameObject


def merge_for_duplex(documents: list[bytes], copies: int = 1) -> bytes:
    """Concatenate PDFs, each copy starting on an odd page; blank pages fill the gaps."""
    writer = PdfWriter()
    for data in documents:
        reader = PdfReader(io.BytesIO(data))
        for _ in range(copies):
            if len(writer.pages) % 2 == 1:
                box = reader.pages[0].mediabox
                writer.add_blank_page(width=box.width, height=box.height)
            for page in reader.pages:
                writer.add_page(page)
    writer.add_metadata({"/Producer": "reporter"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def stamp_originals(document: bytes, stamps: list[bytes]) -> bytes:
    """The originals of one typeset document: each its pages with one stamp (a one-page PDF, e.g. the header
    mark 甲方执) drawn over every page, each original starting on an odd page.

    The originals share the document's fonts, images and page contents, embedded once: a page of an original
    is a new page whose contents are the document page's, then its stamp as a form XObject named in that
    original's own copy of the resources.  Nothing is parsed or re-encoded, so stamping costs about what
    copying does, and the file is about one original's size plus the stamps.
    """
    reader = PdfReader(io.BytesIO(document))
    writer = PdfWriter()
    save = _stream(writer, b"q\n")  # the page's own drawing in a saved graphics state, the stamp after it
    for number, stamp in enumerate(stamps):
        if len(writer.pages) % 2 == 1:
            box = reader.pages[0].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
        name = NameObject(f"/ReporterStamp{number}")
        form = _form_xobject(writer, PdfReader(io.BytesIO(stamp)).pages[0])
        draw = _stream(writer, f"\nQ q {name} Do Q\n".encode())
        resources: dict[int, DictionaryObject] = {}  # a copy per shared resource dictionary, with the stamp
        for page in reader.pages:
            shared = page.get("/Resources", DictionaryObject()).clone(writer)  # cloned once, then looked up
            if id(shared.get_object()) not in resources:
                copy = DictionaryObject(shared.get_object())
                copy[NameObject("/XObject")] = DictionaryObject({**copy.get("/XObject", DictionaryObject()),
                                                                  name: form})
                resources[id(shared.get_object())] = copy
            contents = page.raw_get("/Contents").clone(writer) if "/Contents" in page else ArrayObject()
            stamped = PageObject(writer)
            stamped.update({key: value.clone(writer) for key, value in page.items()
                            if key not in ("/Parent", "/Contents", "/Resources")})
            stamped[NameObject("/Contents")] = ArrayObject(
                [save, *(contents if isinstance(contents, ArrayObject) else [contents]), draw])
            stamped[NameObject("/Resources")] = resources[id(shared.get_object())]
            writer._add_object(stamped)  # a page of this writer is added as it is; any other is deep-copied
            writer.add_page(stamped)
    writer.add_metadata({"/Producer": "reporter"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


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

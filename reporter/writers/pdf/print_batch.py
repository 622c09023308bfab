"""Print batches: a department's documents in one PDF, ready for duplex printing.

Each document starts on an odd (right-hand) page, so no sheet of paper holds
the end of one person's document and the start of the next.  An agreement file
already holds its two marked originals (甲方执, 乙方执; 篇五: 一式二份), joined here too.
"""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter


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
    """The originals of one typeset document: each a copy of its pages with one stamp (a one-page PDF, e.g. the
    header mark 甲方执) drawn over every page, each starting on an odd page."""
    writer = PdfWriter()
    for stamp in stamps:
        reader = PdfReader(io.BytesIO(document))  # a reader per original: its pages are new objects to stamp
        mark = PdfReader(io.BytesIO(stamp)).pages[0]
        if len(writer.pages) % 2 == 1:
            box = reader.pages[0].mediabox
            writer.add_blank_page(width=box.width, height=box.height)
        for page in reader.pages:
            writer.add_page(page).merge_page(mark)
    writer.add_metadata({"/Producer": "reporter"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()

"""The workbook every writer starts from: XlsxWriter's, with the parts all of a period's workbooks share made
once per process.

A period writes one scorecard workbook per employee, and they all use the same few dozen formats
(:class:`reporter.writers.xlsx.style.Styles`): the same styles.xml, which XlsxWriter otherwise works out
anew for each workbook, format by format and font by font (a tenth of a scorecard's time).  Here it is
kept, keyed by what decides it: every format's name in ``Styles`` with its cell (xf) and conditional (dxf)
index, and the workbook's defaults.  A workbook with a format made some other way, or streamed to
temporary files (the summary), is worked out as XlsxWriter does.  The same goes for core.xml (the
author and date of every workbook of a period).

A workbook written to memory is then zipped here, not by XlsxWriter's ZipFile: the same zip (the tests
compare the bytes at ZipFile's level), but the parts that are the same in every workbook (theme, styles,
relations, content types, core) are deflated once per process, not once per workbook (another twentieth),
and the workbook's own parts (its sheet, shared strings, workbook.xml, app.xml) at zlib level :data:`LEVEL`,
not ZipFile's 6: a scorecard costs 5 % less CPU for about 1 KB (8 %) more of the file.  Each shared
string's XML is kept too (:class:`KeptStrings`): a period's scorecards repeat their labels and wording.
"""

from __future__ import annotations

import functools
import io
import struct
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import xlsxwriter
from xlsxwriter.exceptions import DuplicateWorksheetName
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings

KEEP = 64  # texts kept per process of each part: one per language and kind of sheet is a handful
KEEP_STRINGS = 20_000  # shared strings' XML kept per process: a period's labels, rules and wording, a few MB
LEVEL = 1  # zlib level of a workbook's own parts (bench/levers.py measures it against ZipFile's)
ZIPFILE_LEVEL = zlib.Z_DEFAULT_COMPRESSION  # ZipFile's: the parts every workbook shares, deflated once
_STYLES: dict[tuple, str] = {}
_CORE: dict[tuple, str] = {}


def keep(kept: dict, key, value) -> None:
    """Keep ``value``; a process that has kept KEEP (a worker serving many companies) starts afresh."""
    if len(kept) >= KEEP:
        kept.clear()
    kept[key] = value


class Book(xlsxwriter.Workbook):
    def __init__(self, target, options: dict):
        super().__init__(target, options)
        self.builtin_formats = len(self.formats)  # XlsxWriter's own: the default, the hyperlink's
        self.styles_key: tuple | None = None  # when styles.xml is to be kept
        self.styles_xml: str | None = None  # when it was
        self.parts: list[tuple[str, bytes]] = []  # (name, content) of each part, for zipped()
        self.folded_names: set[str] = set()  # every sheet's name in lower case (_check_sheetname)

    def _check_sheetname(self, sheetname, is_chartsheet=False):
        """XlsxWriter's checks of a new sheet's name, its test for a name in use (case ignored, as Excel does)
        made with a set: XlsxWriter compares the name with every sheet's, and the summary of 10,000 people
        has a sheet each (10,000² comparisons: about 50 of its 130 CPU-s at 10,000)."""
        sheets, self.worksheets_objs = self.worksheets_objs, []  # XlsxWriter's loop over them finds none
        try:
            name = super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = sheets
        if name.lower() in self.folded_names:
            raise DuplicateWorksheetName(f"Sheetname '{name}', with case ignored, is already in use.")
        self.folded_names.add(name.lower())
        return name

    def formats_key(self) -> tuple | None:
        """What decides styles.xml, or None when some format is not one of Styles' (its name unknown)."""
        if not self.in_memory or self.custom_colors or self.has_comments:
            return None
        formats = []
        for i, fmt in enumerate(self.formats):
            name = getattr(fmt, "style_key", None) if i >= self.builtin_formats else i
            if name is None:
                return None
            formats.append((name, fmt.xf_index, fmt.dxf_index))
        return (tuple(sorted(self.default_format_properties.items())), self.default_date_format,
                self.excel2003_style, tuple(formats))

    def _prepare_format_properties(self) -> None:
        # Called as workbook.xml is written, before styles.xml: the indices it works out serve styles.xml alone.
        key = self.formats_key()
        self.styles_xml = _STYLES.get(key) if key is not None else None
        if self.styles_xml is None:
            super()._prepare_format_properties()
            self.styles_key = key

    def _get_packager(self) -> Packager:
        return KeptParts()

    @property
    def zipped_here(self) -> bool:
        """A workbook written to memory, whose parts this zips (XlsxWriter's own zip left empty)."""
        return self.in_memory and isinstance(self.filename, io.BytesIO)

    def _store_workbook(self) -> None:
        start = self.filename.tell() if self.zipped_here else None
        super()._store_workbook()  # the packager keeps the parts, when zipped here, and XlsxWriter's zip is empty
        if self.parts:
            self.filename.seek(start)
            self.filename.truncate()
            self.filename.write(zipped(self.parts))


class KeptParts(Packager):
    """XlsxWriter's packager, writing a styles.xml or core.xml this process has written before as it was."""

    def _create_package(self):
        files = super()._create_package()
        book = self.workbook
        if not (book.zipped_here and all(name.isascii() for _, name, _ in files)):
            return files
        book.parts = [(name, data.getvalue() if binary else data.getvalue().encode("utf-8"))
                      for data, name, binary in files]
        return []  # for XlsxWriter's own zip: Book zips the parts

    def _write_styles_file(self) -> None:
        book = self.workbook
        if book.styles_xml is not None:
            self._filename("xl/styles.xml").write(book.styles_xml)
            return
        super()._write_styles_file()
        if book.styles_key is not None:
            keep(_STYLES, book.styles_key, self.filenames[-1][0].getvalue())

    def _write_shared_strings_file(self) -> None:
        if not self.workbook.str_table.count:
            return
        sst = KeptStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()

    def _write_core_file(self) -> None:
        """The document's properties (author, created): the same for every workbook of a period."""
        if not self.in_memory:
            return super()._write_core_file()
        key = tuple(sorted(self.workbook.doc_properties.items()))
        xml = _CORE.get(key)
        if xml is None:
            super()._write_core_file()
            keep(_CORE, key, self.filenames[-1][0].getvalue())
        else:
            self._filename("docProps/core.xml").write(xml)


class KeptStrings(SharedStrings):
    """sharedStrings.xml with each string's <si> element as XlsxWriter writes it, kept per process."""

    def _write_sst_strings(self) -> None:
        write = self.fh.write
        for string in self.string_table.string_array:
            write(si_xml(string))


@functools.lru_cache(maxsize=KEEP_STRINGS)
def si_xml(string: str) -> str:
    writer = SharedStrings()
    writer.fh = io.StringIO()
    writer._write_si(string)
    return writer.fh.getvalue()


# Parts whose content repeats from workbook to workbook: deflated once per process (by content).
SHARED_PARTS = frozenset({"[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "xl/_rels/workbook.xml.rels",
                          "xl/styles.xml", "xl/theme/theme1.xml"})
DOS_DATE = (1980 - 1980) << 9 | 1 << 5 | 1  # 1980-01-01, XlsxWriter's date for every part; the time is 0:00
LOCAL = struct.Struct("<4s2B4HL2L2H")  # zipfile's structFileHeader, structCentralDir, structEndArchive
CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
END = struct.Struct("<4s4H2LH")
VERSION, UNIX, DEFLATED = 20, 3, 8
READ_WRITE = 0o600 << 16  # the Unix mode ZipFile.writestr gives a part


_level = LEVEL


@contextmanager
def deflated_at(level: int) -> Iterator[None]:
    """Within the block, a workbook's own parts are deflated at ``level`` (the tests compare ZipFile's bytes at
    ZIPFILE_LEVEL; the benchmark's lever times both)."""
    global _level
    before, _level = _level, level
    try:
        yield
    finally:
        _level = before


def deflated(data: bytes, level: int = ZIPFILE_LEVEL) -> tuple[int, bytes]:
    """A part's CRC and its raw deflate stream at ``level``, as ZipFile compresses it."""
    squeezer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return zlib.crc32(data), squeezer.compress(data) + squeezer.flush()


deflated_once = functools.lru_cache(maxsize=KEEP)(deflated)  # a shared part, by its content, at ZipFile's level


def zipped(parts: list[tuple[str, bytes]]) -> bytes:
    """The zip ZipFile writes of ``parts`` as XlsxWriter adds them: deflated, dated 1980-01-01, no extra
    fields, ASCII names, mode 0600; made by version 2.0 on Unix.  The shared parts at ZipFile's level, the
    others at LEVEL (ZipFile's bytes within ``deflated_at(ZIPFILE_LEVEL)``)."""
    out, central = io.BytesIO(), []
    for name, data in parts:
        crc, stream = deflated_once(data) if name in SHARED_PARTS else deflated(data, _level)
        raw = name.encode("ascii")
        central.append(CENTRAL.pack(b"PK\x01\x02", VERSION, UNIX, VERSION, 0, 0, DEFLATED, 0, DOS_DATE, crc,
                                    len(stream), len(data), len(raw), 0, 0, 0, 0, READ_WRITE, out.tell()) + raw)
        out.write(LOCAL.pack(b"PK\x03\x04", VERSION, 0, 0, DEFLATED, 0, DOS_DATE, crc, len(stream), len(data),
                             len(raw), 0) + raw)
        out.write(stream)
    start = out.tell()
    out.write(b"".join(central))
    out.write(END.pack(b"PK\x05\x06", 0, 0, len(parts), len(parts), out.tell() - start, start, 0))
    return out.getvalue()

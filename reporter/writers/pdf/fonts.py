"""The documents' CJK face, reduced once per build to the characters a company's documents use.

WeasyPrint subsets every face it embeds, per document, with HarfBuzz, keeping each glyph's number: on
Noto Serif CJK (65,535 glyphs) that costs about as much as laying out a whole page, once per face and
document, and the embedded subset carries an empty slot for every glyph number below the highest used.
A face reduced beforehand — GB 2312, the face's Latin, symbols, CJK punctuation and full-width forms, and
every character of the period's input — has about 16,000 glyphs (with the variants its layout tables
reach), a quarter of the full face: subsetting it per document takes a fraction of the time and the PDFs
are about half the size.  The glyphs, their shapes and metrics are the face's own, so the text sets
exactly as before (tests/test_fonts.py compares the pages pixel for pixel).  A character outside the reduced face (a template's wording
added later, say) falls back to the full face, which the stylesheet names next: the document is right,
only slower.

The reduced faces are made with HarfBuzz (libharfbuzz-subset, which WeasyPrint already requires; ~0.6 s
a face) and cached on disk, named by a digest of the source face and the characters, so a build with the
same characters reuses them and concurrent builds write the same bytes.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import subprocess
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

FAMILY = "Reporter CJK Serif"  # the family print.css names first; the full face follows it
SOURCE_FAMILY = "Noto Serif CJK SC"
CACHE_KEEP = 8  # reduced faces kept in the cache (two per character set), the least recently used go
_VERSION = "1"  # part of the cache key: bump when the reduction changes


@dataclass(frozen=True)
class Face:
    path: Path
    weight: str  # "normal" or "bold"


def _source(weight: str) -> tuple[Path, int]:
    """The installed file and face index fontconfig gives for the family at this weight."""
    pattern = SOURCE_FAMILY + (":bold" if weight == "bold" else ":regular")
    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", pattern], capture_output=True, text=True).stdout
    path, _, index = found.partition("\n")
    return Path(path), int(index or 0)


@cache
def base_characters() -> frozenset[str]:
    """GB 2312, and everything outside the CJK ideographs a document may print: Latin, symbols, punctuation,
    full-width forms (HarfBuzz keeps those the face has)."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    ranges = (range(0x20, 0x2E80), range(0x3000, 0x3100), range(0xFF00, 0xFFF0))
    return frozenset(chars | {chr(c) for r in ranges for c in r})


def cache_folder() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "reporter" / "fonts"


def reduced_faces(characters: str = "", folder: Path | None = None) -> tuple[Face, ...]:
    """The regular and bold faces reduced to the base characters and ``characters``, made or found in ``folder``
    (default: the user's cache; a temporary folder where that cannot be written)."""
    folder = folder or cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="reporter-fonts-"))
    faces = []
    for weight in ("normal", "bold"):
        path, index = _source(weight)
        stat = path.stat()
        chars = base_characters() | set(characters)
        key = hashlib.sha256("\n".join([_VERSION, str(path), str(index), str(stat.st_size), str(stat.st_mtime_ns),
                                        "".join(sorted(chars))]).encode()).hexdigest()[:24]
        target = folder / f"{key}-{weight}.otf"
        if target.is_file():
            os.utime(target)
        else:
            data = _harfbuzz_reduce(path.read_bytes(), index, chars)
            temporary = target.with_name(f".{target.name}.{os.getpid()}")
            temporary.write_bytes(data)
            os.replace(temporary, target)  # concurrent builds write the same bytes: the last rename wins
        faces.append(Face(target, weight))
    _prune(folder)
    return tuple(faces)


def _prune(folder: Path) -> None:
    faces = sorted(folder.glob("*.otf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in faces[CACHE_KEEP:]:
        old.unlink(missing_ok=True)


def font_face_css(faces: tuple[Face, ...]) -> str:
    return "".join(f'@font-face {{ font-family: "{FAMILY}"; src: url("{face.path.as_uri()}"); '
                   f"font-weight: {face.weight}; }}\n" for face in faces)


def _harfbuzz_reduce(font: bytes, index: int, chars: set[str]) -> bytes:
    """The face ``index`` of ``font`` cut down to ``chars`` (glyphs renumbered; layout tables kept for shaping)."""
    hb, subset = ctypes.CDLL("libharfbuzz.so.0"), ctypes.CDLL("libharfbuzz-subset.so.0")
    pointer = ctypes.c_void_p
    hb.hb_blob_create.restype = pointer
    hb.hb_blob_create.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.c_int, pointer, pointer]
    hb.hb_face_create.restype, hb.hb_face_create.argtypes = pointer, [pointer, ctypes.c_uint]
    hb.hb_set_add.argtypes = [pointer, ctypes.c_uint]
    hb.hb_face_reference_blob.restype, hb.hb_face_reference_blob.argtypes = pointer, [pointer]
    hb.hb_blob_get_data.restype = ctypes.POINTER(ctypes.c_char)
    hb.hb_blob_get_data.argtypes = [pointer, ctypes.POINTER(ctypes.c_uint)]
    for name in ("hb_blob_destroy", "hb_face_destroy"):
        getattr(hb, name).argtypes = [pointer]
    subset.hb_subset_input_create_or_fail.restype = pointer
    subset.hb_subset_input_unicode_set.restype, subset.hb_subset_input_unicode_set.argtypes = pointer, [pointer]
    subset.hb_subset_input_destroy.argtypes = [pointer]
    subset.hb_subset_or_fail.restype, subset.hb_subset_or_fail.argtypes = pointer, [pointer, pointer]

    blob = hb.hb_blob_create(font, len(font), 1, None, None)  # HB_MEMORY_MODE_READONLY: ``font`` outlives it
    face = hb.hb_face_create(blob, index)
    request = subset.hb_subset_input_create_or_fail()
    unicodes = subset.hb_subset_input_unicode_set(request)
    for char in sorted(chars):
        hb.hb_set_add(unicodes, ord(char))
    reduced = subset.hb_subset_or_fail(face, request)
    try:
        if not reduced:
            raise OSError("HarfBuzz could not subset the font")
        out = hb.hb_face_reference_blob(reduced)
        length = ctypes.c_uint()
        data = ctypes.string_at(hb.hb_blob_get_data(out, ctypes.byref(length)), length.value)
        hb.hb_blob_destroy(out)
        return data
    finally:
        subset.hb_subset_input_destroy(request)
        if reduced:
            hb.hb_face_destroy(reduced)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)

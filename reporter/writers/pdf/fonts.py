"""The documents' CJK face, reduced once to the characters a company's documents use.

WeasyPrint subsets every face it embeds, per document, with HarfBuzz, keeping each glyph's number: on
Noto Serif CJK (65,535 glyphs) that costs about as much as laying out a whole page, once per face and
document, and the embedded subset carries an empty slot for every glyph number below the highest used.

So each weight is reduced beforehand into two faces, with no character in both:

- the *core* face: what the documents are expected to print whatever the input — GB 2312's 3,755 common
  ideographs (its first level), the package's own wording (its modules and bundled templates), a
  company's template folder, ASCII, Latin-1, punctuation and the full-width forms: 7,377 glyphs with
  the variants its layout tables reach (half of them the other regions' forms ``locl`` reaches);
- the *spare* face: the rest of GB 2312 and of the face's Latin and symbols, and every character of the
  period's input outside the core: about 8,800 glyphs.

The core does not depend on the input, so a plan's agreement and the same agreement made by a later build
embed the same subsets (byte for byte: tests/test_plan.py), and it is made once per machine. A document
embeds a subset of the core, whose glyph numbers stay below 7,377 (14,300 in the one face of GB 2312 this
replaced; the sample's letter: 167 → 131 KB; letters × 0.85 CPU), and of the spare face only for a rarer
character (many given names have one). A character outside both falls back to the full face, which the
stylesheet names last: the document is right, only slower.

Each has a family of its own (print.css names ``FAMILY``, then ``SPARE_FAMILY``, then the full face):
WeasyPrint tells the fonts it embeds apart by family, weight and style, not by file, so two files under
one family would share one embedded font and print each other's glyphs.  (A company's print.css copied
before the spare faces existed names only the core family: its other characters set in the full face.)
The glyphs, their shapes and metrics are the face's own, so the text sets exactly as in the full face
(tests/test_fonts.py compares the pages pixel for pixel).

The reduced faces are made with HarfBuzz (libharfbuzz-subset, which WeasyPrint already requires; under
two seconds for all four) and cached on disk, named by a digest of the source face and the characters, so
later builds reuse them and concurrent builds write the same bytes.
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

FAMILY = "Reporter CJK Serif"  # the core faces: the family print.css names first
SPARE_FAMILY = "Reporter CJK Serif Extra"  # the spare faces, named next; then the full face
SOURCE_FAMILY = "Noto Serif CJK SC"
CACHE_KEEP = 16  # reduced faces kept in the cache (four per character set), the least recently used go
_VERSION = "4"  # part of the cache key: bump when the reduction changes
_WORDING_SUFFIXES = {".py", ".j2", ".css", ".html", ".txt"}
# Layout features whose glyphs no document sets: vertical writing.  (The other regions' forms that
# locl reaches are half a reduced face's glyphs, but locl also gives zh text its centred middle dot and
# punctuation, and HarfBuzz keeps a feature's lookups for every language or for none.)
UNUSED_FEATURES = ("vert", "vrt2", "vrtr", "valt", "vkrn", "vpal", "vhal")
_HB_SUBSET_SETS_LAYOUT_FEATURE_TAG = 6  # hb_subset_sets_t


@dataclass(frozen=True)
class Face:
    path: Path
    weight: str  # "normal" or "bold"
    part: str = "core"  # "core" (what the documents are expected to print) or "spare" (the rest)


@cache
def _source(weight: str) -> tuple[Path, int]:
    """The installed file and face index fontconfig gives for the family at this weight (asked once per
    process: the core and the spare face are both cut from it)."""
    pattern = SOURCE_FAMILY + (":bold" if weight == "bold" else ":regular")
    found = subprocess.run(["fc-match", "-f", "%{file}\n%{index}", pattern], capture_output=True, text=True).stdout
    path, _, index = found.partition("\n")
    return Path(path), int(index or 0)


def _gb2312(rows: range) -> set[str]:
    chars = set()
    for high in rows:
        for low in range(0xA1, 0xFF):
            try:
                chars.add(bytes((high, low)).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return chars


@cache
def base_characters() -> frozenset[str]:
    """GB 2312, and everything outside the CJK ideographs a document may print: Latin, symbols, punctuation,
    full-width forms (HarfBuzz keeps those the face has)."""
    chars = _gb2312(range(0xA1, 0xF8))
    ranges = (range(0x20, 0x2E80), range(0x3000, 0x3100), range(0xFF00, 0xFFF0))
    return frozenset(chars | {chr(c) for r in ranges for c in r})


def _text_characters(folder: Path) -> set[str]:
    chars: set[str] = set()
    for path in folder.rglob("*"):
        if path.suffix in _WORDING_SUFFIXES and path.is_file():
            chars |= set(path.read_text(encoding="utf-8", errors="ignore"))
    return chars


@cache
def core_characters(templates: Path | None = None) -> frozenset[str]:
    """What the documents are expected to print, whatever the input: GB 2312's 3,755 common ideographs (its
    first level), the package's own wording (its modules and bundled templates), a company's template
    folder, and the ASCII, Latin-1, punctuation and full-width forms."""
    import reporter
    from reporter.writers.templates import default_templates

    chars = _text_characters(Path(reporter.__file__).parent) | _text_characters(Path(default_templates()))
    if templates is not None:
        chars |= _text_characters(templates)
    ranges = (range(0x20, 0x7F), range(0xA0, 0x100), range(0x2000, 0x2070), range(0x3000, 0x3040),
              range(0xFF00, 0xFFF0))
    common = _gb2312(range(0xB0, 0xD8))  # 一级汉字: rows 16–55
    return frozenset({c for c in chars if not c.isspace()} | common | {chr(c) for r in ranges for c in r})


def cache_folder() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "reporter" / "fonts"


def reduced_faces(characters: str = "", folder: Path | None = None, templates: Path | None = None,
                  split: bool = True) -> tuple[Face, ...]:
    """The core and spare faces of each weight (see the module's docstring): the core keeps
    :func:`core_characters` (with ``templates``, a company's template folder), the spare the rest of the
    base characters and of ``characters`` (the period's input); ``split=False``: one face of each weight
    with all of them (the benchmark's comparison).  Made or found in ``folder`` (default: the user's cache;
    a temporary folder where that cannot be written)."""
    folder = folder or cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path(tempfile.mkdtemp(prefix="reporter-fonts-"))
    core = core_characters(templates.resolve() if templates else None)
    everything = base_characters() | core | set(characters)
    parts = (("core", core), ("spare", everything - core)) if split else (("core", everything),)
    faces = []
    for part, chars in parts:
        for weight in ("normal", "bold"):
            faces.append(Face(_reduced(folder, weight, chars), weight, part))
    _prune(folder)
    return tuple(faces)


def _reduced(folder: Path, weight: str, chars: frozenset[str] | set[str]) -> Path:
    path, index = _source(weight)
    stat = path.stat()
    key = hashlib.sha256("\n".join([_VERSION, *UNUSED_FEATURES, str(path), str(index), str(stat.st_size),
                                    str(stat.st_mtime_ns), "".join(sorted(chars))]).encode()).hexdigest()[:24]
    target = folder / f"{key}-{weight}.otf"
    if target.is_file():
        os.utime(target)
    else:
        data = _harfbuzz_reduce(path.read_bytes(), index, chars)
        temporary = target.with_name(f".{target.name}.{os.getpid()}")
        temporary.write_bytes(data)
        os.replace(temporary, target)  # concurrent builds write the same bytes: the last rename wins
    return target


def _prune(folder: Path) -> None:
    faces = sorted(folder.glob("*.otf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in faces[CACHE_KEEP:]:
        old.unlink(missing_ok=True)


def font_face_css(faces: tuple[Face, ...]) -> str:
    return "".join(f'@font-face {{ font-family: "{FAMILY if face.part == "core" else SPARE_FAMILY}"; '
                   f'src: url("{face.path.as_uri()}"); font-weight: {face.weight}; }}\n' for face in faces)


def _harfbuzz_reduce(font: bytes, index: int, chars: frozenset[str] | set[str]) -> bytes:
    """The face ``index`` of ``font`` cut down to ``chars`` (glyphs renumbered; layout tables kept for shaping),
    without the glyphs only :data:`UNUSED_FEATURES` reach."""
    hb, subset = ctypes.CDLL("libharfbuzz.so.0"), ctypes.CDLL("libharfbuzz-subset.so.0")
    pointer = ctypes.c_void_p
    hb.hb_blob_create.restype = pointer
    hb.hb_blob_create.argtypes = [ctypes.c_char_p, ctypes.c_uint, ctypes.c_int, pointer, pointer]
    hb.hb_face_create.restype, hb.hb_face_create.argtypes = pointer, [pointer, ctypes.c_uint]
    hb.hb_set_add.argtypes = [pointer, ctypes.c_uint]
    hb.hb_set_del.argtypes = [pointer, ctypes.c_uint]
    hb.hb_tag_from_string.restype = ctypes.c_uint32
    hb.hb_tag_from_string.argtypes = [ctypes.c_char_p, ctypes.c_int]
    hb.hb_face_reference_blob.restype, hb.hb_face_reference_blob.argtypes = pointer, [pointer]
    hb.hb_blob_get_data.restype = ctypes.POINTER(ctypes.c_char)
    hb.hb_blob_get_data.argtypes = [pointer, ctypes.POINTER(ctypes.c_uint)]
    for name in ("hb_blob_destroy", "hb_face_destroy"):
        getattr(hb, name).argtypes = [pointer]
    subset.hb_subset_input_create_or_fail.restype = pointer
    subset.hb_subset_input_unicode_set.restype, subset.hb_subset_input_unicode_set.argtypes = pointer, [pointer]
    subset.hb_subset_input_set.restype, subset.hb_subset_input_set.argtypes = pointer, [pointer, ctypes.c_int]
    subset.hb_subset_input_destroy.argtypes = [pointer]
    subset.hb_subset_or_fail.restype, subset.hb_subset_or_fail.argtypes = pointer, [pointer, pointer]

    blob = hb.hb_blob_create(font, len(font), 1, None, None)  # HB_MEMORY_MODE_READONLY: ``font`` outlives it
    face = hb.hb_face_create(blob, index)
    request = subset.hb_subset_input_create_or_fail()
    unicodes = subset.hb_subset_input_unicode_set(request)
    for char in sorted(chars):
        hb.hb_set_add(unicodes, ord(char))
    features = subset.hb_subset_input_set(request, _HB_SUBSET_SETS_LAYOUT_FEATURE_TAG)
    for tag in UNUSED_FEATURES:
        hb.hb_set_del(features, hb.hb_tag_from_string(tag.encode(), -1))
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

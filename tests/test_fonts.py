"""The reduced CJK faces (reporter.writers.pdf.fonts): what the core and spare faces keep, that they are made
once, and that a document set in them prints the same as in the full face."""

from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path

import pdfplumber
import pytest
from fontTools.ttLib import TTFont

from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.writers.pdf.documents import document_characters, render_letter
from reporter.writers.pdf.fonts import FAMILY, SPARE_FAMILY, base_characters, core_characters, reduced_faces
from reporter.writers.pdf.renderer import PdfRenderer
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # HarfBuzz cuts a 26 MB face; the PDFs are rendered and rasterised

RARE = "堃赟"  # in names, not in GB 2312: kept only when the input has them


def gb2312_sample() -> str:
    return "".join(bytes((high, low)).decode("gb2312") for high, low in ((0xB0, 0xA1), (0xD7, 0xF9), (0xF7, 0xFE)))


def test_the_core_face_keeps_what_documents_print_and_the_spare_face_the_rest(tmp_path):
    faces = reduced_faces(RARE, tmp_path)
    assert [(f.part, f.weight) for f in faces] == [("core", "normal"), ("core", "bold"),
                                                    ("spare", "normal"), ("spare", "bold")]
    level_one, level_two = "啊座", "亍齄"  # GB 2312's first and last ideographs of each level
    for core, spare in ((faces[0], faces[2]), (faces[1], faces[3])):
        core_font, spare_font = TTFont(core.path), TTFont(spare.path)
        core_cmap, spare_cmap = set(core_font.getBestCmap()), set(spare_font.getBestCmap())
        for char in level_one + "绩效考核结果确认书甲方执乙方执签字" + "¥·—–％（）A9":  # common, the wording, the ranges
            assert ord(char) in core_cmap, (core.weight, char)
        for char in level_two + RARE:  # the rest of GB 2312, and the input's characters outside it
            assert ord(char) in spare_cmap, (spare.weight, char)
        for char in gb2312_sample():
            assert ord(char) in core_cmap | spare_cmap, (core.weight, char)
        assert not core_cmap & spare_cmap  # each character in one face only
        assert "䶵" not in "".join(map(chr, core_cmap | spare_cmap))  # neither in GB 2312 nor in the input
        assert core_font["maxp"].numGlyphs < 8_000 and spare_font["maxp"].numGlyphs < 10_000  # of 65,535
    without = reduced_faces("", tmp_path)
    assert all(ord("堃") not in TTFont(face.path).getBestCmap() for face in without)
    assert without[:2] == faces[:2]  # the core is the same whatever the input: a plan's agreement and a build's
    assert len(base_characters()) > 6_763  # GB 2312's ideographs and more


def test_a_company_template_folder_s_wording_is_in_the_core_face(tmp_path):
    own = tmp_path / "templates"
    own.mkdir()
    (own / "letter.html.j2").write_text("<p>鼗鼙</p>", encoding="utf-8")  # GB 2312's second level, in no wording
    assert not set("鼗鼙") & core_characters()
    assert set("鼗鼙") <= core_characters(own)
    core = reduced_faces("", tmp_path / "fonts", templates=own)[0]
    assert {ord("鼗"), ord("鼙")} <= set(TTFont(core.path).getBestCmap())


def test_the_faces_are_made_once_and_found_again(tmp_path):
    first = reduced_faces(RARE, tmp_path)
    made = {face.path: face.path.stat().st_ino for face in first}
    again = reduced_faces(RARE, tmp_path)
    assert [f.path for f in again] == [f.path for f in first]
    assert {face.path: face.path.stat().st_ino for face in again} == made  # not written again
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in made)  # no temporary left


def embedded_glyph_slots(pdf: bytes) -> list[int]:
    """The number of glyph slots of each font embedded in ``pdf`` (WeasyPrint keeps glyph numbers)."""
    from pypdf import PdfReader

    slots = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            data = descriptor["/FontFile3"].get_object().get_data()
            slots.append(TTFont(io.BytesIO(data))["maxp"].numGlyphs)
    return slots


def pages_alike(one: bytes, other: bytes, folder: Path) -> bool:
    """Both PDFs rasterised at 70 dpi: the same number of pages, pixel for pixel the same."""
    pages = {}
    for name, pdf in (("one", one), ("other", other)):
        (folder / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "70", "-gray", str(folder / f"{name}.pdf"), str(folder / name)], check=True)
        pages[name] = sorted(folder.glob(f"{name}-*.pgm"))
    return len(pages["one"]) == len(pages["other"]) and all(
        a.read_bytes() == b.read_bytes() for a, b in zip(pages["one"], pages["other"], strict=True))


def fonts_used(pdf: bytes) -> set[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return {c["fontname"].split("+", 1)[1] for page in document.pages for c in page.chars}


@pytest.fixture(scope="module")
def scored():
    result = score_period(load_input(ROOT / "sample_inputs" / "appraisal-2026-10.xlsx"))
    return result, next(r for r in result.results if r.appraised)


def test_a_letter_sets_in_the_reduced_face_and_prints_as_in_the_full_one(scored, tmp_path):
    result, r = scored
    reduced = render_letter(PdfRenderer(None, document_characters(result.input)), result, r, datetime(2026, 10, 31))
    full = render_letter(PdfRenderer(None, reduce_fonts=False), result, r, datetime(2026, 10, 31))
    assert fonts_used(reduced) == {FAMILY.replace(" ", "-"), FAMILY.replace(" ", "-") + "-Bold"}
    assert all(name.startswith("Noto-Serif-CJK-SC") for name in fonts_used(full))
    assert max(embedded_glyph_slots(reduced)) < 8_000 < 60_000 < min(embedded_glyph_slots(full))  # an empty
    assert len(reduced) < len(full) * 0.4  # slot per unused glyph number below the highest used
    assert pages_alike(reduced, full, tmp_path)  # the same glyphs at the same places


def test_a_character_only_the_spare_face_has_sets_from_it_and_prints_as_in_the_full_face(scored, tmp_path):
    """Core and spare faces are two families: WeasyPrint tells embedded fonts apart by family, so under one
    name the spare face's glyphs would be drawn from the core face's subset (a wrong character, or none)."""
    from dataclasses import replace

    result, r = scored
    characters = document_characters(result.input)
    rare = next(c for c in "齄鼗鼙" if c not in core_characters() | set(characters))  # GB 2312, second level
    renamed = replace(r, employee=replace(r.employee, name="王" + rare))
    reduced = render_letter(PdfRenderer(None, characters), result, renamed, datetime(2026, 10, 31))
    full = render_letter(PdfRenderer(None, reduce_fonts=False), result, renamed, datetime(2026, 10, 31))
    with pdfplumber.open(io.BytesIO(reduced)) as document:
        chars = [c for c in document.pages[0].chars if c["text"] == rare]
    assert chars and all(c["fontname"].split("+", 1)[1].startswith(SPARE_FAMILY.replace(" ", "-")) for c in chars)
    assert pages_alike(reduced, full, tmp_path)


def test_a_character_outside_the_reduced_face_falls_back_to_the_full_face(scored):
    result, r = scored
    from dataclasses import replace

    renamed = replace(r, employee=replace(r.employee, name="王" + RARE[0]))  # not in the faces: "" added below
    pdf = render_letter(PdfRenderer(None, ""), result, renamed, datetime(2026, 10, 31))
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        chars = [c for c in document.pages[0].chars if c["text"] == RARE[0]]
    assert chars and all("Noto-Serif-CJK-SC" in c["fontname"] for c in chars)  # printed, by the full face


def test_the_same_faces_give_the_same_bytes(scored):
    result, r = scored
    characters = document_characters(result.input)
    one = render_letter(PdfRenderer(None, characters), result, r, datetime(2026, 10, 31))
    two = render_letter(PdfRenderer(None, characters), result, r, datetime(2026, 10, 31))
    assert one == two


def test_an_unwritable_cache_falls_back_to_a_temporary_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    faces = reduced_faces("")
    assert all(face.path.is_file() and not face.path.is_relative_to(blocked) for face in faces)
    assert Path(faces[0].path).parent.name.startswith("reporter-fonts-")

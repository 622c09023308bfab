"""The reduced CJK faces (reporter.writers.pdf.fonts): what they keep, that they are made once, and that a
document set in them prints the same as in the full face."""

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
from reporter.writers.pdf.fonts import FAMILY, base_characters, reduced_faces
from reporter.writers.pdf.renderer import PdfRenderer
from tests.conftest import ROOT

pytestmark = pytest.mark.slow  # HarfBuzz cuts a 26 MB face; the PDFs are rendered and rasterised

RARE = "堃赟"  # in names, not in GB 2312: kept only when the input has them


def gb2312_sample() -> str:
    return "".join(bytes((high, low)).decode("gb2312") for high, low in ((0xB0, 0xA1), (0xD7, 0xF9), (0xF7, 0xFE)))


def test_the_reduced_face_keeps_gb2312_the_non_han_ranges_and_the_input(tmp_path):
    regular, bold = reduced_faces(RARE, tmp_path)
    assert (regular.weight, bold.weight) == ("normal", "bold")
    for face in (regular, bold):
        font = TTFont(face.path)
        cmap = font.getBestCmap()
        for char in gb2312_sample() + RARE + "¥·—–％（）A9":
            assert ord(char) in cmap, (face.weight, char)
        assert "䶵" not in "".join(map(chr, cmap))  # an ideograph neither in GB 2312 nor in the input
        assert 8_000 < font["maxp"].numGlyphs < 20_000  # of 65,535 in the full face
    without = reduced_faces("", tmp_path)[0]
    assert ord("堃") not in TTFont(without.path).getBestCmap()
    assert len(base_characters()) > 6_763  # GB 2312's ideographs and more


def test_the_faces_are_made_once_and_found_again(tmp_path):
    first = reduced_faces(RARE, tmp_path)
    made = {face.path: face.path.stat().st_ino for face in first}
    again = reduced_faces(RARE, tmp_path)
    assert [f.path for f in again] == [f.path for f in first]
    assert {face.path: face.path.stat().st_ino for face in again} == made  # not written again
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in made)  # no temporary left


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
    assert len(reduced) < len(full) * 0.7  # the embedded subsets carry no empty slot per unused glyph number
    pages = {}
    for name, pdf in (("reduced", reduced), ("full", full)):
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", "70", "-gray", str(tmp_path / f"{name}.pdf"), str(tmp_path / name)],
                       check=True)
        pages[name] = sorted(tmp_path.glob(f"{name}-*.pgm"))
    assert len(pages["reduced"]) == len(pages["full"]) == 2
    for mine, theirs in zip(pages["reduced"], pages["full"], strict=True):
        assert mine.read_bytes() == theirs.read_bytes()  # the same glyphs at the same places, pixel for pixel


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

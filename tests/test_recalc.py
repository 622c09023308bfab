"""The parity helper itself: LibreOffice really recalculates, and every kind of disagreement is caught.

Each test builds its workbooks first and recalculates them all with one soffice run.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from openpyxl.utils.datetime import to_excel

from tests import recalc
from tests.recalc import Mismatch, assert_parity, compare, compare_all, format_report, recalculate

ANNIVERSARY = dt.datetime(2026, 11, 13)
SCORES = [90, 75, 88, 75, 60]
DEPTS = ["客服部", "运营部", "客服部", "客服部", "运营部"]

# cell -> (formula, correct cached value).  Sheet "数据": A1=2, B1=3, grade table E1:F4,
# scores H1:H5, departments I1:I5.  Sheet "E001": B2=5000 and one formula of its own.
FORMULAS = {
    "C1": ("=A1*B1", 6),
    "C2": ("=ROUND(A1/3,2)", 0.67),
    "C3": ('=IF(A1>1,"S","D")', "S"),
    "C4": ("=LOOKUP(85,E1:E4,F1:F4)", "B"),
    "C5": ("=_xlfn.RANK.EQ(H2,H1:H5)", 3),  # tie: 75 twice -> both rank 3
    "C6": ('=COUNTIFS(H1:H5,">=75",I1:I5,"客服部")', 3),
    "C7": ('=SUMIF(I1:I5,"客服部",H1:H5)', 253),
    "C8": ("='E001'!B2", 5000),  # quoted: E001 is also a cell address
    "C9": ("=ROUND(C8*1.0125,2)", 5062.5),  # ¥ format
    "C10": ("=A1>B1", False),
    "C11": ('=DATEDIF(DATE(2020,3,1),DATE(2026,10,31),"y")', 6),
    "C12": ("=DATE(2026,11,13)", to_excel(ANNIVERSARY)),  # date format
    "C13": ('=IF(A1>5,"x","")', ""),  # empty text result
}
E001_FORMULAS = {"C2": ("=B2*2", 10000)}
N_FORMULAS = len(FORMULAS) + len(E001_FORMULAS)
NO_VALUE = object()  # write_formula() without a value (XlsxWriter then caches 0; None would write "None")


def build(
    path: Path, *, wrong: dict[str, object] | None = None, extra: dict[str, tuple] | None = None
) -> Path:
    """The reference workbook; `wrong` overrides cached values, `extra` adds cell -> (formula, cached[, fmt])."""
    wrong = wrong or {}
    wb = xlsxwriter.Workbook(str(path))
    money = wb.add_format({"num_format": "¥#,##0.00"})
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    ws = wb.add_worksheet("数据")
    ws.write("A1", 2)
    ws.write("B1", 3)
    for row, (threshold, grade) in enumerate([(0, "D"), (60, "C"), (80, "B"), (90, "A")]):
        ws.write(row, 4, threshold)
        ws.write(row, 5, grade)
    for row, (score, dept) in enumerate(zip(SCORES, DEPTS, strict=True)):
        ws.write(row, 7, score)
        ws.write(row, 8, dept)
    formats = {"C9": money, "C12": date}
    for cell, (formula, value) in FORMULAS.items():
        ws.write_formula(cell, formula, formats.get(cell), wrong.get(cell, value))
    for cell, (formula, value, *fmt) in (extra or {}).items():
        cell_format = wb.add_format({"num_format": fmt[0]}) if fmt else None
        if value is NO_VALUE:
            ws.write_formula(cell, formula, cell_format)
        else:
            ws.write_formula(cell, formula, cell_format, value)
    e001 = wb.add_worksheet("E001")
    e001.write("A2", "张伟")
    e001.write("B2", 5000)
    for cell, (formula, value) in E001_FORMULAS.items():
        e001.write_formula(cell, formula, None, wrong.get(f"E001!{cell}", value))
    wb.close()
    return path


def only(mismatches: list[Mismatch]) -> Mismatch:
    assert len(mismatches) == 1, "\n".join(map(str, mismatches))
    return mismatches[0]


@pytest.mark.slow
def test_correct_cached_values_pass(tmp_path):
    paths = [build(tmp_path / "a.xlsx"), build(tmp_path / "b.xlsx")]
    assert assert_parity(paths, tmp_path) == 2 * N_FORMULAS


@pytest.mark.slow
def test_planted_wrong_values_are_caught(tmp_path):
    """LibreOffice must recompute, not echo: every planted wrong cached value is reported, nothing else."""
    planted = {
        "number.xlsx": ("数据", "C1", 7, 6, "=A1*B1"),
        "text.xlsx": ("数据", "C3", "D", "S", '=IF(A1>1,"S","D")'),
        "lookup.xlsx": ("数据", "C4", "A", "B", "=LOOKUP(85,E1:E4,F1:F4)"),
        "cross_sheet.xlsx": ("数据", "C8", 4999, 5000, "='E001'!B2"),
        "other_sheet.xlsx": ("E001", "C2", 9999, 10000, "=B2*2"),
        "rank.xlsx": ("数据", "C5", 2, 3, "=_xlfn.RANK.EQ(H2,H1:H5)"),
        "bool.xlsx": ("数据", "C10", True, False, "=A1>B1"),
    }
    paths = []
    for name, (sheet, cell, bad, _good, _formula) in planted.items():
        key = cell if sheet == "数据" else f"{sheet}!{cell}"
        paths.append(build(tmp_path / name, wrong={key: bad}))
    copies = recalculate(paths, tmp_path / "out")

    for path in paths:
        sheet, cell, bad, good, formula = planted[path.name]
        mismatches, checked = compare(path, copies[path])
        assert checked == N_FORMULAS
        m = only(mismatches)
        assert (m.workbook, m.sheet, m.cell, m.formula, m.cached, m.recalculated) == (
            path.name, sheet, cell, formula, bad, good,
        )  # fmt: skip
        assert m.kind == "value"
        assert str(m) == f"{path.name} › {sheet} › {cell}: cached {bad!r} ≠ LibreOffice {good!r} ({formula})"

    # The same through compare_all (assert_parity without a second soffice run): one line per mismatch.
    with pytest.raises(AssertionError) as excinfo:
        compare_all(copies)
    report = str(excinfo.value)
    assert (
        f"{len(planted)} of {len(planted) * N_FORMULAS} formula cells in {len(planted)} workbook(s)" in report
    )
    assert "number.xlsx › 数据 › C1: cached 7 ≠ LibreOffice 6 (=A1*B1)" in report
    assert len(report.splitlines()) == 1 + len(planted)


@pytest.mark.slow
def test_libreoffice_errors_are_mismatches(tmp_path):
    path = build(
        tmp_path / "errors.xlsx",
        extra={
            "D1": ("=A1/0", 0),
            "D2": ("=NOSUCHFUNC(1)", 0),
            "D3": ("=RANK.EQ(H2,H1:H5)", 3),  # without the _xlfn. prefix Excel and LibreOffice say #NAME?
            "D4": ("=VLOOKUP(99,E1:F4,2,FALSE)", "A"),  # not found
            "D5": ("=VLOOKUP(90,E1:F4,3,FALSE)", "A"),  # no 3rd column: Excel #REF!, LibreOffice #VALUE!
        },
    )
    mismatches, checked = compare(path, recalculate([path], tmp_path / "out")[path])
    assert checked == N_FORMULAS + 5
    got = {m.cell: (m.kind, m.recalculated) for m in mismatches}
    assert got.pop("D5")[0] == "error"
    assert got == {
        "D1": ("error", "#DIV/0!"),
        "D2": ("error", "#NAME?"),
        "D3": ("error", "#NAME?"),
        "D4": ("error", "#N/A"),
    }
    by_cell = {m.cell: str(m) for m in mismatches}
    assert by_cell["D1"] == "errors.xlsx › 数据 › D1: cached 0 ≠ LibreOffice error #DIV/0! (=A1/0)"
    assert "#NAME?" in by_cell["D2"] and "NOSUCHFUNC(1)" in by_cell["D2"].upper()


@pytest.mark.slow
def test_missing_cached_values_are_mismatches(tmp_path):
    # openpyxl writes formulas without any cached value.
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "汇总"
    ws["A1"], ws["B1"] = 2, 3
    ws["C1"] = "=A1*B1"
    ws["C2"] = '=IF(A1>5,"x","")'  # evaluates to empty text: blank is right, so not a mismatch
    no_cache = tmp_path / "no_cache.xlsx"
    wb.save(no_cache)
    # XlsxWriter without a value caches 0.
    default_zero = build(tmp_path / "default_zero.xlsx", extra={"D1": ("=A1+B1", NO_VALUE)})
    copies = recalculate([no_cache, default_zero], tmp_path / "out")

    mismatches, checked = compare(no_cache, copies[no_cache])
    assert checked == 2
    m = only(mismatches)
    assert (m.sheet, m.cell, m.kind, m.cached, m.recalculated) == ("汇总", "C1", "no cached value", None, 6)
    assert str(m).startswith("no_cache.xlsx › 汇总 › C1: no cached value")
    assert "=A1*B1" in str(m)

    m = only(compare(default_zero, copies[default_zero])[0])
    assert str(m) == "default_zero.xlsx › 数据 › D1: cached 0 ≠ LibreOffice 5 (=A1+B1)"


@pytest.mark.slow
def test_tolerances(tmp_path):
    """Money cells (¥ / 0.00 formats, or money_cells) agree to the cent; other numbers need ~exact equality."""
    path = build(
        tmp_path / "tolerance.xlsx",
        wrong={"C9": 5062.504},  # ¥ format: within the cent
        extra={
            "D1": ("=A1/3", 0.667, "0.00"),  # 0.00 format: 0.6667 vs 0.667 is within the cent
            "D2": ("=A1/3", 0.667),  # general format: a mismatch ...
            "D3": ("=A1/3", 0.673, "0.00"),  # ... and so is more than half a cent off
            "D4": ("=A1/3", 2 / 3 * (1 + 1e-12)),  # float noise is fine everywhere
            "D5": ("=A1*1000000000000/3", 666666666666.6667),  # relative tolerance on big numbers
        },
    )
    copy = recalculate([path], tmp_path / "out")[path]
    mismatches, _ = compare(path, copy)
    assert sorted(m.cell for m in mismatches) == ["D2", "D3"]
    mismatches, _ = compare(path, copy, money_cells=lambda sheet, cell: sheet == "数据" and cell == "D2")
    assert [m.cell for m in mismatches] == ["D3"]
    assert compare(path, copy, money_cells=lambda sheet, cell: True, rel_tol=0.01)[0] == []


def test_report_lists_fifty_then_counts_the_rest():
    mismatches = [Mismatch("x.xlsx", "S", f"A{i}", "=1", 1, 2) for i in range(1, 61)]
    lines = format_report(mismatches, 100, 1).splitlines()
    assert lines[0].startswith("60 of 100 formula cells in 1 workbook(s)")
    assert lines[1].strip() == "x.xlsx › S › A1: cached 1 ≠ LibreOffice 2 (=1)"
    assert lines[50].strip().endswith("A50: cached 1 ≠ LibreOffice 2 (=1)")
    assert lines[51].strip() == "… and 10 more"
    assert len(lines) == 52


def test_missing_soffice_says_run_make_test(tmp_path, monkeypatch):
    path = build(tmp_path / "a.xlsx")
    monkeypatch.setenv("SOFFICE", str(tmp_path / "nowhere" / "soffice"))
    monkeypatch.setattr(recalc.shutil, "which", lambda name: None)
    monkeypatch.setattr(recalc, "_KNOWN_LOCATIONS", [])
    with pytest.raises(RuntimeError, match="make test"):
        recalculate([path], tmp_path / "out")


@pytest.mark.slow
def test_same_file_names_from_different_folders(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first = build(tmp_path / "x" / "汇总.xlsx")
    second = build(tmp_path / "y" / "汇总.xlsx", wrong={"C1": 7})
    copies = recalculate([first, second], tmp_path / "out")
    assert len(set(copies.values())) == 2
    assert compare(first, copies[first])[0] == []
    assert only(compare(second, copies[second])[0]).cell == "C1"

"""The SQLite history: periods replaced whole, imported history kept, built results preferred."""

import sqlite3
from decimal import Decimal as D

from reporter.input.validate import load_input
from reporter.rules.engine import score_period
from reporter.store.history import list_periods, load_history, record_period


def build_into(db, path, built_at="2026-11-06T09:00:00+08:00"):
    inp = load_input(path)
    result = score_period(inp, load_history(db, before=inp.settings.period.key))
    record_period(db, result, input_sha256="0" * 64, built_at=built_at)
    return result


def test_rebuild_replaces_only_that_period(tmp_path, base_sheets, make_book):
    db = tmp_path / "h.sqlite"
    base_sheets["设置"][2][1] = "2026-09"
    build_into(db, make_book(base_sheets))
    base_sheets["设置"][2][1] = "2026-10"
    build_into(db, make_book(base_sheets))
    base_sheets["评分"][1][2] = 1  # E001's attitude drops to 1 → 30 × 1/5 = 6 instead of 30
    build_into(db, make_book(base_sheets), built_at="2026-11-07T10:00:00+08:00")
    assert [p[:2] for p in list_periods(db)] == [("2026-09", "2026-11-06T09:00:00+08:00"),
                                                 ("2026-10", "2026-11-07T10:00:00+08:00")]
    totals = {(h.period, h.employee_id): h.total for h in load_history(db)}
    assert totals[("2026-09", "E001")] == D("122.20")
    assert totals[("2026-10", "E001")] == D("98.20")  # 122.2 − 30 + 6
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM results WHERE period='2026-10'").fetchone()[0] == 4


def test_history_sheet_is_imported_once_and_used_next_month(tmp_path, base_sheets, make_book):
    db = tmp_path / "h.sqlite"
    base_sheets["设置"][2][1] = "2026-09"
    base_sheets["历史"] = [["考核期间", "工号", "总分", "等级", "部门排名"], ["2026-08", "E001", 95, "S", 1]]
    build_into(db, make_book(base_sheets))
    del base_sheets["历史"]  # October's workbook no longer carries the history sheet
    base_sheets["设置"][2][1] = "2026-10"
    october = build_into(db, make_book(base_sheets))
    e001 = next(r for r in october.results if r.employee.employee_id == "E001")
    assert e001.first_rank_streak == 3 and e001.pay.one_time_bonus == D("200")


def test_not_appraised_rows_are_not_history(tmp_path, make_book):
    db = tmp_path / "h.sqlite"
    build_into(db, make_book())
    assert "E003" not in {h.employee_id for h in load_history(db)}

"""`reporter annual`: the year-end roll-up, worked by hand over twelve months of three employees (and one absent).

The history is tests/annual_history.py: E001 scores 122.20 (S) in every month but March; E002 is
appraised July to November only, 41.00 / 54.00 alternately (D); E003 is never appraised; E004 scores
92 (S), 77 (B) or 62 (C) by month, absent in April.  Bonus bases are the 岗位工资: E001 5,000,
E002 4,500, E003 4,500, E004 8,000; the 年终奖系数 column gives S 200 %, B 100 %, C 50 %, D 20 %.
"""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.errors import HistoryError, InputError
from reporter.frames import open_history
from reporter.input.validate import load_input
from reporter.pipeline.annual import annual, roll_up_year
from reporter.rules.engine import score_period
from reporter.store import history as store
from reporter.store.history import SCHEMA_VERSION, record_period
from tests.annual_history import ANNUAL_SETTINGS, fill_year, month_sheets
from tests.conftest import write_book

QUARTERS = [["年度得分方式", "季度加权"], ["季度权重", "10% 20% 30% 40%"], ["年度最少考核月数", 5],
            ["年终奖预算", 100000], ["晋升连续期数", 2]]


@pytest.fixture(scope="module")
def year_db(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("annual")
    return fill_year(folder, folder / "reporter.sqlite")


def with_december(year_db: Path, folder: Path, settings: list[list], name: str = "reporter.sqlite") -> Path:
    """A copy of the year's history whose December is recorded again with other 设置 rows."""
    folder.mkdir(parents=True, exist_ok=True)
    db = shutil.copyfile(year_db, folder / name)
    book = write_book(folder / "2026-12.xlsx", month_sheets(12, settings))
    record_period(db, score_period(load_input(book)), input_sha256="x", built_at="2026-12-30")
    return db


def rows_of(db: Path):
    result = roll_up_year(open_history(db), 2026)
    return result, {r.employee_id: r for r in result.rows}


def test_mean_of_months_worked_by_hand(year_db):
    result, rows = rows_of(year_db)
    assert result.kind == "month" and len(result.periods) == 12 and result.policy.source == "2026-12"
    e004 = rows["E004"]
    # E004: 92 + 62 + 77 + (April absent) + 92 + 92 + 62 + 62 + 77 + 62 + 92 + 92 = 862 over 11 months;
    # 862 / 11 = 78.3636… → 78.36, band B [70, 80); 11 months ≥ 6: eligible.
    assert (e004.score, e004.grade.grade, e004.months_appraised, e004.eligible) == (D("78.36"), "B", 11, True)
    # E001: 122.20 in each of the 11 months → 122.20, S.  E002: (41 + 54 + 41 + 54 + 41) / 5 = 46.20, D,
    # only 5 months < 6: not eligible.  E003: no appraised month, no score, no grade.
    assert (rows["E001"].score, rows["E001"].grade.grade, rows["E001"].months_appraised) == (D("122.20"), "S", 11)
    assert (rows["E002"].score, rows["E002"].grade.grade, rows["E002"].eligible) == (D("46.20"), "D", False)
    assert (rows["E003"].score, rows["E003"].grade, rows["E003"].eligible) == (None, None, False)
    # Bonus weights: E001 5,000 × 200 % = 10,000.00, E004 8,000 × 100 % = 8,000.00; the ineligible 0.
    # Budget 10,000 shared 10,000 : 8,000 → 5,555.555… → 5,555.56 and 4,444.444… → 4,444.44; residue 0.
    assert (rows["E001"].bonus_weight, rows["E004"].bonus_weight, rows["E002"].bonus) == (D("10000.00"), D("8000.00"), 0)
    assert (rows["E001"].bonus, rows["E004"].bonus) == (D("5555.56"), D("4444.44"))
    assert (result.weight_total, result.bonus_total, result.residue) == (D("18000.00"), D("10000.00"), D("0.00"))
    # Promotion: top grades are the two highest bands, S and A; a run resets on any other grade or a
    # month not appraised.  E004: S, C, B, –, S, S, C, C, B, C, S, S → runs 1 0 0 0 1 2 0 0 0 0 1 2: two
    # in a row, a candidate.  E001: S S – S×9 → 1 2 0 1 … 9.  E002 (D only) is not.
    assert e004.streaks == (1, 0, 0, 0, 1, 2, 0, 0, 0, 0, 1, 2) and e004.promotion_candidate
    assert rows["E001"].streaks[:4] == (1, 2, 0, 1) and rows["E001"].streaks[-1] == 9
    assert not rows["E002"].promotion_candidate


def test_weighted_quarters_and_a_budget_with_rounding_worked_by_hand(year_db, tmp_path):
    result, rows = rows_of(with_december(year_db, tmp_path, QUARTERS))
    # E004's quarters: Q1 (92 + 62 + 77) / 3 = 77.00, Q2 (April absent) (92 + 92) / 2 = 92.00,
    # Q3 (62 + 62 + 77) / 3 = 67.00, Q4 (62 + 92 + 92) / 3 = 82.00; weighted 10/20/30/40 %:
    # 7.70 + 18.40 + 20.10 + 32.80 = 79.00, B.
    assert rows["E004"].quarters == (D("77.00"), D("92.00"), D("67.00"), D("82.00"))
    assert (rows["E004"].score, rows["E004"].grade.grade) == (D("79.00"), "B")
    # E002 has no Q1 or Q2: Q3 (41 + 54 + 41) / 3 = 45.333… → 45.33, Q4 (54 + 41) / 2 = 47.50; the weights
    # left, 30 % and 40 %, scaled to 100 %: (0.3 × 45.33 + 0.4 × 47.50) / 0.7 = 32.599 / 0.7 = 46.57, D.
    assert rows["E002"].quarters == (None, None, D("45.33"), D("47.50"))
    assert (rows["E002"].score, rows["E002"].grade.grade) == (D("46.57"), "D")
    # 年度最少考核月数 5: E002's 5 months now count.  Weights: E001 10,000.00, E004 8,000.00 (B 100 %),
    # E002 4,500 × 20 % = 900.00; total 18,900.00.  Budget 100,000 shared by weight:
    # E001 100,000 × 10,000 / 18,900 = 52,910.0529… → 52,910.05; E004 × 8,000 / 18,900 = 42,328.0423… → 42,328.04;
    # E002 × 900 / 18,900 = 4,761.9047… → 4,761.90.  They add up to 99,999.99: the residue is 0.01.
    assert rows["E002"].eligible and rows["E002"].bonus_weight == D("900.00")
    assert [rows[e].bonus for e in ("E001", "E004", "E002")] == [D("52910.05"), D("42328.04"), D("4761.90")]
    assert (result.weight_total, result.residue) == (D("18900.00"), D("0.01"))


def test_a_budget_nobody_qualifies_for_is_not_shared(year_db, tmp_path):
    # 年度最少考核月数 12: E001 and E004 have 11 appraised months, E002 5, E003 none, so nobody qualifies.
    # Every weight is 0 and so is every bonus (no division by the zero total); the budget is left whole.
    result, rows = rows_of(with_december(year_db, tmp_path, [["年度最少考核月数", 12], ["年终奖预算", 10000]]))
    assert not any(r.eligible for r in rows.values())
    assert {r.bonus for r in rows.values()} == {D("0")}
    assert (result.weight_total, result.residue) == (D("0"), D("10000"))


def test_the_annual_plan_rule_scores_from_the_year_period(year_db, tmp_path):
    db = with_december(year_db, tmp_path, [["年度得分方式", "年度方案"]])
    with pytest.raises(HistoryError, match="没有 2026 年度期间"):
        roll_up_year(open_history(db), 2026)
    sheets = month_sheets(12, [["年度得分方式", "年度方案"]])
    sheets["设置"][2][1] = "2026"  # an annual appraisal with December's figures: E004 at 4 % conversion
    record_period(db, score_period(load_input(write_book(tmp_path / "2026.xlsx", sheets))), input_sha256="x",
                  built_at="2026-12-31")
    result, rows = rows_of(db)
    assert result.year_period == "2026" and result.policy.source == "2026"  # ends with 2026-12, built later
    # The year period's own totals: E004 32 + 60 = 92.00 (S), not the months' 78.36; E001 122.20 (S).
    # Months appraised still come from the months: 11.
    assert (rows["E004"].score, rows["E004"].grade.grade, rows["E004"].months_appraised) == (D("92.00"), "S", 11)
    assert rows["E001"].score == D("122.20")


def test_the_workbook_holds_the_rules_as_live_formulas(year_db, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    shutil.copyfile(year_db, out / "reporter.sqlite")
    report = annual(2026, out, only=["workbook"])
    path = out / "annual" / "2026" / "annual.xlsx"
    assert report.files == (path,) and path.stat().st_mode & 0o077 == 0  # it holds everyone's bonus
    formulas, values = openpyxl.load_workbook(path), openpyxl.load_workbook(path, data_only=True)
    assert formulas.sheetnames == ["年度汇总", "等级与晋升", "参数"]
    people = {r[0].value: r for r in formulas["年度汇总"].iter_rows(min_row=3)}
    cached = {r[0]: r for r in values["年度汇总"].iter_rows(min_row=3, values_only=True)}
    head = [c.value for c in formulas["年度汇总"][2]]
    score, bonus = head.index("年度得分"), head.index("年终奖")
    assert people["E004"][score].value.startswith("=IF(") and cached["E004"][score] == 78.36
    assert cached["E004"][bonus] == 4444.44 and cached["E002"][bonus] == 0
    assert cached["E004"][head.index("晋升候选")] == 1 and cached["E002"][head.index("年终奖资格")] == 0


def test_settings_are_checked_at_their_cell(tmp_path):
    bad = [["季度权重", "20% 30% 50%"], ["晋升等级", "S X"], ["年度得分方式", "平均"]]
    with pytest.raises(InputError) as caught:
        load_input(write_book(tmp_path / "bad.xlsx", month_sheets(12, bad)))
    found = {(p.sheet, p.row, p.column): p.message for p in caught.value.problems}  # all three at once, each at its cell
    assert "须为 4 个百分比" in found[("设置", 9, "B 列「季度权重」")]
    assert "晋升等级 X 不在「等级」表中" in found[("设置", 10, "B 列「晋升等级」")]
    assert "月度平均、季度加权、年度方案" in found[("设置", 11, "B 列「年度得分方式」")]
    assert len(found) == 3
    total = [["季度权重", "20% 20% 30% 40%"]]
    with pytest.raises(InputError) as caught:
        load_input(write_book(tmp_path / "sum.xlsx", month_sheets(12, total)))
    assert [p.message for p in caught.value.problems] == ["季度权重合计须为 100%，这里合计 110%"]
    defaults = load_input(write_book(tmp_path / "ok.xlsx", month_sheets(12, ANNUAL_SETTINGS))).settings.annual
    assert (defaults.annual_score_rule, defaults.annual_min_months, defaults.annual_bonus_budget,
            defaults.quarter_weights) == ("months", 6, D(10000), (D("0.25"),) * 4)


def test_a_v7_history_still_opens_and_says_what_to_rebuild(tmp_path):
    db = tmp_path / "v7.sqlite"
    with sqlite3.connect(db) as conn:  # exactly what the seven scripts before v8 left
        for script in store._MIGRATIONS[:7]:
            conn.executescript(script)
        conn.execute("PRAGMA user_version = 7")
        conn.execute("INSERT INTO periods VALUES ('2026-11', '测试', 'x.xlsx', 'x', '2026-11-28', 1, 1)")
        conn.execute("INSERT INTO results VALUES ('2026-11', 'E001', '张伟', '华东公司', '客服部', '客服', 1, '90.00', "
                     "'S', 1, 1, '5000.00', '')")
    history = open_history(db)
    assert history.rows[0].bonus_base is None and history.settings("2026-11") == {}
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 8
    with pytest.raises(HistoryError, match="旧版本 reporter 记录的"):
        roll_up_year(history, 2026)
    book = write_book(tmp_path / "2026-12.xlsx", month_sheets(12, ANNUAL_SETTINGS))
    record_period(db, score_period(load_input(book)), input_sha256="x", built_at="2026-12-28")
    result, rows = rows_of(db)
    # November from the old file has no base; December's base (5,000) is the latest one recorded.
    assert rows["E001"].totals == (D("90.00"), D("122.20")) and rows["E001"].bonus_base == D(5000)


def test_cli_errors_exit_non_zero_without_a_traceback(year_db, tmp_path):
    runner = CliRunner()
    missing = runner.invoke(cli, ["annual", "2026", "--out", str(tmp_path)])
    assert missing.exit_code == 1 and "reporter.sqlite 不存在" in missing.output and "Traceback" not in missing.output
    shutil.copyfile(year_db, tmp_path / "reporter.sqlite")
    none = runner.invoke(cli, ["annual", "2025", "--out", str(tmp_path)])
    assert none.exit_code == 1 and "没有 2025 年的考核期间（已有年份：2026）" in none.output
    assert "Traceback" not in none.output
    kinds = runner.invoke(cli, ["annual", "2026", "--out", str(tmp_path), "--only", "summary"])
    assert kinds.exit_code == 2 and "workbook, letters" in kinds.output


def test_cli_summary_says_what_was_written_and_why_not(year_db, tmp_path):
    shutil.copyfile(year_db, tmp_path / "reporter.sqlite")
    runner = CliRunner()
    first = runner.invoke(cli, ["annual", "2026", "--out", str(tmp_path), "--only", "workbook"])
    assert first.exit_code == 0, first.output
    assert "E002 李娜 — 全年考核 5 个月，少于 6 个月" in first.output
    assert "E003 王芳 — 本年度没有已评分的期间" in first.output
    assert "年终奖：2 人，合计 ¥10,000.00" in first.output and "已写入 1 个文件" in first.output
    again = runner.invoke(cli, ["annual", "2026", "--out", str(tmp_path), "--only", "workbook"])
    assert again.exit_code == 1 and "--force" in again.output
    forced = runner.invoke(cli, ["annual", "2026", "--out", str(tmp_path), "--only", "workbook", "--force"])
    assert forced.exit_code == 0


# ------------------------------------------------------------------ slow: LibreOffice and PDFs


@pytest.mark.slow
def test_libreoffice_recalculates_the_annual_workbooks_to_the_same_values(year_db, tmp_path):
    from tests.recalc import assert_parity

    books = []
    for name, settings in (("months", ANNUAL_SETTINGS), ("quarters", QUARTERS),
                           ("no-budget", [["年度得分方式", "月度平均"], ["晋升等级", "S"]])):
        out = tmp_path / name
        with_december(year_db, out, settings)
        annual(2026, out, only=["workbook"])
        books.append(out / "annual" / "2026" / "annual.xlsx")
    # 4 people × (10 summary formulas + 12 runs) + 3 totals, and the quarter scores of the second.
    assert assert_parity(books, tmp_path / "recalc") >= 3 * (4 * 22 + 3)


def pdf_text(path: Path) -> str:
    import subprocess

    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_letters_hold_the_employees_own_year_only(year_db, tmp_path):
    out = tmp_path / "zh"
    with_december(year_db, out, ANNUAL_SETTINGS)
    report = annual(2026, out)
    letters = out / "annual" / "2026" / "letters"
    assert sorted(p.name for p in letters.iterdir()) == ["E001.pdf", "E002.pdf", "E004.pdf"]  # E003: none
    assert [r.employee_id for r in report.skipped] == ["E003"]
    text = pdf_text(letters / "E004.pdf")
    assert "年度绩效考核结果通知书" in text and "刘洋" in text and "78.36" in text and "B · 合格" in text
    assert "¥4,444.44" in text and "2027年1月13日" in text and "未参与考核" in text  # April
    assert "张伟" not in text and "李娜" not in text and "5,555.56" not in text and "晋升候选" not in text
    e002 = pdf_text(letters / "E002.pdf")
    assert "少于规定的 6 个月" in e002 and "刘洋" not in e002
    assert (letters / "E004.pdf").stat().st_mode & 0o077 == 0


@pytest.mark.slow
def test_an_english_letter(year_db, tmp_path):
    out = tmp_path / "en"
    with_december(year_db, out, [*ANNUAL_SETTINGS, ["语言", "en"]])
    annual(2026, out, only=["letters"], appeal_deadline=date(2027, 1, 31))
    text = pdf_text(out / "annual" / "2026" / "letters" / "E004.pdf")
    assert "Annual Performance Result Letter" in text and "78.36" in text and "31 January 2027" in text
    assert "not appraised" in text and "合格" in text  # the band's name prints as the company typed it


def quarterly_history(tmp_path: Path) -> Path:
    db = tmp_path / "reporter.sqlite"
    for q in range(1, 5):  # December's figures every quarter: E001 122.20, E002 41.00, E004 92.00; E003 absent
        sheets = month_sheets(12, [["年度得分方式", "季度加权"], ["季度权重", "40% 20% 20% 20%"]] if q == 4 else [])
        sheets["设置"][2][1] = f"2026-Q{q}"
        sheets["设置"][3][1] = date(2026, 3 * q + 1, 13) if q < 4 else date(2027, 1, 13)
        people = {row[0]: row for row in sheets["员工"][1:]}
        people["E002"][sheets["员工"][0].index("缺勤月数")] = 0 if q in (2, 3) else 3  # appraised in Q2, Q3 only
        record_period(db, score_period(load_input(write_book(tmp_path / f"q{q}.xlsx", sheets))), input_sha256="x",
                      built_at=f"2026-{3 * q:02d}-28")
    return db


def test_a_quarterly_history(tmp_path):
    db = quarterly_history(tmp_path)
    result, rows = rows_of(db)
    assert (result.kind, result.period_months, result.periods) == ("quarter", 3, ("2026-Q1", "2026-Q2", "2026-Q3",
                                                                                   "2026-Q4"))
    # A quarter's score is its own total; E002 has Q2 and Q3 only: (0.2 × 41 + 0.2 × 41) / 0.4 = 41.00, and
    # 2 quarters × 3 = 6 months appraised ≥ 6: eligible.  E004: 92.00 in every quarter, 12 months.
    assert rows["E002"].quarters == (None, D("41.00"), D("41.00"), None) and rows["E002"].score == D("41.00")
    assert (rows["E002"].months_appraised, rows["E002"].eligible) == (6, True)
    assert (rows["E004"].score, rows["E004"].months_appraised) == (D("92.00"), 12)
    sheets = month_sheets(5)
    record_period(db, score_period(load_input(write_book(tmp_path / "m5.xlsx", sheets))), input_sha256="x",
                  built_at="2026-06-01")
    mixed, _ = rows_of(db)  # a month recorded too: the finest kind is rolled up, the quarters are listed
    assert (mixed.periods, mixed.ignored) == (("2026-05",), ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4"))


@pytest.mark.slow
def test_libreoffice_agrees_on_quarterly_and_half_year_histories(tmp_path):
    """A quarter's cells are the quarter itself; a quarter with no period at all (a history of January to June)
    reads an empty cell."""
    from tests.recalc import assert_parity

    quarterly = tmp_path / "quarterly"
    quarterly.mkdir()
    quarterly_history(quarterly)
    first_half = tmp_path / "first-half"
    first_half.mkdir()
    for month in range(1, 7):
        settings = [["年度得分方式", "季度加权"], ["季度权重", "10% 20% 30% 40%"]] if month == 6 else []
        book = write_book(first_half / f"{month}.xlsx", month_sheets(month, settings))
        record_period(first_half / "reporter.sqlite", score_period(load_input(book)), input_sha256="x",
                      built_at=f"2026-{month:02d}-28")
    _, rows = rows_of(first_half / "reporter.sqlite")
    # E004: Q1 77.00 (as above), Q2 92.00; Q3 and Q4 drop out: (0.1 × 77 + 0.2 × 92) / 0.3 = 26.1 / 0.3 = 87.00.
    assert rows["E004"].quarters == (D("77.00"), D("92.00"), None, None) and rows["E004"].score == D("87.00")
    books = []
    for out in (quarterly, first_half):
        annual(2026, out, only=["workbook"])
        books.append(out / "annual" / "2026" / "annual.xlsx")
    assert assert_parity(books, tmp_path / "recalc") > 0

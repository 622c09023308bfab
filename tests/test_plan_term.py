"""The agreement's term (设置 责任书期限): one agreement for a quarter of monthly builds, not three."""

from __future__ import annotations

import copy
import re
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.errors import InputError
from reporter.input.validate import load_input
from reporter.period import Period, parse_period
from reporter.rules.engine import score_period
from reporter.store.agreed import agreed_problems, load_agreed, record_agreed
from reporter.writers.pdf.documents import render_agreement
from reporter.writers.pdf.renderer import PdfRenderer
from tests.conftest import BASE, write_book
from tests.test_plan import plan_sheets


def with_settings(sheets: dict, **values) -> dict:
    """设置 with each name's value replaced, or added as a new row."""
    rows = sheets["设置"]
    for name, value in values.items():
        row = next((r for r in rows if r[0] == name), None)
        if row is None:
            rows.append([name, value])
        else:
            row[1] = value
    return sheets


def month(number: int, sheets: dict | None = None, term: str = "季度") -> dict:
    """The fixture's workbook for 2026-<number> under a term (appeal deadline in the next month)."""
    sheets = sheets or copy.deepcopy(BASE)
    return with_settings(sheets, 考核期间=f"2026-{number:02d}", 申诉截止日期=date(2026, number + 1, 13)
                         if number < 12 else date(2027, 1, 13), 责任书期限=term)


# ------------------------------------------------------------------ Period.within and the setting (fast)


@pytest.mark.parametrize(("period", "kind", "expected"), [
    ("2026-10", "month", "2026-10"), ("2026-10", "quarter", "2026-Q4"), ("2026-10", "half", "2026-H2"),
    ("2026-10", "year", "2026"), ("2026-01", "quarter", "2026-Q1"), ("2026-03", "quarter", "2026-Q1"),
    ("2026-04", "quarter", "2026-Q2"), ("2026-06", "half", "2026-H1"), ("2026-07", "half", "2026-H2"),
    ("2026-12", "quarter", "2026-Q4"), ("2026-Q2", "half", "2026-H1"), ("2026-Q3", "half", "2026-H2"),
    ("2026-Q3", "year", "2026"), ("2026-H2", "year", "2026"), ("2026-Q3", "quarter", "2026-Q3"),
])
def test_within_is_the_longer_period_containing_this_one(period, kind, expected):
    inner, outer = parse_period(period), parse_period(expected)
    assert inner.within(kind) == outer
    assert outer.start <= inner.start and inner.end <= outer.end


@pytest.mark.parametrize(("period", "kind"), [("2026-Q3", "month"), ("2026-H1", "quarter"), ("2026", "half")])
def test_nothing_shorter_contains_a_period(period, kind):
    with pytest.raises(ValueError):
        parse_period(period).within(kind)


@pytest.mark.parametrize(("text", "term"), [(None, "2026-10"), ("月度", "2026-10"), ("季度", "2026-Q4"),
                                            ("quarter", "2026-Q4"), ("半年度", "2026-H2"), ("年度", "2026")])
def test_the_setting_names_the_term(tmp_path, text, term):
    sheets = copy.deepcopy(BASE)
    if text:
        with_settings(sheets, 责任书期限=text)
    settings = load_input(write_book(tmp_path / "book.xlsx", sheets)).settings
    assert settings.term.key == term
    assert settings.period == Period(2026, "month", 10)  # the period itself is unchanged


def test_a_term_shorter_than_the_period_is_an_error_at_its_cell(tmp_path):
    sheets = with_settings(copy.deepcopy(BASE), 考核期间="2026-Q4", 申诉截止日期=date(2027, 1, 13), 责任书期限="月度")
    with pytest.raises(InputError) as err:
        load_input(write_book(tmp_path / "book.xlsx", sheets))
    [problem] = [p for p in err.value.problems if "责任书期限" in p.message]
    row = next(n for n, r in enumerate(sheets["设置"], start=1) if r[0] == "责任书期限")
    assert (problem.sheet, problem.row) == ("设置", row)
    assert "短于考核期间" in problem.message and "季度" in problem.message


def test_an_unknown_term_is_an_error(tmp_path):
    sheets = with_settings(copy.deepcopy(BASE), 责任书期限="两个月")
    with pytest.raises(InputError) as err:
        load_input(write_book(tmp_path / "book.xlsx", sheets))
    assert any("两个月" in p.message and "季度" in p.message for p in err.value.problems)


def test_what_was_agreed_is_kept_under_the_term_and_checked_for_each_month(tmp_path):
    db = tmp_path / "h.sqlite"
    october = load_input(write_book(tmp_path / "10.xlsx", month(10)))
    record_agreed(db, october, date(2026, 10, 1))
    assert set(load_agreed(db, "2026-Q4")) == {"E001", "E002", "E003", "E004"} and load_agreed(db, "2026-10") == {}
    for number in (10, 11, 12):
        assert agreed_problems(db, load_input(write_book(tmp_path / f"m{number}.xlsx", month(number)))) == ()
    changed = month(11)
    changed["考核方案"][2][7] = 3  # 差评次数 2 → 3, no recorded change
    found = agreed_problems(db, load_input(write_book(tmp_path / "changed.xlsx", changed)))
    assert [(p.row, p.severity) for p in found] == [(3, "error")]


def test_an_agreement_of_the_period_itself_is_still_found(tmp_path):
    """Recorded before the term was set (under 2026-10): October's build still finds it."""
    db = tmp_path / "h.sqlite"
    record_agreed(db, load_input(write_book(tmp_path / "a.xlsx", copy.deepcopy(BASE))), date(2026, 10, 1))
    assert agreed_problems(db, load_input(write_book(tmp_path / "b.xlsx", month(10)))) == ()


# ------------------------------------------------------------------ plan and build over a quarter (slow)


def run(*args) -> object:
    return CliRunner().invoke(cli, [*map(str, args)])


def build(book, out, db):
    return run("build", book, "--out", out, "--db", db, "--only", "scorecards,summary")


@pytest.mark.slow
def test_a_quarterly_term_issues_one_agreement_for_three_monthly_builds(tmp_path):
    out, db = tmp_path / "out", tmp_path / "out" / "reporter.sqlite"
    october = write_book(tmp_path / "plan-10.xlsx", month(10, plan_sheets()))
    result = run("plan", october, "--out", out, "--workers", "1")
    assert result.exit_code == 0, result.output
    folder = out / "plans" / "2026-Q4"
    assert sorted(p.name for p in (out / "plans").iterdir()) == ["2026-Q4"]
    text = subprocess.run(["pdftotext", str(folder / "agreements" / "E001.pdf"), "-"], capture_output=True,
                          text=True, check=True).stdout
    flat = "".join(text.split())
    assert "本责任书有效期为一个季度，自2026年10月1日起至2026年12月31日止" in flat
    assert "2026年第4季度·在线客服专员" in flat and "工号E001·2026年第4季度" in flat  # title and header: the term
    assert set(load_agreed(db, "2026-Q4")) == {"E001", "E002", "E004"}  # E003 absent: nothing to sign
    # November: the term's agreements are on record; the month gets its tracking scorecards, no agreement.
    signed = (folder / "agreements" / "E001.pdf").read_bytes()
    november = write_book(tmp_path / "plan-11.xlsx", month(11, plan_sheets()))
    again = run("plan", november, "--out", out, "--workers", "1")
    assert again.exit_code == 0 and "目标责任书：0 份" in again.output, again.output
    assert sorted(p.name for p in (out / "plans").iterdir()) == ["2026-Q4"]
    assert sorted(p.name for p in (folder / "tracking").iterdir()) == ["2026-10", "2026-11"]
    assert (folder / "agreements" / "E001.pdf").read_bytes() == signed
    # The monthly builds of the term are all checked against the Q4 agreement.
    for number in (10, 11):
        built = build(write_book(tmp_path / f"{number}.xlsx", month(number)), tmp_path / f"b{number}", db)
        assert built.exit_code == 0, built.output
        assert "reporter plan" not in built.output  # no "never agreed" warning
        changed = month(number)
        changed["考核方案"][1][7] = 25  # 及时响应时间 30 → 25, no 原目标值 / 调整原因 / 批准人
        refused = build(write_book(tmp_path / f"c{number}.xlsx", changed), tmp_path / f"c{number}", db)
        assert refused.exit_code == 2, refused.output
        assert "考核方案" in refused.output and "第 2 行" in refused.output and "目标值" in refused.output


# ------------------------------------------------------------------ the term in an English and a bilingual agreement (slow)


def agreement_text(folder: Path, language: str) -> str:
    """E001's agreement for October 2026 under a quarterly term, in a language of 语言, read back by pdftotext."""
    book = write_book(folder / f"{language}.xlsx", with_settings(month(10), 语言=language))
    result = score_period(load_input(book))
    r = next(r for r in result.results if r.employee.employee_id == "E001")
    assert "E001" not in result.input.annual_rewards  # an annual reward plan would make the term a year
    pdf = folder / f"{language}.pdf"
    pdf.write_bytes(render_agreement(PdfRenderer(None), result, r, datetime(2026, 10, 31)))
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.slow
def test_an_english_agreement_states_the_quarter_it_runs_for(tmp_path):
    text = " ".join(agreement_text(tmp_path, "en").split())
    terms = re.findall(r"This agreement runs for ([^.]*)\.", text)
    # Q4 2026 runs from the first day of October to the last day of December, not just the month appraised;
    # the sentence is in both originals (Party A's copy and Party B's copy).
    assert len(terms) == 2, terms
    for term in terms:
        assert "quarter" in term and re.search(r"from 1 October 2026 to 31 December 2026$", term), term
    assert "ID E001 · Q4 2026" in text  # the running header names the term too


@pytest.mark.slow
def test_a_bilingual_agreement_states_the_quarter_in_chinese_under_a_bilingual_heading(tmp_path):
    flat = "".join(agreement_text(tmp_path, "zh-en").split())
    assert flat.count("本责任书有效期为一个季度，自2026年10月1日起至2026年12月31日止") == 2  # one in each original
    assert "责任期限Term" in flat  # the heading in both languages, the English beneath the Chinese
    assert "工号E001·2026年第4季度" in flat
    # Bilingual prose is Chinese by design (reporter/writers/language.py): labels carry the English, sentences do not.

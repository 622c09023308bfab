"""A quarterly company end to end: demo-data --period 2026-Q3, validate, build scorecards and summary.

No PDFs, so it stays fast.  Expected values are worked from the input workbook by the policy's
rules (full years of service at the period's end, a first-rank streak over quarters).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from reporter.cli import cli
from tests.conftest import once_per_run


def rows_of(ws) -> list[dict]:
    head = [c.value for c in ws[1]]
    return [dict(zip(head, (c.value for c in row), strict=False)) for row in ws.iter_rows(min_row=2)
            if row[0].value and row[0].value != "合计"]


def full_years(hired: date, on: date) -> int:
    return on.year - hired.year - ((on.month, on.day) < (hired.month, hired.day))


def quarter_built(root: Path) -> Path:
    """A 24-person quarter: its demo workbook, validated, and built (scorecards and summary) into root/out."""
    book = root / "q3.xlsx"
    runner = CliRunner()
    made = runner.invoke(cli, ["demo-data", "--period", "2026-Q3", "--employees", "24", "--seed", "3", str(book)])
    assert made.exit_code == 0, made.output
    checked = runner.invoke(cli, ["validate", str(book)])
    assert checked.exit_code == 0, checked.output
    built = runner.invoke(cli, ["build", str(book), "--out", str(root / "out"), "--only", "scorecards,summary"])
    assert built.exit_code == 0, built.output
    return root


@pytest.fixture(scope="module")
def quarter(tmp_path_factory):
    root = once_per_run(tmp_path_factory, "quarter", quarter_built)  # shared by the xdist workers: read only
    book = root / "q3.xlsx"
    inp = openpyxl.load_workbook(book)
    summary = openpyxl.load_workbook(root / "out" / "2026-Q3" / "summary.xlsx", data_only=True)
    return inp, {r["工号"]: r for r in rows_of(summary["汇总"])}, root / "out" / "2026-Q3"


def test_the_quarter_is_the_period(quarter):
    inp, summary, folder = quarter
    settings = {r[0].value: r[1].value for r in inp["设置"].iter_rows(min_row=2)}
    assert settings["考核期间"] == "2026-Q3"
    assert {r["周报应交"] for r in rows_of(inp["考勤"])} >= {13}  # 13 weekly reports due in a quarter
    assert any(p.suffix == ".xlsx" for p in (folder / "scorecards").rglob("*.xlsx"))
    assert len(summary) == 24


def test_seniority_counts_full_years_at_the_quarters_end(quarter):
    inp, summary, _ = quarter
    end = date(2026, 9, 30)
    employees = rows_of(inp["员工"])
    checked = 0
    for e in employees:
        if e["工龄工资"] is not None:
            continue
        years = full_years(e["入职日期"].date(), end)
        assert D(str(summary[e["工号"]]["工龄工资"])) == min(50 * years, 500), e["工号"]
        checked += 1
    # Someone whose anniversary falls in October–December has one year less at 2026-09-30 than at 2026-12-31.
    assert any(full_years(e["入职日期"].date(), end) != full_years(e["入职日期"].date(), date(2026, 12, 31))
               and 0 < full_years(e["入职日期"].date(), end) < 10 for e in employees)
    assert checked > 15


def test_a_streak_of_three_quarters_earns_the_bonus(quarter):
    inp, summary, _ = quarter
    first = {}
    for period, eid, _name, _total, _grade, rank in (tuple(c.value for c in r) for r in inp["历史"].iter_rows(min_row=2)):
        first.setdefault(eid, set()).add(period) if rank == 1 else None
    starred = [eid for eid, row in summary.items()
               if row["部门排名"] == 1 and first.get(eid, set()) == {"2026-Q1", "2026-Q2"}]
    assert starred
    for eid, row in summary.items():
        assert D(str(row["一次性奖励"])) == (200 if eid in starred else 0), eid
    for eid in starred:
        assert "连续 3 个季度部门排名第一" in summary[eid]["备注"]
    assert not any("个月" in (row["备注"] or "") for row in summary.values() if row["考核状态"] == "已考核")


def test_the_director_is_ranked_in_his_own_group(quarter):
    inp, summary, _ = quarter
    directors = [eid for eid, row in summary.items() if row["排名组"] == "管理层"]
    assert directors and all(summary[d]["岗位"] == "运营总监" for d in directors)
    for d in directors:
        company = summary[d]["公司"]
        staff = [r for r in summary.values() if r["公司"] == company and r["部门"] == "运营部"
                 and r["考核状态"] == "已考核" and not r["排名组"]]
        assert summary[d]["部门排名"] == 1
        # His staff's ranks run 1..n among themselves: he is not one of the n.
        assert sorted(r["部门排名"] for r in staff)[0] == 1
        assert max(r["部门排名"] for r in staff) <= len(staff)


@pytest.mark.slow
def test_a_quarters_documents_speak_of_the_quarter(quarter, tmp_path):
    """The letter, the agreement and the e-mail say 本期/季度, never 本月 or 月度工资, in a quarterly company."""
    import re
    import subprocess

    inp, summary, folder = quarter
    book = folder.parent.parent / "q3.xlsx"
    someone = next(eid for eid, row in summary.items() if row["考核状态"] == "已考核")
    out = tmp_path / "docs"
    built = CliRunner().invoke(cli, ["build", str(book), "--out", str(out), "--employee", someone,
                                     "--only", "letters,agreements,summary"])
    assert built.exit_code == 0, built.output
    period = out / "2026-Q3"

    def text(pdf):
        return re.sub(r"\s+", "", subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                                 check=True).stdout)

    letter, agreement = text(period / "letters" / f"{someone}.pdf"), text(period / "agreements" / f"{someone}.pdf")
    assert "本期工资核算" in letter and "本期工资核发依据" in letter
    assert "季度工资=岗位工资" in agreement
    for document in (letter, agreement):  # the demo's own KPI texts may say 月度: HR's words, not ours
        assert "本月" not in document and "月度工资" not in document
    config = tmp_path / "smtp.toml"
    config.write_text('[smtp]\nsender = "hr@example.com"\n', encoding="utf-8")
    mailed = CliRunner().invoke(cli, ["email", str(period), "--employee", someone, "--config", str(config)])
    assert mailed.exit_code == 0, mailed.output
    import email
    from email import policy

    msg = email.message_from_bytes((period / "outbox" / f"{someone}.eml").read_bytes(), policy=policy.default)
    body = msg.get_body(preferencelist=("plain",)).get_content()
    assert "本期工资核算" in body and "本月" not in body


def test_a_quarters_scorecard_names_the_quarters_data(quarter):
    _, _, folder = quarter
    card = next((folder / "scorecards").rglob("*.xlsx"))
    texts = {c.value for row in openpyxl.load_workbook(card).worksheets[0].iter_rows() for c in row
             if isinstance(c.value, str)}
    assert "附：季度数据" in texts and "附：月度数据" not in texts

"""A term as HR lives it: agreements once, addenda for each signed change, tracking scorecards every period.

The fixture company (tests/conftest.py BASE): E001–E003 在线客服专员 (E003 absent three months: not
appraised), E004 运营专员 (订单转换率 4 %, row 9 of 考核方案).
"""

from __future__ import annotations

import copy
import email
import subprocess
from datetime import date
from decimal import Decimal as D
from email import policy

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.input.validate import load_input
from reporter.pipeline.plan import lay_out_plan, what_to_issue
from reporter.store.agreed import PlanRecord, agreed_problems, load_agreed, load_amendments, record_plan
from tests.conftest import write_book
from tests.test_plan import plan_sheets
from tests.test_plan_term import month

CONVERSION_ROW = 9  # 运营专员's 订单转换率 in 考核方案


def with_change_columns(sheets: dict) -> dict:
    sheets["考核方案"][0] += ["原目标值", "调整原因", "批准人"]
    for row in sheets["考核方案"][1:]:
        row += [None, None, None]
    return sheets


def conversion(sheets: dict, target, original=None, reason=None, approver=None) -> dict:
    """E004's 订单转换率 target, with the change recorded as the row records it."""
    row = sheets["考核方案"][CONVERSION_ROW - 1]
    row[7] = target
    row[-3:] = [original, reason, approver]
    return sheets


def laid_out(tmp_path, sheets, name="plan.xlsx"):
    return lay_out_plan(load_input(write_book(tmp_path / name, sheets), stage="plan"))


# ------------------------------------------------------------------ what a run issues (fast)


def test_a_first_run_issues_agreements_to_the_appraised_and_whoever_is_named(tmp_path):
    result = laid_out(tmp_path, plan_sheets())
    record, problems = what_to_issue(result, list(result.results), {})
    assert record == PlanRecord(("E001", "E002", "E004"), {}) and problems == ()  # E003 is absent
    record, _ = what_to_issue(result, list(result.results), {}, named=["E003"])
    assert record.agreements == ("E001", "E002", "E003", "E004")


def test_agreed_plans_issue_nothing_until_a_target_is_changed_with_its_record(tmp_path):
    db = tmp_path / "h.sqlite"
    sheets = with_change_columns(plan_sheets())
    result = laid_out(tmp_path, sheets)
    record_plan(db, result.input, date(2026, 10, 1), PlanRecord(("E001", "E002", "E004")))
    agreed = load_agreed(db, "2026-10")
    assert what_to_issue(result, list(result.results), agreed) == (PlanRecord((), {}), ())
    changed = laid_out(tmp_path, conversion(sheets, "5%", "4%", "市场重大变化", "赵总"), "changed.xlsx")
    record, problems = what_to_issue(changed, list(changed.results), agreed)
    assert problems == () and record.agreements == ()
    assert {eid: [line.item for line in lines] for eid, lines in record.amendments.items()} == {"E004": ["订单转换率"]}
    # Not recorded: a problem at the row, which names the way out.
    silent = laid_out(tmp_path, conversion(sheets, "5%"), "silent.xlsx")
    record, problems = what_to_issue(silent, list(silent.results), agreed)
    [problem] = problems
    assert (problem.sheet, problem.row, problem.column) == ("考核方案", CONVERSION_ROW, "「目标值」列")
    assert "5% 与 2026-10-01 签订的 4% 不同" in problem.message and "刘洋（E004）" in problem.message
    # Re-signed: new agreements, and no addendum for a change the new agreement already states.
    record, problems = what_to_issue(silent, list(silent.results), agreed, reissue=True)
    assert record == PlanRecord(("E001", "E002", "E004"), {}) and problems == ()


def test_each_signed_change_is_an_addendum_of_its_own_and_moves_the_agreed_target(tmp_path):
    db = tmp_path / "h.sqlite"
    sheets = with_change_columns(plan_sheets())
    first = laid_out(tmp_path, sheets)
    record_plan(db, first.input, date(2026, 10, 1), PlanRecord(("E004",)))
    five = laid_out(tmp_path, conversion(sheets, "5%", "4%", "市场重大变化", "赵总"), "five.xlsx").input
    numbers = record_plan(db, five, date(2026, 10, 12), PlanRecord((), {"E004": (five.plan_for(
        five.employees[3]).lines[0],)}))
    six = laid_out(tmp_path, conversion(sheets, "6%", "5%", "批准调整", "钱总"), "six.xlsx").input
    numbers_again = record_plan(db, six, date(2026, 10, 20), PlanRecord((), {"E004": (six.plan_for(
        six.employees[3]).lines[0],)}))
    assert (numbers, numbers_again) == ({"E004": 1}, {"E004": 2})
    assert [(a.number, a.original_target, a.target, a.change_reason, a.approved_by, a.agreed_on)
            for a in load_amendments(db, "2026-10")] == [
        (1, D("0.04"), D("0.05"), "market_change", "赵总", "2026-10-12"),  # reasons as their codes
        (2, D("0.05"), D("0.06"), "approved", "钱总", "2026-10-20")]
    [line, _] = load_agreed(db, "2026-10")["E004"]
    assert (line.target, line.agreed_on) == (D("0.06"), "2026-10-01")  # the agreement's date, the latest target
    assert agreed_problems(db, six) == ()  # build scores the signed target without a word


# ------------------------------------------------------------------ a quarter through the CLI (slow)


def plan_run(book, out, *args):
    return CliRunner().invoke(cli, ["plan", str(book), "--out", str(out), "--workers", "1", *map(str, args)])


def text_of(pdf) -> str:
    return "".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                                  check=True).stdout.split())


@pytest.mark.slow
def test_a_quarter_one_agreement_then_tracking_and_addenda_month_by_month(tmp_path):
    out = tmp_path / "out"
    db, folder = out / "reporter.sqlite", out / "plans" / "2026-Q4"
    october = with_change_columns(month(10, plan_sheets()))
    result = plan_run(write_book(tmp_path / "10.xlsx", october), out)
    assert result.exit_code == 0, result.output
    assert "目标责任书：3 份" in result.output and "跟踪评分表：3 份" in result.output
    assert sorted(p.name for p in (folder / "agreements").iterdir()) == ["E001.pdf", "E002.pdf", "E004.pdf"]
    assert sorted(p.name for p in (folder / "tracking" / "2026-10").rglob("*.xlsx")) == [
        "E001.xlsx", "E002.xlsx", "E004.xlsx"]
    assert sorted(p.name for p in (folder / "print" / "2026-10").iterdir()) == [
        "agreements-华东公司-客服部.pdf", "agreements-华东公司-运营部.pdf"]
    signed = {p: p.read_bytes() for p in (folder / "agreements").iterdir()}

    # November, as it opens: no agreement again, no --force; the month's tracking scorecards.
    november = with_change_columns(month(11, plan_sheets()))
    result = plan_run(write_book(tmp_path / "11.xlsx", november), out)
    assert result.exit_code == 0, result.output
    assert "目标责任书：0 份" in result.output and "变更补充协议" not in result.output
    assert len(list((folder / "tracking" / "2026-11").rglob("*.xlsx"))) == 3
    assert not (folder / "print" / "2026-11").exists()  # nothing to sign this month
    # Mid-November, E004's target changes twice, each time signed: two addenda, the first kept.
    once = write_book(tmp_path / "11b.xlsx", conversion(copy.deepcopy(november), "5%", "4%", "市场重大变化", "赵总"))
    assert plan_run(once, out, "--employee", "E004").exit_code == 1  # its tracking scorecard exists
    result = plan_run(once, out, "--employee", "E004", "--force")
    assert result.exit_code == 0, result.output
    assert "变更补充协议：1 份" in result.output and "目标责任书：0 份" in result.output
    first = (folder / "addenda" / "E004-1.pdf").read_bytes()
    twice = write_book(tmp_path / "11c.xlsx", conversion(copy.deepcopy(november), "6%", "5%", "批准调整", "钱总"))
    assert plan_run(twice, out, "--employee", "E004", "--force").exit_code == 0
    assert (folder / "addenda" / "E004-1.pdf").read_bytes() == first
    flat = text_of(folder / "addenda" / "E004-2.pdf")
    assert "第2号" in flat and "5.00%" in flat and "6.00%" in flat and "批准调整" in flat and "钱总" in flat
    assert "2026年11月1日" in flat  # the new target applies from the month's first day
    batch = folder / "print" / "2026-11" / "addenda-华东公司-运营部.pdf"
    assert text_of(batch).count("第1页/共1页") == 2 * 2  # two addenda, two one-page originals each
    assert {p: p.read_bytes() for p in (folder / "agreements").iterdir()} == signed  # never rewritten
    assert [(a.number, a.issued_in) for a in load_amendments(db, "2026-Q4")] == [(1, "2026-11"), (2, "2026-11")]
    # November's build scores the signed 6 % without a word, and e-mail can attach both addenda.
    figures = conversion(with_change_columns(month(11)), "6%", "5%", "批准调整", "钱总")
    built = CliRunner().invoke(cli, ["build", str(write_book(tmp_path / "11-month.xlsx", figures)), "--out", str(out),
                                     "--workers", "1"])
    assert built.exit_code == 0 and "提示" not in built.output, built.output
    config = tmp_path / "mail.toml"
    config.write_text('[smtp]\nhost = "smtp.example.com"\nsender = "hr@example.com"\n', encoding="utf-8")
    mailed = CliRunner().invoke(cli, ["email", str(out / "2026-11"), "--attach", "letters,addenda", "--config",
                                      str(config)])
    assert mailed.exit_code == 0, mailed.output
    msg = email.message_from_bytes((out / "2026-11" / "outbox" / "E004.eml").read_bytes(), policy=policy.default)
    attached = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
    assert attached["目标责任书变更补充协议-1-2026-11-E004-刘洋.pdf"] == first
    assert attached["目标责任书变更补充协议-2-2026-11-E004-刘洋.pdf"] == (folder / "addenda" / "E004-2.pdf").read_bytes()
    others = email.message_from_bytes((out / "2026-11" / "outbox" / "E001.eml").read_bytes(), policy=policy.default)
    assert [part.get_filename() for part in others.iter_attachments()] == [
        "绩效考核结果确认书-2026-11-E001-张伟.pdf"]  # no addendum of anyone else's

    # December: someone back from leave is due an agreement; the term's others are not.
    december = conversion(with_change_columns(month(12, plan_sheets())), "6%", "5%", "批准调整", "钱总")
    december["员工"][3][8] = 0  # E003 no longer absent
    result = plan_run(write_book(tmp_path / "12.xlsx", december), out)
    assert result.exit_code == 0, result.output
    assert "目标责任书：1 份" in result.output and "变更补充协议" not in result.output
    assert sorted(p.name for p in (folder / "print" / "2026-12").iterdir()) == ["agreements-华东公司-客服部.pdf"]
    assert set(load_agreed(db, "2026-Q4")) == {"E001", "E002", "E003", "E004"}
    manifest = (folder / "plan.json").read_text(encoding="utf-8")
    assert '"addenda/E004-1.pdf"' in manifest and '"2026-12": "tracking/2026-12/华东公司-运营部/E004.xlsx"' in manifest

    # A target changed without its record stops the run at its row; --reissue re-signs (a new agreement).
    silent = conversion(copy.deepcopy(december), "7%")
    result = plan_run(write_book(tmp_path / "12b.xlsx", silent), out, "--force")
    assert result.exit_code == 2 and "第 9 行" in result.output and "--reissue" in result.output
    result = plan_run(write_book(tmp_path / "12b.xlsx", silent), out, "--employee", "E004", "--reissue")
    assert result.exit_code == 0, result.output
    assert "目标责任书：1 份" in result.output
    assert (folder / "agreements" / "E004.pdf").read_bytes() != signed[folder / "agreements" / "E004.pdf"]
    assert load_agreed(db, "2026-Q4")["E004"][0].target == D("0.07")

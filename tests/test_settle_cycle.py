"""Issue 12's whole scenario on the demo company, with real letters, a real SMTP server and the real history.

build → 48 pending → 40 无异议, 5 有异议 (2 upheld and re-issued as version 2, 3 rejected), 3 未回 →
verify, e-mail (both versions in the ledger), status, payroll held back until the corrected letters are
confirmed, then written once every figure is settled.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import stat
from datetime import date

import openpyxl
import pytest

from reporter.mail.ledger import ledger_versions
from reporter.pipeline.build import score_input
from reporter.store.history import load_history
from reporter.writers.manifest import read_manifest
from tests.conftest import SAMPLE
from tests.smtp_server import smtp_server
from tests.test_confirm import run, sheet
from tests.test_verify import pdf_text

REASON, APPROVER = "申诉成立：评分录入有误", "沈国华"


def figures(result) -> dict:
    return {r.employee.employee_id: (r.total, r.grade.grade if r.grade else None, r.department_rank, r.role_rank,
                                     r.pay.total) for r in result.results}


def with_ratings(source, target, raised: dict[str, str]):
    """The sample with one rating of each employee in ``raised`` (ID → 考核项目) put up by one point."""
    wb = openpyxl.load_workbook(source)
    for row in wb["评分"].iter_rows(min_row=2):
        if raised.get(row[0].value) == row[2].value:  # 工号, 姓名, 考核项目, 评分
            row[3].value = row[3].value + 1
    wb.save(target)
    return target


def two_safe_corrections(db, tmp_path):
    """Two appraised employees whose corrected rating changes their own figures and nobody else's."""
    before = figures(score_input(SAMPLE, db))
    wb = openpyxl.load_workbook(SAMPLE)
    candidates = [(row[0].value, row[2].value) for row in wb["评分"].iter_rows(min_row=2) if row[3].value < 5]
    chosen: dict[str, str] = {}
    for n, (eid, item) in enumerate(candidates):
        if eid in chosen:
            continue
        trial = {**chosen, eid: item}
        after = figures(score_input(with_ratings(SAMPLE, tmp_path / f"trial-{n}.xlsx", trial), db))
        if {k for k in after if after[k] != before[k]} == set(trial):
            chosen = trial
            if len(chosen) == 2:
                return chosen
    pytest.fail("the sample has no two ratings that move only their own employees")


def total_line(output: str) -> list[str]:
    return next(line for line in output.splitlines() if line.startswith("合计")).split()[1:]


@pytest.mark.slow
def test_from_the_letters_to_settled_payroll(sample_build, tmp_path):
    out = tmp_path / "out"
    shutil.copytree(sample_build.parent, out)
    period, db = out / "2026-10", out / "reporter.sqlite"
    manifest = read_manifest(period)
    deadline = date.fromisoformat(manifest.appeal_deadline)
    in_time, late = deadline.isoformat(), date.fromordinal(deadline.toordinal() + 1).isoformat()
    v1 = {r.employee_id: r.letter_code for r in manifest.recipients}
    assert len(v1) == 48 and all(v1.values())
    assert total_line(run("status", period, "--as-of", in_time).output)[:1] == ["48"]
    assert total_line(run("status", period, "--as-of", in_time).output)[6] == "48"  # all pending

    upheld = two_safe_corrections(db, tmp_path)
    ids = [eid for eid in v1 if eid not in upheld]
    rejected, no_reply, confirmed = ids[:3], ids[3:6], ids[6:]
    assert len(confirmed) == 40
    rows = [[eid, None, v1[eid], "无异议"] for eid in confirmed]
    rows += [[eid, None, v1[eid], "有异议", None, "评分有误", "更正"] for eid in upheld]
    rows += [[eid, None, None, "有异议", None, "评分有误", "维持原结果"] for eid in rejected]
    rows += [[eid, None, None, "未回"] for eid in no_reply]
    assert run("confirm", period, sheet(tmp_path / "answers.xlsx", rows)).exit_code == 0
    assert total_line(run("status", period, "--as-of", in_time).output) == ["48", "0", "40", "0", "2", "3", "3", "0"]

    with smtp_server(tmp_path) as server:
        from tests.test_mailer import deliver

        assert len(deliver(period, server).sent) == 48  # version 1 to everyone
        # The upheld appeals: the workbook corrected, those two rebuilt; their letters become version 2.
        corrected = with_ratings(SAMPLE, tmp_path / "corrected.xlsx", upheld)
        refused = run("build", corrected, "--out", out, "--employee", ",".join(upheld), "--force")
        assert refused.exit_code == 2 and "--change-reason" in refused.output
        rebuilt = run("build", corrected, "--out", out, "--employee", ",".join(upheld), "--force",
                      "--change-reason", REASON, "--approved-by", APPROVER)
        assert rebuilt.exit_code == 0, rebuilt.output
        assert f"重新签发的确认书（新版本，须重新确认）：{'、'.join(sorted(upheld))}" in rebuilt.output
        assert "更正后的结果已记入历史记录" in rebuilt.output
        v2 = {r.employee_id: r.letter_code for r in read_manifest(period).recipients}
        assert {eid for eid in v2 if v2[eid] != v1[eid]} == set(upheld)
        # The period's own files and history follow the corrected figures, not only the two letters.
        corrected_result = score_input(corrected, None)
        built = {row["工号"]: row for row in csv.DictReader(io.StringIO(
            (period / "payroll.csv").read_bytes().decode("utf-8-sig")))}
        recorded = {h.employee_id: h.total for h in load_history(db, before="2026-11") if h.period == "2026-10"}
        for r in corrected_result.results:
            if r.employee.employee_id in upheld:
                assert built[r.employee.employee_id]["总分"] == f"{r.total:.2f}"
                assert built[r.employee.employee_id]["确认状态"] == "待确认"  # the new letter waits for its answer
                assert recorded[r.employee.employee_id] == r.total
        again = deliver(period, server)
        assert sorted(again.sent) == sorted(upheld) and len(server.received) == 50  # no one else twice
    versions = ledger_versions(db, "2026-10")
    assert sorted((eid, version) for eid, channel, version, status in versions if eid in upheld) == \
        sorted((eid, v) for eid in upheld for v in (1, 2))
    assert all(status == "sent" for *_, status in versions)

    eid = next(iter(upheld))
    assert run("verify", v2[eid], "--out", out).exit_code == 0
    superseded = run("verify", v1[eid], "--out", out)
    assert superseded.exit_code == 1 and v2[eid] in superseded.output
    assert run("verify", v1[eid][:-8] + "ABCDEFGH", "--out", out).exit_code == 2  # forged

    # The corrected letters answer by their own deadline: as many days after their issue (today) as the
    # first letters had (10-31 → 11-13), printed on them.
    settings = score_input(SAMPLE, None).input.settings
    own = date.today() + (deadline - (settings.appraisal_date or date(2026, 10, 31)))
    text = "".join(pdf_text(period / "letters" / f"{eid}.pdf").split())
    assert f"{own.year}年{own.month}月{own.day}日前" in text, text[:2000]
    # The upheld answers were to version 1: the corrected figures wait for their own confirmation.
    held = run("payroll", period, "--as-of", late)
    assert held.exit_code == 1 and all(e in held.output for e in upheld)
    assert not (period / "payroll-settled.csv").exists()
    answers = [[e, None, v2[e], "无异议"] for e in upheld]
    assert run("confirm", period, sheet(tmp_path / "v2.xlsx", answers)).exit_code == 0
    assert run("payroll", period, "--as-of", in_time).exit_code == 1  # 未回 before the deadline: pending
    paid = run("payroll", period, "--as-of", late)  # after it, 未回 is deemed confirmed (the default policy)
    assert paid.exit_code == 0, paid.output
    settled = period / "payroll-settled.csv"
    assert stat.S_IMODE(os.stat(settled).st_mode) == 0o600
    text = settled.read_bytes().decode("utf-8-sig")
    rows = {row["工号"]: row for row in csv.DictReader(io.StringIO(text))}
    corrected_pay = figures(score_input(corrected, None))
    for e in upheld:
        assert rows[e]["应发合计"] == f"{corrected_pay[e][4]:.2f}"  # the corrected figure, as re-issued

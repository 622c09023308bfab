"""Verification codes, document versions, `reporter verify`, and re-issue (issue 12, points 1 and 4).

The slow tests build the fixture company (BASE), change one figure, re-issue one letter, and read the
PDFs back with pdftotext.  The expected figures are worked by hand from BASE:

E002 (在线客服专员): 及时响应时间 41 s against ≤ 30 s → 0 of 30; 差评次数 2/4 = 50 % × 26 → 13; 工作态度 3/5 × 30
→ 18; 周报 3/4 × 4 → 3; 考勤 no deduction → 10; 违规扣分 −3.  Total 41.00, grade D (0 %).  With a response
time of 25 s the first line gives 30: total 71.00, grade B (100 %).  Pay: 岗位工资 4,500 + personal commission
80,000 × 1 % × coefficient (0 → 800) + shared 1,000,000 × 0.5 % ÷ 2 = 2,500 + seniority 1 year × 50 →
¥7,050.00 → ¥7,850.00.  E001 (122.20) stays first: nobody else's figures move.
"""

from __future__ import annotations

import copy
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.mail.ledger import Ledger, ledger_rows, ledger_versions
from reporter.store.documents import (
    CODE_ALPHABET,
    document_code,
    figures_digest,
    find_code,
    stamp_documents,
)
from reporter.writers.language import language
from reporter.writers.pdf.verification import figure_changes
from tests.conftest import BASE, write_book
from tests.smtp_server import smtp_server

REASON, APPROVER = "申诉成立：响应时间数据录错", "王经理"


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def run(*args: str):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def history_codes(db: Path) -> dict[tuple[str, int], str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT employee_id, version, code FROM documents WHERE kind = 'letter'").fetchall()
    return {(eid, version): code for eid, version, code in rows}


def corrected_book(path: Path) -> Path:
    """BASE with E002's response time corrected from 41 s to 25 s (the upheld appeal)."""
    sheets = copy.deepcopy(BASE)
    row = next(r for r in sheets["月度数据"] if r[0] == "E002")
    row[2] = 25
    return write_book(path, sheets)


# ------------------------------------------------------------------ pure: codes, versions, notes


def test_code_names_period_employee_kind_version_and_uses_no_ambiguous_letters():
    code = document_code("2026-10", "HZ0016", "letter", 2, "ab" * 32)
    period, employee, kind, check = code.split("-")
    assert (period, employee, kind) == ("202610", "HZ0016", "L2")
    assert len(check) == 8 and set(check) <= set(CODE_ALPHABET)
    assert not set("01OI") & set(CODE_ALPHABET)
    assert document_code("2026-Q4", "E001", "agreement", 1, "cd" * 32).startswith("2026Q4-E001-A1-")
    assert code == document_code("2026-10", "HZ0016", "letter", 2, "ab" * 32)  # defined by its inputs alone
    assert code != document_code("2026-10", "HZ0016", "letter", 3, "ab" * 32)
    assert code != document_code("2026-10", "HZ0016", "letter", 2, "ac" * 32)


def test_a_code_is_found_in_any_case_inside_text():
    code = document_code("2026-10", "HZ0016", "letter", 1, "ab" * 32)
    assert find_code(f"校验码 {code}\n第 1 页") == code
    assert find_code(code.lower()).casefold() == code.casefold()  # the record is looked up case-insensitively
    assert find_code("no code here 2026-10") is None


def test_a_version_stays_while_the_digest_does_and_moves_when_the_figures_change():
    first = stamp_documents({}, "letter", "2026-10", {"E1": {"total": "41.00"}})["E1"]
    assert first.version == 1 and first.digest == figures_digest({"total": "41.00"})

    class Recorded:  # what current_documents returns for E1 after the first issue
        code, version, digest, figures = first.code, 1, first.digest, {"total": "41.00"}
        change_note = change_reason = approved_by = appeal_deadline = ""
        issued_on = "2026-11-01"

    same = stamp_documents({"E1": Recorded}, "letter", "2026-10", {"E1": {"total": "41.00"}})["E1"]
    assert (same.code, same.version, same.issued_on) == (first.code, 1, "2026-11-01") and not same.is_new_version
    changed = stamp_documents({"E1": Recorded}, "letter", "2026-10", {"E1": {"total": "71.00"}})["E1"]
    assert changed.version == 2 and changed.supersedes == first.code and changed.is_new_version
    reissued = stamp_documents({"E1": Recorded}, "agreement", "2026-10", {"E1": {"total": "41.00"}}, bump={"E1"})["E1"]
    assert reissued.version == 2


@pytest.mark.parametrize("code, expected", [
    ("zh", ["总分 41.00 → 71.00", "等级 D → B", "应发合计 ¥7,050.00 → ¥7,850.00"]),
    ("en", ["Total score 41.00 → 71.00", "Grade D → B", "Total pay ¥7,050.00 → ¥7,850.00"]),
])
def test_the_change_note_lists_what_changed_in_the_document_language(code, expected):
    before = {"total": "41.00", "grade": "D", "department_rank": 2, "role_rank": 2, "pay": {"total": "7050.00"}}
    after = {**before, "total": "71.00", "grade": "B", "pay": {"total": "7850.00"}}
    assert figure_changes(before, after, language(code)) == expected


def test_an_old_ledger_is_migrated_and_its_rows_count_as_version_1(tmp_path):
    db = tmp_path / "reporter.sqlite"
    with sqlite3.connect(db) as conn:  # the outbox as it was before letter versions
        conn.execute("CREATE TABLE outbox (period TEXT NOT NULL, employee_id TEXT NOT NULL, channel TEXT NOT NULL, "
                     "recipient TEXT NOT NULL, message_id TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT "
                     "NULL DEFAULT 0, last_reply TEXT NOT NULL DEFAULT '', updated_at TEXT NOT NULL, "
                     "PRIMARY KEY (period, employee_id, channel))")
        conn.execute("INSERT INTO outbox VALUES ('2026-10', 'E002', 'live', 'a@x', '<m>', 'sent', 1, '250', 't')")
    first = Ledger(db, "2026-10", "live", lambda: "t2")
    assert first.status("E002") == ("sent", "250")
    first.close()
    second = Ledger(db, "2026-10", "live", lambda: "t3", {"E002": 2})
    assert second.status("E002") is None  # version 2 was never sent
    second.plan("E002", "a@x", "<m.v2>")
    second.mark("E002", "sent", "250 ok")
    second.close()
    assert ledger_versions(db, "2026-10") == [("E002", "live", 1, "sent"), ("E002", "live", 2, "sent")]
    assert len(ledger_rows(db, "2026-10")) == 2


def test_verify_an_unknown_code_exits_2(tmp_path):
    result = run("verify", "202610-E001-L1-ABCDEFGH", "--db", tmp_path / "none.sqlite")
    assert result.exit_code == 2 and "记录中没有这个校验码" in result.output
    assert run("verify", "not a code", "--db", tmp_path / "none.sqlite").exit_code == 2


# ------------------------------------------------------------------ slow: built, re-issued, verified


@pytest.fixture(scope="module")
def reissued(small_build, tmp_path_factory):
    """small_build's output copied, rebuilt unchanged, then E002 corrected and re-issued alone as version 2."""
    root = tmp_path_factory.mktemp("reissue")
    out = root / "out"
    shutil.copytree(small_build.out, out)
    letters = out / "2026-10" / "letters"
    v1 = history_codes(out / "reporter.sqlite")
    v1_bytes = {p.name: p.read_bytes() for p in letters.glob("*.pdf")}
    shutil.copyfile(letters / "E002.pdf", root / "E002-v1.pdf")
    unchanged = run("build", small_build.book, "--out", out, "--force")
    assert unchanged.exit_code == 0, unchanged.output
    after_rebuild = history_codes(out / "reporter.sqlite"), {p.name: p.read_bytes() for p in letters.glob("*.pdf")}
    book = corrected_book(root / "corrected.xlsx")
    refused = run("build", book, "--out", out, "--employee", "E002", "--force")
    refused_bytes = (letters / "E002.pdf").read_bytes()
    done = run("build", book, "--out", out, "--employee", "E002", "--force", "--change-reason", REASON,
               "--approved-by", APPROVER)
    assert done.exit_code == 0, done.output
    return {"root": root, "out": out, "book": book, "v1": v1, "v1_bytes": v1_bytes, "after_rebuild": after_rebuild,
            "refused": refused, "refused_bytes": refused_bytes, "codes": history_codes(out / "reporter.sqlite")}


@pytest.mark.slow
def test_every_letter_prints_its_code_on_every_page(reissued):
    for (eid, _version), code in reissued["v1"].items():
        pages = pdf_text(reissued["root"] / "E002-v1.pdf" if eid == "E002" else
                         reissued["out"] / "2026-10" / "letters" / f"{eid}.pdf").split("\f")
        pages = [p for p in pages if p.strip()]
        assert len(pages) >= 1 and all(code in page for page in pages), eid


@pytest.mark.slow
def test_the_printed_qr_codes_scan_back_to_the_code(reissued, tmp_path):
    """Scanned as a phone would: every page rendered at 150 dpi, every QR on it decoded by zbarimg."""
    import subprocess

    code = reissued["codes"][("E002", 2)]
    letter = reissued["out"] / "2026-10" / "letters" / "E002.pdf"
    subprocess.run(["pdftoppm", "-png", "-r", "150", str(letter), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert pages
    for page in pages:
        scanned = subprocess.run(["zbarimg", "--quiet", "--raw", str(page)], capture_output=True, text=True)
        found = [line for line in scanned.stdout.splitlines() if line]
        assert found and set(found) == {code}, (page.name, found)  # on every page, and nothing else


@pytest.mark.slow
def test_an_unchanged_rebuild_keeps_every_code_and_every_byte(reissued):
    codes, pdfs = reissued["after_rebuild"]
    assert codes == reissued["v1"] and set(v for _, v in codes) == {1}
    assert pdfs == reissued["v1_bytes"]


@pytest.mark.slow
def test_a_new_version_without_a_reason_is_refused_before_anything_is_written(reissued):
    refused = reissued["refused"]
    assert refused.exit_code == 2
    assert "E002" in refused.output and "--change-reason" in refused.output and "--approved-by" in refused.output
    assert reissued["refused_bytes"] == reissued["v1_bytes"]["E002.pdf"]


@pytest.mark.slow
def test_a_changed_figure_gives_version_2_with_its_change_note(reissued):
    codes = reissued["codes"]
    assert set(codes) == set(reissued["v1"]) | {("E002", 2)}
    text = "".join(pdf_text(reissued["out"] / "2026-10" / "letters" / "E002.pdf").split())
    for expected in (codes[("E002", 2)], "第2版", f"取代{codes[('E002', 1)]}", "总分41.00→71.00", "等级D→B",
                     "应发合计¥7,050.00→¥7,850.00", REASON, APPROVER):
        assert expected in text, expected
    from tests.test_documents import words_outside_cells

    assert words_outside_cells(reissued["out"] / "2026-10" / "letters" / "E002.pdf") == []  # the note, the QR fit
    manifest = (reissued["out"] / "2026-10" / "manifest.json").read_text(encoding="utf-8")
    assert codes[("E002", 2)] in manifest and codes[("E001", 1)] in manifest


@pytest.mark.slow
def test_verify_tells_current_superseded_forged_and_altered_apart(reissued, tmp_path):
    db = reissued["out"] / "reporter.sqlite"
    codes = reissued["codes"]
    old = run("verify", codes[("E002", 1)], "--db", db)
    assert old.exit_code == 1 and codes[("E002", 2)] in old.output and "已被新版本取代" in old.output
    new = run("verify", codes[("E002", 2)].lower(), "--db", db)
    assert new.exit_code == 0 and "当前有效版本" in new.output
    assert "总分 71.00" in new.output and "等级 B" in new.output and "¥7,850.00" in new.output
    forged = codes[("E002", 2)][:-1] + ("A" if codes[("E002", 2)][-1] != "A" else "B")
    assert run("verify", forged, "--db", db).exit_code == 2
    pdf = reissued["out"] / "2026-10" / "letters" / "E002.pdf"
    assert run("verify", pdf, "--db", db).exit_code == 0
    assert run("verify", reissued["root"] / "E002-v1.pdf", "--db", db).exit_code == 1
    altered = tmp_path / "E002.pdf"
    altered.write_bytes(pdf.read_bytes() + b"\n% edited\n")
    result = run("verify", altered, "--db", db)
    assert result.exit_code == 1 and "文件已被改动" in result.output
    flipped = bytearray(pdf.read_bytes())
    flipped[len(flipped) // 2] ^= 1
    altered.write_bytes(bytes(flipped))
    assert run("verify", altered, "--db", db).exit_code in (1, 2)  # unreadable text is no code at all


@pytest.mark.slow
def test_a_partial_rebuild_that_would_change_others_stops(small_build_copy, tmp_path):
    sheets = copy.deepcopy(BASE)
    sheets["提成池"][1][1] = 2000000  # the pool E001 and E002 share: both letters' pay changes
    book = write_book(tmp_path / "pool.xlsx", sheets)
    result = run("build", book, "--out", small_build_copy.out, "--employee", "E004", "--force",
                 "--change-reason", REASON, "--approved-by", APPROVER)
    assert result.exit_code == 2 and "E001" in result.output and "E002" in result.output
    assert "--force" in result.output


@pytest.mark.slow
def test_email_sends_version_2_after_version_1_and_the_ledger_keeps_both(small_build_copy, tmp_path):
    from tests.test_mailer import config_for, deliver

    period = small_build_copy.out / "2026-10"
    with smtp_server(tmp_path) as server:
        first = deliver(period, server, config=config_for(server), employee_ids=["E002"])
        assert first.sent == ["E002"]
        book = corrected_book(tmp_path / "corrected.xlsx")
        rebuilt = run("build", book, "--out", small_build_copy.out, "--employee", "E002", "--force",
                      "--change-reason", REASON, "--approved-by", APPROVER)
        assert rebuilt.exit_code == 0, rebuilt.output
        second = deliver(period, server, config=config_for(server), employee_ids=["E002"])
        assert second.sent == ["E002"] and not second.skipped
        third = deliver(period, server, config=config_for(server), employee_ids=["E002"])
        assert third.sent == [] and len(server.received) == 2
        letter = next(p for p in server.received[1].message.iter_attachments()
                      if p.get_filename().startswith("绩效考核结果确认书"))
        assert letter.get_content() == (period / "letters" / "E002.pdf").read_bytes()
        assert server.received[1].message["Message-ID"].startswith("<2026-10.E002.v2@")
    assert ledger_versions(small_build_copy.out / "reporter.sqlite", "2026-10") == [
        ("E002", "live", 1, "sent"), ("E002", "live", 2, "sent")]


@pytest.mark.slow
def test_plan_records_each_agreement_and_a_reissue_is_its_next_version(make_book, tmp_path):
    from reporter.writers.pdf.verification import code_from_pdf

    book, out = make_book(), tmp_path / "out"
    assert run("plan", book, "--out", out).exit_code == 0
    db, agreement = out / "reporter.sqlite", out / "plans" / "2026-10" / "agreements" / "E001.pdf"
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT employee_id, version, period FROM documents WHERE kind = 'agreement' "
                            "ORDER BY employee_id").fetchall()
    assert rows == [("E001", 1, "2026-10"), ("E002", 1, "2026-10"), ("E004", 1, "2026-10")]  # E003: not appraised
    first = code_from_pdf(agreement)
    assert first.startswith("2026-10".replace("-", "") + "-E001-A1-")
    assert all(first in page for page in pdf_text(agreement).split("\f") if page.strip())
    assert run("verify", agreement, "--db", db).exit_code == 0
    assert run("plan", book, "--out", out, "--employee", "E001", "--reissue").exit_code == 0
    second = code_from_pdf(agreement)
    assert second.startswith("202610-E001-A2-")
    assert run("verify", first, "--db", db).exit_code == 1
    assert run("verify", agreement, "--db", db).exit_code == 0


def test_a_history_file_of_the_previous_schema_gains_the_documents_table(tmp_path):
    from reporter.store.documents import current_documents
    from reporter.store.history import SCHEMA_VERSION, connect_history

    db = tmp_path / "old.sqlite"
    connect_history(db).close()
    with sqlite3.connect(db) as conn:  # as the schema before documents (and the units, v8's columns after) left it
        conn.execute("DROP TABLE documents")
        conn.execute("DROP TABLE unit_results")
        conn.execute("ALTER TABLE results DROP COLUMN bonus_base")
        conn.execute("ALTER TABLE periods DROP COLUMN settings")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 3}")
    assert current_documents(db, "letter", "2026-10") == {}
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION

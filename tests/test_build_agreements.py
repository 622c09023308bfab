"""`build` at the period's end: no agreements unless asked (`reporter plan` issues them), and e-mail finds them."""

from __future__ import annotations

import email
import json
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from reporter.cli import cli
from reporter.errors import DeliveryError
from reporter.mail.message import attachment_path, attachment_paths
from reporter.writers.manifest import Manifest, Recipient


def run(*args):
    return CliRunner().invoke(cli, [*map(str, args)])


def manifest_files(period: Path) -> dict[str, dict[str, str]]:
    data = json.loads((period / "manifest.json").read_text(encoding="utf-8"))
    return {r["employee_id"]: r["files"] for r in data["recipients"]}


# ------------------------------------------------------------------ which agreement e-mail attaches (fast)


def recipient(eid: str, appraised: bool, files: dict | None = None) -> Recipient:
    return Recipient(eid, "张伟", "a@example.com", "华东公司", "客服部", appraised,
                     files if files is not None else {"letters": f"letters/{eid}.pdf"})


def manifest_at(folder: Path) -> Manifest:
    return Manifest(folder, "2026-10", "2026年10月", "云栖", "人事部", "2026-11-15", {}, ())


def test_the_agreement_comes_from_the_period_else_the_plan(tmp_path):
    folder, plan = tmp_path / "out" / "2026-10", tmp_path / "out" / "plans" / "2026-10"
    for base in (folder, plan):
        (base / "agreements").mkdir(parents=True)
    (plan / "agreements" / "E001.pdf").write_bytes(b"plan")
    (plan / "agreements" / "E002.pdf").write_bytes(b"plan")
    (folder / "agreements" / "E002.pdf").write_bytes(b"build --only agreements")
    manifest = manifest_at(folder)
    assert attachment_path(manifest, recipient("E001", True), "agreements") == plan / "agreements" / "E001.pdf"
    assert attachment_path(manifest, recipient("E002", True), "agreements") == folder / "agreements" / "E002.pdf"
    assert attachment_path(manifest, recipient("E003", False), "agreements") is None  # absent: none, no error
    with pytest.raises(DeliveryError) as raised:
        attachment_path(manifest, recipient("E004", True), "agreements")
    assert "reporter plan" in str(raised.value) and "--only agreements" in str(raised.value)
    assert "E004.pdf" in str(raised.value)


def test_the_plan_folder_is_the_agreements_term(tmp_path):
    """设置 责任书期限 季度: the months of the quarter share plans/2026-Q4, named in manifest.json."""
    folder, plan = tmp_path / "out" / "2026-11", tmp_path / "out" / "plans" / "2026-Q4"
    (plan / "agreements").mkdir(parents=True)
    (plan / "agreements" / "E001.pdf").write_bytes(b"plan")
    manifest = Manifest(folder, "2026-11", "2026年11月", "云栖", "人事部", "2026-12-15", {}, (), term="2026-Q4")
    assert attachment_path(manifest, recipient("E001", True), "agreements") == plan / "agreements" / "E001.pdf"


def test_every_addendum_of_the_term_is_attached_in_number_order(tmp_path):
    folder, plan = tmp_path / "out" / "2026-11", tmp_path / "out" / "plans" / "2026-Q4"
    (plan / "addenda").mkdir(parents=True)
    for name in ("E001-2.pdf", "E001-10.pdf", "E001-1.pdf", "E0011-1.pdf", "E001-x.pdf"):
        (plan / "addenda" / name).write_bytes(b"addendum")
    manifest = Manifest(folder, "2026-11", "2026年11月", "云栖", "人事部", "2026-12-15", {}, (), term="2026-Q4")
    assert [p.name for p in attachment_paths(manifest, recipient("E001", True), "addenda")] == [
        "E001-1.pdf", "E001-2.pdf", "E001-10.pdf"]  # not E0011's, not a stray file
    assert attachment_paths(manifest, recipient("E002", True), "addenda") == []  # none: nothing attached, no error
    assert attachment_paths(manifest_at(tmp_path / "x" / "2026-10"), recipient("E001", True), "addenda") == []


def test_a_manifest_naming_the_agreement_is_followed(tmp_path):
    """A period built with agreements (or before 0.x) names them in its manifest: that file, as before."""
    folder = tmp_path / "2026-10"
    (folder / "agreements").mkdir(parents=True)
    (folder / "agreements" / "E001.pdf").write_bytes(b"built")
    r = recipient("E001", True, {"agreements": "agreements/E001.pdf"})
    assert attachment_path(manifest_at(folder), r, "agreements") == folder / "agreements" / "E001.pdf"
    assert attachment_path(manifest_at(folder), recipient("E001", True), "scorecards") is None


# ------------------------------------------------------------------ builds (slow: PDFs)


def test_default_build_writes_no_agreements(small_build):
    period = small_build.out / "2026-10"
    assert not (period / "agreements").exists() and not list(period.glob("print/agreements-*"))
    assert list(period.glob("print/letters-*.pdf")) and (period / "letters" / "E003.pdf").is_file()
    assert json.loads((period / "manifest.json").read_text(encoding="utf-8"))["term"] == "2026-10"
    files = manifest_files(period)
    assert all("agreements" not in f and "letters" in f for f in files.values())  # agreements: if written
    assert "scorecards" in files["E001"] and "scorecards" not in files["E003"]


def test_only_agreements_for_the_appraised_and_whoever_hr_names(small_build_copy):
    out, book = small_build_copy.out, small_build_copy.book
    period = out / "2026-10"
    result = run("build", book, "--out", out, "--only", "agreements", "--force")
    assert result.exit_code == 0, result.output
    assert sorted(p.stem for p in (period / "agreements").iterdir()) == ["E001", "E002", "E004"]  # E003 absent
    batch = period / "print" / "agreements-华东公司-客服部.pdf"
    two = len(PdfReader(batch).pages)
    assert (period / "print" / "agreements-华东公司-运营部.pdf").is_file()
    assert "agreements" not in manifest_files(period)["E001"]  # the manifest was not rewritten: --only summary does

    result = run("build", book, "--out", out, "--only", "agreements", "--employee", "E003", "--force")
    assert result.exit_code == 0, result.output
    assert (period / "agreements" / "E003.pdf").is_file()  # HR asked for it
    assert len(PdfReader(batch).pages) > two  # the department's batch now holds it too

    assert run("build", book, "--out", out, "--only", "summary", "--force").exit_code == 0
    files = manifest_files(period)
    assert files["E003"]["agreements"] == "agreements/E003.pdf" and "agreements" in files["E001"]


def test_email_attaches_the_plans_agreement_or_says_what_to_run(small_build_copy):
    out, book = small_build_copy.out, small_build_copy.book
    period = out / "2026-10"
    config = out.parent / "mail.toml"
    config.write_text('[smtp]\nhost = "smtp.example.com"\nsender = "hr@example.com"\n', encoding="utf-8")
    refused = run("email", period, "--attach", "letters,agreements", "--config", config)
    assert refused.exit_code != 0
    assert "reporter plan" in refused.output and "build --only agreements" in refused.output
    assert not list(period.glob("outbox/*.eml"))

    assert run("plan", book, "--out", out).exit_code == 0  # OUT/plans/2026-10/agreements/
    sent = run("email", period, "--attach", "letters,agreements", "--config", config)
    assert sent.exit_code == 0, sent.output
    msg = email.message_from_bytes((period / "outbox" / "E001.eml").read_bytes(), policy=policy.default)
    attached = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
    agreement = next(data for name, data in attached.items() if name.startswith("目标责任书"))
    assert agreement == (out / "plans" / "2026-10" / "agreements" / "E001.pdf").read_bytes()

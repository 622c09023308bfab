"""E-mail delivery against a real SMTP server on loopback (aiosmtpd), with verified TLS and injected faults."""

from __future__ import annotations

import email
import json
import shutil
from dataclasses import replace
from email import policy
from pathlib import Path

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.errors import DeliveryError
from reporter.mail.config import SmtpConfig, load_config
from reporter.mail.ledger import ledger_rows
from reporter.mail.send import send_results
from reporter.writers.manifest import read_manifest
from tests.smtp_server import Faults, smtp_server


@pytest.fixture
def period(sample_build, tmp_path) -> Path:
    """A private copy of the built sample period, so each test has its own outbox and ledger."""
    folder = tmp_path / "output" / "2026-10"
    shutil.copytree(sample_build, folder, ignore=shutil.ignore_patterns("print", "agreements", "outbox"))
    return folder


def config_for(server, **overrides) -> SmtpConfig:
    base = SmtpConfig(host=server.host, port=server.port, security="starttls", user=server.user or "",
                      sender="hr@yunqi.example.com", sender_name="人事行政部", rate_limit=10_000,
                      cafile=str(server.cafile), backoff=0.01)
    return replace(base, **overrides)


def deliver(period, server, **kw):
    config = kw.pop("config", None) or config_for(server)
    return send_results(period, config, send=True, password=server.password, sleep=kw.pop("sleep", lambda s: None),
                        **kw)


def recipients_of(period):
    return {r.employee_id: r for r in read_manifest(period).recipients}


def statuses(period):
    return {eid: status for eid, channel, _, status, _, _ in ledger_rows(period.parent / "reporter.sqlite", "2026-10")
            if channel == "live"}


def test_dry_run_writes_eml_files_and_sends_nothing(period):
    report = send_results(period, load_config(read_manifest(period).mail), attach=("letters", "scorecards"))
    people = recipients_of(period)
    assert report.dry_run and len(report.written) == len(people) and not statuses(period)
    for path in report.written:
        msg = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        person = people[path.stem]
        assert msg["To"].addresses[0].addr_spec == person.email and len(msg["To"].addresses) == 1
        assert msg["Cc"] is None and msg["Bcc"] is None
        assert msg["To"].addresses[0].display_name == person.name
        assert msg["Subject"] == f"杭州云栖电子商务有限公司 2026年10月绩效考核结果 - {person.name}"
        assert msg["Message-ID"] == f"<2026-10.{person.employee_id}@reporter.yunqi.example.com>"
        attachments = {part.get_filename(): part.get_content() for part in msg.iter_attachments()}
        letter = f"绩效考核结果确认书-2026-10-{person.employee_id}-{person.name}.pdf"
        assert attachments[letter] == (period / person.files["letters"]).read_bytes()
        assert (f"绩效考核表-2026-10-{person.employee_id}-{person.name}.xlsx" in attachments) is person.appraised
        assert person.name in msg.get_body(preferencelist=("plain",)).get_content()


def test_whole_sample_over_verified_starttls_then_a_rerun_sends_nothing(period, tmp_path):
    people = recipients_of(period)
    with smtp_server(tmp_path) as server:
        report = deliver(period, server, attach=("letters", "scorecards"))
        assert len(report.sent) == len(people) and not (report.failed or report.unknown or report.retry)
        assert len(server.received) == len(people)
        for received in server.received:
            msg = received.message
            person = next(p for p in people.values() if p.email == received.rcpt_tos[0])
            assert received.rcpt_tos == [person.email]  # exactly one recipient: that employee
            assert received.tls and received.auth_user == server.user
            assert msg["To"].addresses[0].addr_spec == person.email
            letter = next(p for p in msg.iter_attachments() if p.get_filename().startswith("绩效考核结果确认书"))
            assert letter.get_content() == (period / person.files["letters"]).read_bytes()
            assert "绩效考核结果" in msg["Subject"] and "您好" in msg.get_body().get_content()
        again = deliver(period, server)
        assert again.sent == [] and len(again.skipped) == len(people)
        assert len(server.received) == len(people)  # nobody got a second copy
    assert set(statuses(period).values()) == {"sent"}


def test_implicit_tls(period, tmp_path):
    with smtp_server(tmp_path, tls="ssl") as server:
        report = deliver(period, server, config=config_for(server, security="ssl"), employee_ids=["HZ0016", "GZ0010"])
        assert sorted(report.sent) == ["GZ0010", "HZ0016"] and len(server.received) == 2


def test_refused_recipient_fails_alone(period, tmp_path):
    people = recipients_of(period)
    bad = people["HZ0016"].email
    with smtp_server(tmp_path, faults=Faults(refuse={bad})) as server:
        report = deliver(period, server)
        assert [eid for eid, _ in report.failed] == ["HZ0016"] and "550" in report.failed[0][1]
        assert len(report.sent) == len(people) - 1
        assert bad not in [r.rcpt_tos[0] for r in server.received]
        again = deliver(period, server)
        assert again.sent == [] and [(u.employee_id, u.status) for u in again.undelivered] == [("HZ0016", "failed")]
        assert "550" in again.undelivered[0].reply and "--retry-failed" in again.undelivered[0].todo
    assert statuses(period)["HZ0016"] == "failed"


def test_temporary_failure_is_retried_once_with_backoff(period, tmp_path):
    target = recipients_of(period)["GZ0010"].email
    pauses = []
    with smtp_server(tmp_path, faults=Faults(defer_once={target})) as server:
        report = deliver(period, server, employee_ids=["GZ0010", "HZ0016"], sleep=pauses.append)
        assert sorted(report.sent) == ["GZ0010", "HZ0016"]
        assert [r.rcpt_tos[0] for r in server.received].count(target) == 1
    assert 0.01 in pauses  # waited the backoff before the second try
    rows = {eid: attempts for eid, _, _, _, attempts, _ in ledger_rows(period.parent / "reporter.sqlite", "2026-10")}
    assert rows["GZ0010"] == 2 and rows["HZ0016"] == 1


def test_connection_dropped_mid_batch_then_rerun_sends_the_rest_once(period, tmp_path):
    people = recipients_of(period)
    with smtp_server(tmp_path, faults=Faults(drop_after_data={3})) as server:
        first = deliver(period, server)
        assert len(first.sent) == 2 and len(first.unknown) == 1 and first.stopped
        assert len(server.received) == 3  # the third arrived, but its sender never heard back
        dropped = first.unknown[0]
        second = deliver(period, server)
        assert len(second.sent) == len(people) - 3
        # not resent without --resend-unknown, and still reported
        assert [(u.employee_id, u.status) for u in second.undelivered] == [(dropped, "unknown")]
        counts = {}
        for r in server.received:
            counts[r.rcpt_tos[0]] = counts.get(r.rcpt_tos[0], 0) + 1
        assert set(counts.values()) == {1} and len(counts) == len(people)
    assert statuses(period)[dropped] == "unknown"


def test_connection_lost_before_data_is_retried_on_rerun(period, tmp_path):
    with smtp_server(tmp_path, faults=Faults(drop_before_data={2})) as server:
        first = deliver(period, server, employee_ids=["HZ0016", "HZ0018", "HZ0019"])
        assert len(first.sent) == 1 and len(first.retry) == 1 and first.stopped
        second = deliver(period, server, employee_ids=["HZ0016", "HZ0018", "HZ0019"])
        assert len(second.sent) == 2 and len(server.received) == 3


def test_certificate_that_does_not_verify_sends_nothing(period, tmp_path):
    with smtp_server(tmp_path, untrusted=True) as server:
        with pytest.raises(DeliveryError, match="证书验证失败"):
            deliver(period, server)
        assert server.received == []
    assert "sent" not in statuses(period).values()


def test_rehearsal_goes_to_hr_only_and_does_not_count_as_sent(period, tmp_path):
    with smtp_server(tmp_path) as server:
        report = deliver(period, server, test_to="hr-check@yunqi.example.com", employee_ids=["HZ0016", "GZ0010"])
        assert sorted(report.sent) == ["GZ0010", "HZ0016"]
        assert {r.rcpt_tos[0] for r in server.received} == {"hr-check@yunqi.example.com"}
        msg = server.received[0].message
        assert msg["Subject"].startswith("[演练]") and "正式发送时收件人为" in msg.get_body().get_content()
        live = deliver(period, server, employee_ids=["HZ0016"])
        assert live.sent == ["HZ0016"]  # the rehearsal did not mark the real message as sent


def test_rate_limit_is_honoured(period, tmp_path):
    pauses = []
    with smtp_server(tmp_path) as server:
        deliver(period, server, config=config_for(server, rate_limit=30), employee_ids=["HZ0016", "HZ0018", "HZ0019"],
                sleep=pauses.append)
    assert pauses == [2.0, 2.0]  # 30 a minute: two seconds between messages


def test_password_never_from_a_file(period, tmp_path):
    config = tmp_path / "smtp.toml"
    config.write_text('[smtp]\nhost = "smtp.example.com"\npassword = "hunter2"\n', encoding="utf-8")
    with pytest.raises(DeliveryError, match="REPORTER_SMTP_PASSWORD"):
        load_config({}, config)
    with pytest.raises(DeliveryError, match="REPORTER_SMTP_PASSWORD"):
        send_results(period, SmtpConfig(host="smtp.example.com", user="hr", sender="hr@example.com"), send=True)


def test_a_crafted_name_is_refused_before_anything_is_sent(period, tmp_path):
    manifest = period / "manifest.json"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('"沈梦婷"', '"沈梦婷\\r\\nBcc: all@example.com"'),
                        encoding="utf-8")
    with smtp_server(tmp_path) as server:
        with pytest.raises(DeliveryError, match="HZ0016"):
            deliver(period, server)
        assert server.received == []


def test_cli_dry_run_then_send(period, tmp_path):
    runner = CliRunner()
    dry = runner.invoke(cli, ["email", str(period), "--employee", "HZ0016"])
    assert dry.exit_code == 0 and "HZ0016 沈梦婷 → shenmengting@yunqi.example.com" in dry.output
    assert "未发送任何邮件" in dry.output and (period / "outbox" / "HZ0016.eml").exists()
    with smtp_server(tmp_path) as server:
        config = tmp_path / "smtp.toml"
        config.write_text(f'[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "starttls"\n'
                          f'user = "{server.user}"\ncafile = "{server.cafile}"\n', encoding="utf-8")
        sent = runner.invoke(cli, ["email", str(period), "--send", "--employee", "HZ0016", "--config", str(config)],
                             env={"REPORTER_SMTP_PASSWORD": server.password})
        assert sent.exit_code == 0, sent.output
        assert "已发送：1 封" in sent.output and len(server.received) == 1
        assert server.password not in sent.output


def test_no_clear_text_mail_or_credentials(period, tmp_path):
    with smtp_server(tmp_path, tls="none") as server:
        with pytest.raises(DeliveryError, match="starttls 或 ssl"):
            deliver(period, server, config=config_for(server, security="none"))
        assert server.auth_attempts == [] and server.received == []


def test_a_period_built_before_the_rename_still_mails_its_letters(tmp_path, make_book):
    """manifest.json of version 0.1 named files in the singular (letter, scorecard): read under today's names."""
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["build", str(make_book()), "--out", str(out), "--only", "summary"])
    assert result.exit_code == 0, result.output
    period = out / "2026-10"
    manifest = json.loads((period / "manifest.json").read_text(encoding="utf-8"))
    for person in manifest["recipients"]:
        person["files"] = {kind.rstrip("s"): path for kind, path in person["files"].items()}
        (period / person["files"]["letter"]).parent.mkdir(exist_ok=True)
        (period / person["files"]["letter"]).write_bytes(b"%PDF-1.7 " + person["employee_id"].encode())
    (period / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    report = send_results(period, SmtpConfig(sender="hr@example.com"), employee_ids=["E001"])
    msg = email.message_from_bytes(report.written[0].read_bytes(), policy=policy.default)
    assert [part.get_content() for part in msg.iter_attachments()] == [b"%PDF-1.7 E001"]


def test_mail_templates_are_sandboxed(tmp_path):
    import jinja2
    from jinja2.sandbox import SecurityError

    from reporter.mail.message import text_environment

    (tmp_path / "email_body.txt.j2").write_text("{{ name.__class__.__mro__ }}", encoding="utf-8")
    with pytest.raises(SecurityError):
        text_environment(tmp_path).get_template("email_body.txt.j2").render(name="x")
    assert isinstance(text_environment(tmp_path), jinja2.Environment)


HOSTILE_NAMES = {  # 工号 → (name in the manifest, the letter's attachment name worked by hand)
    "HZ0016": ("../../etc/passwd", "绩效考核结果确认书-2026-10-HZ0016-etc_passwd.pdf"),
    "HZ0018": ('李"娜\\', "绩效考核结果确认书-2026-10-HZ0018-李_娜.pdf"),
    "HZ0019": ("张三\u202egpj.exe", "绩效考核结果确认书-2026-10-HZ0019-张三_gpj.exe.pdf"),  # U+202E: right-to-left
    "GZ0010": ("王" * 60, "绩效考核结果确认书-2026-10-GZ0010-" + "王" * 40 + ".pdf"),
}


def test_attachment_names_carry_the_id_and_a_safe_name(period, tmp_path):
    """Names as a hand-edited or older manifest may hold them; read back from the server with the email parser."""
    manifest = json.loads((period / "manifest.json").read_text(encoding="utf-8"))
    for person in manifest["recipients"]:
        if person["employee_id"] in HOSTILE_NAMES:
            person["name"] = HOSTILE_NAMES[person["employee_id"]][0]
    (period / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    with smtp_server(tmp_path) as server:
        report = deliver(period, server, employee_ids=list(HOSTILE_NAMES))
        assert sorted(report.sent) == sorted(HOSTILE_NAMES)
        received = {r.rcpt_tos[0]: r for r in server.received}
    for eid, (name, expected) in HOSTILE_NAMES.items():
        got = received[recipients_of(period)[eid].email]
        msg = email.message_from_bytes(got.data, policy=policy.default)
        (part,) = msg.iter_attachments()
        assert part.get_filename() == expected
        if len(name) < 20:  # (a long encoded display name comes back folded, with spaces)
            assert msg["To"].addresses[0].display_name == name  # the name itself is untouched where it is text


@pytest.mark.parametrize(("name", "safe"), [
    ('Zhang "Wei"\r\nBcc: all@example.com', "Zhang _Wei_Bcc_ all@example.com"),
    ("a/b\\c:d*e?f<g>h|i", "a_b_c_d_e_f_g_h_i"),
    ("\t..hidden", "hidden"),
    ("Zhang\u3000Wei\u200b", "Zhang Wei"),
    ("...", ""),
])
def test_safe_file_part(name, safe):
    from reporter.mail.message import safe_file_part

    assert safe_file_part(name, 40) == safe

"""`--config` and the workbook's mail settings are checked when loaded: every problem at once, file and key, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.errors import DeliveryError, InputError
from reporter.mail.config import SmtpConfig, load_config
from reporter.mail.send import send_results
from tests.mail_period import stand_in_period


def toml(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "smtp.toml"
    path.write_text("[smtp]\n" + body, encoding="utf-8")
    return path


def problems_of(raised) -> dict[str, str]:
    """key → message of each problem of a refused configuration."""
    return {p.column: p.message for p in raised.value.problems}


@pytest.mark.parametrize(("line", "key"), [
    ("rate_limit = 0", "rate_limit"),  # was: one message sent, then ZeroDivisionError
    ("rate_limit = -5", "rate_limit"),
    ("rate_limit = 10001", "rate_limit"),  # the workbook's 每分钟发送上限 stops at 10000 too
    ("rate_limit = 2.5", "rate_limit"),
    ('rate_limit = "30"', "rate_limit"),
    ("max_attempts = 0", "max_attempts"),  # was: UnboundLocalError, nothing sent and no ledger row
    ("max_attempts = 11", "max_attempts"),
    ("max_attempts = true", "max_attempts"),
    ("timeout = 0", "timeout"),
    ("timeout = -1.5", "timeout"),
    ("timeout = inf", "timeout"),
    ("timeout = nan", "timeout"),
    ("timeout = 601", "timeout"),
    ("backoff = -1", "backoff"),
    ("backoff = 301", "backoff"),
    ("port = 0", "port"),
    ("port = 65536", "port"),
    ('port = "587"', "port"),
    ('security = "none"', "security"),
    ("host = 25", "host"),
    ('host = "smtp.example.com\\r\\nRCPT TO:<x@evil.example>"', "host"),
    ('host = "smtp example.com"', "host"),
    ('sender = "hr"', "sender"),
    ('sender = "hr@example.com\\nBcc: all@example.com"', "sender"),
    ('sender_name = "人事部\\r\\nBcc: all@example.com"', "sender_name"),
    ('user = "hr\\u0000"', "user"),
    ('cafile = "/nonexistent/ca.pem"', "cafile"),
])
def test_each_bad_value_is_named_with_its_file_and_key(tmp_path, line, key):
    path = toml(tmp_path, line + "\n")
    with pytest.raises(InputError) as raised:
        load_config({}, path)
    (problem,) = raised.value.problems
    assert (problem.file, problem.sheet, problem.column) == (str(path), "[smtp]", key)


def test_good_values_load(tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    path = toml(tmp_path, f'host = "smtp.example.com"\nport = 465\nsecurity = "ssl"\nrate_limit = 10000\n'
                          f'max_attempts = 1\ntimeout = 0.5\nbackoff = 0\ncafile = "{ca}"\n')
    config = load_config({"sender": "hr@example.com", "rate_limit": 30}, path)
    assert (config.port, config.rate_limit, config.max_attempts, config.timeout, config.backoff) == (465, 10000, 1,
                                                                                                      0.5, 0)


def test_every_problem_at_once_with_unknown_keys_and_a_password(tmp_path):
    path = toml(tmp_path, 'rate_limit = 0\nmax_attempts = 0\nport = 70000\npasword = "x"\npassword = "hunter2"\n')
    with pytest.raises(InputError) as raised:
        load_config({}, path)
    found = problems_of(raised)
    assert set(found) == {"rate_limit", "max_attempts", "port", "pasword", "password"}
    assert "REPORTER_SMTP_PASSWORD" in found["password"] and "hunter2" not in str(raised.value.problems)


def test_the_workbooks_settings_are_checked_too_naming_the_manifest(tmp_path):
    with pytest.raises(InputError) as raised:
        load_config({"rate_limit": 0, "port": 99999, "sender": "hr@example.com"}, None, source="out/2026-10/manifest.json")
    assert {(p.file, p.sheet, p.column) for p in raised.value.problems} == {
        ("out/2026-10/manifest.json", "mail", "rate_limit"), ("out/2026-10/manifest.json", "mail", "port")}


def test_a_config_built_in_code_is_checked_before_sending(tmp_path):
    with pytest.raises(DeliveryError, match="rate_limit"):
        SmtpConfig(host="smtp.example.com", sender="hr@example.com", rate_limit=0).check(sending=True)


def test_cli_exits_2_with_every_problem_and_no_traceback(tmp_path):
    path = toml(tmp_path, 'host = "127.0.0.1"\nport = 9\nsender = "hr@example.com"\nrate_limit = 0\nmax_attempts = 0\n')
    result = CliRunner().invoke(cli, ["email", str(stand_in_period(tmp_path)), "--send", "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("错误")]
    assert len(lines) == 2 and all(str(path) in line for line in lines)
    assert any("rate_limit" in line for line in lines) and any("max_attempts" in line for line in lines)


def test_before_the_check_rate_limit_0_crashed_after_one_message(tmp_path):
    """What the issue saw, through the library: now refused before anything is sent."""
    period = stand_in_period(tmp_path)
    config = SmtpConfig(host="127.0.0.1", port=9, sender="hr@example.com", rate_limit=0)
    with pytest.raises(DeliveryError, match="rate_limit"):
        send_results(period, config, send=True)
    assert not (period.parent / "reporter.sqlite-email-2026-10.lock").exists()


def test_a_send_without_a_server_is_a_settings_problem_exit_2(tmp_path):
    period = str(stand_in_period(tmp_path))
    path = toml(tmp_path, 'sender = "hr@example.com"\n')
    dry = CliRunner().invoke(cli, ["email", period, "--config", str(path)])
    assert dry.exit_code == 0, dry.output  # a dry run needs no server
    result = CliRunner().invoke(cli, ["email", period, "--send", "--config", str(path)])  # the fixture names none
    assert result.exit_code == 2, result.output
    assert "未设置邮件服务器" in result.stderr and "Traceback" not in result.output


def test_a_server_that_cannot_be_reached_is_exit_1(tmp_path):
    path = toml(tmp_path, 'host = "127.0.0.1"\nport = 9\nsecurity = "ssl"\nsender = "hr@example.com"\ntimeout = 5\n')
    result = CliRunner().invoke(cli, ["email", str(stand_in_period(tmp_path)), "--send", "--config", str(path)])
    assert result.exit_code == 1, result.output
    assert "无法连接邮件服务器 127.0.0.1:9" in result.stderr and "Traceback" not in result.output

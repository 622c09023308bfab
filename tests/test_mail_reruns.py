"""`reporter email --send` reruns and their exit status: each promise of README and docs/delivery.md.

Exit 1 while any message of the period is not `sent` (refused, unknown, a dead run's `sending`, left to
retry), on every run, including one that had nothing new to send; exit 0 once all have gone.  A real
SMTP server on loopback; the fixture company's period built with `--only summary` and stand-in letters.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reporter.cli import cli
from reporter.mail.ledger import Ledger, ledger_rows
from tests.mail_period import ADDRESSES, stand_in_period
from tests.smtp_server import Faults, smtp_server


@pytest.fixture
def period(tmp_path) -> Path:
    return stand_in_period(tmp_path)


def email(period: Path, server, tmp_path: Path, *args: str, max_attempts: int = 3):
    """`reporter email PERIOD --send ARGS` in this process, against ``server``."""
    config = tmp_path / f"smtp-{server.port}.toml"
    config.write_text(f'[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "starttls"\n'
                      f'user = "{server.user}"\nsender = "hr@example.com"\ncafile = "{server.cafile}"\n'
                      f"rate_limit = 10000\nbackoff = 0\nmax_attempts = {max_attempts}\n", encoding="utf-8")
    return CliRunner().invoke(cli, ["email", str(period), "--send", "--config", str(config), *args],
                              env={"REPORTER_SMTP_PASSWORD": server.password})


def ledger_of(period: Path) -> dict[str, str]:
    return {eid: status for eid, channel, _, status, _, _ in ledger_rows(period.parent / "reporter.sqlite", "2026-10")
            if channel == "live"}


def line_of(output: str, employee_id: str) -> str:
    """The line of the report's 未送达 list that names the employee."""
    return next(line for line in output.splitlines() if line.strip().startswith(employee_id + " "))


def test_a_refused_message_keeps_every_rerun_at_exit_1_until_it_is_fixed(period, tmp_path):
    with smtp_server(tmp_path, faults=Faults(refuse={ADDRESSES["E002"]})) as server:
        first = email(period, server, tmp_path)
        assert first.exit_code == 1, first.output
        again = email(period, server, tmp_path)  # nothing new to send: still exit 1, saying what to do
        assert len(server.received) == 3
    assert again.exit_code == 1, again.output
    assert "已发送：0 封" in again.output and "未送达：1 封" in again.output
    refused = line_of(again.output, "E002")
    assert "550" in refused and "--retry-failed" in refused and "地址" in refused
    with smtp_server(tmp_path) as fixed:  # the address corrected: the server takes it now
        retried = email(period, fixed, tmp_path, "--retry-failed")
        assert [r.rcpt_tos for r in fixed.received] == [[ADDRESSES["E002"]]]
    assert retried.exit_code == 0, retried.output
    assert "未送达" not in retried.output and set(ledger_of(period).values()) == {"sent"}


def test_an_unknown_message_keeps_every_rerun_at_exit_1_until_resent(period, tmp_path):
    with smtp_server(tmp_path, faults=Faults(drop_after_data={2})) as server:
        first = email(period, server, tmp_path)  # the 2nd arrives, the reply is lost: unknown; the run stops
        assert first.exit_code == 1, first.output
        dropped = next(eid for eid, status in ledger_of(period).items() if status == "unknown")
        rest = email(period, server, tmp_path)  # sends the other two
        assert rest.exit_code == 1, rest.output
        assert "已发送：2 封" in rest.output and "--resend-unknown" in line_of(rest.output, dropped)
        idle = email(period, server, tmp_path)  # nothing new to send
        assert idle.exit_code == 1, idle.output
        assert "已发送：0 封" in idle.output and "--resend-unknown" in line_of(idle.output, dropped)
        assert "已发送邮件" in line_of(idle.output, dropped)  # check the sent folder first
        resent = email(period, server, tmp_path, "--resend-unknown", "--employee", dropped)
        assert resent.exit_code == 0, resent.output
        assert len(server.received) == 5  # four employees, the dropped one twice: only because it was asked
    assert set(ledger_of(period).values()) == {"sent"}


def test_a_dead_runs_message_is_unknown_on_every_rerun(period, tmp_path):
    ledger = Ledger(period.parent / "reporter.sqlite", "2026-10", "live", lambda: "2026-11-10T09:00:00+08:00")
    ledger.plan("E003", ADDRESSES["E003"], "<2026-10.E003@reporter.example.com>")
    assert ledger.claim("E003", "planned")  # claimed, then the run died: no reply was ever recorded
    ledger.close()
    assert ledger_of(period) == {"E003": "sending"}
    with smtp_server(tmp_path) as server:
        runs = [email(period, server, tmp_path) for _ in range(2)]
        assert sorted(r.rcpt_tos[0] for r in server.received) == sorted(ADDRESSES[e] for e in ("E001", "E002", "E004"))
    for run in runs:
        assert run.exit_code == 1, run.output
        assert "--resend-unknown" in line_of(run.output, "E003") and "状态不明" in line_of(run.output, "E003")
    assert ledger_of(period)["E003"] == "unknown"


def test_a_message_left_to_retry_is_sent_by_the_rerun_which_then_exits_0(period, tmp_path):
    with smtp_server(tmp_path, faults=Faults(defer_once={ADDRESSES["E004"]})) as server:
        first = email(period, server, tmp_path, max_attempts=1)  # one try only: 451 leaves it to retry
        assert first.exit_code == 1 and "451" in line_of(first.output, "E004"), first.output
        assert "重新运行" in line_of(first.output, "E004")
        second = email(period, server, tmp_path)
        assert second.exit_code == 0, second.output
        assert [r.rcpt_tos[0] for r in server.received].count(ADDRESSES["E004"]) == 1
    assert set(ledger_of(period).values()) == {"sent"}


def test_a_run_for_one_employee_still_names_the_periods_undelivered(period, tmp_path):
    with smtp_server(tmp_path, faults=Faults(refuse={ADDRESSES["E002"]})) as server:
        assert email(period, server, tmp_path, "--employee", "E002").exit_code == 1
        other = email(period, server, tmp_path, "--employee", "E001")
    assert other.exit_code == 1, other.output
    assert "已发送：1 封" in other.output and "--retry-failed" in line_of(other.output, "E002")

"""Two sending runs at once, and a run killed mid-send: real processes, one ledger, a real loopback SMTP server.

The period is the fixture company built with `--only summary` (no PDFs: each letter is a few bytes
standing in for one), so only the mail is under test.  The server is slow on purpose (it waits
`reply_delay` seconds before acknowledging each message) so that runs truly overlap.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from reporter.errors import DeliveryError
from reporter.mail.config import SmtpConfig
from reporter.mail.ledger import Ledger, ledger_rows
from reporter.mail.lock import sending_lock
from reporter.mail.send import send_results
from tests.mail_period import ADDRESSES, stand_in_period
from tests.smtp_server import Faults, smtp_server


@pytest.fixture
def period(tmp_path) -> Path:
    return stand_in_period(tmp_path)


def write_config(tmp_path: Path, server) -> Path:
    config = tmp_path / "smtp.toml"
    config.write_text(f'[smtp]\nhost = "{server.host}"\nport = {server.port}\nsecurity = "starttls"\n'
                      f'user = "{server.user}"\nsender = "hr@example.com"\ncafile = "{server.cafile}"\n'
                      "rate_limit = 10000\n", encoding="utf-8")
    return config


def start_email(period: Path, config: Path, server) -> subprocess.Popen:
    """`reporter email PERIOD --send` in a process of its own."""
    return subprocess.Popen([sys.executable, "-m", "reporter", "email", str(period), "--send", "--config", str(config)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "REPORTER_SMTP_PASSWORD": server.password})


def copies_by_employee(server) -> Counter:
    by_address = {address: eid for eid, address in ADDRESSES.items()}
    return Counter(by_address[r.rcpt_tos[0]] for r in server.received)


def ledger_of(period: Path) -> dict[str, tuple[str, int]]:
    return {eid: (status, attempts) for eid, channel, _, status, attempts, _
            in ledger_rows(period.parent / "reporter.sqlite", "2026-10") if channel == "live"}


def wait_until(condition, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.mark.slow  # two real processes against a server that takes a second a message: ~6 s
def test_two_sending_runs_at_once_send_each_message_once(period, tmp_path):
    with smtp_server(tmp_path, faults=Faults(reply_delay=1.0)) as server:
        config = write_config(tmp_path, server)
        runs = [start_email(period, config, server) for _ in range(2)]
        outputs = [run.communicate(timeout=120) for run in runs]
    assert copies_by_employee(server) == {eid: 1 for eid in ADDRESSES}
    assert ledger_of(period) == {eid: ("sent", 1) for eid in ADDRESSES}
    # The run that got the lock sends all four and exits 0; the other sends nothing, says who is
    # sending, and exits 1: its user reruns once the first is done.
    assert sorted(run.returncode for run in runs) == [0, 1], outputs
    winner, loser = (0, 1) if runs[0].returncode == 0 else (1, 0)
    assert "已发送：4 封" in outputs[winner][0]
    assert "正由另一次运行发送" in outputs[loser][1] and "未发送任何邮件" in outputs[loser][1]
    assert f"进程 {runs[winner].pid}" in outputs[loser][1]


@pytest.mark.slow  # real processes and a slow server: ~5 s
def test_a_run_killed_mid_send_leaves_no_lock_and_sends_nothing_twice(period, tmp_path):
    with smtp_server(tmp_path, faults=Faults(reply_delay=1.0)) as server:
        config = write_config(tmp_path, server)
        first = start_email(period, config, server)
        wait_until(lambda: len(server.received) == 2, timeout=60)  # the 2nd is stored, its reply not yet sent
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        done, in_flight = copies_by_employee(server), server.received[1].rcpt_tos[0]
        in_flight_id = next(eid for eid, address in ADDRESSES.items() if address == in_flight)
        assert ledger_of(period)[in_flight_id] == ("sending", 1)  # killed between the claim and the reply
        second = start_email(period, config, server)
        out, err = second.communicate(timeout=120)
    # The lock died with the first run: the second sent everyone else, and nobody twice.
    assert copies_by_employee(server) == {eid: 1 for eid in ADDRESSES} and sum(done.values()) == 2
    assert ledger_of(period) == {eid: ("unknown", 1) if eid == in_flight_id else ("sent", 1) for eid in ADDRESSES}
    # The message the dead run was sending may have arrived (here it did): unknown, exit 1, what to do.
    assert second.returncode == 1, out + err
    assert "已发送：2 封" in out
    unknown_line = next(line for line in out.splitlines() if line.strip().startswith(in_flight_id + " "))
    assert "状态不明" in unknown_line and "--resend-unknown" in unknown_line


def test_a_second_run_is_refused_while_the_period_is_being_sent(period):
    config = SmtpConfig(host="127.0.0.1", port=9, sender="hr@example.com")  # never reached
    db = period.parent / "reporter.sqlite"
    with sending_lock(db, "2026-10", "2026-11-10T09:00:00+08:00"):
        with pytest.raises(DeliveryError, match="正由另一次运行发送") as refused:
            send_results(period, config, send=True)
    assert f"进程 {os.getpid()}，开始于 2026-11-10T09:00:00+08:00" in str(refused.value)
    assert ledger_of(period) == {}


def test_only_one_of_two_ledgers_can_claim_a_message(tmp_path):
    db = tmp_path / "reporter.sqlite"
    first, second = (Ledger(db, "2026-10", "live", lambda: "t") for _ in range(2))
    for ledger in (first, second):
        ledger.plan("E001", "zhangwei@example.com", "<2026-10.E001@x>")
    assert first.claim("E001", "planned") is True
    assert second.claim("E001", "planned") is False  # it saw `planned` too, but the first took it
    first.mark("E001", "sent", "250 ok")
    assert second.claim("E001", "planned") is False
    for ledger in (first, second):
        ledger.close()
    assert ledger_rows(db, "2026-10") == [("E001", "live", "zhangwei@example.com", "sent", 1, "250 ok")]

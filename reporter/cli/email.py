"""``reporter email``: each employee's own results, by mail, once."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from reporter.mail.config import PASSWORD_VARIABLE, load_config
from reporter.mail.send import ATTACHABLE, send_results
from reporter.writers.manifest import MANIFEST, read_manifest

from .app import EXIT_FAILURE, cli, handle_errors
from .options import (
    check_choices,
    db_option,
    department_option,
    employee_option,
    period_dir_argument,
    split_list,
    templates_option,
)


@cli.command()
@period_dir_argument
@click.option("--send", is_flag=True, help="Send for real. Without it nothing is sent: the messages are written "
                                           "as PERIOD_DIR/outbox/<工号>.eml for you to inspect.")
@employee_option
@department_option
@click.option("--attach", default="letters", show_default=True, metavar="KINDS",
              help=f"Attachments, comma-separated: {', '.join(ATTACHABLE)} (the names of `build --only`).")
@click.option("--test-to", metavar="ADDRESS", help="Rehearsal: send every message to this one HR address instead.")
@click.option("--resend-unknown", is_flag=True,
              help="Also resend messages whose connection dropped while sending (they may have arrived).")
@click.option("--retry-failed", is_flag=True, help="Also retry messages the server refused before (after a fix).")
@click.option("--config", "config_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="TOML file whose [smtp] table overrides the workbook's mail settings.")
@db_option("Ledger database [default: the history database beside the period folder].")
@templates_option
@handle_errors
def email(period_dir, send, employee_ids, departments, attach, test_to, resend_unknown, retry_failed, config_file,
          db_path, templates):
    """E-mail each employee their own results, once.

    PERIOD_DIR is one period's folder of a build, e.g. output/2026-10.

    \b
    Dry run by default: every message is built and written as an .eml
    file, and nothing is sent. With --send, each message goes to that
    employee alone (no CC, no BCC), over verified TLS (STARTTLS or SSL).
    Every message is recorded in a ledger, so rerunning after any failure
    sends only what has not gone; one refused address does not stop the rest.
    One run sends a period at a time: a second one started meanwhile sends
    nothing and exits 1. What a killed run was sending is reported as
    unknown (it may have arrived), never resent without --resend-unknown.
    Every --send run lists the period's messages not delivered (refused,
    unknown, left to retry) with what to do, and exits 1 while there is one,
    even when it had nothing new to send.

    \b
    Server settings come from the workbook's 设置 sheet (邮件服务器, 邮件端口,
    加密方式, 邮箱账号, 发件人, 每分钟发送上限) or a --config TOML file:
      [smtp]
      host = "smtp.exmail.qq.com"
      port = 465
      security = "ssl"
      user = "hr@example.com"
      sender = "hr@example.com"
    (also rate_limit, max_attempts, backoff, timeout, cafile, sender_name:
    checked when loaded; every problem with its key, exit 2.)
    The password only from the environment: REPORTER_SMTP_PASSWORD.

    \b
    Examples:
      reporter email output/2026-10                          # dry run: .eml files
      reporter email output/2026-10 --send --test-to hr@example.com   # rehearsal
      reporter email output/2026-10 --send                   # for real
      reporter email output/2026-10 --send --employee HZ0016 --attach letters,scorecards
    """
    kinds = check_choices(split_list((attach,)), ATTACHABLE, "--attach")
    manifest = read_manifest(period_dir)
    config = load_config(manifest.mail, config_file, source=str(manifest.folder / MANIFEST))
    report = send_results(period_dir, config, send=send, employee_ids=split_list(employee_ids),
                          departments=split_list(departments), attach=kinds, test_to=test_to,
                          resend_unknown=resend_unknown, retry_failed=retry_failed,
                          password=os.environ.get(PASSWORD_VARIABLE), db_path=db_path, templates=templates)
    say = report.language.say
    if report.dry_run:
        for out in report.outgoing:
            files = say("、", ", ").join(out.attachments) or say("（无附件）", "(no attachments)")
            click.echo(f"  {out.recipient.employee_id} {out.recipient.name} → {out.to}{say('：', ': ')}{files}")
        folder = period_dir / "outbox"
        click.echo(say(f"已写入 {len(report.written)} 封邮件到 {folder}（.eml）；未发送任何邮件，加 --send 发送。",
                       f"Wrote {len(report.written)} messages to {folder} (.eml); nothing was sent: add --send to "
                       "send them."))
        return
    click.echo(say(f"已发送：{len(report.sent)} 封", f"Sent: {len(report.sent)}"))
    if report.skipped:
        click.echo(say(f"跳过：{len(report.skipped)} 封", f"Skipped: {len(report.skipped)}"))
        for eid, why in report.skipped:
            click.echo(f"  {eid}{say('：', ': ')}{why}")
    if report.undelivered:  # the period's, not only this run's: a rerun with nothing to send still lists them
        click.echo(say(f"未送达：{len(report.undelivered)} 封（本期仍有邮件未送达）",
                       f"Not delivered: {len(report.undelivered)} (of the period, so far)"))
        for u in report.undelivered:
            reply = say(f"（{u.reply}）", f" ({u.reply})") if u.reply else ""
            click.echo(f"  {u.employee_id} {u.name}{say('：', ': ')}{u.what}{reply}{say('：', '; ')}{u.todo}")
    if report.stopped:
        click.echo(report.stopped, err=True)
    if report.undelivered or report.stopped:
        sys.exit(EXIT_FAILURE)

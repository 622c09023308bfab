"""Send each employee their own results over SMTP, once, and resumably.

The loop is written against a connection factory, so tests use a real SMTP
server on loopback and nothing is patched.  TLS is always verified
(``ssl.create_default_context``; smtplib's ``starttls()`` does not verify by
itself).  Message bodies and attachments are never logged.
"""

from __future__ import annotations

import smtplib
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from email import policy
from pathlib import Path

from reporter.errors import DeliveryError
from reporter.mail.config import PASSWORD_VARIABLE, SmtpConfig
from reporter.mail.ledger import Ledger
from reporter.mail.lock import sending_lock
from reporter.mail.message import Outgoing, build_message, text_environment
from reporter.store.atomic import write_bytes_atomic
from reporter.writers.language import ZH, Language, language
from reporter.writers.manifest import Recipient, read_manifest

# The same names as `build --only`, and the plan's addenda (every one of the term, from OUT/plans/<term>/).
ATTACHABLE = ("letters", "scorecards", "agreements", "addenda")


@dataclass(frozen=True)
class Undelivered:
    """A message of the period that has not gone (yet), after this run: the run exits 1 while there is one."""

    employee_id: str
    name: str
    status: str  # failed, unknown, sending (a dead run's), retry or planned
    reply: str  # the server's last reply, or what happened
    what: str  # what it is, in the period's language
    todo: str  # what to do about it


@dataclass
class DeliveryReport:
    dry_run: bool
    outgoing: list[Outgoing] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    sent: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (employee ID, why)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (employee ID, the server's reply)
    retry: list[tuple[str, str]] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    undelivered: list[Undelivered] = field(default_factory=list)  # the period's, from the ledger after the run
    stopped: str = ""  # why the batch ended early, if it did
    language: Language = ZH  # the period's: the report's words (skip reasons, the summary) follow it


def connect(config: SmtpConfig, password: str | None) -> smtplib.SMTP:
    """An authenticated SMTP session over verified TLS, or a DeliveryError saying why not."""
    context = ssl.create_default_context(cafile=config.cafile or None)
    try:
        if config.security == "ssl":
            smtp = smtplib.SMTP_SSL(config.host, config.effective_port, timeout=config.timeout, context=context)
        else:
            smtp = smtplib.SMTP(config.host, config.effective_port, timeout=config.timeout)
            smtp.ehlo()
            smtp.starttls(context=context)
            smtp.ehlo()
        if config.user:
            smtp.login(config.user, password or "")
        return smtp
    except ssl.SSLCertVerificationError as err:
        raise DeliveryError(f"邮件服务器 {config.host} 的证书验证失败（{err.verify_message}）：未发送任何邮件。"
                            "如公司使用自签证书，请在配置文件 [smtp] 中用 cafile 指定其 CA") from err
    except smtplib.SMTPAuthenticationError as err:
        raise DeliveryError(f"邮件服务器拒绝登录（{err.smtp_code}）：请检查账号与环境变量 {PASSWORD_VARIABLE}") from err
    except smtplib.SMTPNotSupportedError as err:
        raise DeliveryError(f"邮件服务器 {config.host} 不支持 STARTTLS：请改用 SSL（465 端口）") from err
    except (OSError, smtplib.SMTPException) as err:
        raise DeliveryError(f"无法连接邮件服务器 {config.host}:{config.effective_port}：{err}") from err


def _reply(code: int, text: bytes | str) -> str:
    return f"{code} {text.decode('utf-8', 'replace') if isinstance(text, bytes) else text}".strip()


class _Batch:
    def __init__(self, config, password, ledger: Ledger, report: DeliveryReport, connector, sleep):
        self.config, self.password, self.ledger, self.report = config, password, ledger, report
        self.connector, self.sleep = connector, sleep
        self.smtp: smtplib.SMTP | None = None

    def run(self, queue: list[tuple[Outgoing, str]]) -> None:
        """Send each (message, the ledger status this run saw for it) in turn."""
        self.smtp = self.connector(self.config, self.password)  # a bad certificate stops us before any message
        try:
            for i, (out, seen) in enumerate(queue):
                if i:
                    self.sleep(60.0 / self.config.rate_limit)
                if not self.send(out, seen):
                    left = len(queue) - i - 1  # none left: the undelivered list says it all
                    self.report.stopped = "" if not left else self.report.language.say(
                        f"与邮件服务器的连接中断，其余 {left} 封未发送：请稍后重新运行同一命令",
                        f"The connection to the mail server was lost; {left} more not sent: run the same command "
                        "again later")
                    break
        finally:
            self.close()

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self.smtp = None

    def send(self, out: Outgoing, seen: str) -> bool:
        """One message, with retries for temporary failures; False when the connection is lost.

        Each attempt first claims the message in the ledger; one another run has taken is skipped.
        """
        eid = out.recipient.employee_id
        for attempt in range(1, self.config.max_attempts + 1):
            if attempt > 1:
                self.sleep(self.config.backoff * 2 ** (attempt - 2))
            if not self.ledger.claim(eid, seen if attempt == 1 else "retry"):
                self.report.skipped.append((eid, self.report.language.say(
                    "已由另一次运行认领发送", "claimed by another run")))
                return True
            in_data = False
            try:
                if self.smtp is None:
                    self.smtp = self.connector(self.config, self.password)
                code, text = self.smtp.mail(self.config.sender)
                if code == 250:
                    code, text = self.smtp.rcpt(out.to)
                if code in (250, 251):
                    in_data = True
                    code, text = self.smtp.data(out.message.as_bytes(policy=policy.SMTP))
                    in_data = False
            except smtplib.SMTPResponseException as err:
                code, text = err.smtp_code, err.smtp_error
            except (smtplib.SMTPServerDisconnected, OSError, DeliveryError) as err:
                self.smtp = None
                if in_data:  # the data may have reached the server: do not risk a second copy
                    self.ledger.mark(eid, "unknown", f"connection lost while sending: {type(err).__name__}")
                    self.report.unknown.append(eid)
                else:
                    self.ledger.mark(eid, "retry", f"connection lost: {type(err).__name__}")
                    self.report.retry.append((eid, self.report.language.say("连接中断", "connection lost")))
                return False
            reply = _reply(code, text)
            if code == 250:
                self.ledger.mark(eid, "sent", reply)
                self.report.sent.append(eid)
                return True
            self.reset()
            if 500 <= code < 600:
                self.ledger.mark(eid, "failed", reply)
                self.report.failed.append((eid, reply))
                return True
            self.ledger.mark(eid, "retry", reply)  # 4xx: try again after a pause
        self.report.retry.append((eid, reply))
        return True

    def reset(self) -> None:
        try:
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self.close()


def select_recipients(recipients: Iterable[Recipient], employee_ids: Iterable[str] = (),
                      departments: Iterable[str] = ()) -> list[Recipient]:
    """Everyone, or the named employees plus every member of the named departments (公司-部门 or 部门)."""
    recipients = list(recipients)
    wanted = {e.strip() for e in employee_ids if e.strip()}
    unknown_ids = sorted(wanted - {r.employee_id for r in recipients})
    if unknown_ids:
        raise DeliveryError(f"工号 {'、'.join(unknown_ids)} 不在本期结果中")
    for name in (d.strip() for d in departments if d.strip()):
        members = {r.employee_id for r in recipients if name in (r.department, f"{r.company}-{r.department}")}
        if not members:
            raise DeliveryError(f"本期结果中没有部门「{name}」")
        wanted |= members
    return [r for r in recipients if not wanted or r.employee_id in wanted]


def send_results(period_dir: Path, config: SmtpConfig, *, send: bool = False, employee_ids: Iterable[str] = (),
                 departments: Iterable[str] = (), attach: Iterable[str] = ("letters",), test_to: str | None = None,
                 resend_unknown: bool = False, retry_failed: bool = False, password: str | None = None, db_path: Path | None = None,
                 now: Callable[[], datetime] = datetime.now, connector=connect, sleep=None,
                 templates: Path | None = None) -> DeliveryReport:
    """Build every message; write them as .eml files (dry run) or send those not yet sent.

    ``connector`` opens the SMTP connection (the transport; tests pass their own), ``now`` is the clock,
    ``sleep`` the pause between messages, ``templates`` a company's own template folder.
    """
    manifest = read_manifest(period_dir)
    attach = tuple(attach)
    bad = sorted(set(attach) - set(ATTACHABLE))
    if bad:
        raise DeliveryError(f"未知的附件类型 {', '.join(bad)}：可选 {', '.join(ATTACHABLE)}")
    config.check(sending=send)
    if send and config.user and password is None:
        raise DeliveryError(f"请在环境变量 {PASSWORD_VARIABLE} 中提供邮箱密码（不要写在任何文件里）")
    chosen = select_recipients(manifest.recipients, employee_ids, departments)
    env = text_environment(templates)
    problems, outgoing = [], []
    for r in chosen:  # build everything first: one bad name must not leave half a batch sent
        try:
            outgoing.append(build_message(env, manifest, r, sender=config.sender,
                                          sender_name=config.sender_name or manifest.company,
                                          attach=attach, test_to=test_to, now=now()))
        except DeliveryError as err:
            problems.append(f"{r.employee_id}：{err}")
    if problems:
        raise DeliveryError("以下邮件无法生成，未发送任何邮件：\n" + "\n".join(problems))
    report = DeliveryReport(dry_run=not send, outgoing=outgoing, language=language(manifest.language))
    if not send:
        for out in outgoing:
            path = manifest.folder / "outbox" / f"{out.recipient.employee_id}.eml"
            write_bytes_atomic(path, out.message.as_bytes(policy=policy.SMTP))
            report.written.append(path)
        return report

    channel = "live" if test_to is None else f"rehearsal:{test_to}"
    db_path = Path(db_path or manifest.folder.parent / "reporter.sqlite")

    def clock() -> str:
        return now().astimezone().isoformat(timespec="seconds")

    with sending_lock(db_path, manifest.period, clock()):  # one sending run per ledger and period
        ledger = Ledger(db_path, manifest.period, channel, clock,
                        {r.employee_id: r.letter_version for r in manifest.recipients})
        try:
            abandoned = ledger.abandon_claims("the run sending it ended before the server replied")
            queue = _select(ledger, outgoing, report, abandoned, resend_unknown=resend_unknown,
                            retry_failed=retry_failed)
            if queue:
                _Batch(config, password, ledger, report, connector, sleep or time.sleep).run(queue)
            names = {r.employee_id: r.name for r in manifest.recipients}
            report.undelivered = [undelivered(eid, names.get(eid, ""), status, reply, report.language)
                                  for eid, status, reply in ledger.undelivered()]
        finally:
            ledger.close()
    return report


def _select(ledger: Ledger, outgoing: list[Outgoing], report: DeliveryReport, abandoned: list[str], *,
            resend_unknown: bool, retry_failed: bool) -> list[tuple[Outgoing, str]]:
    """The messages to send now, planned in the ledger, each with the status seen (claimed against it).

    Those sent before go to the report as skipped, those a run that died was sending as unknown; refused and
    unknown ones wait for --retry-failed or --resend-unknown (the report lists them as undelivered).
    """
    queue, say = [], report.language.say
    for out in outgoing:
        eid = out.recipient.employee_id
        status, _ = ledger.status(eid) or ("", "")
        if status == "unknown" and eid in abandoned and not resend_unknown:
            report.unknown.append(eid)
        elif status == "sent":
            report.skipped.append((eid, say("此前已发送", "sent before")))
        elif (status in ("unknown", "sending") and not resend_unknown) or (status == "failed" and not retry_failed):
            pass  # not sent again without being asked: the report's undelivered list says what to do
        else:
            ledger.plan(eid, out.to, out.message_id)
            queue.append((out, status or "planned"))
    chosen = {out.recipient.employee_id for out in outgoing}
    report.unknown += [eid for eid in abandoned if eid not in chosen]  # not asked about now, but just found out
    return queue


def undelivered(employee_id: str, name: str, status: str, reply: str, lang: Language) -> Undelivered:
    """What an unsent message is and what to do about it, in the period's language."""
    say = lang.say
    if status == "failed":
        what = say("被服务器拒收", "refused by the server")
        todo = say("改正其邮箱地址（员工表）并重新生成本期，再加 --retry-failed 重发",
                   "correct the address (employees sheet), build the period again, then resend with --retry-failed")
    elif status in ("unknown", "sending"):
        what = say("状态不明（发送中连接断开或发送的运行中止，可能已送达）",
                   "status unknown (the connection dropped or the run sending it ended; it may have arrived)")
        todo = say(f"先在邮件服务器的已发送邮件中核对（或问本人），确认未送达后加 --resend-unknown --employee "
                   f"{employee_id} 重发", f"check the mail server's sent folder (or ask the employee); once sure it "
                   f"did not arrive, resend with --resend-unknown --employee {employee_id}")
    else:  # retry, or planned by a run that stopped before it
        what = say("待重试", "to retry") if status == "retry" else say("尚未发送", "not sent yet")
        todo = say("稍后重新运行同一命令", "run the same command again later")
    return Undelivered(employee_id, name, status, reply, what, todo)
